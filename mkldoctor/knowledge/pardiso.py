"""MKL PARDISO's error codes (the ``error`` argument of ``pardiso``; oneMKL Developer Reference, "pardiso"), as programs
that wrap it print them: PyPardiso's ``The Pardiso solver failed with error code -3``, MKL's own ``ERROR during ...``."""

from __future__ import annotations

ERRORS = {
    -1: "input inconsistent (the matrix type, the arrays' sizes or the phase do not fit each other)",
    -2: "not enough memory",
    -3: "reordering problem",
    -4: "zero pivot, numerical factorization or iterative refinement problem",
    -5: "unclassified (internal) error",
    -6: "reordering failed (matrix types 11 and 13 only)",
    -7: "diagonal matrix is singular",
    -8: "32-bit integer overflow problem (the matrix is too large for the 32-bit interface: use pardiso_64 or ILP64)",
    -9: "not enough memory for the out-of-core mode",
    -10: "error opening the out-of-core files",
    -11: "read/write error with the out-of-core files",
    -12: "pardiso_64 called from a 32-bit library",
    -13: "interrupted by the mkl_progress function",
    -15: "internal error (iparm[23]=10 with iparm[12]=1)",
}
# the codes that say nothing of the matrix: the solver's own machinery failed, where MKL's libraries can be the cause
INTERNAL = frozenset((-3, -5, -6, -15))
