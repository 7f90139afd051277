"""A package manager's own state around MKL's packages (public shapes: no conda here, and pip's warning needs an MKL
release the index does not hold): conda's broken cache entry, pip's conflict left behind."""

from __future__ import annotations

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.parametrize("error, tail", [
    ("CondaVerificationError", "specified in the package manifest cannot be found."),
    ("SafetyError", "has an incorrect size.\n  reported size: 58498288 bytes\n  actual size: 25296896 bytes"),
])
def test_condas_broken_cache_entry_of_mkl(error, tail):
    log = (f"{error}: The package for mkl located at /opt/conda/pkgs/mkl-2023.1.0-h213fc3f_46344\n"
           f"appears to be corrupted. The path 'lib/libmkl_core.so.2'\n{tail}\n")
    [finding] = errors_of(log)
    assert finding.id == "conda-package-cache-corrupted" and "(lib/libmkl_core.so.2)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("remove the broken copy") and "/opt/conda/pkgs/mkl-2023.1.0-h213fc3f_46344" in finding.fix[0]
    # another package's broken copy is conda's to say, not an MKL finding
    assert all(f.id != "conda-package-cache-corrupted" for f in errors_of(log.replace("package for mkl", "package for zlib")))


def test_pips_conflict_left_beside_mkl():
    log = ("ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
           "This behaviour is the source of the following dependency conflicts.\n"
           "numpy 1.26.4 requires mkl>=2024.0, but you have mkl 2023.2.0 which is incompatible.\n"
           "mkl-fft 1.3.8 requires intel-openmp, which is not installed.\n")
    findings = errors_of(log)
    [finding] = [f for f in findings if f.id == "pip-mkl-conflict"]
    assert "requires mkl>=2024.0, and mkl 2023.2.0 is installed" in finding.title, flat(finding)
    assert finding.fix[0] == "install what it requires: pip install 'mkl>=2024.0'", finding.fix
    assert any("intel-openmp" in line for line in finding.evidence), finding.evidence
    assert [f.id for f in findings] == ["pip-mkl-conflict"], [flat(f) for f in findings]  # pip's header joins it


@pytest.mark.parametrize("listing", ["Successfully installed intel-openmp-2026.1.0 mkl-2026.1.0 tbb-2022.3.0",
                                     "mkl==2026.1.0",
                                     "mkl                       2026.1.0           h06a4308_1"])
def test_the_mkl_a_log_installs_against_the_soname_the_loader_wants(listing):
    """MKL 2026 names its libraries .so.3: a program built on 2022-2025 (.so.2) beside a freshly installed 2026."""
    log = f"{listing}\n$ python -c 'import mkl_fft'\nImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n"
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find", flat(finding)
    assert finding.fix[0].startswith("the log installs mkl 2026.1.0, whose libmkl_rt is libmkl_rt.so.3"), finding.fix
    assert "mkl==2025.3.1" in finding.fix[0], finding.fix
    # the same release the program wants: nothing to say about it
    [same] = errors_of(log.replace("2026.1.0", "2025.3.1"))
    assert not any("the log installs mkl" in line for line in same.fix), same.fix
