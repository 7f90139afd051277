"""Where check and explain say a finding is: the project's lines (C/C++ calls, CMake's find_package and
set(MKL_INTERFACE ...), Cargo.toml's dependency and feature lines, Rust extern "C" declarations) and the
log's lines, each held against the file itself."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from mkldoctor.diagnose import cargo_lines
from mkldoctor.diagnose.project import read_project
from mkldoctor.explain import logparse
from mkldoctor.findings import Location
from test_cargo_routes import CORPUS, corpus_project, route_of
from test_check import DATA, by_id, check

SHAPES = DATA / "cmake-find-mkl"


def line_of(text: str, pattern: str) -> int:
    """The reference: the first line of the file matching ``pattern``, found by the test itself."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if re.search(pattern, line))


def test_cmake_set_and_find_package_lines_on_real_files():
    text = (SHAPES / "onemath" / "CMakeLists.txt").read_text()
    needs, _ = read_project(str(SHAPES / "onemath"))
    assert needs.at["interface"] == (Location("CMakeLists.txt", line_of(text, r"^\s*set\(MKL_INTERFACE"), "set(MKL_INTERFACE ilp64)"),)
    (find,) = needs.at["find_package"]
    assert (find.path, find.line) == ("CMakeLists.txt", line_of(text, r"^\s*find_package\(MKL")) == ("CMakeLists.txt", 20)
    assert find.what == "find_package(MKL REQUIRED HINTS ${MKL_ROOT}/lib/cmake ...)"


def test_cmake_default_ilp64_points_at_the_find_package_call(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\n# find_package(MKL) in a comment\n"
                                            "project(x C)\n\nfind_package(MKL CONFIG REQUIRED)\n")
    code, document = check(project, "--root", tmp_path / "p")
    (finding,) = by_id(document, "cmake-default-ilp64")
    assert finding["locations"] == [{"path": "CMakeLists.txt", "line": 5, "what": "find_package(MKL CONFIG REQUIRED)",
                                     "column": None, "end_line": None}]
    kokkos = (SHAPES / "kokkos-kernels" / "FindTPLMKL.cmake").read_text()
    code, document = check(SHAPES / "kokkos-kernels", "--root", tmp_path / "p")
    (finding,) = by_id(document, "cmake-default-ilp64")
    assert [(w["path"], w["line"]) for w in finding["locations"]] == [("FindTPLMKL.cmake", line_of(kokkos, r"find_package\(MKL"))]


@pytest.mark.parametrize("name, crate", [("blas-src-readme", "blas-src"), ("clarabel", "blas-src"), ("clarabel", "intel-mkl-src"),
                                         ("candle/candle-core", "intel-mkl-src"), ("linfa", "ndarray-linalg")])
def test_dependency_lines_of_real_manifests(name, crate):
    text = (CORPUS / name / "Cargo.toml").read_text()
    line = cargo_lines.dependency_line(text, crate)
    written = text.splitlines()[line - 1]
    assert written.startswith(f"{crate} =") or written.startswith(f"[dependencies.{crate}]"), written


def test_dependency_line_forms():
    text = ('[package]\nname = "x"\n[dev-dependencies]\nblas-src = "0.1"\n'
            "[target.'cfg(unix)'.dependencies]\nmkl = { package = \"intel-mkl-src\", version = \"0.8\" }\n"
            '[features]\nmkl = ["dep:mkl"]\n"quoted" = []\n')
    assert cargo_lines.dependency_line(text, "intel-mkl-src") == 6
    assert cargo_lines.dependency_line(text, "blas-src") == 4  # dev-dependencies are dependencies too
    assert cargo_lines.dependency_line(text, "lapack-src") is None
    assert cargo_lines.feature_line(text, "mkl") == 8 and cargo_lines.feature_line(text, "quoted") == 9
    assert cargo_lines.feature_line(text, "name") is None  # [package]'s keys are not features


def test_route_lines_name_the_dependency_and_the_feature_that_turns_mkl_on(tmp_path):
    project = corpus_project("clarabel", tmp_path)
    text = (project / "Cargo.toml").read_text()
    needs = route_of(project)
    assert [(w.path, w.line) for w in needs.at["cargo"]] == [
        ("Cargo.toml", line_of(text, r"^\[dependencies\.intel-mkl-src\]")), ("Cargo.toml", line_of(text, r"^sdp-mkl ="))]
    assert needs.at["cargo"][0].what.startswith("intel-mkl-src dependency: clarabel")
    assert needs.at["cargo"][1].what == "feature sdp-mkl turns on MKL"


