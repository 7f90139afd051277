"""MKL's TBB threading layer linked without the TBB it was built for: ld's undefined ``tbb::`` references.

MKL 2020 and older (Debian's 2020.4) call ``tbb::task_group_context::init()`` and friends, which
oneTBB 2021 (``libtbb.so.12``: Debian bookworm's libtbb-dev, pip's tbb) no longer has. ld says
``undefined reference to `tbb::task_group_context::init()'`` from ``libmkl_tbb_thread.a(...)``:
no MKL symbol is missing, the TBB is the wrong generation. oneMKL 2021 and newer's layer (the pinned 2026.2 wheel's
libmkl_tbb_thread.a, linked by gcc without -ltbb: tests/test_explain_tbb_link.py) needs oneTBB's ``tbb::detail::r1``
names and, being C++, libstdc++'s ``operator new``: the line lacks ``-ltbb -lstdc++``.
"""

from __future__ import annotations

import os
import re

from mkldoctor.findings import Finding
from mkldoctor.explain.events import LinkCommand, Parsed, UndefinedSymbol
from mkldoctor.knowledge import facts, layout, recipes, tbb


def _libtbb(parsed: Parsed) -> tuple[bool, str | None]:
    """Whether a link command of the log asks for TBB (-ltbb, a libtbb file), and the libtbb file it names that is here."""
    asked = False
    for command in parsed.of(LinkCommand):
        if command.requests("tbb"):
            asked = True
            for folder in command.lib_dirs:
                path = os.path.join(folder, "libtbb.so")
                if os.path.exists(path):
                    return True, os.path.realpath(path)
        for path in command.inputs:
            if os.path.basename(path).startswith("libtbb.so"):
                return True, os.path.realpath(path) if os.path.exists(path) else path
    return asked, None


def _linked_generation(libtbb: str | None) -> tbb.TbbGeneration | None:
    return next((g for g in tbb.GENERATIONS if libtbb and os.path.basename(libtbb).startswith(g.soname)), None)


def cxx_runtime(parsed: Parsed) -> list[UndefinedSymbol]:
    """The C++ runtime's names (operator new, __cxa_*) an MKL archive's C++ member needs: a link by gcc, not g++."""
    return [e for e in parsed.of(UndefinedSymbol) if facts.CXX_RUNTIME.match(e.symbol) and from_mkl(e)]


def from_mkl(event: UndefinedSymbol) -> bool:
    """Whether the name is needed by one of MKL's files (libmkl_tbb_thread.a(tbb_driver.o), libmkl_sycl_blas.so)."""
    return os.path.basename(event.referenced_from or "").startswith("libmkl_")


def tbb_findings(parsed: Parsed) -> list[Finding]:
    events = [e for e in parsed.of(UndefinedSymbol) if e.symbol.startswith(("tbb::", "_ZN3tbb"))
              and layout.layer("tbb", "threading").name in (e.referenced_from or "")]
    cxx = cxx_runtime(parsed)
    if not events:
        return [_cxx_missing(cxx)] if cxx else []
    names = sorted({e.symbol for e in events})
    layer = events[0].referenced_from
    asked, libtbb = _libtbb(parsed)
    wanted, linked = tbb.generation_of(names[0]) or tbb.CLASSIC, _linked_generation(libtbb)
    evidence = [f"{len(names)} tbb:: symbols undefined, all needed by {layer}"]
    evidence += [f"  {name}" + (f"   (in {e.member})" if (e := next(x for x in events if x.symbol == name)).member else "")
                 for name in names[:8]]
    if len(names) > 8:
        evidence.append(f"  and {len(names) - 8} more")
    if libtbb:
        evidence.append(f"the TBB on the line is {libtbb}" + (f" ({linked.releases}: {linked.soname})" if linked else ""))
    stdcxx = (f"and the C++ runtime: {', '.join(sorted({e.symbol for e in cxx})[:3])} undefined too (a link by gcc, not "
              "g++): -lstdc++ after MKL's libraries",) if cxx else ()
    if wanted is tbb.ONETBB and not (asked and linked is not tbb.ONETBB):
        return [Finding(
            "tbb-not-linked", "error",
            "MKL's TBB threading layer needs oneTBB's runtime (libtbb), which is not on the link line"
            + (" (nor the C++ runtime)" if cxx else ""),
            (*evidence, f"they are {wanted.releases}'s names ({wanted.soname}): the layer is {wanted.mkl}'s, which calls "
                        "TBB and leaves linking it to the program", *stdcxx),
            (f"link oneTBB after MKL's libraries: -L<oneTBB's lib folder> -ltbb{' -lstdc++' if cxx else ''} -lpthread -lm -ldl "
             f"({recipes.pip_install('tbb-devel')} or conda install tbb-devel: <prefix>/lib/libtbb.so; oneAPI: source "
             "setvars.sh, then $TBBROOT/lib)",
             "or use another threading layer: mkldoctor link --threading sequential (or intel, gnu)"),
            "MKL's static TBB layer (libmkl_tbb_thread.a) runs MKL's threads on TBB and is written in C++: the link needs "
            "libtbb and the C++ runtime after it, as Intel's link line advisor writes it (-ltbb -lstdc++).",
            ("mkldoctor link --threading tbb --format flags   # the whole line, with TBB",),
        )]
    return [Finding(
        "tbb-abi-mismatch", "error",
        f"MKL's TBB threading layer needs {'the classic TBB interface' if wanted is tbb.CLASSIC else 'oneTBB'}, and the "
        f"TBB linked is {'oneTBB, which dropped it' if wanted is tbb.CLASSIC else 'not oneTBB (classic TBB: libtbb.so.2)'}",
        (*evidence, *stdcxx),
        ("use another threading layer: mkldoctor link --threading sequential (or intel, gnu)",
         *((f"or a oneMKL 2021+ copy, built for oneTBB: {recipes.pip_install('mkl-static', 'tbb')}, then "
            "mkldoctor link --threading tbb --install <that prefix>",
            "or link the classic TBB 2020 (libtbb.so.2) instead of oneTBB") if wanted is tbb.CLASSIC else
           (f"or link oneTBB instead: {recipes.pip_install('tbb-devel')} (or conda install 'tbb-devel>=2021'), then "
            "-L<its lib folder> -ltbb",))),
        "MKL 2020 and older (Debian's 2020.4) were built against TBB 2020; oneTBB 2021 (Debian bookworm's libtbb-dev, "
        "pip's tbb) removed tbb::task_group_context and the other classic entry points they call; oneMKL 2021 and newer "
        "call oneTBB's (tbb::detail::r1), which the classic TBB does not have.",
        ("mkldoctor symbols -u --grep '^_ZN3tbb' <libmkl_tbb_thread.a>   # what the layer needs",
         "mkldoctor symbols -d --grep '^_ZN3tbb' <libtbb.so>              # what the TBB has"),
    )]


