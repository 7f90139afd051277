"""The sixty-fifth blind set (tests/data/explain_corpus/blind65.json): texts the rules made after it answer, and the
same shapes produced here with the real tools where they run on Linux."""

from __future__ import annotations

import shutil
import subprocess
import sys

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(65)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_a_persons_list_of_dlls_a_release_binary_did_not_find():
    """DynAdjust#68: 'Dll not found:' and a bullet per DLL. Microsoft's runtime is its own finding; MKL's layer and oneTBB
    are one, whose first fix is the release the program's import table was built with, not a renamed DLL."""
    findings = {f.id: f for f in errors_of(_log("dynadjust-68"))}
    assert set(findings) == {"windows-msvc-runtime-missing", "windows-library-not-loaded"}, list(findings)
    mkl = findings["windows-library-not-loaded"]
    assert "mkl_tbb_thread.dll, tbb.dll" in mkl.title, flat(mkl)
    assert mkl.fix[0].startswith("the program's own import table asks for mkl_tbb_thread.dll"), flat(mkl)
    # the bullets alone, with no header that says they were not found, are not a failure
    assert errors_of("Files in the zip:\n* mkl_tbb_thread.dll\n* tbb.dll\n") == []


def test_windows_dialog_typeset_and_retyped():
    """NINA's report: the dialog quoted with a typographic apostrophe and the DLL's name one letter off (libiuomp5md.dll)."""
    finding = only_error(_log("nina-nightly-19"))
    assert finding.id == "windows-library-not-loaded" and "libiomp5md.dll could not be loaded" in finding.title, flat(finding)
    assert any("the log spells it libiuomp5md.dll" in line for line in finding.evidence), flat(finding)
    assert finding.fix[0].startswith("libiomp5md.dll is Intel's OpenMP runtime"), flat(finding)
    other = only_error("The program can’t start because zlibwapi.dll is missing from your computer.")
    assert not any("spells it" in line for line in other.evidence), flat(other)  # a name near none of MKL's is left as said


