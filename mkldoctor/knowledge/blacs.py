"""MKL's BLACS layers: its cluster functions (ScaLAPACK, cluster PARDISO, the cluster FFT) reach MPI through a layer built
for one MPI's ABI, one library per ABI (``libmkl_blacs_<layer>_lp64``, ``_ilp64``; the Link Line Advisor's choice of
MPI). Intel MPI and MPICH (and MPICH's kin, MVAPICH) share an ABI and a layer; Open MPI has its own; SGI MPT its own.
The layers that exist are the table's (``libmkl_blacs_intelmpi``, ``_openmpi``, ``_sgimpt`` in every release of it)."""

from __future__ import annotations

import re

# the layer's word in its library's name, and the MPIs it serves
LAYERS = {"intelmpi": "Intel MPI (or MPICH)", "openmpi": "Open MPI", "sgimpt": "SGI MPT"}


def per_mpi(prefix: str = "lib", width: str = "lp64") -> str:
    """The sentence a fix gives: which layer for which MPI (the two most met; SGI MPT is a cluster vendor's), each layer
    spelled as a library (``lib``) or as the link line's flag (``-l``), of one integer width (``lp64``, ``ilp64``, or
    ``*`` for either)."""
    return (f"{prefix}mkl_blacs_intelmpi_{width} for Intel MPI and MPICH, {prefix}mkl_blacs_openmpi_{width} for "
            "Open MPI")


PER_MPI = per_mpi()

_LAYER = re.compile(r"mkl_blacs_(intelmpi|openmpi|sgimpt)")
# an MPI as a library's name or path spells it (Intel MPI's folder is impi)
_MPI_WORDS = (("openmpi", "Open MPI"), ("intelmpi", "Intel MPI"), ("impi", "Intel MPI"), ("mvapich", "MVAPICH"),
              ("mpich", "MPICH"), ("sgimpt", "SGI MPT"))


def layer(name: str) -> str | None:
    """The layer a BLACS library's name is for: ``libmkl_blacs_openmpi_lp64.so`` gives ``openmpi``."""
    found = _LAYER.search(name)
    return found.group(1) if found else None


def serves(name: str) -> str:
    """The MPIs a BLACS library (or a layer's word) serves, in words."""
    return LAYERS.get(layer(name) or name, name)


def layer_for(mpi: str) -> str:
    """The layer for an MPI named in words (``Open MPI``, ``MPICH``, ``Intel MPI or MPICH``)."""
    low = mpi.lower()
    return "openmpi" if "open" in low else "sgimpt" if "sgi" in low else "intelmpi"


def mpi_named(text: str) -> str | None:
    """The MPI a library's name or path points at (``libblacsCinit-openmpi.so.1``: Open MPI), or None."""
    low = text.lower()
    return next((name for word, name in _MPI_WORDS if word in low), None)
