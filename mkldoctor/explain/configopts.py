"""A configure script's own checks of the options it was given, where MKL is the library in question.

PETSc's ``Specify either "--with-scalapack-dir" or "--with-scalapack-lib --with-scalapack-include". But not both!``: a
package given both a prefix and a library list (Spack's petsc package passed both for MKL's ScaLAPACK until spack#4341).

Ipopt's ``checking whether user-supplied Pardiso library "" works... configure: error: Pardiso library  does not seem
to work``: Ipopt's configure up to 3.13.4 turns Pardiso on by itself when its BLAS is MKL ("If using MKL, always enable
Pardiso"), whatever --without-pardiso says, and tests MKL's Pardiso with the BLAS line it was given (parPE#67: a static
build); Ipopt 3.13.5 made --without-pardiso skip that test, and 3.14 names it --disable-pardisomkl (Ipopt's maintainer,
coin-or/Ipopt discussion #454).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs


@dataclass(frozen=True, slots=True)
class BothGiven:
    package: str  # "scalapack", as the options name it
    line: str


@dataclass(frozen=True, slots=True)
class LibraryItemRefused:
    option: str  # "with_linalg_libs"
    item: str  # the item refused: a library's file by its path
    line: str


@dataclass(frozen=True, slots=True)
class FlavorRefused:
    flavor: str  # "mkl+scalapack"
    what: str  # "linear algebra"
    line: str


@dataclass(frozen=True, slots=True)
class PardisoTestFailed:
    libraries: str  # the list configure tested ("" where it took MKL's from the BLAS line)
    line: str


SIGNATURES = (
    Signature("petsc-dir-and-lib", "configopts", "But not both",
              re.compile(r"Specify either \"--with-(?P<pkg>[\w-]+)-dir\" or \"--with-(?P=pkg)-lib(?: --with-(?P=pkg)-include)?\""
                         r"\.? But not both"),
              lambda m, _: BothGiven(m["pkg"], m.string.strip()[:300])),
    Signature("build-option-unknown", "configopts", "rror",
              re.compile(r"(?i)(?:^|\s)(?:(?P<tool>[\w./-]+): )?error: (?:no such option|unrecognized arguments?|unrecognized option|"
                         r"unknown option|invalid option):?\s+['\"`]?(?P<opt>--?[\w-]*mkl[\w-]*)"),
              lambda m, _: OptionUnknown(m["tool"] or "", m["opt"], m.string.strip()[:300])),
    # a link flag refused as an option of the script's own: an option's quoted value split into words on its way
    # (scuff-em#12: autogen.sh passed --with-lapack='-lmkl_rt -lpthread -lm' on unquoted; configure took -lpthread alone)
    Signature("configure-value-split", "configopts", "rror: unrecognized option",
              re.compile(r"(?:^|\s)(?:(?P<tool>[\w./-]+): )?error: unrecognized option:?\s+['\"`]?"
                         r"(?P<opt>-(?:l[\w.+-]+|L/\S+|Wl,\S+|pthread))['\"`]?\s*$"),
              lambda m, _: ValueSplit(m["tool"] or "configure", m["opt"], m.string.strip()[:300])),
    # ABINIT's configure: "configure: error: invalid library statement in with_linalg_libs: /x/libmkl_intel_lp64.a" (its
    # options take -L, -l and -W items only: the forum of abinit, t=361)
    Signature("configure-library-statement", "configopts", "rror: invalid library statement",
              re.compile(r"error: invalid library statement in (?P<opt>\w+): (?P<item>\S+)"),
              lambda m, _: LibraryItemRefused(m["opt"], m["item"], m.string.strip()[:300])),
    # ABINIT 7's configure: "configure: error: the requested mkl+scalapack linear algebra flavor is not supported on this
    # architecture" (the forum of abinit, t=2247: its release took MKL's flavor alone)
    Signature("configure-flavor-refused", "configopts", "flavor is not supported",
              re.compile(r"error: the requested (?P<flavor>\S*(?i:mkl)\S*) (?P<what>[\w ]{1,40}?) flavor is not supported"),
              lambda m, _: FlavorRefused(m["flavor"], m["what"], m.string.strip()[:300])),
    Signature("ipopt-pardiso-test", "configopts", "rror: Pardiso library",
              re.compile(r"(?:user-supplied Pardiso library \"(?P<list>[^\"]*)\" works\.\.\. )?configure: error: Pardiso library"
                         r" .*does not seem to work"),
              lambda m, _: PardisoTestFailed(m["list"] or "", m.string.strip()[:300])),
    # the Ipopt that runs refusing MKL's PARDISO (coin-or/Ipopt#527); another value of another option: unrecognised
    Signature("ipopt-setting-refused", "configopts", "not a valid setting",
              re.compile(r"Setting: \"(?P<value>[^\"]{1,60})\" is not a valid setting for Option: (?P<option>\w+)"),
              lambda m, before: (
                  NoPardisoMkl(m.string.strip()[:300], any("user-supplied Pardiso library" in b for b in before))
                  if (m["option"], m["value"]) == ("linear_solver", "pardisomkl") else Unrecognised(m.string.strip()[:300]))),
)


@dataclass(frozen=True, slots=True)
class NoPardisoMkl:
    line: str
    old: bool  # the lines before it show Ipopt 3.13's configure (checking whether user-supplied Pardiso library "" works)


@dataclass(frozen=True, slots=True)
class ValueSplit:
    tool: str
    option: str
    line: str


@dataclass(frozen=True, slots=True)
class OptionUnknown:
    """A build script's parser refusing an MKL option it does not have: waf's (optparse's) ``waf: error: no such option:
    --mkl`` (class_public#129: the Planck likelihood's waf asks --lapack_mkl=$MKLROOT), argparse's ``unrecognized
    arguments: --with-mkl``, a configure script's ``unrecognized option: --enable-mkl``."""

    tool: str
    option: str
    line: str


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return ([_both(e) for e in events.of(BothGiven)[:1]] + [_pardiso(e) for e in events.of(PardisoTestFailed)[:1]]
            + [_unknown(e) for e in events.of(OptionUnknown)[:1]] + [_item(e) for e in events.of(LibraryItemRefused)[:1]]
            + [_flavor(e) for e in events.of(FlavorRefused)[:1]] + [_split(e) for e in events.of(ValueSplit)[:1]]
            + [_no_pardisomkl(e) for e in events.of(NoPardisoMkl)[:1]])


def _no_pardisomkl(event: NoPardisoMkl) -> Finding:
    pardiso = "an Ipopt 3.13 or older: linear_solver pardiso, in a build configured with MKL's line (--with-pardiso=\"-lmkl_rt\")"
    loads = ("see which Ipopt the program loads: ldd <the program or cyipopt's extension> | grep -i ipopt; an older libipopt "
             "found first (a conda or system package) has no pardisomkl: put the 3.14 build's lib folder first "
             "(LD_LIBRARY_PATH) or link the program against it")
    rebuild = ("a 3.14 build without it: configure it with MKL as its LAPACK (--with-lapack=\"<MKL's line>\"), so that it "
               "finds MKL's PARDISO")
    return Finding(
        "ipopt-no-pardisomkl", "error",
        "the Ipopt that ran has no linear_solver pardisomkl: that name of MKL's PARDISO is Ipopt 3.14's and newer's, in a "
        "build whose configure found MKL",
        (event.line, "Ipopt 3.14.0 added MKL's PARDISO as 'pardisomkl' (PardisoMKLSolverInterface), listed among the valid "
                     "settings only where configure found it; 3.13 and older name MKL's PARDISO 'pardiso', in a build "
                     "configured with MKL (--with-pardiso)")
        + (("the log's configure is Ipopt 3.13's or older (its test of a 'user-supplied Pardiso library'; 3.14's option is "
            "--disable-pardisomkl): that Ipopt calls MKL's PARDISO 'pardiso'",) if event.old else ()),
        (pardiso, loads, rebuild) if event.old else (loads, rebuild, pardiso),
        "Ipopt lists only the linear solvers its build has; the same option file run with another Ipopt is refused.",
        ("the 'Valid Settings' list printed after the error: pardisomkl is in it once the Ipopt that runs has MKL's PARDISO",),
    )


def _split(event: ValueSplit) -> Finding:
    return Finding(
        "configure-value-split", "error",
        f"{event.tool} was given {event.option} as an option of its own: an option's quoted value (a link line for MKL) was "
        "split into words before it reached the script", (
            event.line,
            f"{event.option} is a link flag, which a script takes only inside an option's value (--with-lapack='-lmkl_rt "
            "-lpthread -lm', LIBS=...): a wrapper that passes its arguments on unquoted ($* in place of \"$@\", autogen.sh's "
            "most often) splits such a value at its blanks, and the script reads each word as an option"),
        ("run configure itself with the value quoted (./configure --with-lapack=\"-L${MKLROOT}/lib -lmkl_rt -lpthread -lm\"), "
         "or give the wrapper no such value and pass it to configure afterwards",
         "or set the link line in the environment, which no wrapper splits: LIBS=\"-L${MKLROOT}/lib -lmkl_rt -lpthread -lm\" "
         "./configure ...",
         "fix the wrapper to pass \"$@\" (each argument as given)"),
        "A shell passes $* and unquoted variables on as words split at blanks; \"$@\" keeps each argument whole.",
    )


def _flavor(event: FlavorRefused) -> Finding:
    option = "--with-linalg-flavor" if event.what == "linear algebra" else f"the {event.what} flavor option"
    alone = event.flavor.split("+")[0] if "+" in event.flavor else ""
    return Finding(
        "configure-flavor-refused", "error",
        f"configure has no {event.what} flavor '{event.flavor}' for this release and machine: the combination, not MKL, "
        "was refused",
        (event.line, f"the project's configure checks {option} against the combinations its release supports and stops "
                     "before testing any library: MKL may well be installed and fine"),
        (*((f"take the flavor the release supports: {option}=\"{alone}\", with MKL's whole line in the libraries option "
            "(ABINIT: --with-linalg-libs=\"-L$MKLROOT/lib/intel64 -Wl,--start-group -lmkl_intel_lp64 -lmkl_sequential "
            "-lmkl_core -Wl,--end-group\")",) if alone else ()),
         "list what it takes: ./configure --help | grep -i -A3 flavor; a newer release of the project may support the "
         "combination (ScaLAPACK with MKL: MKL's own ScaLAPACK and BLACS layers, -lmkl_scalapack_lp64 "
         "-lmkl_blacs_intelmpi_lp64, in the same libraries option)"),
        "A build system that names its library sets as flavors accepts only the ones its authors wrote for that release.",
    )


def _item(event: LibraryItemRefused) -> Finding:
    option = "--" + event.option.replace("_", "-")
    folder, name = event.item.rsplit("/", 1) if "/" in event.item else ("<its folder>", event.item)
    flag = f"-l{name[3:].split('.')[0]}" if name.startswith("lib") else name
    return Finding(
        "configure-library-item-refused", "error",
        f"configure takes {option} as -L, -l and -W items only, and was given a library's file: {event.item}",
        (event.line, f"{event.item} is a path; the option's check wants the linker's words for it (-L{folder} {flag})"),
        (f"{option}=\"-L{folder} {flag} ...\" (each MKL library so: mkldoctor link --format flags prints MKL's line)",
         "a static link of MKL: -Wl,-Bstatic before MKL's -l items and -Wl,-Bdynamic after them (or -Wl,--start-group and "
         "the archives' names as -l:libmkl_core.a, where the check takes -l)"),
        "Some configure scripts check each item of a library option before they try it, and refuse what is not a flag.",
    )


def _unknown(event: OptionUnknown) -> Finding:
    tool = event.tool or "the build script"
    run = f"python {tool}" if tool.endswith(".py") else tool if "/" in tool or not event.tool else f"./{tool}"
    return Finding(
        "build-option-unknown", "error", f"{tool} has no option {event.option}: it asks for MKL with another one",
        (event.line, f"{tool}'s option parser stopped at {event.option}, before anything was configured: the script takes MKL "
                     "through an option of its own name (a folder for MKL or for its LAPACK, a BLAS vendor's name), not "
                     "this one"),
        (f"list the options it has: {run} --help 2>&1 | grep -i -E 'mkl|lapack|blas'" if event.tool else
         "list the options it has: <the script> --help 2>&1 | grep -i -E 'mkl|lapack|blas'",
         "then give MKL's prefix through the option found, usually $MKLROOT after oneAPI's setvars.sh (the Planck "
         "likelihood's waf: --lapack_mkl=$MKLROOT, class_public#129)"),
        "A build script's options are its own: an option named for MKL in one project's instructions is refused by another's.",
    )


def _both(event: BothGiven) -> Finding:
    pkg = event.package
    fix = [f"give PETSc one of the two: --with-{pkg}-lib=<the libraries> (with --with-{pkg}-include=<its headers>), or "
           f"--with-{pkg}-dir=<a prefix with lib/ and include/>, and remove the other from the configure line (a "
           "package manager's recipe may add one: read configure.log's first lines)"]
    if pkg == "scalapack":
        fix.append("MKL's ScaLAPACK is a library list, not a prefix PETSc knows: --with-scalapack-lib=\"-L${MKLROOT}/lib/intel64 "
                   "-lmkl_scalapack_lp64 -lmkl_blacs_openmpi_lp64\" (the BLACS layer of the MPI: "
                   f"{blacs.per_mpi('-l')}) with " "--with-scalapack-include=${MKLROOT}/include, and no --with-scalapack-dir")
    elif pkg in ("blaslapack", "blas-lapack", "blas", "lapack"):
        fix.append("MKL as BLAS and LAPACK: --with-blaslapack-dir=${MKLROOT} alone (PETSc reads that prefix as MKL's), or "
                   "the library list alone")
    if pkg in ("scalapack", "blaslapack", "blas-lapack"):
        fix.append("Spack: its petsc package passed both for MKL's ScaLAPACK before spack#4341: update Spack's package "
                   "repository")
    return Finding(
        "configure-options-conflict", "error",
        f"PETSc's configure was given both a prefix and a library list for {pkg} (--with-{pkg}-dir and --with-{pkg}-lib)",
        (event.line, f"PETSc takes a package either from a prefix it searches or from the library list it is given, never "
                     f"both: its check stops the configure before any test"),
        tuple(fix),
        "A configure option pair that says the same thing twice is refused before anything is built.",
    )


def _pardiso(event: PardisoTestFailed) -> Finding:
    taken = (f"the list it tested is empty (\"{event.libraries}\"): configure took MKL's Pardiso from the BLAS and LAPACK "
             "line it was given (MKL's libraries hold Pardiso)") if not event.libraries else f"it tested: {event.libraries}"
    return Finding(
        "configure-pardiso-rejected", "error",
        "Ipopt's configure tested MKL's Pardiso and the test link failed: its configure enables Pardiso by itself when "
        "the BLAS is MKL",
        (event.line, taken,
         "Ipopt's configure up to 3.13.4 turns Pardiso on whenever its BLAS is MKL, even with --without-pardiso, and a "
         "test link of MKL's Pardiso with a BLAS line that cannot link it alone (static MKL libraries without their "
         "threading layer, OpenMP runtime or -Wl,--start-group) fails"),
        ("Ipopt 3.13.5 and newer: --without-pardiso skips the test (3.14: --disable-pardisomkl) (Ipopt's maintainer, "
         "discussion #454)",
         "an older Ipopt: give a BLAS line that links MKL whole (mkldoctor link --format flags: MKL's shared libraries, or "
         "the static ones in -Wl,--start-group ... -Wl,--end-group with the threading layer and -lpthread -lm -ldl), or "
         "edit configure's block \"If using MKL, always enable Pardiso\" to keep use_pardiso=no (parPE#67)",
         "config.log: grep -n -B5 -A30 'Pardiso library' config.log   # the test link and the linker's own error"),
        "Ipopt's configure adds MKL's Pardiso to the solvers when MKL is its BLAS, then proves it with a test program; "
        "the test's link fails where the BLAS line given does not carry MKL whole.",
    )
