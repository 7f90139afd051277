"""Round 12 of raw public pastes (issue threads read without their causes, none used before): what was silent or read
twice in them, produced here where it can be (Intel's OpenMP warning with the pinned libiomp5; Debian's question against
the real libmkl-rt package's templates)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat

FAISS_796 = "Symbol not found: _MKL_Detect_Cpu_Global_Lock\n\nModuleNotFoundError: No module named '_swigfaiss'\n"
MKL4DEB_15 = """If you don't know what MKL is, or unwilling to set it as default, just choose
the preset value or simply type Enter.

Use libmkl_rt.so as the default alternative to BLAS/LAPACK? [yes/no]
"""


def test_openmp_warns_of_a_fork_in_a_parallel_region(tmp_path, mkl):
    """nnUNet#1291: 'OMP: Warning #191: Forking a process while a parallel region is active is potentially unsafe.' said
    nothing. Produced with the pinned libiomp5: a fork inside a parallel region."""
    (tmp_path / "f.c").write_text("#include <omp.h>\n#include <unistd.h>\n#include <sys/wait.h>\nint main(void) {\n"
                                  "#pragma omp parallel num_threads(2)\n{ if (omp_get_thread_num() == 0) { pid_t p = fork(); "
                                  "if (p == 0) _exit(0); waitpid(p, 0, 0); } }\nreturn 0; }\n")
    lib = str(mkl.pip_lib)
    subprocess.run(["gcc", "-fopenmp", "f.c", "-o", "f", f"-L{lib}", f"-Wl,-rpath,{lib}", "-liomp5"], cwd=tmp_path, check=True)
    done = subprocess.run(["./f"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    log = done.stdout + done.stderr
    assert "OMP: Warning #191" in log, log
    [finding] = blindset.findings(log)
    assert finding.id == "openmp-fork-in-parallel" and finding.severity == "warning", flat(finding)
    assert "set_start_method('spawn')" in finding.fix[0], finding.fix


def test_a_fallback_import_after_the_loader_refused_the_extension():
    """faiss#796: dyld's 'Symbol not found: _MKL_Detect_Cpu_Global_Lock', then faiss's fallback import of '_swigfaiss':
    the second was an unrecognised error of its own. Alone, it still is one."""
    assert [f.id for f in errors_of(FAISS_796)] == ["macos-symbol-not-found"], [(f.id, f.title) for f in errors_of(FAISS_796)]
    alone = errors_of("ModuleNotFoundError: No module named '_swigfaiss'\n")
    assert [f.id for f in alone] == ["unrecognised-failure"], [(f.id, f.title) for f in alone]


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_debians_question_at_libmkl_rts_install(tmp_path, mkl):
    """eddelbuettel/mkl4deb#15: the install stopped at debconf's question: nothing was said. The question and its name are
    the real package's (libmkl-rt 2020.4's templates)."""
    [deb] = (mkl.root / "apt/debs").glob("libmkl-rt_*.deb")
    subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path / "control")], check=True)
    templates = (tmp_path / "control/templates").read_text()
    assert "Template: libmkl-rt/use-as-default-blas-lapack" in templates
    assert "Description: Use libmkl_rt.so as the default alternative to BLAS/LAPACK?" in templates
    [finding] = blindset.findings(MKL4DEB_15)
    assert finding.id == "debian-mkl-question" and finding.severity == "warning", flat(finding)
    assert "libmkl-rt libmkl-rt/use-as-default-blas-lapack boolean" in finding.fix[0], finding.fix

KALDI_4286 = """Last modification reported: Wed, 02 Sep 2020 19:11:02 +0000
E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?
extras/install_mkl.sh: MKL package intel-mkl-64bit-2020.0-088 installation FAILED
"""
SPACK_STACK_1715 = """Lmod has detected the following error: The following module(s) are unknown: "zlib-ng/2.2.1" \
"intel-oneapi-mpi/2021.13.1" "intel-oneapi-mkl/2024.2.1"
"""
BAGEL_125 = "checking for main in -lmkl_intel_lp64... no\nconfigure: error: Cannot find Intel Math Kernel Library\n"
AUTOGRAD_21 = """error: failed to run custom build command for `intel-mkl-src v0.2.5`

Caused by:
  process didn't exit successfully: `/p/target/debug/build/intel-mkl-src-2710610bac526c6f/build-script-build` (exit code: 101)
