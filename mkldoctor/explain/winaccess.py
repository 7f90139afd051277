"""Windows' ``Access is denied.`` under a load failure (error 5, ERROR_ACCESS_DENIED): the DLL was found and may not be
opened, so its permissions are the cause, not its name or folder. Julia 1.6 unpacked MKL_jll's artifacts with the file
modes they were packed with, and its DLLs had no execute permission (JuliaLang/julia#38993, fixed by a rebuilt MKL_jll).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain import rtnames
from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.events import Parsed


@dataclass(frozen=True, slots=True)
class AccessDenied:
    """Windows' ``Access is denied.`` (error 5, ERROR_ACCESS_DENIED) beside a load failure: the file was found."""

    line: str


# alone on its line, under the load failure (Julia's dlopen); pip's "[WinError 5] Access is denied: '...\\mkl_rt.dll'" (a
# file in use that it could not replace) is another failure, left to the unrecognised
_ACCESS_DENIED = re.compile(r"^\s*Access is denied\.?\s*$")


SIGNATURES = (
    Signature("windows-access-denied", "winaccess", "ccess is denied", _ACCESS_DENIED, lambda m, _: AccessDenied(m.string.strip())),
)


def refused(events: Parsed, evidence: list[str], fix: list[str]) -> tuple[list[str], list[str]]:
    """The Windows load failure's evidence and fixes, where Windows said the file was found and refused."""
    denied = events.of(AccessDenied)
    if not denied:
        return evidence, fix
    evidence = [line for line in evidence if rtnames.OLDER_NAME not in line]
    evidence.insert(1, f"Windows said '{denied[0].line}' (error 5): it found the file and may not open it, so neither its name "
                       "nor its folder is the cause; a DLL without read and execute permission for the user (a package's "
                       "files unpacked with the modes of another system: Julia 1.6's artifacts of MKL_jll), a file another "
                       "process or an antivirus holds, or a folder the user may not read")
    fix = ["give the user read and execute on the package's files: icacls <the folder that holds it> /grant %USERNAME%:RX /T; "
           "or reinstall the package that brought it (Julia: update MKL_jll, whose rebuilt artifacts carry the right modes, "
           "then Pkg.gc() and Pkg.instantiate()); a file an antivirus quarantined: restore or exclude it",
           *(line for line in fix if not line.startswith(rtnames.NAME_FIXES))]
    return evidence, fix
