"""The sixty-eighth blind set (tests/data/explain_corpus/blind68.json): texts the rules made after it answer. Intel's
standalone installer, apt and pip are read from the public reports; a test runner's and a script's FAILED, apt's E: lines
are errors wherever they come from (never silent)."""

from __future__ import annotations

from pathlib import Path

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(68)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_intels_standalone_installer_refusing():
    """easybuild-easyblocks#1116 (a license setting MKL 2017.2 refuses), spack#14855 (cpio missing), spack#9713 (its record
    of an install in $HOME/intel): each its own reason and fix, not the build tool's exit status."""
    for key, words, fix in (("easyblocks-1116", "ACTIVATION_TYPE", "without the ACTIVATION_* lines"),
                            ("spack-14855", "'cpio' tool", "apt-get install cpio"),
                            ("spack-9713", "installed already", "intel_sdp_products.db")):
        finding = only_error(_log(key))
        assert finding.id == "intel-installer-refused" and words in finding.title and fix in finding.fix[0], flat(finding)


def test_another_apt_source_gone_stops_an_mkl_install():
    """kaldi#3492: a user's dead PPA answers 404; install_mkl.sh's 'installation FAILED.' is its consequence."""
    finding = only_error(_log("kaldi-3492"))
    assert finding.id == "apt-source-gone" and "sources.list" in finding.fix[0], flat(finding)
    # Intel's own repository answering 404 is not 'another source': no rule's, and said
    assert only_error("E: Failed to fetch https://intel.example/oneapi/dists/all/main/binary-amd64/Packages  404  Not Found\n").id \
        == "unrecognised-failure"


def test_a_pin_of_a_conda_build_that_pip_does_not_have():
    """PRIMAL2#1: pip listed mkl-fft 1.0.0.17, 1.0.2 and 1.0.6 and was asked for 1.1.0, a conda build: not 'no MKL for this
    platform'; the releases ordered as versions (1.0.6 is the newest)."""
    finding = only_error(_log("primal2-1"))
    assert finding.id == "mkl-package-unavailable" and "mkl-fft 1.0.0.17 to 1.0.6, not 1.1.0" in finding.title, flat(finding)
    assert any("conda install 'mkl-fft=1.1.0'" in line for line in finding.fix), flat(finding)


def test_a_test_runners_and_apts_failures_are_never_silent():
    """Trilinos PR #4579 (CTest's failed tests), oneDNN#4 (GoogleTest's): no MKL word, so no rule's, and said."""
    assert only_error(_log("trilinos-pr4579")).id == "unrecognised-failure"
    assert {f.id for f in errors_of(_log("mkldnn-4"))} == {"unrecognised-failure"}
    assert errors_of("E: Failed to fetch http://deb.example/x.deb  Hash Sum mismatch\n")  # apt's E: line, no rule's
    assert not errors_of("100% tests passed, 0 tests failed out of 219\nFAILED=0\n")


def test_the_new_shapes_read_with_a_pasted_line_number():
    """A paste that keeps a viewer's line numbers ('  12  ' before each line) says the same (sets 67 and 68)."""
    import json as _json

    blind67 = {e["id"]: e["log"] for e in _json.loads((Path(__file__).parent / "data/explain_corpus/blind67.json").read_text())["entries"]}
    logs = {**{k: v["log"] for k, v in ENTRIES.items()}, **blind67}
    for key, finding_id in (("spack-14855", "intel-installer-refused"), ("kaldi-3492", "apt-source-gone"),
                            ("paddle-61709", "mkl-name-missing"), ("pytorch-18365", "mkl-deprecated-as-error")):
        [log] = [v for k, v in logs.items() if key in k]
        numbered = "\n".join(f"  {n}  {line}" for n, line in enumerate(log.splitlines(), 12))
        assert [f.id for f in errors_of(numbered)] == [finding_id], (key, [f.id for f in errors_of(numbered)])
