"""The sixty-first blind set (tests/data/explain_corpus/blind61.json): texts the rules made after it answer.

Google Cloud Build's "Step #0: " before each line of a step (pytorch/xla#4375): the linker's own lines under it are read as
ld's, here a real ld failure prefixed as Cloud Build prints it."""

from __future__ import annotations

import subprocess

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(61)


def test_cloud_builds_step_prefix(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "m.c", "-o", "m", "-lmkl_core"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "cannot find -lmkl_core" in done.stderr, done.stderr
    for step in ("Step #0: ", 'Step #2 - "build": '):
        finding = only_error("".join(step + line + "\n" for line in done.stderr.splitlines()))
        assert finding.id == "library-not-found" and "-lmkl_core" in finding.title, flat(finding)
        # Spack's listing of such a build log: its mark and number outside the step's prefix
        listed = "".join(f"  >> {n:<6}{step}{line}\n" for n, line in enumerate(done.stderr.splitlines(), 40))
        finding = only_error("1 error found in build log:\n" + listed)
        assert finding.id == "library-not-found" and "-lmkl_core" in finding.title, flat(finding)
    finding = only_error(ENTRIES["linux-link-ci-cannot-find-lmkl-test-target-torch-xla-4375"]["log"])
    assert finding.id == "library-not-found" and "PyTorch's exported CMake config" in "\n".join(finding.evidence), flat(finding)


def test_a_static_finder_and_intels_old_yum_package():
    """vsag#1795: the project's finder asked for MKL's static archives, and the CI's yum had no intel-mkl-64bit package
    (Intel's old repository): two failures, each said."""
    log = ENTRIES["cmake-meson-fortran-wheel-ci-mkl-repo-gone-static-default-vsag-1795"]["log"]
    findings = {f.id: f for f in errors_of(log)}
    assert set(findings) == {"mkl-finder-failed", "mkl-package-not-in-sources"}, list(findings)
    finder = findings["mkl-finder-failed"]
    assert any(line.startswith("the finder asks for MKL's static archives") for line in finder.fix[:2]), finder.fix
    assert not any("found MKL's libraries but not its headers" in line for line in finder.fix)
    yum = findings["mkl-package-not-in-sources"]
    assert "Intel's old MKL repository" in yum.title and "intel-oneapi-mkl-devel" in yum.fix[1], flat(yum)


def test_a_finder_that_found_nothing_asks_whether_mkl_is_there():
    """vcpkg#24269: arrayfire's FindMKL missing the headers and every library (the port had installed no MKL)."""
    finding = only_error(ENTRIES["cmake-meson-fortran-vcpkg-arrayfire-port-mkl-not-installed-vcpkg-24269"]["log"])
    assert finding.fix[0].startswith("the finder found neither MKL's headers nor its libraries"), finding.fix
    assert any("-DMKL_INCLUDE_DIR=<MKL prefix>/include" in line for line in finding.fix), finding.fix


def test_onemkls_deprecation_with_its_message_on_the_next_lines():
    """distributed-ranges#536: clang's deprecation of the queue-less sparse::set_csr_data, pasted over three lines."""
    finding = only_error(ENTRIES["linux-link-onemkl-set_csr_data-deprecated-werror-distributed-ranges-pr536"]["log"])
    assert finding.id == "mkl-deprecated-as-error" and "set_csr_data" in finding.title, flat(finding)
    assert finding.fix[0].startswith("call what the deprecation names instead: Use oneapi::mkl::sparse::set_csr_data(queue")


def test_onemkls_sycl_link_set_not_found(tmp_path):
    """IPEX's known issue: -lmkl_sycl -lmkl_intel_ilp64 -lmkl_core -lmkl_tbb_thread, which ld finds nowhere (produced with
    gcc here, where no oneAPI is): the set is oneMKL's SYCL link, and its own fix comes first."""
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "m.c", "-o", "m", "-lmkl_sycl", "-lmkl_intel_ilp64", "-lmkl_core", "-lmkl_tbb_thread"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "cannot find -lmkl_sycl" in done.stderr, done.stderr
    for log in (done.stderr, ENTRIES["linux-link-cannot-find-lmkl_sycl-ipex-xpu-known-issues"]["log"]):
        finding = only_error(log)
        assert finding.id == "library-not-found" and finding.fix[0].startswith("a project built with oneMKL's SYCL API"), flat(finding)