def _cxx_missing(cxx: list[UndefinedSymbol]) -> Finding:
    names = sorted({e.symbol for e in cxx})
    where = f"{cxx[0].referenced_from}" + (f"({cxx[0].member})" if cxx[0].member else "")
    return Finding(
        "mkl-cxx-runtime-missing", "error",
        "a C++ member of MKL's archive needs the C++ runtime, which the link does not have (a link by gcc, not g++)",
        (f"undefined: {', '.join(names[:4])}" + (f" and {len(names) - 4} more" if len(names) > 4 else ""),
         f"needed by {where}: MKL's TBB layer (and its SYCL libraries) are C++"),
        ("add -lstdc++ after MKL's libraries on the link line, or link with g++ (or clang++)",),
        "A C compiler driver (gcc, clang) links no C++ runtime; MKL's static C++ members need libstdc++'s operator new, "
        "delete and exception support, which Intel's link line advisor adds as -lstdc++.",
        (),
    )


def with_tbb_findings(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """``findings`` plus the TBB finding, which replaces the generic one about the same tbb:: (and C++ runtime) symbols."""
    tbb = tbb_findings(parsed)
    if not tbb:
        return findings

    def ours(name: str) -> bool:
        return name.startswith(("tbb::", "_ZN3tbb")) or facts.CXX_RUNTIME.match(name.split(" needed by ")[0]) is not None

    def only_tbb(finding: Finding) -> bool:
        needed = [e for e in finding.evidence if " needed by " in e]
        return finding.id == "undefined-symbol" and bool(needed) and all(ours(e.lstrip()) for e in needed)

    return [f for f in findings if not only_tbb(f)] + tbb


# -- at run time: MKL's TBB layer opened, and a tbb:: name it needs not defined ----------------------------------


def layer_cannot_load(events: Parsed) -> list[Finding]:
    """``INTEL MKL ERROR: .../libmkl_tbb_thread.so: undefined symbol: _ZN3tbb4task13note_affinityEt``: the TBB layer
    needs a TBB that is not loaded (none in the environment, or oneTBB where the layer was built for classic TBB)."""
    from mkldoctor.binary.demangle import demangle_all
    from mkldoctor.explain.runtime import MklKernelUndefined

    said = [e for e in events.of(MklKernelUndefined) if is_tbb_name(e.symbol)]
    if not said:
        return []
    names = list(dict.fromkeys(e.symbol for e in said))
    plain = demangle_all(names)
    wanted = tbb.generation_of(names[0]) or tbb.CLASSIC
    other = next(g for g in tbb.GENERATIONS if g is not wanted)
    layer = os.path.basename(said[0].path) or layout.layer("tbb", "threading").file_stem
    shown = ", ".join(f"{n} ({plain[n]})" if plain.get(n, n) != n else n for n in names[:4])
    evidence = [f"MKL opened {said[0].path or layer}, which needs {shown}: no TBB loaded in the process defines it",
                f"that is a name of {wanted.releases} ({wanted.soname}): the layer is {wanted.mkl}'s, built for that TBB",
                f"so either no TBB runtime is installed where the loader finds it (the mkl package does not always bring "
                f"tbb along), or the TBB there is {other.releases} ({other.soname}), which does not have it"]
    return [Finding(
        "tbb-runtime-missing", "error",
        f"MKL's TBB threading layer cannot load: it needs {wanted.releases}'s {plain.get(names[0], names[0])}, and no such TBB "
        "is loaded",
        tuple(evidence),
        (f"install the {wanted.name} TBB ({wanted.releases}) in the same environment: {recipes.conda_install(wanted.conda)} "
         f"(then {wanted.soname} must be on the loader path beside MKL)",
         "or use another threading layer: MKL_THREADING_LAYER="
         + " or ".join(str(lib.spelled("MKL_THREADING_LAYER")) for lib in layout.program_layers()),
         f"or an MKL whose TBB layer is built for the TBB you have ({other.releases}: {other.mkl})"),
        "MKL_THREADING_LAYER=TBB makes libmkl_rt open libmkl_tbb_thread, which runs MKL's threads on TBB. MKL 2020 and "
        f"older were built for the classic TBB ({tbb.CLASSIC.soname}), oneMKL 2021 and newer for oneTBB ({tbb.ONETBB.soname}), "
        "which removed the classic tbb::task interface; MKL's packages do not always require tbb, so it may be missing.",
        ("LD_DEBUG=libs MKL_THREADING_LAYER=TBB <the program> 2>&1 | grep -i tbb   # which libtbb, if any, the loader found",),
    )]


def runtime_not_found(events: Parsed) -> list[Finding]:
    """``INTEL oneMKL ERROR: libtbb.so.12: cannot open shared object file`` then ``Cannot load libmkl_tbb_thread.so.3``
    (produced with the pinned libmkl_rt and MKL_THREADING_LAYER=TBB): the TBB layer's runtime is not where the loader
    looks. MKL's packages do not require tbb, so a pip or conda MKL has none unless something else brought it."""
    from mkldoctor.explain.runtime import MklOpenFailed

    said = [e for e in events.of(MklOpenFailed) if tbb_runtime(e.path)]
    if not said:
        return []
    soname = os.path.basename(said[0].path)
    wanted = next((g for g in tbb.GENERATIONS if g.soname == soname), tbb.ONETBB if soname.endswith(".12") else tbb.CLASSIC)
    return [Finding(
        "tbb-runtime-missing", "error",
        f"MKL's TBB threading layer cannot load: {soname}, the TBB runtime it runs on, is not where the loader looks",
        (f"MKL tried to open {said[0].path}: {said[0].reason}",
         f"{soname} is {wanted.releases}'s runtime, which MKL's TBB threading layer ({wanted.mkl}'s) needs: it is the tbb "
         "package's (pip's mkl requires it), so MKL's files copied without it, an install with --no-deps, or an image that "
         "kept MKL's libraries alone leave it out",
         "MKL runs on TBB when told (MKL_THREADING_LAYER=TBB, mkl_set_threading_layer, a link with libmkl_tbb_thread)"),
        (f"install TBB in the same environment: python3 -m pip install tbb (its {soname} in <prefix>/lib), or "
         f"{recipes.conda_install(wanted.conda)}, or oneAPI's intel-oneapi-tbb with source setvars.sh",
         "or use another threading layer: MKL_THREADING_LAYER="
         + " or ".join(str(lib.spelled("MKL_THREADING_LAYER")) for lib in layout.program_layers())
         + " (unset MKL_THREADING_LAYER=TBB where nothing needs it)"),
        "MKL's threading layers run its threads on an OpenMP runtime or on TBB; each needs its runtime library beside MKL "
        "at run time, and each runtime is a package of its own (intel-openmp, tbb).",
        ("env | grep MKL_THREADING_LAYER; python3 -m pip show tbb   # what asked for TBB, and whether it is installed",),
    )]


_TBB_RUNTIME = re.compile(r"^(?:lib)?tbb(?:12)?(?:\.so(?:\.\d+)*|\.dll|\.dylib|\.\d+\.dylib)$")


def tbb_runtime(path: str) -> bool:
    """Whether a file MKL tried to open is TBB's runtime (libtbb.so.12, libtbb.so.2, tbb12.dll)."""
    return _TBB_RUNTIME.match(os.path.basename(path)) is not None


def is_tbb_name(symbol: str) -> bool:
    return tbb.generation_of(symbol) is not None