--- stderr
thread 'main' panicked at 'check sum of downloaded archive is incorrect: md5sum=d41d8cd98f00b204e9800998ecf8427e', \
/p/.cargo/registry/src/github.com-1ecc6299db9ec823/intel-mkl-src-0.2.5/build.rs:88:13
"""


def test_apt_unable_to_fetch_what_it_planned():
    """kaldi#4286: apt's 'Last modification reported' (the tail of its report of a file of another size than the index
    says) and 'Unable to fetch some archives' before install_mkl.sh's FAILED: an unrecognised error."""
    [finding] = errors_of(KALDI_4286)
    assert finding.id == "apt-archives-unfetched" and "not the one its index describes" in finding.title, flat(finding)
    assert finding.fix[0].startswith("apt-get clean; apt-get update"), finding.fix


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get, dpkg-deb")
@pytest.mark.parametrize("download_only", [False, True])
def test_the_same_produced_with_a_repository_whose_index_gives_another_size(tmp_path, download_only):
    """A local repository (a package built here with dpkg-deb) whose Packages index gives another size: apt's own words,
    and nothing installed (dpkg's calls printed, not run; a status file of its own)."""
    package, repo = tmp_path / "pkg", tmp_path / "repo"
    (package / "DEBIAN").mkdir(parents=True)
    (package / "DEBIAN/control").write_text("Package: demo\nVersion: 1\nArchitecture: all\nMaintainer: x <x@example.invalid>\n"
                                            "Description: demo\n")
    repo.mkdir()
    subprocess.run(["dpkg-deb", "--build", str(package), str(repo / "demo_1_all.deb")], check=True, capture_output=True)
    deb = repo / "demo_1_all.deb"
    control = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True).stdout
    import hashlib
    (repo / "Packages").write_text(f"{control}Filename: ./demo_1_all.deb\nSize: {deb.stat().st_size + 7}\n"
                                   f"SHA256: {hashlib.sha256(deb.read_bytes()).hexdigest()}\n\n")
    (tmp_path / "sources.list").write_text(f"deb [trusted=yes allow-insecure=yes] file:{repo} ./\n")
    for folder in ("lists/partial", "cache/archives/partial", "state"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "state/status").write_text("")
    options = ["-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-", "-o",
               f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}", "-o",
               f"Dir::State::status={tmp_path / 'state/status'}", "-o", "Debug::NoLocking=1", "-o", "Debug::pkgDPkgPM=1"]
    subprocess.run(["apt-get", *options, "update"], capture_output=True, check=True)
    done = subprocess.run(["apt-get", *options, "install", "-y", *(["--download-only"] if download_only else []), "demo"],
                          capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "Hash Sum mismatch" in log, log
    [finding] = errors_of(log)
    assert finding.id == "apt-archives-unfetched" and "not the one its index describes" in finding.title, flat(finding)


def test_lmods_unknown_mkl_module_under_spacks_name():
    """spack-stack#1715: Lmod's 'intel-oneapi-mkl/2024.2.1' unknown: an unrecognised error (only oneAPI's own module
    names were read)."""
    [finding] = errors_of(SPACK_STACK_1715)
    assert finding.id == "mkl-module-not-found" and "intel-oneapi-mkl/2024.2.1" in finding.title, flat(finding)


def test_configures_stop_after_its_check_of_mkl():
    """bagel#125: 'checking for main in -lmkl_intel_lp64... no' then 'configure: error: Cannot find Intel Math Kernel
    Library': the check's finding and an unrecognised error; one finding, the stop its consequence."""
    [finding] = errors_of(BAGEL_125)
    assert finding.id == "mkl-finder-failed" and "test link of main with -lmkl_intel_lp64" in finding.title, flat(finding)
    assert any("configure stopped" in line for line in finding.evidence), finding.evidence


def test_an_old_intel_mkl_src_whose_download_came_back_empty():
    """rust-autograd#21: intel-mkl-src 0.2.5 (its build.rs writes what curl printed and checks the MD5) panicked with the
    MD5 of zero bytes: read with 'do what its message asks'."""
    [finding] = errors_of(AUTOGRAD_21)
    assert finding.id == "cargo-build-script-failed", flat(finding)
    assert any("checksum of zero bytes" in line for line in finding.evidence), finding.evidence
    assert finding.fix[0].startswith("use intel-mkl-src 0.8 or newer"), finding.fix

PSI4_1036 = """ImportError: /home/u/anaconda3/lib/python3.6/site-packages/psi4/core.so: undefined symbol: __svml_sincos4_l9
"""


@pytest.mark.parametrize("symbol, library", [("__svml_sincos4_l9", "libsvml"), ("__libm_sse2_sincos", "libimf")])
def test_a_module_built_with_intels_compilers_without_their_runtime(symbol, library):
    """psi4#1036 (numpy#14838 alike): a module built with icc needs __svml_sincos4_l9 at import; read as 'load one copy of
    each library', where the process lacks Intel's compiler runtime."""
    [finding] = errors_of(PSI4_1036.replace("__svml_sincos4_l9", symbol))
    assert finding.id == "intel-runtime-symbol-missing" and f"({library})" in finding.title, flat(finding)
    assert "intel-cmplr-lib-rt" in finding.fix[0], finding.fix
    # an MKL name stays the loader's finding of its own
    other = errors_of(PSI4_1036.replace("__svml_sincos4_l9", "mkl_blas_dgemm"))
    assert "intel-runtime-symbol-missing" not in [f.id for f in other], [(f.id, f.title) for f in other]

OPUS_MT_61 = """#0 145.7 Errors were encountered while processing:
#0 145.7  /tmp/apt-dpkg-install-i0Z5wU/29-intel-mkl-gnu-rt-2019.5-281_2019.5-281_amd64.deb
#0 145.7  /tmp/apt-dpkg-install-i0Z5wU/38-intel-mkl-tbb-rt-2019.5-281_2019.5-281_amd64.deb
#0 145.7  /tmp/apt-dpkg-install-i0Z5wU/39-intel-mkl-tbb-2019.5-281_2019.5-281_amd64.deb
#0 145.7 E: Sub-process /usr/bin/dpkg returned an error code (1)
"""


def test_dpkgs_list_of_mkl_packages_it_could_not_install():
    """Helsinki-NLP/Opus-MT#61 (raw round 11): a Docker build's dpkg list of Intel's 2019.5 packages, then apt's 'E:
    Sub-process /usr/bin/dpkg returned an error code (1)': an unrecognised error; dpkg's reason was cut from the paste."""
    [finding] = errors_of(OPUS_MT_61)
    assert finding.id == "dpkg-failed-on-mkl" and "intel-mkl-gnu-rt-2019.5-281 and 2 more" in finding.title, flat(finding)
    assert "dpkg: error processing" in finding.fix[0], finding.fix
    # another package's list: not MKL's finding
    other = errors_of(OPUS_MT_61.replace("intel-mkl", "foo"))
    assert "dpkg-failed-on-mkl" not in [f.id for f in other], [(f.id, f.title) for f in other]
