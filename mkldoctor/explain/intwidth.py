"""A compile error where code passes integers of another type than MKL's interface takes.

MKL's headers make ``MKL_INT`` (and ``lapack_int``) ``long long`` when ``MKL_ILP64`` is defined and ``int`` otherwise:
gcc's ``cannot convert 'int*' to 'long long int*'``, MSVC's ``error C2664`` (in any language: the declaration it prints
names ``__int64``), and ``long*`` (int64_t on Linux) where ``long long*`` is taken (MXNet#18954): the same size, another
type, which a pointer does not convert to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.unrecognised import unrecognised
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True, slots=True)
class IntegerMismatch:
    """A compile error passing 32-bit ``int`` where MKL's ILP64 headers take 64-bit integers (or the reverse)."""

    function: str  # "" until the lines after it name it (gcc 12 names it in a note under the error)
    line: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)
    eigen: str = ""  # Eigen's MKL backend header the error is in ("ColPivHouseholderQR_LAPACKE.h")

    def followed(self, lines: tuple[str, ...]) -> "IntegerMismatch":
        named = next((m.group(0) for line in lines for m in [_MKL_FUNCTION.search(line)] if m), "") or next(
            ("pardiso" for line in lines[:4] if _PARDISO_ARGUMENTS.search(line)), "")  # asset_asrl#54: its call's arguments
        if not named:  # an initialization (Eigen's backend macros): the note under the error shows MKL's type, not a function
            named = next((m.group(0) for line in lines[:8] for m in [_MKL_TYPE.search(line)] if m), "")
        if not named and self.eigen:  # no note under it (eigen#2586's paste): Eigen's MKL backend takes MKL's own type
            named = "lapack_int" if "LAPACKE" in self.eigen else "MKL_INT"
        return replace(self, function=named, wants=0)


# MKL's integer type is long long (MKL_INT64) with MKL_ILP64 defined: int* passed where long long* is taken, or the reverse
_ILP64 = re.compile(r"(?:cannot convert|invalid conversion from|no known conversion from|incompatible pointer type)\W+"
                    r"(?P<what>.*?\b(?:long long|MKL_INT)\b.*?)(?:\bto\b|\bfor\b|$).*?\b(?P<fn>LAPACKE_\w+|cblas_\w+|mkl_\w+|"
                    r"[sdcz](?:gemm|gesv|getrf|getri|getrs|potrf|syev\w*|gesvd|gesdd|gels\w*)_?)\b")
_MKL_TYPES = ("lapack_int", "MKL_INT", "BlasIndex")  # BlasIndex: Eigen's name for MKL_INT
_MKL_TYPE = re.compile(r"\b(?:%s)\b" % "|".join(_MKL_TYPES))
_MKL_FUNCTION = re.compile(r"\b(?:LAPACKE_\w+|cblas_\w+|mkl_\w+)")
_PARDISO_ARGUMENTS = re.compile(r"\bmaxfct\b.{0,40}\bmnum\b.{0,200}\biparm\b.{0,20}\bmsglvl\b")  # PARDISO's own argument list
# gcc 12's words: the function is named in a note under it ("initializing argument 5 of 'long long int LAPACKE_dgetri(...)'")
_ILP64_GCC12 = re.compile(r"invalid conversion from [‘'`](?P<given>[^’'`]+)[’'`](?: \{aka [‘'`](?P<aka>[^’'`]+)[’'`]\})? "
                          r"to [‘'`](?P<taken>[^’'`]*\blong long\b[^’'`]*)[’'`]")
# an int pointer where a long long one is taken, in an initialization: gcc's "cannot convert 'X' {aka 'int*'} to 'long long
# int*' in initialization", clang's "cannot initialize a variable of type 'long long *' with an rvalue of type 'X' (aka
# 'int *')"; the function (or MKL's type) is in the lines under it
_INT_TO_LONG_LONG = re.compile(
    r"\berror: (?:cannot convert [‘'`](?P<given>[^’'`]+)[’'`](?: \{aka [‘'`](?P<aka>[^’'`]+)[’'`]\})? "
    r"to [‘'`](?P<taken>[^’'`]*\blong long\b[^’'`]*)[’'`]|cannot initialize a (?:variable|parameter|member subobject) of type "
    r"'(?P<taken2>[^']*\blong long\b[^']*)' with an? [lr]value of type '(?P<given2>[^']+)'(?: \(aka '(?P<aka2>[^']+)'\))?)")
