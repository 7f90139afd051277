"""ld's ``multiple definition of`` OpenMP's names: two OpenMP runtimes on one link.

``.../mklml_lnx_2019.0.3.20190220/lib/libiomp5.so:(*IND*+0x0): multiple definition of `omp_get_place_num'``
(pytorch/pytorch#22294): a build that links Intel's OpenMP runtime (libiomp5, which MKL's intel_thread layer needs, here
MKL-ML's copy) beside another one that defines the same omp_ names (GCC's libgomp, LLVM's libomp, or a static copy):
a program has room for one runtime. Other names defined twice are left to the unrecognised lines (no rule reads them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain import blasnames
from mkldoctor.explain.catalogue import NOT_MINE, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts


@dataclass(frozen=True, slots=True)
class OpenmpDefinedTwice:
    files: tuple[str, ...]  # the files ld names for it: .../libiomp5.a, /usr/lib/gcc/.../libgomp.a
    name: str
    line: str


_MULTIPLE = re.compile(r"multiple definition of [`'‘](?P<name>[\w.$@]{1,300})['’]")
# the objects and libraries ld names: on the line ("libiomp5.so:(*IND*+0x0): ...", "; libgomp.a(allocator.o):... first
# defined here") and on the line before it ("/usr/bin/ld: .../libiomp5.a(kmp_csupport.o): in function `omp_alloc':")
_FILE = re.compile(r"(?<![^\s:;'`(])([^\s:;'`(]+\.(?:a|o|so[\d.]*|dylib|lib))(?:\([^)]*\))?:")


@dataclass(frozen=True, slots=True)
class ApiDefinedTwice:
    """An FFTW3 or BLAS/LAPACK name MKL also defines, defined twice on a link (WIEN2k's self-built libfftw3.a beside
    libmkl_intel_lp64.a, whose FFTW3 wrappers define fftw_destroy_plan: minyez's notes)."""

    name: str
    line: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StubBlacsCalled:
    """A stub BLACS's own words at run time: BigDFT's blacs_fake.f90 prints "FAKE BLACS_GRIDINIT" (the forum of abinit,
    t=2235, typed as "FAKE BLABS_GRIDINIT"): a library of stubs answered in place of MKL's BLACS layer."""

    line: str


@dataclass(frozen=True, slots=True)
class FirstDefined:
    """ld's ``first defined here`` on a line of its own (older binutils): the other file that defines the name."""

    file: str


_FFTW = re.compile(r"^[sd]?fftw[fl]?_\w+$")


def _cluster_name(name: str) -> bool:
    """A name only MKL's BLACS and ScaLAPACK libraries export (blacs_gridinfo_, pdgemm_): the cluster API."""
    libs = exports.exporters(name)
    return bool(libs) and all(lib.startswith(("libmkl_blacs", "libmkl_scalapack")) for lib in libs)


def _said(m: re.Match, before) -> OpenmpDefinedTwice | ApiDefinedTwice | object:
    name = m.group("name")
    if _FFTW.match(name) or blasnames.is_blas_name(name) or _cluster_name(name):
        line = m.string.strip()
        caller = c.string if (c := last_match(r"[Ii]n function [`'‘]", before)) else ""
        return ApiDefinedTwice(name, line[:300], tuple(dict.fromkeys(_FILE.findall(caller.replace(" (", "(")) + _FILE.findall(line))))
    if not (facts.is_openmp_symbol(name) or name.startswith(facts.GNU_OPENMP_PREFIXES)):
        return NOT_MINE  # another name defined twice: no rule's, an unrecognised line
    line = re.sub(r"^>\s*", "", m.string.strip())
    caller = c.string if (c := last_match(r": in function [`'‘]", before)) else ""
    files = tuple(dict.fromkeys(_FILE.findall(caller) + _FILE.findall(line)))
    return OpenmpDefinedTwice(files, name, line[:300])


SIGNATURES = (
    Signature("ld-multiple-definition-openmp", "multidef", "multiple definition", _MULTIPLE, _said),
    Signature("stub-blacs-called", "multidef", "FAKE BLA", re.compile(r"\bFAKE BLA[CB]S_\w+"),
              lambda m, _: StubBlacsCalled(m.string.strip())),
    Signature("ld-first-defined-here", "multidef", "defined here",  # claimed beside the line above, never an error alone
              re.compile(r"^\s*(?P<file>[^\s:;'`(]+\.(?:a|o|so[\d.]*|lib))(?:\([^)]*\))?:.*first defined here"),
              lambda m, _: FirstDefined(m.group("file"))),
)


def _api_twice(said: list[ApiDefinedTwice], events: Parsed, ctx: Context) -> Finding:
    first = said[0]
    files = list(dict.fromkeys([*(f for e in said for f in e.files), *(e.file for e in events.of(FirstDefined))]))
    mkl = [f for f in files if "libmkl_" in f]
    fftw = _FFTW.match(first.name) is not None
    cluster = _cluster_name(first.name)
    names = list(dict.fromkeys(e.name for e in said))
    what = "FFTW3's" if fftw else ("BLACS's" if "blacs" in first.name.lower() else "ScaLAPACK's") if cluster else "BLAS/LAPACK's"
    return Finding(
        "mkl-api-defined-twice", "error",
        f"{what} {', '.join(names[:3])} defined twice on one link" + (f": by {os.path.basename(mkl[0])} (MKL's own "
        + ("FFTW3 interface" if fftw else "BLACS layer" if cluster else "BLAS") + ") and by another library" if mkl else
        ": MKL and another library both "
        "give it"),
        (first.line, *(f"defined by {f}" for f in files[:4]),
         ("MKL's interface layer (libmkl_intel_lp64, libmkl_gf_lp64, libmkl_rt) carries FFTW3's API as wrappers over its own "
          "FFT: a link that also takes FFTW's own library (libfftw3.a) has both" if fftw else
          "MKL's BLACS and ScaLAPACK libraries define BLACS's API; another library of the link does too (a package's own "
          "stub BLACS for builds without MPI, such as BigDFT's blacs_fake.o, or the reference BLACS)" if cluster else
          "MKL's interface layer defines the BLAS and LAPACK API: a link that takes another BLAS (OpenBLAS, reference "
          "BLAS/LAPACK) as well has two of each routine")),
        (("keep one FFTW3: drop -lfftw3 (and -lfftw3_mpi) and compile against MKL's FFTW3 headers (<MKLROOT>/include/fftw), "
          "the calls then go to MKL's wrappers; MPI FFTW: MKL's fftw3x_cdft wrapper library (built from <MKLROOT>/interfaces/"
          "fftw3x_cdft) with libmkl_cdft_core in MKL's group",
          "or keep FFTW's own library for FFTs: give it before MKL on the line, and link MKL's libraries only for BLAS and "
          "LAPACK (a shared libmkl_rt does not clash: static archives do)") if fftw else
         ("keep one BLACS: drop MKL's ScaLAPACK and BLACS (-lmkl_scalapack_*, -lmkl_blacs_*) from a build that does not use "
          "them, or leave out the part that brings the stub (ABINIT: its BigDFT fallback, forum t=3561)",) if cluster else
         ("keep one BLAS: drop the other library (-lopenblas, -lblas, -llapack) when MKL is linked, or MKL when the other is "
          "meant (mkldoctor link prints MKL's line alone)",)),
        "A static link takes each object that defines a name it needs; two libraries that both define the API clash on "
        "the first name both give.",
        (f"add -Wl,-y,{first.name} to the link line: ld names each file that defines it",),
        locations=ctx.located(said, "multiple definition"),
    )


def _stub(event: StubBlacsCalled) -> Finding:
    return Finding(
        "blacs-stub-called", "error", "a stub BLACS answered the program's BLACS call, not MKL's BLACS layer",
        (event.line, "a package built for runs without MPI carries stub BLACS routines that only print their name (BigDFT's "
                     "blacs_fake.f90: 'FAKE BLACS_GRIDINIT'); linked before MKL's BLACS layer, the stubs win"),
        ("link one BLACS: leave out the part that brings the stubs (ABINIT: configure without its BigDFT fallback, "
         "--with-dft-flavor=libxc) or MKL's ScaLAPACK and BLACS where the program runs serially",
         "nm -A <the program's static libraries> | grep -i ' T blacs_gridinit'   # each library that defines it"),
        "A static link takes a name from the first library on the line that defines it; stubs named before the real "
        "library answer every call.",
    )


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = [_api_twice(events.of(ApiDefinedTwice), events, ctx)] if events.of(ApiDefinedTwice) else []
    out += [_stub(e) for e in events.of(StubBlacsCalled)[:1]]
    said = events.of(OpenmpDefinedTwice)
    if not said:
        return out
    first = said[0]
    names = list(dict.fromkeys(e.name for e in said))
    files = list(dict.fromkeys(f for e in said for f in e.files))
    intel = any("iomp5" in f for f in files)
    return out + [Finding(
        "openmp-linked-twice", "error",
        f"ld found OpenMP's names defined twice ({', '.join(names[:3])}{' and more' if len(names) > 3 else ''}): two "
        "OpenMP runtimes on one link", (
            first.line,
            f"{len(names)} OpenMP name(s) defined twice" + (f", by {' and '.join(files[:3])}" if files else ""),
            "Intel's OpenMP runtime (libiomp5, which MKL's intel_thread layer needs), GCC's libgomp and LLVM's libomp define "
            "the same omp_ names; a program has room for one: here a second one came with " + (
                "libiomp5 (a copy bundled with MKL or MKL-ML) beside the compiler's own (-fopenmp)" if intel else
                "the link line beside the first"),
        ),
        ("link one OpenMP runtime: with MKL's intel_thread layer, Intel's libiomp5 alone (compile with -fopenmp, link "
         "-liomp5 and no -lgomp/-fopenmp at the link step; Intel's compilers: -qopenmp does both)",
         "or keep the compiler's runtime and give MKL the layer made for it: mkl_gnu_thread with libgomp (mkldoctor link "
         "--threading gnu), and drop -liomp5 from the line (a project's build option that adds a bundled libiomp5, as "
         "PyTorch's did with MKL-ML's copy before pytorch#22910)",
         "or no OpenMP in MKL: mkl_sequential"),
        "OpenMP runtimes share one set of names and keep one thread pool each; two on one link is a multiple definition, "
        "and two in one process (OMP: Error #15 at run time) are two pools that do not know of each other.",
        (f"add -Wl,-y,{first.name} to the link line: ld names each file that defines it",),
    )]
