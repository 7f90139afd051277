"""A profile that shows MKL's generic kernels doing the work (mkldoctor/explain/codepath.py). Produced: SGEMM through the
pinned wheel's libmkl_rt under perf, MKL held to SSE4.2 (MKL_ENABLE_INSTRUCTIONS, as a processor without AVX would make
it), so libmkl_mc3 does the work on an Intel processor; then under MKL's own choice on this machine, which is no finding
(on an AMD processor MKL 2026.2 runs SGEMM in libmkl_def's Zen kernel with or without the limit: no finding either). The public profile of
pytorch/builder#504 (an AMD processor, MKL 2020.2: SGEMM in libmkl_def, DGEMM in its Zen kernel) is the same finding."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import flat

SGEMM = r"""#include <stdlib.h>
extern void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*, const float*, const int*,
                   const float*, const int*, const float*, float*, const int*);
int main(void) {
    int n = 600; float one = 1, zero = 0; float *a = calloc(n * n, 4), *c = calloc(n * n, 4);
    for (int i = 0; i < n * n; i++) a[i] = i % 7;
    for (int k = 0; k < 10; k++) sgemm_("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
    return c[1] == 0;
}
"""


def _findings(text: str):
    return explain(logparse.parse_bytes(text.encode()), [])


@pytest.mark.mkl
@pytest.mark.skipif(shutil.which("perf") is None, reason="needs perf")
def test_a_profile_of_mkls_sse42_kernels(mkl, tmp_path):
    (tmp_path / "sg.c").write_text(SGEMM)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*")).name
    assert subprocess.run(["gcc", "sg.c", "-o", "sg", f"-L{mkl.pip_lib}", f"-l:{rt}", f"-Wl,-rpath,{mkl.pip_lib}"],
                          cwd=tmp_path).returncode == 0

    def profile(**env: str) -> str:
        recorded = subprocess.run(["perf", "record", "-q", "-o", "perf.data", "./sg"], cwd=tmp_path, capture_output=True,
                                  text=True, env={"PATH": "/usr/bin:/bin", "MKL_NUM_THREADS": "1", **env})
        if recorded.returncode != 0 and re.search(r"perf_event_paranoid|[Pp]ermission|not permitted", recorded.stderr):
            pytest.skip(f"this machine lets no process profile itself: {recorded.stderr.strip().splitlines()[0][:120]}")
        assert recorded.returncode == 0, recorded.stderr
        return subprocess.run(["perf", "report", "-i", "perf.data", "--stdio"], cwd=tmp_path, capture_output=True,
                              text=True).stdout

    report = profile(MKL_ENABLE_INSTRUCTIONS="SSE4_2")
    top = next(line for line in report.splitlines() if "%" in line and "libmkl_" in line)  # MKL's heaviest line
    if "libmkl_def.so" in top and "_zen" in top:  # an AMD processor: MKL keeps its Zen kernel whatever the limit
        assert not [f for f in _findings(report) if f.id == "mkl-generic-kernels"], top  # its helpers are no finding
        return
    assert "libmkl_mc3.so" in report, report[:2000]
    [finding] = _findings(report)
    assert finding.id == "mkl-generic-kernels" and finding.severity == "warning" and "libmkl_mc3" in finding.title, flat(finding)
    assert finding.fix[0].startswith("see what MKL chose") and "MKL_VERBOSE=1" in finding.fix[0]
    chosen = profile()  # MKL's own choice on this processor: AVX2 or AVX-512 kernels, no finding
    if "libmkl_avx" in chosen:
        assert not [f for f in _findings(chosen) if f.id == "mkl-generic-kernels"]


def test_an_amd_processors_profile_with_a_zen_kernel_beside():
    entries = json.loads((Path(__file__).parent / "data/explain_corpus/blind60.json").read_text())["entries"]
    log = next(e["log"] for e in entries if e["id"] == "mklrt-zen-sgemm-sse-codepath-pytorch-builder-504")
    [finding] = _findings(log)
    assert finding.id == "mkl-generic-kernels" and "LM_LOOPgas_1" in finding.title, flat(finding)
    assert any("mkl_blas_def_dgemm_kernel_zen" in e and "AMD processor" in e for e in finding.evidence)
