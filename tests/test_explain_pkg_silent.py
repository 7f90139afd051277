"""Issue 21, never silent: package managers that cannot provide an MKL package, libraries of another platform or word
size, and the echoes of build and workflow tools.

Produced here for real where this machine can: pip's own words for a release its index does not have (``--no-index``
with a ``--find-links`` folder), Python's ctypes given a git-lfs pointer, an empty file and a 32-bit library, GNU ld
given a 32-bit and an s390x library (the fix, the 64-bit library, is loaded and linked). conda, mamba, pixi, uv, macOS
and Windows: variants of public shapes (other platforms, packages and releases than the blind set's logs).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkldoctor.explain import catalogue, logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.explain.origin import ELSEWHERE, HERE, Origin
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution, platforms


def findings_of(log: str, **kwargs) -> list[Finding]:
    return explain(logparse.parse_bytes(log.encode()), [], **kwargs)


def flat(finding: Finding) -> str:
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


def only(log: str, rule: str, **kwargs) -> Finding:
    """The log's one error finding, of ``rule``: no unrecognised line beside it."""
    errors = [f for f in findings_of(log, **kwargs) if f.severity == "error"]
    assert [f.id for f in errors] == [rule], [(f.id, f.title) for f in errors]
    return errors[0]


# -- the knowledge: one home, read from the indexes ---------------------------------------------------------------


def test_the_platform_table_and_the_index_facts_agree():
    assert platforms.last_release("macos") == "2023.2"
    assert not platforms.supported("macos-x86_64", "2024.0.0") and platforms.supported("macos-x86_64", "2023.2.2")
    assert not platforms.supported("macos-arm64") and not platforms.supported("linux-ppc64le")
    assert platforms.supported("linux-x86", "2024.2.2") and not platforms.supported("windows-x86", "2025.0.0")
    for wheels in distribution.PYPI_MKL:  # PyPI's spans end where Intel's builds end
        if wheels.last:
            assert platforms.supported(wheels.platform, wheels.last)
            assert not platforms.platform(wheels.platform).last or wheels.last.startswith(platforms.platform(wheels.platform).last)
    assert distribution.pypi_has("macos-x86_64", "2023.2.2") and not distribution.pypi_has("macos-x86_64", "2024.0.0")
    assert not distribution.pypi_has("macos-arm64") and not distribution.pypi_has("linux-aarch64")
    assert distribution.conda_has("nomkl", "windows-x86_64") is False and distribution.conda_has("mkl", "linux-ppc64le") is False
    assert distribution.conda_has("mkl", "macos-x86_64", "2023.1.0") and not distribution.conda_has("mkl", "macos-x86_64", "2024.0")
    assert distribution.platform_of_subdir("osx-arm64") == "macos-arm64"
    assert distribution.platform_of_tag("macosx_14_0_arm64") == "macos-arm64"
    assert distribution.platform_of_tag("manylinux_2_17_aarch64") == "linux-aarch64"
    assert distribution.platform_of_tag("win32") == "windows-x86"
    assert distribution.is_mkl_package("libblas", "=* *mkl") and not distribution.is_mkl_package("libblas", "=* *openblas")
    assert not distribution.is_mkl_package("numpy")
    assert [w.platform for w in distribution.pypi_shown(["2021.4.0", "2023.2.2"])] == ["macos-x86_64"]
    assert {w.platform for w in distribution.pypi_shown(["2021.1.1", "2024.2.2"])} == {"linux-x86", "windows-x86"}


# -- pip, for real --------------------------------------------------------------------------------------------------


