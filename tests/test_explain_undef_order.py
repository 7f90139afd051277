"""Undefined references to names every MKL exports: the link line's order, not MKL's version (branch undef-order).

Produced for real with gcc and GNU ld against the real MKL fixtures: a static archive that calls DFTI placed after
MKL's --start-group ... --end-group (ld searched MKL's archives before it needed them), and a shared library that
calls DFTI placed after MKL's shared libraries with -Wl,--as-needed (ld dropped them). explain must say the order
(or --as-needed), never "install an MKL that has it", and the fixes it names must link. Then logs of other
machines of the same shapes (a caller after MKL with --as-needed, a CMake line with -Bstatic, no link line at all,
ScaLAPACK not on the line, a version-specific name that stays missing-symbol).
"""

from __future__ import annotations

import shlex
import subprocess
import textwrap
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.linkorder import place, read
from mkldoctor.findings import Finding
from tests.test_explain_real import findings_of, only

USER_C = textwrap.dedent(
    """
    #include <mkl_dfti.h>
    int user_fft(double *x, long n) {
        DFTI_DESCRIPTOR_HANDLE h = 0;
        MKL_LONG status = DftiCreateDescriptor(&h, DFTI_DOUBLE, DFTI_REAL, 1, n);
        if (status == 0) status = DftiCommitDescriptor(h);
        if (status == 0) status = DftiComputeForward(h, x);
        DftiFreeDescriptor(&h);
        return (int)status;
    }
    """
)
MAIN_C = "int user_fft(double *x, long n);\nint main(void) { double x[16] = {1, 2, 3}; return user_fft(x, 8); }\n"
DFTI = ("DftiCreateDescriptor_d_1d", "DftiCommitDescriptor", "DftiComputeForward", "DftiFreeDescriptor")


def run_log(cmd: list[str], cwd: Path) -> tuple[int, str]:
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return done.returncode, shlex.join(cmd) + "\n" + done.stdout


def flat(finding: Finding) -> str:
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


def moved(argv: list[str], log: str) -> list[str]:
    """The failing line reordered as explain's own reading of it says (linkorder.place and its Edit)."""
    parsed = logparse.parse_bytes(log.encode())
    (command,) = [c for c in parsed.of(logparse.LinkCommand) if list(c.argv) == argv]
    by_symbol: dict = {}
    for event in parsed.of(logparse.UndefinedSymbol):
        by_symbol.setdefault(event.symbol, []).append(event)
    placement = place(read(command), by_symbol)
    assert placement is not None
    return placement.edit().apply(argv)


