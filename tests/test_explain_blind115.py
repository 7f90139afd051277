"""Blind sets 115 and after (tests/data/explain_corpus/blind115.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here,
the thread's own text where it cannot (macOS, a container's shared memory)."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

SETS = blindset.load(115, 116, 117, 118, 119)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_openmps_shared_memory_folder_absent_in_a_container():
    # IMTEK-Simulation's DFTB container notes: a Docker image run by Singularity on a cluster, no /run/shm inside
    finding = only_error("OMP: Error #179: Function Can't open SHM2 failed:\nOMP: System error #2: No such file or directory\n")
    assert finding.id == "openmp-shm-refused", flat(finding)
    assert "--bind /run/shm:/run/shm" in finding.fix[1] and "AWS Lambda" in finding.evidence[2], flat(finding)
    # a sandbox that has the folder and refuses the call (AWS Lambda) keeps docker's and Kubernetes' ways first
    [lambda_] = errors_of("OMP: Error #179: Function Can't open SHM2 failed:\nOMP: System error #38: Function not implemented\n")
    assert "--bind" not in flat(lambda_), flat(lambda_)
