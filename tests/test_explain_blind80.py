"""The eightieth blind set (tests/data/explain_corpus/blind80.json): texts the rules made after it answer (GitHub threads
of 2023-2026), and the claim one of its fixes rests on, checked against the torch wheel the tests install."""

from __future__ import annotations

import os
from pathlib import Path

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(80)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_pytorchs_sparse_product_in_a_build_without_mkl():
    """pytorch_geometric#9567 on Apple M3: addmm of three CSR tensors on the CPU is MKL's sparse BLAS in PyTorch; the
    arm64 build has none. PyTorch's other words for the same (addmv, add, sparse_mm_mkl) are the same finding."""
    finding = only_error(_log("9567"))
    assert finding.id == "torch-sparse-without-mkl" and finding.title.startswith("PyTorch's addmm of sparse tensors"), flat(finding)
    assert "x.to_dense()" in finding.fix[0] and "torch.backends.mkl.is_available()" in finding.confirm[0]
    for line in ("RuntimeError: Calling addmv on a sparse CPU tensor requires compiling PyTorch with MKL. Please use "
                 "PyTorch built MKL support.", "RuntimeError: sparse_mm_mkl: MKL support is disabled on macos/iOS.",
                 "RuntimeError: sparse_mm_mkl: ATen not compiled with MKL support"):
        assert only_error(line + "\n").id == "torch-sparse-without-mkl", line


def test_conda_pytorch_without_ijit_gets_the_pin_and_the_wheel():
    """HybrIK#246: the environment's path anonymised as /home/{username}/...: the conda pin still names it, read from the
    loader's line, and PyTorch's own wheel is the other fix (the reporter's)."""
    finding = only_error(_log("hybrik-246"))
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert finding.fix[0].startswith("in the log's conda environment: conda install mkl=2024.0 -p '/home/{username}/anaconda3/envs/hybrik'")
    assert finding.fix[1].startswith("or PyTorch's own wheel in that environment: pip install torch")


def test_the_torch_wheel_carries_mkl_linked_in():
    """What that fix rests on, read from the torch wheel dev/test installs: its libtorch_cpu needs no libmkl_* and
    defines MKL's own names (so no MKL of the environment, or its missing iJIT_NotifyEvent, is looked up)."""
    import torch

    library = Path(os.path.dirname(torch.__file__)) / "lib" / "libtorch_cpu.so"
    with library.open("rb") as stream:
        elf = ELFFile(stream)
        needed = [t.needed for s in elf.iter_sections() if isinstance(s, DynamicSection) for t in s.iter_tags()
                  if t.entry.d_tag == "DT_NEEDED"]
        dynsym = elf.get_section_by_name(".dynsym")
        mkl = [s.name for s in dynsym.iter_symbols() if s.name.startswith("mkl_") and s["st_shndx"] != "SHN_UNDEF"]
    assert not [n for n in needed if n.startswith(("libmkl", "libiomp"))], needed
    assert len(mkl) > 1000, len(mkl)