def pip(tmp_path: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", *args], cwd=tmp_path,
                          env={**os.environ, "PIP_CONSTRAINT": "", "PIP_FIND_LINKS": "", "PIP_INDEX_URL": ""},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    return done.stdout


def test_pip_offered_only_the_macos_releases(tmp_path):
    """pip's real words when its index has mkl for macOS on Intel only up to 2023.2.2 and 2024.0.0 is asked for: the
    versions it was offered say the platform, and the fix pins the last release built for it."""
    links = tmp_path / "links"
    links.mkdir()
    for version in ("2021.4.0", "2023.2.2"):
        (links / f"mkl-{version}-py2.py3-none-macosx_10_15_x86_64.macosx_11_0_x86_64.whl").touch()
    log = pip(tmp_path, "download", "--no-deps", "--no-index", "--find-links", str(links), "--platform", "macosx_11_0_x86_64",
              "--only-binary=:all:", "-d", str(tmp_path / "out"), "mkl==2024.0.0")
    assert "Could not find a version that satisfies the requirement mkl==2024.0.0 (from versions: 2021.4.0, 2023.2.2)" in log
    finding = only(log, "mkl-not-for-this-platform")
    assert "macOS on Intel" in finding.title and "2023.2" in finding.title
    assert "pip was offered mkl 2021.4.0 to 2023.2.2" in flat(finding)
    assert any("mkl<=2023.2.2" in line for line in finding.fix)


def test_pip_with_an_index_that_serves_no_mkl(tmp_path):
    """The same words for an index without mkl-static at all: from another machine, no wheel for that platform (ARM, musl);
    from this machine (x86-64 Linux, where PyPI has it), the index pip searched is the cause."""
    (tmp_path / "empty").mkdir()
    log = pip(tmp_path, "install", "--no-index", "--find-links", str(tmp_path / "empty"), "mkl-static==2024.0.0")
    assert "No matching distribution found for mkl-static==2024.0.0" in log
    elsewhere = only(log, "mkl-not-for-this-platform", origin=Origin(ELSEWHERE, forced=True))
    assert "Apple silicon" in flat(elsewhere) and "musl" in flat(elsewhere)
    if distribution.pypi_has(f"linux-{os.uname().machine}", "2024.0.0"):
        here = only(log, "mkl-package-unavailable", origin=Origin(HERE, forced=True))
        assert "Linux on x86-64" in here.title and any("--no-index" in line for line in here.fix)


# -- conda, mamba, pixi, uv: variants of public shapes -----------------------------------------------------------------

CONDA_AARCH64 = """\
Collecting package metadata (repodata.json): done
Solving environment: failed

PackagesNotFoundError: The following packages are not available from current channels:

  - mkl-static
  - mkl-include

Current channels:

  - https://conda-mirror.internal/conda-forge/linux-aarch64
  - https://conda-mirror.internal/conda-forge/noarch
"""


def test_conda_on_aarch64_names_its_platform_in_the_channels():
    finding = only(CONDA_AARCH64, "mkl-not-for-this-platform")
    assert "Linux on ARM (aarch64)" in finding.title and "linux-aarch64" in flat(finding)
    assert "mkl-include" in flat(finding) and any("OpenBLAS" in line for line in finding.fix)
    assert not any("mkl<2024" in line for line in finding.fix)


def test_libmamba_on_linux_aarch64_and_mamba_1():
    log = ("#12 2.31 Platform: linux-aarch64\n#12 2.31 Transaction\n"
           "#12 2.35 error    libmamba Could not solve for environment specs\n"
           "#12 2.35     The following package could not be installed\n"
           "#12 2.35     └─ mkl >=2023 * does not exist (perhaps a typo or a missing channel).\n"
           "#12 2.35 critical libmamba Could not solve for environment specs\n")
    finding = only(log, "mkl-not-for-this-platform")
    assert "Linux on ARM (aarch64)" in finding.title and "libmamba Could not solve" in flat(finding)  # the echoes joined it
    mamba1 = "Encountered problems while solving:\n  - nothing provides requested mkl 2024.0.0**\n"
    finding = only(mamba1, "mkl-not-for-this-platform")
    assert "MKL 2024.0.0 is built for Linux and Windows on x86-64 only" in finding.title
    assert any("mkl<2024" in line for line in finding.fix)
    # mamba 1.5 adds ", which does not exist" to the spec: not part of it; a release osx-64 has: ARM, or channels without it
    old = only("Encountered problems while solving:\n  - nothing provides requested mkl 2019.1.* , which does not exist\n",
               "mkl-not-for-this-platform")
    assert "no mkl 2019.1.* for the log's platform or in the channels it searched" in old.title, flat(old)
    assert any("-c conda-forge -c defaults" in line for line in old.fix) and "--platform osx-arm64" in old.confirm[0], flat(old)
    # libmamba 2's words for a package whose mkl no channel has for the platform (conda 24 and newer)
    mamba2 = ("Platform: osx-arm64\nLibMambaUnsatisfiableError: Encountered problems while solving:\n"
              "  - package pytorch-2.3.0-py3.12_cpu_0 requires mkl >=2023.1.0,<2024.0a0, but none of the providers can be "
              "installed\n")
    finding = only(mamba2, "mkl-not-for-this-platform")
    assert "Apple silicon" in finding.title and "mkl>=2023.1.0,<2024.0a0" in finding.title, flat(finding)
    other = "  - package foo-1.0-0 requires libbar >=2, but none of the providers can be installed\n"
    assert [f.id for f in findings_of(other) if f.severity == "error"] == ["unrecognised-failure"]  # a failure all the same


def test_pixi_and_uv_name_apple_silicon():
    pixi = ("Error:   × failed to solve the conda requirements of 'default' 'osx-arm64'\n"
            "  ╰─▶ Cannot solve the request because of: No candidates were found for mkl *.\n")
    finding = only(pixi, "mkl-not-for-this-platform")
    assert "Apple silicon" in finding.title and any("accelerate" in line for line in finding.fix)
    uv = ("  × No solution found when resolving dependencies:\n"
          "  ╰─▶ Because mkl==2024.2.2 has no wheels with a matching platform tag (e.g., `macosx_14_0_arm64`) and you require "
          "mkl==2024.2.2, we can conclude that your requirements are unsatisfiable.\n")
    finding = only(uv, "mkl-not-for-this-platform")
    assert "uv has no mkl==2024.2.2 for macOS on Apple silicon" in finding.title


def test_conda_nomkl_on_32_bit_windows_and_a_release_linux_has():
    old = "Fetching package metadata: ....\nError: No packages found in current win-32 channels matching: nomkl\n"
    finding = only(old, "mkl-not-for-this-platform")
    assert "nomkl" in finding.title and "Windows" in finding.title and any("conda install mkl=" in f for f in finding.fix)
    linux = ("Platform: linux-64\nCollecting package metadata (repodata.json): done\nSolving environment: failed\n\n"
             "PackagesNotFoundError: The following packages are not available from current channels:\n\n  - mkl=2025.0.1\n")
    finding = only(linux, "mkl-package-unavailable")
    assert "Linux on x86-64" in finding.title and any("conda-forge" in line for line in finding.fix)


def test_an_environment_exported_with_builds():
    log = ("ResolvePackageNotFound: \n  - mkl==2019.4=243\n  - mkl-service==2.3.0=py37he904b0f_0\n  - libgcc-ng==9.1.0=hdf63c60_0\n")
    finding = only(log, "mkl-not-for-this-platform")
    assert "libgcc-ng" in flat(finding) and "exported with builds" in flat(finding)


def test_another_package_the_manager_cannot_provide_is_never_silent():
    for log in ("PackagesNotFoundError: The following packages are not available from current channels:\n\n  - pytorch-cuda=12.1\n",
                "error    libmamba Could not solve for environment specs\n    └─ cudatoolkit =11.8 * does not exist (perhaps "
                "a typo or a missing channel).\ncritical libmamba Could not solve for environment specs\n",
                "ERROR: Could not find a version that satisfies the requirement torch==9.9 (from versions: 2.5.0)\n"
                "ERROR: No matching distribution found for torch==9.9\n"):
        findings = findings_of(log)
        assert [f.id for f in findings] == ["unrecognised-failure"], [(f.id, f.title) for f in findings]
        assert "does not recognise" in findings[0].title


# -- a library of another format, for real ------------------------------------------------------------------------


def load_error(path: Path) -> str:
    with pytest.raises(OSError) as raised:
        ctypes.CDLL(str(path))
    return f"OSError: {raised.value}\n"


def test_a_git_lfs_pointer_and_an_empty_file_given_to_ctypes(tmp_path):
    pointer = tmp_path / "libmkl_rt.so.2"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 72034912\n")
    log = load_error(pointer)
    assert "invalid ELF header" in log
    finding = only(log, "library-wrong-platform")
    assert finding.title == "Linux cannot load libmkl_rt.so.2: it is not an ELF file"
    assert any("git lfs pull" in line for line in finding.fix) and any("--force-reinstall mkl" in line for line in finding.fix)
    empty = tmp_path / "libmkl_core.so.2"
    empty.touch()
    finding = only(load_error(empty), "library-wrong-platform")
    assert "empty or cut short" in finding.title


@pytest.fixture
def mkl_layout(tmp_path) -> Path:
    """MKL's old layout in small: lib/ia32/libmkl_rt.so (32-bit) and lib/intel64/libmkl_rt.so (64-bit)."""
    if not shutil.which("gcc") or os.uname().machine != "x86_64":
        pytest.skip("needs gcc on x86-64")
    (tmp_path / "f.c").write_text("int mkl_f(void) { return 7; }\n")
    for folder, flag in (("ia32", "-m32"), ("intel64", "-m64")):
        (tmp_path / "lib" / folder).mkdir(parents=True)
        built = subprocess.run(["gcc", flag, "-shared", "-nostdlib", "-fPIC", "-o", str(tmp_path / "lib" / folder / "libmkl_rt.so"),
                                str(tmp_path / "f.c")], capture_output=True, text=True)
        if built.returncode:
            pytest.skip(f"gcc {flag} cannot build here: {built.stderr[:200]}")
    return tmp_path


def test_a_32_bit_mkl_loaded_and_linked_the_fix_works(mkl_layout):
    ia32 = mkl_layout / "lib" / "ia32" / "libmkl_rt.so"
    log = load_error(ia32)
    assert "wrong ELF class: ELFCLASS32" in log
    finding = only(log, "library-wrong-platform")
    assert "32-bit library in a 64-bit process" in finding.title
    fixed = mkl_layout / "lib" / "intel64" / "libmkl_rt.so"
    assert finding.fix[0] == f"use the 64-bit library: {fixed}"
    assert ctypes.CDLL(str(fixed)).mkl_f() == 7  # the fix loads
    (mkl_layout / "m.c").write_text("int mkl_f(void); int main(void) { return mkl_f() != 7; }\n")
    link = subprocess.run(["gcc", "m.c", str(ia32), "-o", "m"], cwd=mkl_layout, capture_output=True, text=True)
    assert "error adding symbols: file in wrong format" in link.stderr
    finding = only(link.stderr, "library-wrong-platform")
    assert "the linker cannot use libmkl_rt.so: it is a 32-bit library in a 64-bit link" == finding.title
    assert "collect2" in flat(finding)  # the echo joined it
    assert finding.fix[0] == f"use the 64-bit library: {fixed}"
    relinked = subprocess.run(["gcc", "m.c", str(fixed), "-o", "m", f"-Wl,-rpath,{fixed.parent}"], cwd=mkl_layout)
    assert relinked.returncode == 0 and subprocess.run([str(mkl_layout / "m")]).returncode == 0


def test_an_s390x_library_in_an_x86_64_link(tmp_path, big_endian):
    if not shutil.which("s390x-linux-gnu-ld") or not shutil.which("gcc"):
        pytest.skip("needs binutils-s390x-linux-gnu and gcc")
    lib = tmp_path / "libmkl_core.so"
    subprocess.run(["s390x-linux-gnu-ld", "-shared", "-o", str(lib), str(big_endian)], check=True)
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    link = subprocess.run(["gcc", "m.c", str(lib), "-o", "m"], cwd=tmp_path, capture_output=True, text=True)
    finding = only(link.stderr, "library-wrong-platform")
    assert "not a library for this target" in finding.title and any("lib/intel64" in line for line in finding.fix)


# -- macOS, Windows: variants of public shapes ------------------------------------------------------------------------


def test_macos_dyld_incompatible_architecture_is_one_finding():
    log = ("ImportError: dlopen(/Users/u/venv/lib/python3.10/site-packages/numpy/core/_multiarray_umath.cpython-310-darwin.so, "
           "0x0002): Library not loaded: @rpath/libmkl_rt.2.dylib\n"
           "  Referenced from: <4C4C44F2> /Users/u/venv/lib/python3.10/site-packages/numpy/core/_multiarray_umath.cpython-310-"
           "darwin.so\n"
           "  Reason: tried: '/Users/u/venv/lib/libmkl_rt.2.dylib' (mach-o file, but is an incompatible architecture (have "
           "(x86_64), need (arm64))), '/usr/local/lib/libmkl_rt.2.dylib' (no such file)\n")
    finding = only(log, "library-wrong-platform")
    assert finding.title == "macOS cannot load libmkl_rt.2.dylib: it is built for x86_64, and the process is arm64"
    assert "Rosetta 2" in finding.fix[0] and "lipo -archs" in finding.confirm[0]
    old = ("OSError: dlopen(/Users/u/lib/libfoo.dylib, 6): no suitable image found.  Did find:\n"
           "\t/Users/u/lib/libfoo.dylib: unknown file type, first eight bytes: 0x4D 0x5A 0x90 0x00 0x03 0x00 0x00 0x00\n")
    finding = only(old, "library-wrong-platform")
    assert "a Windows (PE) file" in finding.title


def test_windows_wrong_word_size():
    log = ("Traceback (most recent call last):\n  File \"run.py\", line 3, in <module>\n"
           "    lib = ctypes.CDLL(r\"C:\\Program Files (x86)\\Intel\\oneAPI\\mkl\\2023.2.0\\redist\\ia32\\mkl_rt.2.dll\")\n"
           "  File \"C:\\Python311\\Lib\\ctypes\\__init__.py\", line 376, in __init__\n"
           "    self._handle = _dlopen(self._name, mode)\n"
           "OSError: [WinError 193] %1 is not a valid Win32 application\n")
    finding = only(log, "library-wrong-platform")
    assert "mkl_rt.2.dll" in finding.title and any("redist\\intel64" in line for line in finding.fix)
    imported = "ImportError: DLL load failed while importing _multiarray_umath: %1 is not a valid Win32 application.\n"
    assert "_multiarray_umath" in only(imported, "library-wrong-platform").title
    java = ("Exception in thread \"main\" java.lang.UnsatisfiedLinkError: C:\\libs\\mkl_rt.2.dll: Can't load IA 32-bit .dll on a "
            "AMD 64-bit platform\n")
    assert "IA 32-bit DLL" in only(java, "library-wrong-platform").title
    lnk = ("mkl_intel_lp64.lib(mkl_intel_lp64.obj) : fatal error LNK1112: module machine type 'x64' conflicts with target "
           "machine type 'x86'\n")
    finding = only(lnk, "library-wrong-platform")
    assert "built for x64 and the link targets x86" in finding.title and any("cmake -A x64" in line for line in finding.fix)


# -- echoes ------------------------------------------------------------------------------------------------------------

ECHOES = (
    "== 2024-03-01 10:00:00,000 build_log.py:267 ERROR EasyBuild crashed with an error (at easybuild/base/exceptions.py:126 "
    "in __init__): cmd \"make -j 8\" exited with exit code 2 and output:",
    "Error in rule align_reads:",
    "CalledProcessError in file /work/Snakefile, line 42:",
    "C:\\Program Files\\MSBuild\\Microsoft.CppCommon.targets(254,5): error MSB3073: The command \"cmake --build .\" exited "
    "with code 1.",
    "==> Error: ProcessError: Command exited with status 2:",
    "ERROR ~ Error executing process > 'ALIGN (sample1)'",
    "ERROR: InvocationError for command /usr/bin/make (exited with code 2)",
    "ERROR: /src/BUILD:12:10: Linking app failed: (Exit 1): gcc failed: error executing command /usr/bin/gcc @app.params",
    "ERROR: failed to solve: process \"/bin/sh -c pip install mkl\" did not complete successfully: exit code: 1",
    "> Process 'command 'cmake'' finished with non-zero exit value 1",
)


@pytest.mark.parametrize("line", ECHOES)
def test_a_tools_echo_of_a_failed_command(line):
    claimed, event = catalogue.claim(line, ())
    assert claimed and isinstance(event, catalogue.FollowOn), (line, event)


def test_a_command_that_exited_with_code_0_is_no_echo():
    assert findings_of("Process finished with exit code 0\n==> ProcessError: Command exited with status 0\n") == []


def test_a_log_of_echoes_only_is_not_clean_and_an_echo_joins_the_failure():
    log = ("[Tue Mar 5 10:00:00 2024]\nError in rule align_reads:\n    jobid: 3\n    output: out/a.bam\n"
           "Shutting down, this might take some time.\nExiting because a job execution failed. Look above for error message\n")
    (finding,) = findings_of(log)
    assert finding.id == "unrecognised-failure" and "Error in rule align_reads" in flat(finding)
    msvc = ("LINK : fatal error LNK1181: cannot open input file 'mkl_core.lib'\n"
            "C:\\Program Files\\MSBuild\\Microsoft.CppCommon.targets(1074,5): error MSB6006: \"link.exe\" exited with code 1181.\n")
    errors = [f for f in findings_of(msvc) if f.severity == "error"]
    assert [f.id for f in errors] == ["msvc-library-not-found"] and "MSB6006" in flat(errors[0])


def test_meson_found_no_is_fatal_only_where_the_step_failed():
    found_no = "Run-time dependency mkl found: NO (tried pkgconfig and cmake)\n"
    assert [f.severity for f in findings_of(found_no)] == ["warning"]
    failed = ("ERROR: Command \"meson setup build -Dblas=mkl\" failed with exit code 1 and output:\n" + found_no)
    assert [(f.id, f.severity) for f in findings_of(failed)] == [("meson-dependency-not-found", "error")]


def test_apple_ld_ignoring_a_linux_or_intel_library():
    elf = ("ld: warning: ignoring file /usr/local/lib/libmkl_rt.dylib, building for macOS-arm64 but attempting to link with file "
           "built for unknown-unsupported file format ( 0x7F 0x45 0x4C 0x46 0x02 0x01 0x01 0x00 )\n"
           "Undefined symbols for architecture arm64:\n  \"_dgemm_\", referenced from:\n      _main in main.o\n"
           "ld: symbol(s) not found for architecture arm64\n"
           "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n")
    finding = only(elf, "library-wrong-platform")
    assert "a Linux (ELF) file" in finding.title and "linker command failed" in flat(finding)
    xcode15 = ("ld: warning: ignoring file '/opt/intel/oneapi/mkl/2023.2.0/lib/libmkl_core.2.dylib': found architecture "
               "'x86_64', required architecture 'arm64'\n")
    (warning,) = findings_of(xcode15)  # a warning alone: the link may not have needed it
    assert warning.severity == "warning" and "built for x86_64, and the link is arm64" in warning.title


def test_conda_unsatisfiable_and_a_one_line_paste():
    unsat = ("UnsatisfiableError: The following specifications were found to be incompatible with each other:\n\n"
             "Output in format: Requested package -> Available versions\n\nPackage mkl conflicts for:\n"
             "numpy=1.16 -> mkl[version='>=2019.4,<2021.0a0']\nmkl=2021.4\n")
    finding = only(unsat, "mkl-package-unavailable")
    assert "conflict" in finding.title and any("--dry-run" in line for line in finding.fix)
    osx = ("UnsatisfiableError: The following specifications were found to be incompatible with your system:\n\n"
           "  - feature:/osx-64::__osx==13.6=0\n  - mkl==2024.1.0\n\nYour installed version is: 13.6\n")
    finding = only(osx, "mkl-not-for-this-platform")
    assert "macOS on Intel" in finding.title and any("mkl<2024" in line for line in finding.fix)
    pasted = "PackagesNotFoundError: The following packages are not available from current channels: - mkl==2024.1.0 - numpy=1.26\n"
    finding = only(pasted, "mkl-not-for-this-platform")
    assert "mkl==2024.1.0, numpy=1.26" in flat(finding)
    conda1 = ("$ conda install mkl\nconda: error: could not find package for package specification 'mkl' compatible with other "
              "requirements\n")  # conda 1.5's words (conda#76)
    finding = only(conda1, "mkl-package-unavailable")
    assert "conflict" in finding.title and any("--dry-run" in line for line in finding.fix)
    assert [f.id for f in findings_of(conda1.replace("'mkl'", "'iopro'"))] == ["unrecognised-failure"]


def test_a_hosts_could_not_load_is_the_wrong_format_said_again():
    r = ("Error in dyn.load(file, DLLpath = DLLpath, ...) :\n"
         "  unable to load shared object '/home/u/R/library/pkg/libs/pkg.so':\n"
         "  /opt/intel/mkl/lib/ia32/libmkl_rt.so: wrong ELF class: ELFCLASS32\n")
    finding = only(r, "library-wrong-platform")
    assert finding.fix[0] == "use the 64-bit library: /opt/intel/mkl/lib/intel64/libmkl_rt.so"
    julia = ("ERROR: could not load library \"/Users/u/.julia/artifacts/abc/lib/libmkl_rt.2.dylib\"\n"
             "dlopen(/Users/u/.julia/artifacts/abc/lib/libmkl_rt.2.dylib, 0x0001): tried: '/Users/u/.julia/artifacts/abc/lib/"
             "libmkl_rt.2.dylib' (mach-o file, but is an incompatible architecture (have 'x86_64', need 'arm64e' or 'arm64'))\n")
    finding = only(julia, "library-wrong-platform")
    assert "built for x86_64, and the process is arm64e" in finding.title



def test_pips_answer_for_a_release_that_never_was(tmp_path):
    """pip asked for an mkl release older than any (a user try against the machine's own index first): not the platform,
    the release; pip's own list of the versions it could take is the answer. Produced with pip's real words, its index a
    folder of Linux wheels."""
    links = tmp_path / "links"
    links.mkdir()
    for version in ("2018.0.0", "2024.2.2", "2026.2.0"):
        (links / f"mkl-{version}-py2.py3-none-manylinux_2_28_x86_64.whl").touch()
    log = pip(tmp_path, "download", "--no-deps", "--no-index", "--find-links", str(links), "--platform", "manylinux_2_28_x86_64",
              "--only-binary=:all:", "-d", str(tmp_path / "out"), "mkl==1999.0")
    assert "requirement mkl==1999.0 (from versions: 2018.0.0, 2024.2.2, 2026.2.0)" in log, log
    finding = only(log, "mkl-package-unavailable")
    assert "offers mkl 2018.0.0 to 2026.2.0, not 1999.0" in finding.title, flat(finding)
    assert finding.fix[0].startswith("pin a release the index offers: mkl==2026.2.0")
