"""macOS refusing a library whose code signature no longer matches its contents: codesign's ``X.dylib: invalid signature
(code or signature have been modified)``, and the process the kernel killed for loading it (the shell's ``Killed: 9``).

On Apple silicon every library must be signed, and a process with the hardened runtime checks each library it maps on any
Mac: a file changed after it was signed (install_name_tool, a patch, an update stopped halfway) is refused, and the process
is killed with SIGKILL, printing nothing but its shell's ``Killed: 9``. keras#14080: R killed by keras's first call, whose
Python was reticulate's Miniconda (~/Library/r-miniconda) with a libmkl_intel_thread.dylib so modified; installing that
Miniconda again fixed it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.killed import Killed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.places import conda_env_of


@dataclass(frozen=True, slots=True)
class SignatureInvalid:
    path: str
    line: str


@dataclass(frozen=True, slots=True)
class KilledCheckingSignature:
    line: str


SIGNATURES = (
    Signature("macos-codesign-invalid", "codesign", "invalid signature",
              re.compile(r"^\s*(?P<path>\S.*?): invalid signature \(code or signature have been modified\)"),
              lambda m, _: SignatureInvalid(m["path"][:300], m.string.strip()[:300])),
    # macOS's crash report of a process killed while dyld checked a library's first pages against its signature (dyld 2's
    # frame in the crashed thread), or the kernel's own words for it: seurat#3273, CRAN R opening conda's MKL in dlopen()
    *(Signature(f"macos-codesign-crash-{i}", "codesign", needle, re.compile(pattern),
                lambda m, _: KilledCheckingSignature(m.string.strip()[:300]))
      for i, (needle, pattern) in enumerate((
          ("validateFirstPages", r"\bImageLoaderMachO::validateFirstPages\b"),
          ("Code Signature Invalid", r"\(Code Signature Invalid\)"),
          ("CODESIGNING", r"\bNamespace CODESIGNING\b")))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(SignatureInvalid)
    if not said:
        return _killed_checking(events)
    first = said[0]
    name = os.path.basename(first.path)
    env = conda_env_of(first.path)
    evidence = [first.line, *(e.line for e in said[1:4]),
                "codesign checked the file against its signature and they differ: the file was changed after it was signed "
                "(install_name_tool or a patch without signing again, a copy or an update stopped halfway)"]
    if events.of(Killed):
        evidence.append("the process was killed (SIGKILL: the shell's 'Killed: 9'): macOS kills a process that maps a library "
                        "whose signature is invalid, and prints nothing else")
    fix = []
    if "/r-miniconda/" in first.path:
        fix.append("reticulate's Miniconda holds it: move ~/Library/r-miniconda aside, then in R: "
                   "reticulate::install_miniconda(update = TRUE), and install the Python packages again "
                   "(keras::install_keras()): keras#14080's fix")
    fix.append(f"install the package that brought {name} again, so that it comes signed as made: "
               + (f"conda install --force-reinstall -p {env} <the package> (mkl, intel-openmp: conda list | grep -E "
                  "'mkl|openmp')" if env else "conda install --force-reinstall <the package>, pip install --force-reinstall "
                  "<the wheel>, or the application's installer"))
    fix.append(f"where you changed it yourself (install_name_tool, a patch), sign it again ad hoc: codesign --force --sign - "
               f"{first.path}")
    return [Finding(
        "macos-signature-invalid", "error",
        f"macOS refuses {name}: its code signature no longer matches the file",
        tuple(evidence), tuple(line if i == 0 else f"or {line}" for i, line in enumerate(fix)),
        "macOS checks a library's code signature when a process maps it (every library on Apple silicon, and under the "
        "hardened runtime on any Mac); a library changed after signing is refused and the process killed.",
        (f"codesign --verify --verbose {first.path}   # 'valid on disk' once it is whole again",),
    )]


def _killed_checking(events: Parsed) -> list[Finding]:
    said = events.of(KilledCheckingSignature)
    if not said:
        return []
    evidence = [said[0].line, *(e.line for e in said[1:3]),
                "the process died inside the loader's check of a library's code signature: macOS kills a process that maps a "
                "library whose pages do not match its signature (a file changed after it was signed, or copied halfway)"]
    return [Finding(
        "macos-signature-invalid", "error",
        "macOS killed the process while it checked the code signature of a library it was opening",
        tuple(evidence),
        ("find the library: the crash report's last lines before the crash name the file dyld was opening (dlopen's "
         "argument; 'Binary Images' lists what was mapped), then: codesign --verify --verbose <that library>",
         "a library of a conda environment opened by a program outside it (CRAN R, a system Python: a package built "
         "against conda's libraries, conda's lib folder on DYLD_LIBRARY_PATH or in the package's flags): build that package "
         "again with conda's folder out of the environment (seurat#3273: CRAN R opened miniconda's MKL; moving "
         "~/miniconda3 aside and installing the packages again fixed it), or remove MKL from that environment "
         "(conda remove mkl)",
         "or install the package that brought the library again, so that it comes signed as made (conda install "
         "--force-reinstall <the package>); where you changed it yourself, sign it again: codesign --force --sign - <it>"),
        "macOS checks a library's code signature as a process maps it; a library changed after signing is refused and the "
        "process killed, and the crash report shows the loader in that check.",
        ("codesign --verify --verbose <the library>   # 'valid on disk' once it is whole again",),
    )]
