"""A library FreeBSD's run-time linker did not find: ``Shared object "libmkl_rt.so" not found, required by
"osqp_tester"`` (osqp/osqp#532, a FreeBSD port's test run).

The loader's finding (:mod:`mkldoctor.explain.elsewhere`) says glibc's and the Linux distributions' remedies: ``ldconfig
-p``, conda, pip, apt. On FreeBSD none applies, and for MKL's own libraries there is nothing to install: Intel builds MKL
for Linux and Windows (and macOS up to 2023.2). A FreeBSD program that opens MKL at run time (OSQP's Pardiso backend opens
``libmkl_rt.so`` by name) finds none, and the part that needs it is to be left out there. This replacement keeps the
finding's title and evidence and gives FreeBSD's remedies.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mkldoctor.explain.events import Parsed
from mkldoctor.explain.hosts import LoaderMissing
from mkldoctor.explain.wording import names_file
from mkldoctor.findings import Finding
from mkldoctor.knowledge import platforms

_MKL = re.compile(r"^lib(?:mkl_\w+|iomp5)\.so")


def with_freebsd_remedies(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """The loader's finding about each library FreeBSD's run-time linker named, with FreeBSD's remedies."""
    said = {e.soname: e for e in parsed.of(LoaderMissing) if e.system == "FreeBSD"}
    if not said:
        return findings
    return [_freebsd(f, said[name]) if f.id == "loader-cannot-find" and (name := _named(f, said)) else f for f in findings]


def _named(finding: Finding, said: dict) -> str | None:
    return next((name for name in said if names_file(finding.title, name)), None)


def _freebsd(finding: Finding, event: LoaderMissing) -> Finding:
    evidence = (*finding.evidence[:1], "the words are FreeBSD's run-time linker's (ld-elf.so.1): the log comes from FreeBSD, "
                "where glibc's ldconfig -p, conda's, pip's and apt's MKL do not apply",
                *(line for line in finding.evidence[1:] if line.startswith(("then the log says", "and "))))  # the echoes
    if _MKL.match(event.soname):
        fix = (f"{platforms.platform('freebsd-x86_64').note}: FreeBSD has no {event.soname} to install, and a program "
               f"that opens it at run time ({event.binary}) finds none there: use the program without its MKL part (a solver "
               "or backend of its own: OSQP's default QDLDL in place of its MKL Pardiso backend), and leave that part's "
               "tests out of the port's test run (osqp#532)",
               "a Linux build of the program with Linux's MKL runs only under FreeBSD's Linux binary compatibility "
               "(linux64 kernel module), not as a native FreeBSD program")
    else:
        fix = (f"install the package that provides {event.soname} (pkg provides, from pkg-provides, names it), or put its "
               "folder on the linker's path: LD_LIBRARY_PATH=<that folder> for one run, or ldconfig -m <that folder> (rc.conf's "
               "ldconfig_paths for good)",)
    return replace(finding, evidence=evidence, fix=fix,
                   confirm=(f"ldconfig -r | grep {event.soname.split('.so')[0]}   # the libraries FreeBSD's linker knows; "
                            f"ldd {event.binary} names the missing one",))
