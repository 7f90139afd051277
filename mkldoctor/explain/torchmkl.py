"""PyTorch built without MKL: ``RuntimeError: fft: ATen not compiled with MKL support`` (pytorch/pytorch#42426 on
ppc64le, #29796 LibTorch for iOS, KumaTea/pytorch-aarch64#6 on a Raspberry Pi, cornellius-gp/gpytorch#194 and
mogwai/fastai_audio#50 with macOS pip wheels of 2019).

PyTorch's CPU FFT (``torch.fft``, ``torch.stft``) was for years MKL's only: a torch built where MKL does not exist (ARM,
PowerPC, mobile) or without it (the macOS pip wheels of torch 1.1 and 1.2) raised this in its place. Later PyTorch
releases carry a CPU FFT of their own (PocketFFT) for builds without MKL. Nothing about MKL on the machine changes it:
the torch build is the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import platforms


@dataclass(frozen=True, slots=True)
class TorchWithoutMkl:
    operation: str  # "fft"
    line: str


@dataclass(frozen=True, slots=True)
class TorchSparseWithoutMkl:
    """PyTorch's sparse (CSR) products on the CPU, MKL's sparse BLAS in its builds with MKL: ``addmm: computation on CPU
    is not implemented for SparseCsr + SparseCsr @ SparseCsr without MKL`` (pyg-team/pytorch_geometric#9567 on Apple M3),
    ``Calling addmv on a sparse CPU tensor requires compiling PyTorch with MKL``, ``sparse_mm_mkl: MKL support is
    disabled on macos/iOS``."""

    operation: str  # "addmm"
    line: str


@dataclass(frozen=True, slots=True)
class TorchFftDtype:
    """``RuntimeError: MKL FFT doesn't support tensors of type: Half``: PyTorch's CPU FFT (MKL's) has no transform of that
    type; MKL is linked and working."""

    dtype: str
    line: str


SIGNATURES = (
    Signature("torch-mkl-fft-dtype", "torchmkl", "MKL FFT doesn",
              re.compile(r"MKL FFT doesn't support tensors? of type: (?P<t>\w+)"),
              lambda m, _: TorchFftDtype(m["t"], m.string.strip()[:300])),
    *(Signature(f"torch-sparse-without-mkl-{i}", "torchmkl", needle, re.compile(pattern),
                lambda m, _: TorchSparseWithoutMkl(m["op"], m.string.strip()[:300])) for i, (needle, pattern) in enumerate((
        ("out MKL", r"(?<!\w)(?P<op>\w{1,60}): computation on CPU is not implemented for \w{1,40} \+ \w{1,40} @ \w{1,40} without MKL"),
        ("with MKL", r"Calling (?P<op>\w+) on (?:a )?sparse CPU tensors? requires compiling PyTorch with MKL"),
        ("MKL support", r"(?P<op>sparse_mm_mkl): (?:ATen not compiled with MKL support|MKL support is disabled on)")))),
    Signature("torch-not-compiled-with-mkl", "torchmkl", "not compiled with MKL",
              re.compile(r"(?:(?<!\w)(?P<op>\w+): )?ATen not compiled with MKL support"),
              lambda m, _: TorchWithoutMkl(m.group("op") or "", m.string.strip()[:300])),
    # LibTorch's own check that raises it: "c10::Error: false CHECK FAILED at .../ATen/native/mkl/SpectralOps.cpp (_fft_mkl"
    Signature("torch-fft-mkl-check-failed", "torchmkl", "FAILED at",
              re.compile(r"CHECK FAILED at \S*ATen/native/mkl/SpectralOps\.cpp"),
              lambda m, _: TorchWithoutMkl("fft", m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    sparse = events.of(TorchSparseWithoutMkl)
    if sparse:
        return [_sparse(sparse[0])]
    said = events.of(TorchWithoutMkl)
    if not said:
        return [_fft_dtype(e) for e in events.of(TorchFftDtype)[:1]]
    first = said[0]
    op = first.operation or "this operation"
    arm = platforms.platform("linux-aarch64").note
    return [Finding(
        "torch-built-without-mkl", "error",
        f"PyTorch was built without MKL, and its {op} on the CPU had no other implementation in that release", (
            first.line,
            f"ATen, PyTorch's operator library, was compiled without MKL: {op} on the CPU was MKL's only in PyTorch of "
            "2019-2020 (later releases have a CPU FFT of their own, PocketFFT, for builds without MKL)",
            f"builds without MKL: every one for ARM and PowerPC ({arm}: Apple silicon, aarch64 boards such as the Raspberry "
            "Pi, ppc64le) and for mobile (LibTorch for iOS and Android), and the macOS pip wheels of torch 1.1 and 1.2",
        ), (
            "update PyTorch: a release whose CPU FFT does not need MKL (pip install -U torch, or the project's pin raised)",
            "on x86-64 until then: a torch build with MKL (the official x86-64 wheels and conda packages); "
            "python -c 'import torch; print(torch.backends.mkl.is_available())' says which you have",
            "on ARM, PowerPC or mobile no MKL exists: there only a newer PyTorch, or the FFT on the GPU (a CUDA tensor), "
            "or numpy.fft / scipy.fft on the CPU",
        ),
        "PyTorch links MKL at build time where Intel builds it (x86-64); its FFT once had no other CPU backend, so a build "
        "without MKL raised this error for every CPU FFT.",
        ("python -c 'import torch; print(torch.__version__, torch.backends.mkl.is_available())'",),
    )]


def _fft_dtype(event: TorchFftDtype) -> Finding:
    return Finding(
        "torch-mkl-fft-dtype", "error",
        f"PyTorch's CPU FFT (MKL's) has no transform for {event.dtype} tensors: the tensor's type, not MKL's install",
        (event.line, "torch.fft and torch.stft on the CPU run through MKL's FFT in x86-64 builds, which transforms float32 "
         "and float64 (and their complex types) only; MKL is linked and working"),
        (f"convert before the transform and back after it: torch.fft.rfft(x.float()).to(...) (the {event.dtype} input "
         "as float32), or keep the model's FFT layers in float32 under autocast",
         "or run the transform on the GPU, whose FFT (cuFFT) takes half precision for sizes that are powers of two"),
        "PyTorch picks its CPU FFT backend at build time (MKL's on x86-64); MKL's DFTI computes in single and double "
        "precision.",
    )



def _sparse(event: TorchSparseWithoutMkl) -> Finding:
    op = event.operation.replace("sparse_mm_mkl", "mm")
    return Finding(
        "torch-sparse-without-mkl", "error",
        f"PyTorch's {op} of sparse tensors on the CPU is MKL's, and this PyTorch build has no MKL sparse BLAS", (
            event.line,
            "PyTorch runs its sparse CSR products on the CPU (addmm, addmv, add, mm of two CSR tensors) through MKL's sparse "
            "BLAS only: a build without it raises this where the build with it computes",
            f"builds without MKL: every one for ARM and PowerPC ({platforms.platform('linux-aarch64').note}: Apple "
            "silicon's macOS wheels, aarch64 Linux, ppc64le) and for mobile; builds with MKL but not its sparse BLAS: "
            "Windows builds of several releases (ATen's AT_USE_MKL_SPARSE left out _WIN32, pytorch#50937), whose "
            "torch.backends.mkl.is_available() is True all the same",
        ), (
            "where no MKL sparse exists (Apple silicon, aarch64, Windows builds without it): keep this product off CSR on "
            "the CPU: convert the operands (x.to_dense(), or x.to_sparse_coo() for the COO kernels PyTorch has without "
            "MKL), run it on the GPU, or take the library's own fallback where it has one (PyG: torch_sparse's "
            "SparseTensor; its PR #10724 adds one)",
            "a library that chose this product itself, having taken MKL as there (PyG's AddMetaPaths before its #9027, "
            "pyg#8977): upgrade it, as its newer releases check for MKL's sparse BLAS and fall back without it",
            "on Linux x86-64: a torch build with MKL (PyPI's and the official conda builds)",
        ),
        "PyTorch picks its CPU backend for sparse CSR products at build time: MKL's where the build has MKL, none otherwise.",
        ("python -c 'import torch; print(torch.__version__, torch.backends.mkl.is_available())'   # False: this build",),
    )