@pytest.fixture(scope="module")
def work(tmp_path_factory, mkl):
    d = tmp_path_factory.mktemp("undef-order")
    (d / "user.c").write_text(USER_C)
    (d / "main.c").write_text(MAIN_C)
    include = f"-I{mkl.pip}/include"
    subprocess.run(["gcc", "-c", include, "user.c", "-o", "user.o"], cwd=d, check=True)
    subprocess.run(["gcc", "-c", "main.c", "-o", "main.o"], cwd=d, check=True)
    subprocess.run(["ar", "rcs", "libuser.a", "user.o"], cwd=d, check=True)
    (d / "archive").mkdir()
    subprocess.run(["ar", "rcs", "archive/libuser.a", "user.o"], cwd=d, check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", include, "user.c", "-o", "libuser.so"], cwd=d, check=True)
    return d


# -- for real: gcc, GNU ld, the real MKL ---------------------------------------------------------------------------


@pytest.mark.mkl
@pytest.mark.parametrize("spelled,linker", [("path", "bfd"), ("-l", "bfd"), ("path", "gold")])
def test_static_archive_after_mkl_group(work, mkl, spelled, linker):
    lib = mkl.pip_lib
    user = [str(work / "libuser.a")] if spelled == "path" else [f"-L{work / 'archive'}", "-luser"]  # the .a alone there
    group = ["-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a", f"{lib}/libmkl_sequential.a", f"{lib}/libmkl_core.a",
             "-Wl,--end-group"]
    argv = ["gcc", f"-fuse-ld={linker}", str(work / "main.o"), "-o", "app", *group, *user, "-lpthread", "-lm", "-ldl"]
    rc, log = run_log(argv, work)
    assert rc != 0 and "undefined reference to " in log and "DftiCreateDescriptor_d_1d" in log, log
    findings = findings_of(log, mkl.pip)
    finding = only(findings, "mkl-link-order")
    text = flat(finding)
    assert finding.severity == "error" and "libuser.a" in finding.title and "static archives" in finding.title
    assert all(name in text for name in DFTI)
    assert "-Wl,--end-group" in finding.fix[0] and user[-1] in finding.fix[0]  # the exact move, after the caller
    assert any(line.startswith("proven here:") and line.endswith("links") for line in finding.evidence), finding.evidence
    assert not [f for f in findings if f.id in ("missing-symbol", "mkl-layer-missing", "undefined-symbol")]
    assert "install an MKL" not in "\n".join(f.fix[0] for f in findings if f.fix)
    # the fix fixes it: the reordered line links, and the program runs the transform
    fixed = moved(argv, log)
    assert fixed.index(f"{lib}/libmkl_core.a") > fixed.index(user[-1])
    done = subprocess.run(fixed, cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert subprocess.run([str(work / "app")], cwd=work).returncode == 0


@pytest.mark.mkl
def test_a_group_of_the_interface_and_the_core_has_no_threading_layer(work, mkl):
    """The interface and the core of one release in a group, the threading layer left out: its BLAS drivers (mkl_blas_*)
    are undefined. Said as the missing layer (it was read as a core of another release); the first fix's line links."""
    lib = mkl.pip_lib
    argv = ["gcc", str(work / "main.o"), str(work / "libuser.a"), "-o", "app", "-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a",
            f"{lib}/libmkl_core.a", "-Wl,--end-group", "-lpthread", "-lm", "-ldl"]
    rc, log = run_log(argv, work)
    assert rc != 0 and "undefined reference to `mkl_" in log, log
    finding = only(findings_of(log, mkl.pip), "mkl-archive-order")
    assert "the link has no MKL threading layer" in finding.title and "another release" not in flat(finding), flat(finding)
    group = finding.fix[0].split(": ", 1)[1].split(" (")[0].split()
    assert f"{lib}/libmkl_sequential.a" in group, finding.fix[0]
    done = subprocess.run([*argv[:5], *group], cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.mkl
def test_as_needed_drops_mkl_before_a_shared_library(work, mkl):
    deb = mkl.debian_lib(mkl.debian_shared)
    argv = ["gcc", str(work / "main.o"), "-o", "app2", "-Wl,--as-needed", f"-L{deb}", "-lmkl_intel_lp64", "-lmkl_sequential",
            "-lmkl_core", str(work / "libuser.so"), "-lpthread", "-lm", "-ldl"]
    rc, log = run_log(argv, work)
    assert rc != 0 and "libuser.so: undefined reference to `DftiCreateDescriptor_d_1d'" in log, log
    findings = findings_of(log, mkl.debian_shared)
    finding = only(findings, "mkl-dropped-as-needed")
    text = flat(finding)
    assert "--as-needed" in finding.title and "libuser.so" in finding.title
    assert all(name in text for name in DFTI)
    assert "--no-as-needed" in "\n".join(finding.fix) and any("libuser.so itself against MKL" in f for f in finding.fix)
    proven = [line for line in finding.evidence if line.startswith("proven here:")]
    assert len(proven) == 2 and all(line.endswith("links") for line in proven), finding.evidence
    assert not [f for f in findings if f.id in ("missing-symbol", "mkl-layer-missing", "mkl-link-order")]
    # each fix links: MKL after the library, --no-as-needed around MKL, the library linked against MKL itself
    fixed = moved(argv, log)
    assert fixed.index("-lmkl_core") > fixed.index(str(work / "libuser.so"))
    assert subprocess.run(fixed, cwd=work, capture_output=True).returncode == 0
    at = argv.index(f"-L{deb}")
    kept = Edit(insert=((at, ("-Wl,--no-as-needed",)), (at + 4, ("-Wl,--as-needed",)))).apply(argv)
    assert subprocess.run(kept, cwd=work, capture_output=True).returncode == 0
    subprocess.run(["gcc", "-shared", "-fPIC", f"-I{mkl.pip}/include", "user.c", "-o", "libuser.so", f"-L{deb}",
                    "-Wl,--no-as-needed", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core", "-lpthread", "-lm", "-ldl"],
                   cwd=work, check=True)
    try:
        assert subprocess.run(argv, cwd=work, capture_output=True).returncode == 0
    finally:
        subprocess.run(["gcc", "-shared", "-fPIC", f"-I{mkl.pip}/include", "user.c", "-o", "libuser.so"], cwd=work, check=True)


# -- logs of other machines of the same shapes ----------------------------------------------------------------------


def remote(log: str) -> list[Finding]:
    return explain(logparse.parse_bytes(textwrap.dedent(log).lstrip().encode()), [])


def errors(findings: list[Finding]) -> list[str]:
    return [f.id for f in findings if f.severity == "error"]


def test_object_after_mkl_with_as_needed():
    findings = remote("""
        $ gcc -O2 -Wl,--as-needed -L/opt/intel/oneapi/mkl/2023.1.0/lib/intel64 -lmkl_intel_lp64 -lmkl_sequential -lmkl_core -lpthread -lm -ldl solver.o -o solver
        /usr/bin/ld: solver.o: in function `solve':
        solver.c:(.text+0x4d): undefined reference to `dgesv_'
        /usr/bin/ld: solver.c:(.text+0x91): undefined reference to `cblas_dgemm'
        collect2: error: ld returned 1 exit status
    """)
    assert errors(findings) == ["mkl-dropped-as-needed"]
    finding = findings[0]
    assert "MKL 2023.1.0 exports dgesv_, cblas_dgemm" in flat(finding)
    assert "... solver.o -L/opt/intel/oneapi/mkl/2023.1.0/lib/intel64 -lmkl_intel_lp64" in finding.fix[0]
    assert not [f for f in findings if f.id == "mkl-libraries-before-objects"]  # said once, with the undefined names


def test_cmake_static_archive_after_bstatic_mkl_group():
    findings = remote("""
        [100%] Linking CXX executable bin/solver
        : && /usr/bin/c++ -O3 CMakeFiles/solver.dir/main.cpp.o -o bin/solver -Wl,-Bstatic -L/opt/intel/mkl/lib/intel64 -Wl,--start-group -lmkl_intel_lp64 -lmkl_intel_thread -lmkl_core -Wl,--end-group -Wl,-Bdynamic -liomp5 -lpthread -lm -ldl lib/liblinalg.a && :
        /usr/bin/ld: lib/liblinalg.a(lu.cpp.o): in function `linalg::lu(double*, int)':
        lu.cpp:(.text+0x88): undefined reference to `LAPACKE_dgetrf'
        /usr/bin/ld: lib/liblinalg.a(fft.cpp.o): in function `linalg::fft(double*, int)':
        fft.cpp:(.text+0x1c): undefined reference to `DftiCreateDescriptor_d_1d'
        collect2: error: ld returned 1 exit status
        ninja: build stopped: subcommand failed.
    """)
    assert errors(findings) == ["mkl-link-order"]
    finding = findings[0]
    assert "liblinalg.a" in finding.title and "static archives" in finding.title
    assert "LAPACKE_dgetrf" in finding.title and "every MKL release" in flat(finding)
    assert finding.fix[0].endswith("... lib/liblinalg.a -Wl,-Bstatic -L/opt/intel/mkl/lib/intel64 -Wl,--start-group "
                                   "-lmkl_intel_lp64 -lmkl_intel_thread -lmkl_core -Wl,--end-group -Wl,-Bdynamic -liomp5 "
                                   "-lpthread -lm -ldl"), finding.fix[0]


def test_temporary_object_of_a_source_after_mkl_rt():
    findings = remote("""
        + gcc -Wl,--as-needed -L/opt/conda/envs/fft/lib -lmkl_rt test_fftw.c -I/opt/conda/envs/fft/include/fftw -o test_fftw
        /usr/bin/ld: /tmp/ccQ3xK9z.o: in function `main':
        test_fftw.c:(.text+0x5e): undefined reference to `fftw_plan_dft_1d'
        /usr/bin/ld: test_fftw.c:(.text+0x7a): undefined reference to `fftw_execute'
        collect2: error: ld returned 1 exit status
    """)
    assert errors(findings) == ["mkl-dropped-as-needed"]
    assert "test_fftw.c -lmkl_rt" not in findings[0].fix[0] and "... test_fftw.c -L/opt/conda/envs/fft/lib -lmkl_rt" in findings[0].fix[0]


def test_no_link_line_in_the_log():
    findings = remote("""
        [ 92%] Linking CXX executable app
        /usr/bin/ld: CMakeFiles/app.dir/fft.cpp.o: in function `fft::plan(int)':
        fft.cpp:(.text+0x2a): undefined reference to `DftiCreateDescriptor_d_1d'
        /usr/bin/ld: fft.cpp:(.text+0x3e): undefined reference to `DftiCommitDescriptor'
        collect2: error: ld returned 1 exit status
        make[2]: *** [CMakeFiles/app.dir/build.make:97: app] Error 1
    """)
    assert errors(findings) == ["mkl-symbol-unresolved"]
    text = flat(findings[0])
    assert "every MKL release" in findings[0].title and "no link command" in text
    assert "--no-as-needed" in "\n".join(findings[0].fix) and "install" not in "\n".join(findings[0].fix)


def test_scalapack_not_on_the_line():
    findings = remote("""
        mpicc -O2 main.o -o pdsolve -L/opt/intel/oneapi/mkl/2024.0/lib/intel64 -lmkl_intel_lp64 -lmkl_sequential -lmkl_core -lpthread -lm -ldl
        /usr/bin/ld: main.o: in function `main':
        main.c:(.text+0x1b2): undefined reference to `blacs_gridinit_'
        /usr/bin/ld: main.c:(.text+0x2f0): undefined reference to `pdgesv_'
        collect2: error: ld returned 1 exit status
    """)
    assert errors(findings) == ["mkl-layer-missing"]
    fix = "\n".join(findings[0].fix)
    assert "-lmkl_scalapack_lp64 -lmkl_intel_lp64 -lmkl_sequential -lmkl_core -lmkl_blacs_intelmpi_lp64" in fix
    assert "-lmkl_rt" not in fix  # mkl_rt has no ScaLAPACK


def test_no_mkl_on_the_line():
    findings = remote("""
        gcc -O2 fft.o -o fft -lm
        /usr/bin/ld: fft.o: in function `run':
        fft.c:(.text+0x2a): undefined reference to `DftiCreateDescriptor_s_1d'
        collect2: error: ld returned 1 exit status
    """)
    assert errors(findings) == ["mkl-not-linked"]


def test_a_name_the_release_lacks_stays_missing_symbol():
    findings = remote("""
        gcc h.o -o h -L/opt/intel/compilers_and_libraries_2020.4.304/linux/mkl/lib/intel64 -lmkl_intel_lp64 -lmkl_sequential -lmkl_core half.o
        /usr/bin/ld: half.o: in function `half_gemm':
        half.c:(.text+0x3c): undefined reference to `hgemm_'
        collect2: error: ld returned 1 exit status
    """)
    assert "missing-symbol" in errors(findings) and "mkl-link-order" not in errors(findings)


@pytest.mark.mkl
def test_a_static_archives_callers_with_no_link_line(work, mkl):
    """ld's own words alone (arpack-ng#307's paste: the link line not in it), the callers members of the project's static
    archive: after whether MKL is on the line at all (amici#2441, openfast#60: it was not), the order, with that archive
    named; the line in that order links."""
    lib = mkl.pip_lib
    group = ["-Wl,--start-group", f"{lib}/libmkl_intel_lp64.a", f"{lib}/libmkl_sequential.a", f"{lib}/libmkl_core.a",
             "-Wl,--end-group"]
    tail = ["-lpthread", "-lm", "-ldl"]
    rc, log = run_log(["gcc", str(work / "main.o"), "-o", "app", *group, str(work / "libuser.a"), *tail], work)
    assert rc != 0 and "libuser.a(user.o)" in log, log
    pasted = log.split("\n", 1)[1]  # the command line left out, as the reporter's paste did
    [finding] = [f for f in explain(logparse.parse_bytes(pasted.encode()), []) if f.severity == "error"]
    assert finding.id == "mkl-symbol-unresolved", flat(finding)
    assert finding.fix[0].startswith("first see whether MKL is on the failing link line at all"), finding.fix
    assert finding.fix[2].startswith("MKL on the line before libuser.a: put libuser.a before MKL's libraries"), finding.fix
    assert any("members of libuser.a" in e for e in finding.evidence)
    done = subprocess.run(["gcc", str(work / "main.o"), "-o", "app", str(work / "libuser.a"), *group, *tail], cwd=work,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_in_function_line_of_a_wrap_width_is_not_joined_with_lds_next():
    """A terminal's wrap widths (120) are also a long path's: ld's next line, a place in a section ("znaup2.f:(.text+0x125):
    undefined reference to ..."), starts a message of its own (arpack-ng#307's paste)."""
    path = "/home/werner/Public/repo/github.com/opencollab/arpack-ng.git/SRC/.libs/libarpack.a"
    head = f"ld: {path}(znaup2.o): in function `znaup2_':"
    assert len(head) == 120
    parsed = logparse.parse_bytes(f"{head}\nznaup2.f:(.text+0x125): undefined reference to `zcopy_'\n".encode())
    [event] = parsed.of(logparse.UndefinedSymbol)
    assert (event.symbol, event.function, event.member) == ("zcopy_", "znaup2_", "znaup2.o"), event
