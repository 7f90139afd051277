"""A name MKL no longer exports, needed by a package's prebuilt library (PyTorch's libtorch_cpu, MKL-DNN 0.x in torch 1.0):
the fix is that package's build for the newer MKL, not "move the code off" the name, which is the fix for the user's own
program (a program built here keeps it)."""

from __future__ import annotations

import pytest

from mkldoctor.knowledge.places import package_of
from tests.test_explain_families import errors_of, flat


@pytest.mark.parametrize(("path", "package"), [
    ("/home/u/miniconda3/envs/e/lib/python3.10/site-packages/torch/lib/libtorch_cpu.so", "torch"),
    ("/usr/lib/python3/dist-packages/numpy.libs/libopenblas.so", "numpy"),
    ("C:\\Python311\\Lib\\site-packages\\torch\\lib\\torch_cpu.dll", "torch"),
    # an environment a package made inside its own folder (metaphor's conda environments): the innermost package
    ("/e/lib/python3.11/site-packages/metaphor/config/conda/62c4/lib/python3.7/site-packages/torch/lib/libtorch_cpu.so", "torch"),
    ("/home/u/build/libsolver.so", None),
])
def test_the_package_a_library_is_part_of(path, package):
    assert package_of(path) == package


def test_a_wheels_library_is_rebuilt_not_rewritten():
    [finding] = errors_of("ImportError: /home/u/miniconda3/envs/e/lib/python3.10/site-packages/torch/lib/libtorch_cpu.so: "
                          "undefined symbol: iJIT_NotifyEvent\n")
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert any(line.startswith("or a release of torch built for MKL 2024.1") for line in finding.fix), finding.fix
    assert not any("move the code off" in line for line in finding.fix), finding.fix


def test_a_program_built_here_moves_its_code_off_the_name():
    [finding] = errors_of("./bench: symbol lookup error: ./bench: undefined symbol: cblas_sgemm_alloc\n")
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert any(line.startswith("or move the code off cblas_sgemm_alloc") for line in finding.fix), finding.fix
