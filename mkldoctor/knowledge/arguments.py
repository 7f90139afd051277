"""The argument lists of the BLAS, LAPACK and ScaLAPACK routines that fail most often, from their reference
interfaces (Netlib's BLAS, LAPACK and ScaLAPACK, which MKL implements with the same argument order).

``Intel MKL ERROR: Parameter 8 was incorrect on entry to DGEMM`` numbers the argument from 1, as LAPACK's
``INFO = -8`` does: DGEMM's 8th is LDA, an integer. What kind of argument it is tells the likely cause: an
integer read with the wrong size (ILP64 and LP64 mixed, or another MKL found first), a matrix holding NaN
(MKL's LAPACK drivers check their input), a workspace smaller than this MKL needs, or an option letter.
"""

from __future__ import annotations

import re

# kinds of argument: "int" a size, leading dimension, increment or index; "array" a matrix or vector of numbers;
# "work" a workspace length; "char" an option letter; "scalar" a number; "ints" an integer array (pivots)
_KIND = {
    **dict.fromkeys(("M", "N", "K", "NRHS", "LDA", "LDB", "LDC", "LDU", "LDVT", "LDZ", "LDVL", "LDVR", "INCX", "INCY",
                     "ITYPE", "IL", "IU", "IA", "JA", "IB", "JB", "IC", "JC", "IQ", "JQ", "IZ", "JZ", "RANK", "ILO", "IHI",
                     "KL", "KU", "KD", "LDAB", "LDH", "LDT", "LDQ", "LDVS", "LDX", "LDY", "INCW", "NB", "K1", "K2"), "int"),
    **dict.fromkeys(("A", "B", "C", "X", "Y", "W", "S", "U", "VT", "Z", "D", "E", "Q", "TAU", "WR", "WI", "VL", "VR",
                     "SCALE", "AB", "H", "T", "DL", "DU", "AP", "ALPHAR", "ALPHAI", "VS", "TAUQ", "TAUP"), "array"),
    **dict.fromkeys(("LWORK", "LIWORK", "LRWORK"), "work"),
    **dict.fromkeys(("WORK", "IWORK", "RWORK"), "workspace"),
    **dict.fromkeys(("TRANS", "TRANSA", "TRANSB", "UPLO", "SIDE", "DIAG", "JOBZ", "JOBU", "JOBVT", "JOBVL", "JOBVR", "RANGE",
                     "COMPZ", "JOB", "JOBVS", "SORT", "NORM", "VECT", "COMPQ"), "char"),
    **dict.fromkeys(("ALPHA", "BETA", "VU", "ABSTOL", "RCOND", "ANORM"), "scalar"),
    **dict.fromkeys(("DESCA", "DESCB", "DESCC", "DESCZ", "DESCQ", "DESCU", "DESCVT"), "descriptor"),
    # a scaling factor LAPACK's drivers compute from the input (its norm): NaN or zero there is NaN or Inf in the input
    **dict.fromkeys(("CFROM", "CTO"), "scale"),
    **dict.fromkeys(("IPIV", "JPVT", "ISUPPZ"), "ints"),
}

