"""The sixty-seventh blind set (tests/data/explain_corpus/blind67.json): texts the rules made after it answer. apt's and
conda's refusals of Intel's sources and Paddle's own symbol lookup are read from the public reports (no Intel repository,
conda or Paddle runs here)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(67)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_apt_refuses_intels_repository_for_its_key():
    """translation-service#26 (NO_PUBKEY), kaldi#4872 (EXPKEYSIG: the 2019 key expired), mxnet#16300 (KEYEXPIRED)."""
    for key, why in (("translation-service-26", "NO_PUBKEY"), ("kaldi-4872", "EXPKEYSIG"), ("mxnet-16300", "KEYEXPIRED")):
        finding = only_error(_log(key))
        assert finding.id == "intel-apt-key-rejected" and f"({why})" in finding.title, flat(finding)
        assert "GPG-PUB-KEY-INTEL-SW-PRODUCTS.PUB" in finding.fix[0], flat(finding)
        assert any("oneAPI's repository" in line for line in finding.evidence), flat(finding)  # the old 'mkl all' suite
    other = "W: GPG error: http://example.invalid/debian stable InRelease: The following signatures were invalid: EXPKEYSIG 1234\n"
    assert only_error(other).id == "unrecognised-failure"


def test_condas_intel_channel_answers_403():
    """pytorch#131802 and mlcommons/cm4mlops#229: Intel withdrew its conda channel in 2024; another channel's 403 is no
    rule's, and is still said."""
    for key in ("pytorch-131802", "cm4mlops-229"):
        finding = only_error(_log(key))
        assert finding.id == "conda-intel-channel-gone" and "conda-forge" in finding.fix[0], flat(finding)
    assert only_error("UnavailableInvalidChannel: HTTP 403 FORBIDDEN for channel foo <x/foo>\n").id == "unrecognised-failure"


def test_a_programs_own_lookup_of_an_mkl_function():
    """Paddle#61709: 'Load symbol MKL_Free_Buffers failed' then 'MKL_Free_Buffers not found.': an mklml of 2018 on PATH,
    not a finder's search; a name no MKL exports is no rule's."""
    finding = only_error(_log("paddle-61709"))
    assert finding.id == "mkl-name-missing" and "older than the table's releases" in finding.title, flat(finding)
    assert "mklml" in finding.fix[0], flat(finding)
    assert not [f for f in errors_of("E0209 port.cc:37] Load symbol my_helper failed\n") if f.id == "mkl-name-missing"]


def test_an_mkl_release_macos_has_is_missing_on_an_arm_platform():
    """rapidsai/docker#739: mkl=2023 has no build on linux-aarch64; osx-64 has it up to 2023.2, so macOS on Intel's pin is
    no fix and not offered; a release past macOS's last line still gets it."""
    finding = only_error(_log("rapidsai-docker-739"))
    assert finding.fix[0].startswith("Apple silicon or ARM: no MKL exists there"), flat(finding)
    assert not any("osx-64" in line and "pin" in line for line in finding.fix), flat(finding)
    later = only_error("  - nothing provides requested mkl 2024.1 *\n")
    assert later.fix[0].startswith("macOS on Intel (osx-64): pin the last release line built for it"), flat(later)


def test_a_workspace_pytorch_sized_overflows_first():
    """pytorch#92141: eigh of 53000 x 53000; PyTorch queries the workspace itself, so LWORK wrapped past 2^31-1 (the LP64
    interface) comes before 'query the workspace'."""
    finding = only_error(_log("pytorch-92141"))
    assert finding.id == "mkl-parameter-error" and finding.fix[0].startswith("the problem's workspace passes 2^31-1"), flat(finding)


def test_buildkits_seconds_start_a_line_of_their_own():
    """translation-service#26: apt's W: line happened to be 180 characters, a wrap width; the next line, BuildKit's
    '1.890 E: ...', starts a message of its own and is not joined to it."""
    import io

    from mkldoctor.explain import lines

    warning = "1.890 W: GPG error: https://intel.example/mkl all InRelease: The following signatures couldn't be verified "
    warning += "because the public key is not available: NO_PUBKEY BAC6F0C353D04109"
    warning = warning.ljust(180, "9")
    log = f"{warning}\n1.890 E: The repository 'https://intel.example/mkl all InRelease' is not signed.\n"
    read = list(lines.logical_lines(io.BytesIO(log.encode())))
    assert len(warning) == 180 and read[1].startswith("E: The repository"), read  # BuildKit's seconds taken off (stop 63)
    assert read[0].startswith("W: GPG error") and "is not signed" not in read[0], read
