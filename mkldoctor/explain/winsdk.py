"""Windows' own import libraries not found at a link that also links MKL: ``LINK : fatal error LNK1104: cannot open file
'kernel32.lib'``, Intel Fortran's ``ipo: remark #11086: Cannot find library KERNEL32.LIB from #pragma comment`` with the
Windows API names unresolved after it (OpenFAST#336, where mkl_sequential.lib is among their callers). The libraries are the
Windows SDK's and Visual Studio's, which the link finds through LIB: a link run without that environment, or without the SDK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# the Windows SDK's import libraries and the C runtime's (Visual Studio's libcmt, libvcruntime; the SDK's ucrt)
_WINDOWS_API = r"kernel32|user32|advapi32|gdi32|shell32|ole32|oleaut32|uuid|ws2_32|comdlg32|winspool"
_SDK = rf"(?i:(?:{_WINDOWS_API}|libucrt|ucrt|libcmt|libcmtd|msvcrt|msvcrtd|libvcruntime|vcruntime|libcpmt|oldnames)\.lib)"


@dataclass(frozen=True, slots=True)
class SdkLibraryMissing:
    library: str
    line: str


SIGNATURES = (
    Signature("msvc-sdk-library-missing", "winsdk", "annot open",
              re.compile(rf"\bLNK1104: cannot open file '(?P<lib>{_SDK})'"),
              lambda m, _: SdkLibraryMissing(m["lib"], m.string.strip()[:300])),
    Signature("ipo-sdk-library-missing", "winsdk", "annot find library",
              re.compile(rf"ipo: remark #11086: Cannot find library (?P<lib>{_SDK}) from #pragma comment"),
              lambda m, _: SdkLibraryMissing(m["lib"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(SdkLibraryMissing)
    if not said:
        return []
    names = list(dict.fromkeys(e.library for e in said))
    runtime = not re.match(rf"(?i:{_WINDOWS_API})", names[0])
    return [Finding(
        "windows-sdk-library-not-found", "error",
        f"the link cannot find {', '.join(names[:3])}, " + ("the C runtime's (Visual Studio's and the Windows SDK's)"
                                                           if runtime else "one of Windows' own import libraries (the Windows "
                                                           "SDK's)") + ": not MKL's, and not found because LIB does not name "
        "the SDK's folders",
        (said[0].line, "link.exe (and Intel Fortran's ipo step before it) finds the Windows SDK's and the C runtime's .lib files "
                       "through LIB, which Visual Studio's environment sets (vcvars64.bat, its x64 Native Tools prompt; "
                       "oneAPI's setvars.bat calls it): a build started without that environment, or on a Visual Studio "
                       "installed without a Windows SDK, finds none of them, and every object that calls Windows, MKL's "
                       "libraries among them, is left with its names unresolved"),
        ("build from the x64 Native Tools Command Prompt of Visual Studio, or the oneAPI command prompt for Intel 64 (or "
         "call \"C:\\Program Files (x86)\\Intel\\oneAPI\\setvars.bat\" intel64, which calls vcvars64.bat), so that LIB names "
         "the SDK's Lib\\<version>\\um\\x64 and ucrt\\x64 folders",
         "if LIB names none: install a Windows SDK with Visual Studio (Visual Studio Installer > Modify > Individual "
         "components > Windows 10 or 11 SDK); Intel Fortran's Visual Studio integration links with it"),
        "Windows' own functions are linked through import libraries of the Windows SDK; a link that cannot find them "
        "fails on every object that calls Windows, whatever library the object comes from.",
        ("echo %LIB%   # must name ...\\Windows Kits\\10\\Lib\\<version>\\um\\x64",),
    )]
