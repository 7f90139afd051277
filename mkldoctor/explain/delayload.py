"""Windows' delay-load failures: ``0xC06D007E: Module not found`` and ``0xC06D007F: Procedure not found``.

A program linked with ``/DELAYLOAD`` (or a DLL MKL's dispatcher loads itself) starts without the DLL; the delay-load
helper opens it at the first call and raises these exception codes (``VcppException(ERROR_SEVERITY_ERROR,
ERROR_MOD_NOT_FOUND)``, ``ERROR_PROC_NOT_FOUND``) when the file, or a name in it, is not there. With MKL it is most often a
release that ships ``mkl_rt.N.dll`` without the DLLs it opens at run time (xamp2's README: the core, the threading layer,
the CPU kernels and ``libiomp5md.dll`` must sit beside it), or an ``mkl_rt`` of another release than the one linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.kernels import kernel_files
from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import conda_blas


@dataclass(frozen=True, slots=True)
class DelayLoadFailed:
    line: str
    procedure: bool  # 0xC06D007F: the DLL was found, a name in it was not


# the code in hex, or as a process's exit code in decimal (signed, as PyInstaller's bootloader prints it: "Back to parent
# (RC: -1066598274)", pyinstaller#5413; unsigned, as cmd's %ERRORLEVEL% and some runners print it)
_CODE = re.compile(r"\b0x[Cc]06[Dd]007(?P<kind>[EeFf])\b|(?<![\w-])-10665982(?P<signed>7[34])\b|\b322836902(?P<unsigned>[23])\b")


def _failed(m: re.Match, before) -> DelayLoadFailed | FollowOn:
    if any("to load DLL '" in line for line in before[-2:]):  # the DLL named just before it (CNTK#3171): that line's echo
        return FollowOn(m.string.strip()[:300])
    procedure = (m["kind"] or "").upper() == "F" or m["signed"] == "73" or m["unsigned"] == "3"  # 0xC06D007F
    return DelayLoadFailed(m.string.strip()[:300], procedure)


SIGNATURES = tuple(
    Signature(f"windows-delayload-{i}", "delayload", needle, _CODE, _failed)
    for i, needle in enumerate(("06D007", "06d007", "-10665982", "322836902"))
)

_MKL_SET = ("MKL's mkl_rt.N.dll opens the rest itself when MKL is first called: mkl_core.N.dll, the threading layer "
            "(mkl_intel_thread.N.dll or mkl_sequential.N.dll), the CPU kernels (mkl_def.N.dll, mkl_avx2.N.dll and the others, "
            "mkl_vml_*.N.dll for vector math) and Intel's OpenMP runtime libiomp5md.dll")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DelayLoadFailed)
    if not said:
        return []
    event = said[0]
    mkl = bool(events.mkl_at)
    what = "a name in a DLL it loads late" if event.procedure else "a DLL it loads late"
    evidence = [event.line,
                ("0xC06D007F is the delay-load helper's 'procedure not found': the DLL was found and lacks the function, so it is "
                 "another release's than the one the program was linked against" if event.procedure else
                 "0xC06D007E is the delay-load helper's 'module not found': the program started, and at its first call into a "
                 "DLL linked with /DELAYLOAD (or one a library opens itself) the file was in no folder Windows searches")]
    if mkl:
        evidence.append("the log names MKL: " + _MKL_SET)
    frozen = "Back to parent" in event.line  # PyInstaller's bootloader (--debug), of the frozen app's child process
    if frozen:
        evidence.append("PyInstaller's bootloader says the frozen app's process ended with that code: the app started, and a DLL "
                        "it opened late was not in the bundle (PyInstaller collects import dependencies, not a DLL a library "
                        "opens at run time: Intel's OpenMP runtime libiomp5md.dll and MKL's DLLs of conda's numpy, pyinstaller#5413)")
    fix = ["see which DLL: dumpbin /dependents <the program or its DLL> lists the delay-load dependencies apart; Dependencies "
           "(lucasg) or Process Monitor's 'NAME NOT FOUND' lines show the one Windows looked for"]
    fix.insert(0 if mkl else 1,
               "ship MKL's whole set of one release beside the program (or in a folder on PATH): mkl_rt.N.dll, mkl_core.N.dll, "
               f"mkl_intel_thread.N.dll or mkl_sequential.N.dll, the kernels {kernel_files('Windows')}, and libiomp5md.dll "
               "(oneAPI: mkl\\<ver>\\bin and compiler\\<ver>\\bin); copying "
               "mkl_rt.N.dll alone leaves the rest unfound (xamp2's README)"
               + ("; every DLL of the release the program was linked with: a name missing is another release's DLL found first"
                  if event.procedure else ""))
    if event.procedure and "Windows fatal exception" in event.line:  # Python's faulthandler: a Python process, conda's most often
        fix.append("a conda-forge environment whose BLAS is MKL's (conda list libblas shows a *mkl build): its MKL and the "
                   "threading runtime it loads may be of releases that do not fit; switch the environment's BLAS, conda install "
                   f"\"{conda_blas('openblas')}\" (idaes-pse#1846: the crash at the first numpy.linalg call went away), or install mkl "
                   "and its OpenMP runtime (intel-openmp or llvm-openmp) of one release")
    if frozen:
        fix.insert(0, "collect the DLLs into the bundle: pyinstaller --add-binary \"<env>\\Library\\bin\\libiomp5md.dll;.\" (and "
                      "MKL's mkl_*.dll the same way, from the environment the app was frozen from), or a PyInstaller and "
                      "pyinstaller-hooks-contrib new enough to collect them for the package that brings them; then freeze again")
    return [Finding(
        "windows-delayload-failed", "error",
        f"Windows could not resolve {what} (delay-load, {'0xC06D007F' if event.procedure else '0xC06D007E'})"
        + (": MKL's runtime set incomplete or of another release" if mkl else ""),
        tuple(evidence), tuple(fix),
        "A delay-loaded DLL is opened at its first use, not at start: a missing file shows up as an exception in the middle "
        "of the run instead of Windows' 'was not found' dialog at start.",
        ("where mkl_rt*.dll mkl_core*.dll libiomp5md.dll   # from the program's folder: every DLL of the set, one release",),
        locations=ctx.located([event], "delay-load"),
    )]