# Eigen's MKL backends (Eigen/src/QR/ColPivHouseholderQR_LAPACKE.h, .../GeneralMatrixMatrix_BLAS.h): EIGEN_USE_MKL_ALL's
_EIGEN_BACKEND = re.compile(r"\bEigen/src/\w+/(?P<h>\w+_(?:LAPACKE|BLAS|MKL)\.h)$")


def _int_to_long_long(m: re.Match, _):
    given = m.group("aka") or m.group("given") or m.group("aka2") or m.group("given2")
    if not re.fullmatch(r"(?:const )?(?:unsigned )?int ?\*(?: ?const)?", given.strip()):
        return NOT_MINE  # another type (long: int64_t, MXNet#18954) is read by the other signatures
    where = re.match(r"(?P<file>[^:]{1,300}):\d+:\d+:$", (m.string[:m.start()].rsplit(None, 1) or [""])[-1])  # "<file>:85:1: error:"
    eigen = _EIGEN_BACKEND.search(where["file"]) if where else None
    return IntegerMismatch("", m.string.strip()[:300], wants=8, eigen=eigen.group("h") if eigen else "")


# MSVC's C2664 in any language: the declaration it prints names MKL's function and __int64 parameters
_ILP64_MSVC = re.compile(r"\berror C2664:.*?\b(?P<fn>LAPACKE_\w+|cblas_\w+|mkl_\w+)\b.*?\b__int64\b")

@dataclass(frozen=True, slots=True)
class PackedIntegers:
    """64-bit integers in a program's output that are two small 32-bit integers side by side (Julia#15957's LU pivots
    ``[8589934593,17179869187,5,0,0]``: 1 and 2, 3 and 4): an array MKL filled with 32-bit integers, read as 64-bit ones."""

    numbers: tuple[int, ...]
    line: str


_NUMBER = re.compile(r"(?<![\w.-])\d{10,16}(?![\w.])")


def packed_pairs(numbers) -> list[int]:
    """The numbers that are two small 32-bit integers side by side (2**32 times a small one, plus a small one)."""
    return [n for n in numbers if 0 < n >> 32 < 1 << 20 and n & 0xFFFFFFFF < 1 << 20]


def packed_words(n: int) -> str:
    """``25769803780 = 6*2^32 + 4``."""
    return f"{n} = {n >> 32}*2^32 + {n & 0xFFFFFFFF}"


# a LAPACK routine's status with such a number: "ga_iter_lsolve: dgesv failed -4294967296" (NWChem's forum, thread 1654:
# LP64 MKL under 64-bit integers), "info = -8589934590": the routine's 32-bit info in the low half of a 64-bit integer
_LAPACK_STATUS = re.compile(r"(?i)\b(?:p?[sdcz](?:ge|sy|he|po|pp|pb|gb|gt|pt|st|sp|hp|tr|tp|tb|or|un|la|bd|hs|gg|tg)[a-z0-9]{1,5}"
                            r"|info)\b[^\n]{0,80}?(?<![\w.])(?P<n>-\d{10,19})(?![\w.])")


def _packed(m: re.Match, _):
    numbers = [int(n) for n in _NUMBER.findall(m.string)[:64]]
    packed = packed_pairs(numbers)
    status = _LAPACK_STATUS.search(m.string) if not packed and "-" in m.string else None
    if status and int(status["n"]) <= -(1 << 32) and int(status["n"]) & 0xFFFFFFFF < 1 << 20:
        return PackedIntegers((int(status["n"]),), m.string.strip()[:300])
    # two such numbers, or one whose halves are neighbours (pivots, indices): not a value that happens to be large, nor
    # round sizes (4294967296 bytes, 8589934592: their low halves are 0)
    if any(n & 0xFFFFFFFF for n in packed) and (len(packed) >= 2 or any(abs((n >> 32) - (n & 0xFFFFFFFF)) == 1 for n in packed)):
        return PackedIntegers(tuple(packed[:4]), m.string.strip()[:300])
    return NOT_MINE


@dataclass(frozen=True, slots=True)
class WidthsOnLine:
    """One command line that asks for 64-bit integers (``--with-blas8``, ``-i8``, ``-fdefault-integer-8``,
    ``-DMKL_ILP64``) and names MKL's 32-bit-integer layer (``-lmkl_intel_lp64``): NWChem's forum, thread 1602."""

    asks: str
    layer: str
    line: str


