"""LAPACK sizes a host's wrapper said in its own words (blind set 60): f2py's refusal of a negative workspace (scipy#5489:
a size past 2**31-1 wrapped), SciPy's and PyTorch TH's echoes of MKL's refusal, and DSBEVD's LWORK, which SciPy sizes itself.

f2py's words produced with the pinned SciPy (its dgesdd wrapper given a negative lwork, the number of scipy#5489's wrapped
size); the rest from the public logs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind60.json").read_text())["entries"]}
SCRIPT = """import numpy as np
from scipy.linalg import lapack
lapack.dgesdd(np.ones((4, 3)), lwork=-2135071796)
"""


def test_f2pys_negative_workspace_is_a_size_that_wrapped(pyenv, tmp_path):
    (tmp_path / "svd.py").write_text(SCRIPT)
    ran = subprocess.run([str(pyenv.python), "svd.py"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "must have defined dimensions but got (-2135071796,)" in ran.stderr, ran.stderr
    finding = only_error(ran.stderr)
    assert finding.id == "lapack-workspace-overflow" and "2159895500" in finding.evidence[1], flat(finding)
    assert "lapack_driver='gesvd'" in finding.fix[0]
    # the public log (FastICA's SVD of a 28430 x 26831 matrix): the same finding
    assert only_error(ENTRIES["mklrt-lp64-gesdd-lwork-overflow-scipy-5489"]["log"]).id == "lapack-workspace-overflow"


def test_scipys_echo_of_dsbevds_lwork_joins_mkls_refusal():
    finding = only_error(ENTRIES["mklrt-lp64-sbevd-lwork-overflow-eig-banded-scipy-9073"]["log"])
    assert finding.id == "mkl-parameter-error" and "LWORK, a workspace length" in finding.title, flat(finding)
    assert finding.fix[0].startswith("the problem's workspace passes 2^31-1 elements"), finding.fix
    causes = [e for e in finding.evidence if e.startswith("possible cause: ")]
    assert causes[0].startswith("possible cause: LWORK overflowed"), causes  # the overflow first, as the fix
    assert any("illegal value in argument 11 of internal sbevd" in e and "consequence" in e for e in finding.evidence)
    # SciPy's words alone (another LAPACK printed nothing): the failure itself, said as SciPy's
    [alone] = errors_of("ValueError: illegal value in argument 11 of internal sbevd\n")
    assert alone.id == "mkl-parameter-error" and alone.title.startswith("SciPy's LAPACK call (?SBEVD) rejected argument 11"), flat(alone)


def test_pytorch_ths_echo_joins_mkls_refusal():
    finding = only_error(ENTRIES["mklrt-sgels-param7-zero-intensity-sdpsnet-3"]["log"])
    assert finding.id == "mkl-parameter-error" and "of SGELS (B" in finding.title, flat(finding)
    assert any("Lapack Error in gels : Illegal Argument 7" in e and "consequence" in e for e in finding.evidence)
