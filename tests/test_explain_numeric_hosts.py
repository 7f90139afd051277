"""A numeric library's own answer about its input, produced with the real hosts: MKL is linked and answered.

- torch.stft of a float16 tensor on the CPU stops with ``RuntimeError: MKL FFT doesn't support tensors of type: Half``
  (the real torch CPU build); the same call on float32 computes;
- numpy's ``LinAlgError: SVD did not converge`` for an input with NaN (numpy's own LAPACK); the finite input converges.
  R's ``error code 1 from Lapack routine 'dgesdd'`` and Julia's ``LAPACKException`` are public text.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_explain_families import errors_of, flat

STFT = """import torch
x = torch.ones(64, dtype=torch.DTYPE)
print(torch.stft(x, 16, window=torch.ones(16, dtype=x.dtype), return_complex=True).shape)
"""


def test_torch_stft_of_half_on_the_cpu(tmp_path):
    pytest.importorskip("torch")
    failed = subprocess.run([sys.executable, "-c", STFT.replace("DTYPE", "half")], capture_output=True, text=True)
    assert failed.returncode != 0 and "MKL FFT doesn't support tensors of type: Half" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "torch-mkl-fft-dtype" and "Half" in finding.title, flat(finding)
    assert "x.float()" in finding.fix[0], finding.fix
    # the fix: the same transform of float32
    fixed = subprocess.run([sys.executable, "-c", STFT.replace("DTYPE", "float32")], capture_output=True, text=True)
    assert fixed.returncode == 0 and "torch.Size([9, 17])" in fixed.stdout, fixed.stderr


SVD = "import numpy as np; a = np.array([[VALUE, 1.0], [1.0, 1.0]]); print(np.linalg.svd(a, compute_uv=False).round(3))"


def test_numpys_svd_did_not_converge():
    pytest.importorskip("numpy")
    failed = subprocess.run([sys.executable, "-c", SVD.replace("VALUE", "np.nan")], capture_output=True, text=True)
    assert failed.returncode != 0 and "LinAlgError: SVD did not converge" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "lapack-not-converged" and "did not converge" in finding.title, flat(finding)
    assert finding.fix[0].startswith("check the input for NaN and Inf first"), finding.fix
    assert "lapack_driver='gesvd'" in finding.fix[1], finding.fix
    # the fix the first line names: the finite input converges
    fixed = subprocess.run([sys.executable, "-c", SVD.replace("VALUE", "2.0")], capture_output=True, text=True)
    assert fixed.returncode == 0 and fixed.stdout.startswith("["), fixed.stderr
    [r] = errors_of("Error in La.svd(x, nu, nv) : error code 1 from Lapack routine 'dgesdd'\n")
    assert r.id == "lapack-not-converged" and "dgesdd" in r.title and "(info 1)" in r.title, flat(r)
    [refused] = errors_of("Error in La.svd(x) : error code -4 from Lapack routine 'dgesdd'\n")
    assert "refused its argument 4" in refused.title, flat(refused)
    [julia] = errors_of("ERROR: LinearAlgebra.LAPACKException(12)\n")
    assert julia.id == "lapack-not-converged" and "(info 12)" in julia.title, flat(julia)
