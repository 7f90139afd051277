"""A C++ name of oneMKL's SYCL API missing at run time: ``liboneapi_support.so: undefined symbol:
_ZN6oneapi3mkl6lapack21gebrd_scratchpad_sizeIf...`` (JuliaPackaging/Yggdrasil PR #9766).

oneMKL's SYCL API is C++: a library calls it by mangled names that encode the template arguments as the compiler that
built the caller wrote them. The loaded ``libmkl_sycl_<domain>`` exports the names as Intel's compiler wrote them for its
release; a caller built against another release's headers, or by a compiler that mangles an instantiation otherwise
(Clang against oneMKL's icpx-built library, in that thread; GCC built it right), asks for a name nobody defines.
At a link, the SYCL runtime's names and oneMKL's SYCL API (``oneapi::mkl::``) undefined where the link named host MKL
only (kokkos-kernels#2023) are this module's too.
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q


def _parts(mangled: str) -> list[str]:
    """``_ZN6oneapi3mkl6lapack21gebrd_scratchpad_size...`` -> ["oneapi", "mkl", "lapack", "gebrd_scratchpad_size"]."""
    parts, at = [], 3
    while at < len(mangled) and mangled[at].isdigit():
        digits = re.match(r"\d{1,4}", mangled[at:]).group(0)
        if int(digits) > len(mangled) - at - len(digits):
            break  # a length past the name's end: not a mangled name after all
        at += len(digits)
        parts.append(mangled[at:at + int(digits)])
        at += int(digits)
    return parts


def at_run_time(event) -> Finding | None:
    """hosts' SymbolLookupError for a oneapi::mkl:: name; None for any other."""
    if not event.symbol.startswith("_ZN6oneapi3mkl"):
        return None
    parts = _parts(event.symbol)
    name = "::".join(parts) or event.symbol[:80]
    domain = parts[2] if len(parts) > 3 else "<domain>"
    function = parts[-1] if parts else "<function>"
    return Finding(
        "mkl-sycl-name-mismatch", "error",
        f"{name} (oneMKL's SYCL API) is not exported under the name {event.library.rsplit('/', 1)[-1]} asks for",
        (f"{event.binary}: {event.library} needs {event.symbol[:160]}",
         f"it is {name}, a C++ function of oneMKL's SYCL interface (libmkl_sycl_{domain}, libmkl_sycl before 2024), "
         "called by its mangled name, which encodes its template and argument types as the caller's compiler wrote them",
         "the name no library of the process defines is, most often, the caller's: built against another oneMKL "
         "release's headers than the one loaded, or by another compiler than oneMKL's (a template instantiation that "
         "Clang mangles otherwise than Intel's icpx: Yggdrasil PR #9766); or no libmkl_sycl library is loaded at all "
         "(ldd shows whether the caller names one)"),
        (f"compare the two spellings: nm -D --defined-only <oneMKL's lib folder>/libmkl_sycl_{domain}.so* | grep {function} "
         f"and the one needed (c++filt demangles both); the first difference is the compiler's or the release's",
         "build the caller with the compiler its oneMKL supports for it (icpx; the GCC its recipe used) against the headers "
         "of the oneMKL it runs with",
         "or run it with the oneMKL release it was built against"),
        "oneMKL's SYCL functions are templates and overloads: their exported names depend on the headers and the compiler. "
        "A caller and a library that disagree on either look for different names.",
        (f"nm -D --undefined-only {q(event.library)} | grep _ZN6oneapi3mkl | c++filt   # every oneMKL name it needs",),
    )


def runtime_names(symbols: list[str], by_symbol) -> list[str]:
    """The SYCL runtime's own names (``sycl::_V1::...``) that oneMKL's SYCL libraries need and the link did not give."""
    return [s for s in symbols if s.startswith("sycl::") and any(
        os.path.basename(e.referenced_from or "").startswith("libmkl_sycl") for e in by_symbol[s])]


