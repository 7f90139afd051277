"""Build tools' own wrapping of a failure (public shapes; neither Spack, meson nor Julia runs here).

- Spack's ``N errors found in build log:`` listing puts ``>> 120    `` before each error line: the line under it is read;
- a Julia package's own error that MKL has no build for the platform (PowerFlows.jl's MKLPardiso check);
- EasyBuild's check of imkl's FFTW interface libraries: in an extended dry run (its documentation's "Extended dry run"
  page, whose lines these are) the simulated module's $EBROOTIMKL is a dummy and the warning is the dry run's; in a real
  run it is a warning of its own;
- meson before 0.51 printed ``Meson encountered an error in file meson.build, line 12, column 2:`` and the error's words
  on the next line, without ``ERROR:``.
"""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_spacks_build_log_listing():
    log = ("==> Error: ProcessError: Command exited with status 2:\n    'make' '-j8'\n\n4 errors found in build log:\n"
           "     119    gcc -o app main.o -lmkl_intel_lp64 -lmkl_sequential -lmkl_core\n"
           "  >> 120    /usr/bin/ld: cannot find -lmkl_intel_lp64: No such file or directory\n"
           "  >> 121    collect2: error: ld returned 1 exit status\n")
    [finding] = errors_of(log)
    assert finding.id == "library-not-found" and "-lmkl_intel_lp64" in finding.title, flat(finding)


def test_meson_before_0_51():
    log = ("Meson encountered an error in file meson.build, line 12, column 2:\n"
           "Dependency \"mkl-sdl\" not found, tried pkgconfig and cmake\n")
    [finding] = errors_of(log)
    assert finding.id == "meson-dependency-not-found" and "mkl-sdl" in finding.title, flat(finding)
    # another dependency's line stays the error it is, not MKL's
    [other] = errors_of(log.replace("mkl-sdl", "zlib"))
    assert other.id in ("unrecognised-failure", "mkl-finder-failed") and "mkl-sdl" not in flat(other), flat(other)


def test_a_julia_packages_check_that_mkl_has_no_build_here():
    log = ("ERROR: MKLPardiso backend selected but MKL is not available on this platform. MKL Pardiso requires x86_64 "
           "Linux/Windows; it is unavailable on Apple Silicon.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-not-for-this-platform" and "MKL_jll" in finding.title, flat(finding)
    assert any("Apple silicon" in line for line in finding.evidence), finding.evidence
    # libblastrampoline's tests say it as information: no failure
    assert errors_of("[ Info: MKL_jll is not available on this platform; skipping MKL tests\n") == []


def test_easybuilds_fftw_check_in_a_dry_run_and_a_real_one():
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    warning = ("!!! WARNING: Not all FFTW interface libraries ['fftw3xc_intel', 'mkl_intel_lp64', 'mkl_sequential', "
               "'mkl_core'] are found in ['$EBROOTIMKL/mkl/lib/intel64', '$EBROOTIMKL/compiler/lib/intel64'], can't set "
               "$FFT_LIB.\n")
    log = "module load imkl/11.2.1.133-iimpi-7.2.3-GCC-4.9.2 [SIMULATED]\n!!!\n" + warning + "!!!\n"
    [said] = explain(logparse.parse_bytes(log.encode()), [])
    assert said.id == "easybuild-dry-run-artefact" and said.severity == "info", flat(said)
    [real] = explain(logparse.parse_bytes(warning.replace("$EBROOTIMKL", "/apps/imkl/11.2.1.133").encode()), [])
    assert real.id == "easybuild-fftw-interfaces-missing" and real.severity == "warning", flat(real)
    assert "/apps/imkl/11.2.1.133/mkl/lib/intel64" in flat(real)
