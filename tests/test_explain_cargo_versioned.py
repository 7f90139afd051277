"""A crate's own build script that links the pinned wheel's MKL by -lmkl_rt: the folder is searched and holds only
libmkl_rt.so.3 (a wheel has no development links). Produced with cargo; the finding says the folder is searched (it had
said "not searched") and names the build script's own verbatim link, which builds where rustc takes it (1.67+); the
binary then runs once the build script gives it MKL's folder as its run path, as the loader's finding says."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.test_explain_families import clean_env, flat, only_error, run

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
MAIN = 'extern "C" {\n    fn MKL_Get_Max_Threads() -> i32;\n}\nfn main() {\n    println!("{}", unsafe { MKL_Get_Max_Threads() });\n}\n'


def _crate(tmp_path, folder, link: str):
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n')
    (tmp_path / "src" / "main.rs").write_text(MAIN)
    (tmp_path / "build.rs").write_text(f'fn main() {{\n    println!("cargo:rustc-link-search=native={folder}");\n'
                                       f'    println!("cargo:rustc-link-lib={link}");\n}}\n')


def test_a_build_scripts_own_link_of_the_wheels_mkl(tmp_path, mkl):
    _crate(tmp_path, mkl.pip_lib, "mkl_rt")
    code, log = run(["cargo", "build", "--offline"], tmp_path, clean_env())
    assert code != 0 and "mkl_rt" in log, log
    finding = only_error(log)
    assert finding.id == "library-not-found" and "is searched" in finding.title, flat(finding)
    verbatim = re.search(r"rustc-link-lib=(dylib:\+verbatim=libmkl_rt\.so\.\d+)", finding.fix[0])
    assert verbatim, flat(finding)
    version = re.search(r"(\d+)\.(\d+)", subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout)
    if (int(version[1]), int(version[2])) >= (1, 67):  # the modifier's first release: older rustc refuses it
        _crate(tmp_path, mkl.pip_lib, verbatim[1])
        code, log = run(["cargo", "build", "--offline"], tmp_path, clean_env())
        assert code == 0, log
        # it links; it runs only where the loader finds the file: the loader's finding names the build script's run path
        code, log = run(["cargo", "run", "--offline"], tmp_path, clean_env())
        assert code != 0 and "libmkl_rt.so" in log, log
        finding = only_error(log)
        assert finding.id == "loader-cannot-find" and any("cargo:rustc-link-arg=-Wl,-rpath," in f for f in finding.fix), flat(finding)
        build = (tmp_path / "build.rs").read_text()
        (tmp_path / "build.rs").write_text(build.replace("}\n", f'    println!("cargo:rustc-link-arg=-Wl,-rpath,{mkl.pip_lib}");\n}}\n', 1))
        code, out = run(["cargo", "run", "--offline"], tmp_path, clean_env())
        assert code == 0 and out.strip().splitlines()[-1].isdigit(), out
    else:
        assert "rustc 1.67+" in finding.fix[0]
