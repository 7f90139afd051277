"""The classes of the twenty-ninth blind set (tests/data/explain_corpus/blind29.json), produced here where they can run:
MKL's layers of two installs in one link (stable-diffusion.cpp#493: oneAPI 2025.0's SYCL layer beside Ubuntu's own MKL
packages), produced with the pinned 2026.2 wheel in a oneAPI-shaped folder and Debian's 2020.4 in a Parallel Studio-shaped
one; its two fixes run."""

from __future__ import annotations

import shlex

import pytest

from tests.test_explain_families import errors_of, flat
from tests.test_fixcheck import explain, gcc

def explain_all(log: str):
    """Every finding, warnings too (errors_of keeps the errors)."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    return explain(logparse.parse_bytes(log.encode()), [])


CALL = "extern void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def _install(root, files, folder: str):
    """MKL's libraries as an install of that layout keeps them: ``lib<name>.so`` links to the real files."""
    where = root / folder
    where.mkdir(parents=True)
    for name, real in files.items():
        (where / name).symlink_to(real)
    return where


@pytest.mark.mkl
def test_two_installs_layers_in_one_link_are_named_and_both_fixes_link(mkl, tmp_path):
    debian = mkl.debian_lib(mkl.debian_shared)
    new = _install(tmp_path, {f"libmkl_{n}.so": mkl.pip_lib / f"libmkl_{n}.so.3" for n in ("intel_lp64", "sequential", "core")},
                   "opt/intel/oneapi/mkl/2026.2/lib")
    old = _install(tmp_path, {f"libmkl_{n}.so": debian / f"libmkl_{n}.so" for n in ("sequential", "core")},
                   "opt/intel/compilers_and_libraries_2020.4.304/linux/mkl/lib/intel64_lin")
    (tmp_path / "m.c").write_text(CALL)
    # CMake's way: the interface by its full path, the other layers by -l over the folders it was given, the old one first
    args = ["m.c", "-o", "m", str(new / "libmkl_intel_lp64.so"), f"-L{old}", f"-L{new}", "-lmkl_sequential", "-lmkl_core",
            "-lpthread", "-lm", "-ldl"]
    failed = gcc(args, tmp_path)
    assert failed.returncode != 0 and f"{new}/libmkl_intel_lp64.so: undefined reference to" in failed.stderr, failed.stderr
    # from another machine (the log alone): the two folders, and no layer said to be missing
    [finding] = errors_of(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    assert finding.id == "mkl-installs-mixed-in-link", flat(finding)
    assert str(new) in finding.title and str(old) in finding.title
    assert any("oneAPI 2026.2" in e for e in finding.evidence) and any("2020.4.304" in e for e in finding.evidence)
    # here, where the line runs: both fixes are run, and each links
    log = tmp_path / "build.log"
    log.write_text(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    [said] = [f for f in explain(log, "--no-scan")["findings"] if f["id"] == "mkl-installs-mixed-in-link"]
    assert any(f.startswith(f"put the newer install's folder first: -L{new} before -L{old}") for f in said["fix"]), said["fix"]
    assert any(f.startswith(f"or take the other install off the line: drop -L{old}") for f in said["fix"]), said["fix"]
    assert len([e for e in said["evidence"] if e.startswith("proven here:") and e.endswith(" links")]) == 2, said["evidence"]
    assert gcc(["m.c", "-o", "m2", str(new / "libmkl_intel_lp64.so"), f"-L{new}", f"-L{old}", "-lmkl_sequential",
                "-lmkl_core", "-lpthread", "-lm", "-ldl"], tmp_path).returncode == 0


def test_a_distributions_mkl_beside_oneapis_sycl_layer():
    """stable-diffusion.cpp#493's shape: the system folder's MKL (Debian's and Ubuntu's libmkl-*) beside oneAPI's."""
    log = ("/usr/bin/ld: /opt/intel/oneapi/mkl/2025.0/lib/libmkl_sycl_blas.so: undefined reference to "
           "`mkl_serv_print_verbose_header'\n/usr/bin/ld: /lib/x86_64-linux-gnu/libmkl_tbb_thread.so: undefined reference to "
           "`tbb::internal::concurrent_queue_base_v3::internal_pop(void*)'\n/usr/bin/ld: /opt/intel/oneapi/mkl/2025.0/lib/"
           "libmkl_sycl_blas.so: undefined reference to `cblas_ctrsm_batch_64'\n")
    findings = errors_of(log)
    assert findings[0].id == "mkl-installs-mixed-in-link", [(f.id, f.title) for f in findings]
    assert "mkl-layer-missing" not in [f.id for f in findings]
    text = flat(findings[0])
    assert "apt remove --purge 'libmkl-*'" in text and "oneAPI 2025.0" in text and "2022.2.0" in text
    # one install's folder alone is no mix: the layer missing from the link is said as before
    alone = "".join(line + "\n" for line in log.splitlines() if "x86_64-linux-gnu" not in line)
    assert "mkl-installs-mixed-in-link" not in [f.id for f in errors_of(alone)]


VSL = """#include <stdio.h>
#include <mkl_vsl.h>
int main(void) {
    VSLStreamStatePtr stream;
    float r[4];
    if (vslNewStream(&stream, VSL_BRNG_MT19937, 1) != 0) return 3;
    printf("%d\\n", vsRngGaussian(VSL_RNG_METHOD_GAUSSIAN_ICDF, stream, 4, r, 0.f, 1.f));
    return 0;
}
"""


@pytest.mark.mkl
def test_a_kernel_library_of_another_build_is_mkls_function_load_error(mkl, tmp_path):
    """pytorch#151218's 'Intel MKL function load error: __vslNewStreamEx.': MKL's real dispatcher (the pinned wheel's
    libmkl_rt) opens a VML kernel library under its file name that lacks the function (built here by gcc, as another
    build's copy under the same name would); with the wheel's own kernels the same program runs."""
    import subprocess

    (tmp_path / "v.c").write_text(VSL)
    assert gcc(["v.c", f"-I{mkl.pip / 'include'}", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3", "-o", "v"], tmp_path).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    (tmp_path / "kernel.c").write_text("int dll_cpu_version(void) { return 0; }\n")
    for real in mkl.pip_lib.glob("libmkl_*.so.3"):
        if real.name.startswith("libmkl_vml_"):
            assert gcc(["-shared", "-fPIC", "kernel.c", "-o", str(other / real.name), f"-Wl,-soname,{real.name}"], tmp_path).returncode == 0
        else:
            (other / real.name).symlink_to(real)

    def run(folder):
        env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(folder), "MKL_THREADING_LAYER": "SEQUENTIAL"}
        return subprocess.run(["./v"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    failed = run(other)
    said = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "MKL function load error: __vslNewStreamEx." in said, said
    [finding] = errors_of(said)
    assert finding.id == "mkl-kernel-function-missing" and "__vslNewStreamEx" in finding.title, flat(finding)
    assert any("libmkl_vml_avx2" in e for e in finding.evidence) and "LD_DEBUG=libs" in finding.fix[0]
    fixed = run(mkl.pip_lib)  # the fix: the release's own kernels first on the loader's path
    assert fixed.returncode == 0 and fixed.stdout.strip() == "0", fixed.stdout + fixed.stderr


JAVA_BINDING = "package host;\npublic class MKL {\n    static { System.loadLibrary(\"mkl_rt\"); }\n    public static void version() {}\n}\n"
JAVA_MAIN = """public class Main {
    public static void main(String[] args) {
        try { host.MKL.version(); } catch (Throwable first) { System.out.println("first use: " + first); }
        host.MKL.version();
        System.out.println("loaded");
    }
}
"""


@pytest.mark.mkl
def test_the_jvms_could_not_initialize_class_of_an_mkl_binding(mkl, tmp_path):
    """neanderthal#97: a REPL that caught the first failure shows only 'Could not initialize class ...MKL' later. Produced
    with the real JVM: a binding whose static initialiser loads mkl_rt; with MKL's folder on java.library.path it loads."""
    import shutil
    import subprocess

    if shutil.which("javac") is None:
        pytest.skip("no JDK on this machine (dev/test installs one)")
    (tmp_path / "host").mkdir()
    (tmp_path / "host" / "MKL.java").write_text(JAVA_BINDING)
    (tmp_path / "Main.java").write_text(JAVA_MAIN)
    assert subprocess.run(["javac", "-d", ".", "host/MKL.java", "Main.java"], cwd=tmp_path).returncode == 0

    def java(*options):
        return subprocess.run(["java", *options, "-cp", ".", "Main"], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    failed = java()
    assert failed.returncode != 0 and "Could not initialize class host.MKL" in failed.stderr, failed.stderr
    # the whole output names the library the first use could not load: that finding, and no other
    assert [(f.id, "mkl_rt" in f.title) for f in errors_of(failed.stdout + failed.stderr)] == [("host-cannot-load", True)]
    # the later use alone (the REPL's output in the report)
    later = "".join(line + "\n" for line in failed.stderr.splitlines() if "Could not initialize" in line or "at Main." in line)
    [finding] = errors_of(later)
    assert finding.id == "host-cannot-load" and "host.MKL" in finding.title and "initialise" in finding.title, flat(finding)
    assert "java.library.path" in finding.fix[1]
    folder = tmp_path / "mkl"
    folder.mkdir()
    (folder / "libmkl_rt.so").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    loaded = java(f"-Djava.library.path={folder}")
    assert loaded.returncode == 0 and loaded.stdout.strip() == "loaded", loaded.stdout + loaded.stderr


def test_a_program_killed_after_a_hang_is_never_no_problem_found(tmp_path):
    """IntelVectorMath.jl#46: a threaded MKL call that never returned, stopped with ^C and then killed (macOS's
    'Killed: 9'); bash's own words for a job killed by SIGKILL, produced here."""
    import subprocess
    import sys

    script = tmp_path / "run.sh"
    script.write_text(f"echo 'calling MKL (vdTGamma through libmkl_rt)'\n{sys.executable} -c 'import os, signal; "
                      "os.kill(os.getpid(), signal.SIGKILL)'\n")
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60)
    said = done.stdout + done.stderr
    assert done.returncode == 137 and "Killed" in said, said
    [finding] = errors_of(said)
    assert finding.id == "process-killed" and "MKL_NUM_THREADS=1" in finding.fix[0], flat(finding)
    [hang] = errors_of("julia> gamma1([1.0, 2.0])\n\n^CKilled: 9\n")
    assert hang.id == "process-killed" and "hang" in hang.title and not any("MKL_NUM" in f for f in hang.fix)
    # after a failure a finding explains, the kill is that failure's consequence, not a second finding
    explained = "Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.\nKilled\n"
    assert [f.id for f in errors_of(explained)] == ["mkl-core-not-visible"]


def test_an_mkl_packages_precompile_failure_on_macos_is_mkl_jlls_missing_build():
    """MKLSparse.jl#38: the log cut after Julia's 'Failed to precompile MKLSparse', the paths macOS's."""
    log = ('ERROR: LoadError: Failed to precompile MKLSparse [0c723cd3-b8cd-5d40-b370-ba682dde9aae] to '
           '"/Users/someone/.julia/compiled/v1.11/MKLSparse/jl_WvNVir".\nStacktrace:\n  [1] error(s::String)\n')
    [finding] = errors_of(log)
    assert finding.id == "mkl-not-for-this-platform" and finding.title.startswith("most likely"), flat(finding)
    assert "MKL_jll@2023" in finding.fix[0] and "is_available" in finding.confirm[0]
    # the same failure from Linux, where MKL_jll has builds: the line as it is, never silent and never that guess
    linux = log.replace("/Users/someone", "/home/someone")
    assert [f.id for f in errors_of(linux)] == ["unrecognised-failure"]


def test_r_reporting_another_blas_after_mkl_was_installed(mkl):
    """eddelbuettel/mkl4deb#8: R's sessionInfo() names OpenBLAS and R CMD config says -lopenblas after MKL's install
    script. The alternatives named are the ones Debian's libmkl-rt registers (its postinst, read from the pinned .deb)."""
    import io
    import subprocess
    import tarfile

    from mkldoctor.explain.rblas import ALTERNATIVES

    deb = next((mkl.root / "apt" / "debs").glob("libmkl-rt_*.deb"))
    postinst = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(postinst)) as control:
        script = control.extractfile(next(m for m in control.getmembers() if m.name.endswith("postinst"))).read().decode()
    assert all(name in script for name in ALTERNATIVES) and "_mkl_rt_priority=1" in script
    log = ("# sh script.sh   # installs intel-mkl-64bit (mkl4deb)\n# Rscript -e 'sessionInfo()'\nR version 3.6.1 (2019-07-05)\n"
           "Matrix products: default\nBLAS/LAPACK: /usr/lib/libopenblasp-r0.2.19.so\n"
           "$ R CMD config --all | grep -i blas\nBLAS_LIBS = -lopenblas\n")
    [finding] = [f for f in explain_all(log) if f.id == "r-blas-not-mkl"]
    assert "libopenblasp-r0.2.19.so" in finding.title and "-lopenblas" in finding.fix[0], flat(finding)
    assert any(ALTERNATIVES[0] in f for f in finding.fix)
    # R 4's two lines, MKL chosen: only libmkl_rt's threading layer to say (blind set 186); a log that never names MKL: nothing
    chosen = "mkl installed\nBLAS:   /opt/intel/mkl/lib/intel64/libmkl_rt.so\nLAPACK: /opt/intel/mkl/lib/intel64/libmkl_rt.so\n"
    other = "BLAS:   /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\nLAPACK: /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so\n"
    assert [f.id for f in explain_all(chosen)] == ["r-mkl-rt-threading"] and not explain_all(other)
    assert [f.id for f in explain_all("MKL installed (libmkl-rt)\n" + other)] == ["r-blas-not-mkl"]
    # R 4.3 and newer add the LAPACK release to the line (a conda R 4.4.2's sessionInfo, public): read all the same
    modern = "BLAS/LAPACK: /home/u/miniforge3/envs/r442/lib/libopenblasp-r0.3.28.so;  LAPACK version 3.12.0\n"
    [said] = [f for f in explain_all("MKL installed (libmkl-rt)\n" + modern) if f.id == "r-blas-not-mkl"]
    assert "libopenblasp-r0.3.28.so as its BLAS/LAPACK" in said.title, flat(said)
    # and R's crash under an R whose BLAS is MKL says so, not that the log names no MKL
    crash = ("Matrix products: default\nBLAS/LAPACK: /opt/intel/oneapi/mkl/2024.2/lib/libmkl_rt.so.2;  LAPACK version 3.11.0\n\n"
             " *** caught segfault ***\naddress 0x7f, cause 'memory not mapped'\nTraceback:\n 1: La.svd(x, nu, nv)\n")
    [crashed] = [f for f in explain_all(crash) if f.severity == "error"]
    assert crashed.id == "program-crashed" and "R's BLAS and LAPACK are MKL (libmkl_rt.so.2)" in crashed.title, flat(crashed)