_ASKS_64 = re.compile(r"(?<![\w-])(?:--with-(?:blas|lapack|scalapack)8\b|-i8\b|-fdefault-integer-8\b|-integer-size 64\b|"
                      r"-DMKL_ILP64\b|-qintsize=8\b)")
_LP64_LAYER = re.compile(r"(?:(?<=-l)|(?<=lib)|(?<!\w))mkl_(?:intel|gf|scalapack|blacs_[a-z]+)_lp64\b")


def _widths(m: re.Match, _):
    # a line that also names an ILP64 interface layer: a list of choices (blas95_ilp64, a Fortran 95 wrapper, is no layer)
    asks = _ASKS_64.search(m.string) if not re.search(r"mkl_(?:intel|gf)_ilp64", m.string) else None
    return WidthsOnLine(asks.group(0), m.group(0), m.string.strip()[:400]) if asks else NOT_MINE


@dataclass(frozen=True, slots=True)
class NwchemDatatype:
    """NWChem's memory allocator given a datatype code it does not know: ``MA fatal error: MA sizeof: invalid datatype``
    (NWChem's forum, thread 1776: BLAS_SIZE=4 and SCALAPACK_SIZE=4 with MKL's ILP64 libraries)."""

    line: str
    what: str = "its memory allocator got a datatype it does not know"


@dataclass(frozen=True, slots=True)
class Ilp64Chosen:
    """A build that chose MKL's 64-bit integer layer (mxnet#20301: -DBLA_VENDOR="Intel10_64ilp", then the program crashed)."""

    line: str