def test_msvc_runtime_names_in_a_gnu_link(tmp_path):
    """WFES2-GUI#60: MinGW linking MKL's MSVC-built libraries leaves /GS's helpers undefined. Produced here: an object
    that calls them as MSVC's generated code does, linked by GNU ld, which finds them nowhere."""
    (tmp_path / "gs.c").write_text("void __security_check_cookie(unsigned long long);\nvoid __GSHandlerCheck(void);\n"
                                   "int main(void) { __security_check_cookie(0); __GSHandlerCheck(); return 0; }\n")
    done = subprocess.run(["gcc", "gs.c", "-o", "gs"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "undefined reference to `__security_check_cookie'" in done.stderr, done.stderr
    for log in (done.stderr, _log("wfes2-gui-60")):
        finding = only_error(log)
        assert finding.id == "msvc-runtime-names-in-gnu-link" and "__GSHandlerCheck" in finding.title, flat(finding)
        assert finding.fix[0].startswith("build the program with MSVC's toolchain"), flat(finding)
    # "error: undefined reference to" pasted alone: 'error' is not the object that needs the name
    assert "needed by error" not in flat(only_error(_log("wfes2-gui-60")))


def test_two_wheels_that_each_bundle_the_runtime_and_the_link_that_fixes_it(tmp_path, mkl):
    """faster-whisper#541: torch's and ctranslate2's wheels each carry libiomp5, and the report lists the copies with find.
    Produced here with two copies of the MKL wheel's libiomp5.so in two packages' folders; the fix's link, run, ends it."""
    site = tmp_path / "site-packages"
    for package in ("torch/.dylibs", "ctranslate2/.libs"):
        (site / package).mkdir(parents=True)
        shutil.copy(mkl.pip_lib / "libiomp5.so", site / package / "libiomp5.so")
    call = ("import ctypes, sys\nfor f in sys.argv[1:]:\n    ctypes.CDLL(f).omp_get_max_threads()\n")
    copies = [str(site / "torch/.dylibs/libiomp5.so"), str(site / "ctranslate2/.libs/libiomp5.so")]
    done = subprocess.run([sys.executable, "-c", call, *copies], capture_output=True, text=True)
    assert "OMP: Error #15" in done.stderr, done.stderr
    listing = subprocess.run(["find", str(site), "-name", "libiomp5.so"], capture_output=True, text=True, check=True).stdout
    finding = only_error(done.stderr + listing)
    assert finding.id == "openmp-duplicate" and finding.fix[0].startswith("the pip wheels of "), flat(finding)
    assert "torch" in finding.fix[0] and "ctranslate2" in finding.fix[0], flat(finding)
    link = finding.fix[0].split(": ", 2)[2].split(" (again", 1)[0]
    subprocess.run(["bash", "-c", link], check=True)
    again = subprocess.run([sys.executable, "-c", call, *copies], capture_output=True, text=True)
    assert again.returncode == 0 and "OMP: Error" not in again.stderr, again.stderr
    # the report's own macOS listing gives the same line
    assert only_error(_log("faster-whisper-541")).fix[0].startswith("the pip wheels of torch, ctranslate2"), ""


def test_threadpoolctls_warning_offers_conda_s_openblas_switch():
    """mne-installers#199: the installer's environment resolved its BLAS to MKL; PR #201 pinned OpenBLAS."""
    [said] = explain(logparse.parse_bytes(_log("mne-installers-199").encode()), [])
    assert said.id == "openmp-runtimes-mixed", flat(said)
    assert any("libblas=*=*openblas" in line and "pinned" in line for line in said.fix), flat(said)


def test_lapack_refusal_inside_matlabs_python():
    """Algebraic-differentiators' troubleshooting page: 'Python Error:' is MATLAB's; its MKL answered SciPy's DSBEVD."""
    finding = only_error(_log("algebraic-differentiators"))
    assert finding.id == "mkl-parameter-error" and "RTLD_DEEPBIND" in finding.fix[0], flat(finding)
    plain = only_error(_log("algebraic-differentiators").replace("Python Error: ", ""))
    assert "RTLD_DEEPBIND" not in flat(plain), flat(plain)


def test_visual_studios_llvm_runtime_beside_a_bundles_intel_runtime():
    """JamePeng/llama-cpp-python#163: the maintainer's fix removed the other package's extra libiomp5md.dll."""
    finding = only_error(_log("jamepeng-163"))
    assert any(line.startswith("or the other side: find the copies of libiomp5md.dll") for line in finding.fix), flat(finding)


EIGEN_MKL = "#define EIGEN_USE_MKL_ALL\n#include <Eigen/Dense>\nint main() { Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 4);\n" \
            "  return (int)(a.array().exp()).sum(); }\n"


def _compile(tmp_path, source: str, name: str, *flags: str) -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(source)
    compiler = "g++" if name.endswith(".cpp") else "gcc"
    return subprocess.run([compiler, "-c", name, "-O2", "-Wall", "-Wextra", "-Werror", *flags], cwd=tmp_path,
                          capture_output=True, text=True)


def test_werror_stops_at_mkls_direct_call_headers_and_isystem_passes(tmp_path, mkl):
    """Produced here: MKL_DIRECT_CALL's inline kernels under GCC's -Wall -Werror (an Intel pragma GCC does not know, a
    variable set and not used), in C and through Eigen's EIGEN_USE_MKL_ALL, which defines MKL_DIRECT_CALL itself. The
    first fix (-isystem for the same folders) compiles; for Eigen, EIGEN_MKL_NO_DIRECT_CALL does too."""
    include = str(mkl.pip / "include")
    plain = _compile(tmp_path, "#define MKL_DIRECT_CALL\n#include <mkl.h>\nint main(void) { return 0; }\n", "d.c", "-I", include)
    eigen = _compile(tmp_path, EIGEN_MKL, "e.cpp", "-I", "/usr/include/eigen3", "-I", include)
    for done in (plain, eigen):
        assert done.returncode != 0 and "[-Werror=unknown-pragmas]" in done.stderr, done.stderr[-2000:]
        finding = only_error(done.stderr)
        assert finding.id == "header-warning-as-error" and "MKL's headers" in finding.title, flat(finding)
        assert finding.fix[0].startswith("include the library's headers as system headers"), flat(finding)
    assert "-DEIGEN_MKL_NO_DIRECT_CALL" in flat(only_error(eigen.stderr))
    assert _compile(tmp_path, "#define MKL_DIRECT_CALL\n#include <mkl.h>\nint main(void) { return 0; }\n", "d.c",
                    "-isystem", include).returncode == 0
    assert _compile(tmp_path, EIGEN_MKL, "e.cpp", "-isystem", "/usr/include/eigen3", "-isystem", include).returncode == 0
    done = _compile(tmp_path, EIGEN_MKL, "e.cpp", "-DEIGEN_MKL_NO_DIRECT_CALL", "-I", "/usr/include/eigen3", "-I", include)
    assert done.returncode == 0, done.stderr[-2000:]


def test_eigens_mkl_glue_in_the_reports():
    """eigen#2999 (icpx's -Werror in Assign_MKL.h), #923 (the glue behind a rewrite), #486 (a specialization defined twice):
    Eigen's files, not the program's; an error in another header of the program is still no rule's."""
    warned = only_error(_log("eigen-2999"))
    assert warned.id == "header-warning-as-error" and "-Wno-error=int-in-bool-context" in flat(warned), flat(warned)
    glue = only_error(_log("eigen-923"))
    assert glue.id == "eigen-mkl-glue-error" and "EIGEN_USE_MKL_ALL" in glue.fix[1], flat(glue)
    twice = only_error(_log("eigen-486"))
    assert twice.id == "eigen-mkl-glue-defined-twice" and twice.fix[0].startswith("update Eigen (3.1.1"), flat(twice)
    other = only_error("src/solver.h:12:5: error: expected ';' before '}' token [-Werror=foo]\n")
    assert other.id == "unrecognised-failure", flat(other)


def test_pardiso_jls_other_solver():
    """Julia Discourse 81392: PardisoSolver() is Panua's separately licensed PARDISO; MKL's is MKLPardisoSolver()."""
    finding = only_error(_log("discourse-81392"))
    assert finding.id == "pardiso-jl-panua-not-loaded" and finding.fix[0].startswith("use MKL's: ps = MKLPardisoSolver()")
    assert "JULIA_PARDISO" in finding.fix[1], flat(finding)


HIDDEN_LENGTHS = """#include <stddef.h>
#include <mkl_lapack.h>
int main(void) {  /* gfortran's convention: each CHARACTER argument's length after the others */
    char job = 'N'; MKL_INT n = 1, ld = 1, lwork = 4, info; float a = 1, wr, wi, vl, vr, work[4];
    sgeev_(&job, &job, &n, &a, &ld, &wr, &wi, &vl, &ld, &vr, &ld, work, &lwork, &info, (size_t)1, (size_t)1);
    return 0;
}
"""


def test_a_lapack_call_with_fortrans_hidden_lengths_against_mkls_header(tmp_path, mkl):
    """blaze#302 (MSVC's C2660 in German): produced here with gcc, which says 'too many arguments'; a count that is not a
    LAPACK routine's stays no rule's."""
    (tmp_path / "hl.c").write_text(HIDDEN_LENGTHS)
    done = subprocess.run(["gcc", "-c", "hl.c", "-I", str(mkl.pip / "include")], cwd=tmp_path, capture_output=True, text=True)
    assert "too many arguments to function" in done.stderr, done.stderr
    for log in (done.stderr, _log("blaze-302")):
        finding = only_error(log)
        assert finding.id == "lapack-hidden-length-arguments" and finding.title.startswith("sgeev_:"), flat(finding)
    assert "passes 16 arguments, more than" in only_error(_log("blaze-302")).title
    assert only_error("x.c:3:2: error: too many arguments to function 'my_helper'\n").id == "unrecognised-failure"


def test_conda_forges_mkl_blas_with_gccs_openmp_pinned():
    """xtb#557: libblas=*=*mkl* with _openmp_mutex=*=*gnu* is no pair conda-forge builds; the solver's 'nothing provides mkl
    2019.1.*' is about the pin, not about a channel without MKL. The same failure without the pin is the channel's."""
    log = _log("xtb-557")
    finding = only_error(log)
    assert finding.id == "mkl-package-unavailable" and "_openmp_mutex" in finding.title, flat(finding)
    assert finding.fix[0].startswith("drop the _openmp_mutex pin") and "mkl 2019.1.*" in finding.title, flat(finding)
    without = only_error(log.replace(" '_openmp_mutex=*=*gnu*'", "").replace(", '_openmp_mutex=[build=*gnu*]'", ""))
    assert "_openmp_mutex" not in without.title, flat(without)


def test_a_build_scripts_parser_refuses_an_mkl_option(tmp_path):
    """class_public#129: waf's 'no such option: --mkl' (optparse's words); argparse's too, both produced here."""
    assert only_error(_log("class_public-129")).fix[0] == "list the options it has: ./waf --help 2>&1 | grep -i -E 'mkl|lapack|blas'"
    for parser in ("import optparse; optparse.OptionParser(prog='waf').parse_args()",
                   "import argparse; argparse.ArgumentParser(prog='setup.py').parse_args()"):
        done = subprocess.run([sys.executable, "-c", parser, "--with-mkl"], capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        finding = only_error(done.stderr)
        assert finding.id == "build-option-unknown" and "--with-mkl" in finding.title, flat(finding)
    assert errors_of("waf: error: no such option: --with-openblas\n")[0].id == "unrecognised-failure"


CONFIGURE_AC = """AC_INIT([t],[1])
AC_PROG_CC
LIBS="-lmkl_intel_lp64 $LIBS"
AC_CHECK_LIB([m],[cos],[],[AC_MSG_ERROR([Could not find required libxc library.])])
AC_OUTPUT
"""


def test_a_configure_check_that_fails_on_mkls_flags(tmp_path):
    """q-e#197: configure's libxc check linked the -lmkl_intel_lp64 gathered before it, with no -L to MKL: produced here with
    a real autoconf script. Its output and config.log's link line say why; the report's excerpt says so too."""
    (tmp_path / "configure.ac").write_text(CONFIGURE_AC)
    subprocess.run(["autoconf"], cwd=tmp_path, check=True, capture_output=True)
    done = subprocess.run(["./configure"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "configure: error: Could not find required libxc library." in done.stdout + done.stderr
    config = (tmp_path / "config.log").read_text()
    link = [line for line in config.splitlines() if "-o conftest" in line][-1]
    for log in (done.stdout + done.stderr + link + "\n", _log("qe-197")):
        finding = only_error(log)
        assert finding.id == "dependency-not-mkl" and "failed on MKL's libraries" in finding.title, flat(finding)
        assert finding.fix[0].startswith("let configure's tests link MKL too"), flat(finding)
    # config.log whole: ld's own line is MKL's finding, and the check's is said with it
    assert {f.id for f in errors_of(config)} == {"library-not-found", "dependency-not-mkl"}
    # without MKL on the check's line it is another package's failure, said plainly
    plain = only_error("configure: error: Could not find required libxc library.\n")
    assert plain.id == "dependency-not-mkl" and "MKL" not in plain.title.split(":", 1)[1], flat(plain)


def test_a_traceback_through_mkl_fft_whose_last_line_was_cut():
    """mkl_fft#24: the paste stops in mkl_fft's _pydfti.pyx; the traceback is MKL's FFT's, not an unknown error. With its
    last line, 'ValueError: Internal error' after mkl_fft's frames is DFTI's status; the same words elsewhere are not."""
    finding = only_error(_log("mkl_fft-24"))
    assert finding.id == "mkl-dfti-error" and "through mkl_fft" in finding.title, flat(finding)
    log = ('Traceback (most recent call last):\n  File "/x/site-packages/mkl_fft/_numpy_fft.py", line 1044, in rfftn\n'
           '    output = mkl_fft.rfftn_numpy(a, s, axes)\n  File "mkl_fft/_pydfti.pyx", line 900, in mkl_fft._pydfti.rfftn_numpy\n'
           'ValueError: Internal error\n')
    said = only_error(log)
    assert said.id == "mkl-dfti-error" and said.fix[0].startswith("update mkl_fft"), flat(said)
    other = only_error(log.replace("mkl_fft", "pocketfft"))
    assert other.id == "unrecognised-failure", flat(other)


def test_the_new_shapes_read_with_a_pasted_line_number():
    """A paste that keeps an editor's or a log viewer's line numbers ('  12  ' before each line) says the same."""
    for key, finding_id in (("eigen-2999", "header-warning-as-error"), ("qe-197", "dependency-not-mkl"),
                            ("dynadjust-68", "windows-library-not-loaded"), ("wfes2-gui-60", "msvc-runtime-names-in-gnu-link")):
        numbered = "\n".join(f"  {n}  {line}" for n, line in enumerate(_log(key).splitlines(), 12))
        assert finding_id in {f.id for f in errors_of(numbered)}, (key, [f.id for f in errors_of(numbered)])


def test_a_list_of_missing_dlls_under_other_headers():
    for header in ("Missing DLLs:", "The following DLLs are missing:"):
        finding = only_error(f"{header}\n - mkl_core.2.dll\n - libiomp5md.dll\n")
        assert finding.id == "windows-library-not-loaded" and "mkl_core.2.dll, libiomp5md.dll" in finding.title, flat(finding)


def test_the_new_signatures_leave_other_errors_said():
    """Never silent: an error of MKL's own header that is no warning, an error line naming _openmp_mutex's gnu build, and
    MATLAB's 'Python Error:' over another failure are each still reported."""
    assert only_error("/opt/mkl/include/mkl_types.h:45:3: error: expected identifier before numeric constant\n").id == \
        "unrecognised-failure"
    assert errors_of("error: libmamba Could not solve for environment specs: _openmp_mutex=*=*gnu conflicts\n")
    said = only_error("Python Error: ImportError: libfoo.so: cannot open shared object file: No such file or directory\n")
    assert said.id == "loader-cannot-find", flat(said)


def test_mkl_ffts_frames_before_another_error_are_that_errors():
    """An import that fails inside mkl_fft (its library not loaded) is the loader's failure, not a DFTI error."""
    log = ('Traceback (most recent call last):\n  File "/x/site-packages/mkl_fft/_numpy_fft.py", line 3, in <module>\n'
           "ImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n")
    assert "mkl-dfti-error" not in {f.id for f in errors_of(log)}
