"""The C library's parts and the libraries a link reached only as another's dependency: ``pthread_atfork``, ``dlopen``,
``sqrt`` undefined (libpthread, libdl, libm not named, a static MKL's archives calling them), and ld's ``DSO missing from
command line`` (libsycl without -fsycl: llama.cpp PR #8644). Intel's OpenMP runtime of an old Intel compiler calling
``pthread_atfork`` in a GNU build (r-devel, 2008-11: R with gfortran against MKL 10) is told its GNU layers too.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.wording import needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts


def system_libraries(ctx: Context, system: dict, dso: list) -> Finding:
    """Names of the C library's parts (libm, libdl, libpthread) undefined, and libraries ld found only as another's dependency
    (DSO missing from command line): the link line must name them."""
    libs = list(system)
    for event in dso:
        name = os.path.basename(event.library)
        lib = name[3:].split(".so", 1)[0] if name.startswith("lib") else name
        if lib not in libs:
            libs.append(lib)
    by_symbol = OrderedDict()
    for lib, events in system.items():
        for event in events:
            by_symbol.setdefault(event.symbol, []).append(event)
    evidence = needed_by(list(by_symbol), by_symbol)
    evidence += [f"{event.library} holds them, but the link line does not name it (ld: DSO missing from command line)"
                 for event in dso]
    from mkldoctor.explain.linker import from_mkl_archive

    from_mkl = any(from_mkl_archive(e) for events in system.values() for e in events)
    flags = " ".join([f"-l{lib}" for lib in libs if lib not in ("pthread", "m", "dl", "c")]  # a DSO's own (-lstdc++, -lgfortran)
                     + [f"-l{lib}" for lib in ("pthread", "m", "dl") if lib in libs or from_mkl])
    why = ("A static MKL link pulls MKL's code out of the archives, and that code calls the C library's maths "
           "(libm), dynamic loading (libdl) and threads (libpthread). A shared libmkl names them itself; the archives "
           "cannot, so the link line must, after the MKL archives." if from_mkl else
           "These functions live in the C library's separate parts (libm, libdl, libpthread), which the link line does not name."
           if system else "ld takes symbols only from libraries named on the line (binutils 2.22 and newer): the library that "
           "holds them reached the link only as another library's dependency, and is refused.")
    sycl = next((e.library for e in dso if os.path.basename(e.library).startswith("libsycl.so")), None)
    if sycl:  # llama.cpp PR #8644 dropped -fsycl from ggml's link interface; PR #8667 put it back
        evidence.append(f"{os.path.basename(sycl)} is the SYCL runtime of Intel's oneAPI compiler: icpx adds it to a link given "
                        "-fsycl, and code built with -fsycl (a static library of SYCL objects, oneMKL's SYCL libraries) "
                        "linked without that flag leaves it out")
    iomp5 = any("libiomp5" in (e.referenced_from or "") for events in system.values() for e in events)
    gnu = (("or, building with gcc or gfortran, take MKL's GNU layers, which run on GCC's own OpenMP and need no libiomp5: "
            "-lmkl_gf_lp64 -lmkl_gnu_thread -lmkl_core -lgomp in place of the Intel layers, -liomp5 and -lguide (r-devel, "
            "2008-11: R built with gfortran against MKL 10)",) if iomp5 and "pthread" in libs else ())
    return Finding(
        "system-libraries-missing", "error",
        f"{', '.join(list(by_symbol)[:4]) or 'symbols'} undefined: the link line lacks {flags}",
        tuple(evidence),
        (*(("link with -fsycl (icpx -fsycl at the final link; a project's link flags for SYCL, such as ggml's GGML_EXTRA_LIBS, "
            "must carry it to every executable that links the SYCL objects)",) if sycl else ()),
         ctx.edited(f"add {flags} at the end of the link line (after the MKL archives): ... -Wl,--end-group {flags}" if from_mkl
                    else f"{'or ' if sycl else ''}add {flags} at the end of the link line (after MKL's libraries): ... {flags}",
                    Edit(append=tuple(flags.split()))),
         *gnu, f"mkldoctor link{' --link static' if from_mkl else ''} --format flags   # prints the whole line, these included"),
        why,
        ("add -Wl,--verbose: ld lists each library it opens; "
         f"{', '.join(facts.C_SONAMES[lib] for lib in libs if lib in facts.C_SONAMES) or 'each of them'} must be among them",),
    )