def runtime_too_old(symbols: list[str], by_symbol) -> Finding:
    """spack/spack PR #47264: MKL 2025.0's libmkl_sycl_* linked by the oneAPI 2024.2 compiler, whose libsycl lacks them."""
    users = sorted({e.referenced_from for s in symbols for e in by_symbol[s] if e.referenced_from})
    release = next((m.group(1) for u in users for m in [re.search(r"/mkl/(20\d\d(?:\.\d+)*)/", u)] if m), None)
    compiler = next((m.group(1) for u in users for m in [re.search(r"oneapi-(20\d\d(?:\.\d+)*)", u)] if m), None)
    evidence = [needed for s in symbols[:2] for needed in
                [f"{s.split('(')[0][:120]} needed by {os.path.basename(by_symbol[s][0].referenced_from or '')}"]]
    evidence.append("sycl:: names are the SYCL runtime's (libsycl, the DPC++ compiler's): oneMKL's SYCL libraries of a "
                    "release are built against the SYCL runtime of the same oneAPI release, and an older compiler links "
                    "its own older libsycl, which lacks names they call")
    if release or compiler:
        evidence.append("the paths say: " + ", ".join(filter(None, (f"MKL {release}" if release else "",
                                                                   f"a oneAPI {compiler} compiler" if compiler else ""))))
    return Finding(
        "mkl-sycl-runtime-too-old", "error",
        "oneMKL's SYCL libraries need a newer SYCL runtime than the compiler linked: "
        + (f"MKL {release} with " if release else "") + (f"oneAPI {compiler}'s icpx" if compiler else "an older icpx"),
        tuple(evidence),
        (f"build with the compiler of MKL's own oneAPI release{f' ({release[:4]})' if release else ''} or newer (Spack: "
         "%oneapi@<that release>; oneAPI: source that release's setvars.sh), so that its libsycl is the one oneMKL was built with",
         "or an MKL of the compiler's release (the same year's oneMKL)"),
        "oneMKL's SYCL interfaces are C++ libraries built with the DPC++ compiler of their oneAPI release; the SYCL runtime "
        "they call grows with each release, so a link with an older compiler's runtime leaves their calls undefined.",
        ("icpx --version; ls <MKL's lib folder>/libmkl_sycl*   # the compiler's release beside MKL's",),
    )


# the SYCL runtime's own C++ names (sycl::_V1::..., cl::sycl:: before 2023) and its Unified Runtime loader's C names
_SYCL_RUNTIME = re.compile(r"^_ZNK?(?:4sycl|2cl4sycl)|^(?:cl::)?sycl::")


def runtime_at_run_time(event) -> Finding | None:
    """A library that needs a name of the DPC++ SYCL runtime (libsycl) the process loaded without it (dpctl PR #1301, #727),
    or libsycl itself a name of the Unified Runtime loader (vllm-omni PR #6289); None for any other name."""
    library = event.library.rsplit("/", 1)[-1]
    if re.match(r"libsycl\.so\.\d+", library) and re.match(r"ur[A-Z]\w+$", event.symbol):
        return Finding(
            "sycl-runtime-older-than-build", "error",
            f"{library} needs {event.symbol} of the Unified Runtime loader, and the libur_loader loaded is older",
            (f"{event.binary}: {event.library} needs {event.symbol}",
             "libsycl and its Unified Runtime loader (libur_loader.so) come as a pair of one oneAPI release (the same "
             "intel-sycl-rt or umf/ur wheels, the same oneAPI folder): another release's libur_loader, found first, lacks "
             "names the newer libsycl calls (a base image's oneAPI folder on LD_LIBRARY_PATH or in ld.so.conf ahead of a "
             "wheel's <prefix>/lib)"),
            ("put the folder of the libsycl that needs it first on the loader's path: export LD_LIBRARY_PATH=<its folder>"
             "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} (a Python environment's wheels: <env>/lib), or remove the other "
             "oneAPI's folder from it (vllm-omni PR #6289: /opt/venv/lib first)",),
            "The loader binds each name to the first library of that name it finds; a pair split across two releases "
            "fails on the first name the older one lacks.",
            ("ldd <the library that loads libsycl> | grep -E 'libsycl|ur_loader'   # which copies are found, where",),
        )
    if not _SYCL_RUNTIME.match(event.symbol):
        return None
    legacy = re.match(r"_ZNK?2cl4sycl|cl::sycl::", event.symbol) is not None  # the namespace before oneAPI 2023
    return Finding(
        "sycl-runtime-older-than-build", "error",
        f"{library} was built with a newer DPC++ compiler than the SYCL runtime (libsycl) the process loaded",
        (f"{event.binary}: {event.library} needs {event.symbol[:160]}",
         "the name is the DPC++ SYCL runtime's (sycl:: in C++, cl::sycl:: before 2023): a library built with one DPC++ "
         "release calls the runtime names of that release, and an older libsycl lacks the newer ones"
         + ("; a cl::sycl:: name is of a runtime before oneAPI 2023, so a newer runtime may have dropped it as well (its "
            "beta releases changed from one to the next: daal4py#257, rebuilt against the oneAPI installed)" if legacy else "")),
        ("install the SYCL runtime of the release the library was built with or newer (conda: dpcpp-cpp-rt; pip: "
         "intel-sycl-rt or dpcpp-cpp-rt, the version the package pins; oneAPI: that release's setvars.sh), or a build of "
         "the package made for the runtime installed (dpctl PR #1301: its package now requires the 2023.2 runtime)",),
        "DPC++'s SYCL runtime grows with each release; a package whose dependency on it is unpinned can be installed beside "
        "an older one.",
        (f"ldd {q(event.library)} | grep libsycl; conda list 'dpcpp|sycl'   # the runtime found, and the one installed",),
    )


