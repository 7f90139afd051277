"""Microsoft's C runtime names undefined in a GNU link: ``undefined reference to `__security_check_cookie'`` and
``__GSHandlerCheck`` when MinGW links MKL's Windows libraries (dekoning-lab/WFES2-GUI#60).

MKL's Windows libraries are compiled by Microsoft's compiler with its buffer-security checks (/GS): their code calls
the checks' helpers in Microsoft's runtime (vcruntime, the CRT's static parts). MinGW's GCC and ld link against
MinGW's own runtime, which (in the releases those threads used) defines none of them, so every call stays undefined.
Microsoft's link.exe reports the same names missing in its own words (LNK2019), and there the cause is a runtime left off
its line (/NODEFAULTLIB), which is :mod:`msvc`'s to read.
"""

from __future__ import annotations

import re

from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding

# the helpers of Microsoft's compiler-generated code (security cookie, /GS handler, /RTC checks, /guard:cf, thread-safe statics)
_MSVC_RUNTIME = re.compile(r"^_?(?:__security_check_cookie|__security_cookie|__GSHandlerCheck(?:_EH\d?|_SEH)?|__report_gsfailure|"
                           r"__report_rangecheckfailure|_RTC_\w+|__guard_(?:dispatch|check)_icall_fptr|_Init_thread_(?:header|footer|epoch)|"
                           r"__vcrt_\w+)$")


def runtime_names(symbols: list[str], by_symbol) -> list[str]:
    """The names only Microsoft's runtime defines, said by GNU ld (an ``undefined reference``, not link.exe's LNK2019)."""
    return [s for s in symbols if _MSVC_RUNTIME.match(s) and all(e.linker != "link.exe" for e in by_symbol[s])]


def finding(symbols: list[str], by_symbol) -> Finding:
    if any(e.linker == "lld-link" for s in symbols for e in by_symbol[s]):
        return _lld_link(symbols, by_symbol)
    return Finding(
        "msvc-runtime-names-in-gnu-link", "error",
        f"{more(symbols, 3)}: Microsoft's C runtime names, undefined in a GNU (MinGW) link: libraries compiled by MSVC, such "
        "as MKL's Windows libraries, were linked by MinGW",
        (*needed_by(symbols, by_symbol)[:3],
         f"{symbols[0]} is a helper that Microsoft's compiler calls from the code it generates (/GS buffer checks, /RTC, "
         "/guard:cf, thread-safe statics), defined in Microsoft's runtime (vcruntime), not in MinGW's: an object or static "
         "library built by MSVC is on a link whose runtime is MinGW's",
         "MKL's Windows libraries (mkl_*.lib) are built by Microsoft's and Intel's compilers for Microsoft's runtime; Intel "
         "supports linking them with MSVC, Intel's compilers and clang-cl, not with MinGW"),
        ("build the program with MSVC's toolchain (cl and link, or clang-cl; qmake's win32-msvc, CMake's Visual Studio or "
         "Ninja generator from a Developer Command Prompt), as WFES2-GUI#60 did",
         "or keep MinGW and link MKL's DLL instead of its static libraries, so that the MSVC-compiled code stays inside the "
         "DLL with its own runtime: -L<MKL's bin folder> -l:mkl_rt.2.dll (the file of the installed release), and mkl_rt's "
         "interface and threading chosen at run time (MKL_INTERFACE_LAYER, MKL_THREADING_LAYER)",
         "not a fix: defining the names yourself (an empty __security_check_cookie) links, and turns off the checks MKL's "
         "code was built with"),
        "Code compiled by Microsoft's compiler calls helper functions of Microsoft's runtime. MinGW links with its own "
        "runtime, which lacks them, so MSVC-built static libraries leave those calls undefined.",
        ("nm <the MKL .lib> | grep -c __security_check_cookie   # MKL's static libraries call it: built by MSVC",),
    )


def _lld_link(symbols: list[str], by_symbol) -> Finding:
    """LLVM's lld-link (LDC's, dub's, clang's default on Windows) given no Microsoft runtime: run outside Visual Studio's
    developer environment, LIB names no MSVC folder (libmir/mir-blas#6: __security_cookie, then __GSHandlerCheck)."""
    return Finding(
        "msvc-runtime-names-in-gnu-link", "error",
        f"{more(symbols, 3)}: Microsoft's C runtime names, undefined in lld-link's link: MKL's MSVC-built libraries were "
        "linked without Microsoft's runtime libraries",
        (*needed_by(symbols, by_symbol)[:3],
         f"{symbols[0]} is a helper that Microsoft's compiler calls from the code it generates (/GS buffer checks), defined in "
         "Microsoft's runtime (vcruntime.lib with libcmt.lib or msvcrt.lib); lld-link finds those only in the folders of the "
         "LIB variable (or /libpath:), which Visual Studio's developer environment sets"),
        ("run the build from Visual Studio's developer environment: the 'x64 Native Tools Command Prompt' (or call "
         "vcvars64.bat first), as mir-blas#6 did; or give lld-link the MSVC and Windows SDK library folders (/libpath:)",
         "not a fix: /GS- on the link (a compiler option, which lld-link reads as a file) or an empty __security_cookie"),
        "Code compiled by Microsoft's compiler calls helper functions of Microsoft's runtime; a link that is given no MSVC "
        "runtime libraries leaves those calls undefined.",
        ("echo %LIB%   # empty, or without ...\\VC\\Tools\\MSVC\\<ver>\\lib\\x64: not Visual Studio's environment",),
    )
