"""A build that stopped at a package that is not MKL: CMake's ``Could NOT find CBLAS (missing: CBLAS_file)`` in a
project that uses MKL (oneMath#451: its unit tests look for a reference CBLAS to compare MKL's results with), meson's
``meson.build:12:0: ERROR: Dependency "cblas" not found, tried pkgconfig and cmake``.

The failure is real, and MKL is not its cause: the finding names the package and the ``find_package`` call that
asked for it (from CMake's call stack), so that the user installs that package, points CMake at it, or turns off the
part of the project that wants it. MKL's own finders (``Could NOT find MKL``, BLAS, LAPACK, OpenMP) are
:mod:`finders`' and :mod:`build`'s; this reads only a CMake error about another package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.finders import CMAKE_AT
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

# packages whose search is MKL's, a BLAS's (which MKL may be asked to stand in for) or its threading's: other families
# read them; a reference CBLAS or LAPACKE is a package of its own
# (a GPU vendor's BLAS, cuBLAS or rocBLAS, is a package of its own too: oneMath's backends for other GPUs, oneMath#72)
_MKL_FAMILY = re.compile(r"(?i)mkl|^(?:(?!cblas$|lapacke$|(?:cu|hip|roc|cl)blas)(?:.*(?:blas|lapack).*)|tplmkl|openmp\w*|omp\w*"
                         r"|iomp\w*|tbb|intel\w*|threads)$")
_NEAR_MKL = {"CBLAS": "cblas.h with a libcblas", "LAPACKE": "lapacke.h with a liblapacke"}
_ONEMATH_REFERENCE = re.compile(r"\(missing:[^)]*\b(?:CBLAS|LAPACKE)(?:64)?[_ ]file\b")  # "CBLAS file": its FAQ's spelling
_CALL = re.compile(r"^\s*(?P<file>\S.*?):(?P<line>\d+) \(find_package\)")
_OWN_MODULE = re.compile(r"^\s*(?P<file>\S*Find\w+\.cmake):\d+ \(find_package_handle_standard_args\)")
_MISSING = re.compile(r"\(missing: (?P<vars>[\w ]+?)\s*\)")
_ROCM = "AMD's ROCm (<ROCm>/include, <ROCm>/lib)"
_GPU_BLAS = {"cu": "NVIDIA's CUDA toolkit (cublas_v2.h in <CUDA>/include, libcublas in <CUDA>/lib64)", "hip": _ROCM, "roc": _ROCM}


@dataclass(frozen=True, slots=True)
class OtherPackageMissing:
    """CMake's error for a package the project requires that is not MKL, with the ``find_package`` call that asked."""

    package: str
    line: str
    caller: str = ""  # "tests/unit_tests/CMakeLists.txt:21", the last find_package frame of the call stack
    tool: str = "cmake"
    module: str = ""  # "cmake/FindcuBLAS.cmake": the project's own find module, the first frame (not one of CMake's Modules)
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "OtherPackageMissing":
        callers, module = [], ""
        for line in lines:
            if not line.startswith(" ") and "Call Stack" not in line:
                break  # the message and its call stack are indented under CMake's head
            call = _CALL.match(line)
            if call:
                callers.append(f"{call.group('file')}:{call.group('line')}")
            own = _OWN_MODULE.match(line) if not callers and not module else None
            if own and "/Modules/" not in own.group("file"):
                module = own.group("file")
        # the first frame is inside the find module; the project's own call of find_package is the last such frame
        return replace(self, caller=callers[-1] if callers else "", module=module, wants=0)


def _missing(m: re.Match, before) -> OtherPackageMissing | object:
    package = m.group("package")
    if _MKL_FAMILY.search(package):
        return NOT_MINE
    # a CMake error (the head on a line before), not a status line of a search that may be optional; oneMath's reference
    # BLAS and LAPACKE for its tests are required where they are searched (oneMath#334 quoted the line alone)
    if not any((at := CMAKE_AT.search(line)) and at.group("kind").lower() == "error" for line in list(before)[-3:]) \
            and not _ONEMATH_REFERENCE.search(m.string):
        return NOT_MINE
    return OtherPackageMissing(package, m.string.strip())


def _meson(m: re.Match, _) -> OtherPackageMissing | object:
    if _MKL_FAMILY.search(m.group("package")):
        return NOT_MINE
    return OtherPackageMissing(m.group("package"), m.string.strip(), (m.group("where") or "").rsplit(":", 1)[0], "meson", wants=0)


