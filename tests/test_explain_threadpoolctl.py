"""threadpoolctl's list of the runtimes a process loaded, produced with the fixtures' Python environment: PyTorch's
libgomp (and scikit-learn's copy) beside Intel's libiomp5 from the environment's intel-openmp, in `python -m
threadpoolctl`'s JSON and in sklearn.show_versions()'s "threadpoolctl info:" block. Two OpenMP runtimes in one process are
said (a warning), with MKL on GNU's runtime first; one runtime is nothing to say."""

from __future__ import annotations

import pytest

from tests.test_explain_families import clean_env, flat, run
from tests.blindset import findings

LOADED = ("import ctypes, json, sys, torch, threadpoolctl\n"
          "if len(sys.argv) > 1: ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)\n")


@pytest.mark.parametrize("report", [
    "print(json.dumps(threadpoolctl.threadpool_info(), indent=2))",  # python -m threadpoolctl -i's form
    "import sklearn; sklearn.show_versions()",  # scikit-learn's bug report template
])
def test_two_openmp_runtimes_in_threadpoolctls_report(tmp_path, pyenv, report):
    if not pyenv.has_torch:
        pytest.skip("the environment has no torch")
    (tmp_path / "report.py").write_text(LOADED + report + "\n")
    iomp = str(pyenv.root / "lib" / "libiomp5.so")
    code, log = run([str(pyenv.python), "report.py", iomp], tmp_path, clean_env())
    assert code == 0 and "libiomp" in log and "libgomp" in log, log
    [finding] = [f for f in findings(log) if f.id == "openmp-runtimes-mixed"]
    assert finding.severity == "warning" and ("libgomp" in finding.title and "libiomp" in finding.title), flat(finding)
    assert finding.fix[0].startswith("MKL on GNU's runtime, one pool: MKL_THREADING_LAYER=GNU"), finding.fix
    code, log = run([str(pyenv.python), "report.py"], tmp_path, clean_env())  # torch's libgomp alone: one runtime
    assert code == 0 and "libgomp" in log and "libiomp" not in log, log
    assert not [f for f in findings(log) if f.id == "openmp-runtimes-mixed"]