def link_names(symbols: list[str]) -> list[str]:
    """The SYCL runtime's own names among names a link left undefined (mangled, as ld says them for 'undefined reference
    to symbol', or demangled)."""
    return [s for s in symbols if _SYCL_RUNTIME.match(s) and "oneapi::" not in s]  # (a oneMKL function returns sycl::event)


def runtime_not_linked(symbols: list[str], by_symbol, command) -> Finding:
    """llama.cpp#9490: ggml's SYCL objects linked by icpx with oneMKL's libraries and no -fsycl (CMake's private link items
    after ggml's rework), so no libsycl: 'libggml.a(ggml-sycl.cpp.o): undefined reference to symbol
    _ZNK4sycl3_V16device8get_info...'."""
    sycl_on_line = command is not None and any(a == "-fsycl" or "libsycl" in a or a.startswith("-lsycl") for a in command.argv)
    return Finding(
        "sycl-runtime-not-linked", "error",
        "the SYCL runtime (libsycl) is not on the link: " + ", ".join(s[:60] for s in symbols[:2])
        + (f" and {len(symbols) - 2} more" if len(symbols) > 2 else "") + " undefined",
        (*(f"{s[:120]} needed by {by_symbol[s][0].referenced_from or '(an object the linker did not name)'}"
           for s in symbols[:2]),
         "these are the DPC++ SYCL runtime's own names (sycl::_V1:: in C++, cl::sycl:: before 2023), which code compiled "
         "with -fsycl calls; the compiler's driver adds libsycl to a link only when the link itself is given -fsycl",
         *(("the link line names no -fsycl and no libsycl",) if command is not None and not sycl_on_line else ())),
        ("link with the SYCL compiler and -fsycl on the link line too (icpx -fsycl ... -o <program>); CMake: "
         "target_link_options(<target> PRIVATE -fsycl), or target_link_libraries(<target> PRIVATE sycl) where a library's "
         "link items are private to it (llama.cpp's ggml after its CMake rework: its fix named sycl among them)",
         "a static library of SYCL objects (libggml.a) passes its needs to whatever links it: the program's link must add "
         "-fsycl (or libsycl) as well"),
        "A SYCL program's objects call the SYCL runtime; icpx links libsycl when the link is a SYCL link (-fsycl), and "
        "oneMKL's SYCL libraries on the line do not bring it by themselves.",
        ("icpx -fsycl -### <the link's objects> 2>&1 | grep -o -- '-lsycl[0-9]*'   # the runtime -fsycl adds",),
    )


# oneMKL's SYCL function, its demangled name after the return type a template's name carries ("sycl::_V1::event
# oneapi::mkl::rng::generate<...>(...)", AMReX PR #3536)
ONEMKL_API = re.compile(r"^(?:[\w:]+(?:<[^()]*?>)?\s+)?oneapi::mkl::")


def api_not_linked(ctx, symbols: list[str], by_symbol) -> Finding:
    """kokkos-kernels#2023: oneapi::mkl::blas::column_major::gemv undefined in a Trilinos build that linked host MKL only."""
    domain = re.search(r"oneapi::mkl::(\w+)", symbols[0])
    part = domain.group(1) if domain else "blas"
    names = list(dict.fromkeys(m.group(0) for s in symbols if (m := re.search(r"oneapi::mkl::[\w:]+", s))))
    return Finding(
        "mkl-sycl-api-not-linked", "error",
        f"{more(names, 2)} undefined: oneMKL's SYCL API, whose libraries the link does not name",
        tuple(needed_by(symbols, by_symbol)) + (
            "oneapi::mkl:: functions are oneMKL's SYCL (C++) interface, in libraries of their own: libmkl_sycl (2023 and "
            f"older), libmkl_sycl_{part} and its siblings since 2024; MKL's C link line (mkl_rt, or the three layers) does "
            "not carry them",),
        (f"link oneMKL's SYCL library with a SYCL compiler (icpx -fsycl): -lmkl_sycl_{part} (2024 and newer; -lmkl_sycl "
         "before) beside MKL's layers, or CMake's target MKL::MKL_SYCL::" + part.upper() + " (MKL::MKL_DPCPP before 2024) "
         "from find_package(MKL CONFIG); or let icpx add them: -fsycl -qmkl (-qmkl=sequential) on the link line",
         "or build without the code that calls them (the project's SYCL or oneMKL option off) where only host MKL is wanted"),
        "oneMKL's SYCL API runs on SYCL devices and is shipped apart from MKL's C libraries; a build that links host MKL "
        "only leaves every oneapi::mkl:: call undefined.",
        locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
    )