def _autoconf(m: re.Match, _) -> OtherPackageMissing | object:
    if _MKL_FAMILY.search(m.group("package")):
        return NOT_MINE
    return OtherPackageMissing(m.group("package"), m.string.strip(), "", "configure", wants=0)


SIGNATURES = (
    # autoconf's error for another library (QE's "configure: error: Could not find required libxc library.", q-e#197)
    Signature("autoconf-other-library-not-found", "otherdeps", "rror: ",
              re.compile(r"(?:^|\s)configure(?::\d+)?: error: (?:[Cc]ould not find|[Cc]annot find|[Cc]ouldn't find|[Nn]o) (?:the )?(?:required )?"
                         r"(?P<package>[A-Za-z][\w.+-]*) (?:library|libraries|package)\b"), _autoconf),
    Signature("cmake-other-package-not-found", "otherdeps", "Could NOT find",
              re.compile(r"^\s*Could NOT find (?P<package>[A-Za-z][\w.+-]*)"), _missing),
    # the same typed by hand in a sentence's case, with its "(missing: ...)" to tell it from prose (oneMath#266)
    Signature("cmake-other-package-not-found-typed", "otherdeps", "ould not find",
              re.compile(r"^\s*[Cc]ould not find (?P<package>[A-Za-z][\w.+-]*) ?\(\s*missing\b"), _missing),
    Signature("meson-other-dependency-not-found", "otherdeps", "not found",
              re.compile(r"^(?:(?P<where>\S+\.build:\d+:\d+): )?ERROR: Dependency \"(?P<package>[^\"]+)\" not found"), _meson),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OtherPackageMissing)
    if not said:
        return []
    first = said[0]
    if first.tool == "configure":
        return [_configure_check(first, events)]
    where = f" ({first.caller})" if first.caller else ""
    evidence = [f"{'CMake' if first.tool == 'cmake' else 'meson'} says: {first.line[:200]}"]
    if first.caller:
        evidence.append(f"the project asks for {first.package} at {first.caller}" +
                        (" (the last find_package of CMake's call stack)" if first.tool == "cmake" else ""))
    evidence.append(f"{first.package} is not MKL: MKL's own search did not fail here")
    near = _NEAR_MKL.get(first.package.upper())
    if near:
        evidence.append(f"a {first.package} finder looks for a package of its own name ({near}); MKL has those functions "
                        "in its own libraries and headers (mkl_cblas.h, mkl_lapacke.h), so it does not stand in for it; "
                        "a project that wants both uses that package as a reference to check MKL's results")
    part = re.search(r"(?i)\b(?:tests?|unit_tests|examples?|benchmarks?|docs?)\b", first.caller)
    option = ("grep -n 'option(' CMakeLists.txt: BUILD_TESTING=OFF, or the project's own, such as oneMath's "
              "-DBUILD_FUNCTIONAL_TESTS=OFF" if first.tool == "cmake" else "meson_options.txt lists them: -D<option>=false")
    fix = [f"install {first.package}'s development package, or point CMake at the one you have: cmake "
           f"-D{first.package}_ROOT=<its prefix> (or -DCMAKE_PREFIX_PATH=<its prefix>), then configure again"
           if first.tool == "cmake" else
           f"install {first.package}'s development package, or point meson at the one you have: its {first.package}.pc "
           "folder on PKG_CONFIG_PATH (or meson setup -Dpkg_config_path=<folder>), or its CMake package's prefix on "
           "CMAKE_PREFIX_PATH; then meson setup --wipe <build dir>"]
    if re.search(r"64[_ ]file", first.line):  # oneMath's ILP64 reference (oneMath#334): LAPACK built with 64-bit indices
        fix.insert(0, "CBLAS64_file and LAPACKE64_file are oneMath's reference CBLAS and LAPACKE of 64-bit integers (its "
                      "ILP64 tests): build reference LAPACK with -DBUILD_INDEX64=ON -DCBLAS=ON -DLAPACKE=ON "
                      "-DBUILD_SHARED_LIBS=ON and give its prefix as -DREF_BLAS_ROOT, or build without the tests: "
                      "-DBUILD_FUNCTIONAL_TESTS=OFF")
    elif re.search(r"CBLAS[_ ]file", first.line):  # oneMath's FindCBLAS (oneMath#266): it reads REF_BLAS_ROOT, and wants a shared library
        fix.insert(0, "CBLAS_file is oneMath's (the oneMKL interfaces') FindCBLAS: its tests' reference BLAS comes from "
                      "REF_BLAS_ROOT: give it the folder that holds the shared libcblas.so or libblas.so "
                      "(-DREF_BLAS_ROOT=/usr/lib/x86_64-linux-gnu; a folder of static libblas.a alone is not found: "
                      "oneMath#266), or build without the tests: -DBUILD_FUNCTIONAL_TESTS=OFF")
    missing = _MISSING.search(first.line)
    # the project's own find module: it looks only where it was written to look
    if first.module and missing and not _ONEMATH_REFERENCE.search(first.line):
        given = " ".join(f"-D{var}=" + ("<the folder that holds its header>" if var.endswith(("INCLUDE_DIR", "INCLUDE_DIRS"))
                                        else "<the library's full path>" if "LIBRAR" in var else "<its value>")
                         for var in missing.group("vars").split())
        fix.insert(0, f"{first.module} is the project's own find module, not CMake's: it looks only where it was written to "
                      f"look, and takes what it did not find from the command line: cmake {given} <source dir>")
    gpu = next((what for prefix, what in _GPU_BLAS.items() if first.package.lower().startswith(prefix)), "")
    if gpu:
        evidence.append(f"{first.package} is a GPU vendor's BLAS, which comes with {gpu}: a backend for that vendor's "
                        "GPUs, which MKL does not replace")
    if part:
        fix.insert(0, f"the call is in the project's {part.group(0)} ({first.caller}): turn that part off with the project's "
                      f"option for it ({option}), or install the package")
    if first.tool == "cmake":
        fix.append(recipes.cmake_reset())
    return [Finding(
        "dependency-not-mkl", "error", f"the build stopped at a package that is not MKL: {first.package} was not found{where}",
        tuple(evidence), tuple(fix),
        "CMake and meson stop at the first package a project requires and cannot find. In a project built with MKL, that package "
        "may be another: a reference BLAS for its tests, a compiler's runtime, a library its examples use. MKL is then not "
        "the cause, and no MKL setting fixes it.",
        (f"cmake --debug-find-pkg={first.package} <source dir>   # each folder find_package tried (CMake 3.23+)",)
        if first.tool == "cmake" else (f"pkg-config --modversion {first.package}   # the .pc file meson looks for first",),
        locations=ctx.located([first], f"{first.tool} could not find {first.package}"),
    )]


