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


@pytest.mark.mkl
def test_pc_names_are_every_mkl_pc_file_of_onemkl_and_debian(mkl):
    """Every .pc name oneMKL 2026.2 and Debian's 2020.4 ship is one layout.pc_names() gives (explain's meson family reads it)."""
    shipped = {n[:-3] for lib in (mkl.pip_lib, mkl.debian_lib(mkl.debian_shared)) for n in os.listdir(lib / "pkgconfig")
               if n.startswith("mkl")}
    assert "mkl-sdl" in shipped and "mkl-sdl-lp64" in shipped
    assert shipped <= set(layout.pc_names()) and "mkl_rt" not in layout.pc_names()


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
        # the layer's OpenMP runtime is not in its DT_NEEDED: libmkl_rt opens it by the name the table gives
        runtime = layout.openmp_of(library)
        asked = re.findall(r"file=(?:\S*/)?([^/\s]+) \[0\];\s+dynamically loaded by \S*/libmkl_rt", run.stderr)
        if runtime is not None:
            assert runtime.loaded_as in asked, (word, asked)
    # what bench builds its OpenMP program with and check's probe links: no oneTBB, no PGI runtime
    assert [lib.spelled("mkldoctor") for lib in layout.program_layers()] == ["sequential", "intel", "gnu"]
    assert [lib.threaded for lib in layout.of_role("threading")] == [False, True, True, True, True]  # all but sequential


def _rt_opens(tmp_path, lib, env: dict[str, str], role: str) -> str:
    """The layer of ``role`` libmkl_rt asks the loader for first under ``env`` (LD_DEBUG's own trace)."""
    (tmp_path / "dot.c").write_text(DOT)
    subprocess.run(["gcc", "dot.c", "-o", "dot", str(lib / "libmkl_rt.so.3"), f"-Wl,-rpath,{lib}"], cwd=tmp_path, check=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MKL_")}
    run = subprocess.run(["./dot"], cwd=tmp_path, env=dict(clean, **env, LD_DEBUG="files", LD_LIBRARY_PATH=str(lib)),
                         capture_output=True, text=True, timeout=60)
    stems = {f"lib{n}" for n in layout.names(role)}
    asked = [s for s in re.findall(r"file=\S*/(libmkl_\w+)\.so\S* \[0\];\s+dynamically loaded by \S*/libmkl_rt", run.stderr)
             if s in stems]
    assert asked, run.stderr[-2000:]
    return asked[0]


DOT = r"""
#include <stdio.h>
/* no header: the integers are passed as constants, which x86-64 zero-extends, so LP64 and ILP64 read them alike */
float cblas_sdot(long n, const float *x, long incx, const float *y, long incy);
int main(void) { float x[4] = {1, 2, 3, 4}; printf("%g\n", cblas_sdot(4, x, 1, x, 1)); return 0; }
"""


@pytest.mark.mkl
def test_libmkl_rt_reads_the_interface_words_and_defaults_as_the_table_says(mkl, tmp_path):
    """MKL_INTERFACE_LAYER's words (any case, flags in any order) and libmkl_rt's defaults, as libmkl_rt itself
    reads them: it asks the loader for the interface layer the table names (the wheel need not have it)."""
    lib = mkl.pip_lib
    for library in layout.of_role("interface"):
        word = library.spelled("MKL_INTERFACE_LAYER")
        for said in (word, word.lower(), ",".join(reversed(word.split(",")))):
            assert layout.rt_reads("MKL_INTERFACE_LAYER", said) is library, said
            assert _rt_opens(tmp_path, lib, {"MKL_INTERFACE_LAYER": said}, "interface") == library.file_stem, said
    assert layout.rt_reads("MKL_INTERFACE_LAYER", "GNU") is layout.get("mkl_gf_lp64")  # the size not said: LP64
    assert _rt_opens(tmp_path, lib, {"MKL_INTERFACE_LAYER": "GNU"}, "interface") == "libmkl_gf_lp64"
    assert layout.rt_reads("MKL_INTERFACE_LAYER", "LP32") is None and layout.rt_reads("MKL_THREADING_LAYER", "OMP") is None
    # neither variable set: libmkl_rt's defaults
    for variable, role in (("MKL_INTERFACE_LAYER", "interface"), ("MKL_THREADING_LAYER", "threading")):
        assert _rt_opens(tmp_path, lib, {}, role) == layout.default(variable, role).file_stem
        assert layout.rt_reads(variable, "") is layout.default(variable, role)
        assert layout.rt_words(variable)[0] == layout.default(variable, role).spelled(variable)


@pytest.mark.mkl
def test_cmake_defaults_are_mklconfig_s(mkl):
    text = (mkl.pip_lib / "cmake/mkl/MKLConfig.cmake").read_text()
    assert re.search(r"set\(DEFAULT_MKL_THREADING (\w+)\)", text).group(1) == layout.default("cmake", "threading").spelled("cmake")
    iface = re.search(r"set\(DEFAULT_MKL_INTERFACE \$\{IFACE_TYPE\}_(\w+)\)", text).group(1)
    compiler = re.search(r"set\(IFACE_TYPE (\w+)\)", text).group(1)  # with a C compiler: Intel's convention
    assert f"{compiler}_{iface}" == layout.default("cmake", "interface").spelled("cmake")


def test_configuration_names_and_the_words_users_write():
    """Names built from mkldoctor's words are the tools' own (the .pc files and crate features tested above)."""
    for tool in ("pkg-config", "intel-mkl-src"):
        for name in layout.config_names(tool):
            link, interface, threading = layout.parse_config_name(name, tool)
            assert layout.config_name(link, interface, threading, tool) == name
    assert layout.config_name("static", "lp64", "gnu", "intel-mkl-src") is None  # the crate has no GNU feature
    assert layout.variant("mkl-static-ilp64-iomp", "intel-mkl-src", threading="sequential") == "mkl-static-ilp64-seq"
    assert layout.variant("mkl-dynamic-ilp64-iomp", "intel-mkl-src", interface="lp64") == "mkl-dynamic-lp64-iomp"
    accepted = layout.accepted("threading")
    for library in layout.of_role("threading"):
        ours = library.spelled("mkldoctor")
        for word in library.spellings.values():
            assert accepted.get(word.lower()) == ours  # None for the PGI layer, which --threading does not offer
    assert accepted["omp"] == "intel" and layout.choices_text("threading") == "sequential, intel, gnu or tbb"
    assert layout.library_file(("iomp5",)).match("libiomp5.so").groups() == ("iomp5", "so")
    assert not layout.library_file(("iomp5",)).match("libgomp.so.1")
    with pytest.raises(ValueError):
        layout.library_file(("iomp6",))


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
