"""The one table of MKL's library layout (mkldoctor/knowledge/layout.py), held against what the
tools themselves say: the export table read from every release's libraries, the real oneMKL 2026.2
and Debian 2020.4 files, oneMKL's own MKLConfig.cmake and .pc files, intel-mkl-src's published
features, and libmkl_rt choosing a layer from MKL_THREADING_LAYER in a real program."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from mkldoctor.knowledge import exports, layout

ROOT = Path(__file__).resolve().parent.parent


def test_every_library_of_every_release_has_an_entry_with_its_role():
    for stem in exports.libraries():
        entry = layout.get(stem)
        assert entry is not None, f"{stem} (in the export table) is not in knowledge/layout.py"
        name = stem.removeprefix("lib")
        expected = ("vml-kernel" if name.startswith("mkl_vml_") else "cluster" if re.match(r"mkl_(blacs|scalapack|cdft)", name)
                    else "threading" if name.endswith(("_thread", "_sequential")) else None)
        if expected:
            assert entry.role == expected, (stem, entry.role)


@pytest.mark.mkl
@pytest.mark.parametrize("which", ["pip", "debian"])
def test_every_mkl_file_on_disk_is_known(mkl, which):
    folder = mkl.pip_lib if which == "pip" else mkl.debian_lib(mkl.debian_static)
    files = [n for n in os.listdir(folder) if layout.any_mkl_file(n)]
    assert len(files) >= 40  # Debian 2020.4: 40 libmkl_* files; oneMKL 2026.2: 46
    unknown = [n for n in files if not layout.file_pattern().match(n)]
    assert not unknown, f"files the layout table does not know: {unknown}"
    # and the kernels among them carry the ISA their names say
    for name in files:
        entry = layout.get(name)
        if entry.role in ("kernel", "vml-kernel"):
            assert name.startswith(f"lib{'mkl_vml_' if entry.role == 'vml-kernel' else 'mkl_'}{entry.isa}.")


@pytest.mark.mkl
def test_cmake_words_are_mklconfig_s(mkl):
    text = (mkl.pip_lib / "cmake/mkl/MKLConfig.cmake").read_text()
    threading = set(re.search(r"set\(MKL_THREADING_LIST ([^)]*)\)", text).group(1).replace('"', "").split())
    threading |= set(re.search(r"list\(APPEND MKL_THREADING_LIST (\w+)\)", text).groups())  # gnu_thread, with GNU compilers
    ours = set(layout.words("cmake", "threading"))
    assert threading <= ours and ours - threading == {"pgi_thread"}  # pgi_thread: configs before 2025 only
    assert re.search(r"set\(MKL_INTERFACE_LIST \$\{IFACE_TYPE\}_ilp64 \$\{IFACE_TYPE\}_lp64\)", text)
    assert set(layout.words("cmake", "interface")) == {f"{c}_{i}" for c in ("intel", "gf") for i in ("lp64", "ilp64")}
    assert set(re.search(r"set\(MKL_LINK_LIST static dynamic sdl\)", text).group(0)[18:-1].split()) == set(layout.LINK_MODES)


@pytest.mark.mkl
def test_pkg_config_words_name_onemkl_s_pc_files(mkl):
    pcs = {n for n in os.listdir(mkl.pip_lib / "pkgconfig") if n.startswith("mkl-") and n != "mkl-sdl.pc"}
    ours = {f"mkl-{link}-{i}-{t}.pc" for link in ("static", "dynamic") for i in layout.words("pkg-config", "interface")
            for t in layout.words("pkg-config", "threading")}
    assert ours == pcs


def test_intel_mkl_src_words_are_the_crate_s_features():
    routes = json.loads((ROOT / "mkldoctor/knowledge/data/cargo_routes.json").read_text())
    features = {f for f in routes["crates"]["intel-mkl-src"]["0.8.1"]["features"] if f.startswith("mkl-")}
    ours = {f"mkl-{link}-{i}-{t}" for link in ("static", "dynamic") for i in layout.words("intel-mkl-src", "interface")
            for t in layout.words("intel-mkl-src", "threading")}
    assert ours == features


def test_words_translate_between_tools_and_back():
    for library in layout.of_role("threading"):
        for tool, word in library.spellings.items():
            assert layout.spelled(tool, word, "threading") is library
    assert layout.translate("intel_thread", "cmake", "mkldoctor", "threading") == "intel"
    assert layout.translate("iomp", "intel-mkl-src", "MKL_THREADING_LAYER", "threading") == "INTEL"
    assert layout.spelled("MKL_THREADING_LAYER", "gnu") is layout.get("mkl_gnu_thread")  # libmkl_rt ignores case
    assert layout.spelled("cmake", "INTEL_THREAD") is None  # CMake does not
    assert layout.translate("gnu_thread", "cmake", "intel-mkl-src", "threading") is None  # the crate has no GNU feature


def test_sonames_come_from_the_export_table():
    spans = layout.sonames("mkl_core")
    assert any(s.soname == "libmkl_core.so.3" for s in spans)
    assert layout.kernel_files("avx2", ".so.3") == ("libmkl_avx2.so.3", "libmkl_vml_avx2.so.3")
    assert layout.kernel_files("mc2", ".so.2") == ("libmkl_vml_mc2.so.2",)  # no libmkl_mc2: only VML has it
    for isa in layout.kernel_isas(vml=True):
        assert exports.sonames(f"libmkl_vml_{isa}"), isa


PROBE = r"""
#include <stdio.h>
#include <mkl.h>
int main(void) {
    float a[4] = {1, 2, 3, 4}, c[4] = {0};
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
    printf("%g\n", c[0]);
    return 0;
}
"""


@pytest.mark.mkl
def test_libmkl_rt_loads_the_layer_each_env_word_names(mkl, tmp_path):
    """The MKL_THREADING_LAYER words are libmkl_rt's: with each, the real loader maps that layer's library."""
    (tmp_path / "p.c").write_text(PROBE)
    lib = mkl.pip_lib
    subprocess.run(["gcc", "p.c", "-o", "p", f"-I{mkl.pip}/include", str(lib / "libmkl_rt.so.3"), f"-Wl,-rpath,{lib}"],
                   cwd=tmp_path, check=True)
    for library in layout.of_role("threading"):
        word = library.spelled("MKL_THREADING_LAYER")
        if library.name == "mkl_pgi_thread":  # not shipped since 2025: libmkl_rt refuses it
            continue
        env = dict(os.environ, MKL_THREADING_LAYER=word.lower(), LD_DEBUG="files", LD_LIBRARY_PATH=str(lib))
        run = subprocess.run(["./p"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert run.stdout.strip() == "7", (word, run.stdout, run.stderr[-2000:])
        # libmkl_core also opens other layers to look at them; the one libmkl_rt loads is the choice
        chosen = set(re.findall(r"file=\S*/(libmkl_\w+)\.so\S* \[0\];\s+dynamically loaded by \S*/libmkl_rt", run.stderr))
        layers = chosen & {f"lib{n}" for n in layout.names("threading")}
        assert layers == {library.file_stem}, (word, sorted(chosen))


@pytest.mark.mkl
def test_runtime_imports_are_what_the_threading_archives_import(mkl):
    """Each runtime's import prefixes (the threading layer read from a binary's imports) against nm -u of
    oneMKL 2026.2's own threading archives: each layer imports its runtime's names and no other's."""
    prefixes = {library.runtime: layout.get(library.runtime).imports for library in layout.of_role("threading") if library.runtime}
    for library in layout.of_role("threading"):
        archive = mkl.pip_lib / f"{library.file_stem}.a"
        if not archive.exists():  # pgi_thread: not shipped since 2025
            continue
        out = subprocess.run(["nm", "-u", str(archive)], capture_output=True, text=True).stdout
        imports = {line.split()[-1] for line in out.splitlines() if line.strip().startswith("U ")}
        found = layout.runtimes_imported(imports)
        assert set(found) == ({library.runtime} if library.runtime else set()), (library.name, {k: v[:3] for k, v in found.items()})
        for runtime, own in prefixes.items():
            calls = [n for n in imports if n.startswith(own)]
            assert bool(calls) == (runtime == library.runtime), (library.name, runtime, calls[:3])
