"""A compile error at a call of MKL's API: the project was written for another MKL release's headers.

MKL changes a prototype now and then: ``?getrs_batch_strided`` took ``const`` arrays from 2021.4 on
(arrayfire/arrayfire#3180: ``invalid conversion from 'void (*)(const char*, ..., const float*, ...)'``), oneMKL 2025.0
dropped the one-argument ``oneapi::mkl::sparse::release_matrix_handle`` (ginkgo-project/ginkgo#1717: ``too few arguments
to function call``, then the code line and ``note: 'release_matrix_handle' declared here`` in MKL's header). The compiler
says so with one error line and, after it, the code it points at and the declaration it found: the error is read here,
the lines after it say whether MKL's API is at stake.

A compile error of that kind with no MKL name near it is no MKL finding; it is reported as unrecognised, as the line
would have been without this family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts

# a name of MKL's API: its C names, its C++ (oneMKL SYCL) namespace, the batch routines of the Fortran-style API
# (MKL 2017's deep-learning primitives, dnnConvolutionCreateForward_F32, which a later release removed, too)
_MKL_NAME = re.compile(r"\b(?:(?:oneapi::mkl::[\w:]+|mkl_\w+|cblas_\w+|LAPACKE_\w+|Dfti\w+|MKL_\w+|CBLAS_[A-Z]+|LAPACK_(?:ROW|COL)_MAJOR|"
                       r"VS[LM]_[A-Z]\w+|VML_[A-Z]\w+|"  # VS's and VM's constants (VSL_METHOD_SGAUSSIAN_ICDF: shoc-mic#3)
                       # VM's functions (vmsLog2, which MKL's headers before 2018 Update 3 lack: pytorch#8554)
                       r"vm?[sdcz](?:Add|Sub|Sqr|Mul|Abs|Inv|Div|Sqrt|InvSqrt|Cbrt|Pow\w*|Hypot|Exp\w*|Ln|Log10|Log2|Log1p|"
                       r"Cos\w*|Sin\w*|Tan\w*|Acos\w*|Asin\w*|Atan\w*|Erf\w*|Cdf\w*|Tgamma|Lgamma|Floor|Ceil|Trunc|Round)|"
                       r"dnn[A-Z]\w+_F(?:32|64))\b|"
                       r"[sdcz]?(?:getr[fsi]|gemm|trsm|axpy|geqrf|potr[fs])_batch(?:_strided)?)")  # in a typedef's name too
# gcc's and clang's words for a call or a conversion that does not fit the declaration in scope
# (Intel's classic compilers: "x.hpp(86): error: identifier "LAPACK_ROW_MAJOR" is undefined"; a message a paste wrapped
# after its name, "error: ‘CBLAS_LAYOUT’" with "was not declared in this scope" on the next line, is read with that line)
_COMPILE_ERROR = re.compile(r"^(?:>\s*)?(?:\s*\d+\s+)?(?P<file>\S+?)(?::\d+(?::\d+)?:|\(\d+\):) (?:fatal )?"
                            r"error(?: #6404| #6633)?: "
                            r"(?P<msg>(?:invalid conversion|cannot convert|implicit declaration of function|"
                            r"too (?:few|many) arguments|no matching (?:function|member function)|no member named|"
                            r"has no member named|no type named|incompatible pointer type|conflicting types|"
                            r"use of undeclared identifier|[‘'][^'’]+['’] (?:was not declared|undeclared \()|identifier \"\w+\" is undefined|"
                            r"[‘'][^'’]+['’] is deprecated|variable or field\b|[‘'][^'’]+['’]\s*$|"
                            r"This name does not have a type|static assertion failed|unknown type name|"
                            r"The type of the actual argument differs|$).*)")
# (Intel Fortran's: "x.F90(9): error #6404: This name ..."; clang's message may start on the next line: "error: " alone)
# the code line under it ("  1424 |   oneapi::mkl::sparse::release_matrix_handle(&h);") and the declaration it found
_GUTTER = re.compile(r"^\s*\d+ \|")
_MKL_HEADER = re.compile(r"(?<!\S)(?P<path>\S{0,1000}/(?:mkl|oneapi/mkl)\S{0,300}\.h(?:pp)?):\d+(?::\d+)?: note: ")


_UNDECLARED = re.compile(r"was not declared|undeclared identifier|['’] undeclared \(|implicit declaration|is undefined")
_UNKNOWN_NAME = re.compile(rf"{_UNDECLARED.pattern}|This name does not have a type")


def after_missing_header(events: Parsed) -> list[str]:
    """The compiler's errors at names it does not know after a header it could not open (Intel Fortran goes on past its
    error #5102: "This name does not have a type ... [FFTW_INIT_THREADS]", gacode#344): that header's consequences, said
    with its finding."""
    from mkldoctor.explain.fftwheaders import FftwHeaderMissing
    from mkldoctor.explain.headermissing import HeaderMissing

    headers = [events.first_line.get(e, 0) for e in (*events.of(FftwHeaderMissing), *events.of(HeaderMissing))]
    return [f"then the compiler says: {e.line.strip()[:200]}: a name that header declares, the consequence"
            for e in events.of(CompileError)
            if _UNKNOWN_NAME.search(e.line) and headers and events.first_line.get(e, 0) > min(headers)][:3]
_WRAPPED = re.compile(r"(?:[‘'][^'’]+['’]|variable or field)\s*$")  # a message cut after its name, or before it
_DEPRECATED = re.compile(r"is deprecated\b.*\[-Werror")  # gcc's -Werror=deprecated-declarations, clang's -Werror,-W...


@dataclass(frozen=True, slots=True)
class CompileError:
    line: str
    context: tuple[str, ...]
    name: str  # the MKL name in the error or in the code lines the compiler shows under it ("" when none names one)
    wants: int = field(default=3, compare=False)  # the lines after it: gcc's and clang's code listing
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "CompileError":
        if lines and re.search(r"error:\s*$", self.line) and lines[0][:1].isspace():  # clang's message on the next lines
            rest = lines[:2] if lines[0].rstrip().endswith("did you mean") and len(lines) > 1 else lines[:1]
            line = " ".join((self.line.rstrip(), *(r.strip() for r in rest)))
            named = _MKL_NAME.search(line.split(" error: ", 1)[-1])
            return replace(self, line=line[:400], name=self.name or (named.group(0) if named else "")).followed(lines[len(rest):])
        if lines and "is deprecated" in self.line and "[-W" not in self.line:  # clang's message on the lines after it
            rest = next((lines[:i + 1] for i, line in enumerate(lines[:3]) if "[-W" in line), ())
            if rest:  # "... is deprecated\", ":", "Use oneapi::mkl::sparse::set_csr_data(queue, ...) instead. [-Werror,...]"
                line = " ".join((self.line.rstrip("\\ "), *(r.strip() for r in rest))).replace(" :", ":")
                named = _MKL_NAME.search(line.split(" error: ", 1)[-1])
                return replace(self, line=line[:400], name=self.name or (named.group(0) if named else "")).followed(lines[len(rest):])
        if lines and _WRAPPED.search(self.line) and not lines[0].startswith((" ", "\t")):  # the message's rest
            line = f"{self.line} {lines[0].strip()}"
            named = _MKL_NAME.search(line.split(" error: ", 1)[-1])
            return replace(self, line=line[:400], name=named.group(0) if named else self.name).followed(lines[1:])
        fortran = " error #" in self.line  # Intel Fortran's code line under it, indented, no gutter
        listed = next((m.group(0) for line in lines if _GUTTER.match(line) or (fortran and line[:1].isspace())
                       for m in [_MKL_NAME.search(line)] if m), "")
        return replace(self, name=self.name or listed, wants=0)


@dataclass(frozen=True, slots=True)
class MklApiShown:
    """A line after a compile error that shows MKL's API: the code line it points at, or the declaration in MKL's header."""

    name: str
    header: str = ""
    said: str = ""  # the note's own words ("no known conversion from 'int *' to 'const std::vector<sycl::event>' ...")
    wants: int = field(default=0, compare=False)  # a note clang wrapped after " to": its rest on the next line

    def followed(self, lines: tuple[str, ...]) -> "MklApiShown":
        rest = lines[0].strip() if lines and lines[0][:1].isspace() and not _GUTTER.match(lines[0]) else ""
        return replace(self, said=f"{self.said} {rest}".strip()[:400], wants=0)


def _error(m: re.Match, before) -> CompileError:
    named = _MKL_NAME.search(m.group("msg"))
    return CompileError(m.string.strip()[:400], (*list(before)[-2:], m.string), named.group(0) if named else "")


def _shown(m: re.Match, _) -> MklApiShown | object:
    line = m.string
    header = _MKL_HEADER.search(line)
    named = _MKL_NAME.search(line) or re.search(r"note: '(?P<n>[^']+)' declared here", line)
    if header is None and not _GUTTER.match(line):
        return NOT_MINE  # another line that names MKL's namespace (an exception's type): other signatures', or an error
    return MklApiShown((named.group(0) if named else "").removeprefix("note: ").strip("'"),
                       header.group("path") if header else "", line.strip()[:400],
                       wants=1 if header and re.search(r"\b(?:to|from)$", line.rstrip()) else 0)


def _error_list(m: re.Match, before) -> CompileError | object:
    """Visual Studio's Error List copied as text: ``Error (active)<TAB><TAB>identifier "X" is undefined<TAB>project<TAB>file
    <TAB>line``; its columns after the message are split here (tabs, or runs of spaces where a paste turned them so)."""
    named = _MKL_NAME.search(m.group("msg"))
    if named is None:
        return Unrecognised(m.string.strip()[:300])  # the row's "Error" is no error word of the parser's: said, never silent
    columns = [c.strip() for c in re.split(r"\t| {2,}", m.string[m.end():m.end() + 2000]) if c.strip()]
    at = next((i for i, c in enumerate(columns) if re.search(r"\.\w{1,5}$", c)), None)
    where = f"{columns[at]}({columns[at + 1]})" if at is not None and at + 1 < len(columns) and columns[at + 1].isdigit() else \
        columns[at] if at is not None else "a file"
    return CompileError(f"{where}: error: {m['msg']}"[:400], (*list(before)[-2:], m.string), named.group(0))


@dataclass(frozen=True, slots=True)
class MacroArgsMissing:
    """MSVC's ``warning C4003: not enough arguments for function-like macro invocation 'mkl_sparse_x_create_csr'``: a
    macro of MKL's shape that no MKL release defines is the project's own (PETSc's aijmkl.h, fixed by its fa244810)."""

    name: str
    line: str


def _macro(m: re.Match, _) -> MacroArgsMissing | object:
    from mkldoctor.knowledge import exports

    return NOT_MINE if exports.history(m["name"]) is not None else MacroArgsMissing(m["name"], m.string.strip()[:300])


SIGNATURES = (
    Signature("msvc-macro-arguments-missing", "apichange", "function-like macro invocation",
              re.compile(r"warning C4003: not enough arguments for function-like macro invocation '(?P<name>(?:mkl|MKL)_\w+)'"),
              _macro),
    Signature("compile-error", "apichange", "rror: ", _COMPILE_ERROR, _error),
    Signature("intel-fortran-untyped-name", "apichange", "error #6404", _COMPILE_ERROR, _error),
    # an argument of another type than MKL's interface module declares (TBFIT#3: TYPE(C_PTR) to MKL_SPARSE_Z_EXPORT_CSR)
    Signature("intel-fortran-argument-type", "apichange", "error #6633", _COMPILE_ERROR, _error),
    Signature("vs-error-list-row", "apichange", "is undefined",
              re.compile(r"^\s*Error(?: \(active\))?(?:\t+| {2,})(?:[A-Z]+\d+(?:\t+| {2,}))?(?P<msg>identifier \"\w+\" is undefined)"),
              _error_list),
    Signature("mkl-api-code-line", "apichange", "::mkl::", re.compile(r"::mkl::"), _shown),
    Signature("mkl-header-note", "apichange", "/mkl/", _MKL_HEADER, _shown),
    # a header of MKL's own name in any folder (pip's and conda's <prefix>/include/mkl_spblas.h)
    Signature("mkl-named-header-note", "apichange", "/mkl_", _MKL_HEADER, _shown),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.unrecognised import unrecognised

    errors = events.of(CompileError)
    macros = events.of(MacroArgsMissing)
    if macros:  # the project's own macro over MKL's names; MSVC's syntax errors after it are its consequence
        return [_own_macro(macros[0], events, ctx)]
    if not errors:
        return []
    shown = events.of(MklApiShown)
    inside = next(((e, m) for e in errors for m in [_NAMESPACED.search(e.line)] if m), None)
    if inside is not None and any(s.header for s in shown):  # MKL's declaration found in the project's namespace
        return [_in_namespace(*inside, next(s.header for s in shown if s.header), ctx)]
    if _own_file(errors[0].line) and "static assertion failed" in errors[0].line:  # the code's own check (its names listed)
        return [_own_code(errors[0], ctx)]
    if after_missing_header(events):  # the header's finding says them
        errors = [e for e in errors if not _UNKNOWN_NAME.search(e.line)]
        if not errors:
            return []
    names = [e.name for e in errors if e.name] + [s.name for s in shown if s.name]
    if not names:  # no MKL near it: the lines stay what they were, errors no signature explains
        own = next((e for e in errors if _own_file(e.line) or _UNTYPED.search(e.line)
                    and any(_MKL_COMPILE.search(c) for c in e.context)), None)
        if own is not None:  # the project's own code for MKL (its file's name says so) refused: that code's error
            return [_own_code(own, ctx)]
        return [unrecognised(e, ctx) for e in errors[:4]]
    # an undeclared name first: the errors after it ("variable or field 'f' declared void") are its consequences
    undeclared = next((e for e in errors if e.name and _UNDECLARED.search(e.line)), None)
    if undeclared is not None:
        return [_undeclared([undeclared], undeclared.name, ctx)]
    deprecated = next((e for e in errors if e.name and _DEPRECATED.search(e.line)), None)
    if deprecated is not None:
        return [_deprecated(deprecated, next((s.header for s in shown if s.header), ""), ctx)]
    if _UNDECLARED.search(errors[0].line):
        return [_undeclared(errors, names[0].split("(")[0], ctx)]
    events_at = next((m for s in shown for m in [_EVENTS_ARGUMENT.search(s.said)] if m), None)
    if events_at is not None:
        return [_events_argument(errors[0], names[0].split("(")[0], events_at, ctx)]
    header = next((s.header for s in shown if s.header), "")
    release = re.search(r"(?:mkl[-/]|oneapi-mkl-)(\d{4}\.\d+(?:\.\d+)?)", header)
    name = names[0].split("(")[0]
    return [Finding(
        "mkl-api-changed", "error",
        f"the project's use of {name} does not compile against these MKL headers: MKL changed its declaration",
        (errors[0].line[:300],
         *((f"MKL's header declares it: {header}" + (f" (MKL {release.group(1)})" if release else ""),) if header else ()),
         "the compiler checks each call against the declaration in MKL's headers; MKL changed some between releases "
         "(const arrays for ?getrs_batch_strided from 2021.4, oneMKL 2025.0 removed overloads deprecated since 2023), "
         "so code written for one release's headers may not compile against another's"),
        ("build against the MKL release the project supports (its documentation, CI or package pins say which; "
         "mkl_version.h's INTEL_MKL_VERSION beside the headers says which these are)",
         "or take the project's release that supports this MKL (its fix selects the declaration by INTEL_MKL_VERSION, or "
         "calls the replacement)"),
        "A compile error at a call of MKL's API means the headers the build includes are of another MKL release than "
        "the code was written for: the cause is the pairing of the two, not the link.",
        ("grep -n INTEL_MKL_VERSION <MKL's include folder>/mkl_version.h   # the headers' release",),
        locations=ctx.located(errors, "error:"),
    )]


# clang's note at oneMKL's USM overload: the call's argument stands where the overload takes its dependencies (PETSc
# cbf68160: syevd called with an info pointer, LAPACK's and cuSOLVER's habit, which oneMKL's USM LAPACK has not)
_EVENTS_ARGUMENT = re.compile(r"no known conversion from '(?P<given>[^']+)' to "
                              r"'const (?:std::)?vector<(?:sycl|cl::sycl)::event>\s*&?'"
                              r"(?: for (?P<nth>\d+\w*) argument)?")


def _events_argument(error: CompileError, name: str, at: re.Match, ctx: Context) -> Finding:
    nth = f"its {at['nth']} argument" if at["nth"] else "an argument"
    return Finding(
        "onemkl-events-argument", "error",
        f"the call of {name} passes '{at['given']}' as {nth}, where oneMKL's USM overload takes the list of events to wait for: "
        "an argument oneMKL's declaration does not have",
        (error.line[:300], at.group(0),
         "oneMKL's USM functions take their arguments, then an optional std::vector<sycl::event> of work to wait for; "
         "they report a failure by throwing (oneapi::mkl::lapack::exception, whose info() is LAPACK's info), so an info "
         "argument, as LAPACK's and cuSOLVER's calls have, lands where the events go"),
        (f"call {name} with the USM overload's own arguments: queue, the routine's arguments, scratchpad and scratchpad_size "
         f"(from {name}_scratchpad_size), then the events if any; drop the info argument",
         "catch oneapi::mkl::lapack::exception around the call (or around queue.wait_and_throw()) for what info said"),
        "C++ picks an overload by its arguments: one more than the declaration has, or of another type, matches none.",
        (f"grep -n ' {name.rsplit('::', 1)[-1]}(' <oneMKL's include folder>/oneapi/mkl/lapack/lapack.hpp   # its overloads",),
        locations=ctx.located([error], "error:"),
    )


# clang's and gcc's suggestion of a name found only inside a namespace: "did you mean 'KokkosBatched::sparse_index_base_t'?"
_NAMESPACED = re.compile(r"did you mean\s+[‘'](?P<ns>\w+(?:::\w+)*)::(?P<name>\w+)['’]")


def _in_namespace(error: CompileError, at: re.Match, header: str, ctx: Context) -> Finding:
    """MKL's header included inside the project's namespace (Trilinos #6957: KokkosBatched_Util.hpp's #include of mkl.h
    within namespace KokkosBatched; Trilinos PR #6959 moved it out): its declarations became that namespace's, and its
    include guard kept the global ones from ever being made."""
    ns, name = at["ns"], at["name"]
    return Finding(
        "mkl-header-in-namespace", "error",
        f"MKL's header was included inside the project's namespace {ns}: {name} exists only as {ns}::{name}",
        (error.line[:300], f"the compiler found {name} declared in MKL's header ({header}) as {ns}::{name}",
         f"an #include of MKL's headers (mkl.h, or one it includes) inside 'namespace {ns} {{' declares MKL's types and "
         "functions in that namespace; the header's include guard then stops every later #include, so code outside the "
         "namespace never sees them"),
        (f"move the #include of MKL's headers out of namespace {ns}, to the top of the file at global scope (Trilinos "
         "PR #6959 for KokkosBatched_Util.hpp; or take the project's release with it)",
         "grep -rn -B3 '#include.*mkl' <the project's sources> | grep -n 'namespace'   # the #include within a namespace"),
        "C++ declares what a header says in the scope where it is included; MKL's C headers are meant for the global scope.",
        locations=ctx.located([error], "error"),
    )


# a file of the project's own code for MKL (ABINIT's dfti_fftrisc.finc), or a compile line that asks for MKL
_OWN_MKL_CODE = re.compile(r"(?i)(?:dfti|mkl|pardiso)[^/\\]*\.\w+(?:\(\d+\))?$")
_MKL_COMPILE = re.compile(r"(?:^|\s)-q?mkl\b|/mkl/include\b")
_UNTYPED = re.compile(r"This name does not have a type.*?(?:\[(?P<name>\w+)\])?\s*$")


def _own_file(line: str) -> bool:
    """The error is in a file of the project's own code for MKL by its name (KokkosSparse_spgemm_mkl_impl.hpp, ABINIT's
    dfti_fftrisc.finc), not one of MKL's own headers (those are MKL's, whatever the error)."""
    path = re.split(r":\d+|\(\d+\)", line, maxsplit=1)[0]
    return bool(_OWN_MKL_CODE.search(path)) and not re.search(r"(?i)[/\\](?:mkl|oneapi)[/\\]|/include/(?:mkl|oneapi)\b|"
                                                              r"[/\\](?:mkl|mkl_\w+|cblas|lapacke\w*)\.h(?:pp)?$", path)


def _own_code(error: CompileError, ctx: Context) -> Finding:
    """A compile error in the project's own code for MKL, at a name or a check of that code: Intel Fortran's "This name
    does not have a type ... [WEIGHT]" (the forum of abinit, t=3265: ABINIT 7.10.5's DFTI wrapper used a variable it never
    declared; its developer posted the corrected file), clang's undeclared identifier and the code's own static assertion
    in Kokkos Kernels' MKL SpGEMM (Trilinos #2116, #11033: built only with the MKL TPL on)."""
    where = re.split(r": (?:fatal )?error", error.line, maxsplit=1)[0]
    source = re.split(r":\d+|\(\d+\)", where, maxsplit=1)[0]
    untyped = _UNTYPED.search(error.line)
    named = re.search(r"identifier [‘'\"](\w+)['’\"]|[‘'](\w+)['’] was not declared", error.line)
    name = (untyped["name"] or "a name") if untyped else (named.group(1) or named.group(2)) if named else ""
    said = (f"{name} is declared nowhere there" if name else "its own static assertion refused the build"
            if "static assertion failed" in error.line else "a line of that code does not compile")
    return Finding(
        "project-code-error", "error",
        f"the compiler refused the project's own code at {where}: {said}, a bug of that code, not MKL's",
        (error.line[:300], (f"{name} is the code's own name, not one of MKL's: " if name else "")
         + "the file is the project's (its code for MKL, by its name or its compile line), compiled only when its MKL path "
           "is on, and MKL's headers and modules are not in question"),
        (f"take the project's fix for it: a newer release, or the corrected file its developers posted"
         + (f" (grep -n -i '{name}' {source} shows the use without a declaration)" if name else ""),
         "or build the project's other path for that part: the configure or CMake option that chose this file (ABINIT: "
         "--with-fft-flavor=fftw3 with MKL's FFTW3 interface in place of its DFTI flavor, which its developers advise only "
         "with --enable-openmp; Trilinos and Kokkos Kernels: -DTPL_ENABLE_MKL=OFF, or the release with the fix)"),
        "A compile error at a name that is not MKL's, in a file of the project's own, is that code's error: the MKL it "
        "builds against would not change it.",
        locations=ctx.located([error], "error"),
    )


def _own_macro(macro: MacroArgsMissing, events: Parsed, ctx: Context) -> Finding:
    where = macro.line.split(": warning", 1)[0]
    source = where.split("(", 1)[0]
    after = [e.line.strip()[:300] for e in events.of(Unrecognised) if e.line.strip().startswith(source)][:3]  # its C2059s
    return Finding(
        "project-code-error", "error",
        f"the compiler refused the project's own macro {macro.name} at {where}: no MKL release defines that name, a bug of "
        "the project's code, not MKL's",
        (macro.line, *after,
         f"{macro.name} is not one of MKL's names (no release of mkldoctor's table exports it): the project defines it over "
         "MKL's (a macro per precision), with arguments, and uses it without them, which MSVC's preprocessor refuses "
         "(C4003, then a syntax error: C2059) where others let it through (PETSc's aijmkl.h, fixed by its commit fa244810: "
         "plain aliases)"),
        ("take the project's fix: a release with it, or its commit (PETSc: fa244810, its mkl_sparse_x_* macros made plain "
         "aliases of the precision's names)",
         "or build the project without that MKL path (PETSc: without --with-mkl_sparse)"),
        "A compile error at a name that is not MKL's, in a file of the project's own, is that code's error: the MKL it "
        "builds against would not change it.",
        locations=ctx.located([macro], "error"),
    )


_OTHER_BLAS = ("blas", "cblas", "lapack", "openblas", "blis", "flexiblas", "atlas", "satlas", "tatlas")


def _undeclared(errors: list[CompileError], name: str, ctx: Context) -> Finding:
    first = facts.FIRST_VERSION.get(name)
    # the compile line links another BLAS and no MKL (dll#11's ETL: -llapack -lblas): the code's MKL call is compiled in a
    # build without MKL, the project's own bug in that mode, not MKL's headers
    other = next(([lib.name for lib in c.libs] for c in ctx.commands if any(lib.name in _OTHER_BLAS for lib in c.libs)
                  and not any(lib.name.startswith("mkl") for lib in c.libs)), None)
    if other is not None:
        return Finding(
            "mkl-call-without-mkl", "error",
            f"{name}, MKL's own function, is called by code compiled in a build that uses no MKL (it links "
            f"{' '.join('-l' + n for n in other)})",
            (errors[0].line[:300], f"the compile line links {', '.join(n for n in other if n in _OTHER_BLAS)} and no MKL library: "
                                   f"{name} exists only in MKL, so the code that calls it belongs to the project's MKL mode, "
                                   "and was compiled in another (a header library's BLAS option without its MKL option: "
                                   "ETL's ETL_BLAS_MODE, dll#11)"),
            ("update the project: its fix compiles the MKL-only calls only in its MKL mode (ETL: the commits after dll#11)",
             f"or build in its MKL mode, with MKL (ETL: -DETL_MKL_MODE, MKL's include folder and link line), or without its "
             "BLAS option"),
            "A project with several BLAS back ends guards each one's own calls with its option; a call left outside the guard "
            "breaks every build of the other back ends.",
            (f"grep -rn '{name}' <the project's sources>   # the call, and the #if around it",),
            locations=ctx.located(errors, "error:"),
        )
    # an old MKL's names: the VS methods with the precision letter (shoc-mic#3), the domains without DOMAIN_ (itpp bug 258)
    old = _OLD_VSL.fullmatch(name) or _OLD_DOMAIN.fullmatch(name)
    if old:
        vsl = old.re is _OLD_VSL
        new, header = ((f"VSL_RNG_METHOD_{old['rest']}", "mkl_vsl_defines.h") if vsl else
                       (f"MKL_DOMAIN_{old['rest']}", "mkl_types.h"))
        return Finding(
            "mkl-api-changed", "error", f"{name} is an old MKL's name of {'a Vector Statistics method' if vsl else 'a domain'}"
            f", which today's headers no longer define: {new} is its name", (errors[0].line[:300], (
                f"MKL names the random number generators' methods without a precision letter ({new} serves vsRng and vdRng "
                "alike)" if vsl else f"MKL names its domains (mkl_domain_set_num_threads' and the like's first argument) "
                f"MKL_DOMAIN_ALL, _BLAS, _FFT, _VML, _PARDISO, _LAPACK") + f"; the old names are gone (neither 2020.4's nor "
                f"2026's {header} has them): the code was written for an older MKL"),
            (f"replace {name} with {new} in the code",),
            "Code written for an old MKL calls names a newer MKL's headers no longer define.",
            (f"grep -n '{new.rsplit('_', 1)[0]}_' <MKL's include folder>/{header}   # today's names",),
            locations=ctx.located(errors, "error:"))
    return Finding(
        "mkl-api-changed", "error",
        f"{name} is not declared where the build compiles it: an MKL header not included, or MKL's headers older than the "
        "code" + (f" ({name} is declared from MKL {first} on)" if first else ""),
        (errors[0].line[:300],
         *((f"MKL's headers declare {name} from {first} on (mkldoctor's table of every mkl-include release)",) if first else ()),
         *((f"{name} is one of MKL 2017's deep-learning primitives (mkl_dnn.h), which its updates extended (the _v2 batch "
            "normalization after its first release: mxnet#4128 wanted a build of 2016-11-22 or later, mkl_version.h's "
            "__INTEL_MKL_BUILD_DATE) and a later release removed" + (f" (mkldoctor's table: exported up to {gone.overall.last}, "
            f"gone from {gone.overall.gone_since})" if (gone := exports.history(name)) and gone.overall.gone_since else "")
            + "; MKL-DNN, now oneDNN, took their place",) if name.startswith("dnn") else ())),
        (f"include MKL's header that declares it (#include <mkl.h> declares all of MKL's C API)",
         f"or compile against MKL {first} or newer: its headers (mkl-include, oneAPI's include folder) first on -I"
         if first else "or compile against the MKL release the project supports (a newer one declares more)",
         *((f"a project with code paths for several BLAS: {name} is MKL's own extension, which other BLAS's cblas.h "
            "(OpenBLAS's, ATLAS's) do not declare: the build took its MKL path (its finder found an MKL, a leftover "
            "libmkl_rt among them: meson's 'Library mkl_rt found: YES') while compiling with another BLAS's headers; make "
            "the build's BLAS choice one (its option, or remove the stray MKL)",) if facts.MKL_CBLAS_EXTENSION.match(name) else ())),
        "A compiler declares a function only from the headers a file includes; MKL adds functions in new releases.",
        ("grep -rn '" + name + "' <MKL's include folder>/*.h   # whether these headers declare it",),
        locations=ctx.located(errors, "error:"),
    )


_OLD_VSL = re.compile(r"VSL_METHOD_[SD](?P<rest>[A-Z0-9]+_[A-Z0-9_]+)")
_OLD_DOMAIN = re.compile(r"MKL_(?P<rest>ALL|BLAS|FFT|VML)")


def _deprecated(error: CompileError, header: str, ctx: Context) -> Finding:
    name = error.name.split("(")[0]
    use = re.search(r"\bUse [^\[]{5,200}? instead\b", error.line)  # oneMKL's own deprecation message
    return Finding(
        "mkl-deprecated-as-error", "error",
        f"the build stops at {name}: MKL's headers mark it deprecated, and the build makes that warning an error (-Werror)",
        (error.line[:300],
         *((f"MKL's header that marks it: {header}",) if header else ()),
         "MKL marks a function deprecated in the releases before it removes it (the mkl-include releases' mkl_cblas.h: "
         "cblas_?gemm_alloc of the packed GEMM API marked by 2020.4, not in 2019.0, and gone from 2021.1; cblas_?gemmt "
         "marked from 2026.2): a warning, which the build's -Werror (or -Werror=deprecated-declarations) turns into this "
         "error; the code is older than these headers"),
        (*((f"call what the deprecation names instead: {use.group(0)} (distributed-ranges#536 passed the queue)",) if use else ()),
         "build against the MKL release the project was written for (its documentation, CI or package pins say which; "
         "mkl_version.h's INTEL_MKL_VERSION beside the headers says which these are)",
         "or let the warning stay a warning for this build: add -Wno-error=deprecated-declarations to the compile flags "
         "(CMake: CMAKE_CXX_FLAGS, or the project's option that adds -Werror)",
         f"or take the project's release that no longer calls {name} (MKL's documentation names its replacement)"),
        "A deprecation is a warning; -Werror makes every warning an error, so a newer MKL's headers stop a build whose "
        "code they do not break.",
        (f"grep -rn '{name}' <MKL's include folder>/*.h   # the deprecation mark on its declaration",),
        locations=ctx.located([error], "error:"),
    )
