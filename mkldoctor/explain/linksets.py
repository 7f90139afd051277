"""The -l sets a build system hands a link, known by their names: whose set it is says where its folder went missing.

- PyTorch's exported CMake config (Caffe2's public/mkl.cmake, the caffe2::mkl target): ``-lmkl_intel_ilp64
  -lmkl_intel_thread -lmkl_core``, names without their folder, which the torch build's MKL had (pytorch/audio#2784, k2#1031,
  onnxruntime#9170, dgl#5474, pytorch/xla#4375).
- oneMKL's SYCL link (Intel's MKLConfig.cmake's MKL::MKL_SYCL, and what projects built with oneMKL's GPU API take from it):
  ``-lmkl_sycl`` with the ILP64 interface and the core (Intel Extension for PyTorch's known issues: an extension built
  without oneMKL against a PyTorch built with it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LinkSet:
    names: frozenset[str]
    said: str  # what the set is, for the finding's evidence
    fix: str  # the fix that answers the set's own cause, first


SETS = (
    LinkSet(frozenset({"mkl_intel_ilp64", "mkl_intel_thread", "mkl_core"}),
            "-lmkl_intel_ilp64 -lmkl_intel_thread -lmkl_core is the set PyTorch's exported CMake config (Caffe2's "
            "public/mkl.cmake, the caffe2::mkl target) hands a project that links torch: its names without their folder, "
            "which the torch build's MKL (a conda environment's lib) had",
            "a project that links libtorch or a torch wheel (torchaudio, k2, an extension): give the link MKL's folder "
            "(link_directories(<the conda environment>/lib), or LDFLAGS=-L$CONDA_PREFIX/lib), or use a PyTorch with "
            "pytorch#89359 (INTERFACE_LINK_DIRECTORIES on caffe2::mkl, PyTorch 2.0), or link torch's libraries without its "
            "imported targets"),
    LinkSet(frozenset({"mkl_sycl", "mkl_intel_ilp64", "mkl_core"}),
            "-lmkl_sycl with -lmkl_intel_ilp64 and -lmkl_core is oneMKL's SYCL (GPU) link, as Intel's MKLConfig.cmake "
            "gives it (MKL::MKL_SYCL) to a project built with oneMKL's SYCL API: libmkl_sycl is oneAPI's MKL's and the "
            "mkl-dpcpp packages', not in MKL's CPU packages (mkl, mkl-devel)",
            "a project built with oneMKL's SYCL API: build in a shell where oneAPI's setvars.sh ran (it puts MKL's lib "
            "folder, libmkl_sycl with it, on LIBRARY_PATH), or turn the project's oneMKL use off where the build does not "
            "need it (Intel Extension for PyTorch: USE_ONEMKL=OFF, and a clean build, when the PyTorch it builds against "
            "was built without oneMKL; its known issues)"),
)


def known(wanted: list[str]) -> list[LinkSet]:
    """The sets whose names are all among the libraries a link could not find."""
    return [s for s in SETS if s.names <= set(wanted)]