def test_ilp64_with_int32_points_at_the_dependency_and_the_declarations(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DATA / "cargo-intel-mkl", project)
    manifest = project / "app/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(', features = ["mkl-static-lp64-iomp"]', ""))
    main = (project / "app/src/main.rs").read_text()
    code, document = check(project, "--root", tmp_path, env={"HOME": str(tmp_path), "MKLROOT": None})
    (finding,) = by_id(document, "ilp64-with-int32")
    assert [(w["path"], w["line"], w["what"]) for w in finding["locations"]] == [
        ("app/Cargo.toml", line_of(manifest.read_text(), r"^intel-mkl-src ="),
         "intel-mkl-src dependency: intel-mkl-src 0.8.1 mkl-static-ilp64-iomp"),
        ("app/src/main.rs", line_of(main, r"fn sgemm_"), "declares sgemm_ with 32-bit integers"),
        ("app/src/main.rs", line_of(main, r"fn hgemm_"), "declares hgemm_ with 32-bit integers")]


def test_missing_symbol_points_at_the_rust_declaration(seed_machine_lite, mkl):
    project, env = seed_machine_lite
    main = (project / "app/src/main.rs").read_text()
    code, document = check("--search", mkl.pip, env=env, cwd=project)
    (finding,) = by_id(document, "missing-symbol")
    assert finding["locations"] == [{"path": "app/src/main.rs", "line": line_of(main, r"fn hgemm_"),
                                     "what": 'declares hgemm_ in an extern "C" block', "column": None, "end_line": None}]


@pytest.fixture()
def seed_machine_lite(mkl, tmp_path):
    """The seed's project and intel-mkl-src's download of a 2020 MKL (Debian's real 2020.4 archives), unbuilt."""
    from test_check import link_tree

    download = tmp_path / "data/ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-iomp/__2020.1-3038006115"
    lib = mkl.debian_lib(mkl.debian_static)
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_intel_thread.a")], download)
    link_tree([mkl.pip_lib / "libiomp5.a"], download)
    project = tmp_path / "project"
    shutil.copytree(DATA / "cargo-intel-mkl", project)
    return project, {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "MKLROOT": None, "PKG_CONFIG_PATH": None}


# -- the log's lines ------------------------------------------------------------------------


def first_lines(log: bytes) -> dict:
    parsed = logparse.parse(io.BytesIO(log))
    return {type(e).__name__ + ":" + (getattr(e, "symbol", None) or getattr(e, "name", None) or getattr(e, "line", "")): n
            for e, n in parsed.first_line.items()}


def test_log_lines_count_newlines_as_an_editor_does():
    log = (b"progress 10%\rprogress 100%\r\n"  # one line in an editor, two pieces for the parser
           b"\x1b[31m/usr/bin/ld: cannot find -lmkl_core\x1b[0m\n"
           b"/usr/bin/ld: main.o: in function `main':\n"
           b"main.c:(.text+0x1d): undefined reference to `hgemm_'\n"
           b"/usr/bin/ld: main.o: in function `main':\n"
           b"main.c:(.text+0x1d): undefined reference to `hgemm_'\n")  # the same event again
    lines = first_lines(log)
    assert lines["MissingLibrary:mkl_core"] == 2
    assert lines["UndefinedSymbol:hgemm_"] == 4  # where it was first said


def test_log_lines_of_blocks_read_after_them():
    """An lld block and an unrecognised error are yielded after the lines that follow them: they keep their own line."""
    log = (b"Compiling app\n"
           b"ld.lld: error: undefined symbol: hgemm_\n"
           b">>> referenced by main.c:4\n"
           b">>>               main.o:(main)\n"
           b"weird: error: nobody knows this\n"
           b"one\ntwo\nthree\n")
    lines = first_lines(log)
    assert lines["UndefinedSymbol:hgemm_"] == 2
    assert lines["Unrecognised:weird: error: nobody knows this"] == 5


def test_a_wrapped_line_is_where_it_starts():
    """A name cut by a terminal is rejoined from the next line: the event is on the line where it starts."""
    log = (b"make all\n/usr/bin/ld: main.o: in function `main':\n"
           b"main.c:(.text+0x1d): undefined reference to `cblas_sgemm_\nbatch_strided'\nnext line\n")
    parsed = logparse.parse(io.BytesIO(log))
    (event,) = [e for e in parsed.first_line if isinstance(e, logparse.UndefinedSymbol)]
    assert event.symbol == "cblas_sgemm_batch_strided" and parsed.first_line[event] == 3
