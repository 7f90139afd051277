"""A compile that stopped at a header of another package that MKL's users meet beside it: ``fatal error:
'level_zero/ze_api.h' file not found`` (oneDAL's DPC++ interfaces without Level Zero's headers, its Known Issues),
OpenCL's, CUDA's or ROCm's for a GPU backend, the compiler's OpenMP header, oneTBB's, Python's or numpy's for an
extension, MPI's.

MKL neither ships nor replaces them, so no MKL setting fixes the compile: the finding names the package that brings the
header, how to point the compile at one installed, and the project's way to leave the part out. A header no table here
knows stays a failure of its own (:func:`mkldoctor.explain.headermissing.header_event`): it may be the project's own or
a generated one, which no package gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.events import Parsed
from mkldoctor.explain.context import Context
from mkldoctor.findings import Finding

# the header's start, what it belongs to, and the packages that bring it (Debian/Ubuntu, RHEL/Fedora, conda or others)
_PACKAGES = (
    (re.compile(r"^level_zero/"), "oneAPI Level Zero (Intel's GPU runtime interface)",
     "apt install libze-dev (level-zero-dev from Intel's GPU repository); dnf install level-zero-devel; or the project "
     "built without Level Zero (its option or define to disable it)"),
    (re.compile(r"^CL/(?:cl|opencl|cl2|cl_ext)\.h(?:pp)?$"), "OpenCL (Khronos)",
     "apt install opencl-headers ocl-icd-opencl-dev; dnf install opencl-headers ocl-icd-devel; conda install -c "
     "conda-forge ocl-icd khronos-opencl-icd-loader"),
    (re.compile(r"^(?:cuda(?:_runtime(?:_api)?)?|cublas(?:_v2|Lt)?|cusolverDn|cusparse|cufft|curand)\.h$"),
     "NVIDIA's CUDA toolkit",
     "install the CUDA toolkit (not only the driver), then its include folder on the compile line: -I$CUDA_HOME/include "
     "(CMake: -DCUDAToolkit_ROOT=<CUDA>)"),
    (re.compile(r"^(?:hip/|rocblas/|rocblas\.h$|hipblas|rocsolver)"), "AMD's ROCm",
     "install ROCm's development packages (rocm-dev, rocblas-dev, hipblas-dev), then -I/opt/rocm/include (CMake: "
     "-DCMAKE_PREFIX_PATH=/opt/rocm)"),
    (re.compile(r"^omp\.h$"), "the compiler's OpenMP runtime",
     "gcc brings its own (a cross or minimal gcc may not: install its libgomp development package); clang: apt install "
     "libomp-dev, dnf install libomp-devel; Apple clang: brew install libomp, then -Xpreprocessor -fopenmp "
     "-I$(brew --prefix libomp)/include; or oneAPI's icx -qopenmp"),
    (re.compile(r"^(?:tbb/|oneapi/tbb)"), "oneTBB",
     "apt install libtbb-dev; dnf install tbb-devel; pip install tbb-devel, conda install tbb-devel; or oneAPI's "
     "tbb (source <oneapi>/tbb/latest/env/vars.sh)"),
    (re.compile(r"^(?:Python|pyconfig)\.h$"), "Python (its development files)",
     "apt install python3-dev (the interpreter's own version: python3.X-dev); dnf install python3-devel; a conda or venv "
     "Python has them in its own include folder: python3 -c 'import sysconfig; print(sysconfig.get_paths()[\"include\"])'"),
    (re.compile(r"^numpy/"), "numpy (its C API)", "pip install numpy in the environment that builds (a build isolation "
     "needs numpy in the project's build requirements), then -I$(python3 -c 'import numpy; print(numpy.get_include())')"),
    (re.compile(r"^mpi(?:cxx)?\.h$|^mpif\.h$"), "an MPI library",
     "compile with the MPI's own compiler wrapper (mpicc, mpicxx, mpiicx, mpiifx), or install its development package: "
     "apt install libopenmpi-dev (or libmpich-dev), dnf install openmpi-devel; oneAPI: source setvars.sh for Intel MPI"),
)


@dataclass(frozen=True, slots=True)
class OtherHeaderMissing:
    header: str  # "level_zero/ze_api.h"
    belongs: str  # "oneAPI Level Zero (Intel's GPU runtime interface)"
    packages: str
    line: str


def event(name: str, line: str) -> OtherHeaderMissing | None:
    """The missing header's package, where the table knows it; None for another header."""
    for start, belongs, packages in _PACKAGES:
        if start.search(name):
            return OtherHeaderMissing(name, belongs, packages, line.strip()[:300])
    return None


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OtherHeaderMissing)
    if not said:
        return []
    first = said[0]
    base = first.header.rsplit("/", 1)[-1]
    return [Finding(
        "header-of-another-package", "error",
        f"the compile stopped at {first.header}, a header of {first.belongs}, not MKL's",
        (first.line, f"{first.header} comes with {first.belongs}, in its development files: MKL neither ships it nor "
         "replaces it, so no MKL setting or folder fixes this compile"),
        (f"install it: {first.packages}",
         f"where it is installed already, put its folder on the compile line: -I<the folder above {first.header}> (CMake: "
         "the package's <Pkg>_ROOT or CMAKE_PREFIX_PATH; make: CPPFLAGS)",
         "or build the project without the part that includes it: its option for that backend or feature "
         "(cmake -LH <build folder> lists a CMake project's options)"),
        "A compiler looks for an included header in its own folders and in each -I folder; a header of another package is "
        "found once that package's development files are installed and their folder is on that path.",
        (f"find / -name {base} -path '*{first.header}' 2>/dev/null | head   # on the log's machine: a copy the compile "
         "was not pointed at",),
        locations=ctx.located(said, f"{first.header} not found"),
    )]