SIGNATURES = (
    # a line of a cmake command of its own (a command written over lines): a command on one line is the link's and the
    # finders' to read, so no signature here claims it
    Signature("ilp64-chosen", "intwidth", "64ilp",
              re.compile(r"^\s*-DBLA_VENDOR=[\"']?Intel10_64_?ilp[\"']?\s*\\?\s*$"),
              lambda m, _: Ilp64Chosen(m.string.strip()[:200])),
    # Global Arrays' refusal of the dimensions NWChem read back (NWChem's forum, thread 771: an ILP64 ScaLAPACK line with
    # BLAS_SIZE and SCALAPACK_SIZE left at 4; the eigenvalues all zero before it)
    Signature("nwchem-ga-wrong-dimension", "intwidth", "ga_set_data:wrong dimension",
              re.compile(r"ga_set_data:wrong dimension specified"),
              lambda m, _: NwchemDatatype(m.string.strip()[:200], "Global Arrays got a dimension of 0 (wrong dimension specified)")),
    # Global Arrays' orthogonalisation meeting a zero vector (NWChem's forum, thread 661: MKL's ILP64 libraries with
    # USE_64TO32, "This error has not yet been assigned to a category")
    Signature("nwchem-ga-orthog-hard-zero", "intwidth", "ga_orthog: hard zero", re.compile(r"ga_orthog: hard zero"),
              lambda m, _: NwchemDatatype(m.string.strip()[:200], "Global Arrays' orthogonalisation met a zero vector "
                                          "(ga_orthog: hard zero)")),
    Signature("nwchem-ma-invalid-datatype", "intwidth", "rror: MA sizeof", re.compile(r"\bMA (?:fatal error|FATAL ERROR): MA sizeof: invalid datatype"),
              lambda m, _: NwchemDatatype(m.string.strip()[:200])),
    *(Signature(f"lp64-layer-with-64-bit-integers-{i}", "intwidth", needle, _LP64_LAYER, _widths)
      for i, needle in enumerate(("--with-blas8", "-i8 ", "default-integer-8", "-DMKL_ILP64"))),
    # the first of such numbers, 2**32 times a small one: 4294967296 + x (0-based pairs), 8589934592 + x (1-based)
    *(Signature(f"packed-32-bit-integers-{i}", "intwidth", needle, re.compile(needle), _packed)
      for i, needle in enumerate(("429496729", "858993459"))),
    Signature("ilp64-compile-mismatch", "intwidth", "rror", _ILP64,
              lambda m, _: IntegerMismatch(m.group("fn"), m.string.strip()[:300])),
    Signature("ilp64-compile-mismatch-init", "intwidth", "rror: c", _INT_TO_LONG_LONG, _int_to_long_long),
    Signature("ilp64-compile-mismatch-msvc", "intwidth", "C2664", _ILP64_MSVC,
              lambda m, _: IntegerMismatch(m.group("fn"), m.string.strip()[:300])),
    Signature("ilp64-compile-mismatch-gcc12", "intwidth", "invalid conversion", _ILP64_GCC12,
              lambda m, _: IntegerMismatch("", m.string.strip()[:300], wants=8)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(IntegerMismatch) if e.function]
    others = [unrecognised(Unrecognised(e.line), ctx) for e in events.of(IntegerMismatch) if not e.function][:1]
    packed = [_packed_finding(events.of(PackedIntegers))] if events.of(PackedIntegers) else []
    widths = [_widths_finding(e) for e in events.of(WidthsOnLine)[:1]] + [Finding(
        "nwchem-integer-size-mismatch", "error",
        f"NWChem's {e.what}: its integer size and the BLAS linked disagree",
        (e.line, "NWChem passes its own integer type through BLAS, LAPACK and ScaLAPACK; built with BLAS_SIZE or "
                 "SCALAPACK_SIZE of one width and linked to MKL's layers of the other, the codes it reads back are garbage "
                 "(NWChem's forum: BLAS_SIZE=4 with MKL's ILP64 libraries; thread 771: SCALAPACK with mkl_scalapack_ilp64 "
                 "and neither size set, all eigenvalues 0)"),
        ("MKL's ILP64 layers (mkl_intel_ilp64, mkl_scalapack_ilp64, mkl_blacs_*_ilp64): BLAS_SIZE=8 and SCALAPACK_SIZE=8, "
         "USE_I4FLAGS unset; MKL's LP64 layers: BLAS_SIZE=4, SCALAPACK_SIZE=4 with USE_64TO32=y and make 64_to_32 in src",
         "then rebuild from clean (make clean; make), as the objects keep the old integer size"),
        "NWChem's integers are 64-bit unless its build converts the BLAS calls; the size it is told and the interface it "
        "links must agree.",
    ) for e in events.of(NwchemDatatype)[:1]]
    return ([_integer_mismatch(said)] if said else []) + ([] if said else others) + packed + widths  # no MKL function: not MKL's


def _widths_finding(event: WidthsOnLine) -> Finding:
    return Finding(
        "lp64-with-64-bit-integers", "warning",
        f"one command asks for 64-bit integers ({event.asks}) and links MKL's 32-bit-integer layer ({event.layer})",
        (event.line[:300],
         f"{event.asks} makes the code pass (or the configure expect) 8-byte integers; {event.layer} is MKL's LP64 "
         "interface, which reads 4: sizes and pivots cross wrongly, with no error at link time (wrong results, LAPACK "
         "status values of 2^32, crashes)"),
        ("link MKL's ILP64 layers with 64-bit integers: -lmkl_intel_ilp64 (gfortran: -lmkl_gf_ilp64), "
         "-lmkl_scalapack_ilp64 and -lmkl_blacs_*_ilp64; or drop the 64-bit option and keep the LP64 ones",
         "NWChem: BLAS_SIZE=8 with the ILP64 layers, or BLAS_SIZE=4 with USE_64TO32=y (make 64_to_32) with the LP64 ones",
         "mkldoctor link --interface ilp64   # matching compile and link flags"),
        "MKL's LP64 and ILP64 layers are one API in two integer widths; the caller's width and the layer's must agree.",
    )


def _packed_finding(said: list[PackedIntegers]) -> Finding:
    first = said[0]
    pairs = "; ".join(f"{packed_words(n)}: the 32-bit pair {n & 0xFFFFFFFF}, {n >> 32}" + (
        f" (a status of {n & 0xFFFFFFFF} written in 32 bits into a 64-bit integer that held {n >> 32} above it)" if n < 0 else "")
        for n in first.numbers[:2])
    return Finding(
        "integers-read-wrong-width", "error",
        "the output holds 64-bit integers made of two 32-bit ones: an array filled with 32-bit integers (MKL's LP64 "
        "interface) read as 64-bit ones (ILP64), or the reverse",
        (first.line, pairs,
         "LAPACK's pivots and index arrays are written by the library in its interface's integer width: a caller built for "
         "64-bit integers that reached MKL's 32-bit interface sees two values in each element (and sizes read wrongly give "
         "wrong results or crashes elsewhere)"),
        ("make the caller and MKL's interface agree: C, C++, Fortran: -DMKL_ILP64 with mkl_intel_ilp64 (mkl_gf_ilp64 for "
         "gfortran), or neither; libmkl_rt: MKL_INTERFACE_LAYER=ILP64 (or LP64), which holds for the whole process",
         "Julia: MKL reached through libblastrampoline (using MKL, Julia 1.7+) with Int64 (ILP64); a package that calls MKL's "
         "unsuffixed names with Int64 (MKLSparse.jl beside MKL.jl) needs the ILP64 interface set for them",
         "one MKL and one interface per process: two libraries that each set MKL's interface (or load two MKLs) pull it two "
         "ways: LD_DEBUG=libs <the program> 2>&1 | grep libmkl_ shows which copies load",
         "mkldoctor link --interface ilp64   # matching compile and link flags",
         "where the caller's width and the interface it asked for agree, the library itself wrote the other width: oneMKL's "
         "SYCL getrf of oneAPI 2020-2021 wrote its pivots 32 bits wide into the caller's std::int64_t array (oneMath#79): "
         "update oneMKL (or read the pivots as 32-bit values until then)",
         *(("NWChem (its integers are 64-bit): with MKL's LP64 libraries, BLAS_SIZE=4 and USE_64TO32=y, and make 64_to_32 "
            "in src before the build; with MKL's ILP64 ones, BLAS_SIZE=8 and SCALAPACK_SIZE=8 (NWChem's forum)",)
           if re.search(r"\bga_\w+:|nwchem", first.line, re.I) else ())),
        "LP64 and ILP64 are one API in two integer widths: an integer array crosses between them as pairs packed into "
        "each 64-bit element (little-endian: the first value in the low half).",
        ("MKL_VERBOSE=1 <the program>   # MKL's calls with their integer arguments as MKL reads them",),
    )


def _integer_mismatch(events: list[IntegerMismatch]) -> Finding:
    first = events[0]
    if first.eigen:
        return _eigen_backend(first)
    types = re.search(r"(?:convert|conversion from) [`'‘](?P<given>[^`'’]+)[`'’](?: \{aka [`'‘](?P<aka>[^`'’]+)[`'’]\})? "
                      r"to [`'‘](?P<taken>[^`'’]+)", first.line)
    if types and types["aka"]:  # gcc 12: 'int64_t*' {aka 'long int*'}
        types = {"given": types["aka"], "taken": types["taken"]}
    if types and re.search(r"\blong\b", types["given"]) and "long long" not in types["given"] \
            and "long long" in types["taken"]:  # MXNet#18954: int64_t (long) where MKL_INT (long long) is taken
        return Finding(
            "mkl-ilp64-compile-mismatch", "error",
            f"{first.function} takes MKL_INT, long long with MKL_ILP64, and the code passes pointers to its own 64-bit "
            "type, long (int64_t on Linux): the same size, another type",
            (f"the compiler says: {first.line}",
             "MKL's headers make MKL_INT (and lapack_int) long long when MKL_ILP64 is defined; int64_t is long on 64-bit "
             "Linux and macOS, so a value converts but a pointer (pivots, sizes by reference) does not"),
            ("declare the variables passed by pointer as MKL_INT (lapack_int), or make MKL_INT the code's own type: "
             "#define MKL_INT int64_t (and MKL_UINT uint64_t) before including MKL's headers, which mkl_types.h allows",
             "or build with the LP64 interface (drop -DMKL_ILP64, link mkl_intel_lp64) if 32-bit sizes suffice"),
            "LP64 and ILP64 fix the size of MKL_INT, not the C type the caller uses for 64-bit integers; pointers must "
            "be of MKL's exact type.",
        )
    return Finding(
        "mkl-ilp64-compile-mismatch", "error",
        (f"{first.function} is long long here" if first.function in _MKL_TYPES else f"{first.function} takes 64-bit integers here")
        + " (MKL_ILP64 is defined), and the code passes 32-bit int",
        (f"the compiler says: {first.line}",
         "MKL's headers make MKL_INT (and lapack_int) long long when MKL_ILP64 is defined, and int otherwise: code written "
         "with int for sizes and pivots compiles only against the LP64 interface"),
        ("build with the LP64 interface: drop -DMKL_ILP64 (the project's ILP64 option off: e.g. MKL_USE_ILP64=OFF, "
         "MKL_INTERFACE=lp64) and link mkl_intel_lp64",
         "or keep ILP64 and declare those variables as MKL_INT (lapack_int) in the code",
         "mkldoctor link --interface lp64   # matching compile and link flags"),
        "LP64 and ILP64 are two integer sizes of one API: the compile flag (-DMKL_ILP64) and the interface library "
        "(mkl_intel_ilp64 or mkl_intel_lp64) must agree with the integer type the calling code uses.",
    )


def _eigen_backend(first: IntegerMismatch) -> Finding:
    """Eigen's MKL backend with MKL_ILP64 (votca#1053): MKL's headers make lapack_int long long, Eigen passes its own int
    indices (a permutation's) by pointer: Eigen 3.4.0's LAPACKE backend compiles only against the LP64 interface."""
    return Finding(
        "mkl-ilp64-compile-mismatch", "error",
        f"Eigen's MKL backend ({first.eigen}) passes its int indices where MKL's {first.function} is long long: MKL_ILP64 is "
        "defined, and Eigen's LAPACKE backend is written for 32-bit lapack_int",
        (f"the compiler says: {first.line}",
         "EIGEN_USE_MKL_ALL (or EIGEN_USE_LAPACKE) makes Eigen call MKL's LAPACKE with lapack_int, which MKL's headers make "
         "long long when MKL_ILP64 is defined; Eigen's permutations keep int indices, so a pointer to them does not convert",
         "MKL_ILP64 comes from the compile line: -DMKL_ILP64, or CMake's MKL::MKL target from Intel's MKLConfig.cmake, whose "
         f"interface is {layout.DEFAULTS['cmake']['interface']} unless MKL_INTERFACE says otherwise"),
        ("build with MKL's LP64 interface: set(MKL_INTERFACE lp64) before find_package(MKL) (or -DMKL_INTERFACE=lp64), or drop "
         "-DMKL_ILP64 and link mkl_intel_lp64: Eigen's indices are int",
         "or keep ILP64 without Eigen's LAPACKE backend: EIGEN_USE_BLAS and EIGEN_USE_MKL_VML instead of EIGEN_USE_MKL_ALL "
         "(Eigen's BLAS backend takes MKL_INT)",
         "or an Eigen whose LAPACKE backend converts to a 64-bit lapack_int (Eigen's merge request 1152, 2023: newer than "
         "3.4.0)",
         "mkldoctor link --interface lp64   # matching compile and link flags"),
        "LP64 and ILP64 are two integer sizes of one API: MKL_ILP64 changes lapack_int and MKL_INT in every header that "
        "includes mkl.h, Eigen's backend headers too.",
    )



# NWChem's crash under Global Arrays (ARMCI's signal handler), the log naming no library: with MKL, the integer sizes first
NWCHEM_CRASH = re.compile(r"\bARMCI\b|\bNWChem\b|\bga-\d+-\d+\b")
NWCHEM_CRASH_FIX = ("NWChem (Global Arrays' ARMCI caught it) built on MKL: a BLAS_SIZE other than the integer width of MKL's "
                    "layers crashes so (NWChem's forum, thread 2407: BLAS_SIZE=4 with mkl_intel_ilp64): BLAS_SIZE=8 with the "
                    "ILP64 layers, BLAS_SIZE=4 with the LP64 ones (USE_64TO32=y and make 64_to_32), then make link")


def with_ilp64_build(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """A crash the log names no library for, in a build that chose MKL's ILP64 layer: the integer width is the first
    suspect (mxnet#20301: BLA_VENDOR=Intel10_64ilp under a library that calls BLAS with 32-bit int)."""
    from mkldoctor.explain.events import LinkCommand

    chosen = [e.line for e in parsed.of(Ilp64Chosen)] + [f"-l{r.name}" for c in parsed.of(LinkCommand) for r in c.libs
                                                         if r.name in ("mkl_intel_ilp64", "mkl_gf_ilp64")]
    at = next((i for i, f in enumerate(findings) if f.id == "program-crashed"), None)
    if not chosen or at is None:
        return findings
    said = findings[at]
    return [replace(said, evidence=(*said.evidence, f"the log's build chose MKL's 64-bit integer layer ({chosen[0][:120]}): "
                                    "a caller that passes 32-bit int (most C and C++ code, a library built without "
                                    "MKL_ILP64) crashes in its first BLAS or LAPACK call"),
                    fix=("build with the 32-bit integer layer unless the code is built for 64-bit integers: "
                         "-DBLA_VENDOR=Intel10_64lp (MKL_INTERFACE=lp64, -lmkl_intel_lp64)", *said.fix))
            if i == at else f for i, f in enumerate(findings)]
