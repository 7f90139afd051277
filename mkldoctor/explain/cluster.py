"""MKL's cluster components asked for by a build that is no MPI build: the link cannot find them.

``LINK : fatal error LNK1104: cannot open file 'mkl_blacs_ilp64.lib'`` (pytorch/pytorch#132095, #128195) or
``cannot find -lmkl_scalapack_lp64``: BLACS, ScaLAPACK and the cluster FFT (the layout table's role ``cluster``)
are for MPI programs, and a BLAS/LAPACK user never names them. They come from Intel's MKLConfig.cmake, which builds
its list of libraries in a variable called ``MKL_LIBRARIES`` (not an output: the 2023.2 copy leaves it set after
``find_package(MKL)``, the 2026.2 copy unsets it); a project whose own variable has that name links the list.
"""

from __future__ import annotations

from mkldoctor.explain.wording import more
from mkldoctor.knowledge import layout


def components(names: list[str]) -> list[str]:
    """The names among ``names`` (``mkl_blacs_ilp64.lib``, ``mkl_scalapack_lp64``) that are MKL's cluster libraries."""
    return [n for n in names if layout.role(n.lstrip(":")) == "cluster"]


def advice(names: list[str]) -> tuple[str, list[str], list[str], str] | None:
    """(a title's end, evidence, fix, explanation) when every library the link could not find is a cluster component."""
    cluster = components(names)
    if not cluster or len(cluster) < len(names):
        return None
    kinds = ", ".join(dict.fromkeys(lib.description.split(" for ")[0].split(",")[0] for lib in layout.of_role("cluster")))
    evidence = [f"{more(cluster, 3)}: of MKL's cluster components ({kinds}), for MPI programs; a build that calls MKL's "
                "BLAS, LAPACK or FFT never needs them",
                "Intel's MKLConfig.cmake collects the libraries it could link in a variable named MKL_LIBRARIES, which is not "
                "meant for projects (the 2023.2 copy leaves it set after find_package(MKL); the 2026.2 copy unsets it): a "
                "project's own MKL_LIBRARIES, or a copy of MKLConfig's list, then carries cluster libraries into the link"]
    fix = ["link Intel's imported target instead of a list of names: target_link_libraries(<target> PRIVATE MKL::MKL) (it "
           "carries the layers MKL_INTERFACE, MKL_THREADING and MKL_LINK chose, with their folder)",
           "or rename the project's own variable (e.g. ONEMKL_LIBRARIES) so that find_package(MKL) cannot overwrite or add "
           "to it; a workaround: configure without oneAPI's environment (setvars) so the project's own finder runs",
           "a build that does use them (ScaLAPACK over MPI): install MKL's cluster libraries and ask MKLConfig.cmake for them: "
           "-DENABLE_BLACS=ON -DENABLE_SCALAPACK=ON -DMKL_MPI=<intelmpi, openmpi, mpich...>"]
    why = ("The link asks for MKL's cluster libraries although the project uses MKL as a BLAS/LAPACK: a library list "
           "taken from MKLConfig.cmake's internal variable, not the project's choice. Adding their folder would link "
           "libraries the program does not use (and their MPI); linking what the project chose is the fix.")
    return "MKL's cluster components, which a build that is not an MPI build does not need", evidence, fix, why
