"""MKL PARDISO's error codes as a program that wraps it prints them (``PyPardisoError: The Pardiso solver failed with
error code -3``): what the code means (:mod:`mkldoctor.knowledge.pardiso`), and the releases known to produce one by
themselves (:mod:`mkldoctor.knowledge.broken`: conda-forge's mkl 2021.4 with intel-openmp 2022 on Windows, PyPardiso#36).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import ERRORISH, LISTING_MARK, NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import broken
from mkldoctor.knowledge import pardiso as codes


@dataclass(frozen=True, slots=True)
class PardisoError:
    code: int
    line: str


@dataclass(frozen=True, slots=True)
class PardisoNamed:
    """A line that names PARDISO (a program, a frame, a wrapper's call: ``self._mkl_pardiso(``, ``mkl_pardisot_single``),
    kept to read a crash in the same log as PARDISO's."""

    line: str


def _named(m: re.Match, _) -> PardisoNamed | object:
    # context only: an error line that names PARDISO is another signature's, or stays an unrecognised error, and so is
    # pip's report of a package's requirement ("pypardiso 0.4.0 requires mkl, which is not installed.": pkgstate's)
    from mkldoctor.explain.pkgstate import PIP_CONFLICT

    if ERRORISH.search(m.string) or PIP_CONFLICT.match(m.string.strip()) or LISTING_MARK.search(m.string):
        return NOT_MINE  # (a traceback's frame in pypardiso's files is the traceback's: echoes' cut-traceback reading)
    return PardisoNamed(m.string.strip()[:200])


def _msglvl_code(what: str) -> int:
    """The code PARDISO returns for the phase its msglvl report names: its error_num is an internal number, not that code
    ("(reordering_phase) error_num= -180", then "*** error PARDISO: reordering, symbolic factorization": -3)."""
    return -1 if "input" in what else -3 if "reorder" in what else 0


# the wrappers that print the reference's words instead of the code (Pardiso.jl: "ERROR: Input inconsistent.")
_WORDS = {"Input inconsistent": -1, "Reordering problem": -3, "Diagonal matrix is singular": -7,
          "Zero pivot, numerical factorization or iterative refinement problem": -4, "Not enough memory": -2}


@dataclass(frozen=True, slots=True)
class HugeAllocation:
    """macOS's malloc refusing a size ("malloc: *** mach_vm_map(size=18446744059401457664) failed (error code=3)", then
    "*** error: can't allocate region"): a size of 2^63 or more is a negative one read as unsigned."""

    size: int
    line: str


_CLUSTER = r"cluster_?(?:sparse_)?solver"  # MKL's cluster sparse solver, as programs name it (FDS's CLUSTER_SOLVER)


SIGNATURES = (
    Signature("macos-malloc-refused", "pardiso", "failed (error code", re.compile(r"mach_vm_map\(size=(?P<n>\d{1,20})\) failed"),
              lambda m, _: HugeAllocation(int(m["n"]), m.string.strip()[:300])),
    Signature("macos-malloc-region", "pardiso", "rror: can't allocate region", re.compile(r"^\*\*\* error: can't allocate region"),
              lambda m, before: FollowOn(m.string.strip()) if any("mach_vm_map" in b for b in before[-2:]) else NOT_MINE),
    # Pardiso.jl's MKLPardisoSolver() after its load of MKL failed (Pardiso.jl#83: "could not load library libgomp.so"
    # above it): that failure's echo
    Signature("pardiso-jl-mkl-not-loaded", "pardiso", "was not loaded", re.compile(r"mkl library was not loaded, unable to "
              r"create solver"), lambda m, _: FollowOn(m.string.strip()[:300])),
    Signature("pardiso-error-words", "pardiso", "ERROR: ",
              re.compile(r"^\s*ERROR: (?P<what>" + "|".join(map(re.escape, _WORDS)) + r")\.?\s*$"),
              lambda m, _: PardisoError(_WORDS[m.group("what")], m.string.strip()[:300])),
    # the words of Intel's PARDISO examples, which wrappers copy ("ERROR during symbolic factorization: -3"; SCS's
    # "Error during MKL Pardiso cleanup: -12", SCS.jl PR #255): a phase, then the code
    *(Signature(f"pardiso-error-during-{i}", "pardiso", needle,
                re.compile(r"(?i)\berror during (?:symbolic factorization|numerical factorization|solution|(?:MKL )?pardiso "
                           r"\w+|reordering|release of memory)\s*:\s*(?P<code>-\d{1,3})(?!\d)"),
                lambda m, _: PardisoError(int(m.group("code")), m.string.strip()[:300]))
      for i, needle in enumerate(("rror during", "ERROR during"))),
    # a program's report of the cluster sparse solver's code (FDS's "CLUSTER_SOLVER Sym Factor: The following ERROR was
    # detected:    -1."): PARDISO's codes, from the MPI solver
    Signature("cluster-solver-error-detected", "pardiso", "ERROR was detected",
              re.compile(rf"(?i)(?:{_CLUSTER}|pardiso)\b.*?ERROR was detected:\s*(?P<code>-\d{{1,3}})(?!\d)"),
              lambda m, _: PardisoError(int(m.group("code")), m.string.strip()[:300])),
    # MFEM's check of the cluster sparse solver's analysis ("CPardiso analyze input error", its error -1: mfem#4634)
    Signature("mfem-cpardiso-input-error", "pardiso", "ardiso", re.compile(r"\bCPardiso \w+ input error\b"),
              lambda m, _: PardisoError(-1, m.string.strip()[:300])),
    # SCS's own words after its linear-system setup failed (SCS.jl PR #255): that failure's echo
    Signature("scs-setup-failed-echo", "pardiso", "ERROR: ",
              re.compile(r"^\s*ERROR: (?:missing ScsWork, ScsSolution or ScsInfo input|init_lin_sys_work failure)"),
              lambda m, _: FollowOn(m.string.strip()[:300])),
    Signature("pardiso-error-code", "pardiso", "rror",
              # the code before the solver's name too: "The error # -4 was returned by the solver PARDISO." (SAFIR#164)
              re.compile(r"(?i)pardiso\b.*?\berror(?: code)?[ :=]*(?P<code>-\d+)\b"
                         r"|\berror(?: code)?\s*#?[ :=]*(?P<before>-\d+)\b.{0,80}?\bpardiso\b"),
              lambda m, _: PardisoError(int(c) if len(c := m["code"] or m["before"]) < 8 else 0, m.string.strip()[:300])),
    # a package that offers PARDISO only when its MKL wrapper imports (pymatsolver: simpeg#1015, pyMKL under MKL 2021)
    # MKL's own words with msglvl = 1 (produced with the pinned MKL): "*** Error in PARDISO  (incorrect input matrix  )
    # error_num= 24", then its matrix checker's "*** Input check: j=1, ja(j)=2, ja(j+1)=1 are incompatible"
    Signature("pardiso-msglvl-error", "pardiso", "rror",
              re.compile(r"^\s*\*\*\* Error in PARDISO\s*\((?P<what>[^)]*)\)\s*error_num\s*=\s*(?P<n>-?\d+)"),
              lambda m, _: PardisoError(_msglvl_code(m["what"]), re.sub(r"\s+", " ", m.string.strip())[:300])),
    Signature("pardiso-input-check", "pardiso", "ncompatible",
              re.compile(r"^\s*\*\*\* Input check: (?P<what>.+?) (?:are|is) incompatible"),
              lambda m, _: PardisoInputCheck(m["what"].strip()[:200], m.string.strip()[:300])),
    Signature("pardiso-not-importable", "pardiso", "ardiso",
              re.compile(r"cannot import name ['\"](?P<name>\w*Pardiso\w*)['\"] from ['\"](?P<pkg>[\w.]+)['\"]"),
              lambda m, _: PardisoNotImported(m.group("name"), m.group("pkg"), m.string.strip()[:300])),
    # Pardiso.jl's PardisoSolver() when the separately licensed PARDISO (Panua's) is not installed: MKL's is another type
    Signature("pardiso-jl-library-not-loaded", "pardiso", "ardiso",
              re.compile(r"ERROR: pardiso library was not loaded"), lambda m, _: PanuaNotLoaded(m.string.strip()[:200])),
    Signature("pardiso-named", "pardiso", "ardiso", re.compile(r"(?i)pardiso"), _named),
)


@dataclass(frozen=True, slots=True)
class PanuaNotLoaded:
    line: str


def _panua(event: PanuaNotLoaded) -> Finding:
    """Julia Discourse 81392: PardisoSolver() is the Panua PARDISO library's solver; MKLPardisoSolver() is MKL's."""
    return Finding(
        "pardiso-jl-panua-not-loaded", "error",
        "Pardiso.jl's PardisoSolver() needs the separately licensed PARDISO library (Panua's), which is not installed: "
        "MKL's PARDISO is MKLPardisoSolver()",
        (event.line, "Pardiso.jl wraps two solvers of one name: MKL's PARDISO, which it loads from MKL_jll (MKLPardisoSolver), "
                     "and the PARDISO project's own library, distributed by Panua under its own license (PardisoSolver), "
                     "which Pardiso.jl loads only where that library is installed and found"),
        ("use MKL's: ps = MKLPardisoSolver() (the same solve!, set_matrixtype!, set_iparm! calls)",
         "or, where Panua's PARDISO is wanted: unpack it, point Pardiso.jl at its lib folder and the license at its folder "
         "(ENV[\"JULIA_PARDISO\"] = \"<panua-pardiso-yyyymmdd-os>/lib\", ENV[\"PARDISO_LIC_PATH\"], as Pardiso.jl's README "
         "says), then ] build Pardiso"),
        "Pardiso.jl offers MKL's PARDISO and the PARDISO project's library as two types; only MKL's comes with the package.",
        ("julia -e 'using Pardiso; ps = MKLPardisoSolver(); println(ps)'   # MKL's solver loads",),
    )


@dataclass(frozen=True, slots=True)
class PardisoInputCheck:
    """PARDISO's matrix checker naming the entries it rejected: ``j=1, ja(j)=2, ja(j+1)=1`` (a row's columns out of order),
    ``i=2, ia(i)=7, ia(i+1)=4`` (row pointers that go back or past the end)."""

    what: str
    line: str


def _input_check(check: PardisoInputCheck) -> tuple[str, str]:
    """(evidence, fix) for the entries PARDISO's checker rejected."""
    if "ja(" in check.what:
        return (f"PARDISO's matrix checker: {check.what}: the column indices of a row are not in increasing order (or one "
                "repeats): PARDISO needs each row's columns sorted, each once",
                "sort each row's column indices and merge duplicates before the call (SciPy: A.sort_indices(); "
                "A.sum_duplicates(); a matrix built from COO or by slicing may be unsorted)")
    if "ia(" in check.what or "ia[" in check.what:  # Fortran's ia(i), C's ia[neqns]: the last row pointer, read again
        return (f"PARDISO's matrix checker: {check.what}: the row pointers go back or past the end: ia must not decrease "
                "and ia(n+1) - ia(1) is the number of entries"
                + ("; a last row pointer of -1, or one that changed between the phases, means arrays that are not PARDISO's "
                   "CSR (ia and ja swapped, an array freed or rebuilt between the phases)" if "_new" in check.what else ""),
                "check ia: n+1 entries, non-decreasing, ia(n+1) - ia(1) = nnz; ia and ja not swapped (ia: the n+1 row "
                "pointers; ja: the nnz column indices, increasing within each row); and the indexing, iparm(35) = 1 for "
                "zero-based arrays (C, Python), 0 for one-based (Fortran); iparm(27) = 1 turns PARDISO's matrix checker on "
                "from the first phase")
    return f"PARDISO's matrix checker: {check.what}", "check the CSR arrays (ia, ja, a) against the matrix type and size given"


@dataclass(frozen=True, slots=True)
class PardisoNotImported:
    name: str
    package: str
    line: str


def _not_imported(event: PardisoNotImported) -> Finding:
    return Finding(
        "pardiso-wrapper-missing", "error", f"{event.package} has no {event.name}: its wrapper of MKL's PARDISO did not load",
        (event.line,
         f"{event.package} defines {event.name} only when the module that wraps MKL's PARDISO imports (pymatsolver: pyMKL "
         "in its older releases, pydiso in newer ones), and says nothing of why it did not: the wrapper's own import says "
         "it; pyMKL opens MKL's runtime by its unversioned name (mkl_rt.dll, libmkl_rt.so, libmkl_rt.dylib: its loadMKL.py), "
         "which MKL 2021 and newer on Windows do not have (mkl_rt.1.dll, mkl_rt.2.dll): simpeg#1015 met it under MKL 2021"),
        (f"import the wrapper alone to see its error: python -c \"import pyMKL\" (or import pydiso), in the same environment",
         "an MKL the wrapper can open: the release it was made for (conda install mkl=2020.4 for pyMKL, simpeg#1015's fix), "
         f"or a {event.package} release whose wrapper opens today's MKL; one channel per environment (a mix of conda-forge "
         "and defaults brought that MKL 2021)"),
        "A package that offers an MKL solver only when its wrapper imports turns the wrapper's failure into a missing name.",
        ("conda list 'mkl|pymkl|pydiso'   # the MKL release and the wrapper beside it",),
    )


def crashed(events: Parsed, crash_line: str) -> Finding:
    """A crash, an access violation or a corrupted heap in a log that names PARDISO: arrays that PARDISO reads otherwise
    than the caller wrote them (GALAHAD#121: single precision undone by iparm(1)=0; PyPardiso#77: 64-bit indices)."""
    named = [e.line for e in events.of(PardisoNamed)]
    text = "\n".join(named + [crash_line])
    single = re.search(r"(?i)single|float32|\bsp\b|iparm\W*(?:28|\[27\])", text) is not None
    width = ("the index arrays' integer width: MKL's pardiso reads ia, ja and perm as MKL_INT, 32-bit with the LP64 interface "
             "(pardiso_64 takes 64-bit ones); 64-bit arrays (numpy's int64, SciPy's sparse arrays' indices) are read as "
             "pairs of 32-bit values, past their end: convert them (ia.astype(np.int32)) or call pardiso_64")
    precision = ("the precision: iparm(28) = 1 (iparm[27] from C) makes PARDISO read single-precision (float) values, but "
                 "iparm(1) = 0 sets every iparm to its default, iparm(28) = 0 (double) among them: float arrays are then "
                 "read as double, past their end (NaN, a corrupted heap); set iparm(1) = 1 with iparm(28) = 1, or pass double "
                 "arrays")
    causes = [precision, width] if single else [width, precision]
    title = ("the program crashed in a run of MKL PARDISO: most often arrays PARDISO reads with another type or size than "
             "the caller gave (the index width, the precision)")
    if any("_mkl_pardiso" in line or "pypardiso" in line.lower() for line in named):
        # PyPardiso converts a sparse matrix's arrays itself: its crashes are then the libraries' (PyPardiso#36); a SciPy
        # sparse array's int64 indices went through unchanged before its PR #79 (PyPardiso#77)
        releases = [f"{r.what} ({r.source})" for r in broken.RELEASES if r.symptom == "mkl-pardiso-error"]
        libraries = ("PyPardiso converts a SciPy sparse matrix's arrays itself (32-bit indices, float64 values; its releases "
                     "before PR #79 passed a sparse array's (csr_array's) 64-bit indices unchanged), so with a "
                     "sparse matrix a crash in its call points at MKL's libraries: an Intel OpenMP runtime of another release than mkl (" + "; ".join(releases)
                     + "): conda list 'mkl|intel-openmp' and install the two of one release (conda install "
                     "\"intel-openmp=2021.*\" beside mkl 2021.4)")
        # the same access violation had both causes (PyPardiso#77: a csr_array; #36: intel-openmp 2022 beside mkl 2021.4),
        # and a log of it shows neither: both are said, the arrays first
        causes.insert(1, libraries)
        title += ", or MKL and Intel's OpenMP runtime of two releases"
    return Finding(
        "mkl-pardiso-arrays", "error", title,
        (crash_line[:200], *(f"the log names PARDISO: {line}" for line in named[:2])),
        (*causes,
         "the indexing: iparm(35) = 1 for zero-based ia/ja (C, Python), 0 for one-based (Fortran); a mismatch reads out of "
         "bounds",
         "msglvl = 1 and MKL_VERBOSE=1 print PARDISO's phases and the parameters it was given"),
        "PARDISO takes its arrays as raw pointers: the integer width comes from the interface (pardiso or pardiso_64) and the "
        "value type from iparm, not from the arrays. A mismatch reads or writes past them: a crash, NaN, or a heap that "
        "glibc finds corrupted later.",
        ("python -c \"import numpy as np; print(A.indptr.dtype, A.indices.dtype, A.dtype)\"   # a SciPy matrix's index and value types",),
    )


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PardisoError)
    if not said:
        return [_not_imported(e) for e in events.of(PardisoNotImported)[:1]] + [_panua(e) for e in events.of(PanuaNotLoaded)[:1]]
    first = said[0]
    named = [e.line for e in events.of(PardisoNamed)]
    checks = events.of(PardisoInputCheck)
    meaning = codes.ERRORS.get(first.code) or (
        "its input check refused the matrix's CSR arrays" if checks and "error_num" in first.line else
        "its own report (msglvl) names a phase, not the code it returned" if "error_num" in first.line else
        "its code is none MKL's reference lists")
    windows = "\\" in " ".join(p[1] if isinstance(p, tuple) else str(p) for p in events.places) or "Windows" in first.line
    known = [r for r in broken.RELEASES if r.symptom == "mkl-pardiso-error" and (windows or r.platform != "windows")]
    evidence = [first.line, f"PARDISO's error {first.code}: {meaning}" if first.code else f"PARDISO: {meaning}"]
    fix = []
    if checks:  # its matrix checker named the entries: that is the cause, before any the code alone could mean
        said_check, check_fix = _input_check(checks[0])
        evidence.insert(1, said_check)
        fix.append(check_fix)
    if first.code in codes.INTERNAL:
        evidence.append("this code says nothing of the matrix: the solver's own steps failed, where MKL's libraries (a "
                        "threading layer with an OpenMP runtime of another release) are a cause to rule out first")
        fix += [f"a release known to do it: if {r.check} says {r.release} ({r.what}; {r.source}): conda install "
                f"\"intel-openmp=2021.*\" beside mkl 2021.4, or mkl and intel-openmp of one release from one channel"
                for r in known]
        fix.append("keep MKL and Intel's OpenMP runtime of one release: conda list 'mkl|intel-openmp' shows both; "
                   "conda install mkl=<X> intel-openmp=<X>")
    cluster = re.search(rf"(?i){_CLUSTER}|\bCPardiso\b", first.line) is not None
    if first.code == -1 and cluster:  # fds#11609: a process with no rows of the distributed matrix
        evidence.append("MKL's cluster sparse solver (PARDISO over MPI) takes a distributed matrix as each process's own "
                        "range of rows (iparm(41) to iparm(42)): a process whose range is empty, or ranges that do not "
                        "cover the matrix, are inconsistent input (fds#11609: a process whose mesh was all obstructions "
                        "owned no rows, and the symbolic factorization stopped so; it ran in serial; MFEM's CPardisoSolver "
                        "gave such a rank a range that ends before it starts, mfem#4634, fixed by its PR #4651)")
        fix.append("give every MPI process at least one row of the distributed matrix, or gather the matrix on fewer "
                   "processes (FDS: no mesh made of obstructions alone, or SOLVER='ULMAT'; MFEM: a release with PR #4651)")
    if first.code == -1 and not checks and not cluster:
        julia = sorted((line for line in named if re.search(r"\.jl\b|Int32|Int64", line)), key=lambda line: "Int" not in line)
        evidence.append("the integer width is the first thing -1 can be: libmkl_rt's pardiso reads ia, ja, perm and iparm as "
                        "64-bit integers when its interface is ILP64 (Julia's MKL.jl makes libmkl_rt ILP64 for "
                        "Julia's own BLAS), so 32-bit arrays are read as garbage sizes"
                        + (f"; the log shows the call's types: {julia[0][:160]}" if julia else ""))
        fix.append("give PARDISO integers of the interface's width: with an ILP64 MKL (Julia's, or MKL_INTERFACE_LAYER=ILP64) "
                   "call pardiso_64 with 64-bit arrays, with LP64 pardiso with 32-bit ones; Pardiso.jl's releases since "
                   "February 2020 (its PR #65) choose by Julia's BLAS (update it: ] up Pardiso)")
    # MKL's own msglvl report, or Julia's wrapper: Pardiso.jl#88, where MKLSparse had set libmkl_rt's interface to ILP64
    if first.code == -3 and not checks and ("error_num" in first.line or any(".jl" in line for line in named)):
        evidence.append("an integer width the solver did not expect is a cause to rule out: 32-bit ia and ja read as 64-bit "
                        "ones (or the reverse) give the reordering garbage; libmkl_rt's interface is the one set first in the "
                        "process (MKL_Set_Interface_Layer, MKL_INTERFACE_LAYER), and a later setting has no effect")
        fix.append("give PARDISO integers of the interface's width: a library loaded before it may have set libmkl_rt's "
                   "interface to ILP64 (Julia's MKLSparse calls MKL_Set_Interface_Layer(1) when it loads, Pardiso.jl#88): "
                   "load the PARDISO wrapper first, or call pardiso_64 with 64-bit arrays")
    if first.code in (-1, -4, -7):
        fix.append("check the matrix and the matrix type (mtype) given: structurally symmetric types need the full diagonal, "
                   "and a singular or badly scaled matrix fails the factorization")
    if first.code == -4:  # CompMajor#3: a Hessian only positive semidefinite, given as type 2
        fix.append("a matrix given as symmetric positive definite (mtype 2, or 4 for complex Hermitian) that is only "
                   "semidefinite or indefinite meets a zero pivot: give it as symmetric indefinite (mtype -2; -4 for "
                   "Hermitian), which pivots")
    huge = next((e for e in events.of(HugeAllocation) if e.size >= 1 << 63), None) if first.code == -2 else None
    if huge is not None:  # Pardiso.jl#28: macOS's malloc asked for 18446744059401457664 bytes
        evidence.append(f"the allocation that failed asked for {huge.size} bytes, more than 2^63: a negative size read as "
                        "unsigned, so no amount of memory would do: PARDISO computed it from integers of another width "
                        "than its caller gave (ia, ja and n as 64-bit integers to the 32-bit pardiso, or the reverse), or "
                        "from arrays that are not the matrix's CSR")
        fix.append("give PARDISO integers of the interface's width (pardiso: 32-bit, MKL_INT of LP64; pardiso_64: 64-bit) "
                   "and the matrix's own CSR arrays")
    if first.code in (-2, -9) and huge is None:
        fix.append("give it more memory, or the out-of-core mode (iparm[59])")
    if first.code == -8:
        fix.append("use pardiso_64 (64-bit integers) for a matrix this large")
    if first.code == -12:  # SCS.jl PR #255: MKL_jll's PARDISO on 32-bit x86 Linux
        evidence.append("pardiso_64 (64-bit integers: an ILP64 MKL, or a wrapper built for it) exists for 64-bit programs "
                        "only: a 32-bit (x86, i686) build or MKL library reached it")
        fix.insert(0, "run the MKL PARDISO solver from a 64-bit (x86-64) build with a 64-bit MKL; on 32-bit x86 call pardiso "
                      "(32-bit integers) or use another solver (SCS.jl PR #255 loads its MKL solver on 64-bit Linux only)")
    fix.append("MKL_VERBOSE=1 and msglvl=1 (PyPardiso: set_statistical_info_on()) print PARDISO's own report of the phases")
    return [Finding(
        "mkl-pardiso-error", "error", f"MKL {'cluster sparse solver' if cluster else 'PARDISO'} failed with error "
        f"{first.code}: {meaning}" if first.code else
        f"MKL PARDISO failed: {meaning}", tuple(evidence), tuple(fix),
        "PARDISO returns a negative error code for each kind of failure; the codes for the solver's own steps (reordering, "
        "internal errors) point at the libraries, the others at the matrix or the memory given.",
        ("conda list 'mkl|intel-openmp'   # or: pip show mkl intel-openmp: the two releases",),
    )]