def _configure_check(first: OtherPackageMissing, events: Parsed) -> Finding:
    """autoconf's check of another library, whose test link also carries the MKL flags gathered before it: where no -L
    names MKL's folder, the test fails on MKL and configure blames the library it tested (q-e#197, fixed by q-e !1042)."""
    from mkldoctor.explain.events import LinkCommand

    bare = [c for c in events.of(LinkCommand) if any(r.name.startswith("mkl_") for r in c.libs)
            and not any("mkl" in d.lower() for d in c.lib_dirs)]
    mkl = [r.name for r in bare[0].libs if r.name.startswith("mkl_")] if bare else []
    evidence = [f"configure says: {first.line[:200]}", f"{first.package} is not MKL: MKL's own search did not fail here"]
    fix = [f"install {first.package}'s development package, or give configure its prefix (./configure --help | grep -i "
           f"{first.package}: its --with-{first.package}=<prefix> or its own variables)"]
    if bare:
        evidence.append(f"the check's link line carries {' '.join('-l' + n for n in mkl)} (the libraries configure gathered "
                        "for MKL before this check) and no -L to MKL's folder: the test program fails on MKL, and configure "
                        f"says {first.package} is missing")
        fix.insert(0, "let configure's tests link MKL too: LDFLAGS=\"-L$MKLROOT/lib/intel64\" (or LIBRARY_PATH, which "
                      "oneAPI's setvars.sh sets) on the configure line, or the project's release whose check links "
                      f"{first.package} alone (Quantum ESPRESSO: !1042 for q-e#197)")
    return Finding(
        "dependency-not-mkl", "error", f"the build stopped at a package that is not MKL: configure found no {first.package}"
        + (", because its test link failed on MKL's libraries" if bare else ""),
        tuple(evidence), tuple(fix),
        "autoconf's checks link a small program with the flags gathered so far; a library the check does not test, left on "
        "the line without its folder, fails the check as surely as the one it tests.",
        (f"grep -n -A25 'checking for {first.package}' config.log   # the test's link line and the linker's own error",),
    )
