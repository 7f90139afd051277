"""apt's own words for an MKL package its sources do not have, produced with the real apt-get (simulated, with sources and
package lists of its own, empty: no privileges, nothing changed): Intel's oneAPI names, Debian's non-free libmkl-*, in
English and in apt's German; dnf's from its messages (dnf is not on this machine). Another package's name in the same
words is an unrecognised failure, never silent. And numpy.distutils' own words when a source build finds no BLAS at all
(SciPy's and scikit-learn's setup.py raise it, read in public copies: numpy.distutils does not run beside this machine's
Python)."""

from __future__ import annotations

import shutil

import pytest

from tests.test_explain_families import clean_env, errors_of, flat, run

APT = pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")


def _apt(tmp_path, *packages: str, **env: str) -> str:
    (tmp_path / "sources.list").write_text("")
    for folder in ("parts", "lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    _, out = run(["apt-get", "-s", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}",
                  "-o", f"Dir::Etc::sourceparts={tmp_path / 'parts'}", "-o", f"Dir::State::Lists={tmp_path / 'lists'}",
                  "-o", f"Dir::Cache={tmp_path / 'cache'}", "install", *packages], tmp_path, clean_env(**env))
    return out


@APT
@pytest.mark.parametrize("packages, words", [
    (("intel-oneapi-mkl-devel",), "Intel's oneAPI repository is not among its sources"),
    (("libmkl-dev", "libmkl-rt"), "non-free component"),
])
def test_apt_without_the_source_of_an_mkl_package(tmp_path, packages, words):
    log = _apt(tmp_path, *packages)
    assert "Unable to locate package" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-package-not-in-sources" and words in finding.title, flat(finding)
    assert any(line.startswith(("apt-get install", "sudo apt-get install")) and packages[0] in line for line in finding.fix)
    assert any("apt-get update" in line for line in finding.fix)


@APT
def test_apt_in_german_and_another_package(tmp_path):
    log = _apt(tmp_path, "intel-oneapi-mkl", LANGUAGE="de", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    if "kann nicht gefunden werden" not in log:
        pytest.skip("apt's German catalogue is not installed")
    [finding] = errors_of(log)
    assert finding.id == "mkl-package-not-in-sources", flat(finding)
    other = errors_of(_apt(tmp_path, "nonesuch-package"))
    assert [f.id for f in other] == ["unrecognised-failure"], [(f.id, f.title) for f in other]


def test_dnfs_words():
    log = ("No match for argument: intel-oneapi-mkl-devel\nError: Unable to find a match: intel-oneapi-mkl-devel\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-package-not-in-sources" and "dnf does not know" in finding.title, flat(finding)
    assert any("dnf install intel-oneapi-mkl-devel" in line for line in finding.fix)


def test_numpy_distutils_without_a_blas():
    """numpy.distutils' own exception (numpy before 1.26 built from source by pip), its raise line in the traceback above
    it; the same class name with another message is not this."""
    log = ('  File "/tmp/pip-install-x/numpy/numpy/distutils/system_info.py", line 1898, in calc_info\n'
           "    raise NotFoundError('No lapack/blas resources found.')\n"
           "numpy.distutils.system_info.NotFoundError: No lapack/blas resources found.\n")
    [finding] = errors_of(log)
    assert finding.id == "numpy-distutils-blas-not-found" and "--only-binary" in finding.fix[0], flat(finding)
    assert any("mkl_libs = mkl_rt" in line for line in finding.fix)
    assert all(f.id != "numpy-distutils-blas-not-found" for f in errors_of("NotFoundError: no such thing\n"))