# routine (without its s/d/c/z precision letter) -> its arguments, in order
ROUTINES: dict[str, tuple[str, ...]] = {
    "GEMM": ("TRANSA", "TRANSB", "M", "N", "K", "ALPHA", "A", "LDA", "B", "LDB", "BETA", "C", "LDC"),
    "GEMV": ("TRANS", "M", "N", "ALPHA", "A", "LDA", "X", "INCX", "BETA", "Y", "INCY"),
    "SYRK": ("UPLO", "TRANS", "N", "K", "ALPHA", "A", "LDA", "BETA", "C", "LDC"),
    "HERK": ("UPLO", "TRANS", "N", "K", "ALPHA", "A", "LDA", "BETA", "C", "LDC"),
    "SYMM": ("SIDE", "UPLO", "M", "N", "ALPHA", "A", "LDA", "B", "LDB", "BETA", "C", "LDC"),
    "TRSM": ("SIDE", "UPLO", "TRANSA", "DIAG", "M", "N", "ALPHA", "A", "LDA", "B", "LDB"),
    "TRMM": ("SIDE", "UPLO", "TRANSA", "DIAG", "M", "N", "ALPHA", "A", "LDA", "B", "LDB"),
    "AXPY": ("N", "ALPHA", "X", "INCX", "Y", "INCY"),
    "GESV": ("N", "NRHS", "A", "LDA", "IPIV", "B", "LDB", "INFO"),
    "GETRF": ("M", "N", "A", "LDA", "IPIV", "INFO"),
    "GETRI": ("N", "A", "LDA", "IPIV", "WORK", "LWORK", "INFO"),
    "GETRS": ("TRANS", "N", "NRHS", "A", "LDA", "IPIV", "B", "LDB", "INFO"),
    "POTRF": ("UPLO", "N", "A", "LDA", "INFO"),
    "GEQRF": ("M", "N", "A", "LDA", "TAU", "WORK", "LWORK", "INFO"),
    "SYEV": ("JOBZ", "UPLO", "N", "A", "LDA", "W", "WORK", "LWORK", "INFO"),
    "SYEVD": ("JOBZ", "UPLO", "N", "A", "LDA", "W", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "SYGV": ("ITYPE", "JOBZ", "UPLO", "N", "A", "LDA", "B", "LDB", "W", "WORK", "LWORK", "INFO"),
    "SYGVD": ("ITYPE", "JOBZ", "UPLO", "N", "A", "LDA", "B", "LDB", "W", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "GESVD": ("JOBU", "JOBVT", "M", "N", "A", "LDA", "S", "U", "LDU", "VT", "LDVT", "WORK", "LWORK", "INFO"),
    "GESDD": ("JOBZ", "M", "N", "A", "LDA", "S", "U", "LDU", "VT", "LDVT", "WORK", "LWORK", "IWORK", "INFO"),
    "GELSD": ("M", "N", "NRHS", "A", "LDA", "B", "LDB", "S", "RCOND", "RANK", "WORK", "LWORK", "IWORK", "INFO"),
    "GELSS": ("M", "N", "NRHS", "A", "LDA", "B", "LDB", "S", "RCOND", "RANK", "WORK", "LWORK", "INFO"),
    "GELS": ("TRANS", "M", "N", "NRHS", "A", "LDA", "B", "LDB", "WORK", "LWORK", "INFO"),
    "GELSY": ("M", "N", "NRHS", "A", "LDA", "B", "LDB", "JPVT", "RCOND", "RANK", "WORK", "LWORK", "INFO"),
    "POSV": ("UPLO", "N", "NRHS", "A", "LDA", "B", "LDB", "INFO"),
    "POTRS": ("UPLO", "N", "NRHS", "A", "LDA", "B", "LDB", "INFO"),
    "POTRI": ("UPLO", "N", "A", "LDA", "INFO"),
    "SYSV": ("UPLO", "N", "NRHS", "A", "LDA", "IPIV", "B", "LDB", "WORK", "LWORK", "INFO"),
    "GEQP3": ("M", "N", "A", "LDA", "JPVT", "TAU", "WORK", "LWORK", "INFO"),
    "ORGQR": ("M", "N", "K", "A", "LDA", "TAU", "WORK", "LWORK", "INFO"),
    "TRTRS": ("UPLO", "TRANS", "DIAG", "N", "NRHS", "A", "LDA", "B", "LDB", "INFO"),
    "HEEV": ("JOBZ", "UPLO", "N", "A", "LDA", "W", "WORK", "LWORK", "RWORK", "INFO"),
    "GEEV": ("JOBVL", "JOBVR", "N", "A", "LDA", "WR", "WI", "VL", "LDVL", "VR", "LDVR", "WORK", "LWORK", "INFO"),
    # what GEEV, GEES and numpy/scipy/torch's eig call on the way: balancing, Hessenberg reduction, the QR iteration
    "GEBAL": ("JOB", "N", "A", "LDA", "ILO", "IHI", "SCALE", "INFO"),
    "GEHRD": ("N", "ILO", "IHI", "A", "LDA", "TAU", "WORK", "LWORK", "INFO"),
    "HSEQR": ("JOB", "COMPZ", "N", "ILO", "IHI", "H", "LDH", "WR", "WI", "Z", "LDZ", "WORK", "LWORK", "INFO"),
    "GEES": ("JOBVS", "SORT", "SELECT", "N", "A", "LDA", "SDIM", "WR", "WI", "VS", "LDVS", "WORK", "LWORK", "BWORK", "INFO"),
    "SYEVR": ("JOBZ", "RANGE", "UPLO", "N", "A", "LDA", "VL", "VU", "IL", "IU", "ABSTOL", "M", "W", "Z", "LDZ", "ISUPPZ", "WORK",
              "LWORK", "IWORK", "LIWORK", "INFO"),
    "HEEVD": ("JOBZ", "UPLO", "N", "A", "LDA", "W", "WORK", "LWORK", "RWORK", "LRWORK", "IWORK", "LIWORK", "INFO"),
    "SYTRF": ("UPLO", "N", "A", "LDA", "IPIV", "WORK", "LWORK", "INFO"),
    # banded and tridiagonal eigensolvers (scipy.linalg.eig_banded, eigh_tridiagonal): divide and conquer's large workspace
    "SBEV": ("JOBZ", "UPLO", "N", "KD", "AB", "LDAB", "W", "Z", "LDZ", "WORK", "INFO"),
    "SBEVD": ("JOBZ", "UPLO", "N", "KD", "AB", "LDAB", "W", "Z", "LDZ", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "HBEVD": ("JOBZ", "UPLO", "N", "KD", "AB", "LDAB", "W", "Z", "LDZ", "WORK", "LWORK", "RWORK", "LRWORK", "IWORK", "LIWORK",
              "INFO"),
    "STEDC": ("COMPZ", "N", "D", "E", "Z", "LDZ", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "STEVD": ("JOBZ", "N", "D", "E", "Z", "LDZ", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "GBSV": ("N", "KL", "KU", "NRHS", "AB", "LDAB", "IPIV", "B", "LDB", "INFO"),
    "GTSV": ("N", "NRHS", "DL", "D", "DU", "B", "LDB", "INFO"),
    "GGEV": ("JOBVL", "JOBVR", "N", "A", "LDA", "B", "LDB", "ALPHAR", "ALPHAI", "BETA", "VL", "LDVL", "VR", "LDVR", "WORK", "LWORK",
             "INFO"),
    "TRTRI": ("UPLO", "DIAG", "N", "A", "LDA", "INFO"),
    "GECON": ("NORM", "N", "A", "LDA", "ANORM", "RCOND", "WORK", "IWORK", "INFO"),
    "GELQF": ("M", "N", "A", "LDA", "TAU", "WORK", "LWORK", "INFO"),
    "ORMQR": ("SIDE", "TRANS", "M", "N", "K", "A", "LDA", "TAU", "C", "LDC", "WORK", "LWORK", "INFO"),
    "GEBRD": ("M", "N", "A", "LDA", "D", "E", "TAUQ", "TAUP", "WORK", "LWORK", "INFO"),
    "LASWP": ("N", "A", "LDA", "K1", "K2", "IPIV", "INCX", "INFO"),
    # level 1 and 2 BLAS
    "SCAL": ("N", "ALPHA", "X", "INCX"),
    "DOT": ("N", "X", "INCX", "Y", "INCY"),
    "COPY": ("N", "X", "INCX", "Y", "INCY"),
    "NRM2": ("N", "X", "INCX"),
    "GER": ("M", "N", "ALPHA", "X", "INCX", "Y", "INCY", "A", "LDA"),
    "SYMV": ("UPLO", "N", "ALPHA", "A", "LDA", "X", "INCX", "BETA", "Y", "INCY"),
    "TRSV": ("UPLO", "TRANS", "DIAG", "N", "A", "LDA", "X", "INCX"),
    "TRMV": ("UPLO", "TRANS", "DIAG", "N", "A", "LDA", "X", "INCX"),
    # ScaLAPACK (its routines start with P: PDSTEDC)
    "STEDC@P": ("COMPZ", "N", "D", "E", "Q", "IQ", "JQ", "DESCQ", "WORK", "LWORK", "IWORK", "LIWORK", "INFO"),
    "SYEVD@P": ("JOBZ", "UPLO", "N", "A", "IA", "JA", "DESCA", "W", "Z", "IZ", "JZ", "DESCZ", "WORK", "LWORK", "IWORK",
                "LIWORK", "INFO"),
    # the scaling step of the least-squares and SVD drivers (?GELSD, ?GESDD, ?GELSS): its check rejects a NaN norm
    "LASCL": ("TYPE", "KL", "KU", "CFROM", "CTO", "M", "N", "A", "LDA", "INFO"),
    "GEMM@P": ("TRANSA", "TRANSB", "M", "N", "K", "ALPHA", "A", "IA", "JA", "DESCA", "B", "IB", "JB", "DESCB", "BETA", "C",
               "IC", "JC", "DESCC"),
    "GETRF@P": ("M", "N", "A", "IA", "JA", "DESCA", "IPIV", "INFO"),
    "GETRS@P": ("TRANS", "N", "NRHS", "A", "IA", "JA", "DESCA", "IPIV", "B", "IB", "JB", "DESCB", "INFO"),
    "GESV@P": ("N", "NRHS", "A", "IA", "JA", "DESCA", "IPIV", "B", "IB", "JB", "DESCB", "INFO"),
    "POTRF@P": ("UPLO", "N", "A", "IA", "JA", "DESCA", "INFO"),
    "POTRS@P": ("UPLO", "N", "NRHS", "A", "IA", "JA", "DESCA", "B", "IB", "JB", "DESCB", "INFO"),
    "SYEV@P": ("JOBZ", "UPLO", "N", "A", "IA", "JA", "DESCA", "W", "Z", "IZ", "JZ", "DESCZ", "WORK", "LWORK", "INFO"),
    "GESVD@P": ("JOBU", "JOBVT", "M", "N", "A", "IA", "JA", "DESCA", "S", "U", "IU", "JU", "DESCU", "VT", "IVT", "JVT",
                "DESCVT", "WORK", "LWORK", "INFO"),
}
# a ScaLAPACK array descriptor's entries (descinit's order); PXERBLA names entry J of argument I as "parameter I*100+J"
DESCRIPTOR = ("DTYPE", "CTXT", "M", "N", "MB", "NB", "RSRC", "CSRC", "LLD")


# MKL's random number generators (VS): v<s|d|i>Rng<Distribution>(method, stream, n, r, then the distribution's own
# parameters), each parameter with the domain MKL's Vector Statistics reference gives it
RNG_PARAMETERS: dict[str, tuple[tuple[str, str], ...]] = {
    "GEOMETRIC": (("P", "0 < p < 1"),),
    "BERNOULLI": (("P", "0 <= p <= 1"),),
    "BINOMIAL": (("NTRIAL", "ntrial >= 0"), ("P", "0 <= p <= 1")),
    "NEGBINOMIAL": (("A", "a > 0"), ("P", "0 < p < 1")),
    "POISSON": (("LAMBDA", "lambda > 0"),),
    "UNIFORM": (("A", "a < b"), ("B", "a < b")),
    "GAUSSIAN": (("A", "any"), ("SIGMA", "sigma > 0")),
    "EXPONENTIAL": (("A", "any"), ("BETA", "beta > 0")),
    "GAMMA": (("ALPHA", "alpha > 0"), ("A", "any"), ("BETA", "beta > 0")),
    "BETA": (("P", "p > 0"), ("Q", "q > 0"), ("A", "any"), ("BETA", "beta > 0")),
}
_RNG = re.compile(r"V[SDI]RNG(?P<dist>[A-Z]+)")


def rng_domain(routine: str, name: str) -> str | None:
    """The domain of parameter ``name`` of one of MKL's random number generators (``viRngGeometric``'s ``P``)."""
    match = _RNG.fullmatch(routine.strip().upper())
    return dict(RNG_PARAMETERS.get(match.group("dist"), ())).get(name) if match else None


def argument(routine: str, number: int) -> tuple[str, str] | None:
    """(name, kind) of argument ``number`` (from 1) of ``routine`` (``DGEMM``, ``cblas_dgemm``, ``LAPACKE_dgetrf_work``,
    ``PDSTEDC``), or None."""
    name = routine.strip().upper()
    rng = _RNG.fullmatch(name)
    if rng and rng.group("dist") in RNG_PARAMETERS:
        names = ("METHOD", "STREAM", "N", "R", *(n for n, _ in RNG_PARAMETERS[rng.group("dist")]))
        return (names[number - 1], "int" if number == 3 else "distribution" if number > 4 else "other") \
            if 1 <= number <= len(names) else None
    names = None
    cblas = name.startswith("CBLAS_")
    if cblas:
        name = name[len("CBLAS_"):]
    lapacke = name.startswith("LAPACKE_")  # the C interface: the layout first, no INFO, and no workspace but in _work
    if lapacke:
        name, work = re.subn(r"_WORK$", "", name[len("LAPACKE_"):])
    match = re.fullmatch(r"(?P<p>P?)[SDCZ](?P<base>[A-Z][A-Z0-9]*)_?", name)
    if match:  # a ScaLAPACK routine (P...) has its own list (global indices and descriptors), never LAPACK's
        base = match.group("base")
        names = ROUTINES.get(f"{base}@P") if match.group("p") else ROUTINES.get(base)
    if names is None:
        return None
    if match and match.group("p") and number > 100:  # an entry of a descriptor argument: 602 is DESCA(2), its CTXT
        desc, entry = divmod(number, 100)
        if desc <= len(names) and names[desc - 1].startswith("DESC") and 1 <= entry <= len(DESCRIPTOR):
            return f"{names[desc - 1]}({entry}), its {DESCRIPTOR[entry - 1]}", "descriptor"
        return None
    if cblas:  # CBLAS puts the layout (row or column major) first and drops nothing else for these routines
        names = ("LAYOUT",) + names
    if lapacke:
        names = ("LAYOUT",) + tuple(n for n in names if n != "INFO" and (work or _KIND.get(n) not in ("work", "workspace")))
    if not 1 <= number <= len(names):
        return None
    arg = names[number - 1]
    return arg, _KIND.get(arg, "layout" if arg == "LAYOUT" else "other")
