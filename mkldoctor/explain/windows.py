"""Windows at run time: a DLL that could not be loaded, a program that could not start, an entry point not found.

mkldoctor reads Linux (ELF) libraries and cannot inspect Windows binaries, but a Windows log says enough: ``DLL load
failed while importing _multiarray_umath`` (a Python extension whose DLLs are not on its search path: Python 3.8+ no
longer searches PATH for them), ``STATUS_DLL_NOT_FOUND`` / ``0xc0000135`` / ``-1073741515`` (a program that could not
start), ``Unable to load DLL 'mkl_rt.dll'`` (.NET), MKL's own ``Cannot load mkl_intel_thread.dll`` (the layer, or Intel's
OpenMP runtime ``libiomp5md.dll`` it needs), and ``The procedure entry point X could not be located in the dynamic link
library Y`` (an MKL DLL of another release found first: often one installed into ``C:\\Windows\\System32`` by other
software). The remedies name the folders each distribution keeps its DLLs in (:mod:`mkldoctor.knowledge.folders`).
"""

from __future__ import annotations

import difflib
import re
from collections import OrderedDict
from dataclasses import dataclass, replace

from mkldoctor.explain import msvcrt, rtnames, winaccess, winfixes
from mkldoctor.explain.winentry import entry_point_finding
from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.platforms import ForeignLoadFailed, dll_load_failed, mkl_dnn
from mkldoctor.explain.runtime import MklCannotLoad
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, layout, msvc_runtime, places, recipes


@dataclass(frozen=True, slots=True)
class WindowsCannotStart:
    """A program that Windows could not start because a DLL it needs is missing (STATUS_DLL_NOT_FOUND)."""

    program: str
    detail: str


@dataclass(frozen=True, slots=True)
class WindowsEntryPoint:
    """``The procedure entry point S could not be located in the dynamic link library D``; or only Windows' error for it."""

    symbol: str  # "mkl_serv_malloc", "ordinal 242"; "" where Windows said only its error
    dll: str
    error: int = 0  # that error: 182 (ERROR_INVALID_ORDINAL), 127 (ERROR_PROC_NOT_FOUND)

    @property
    def said(self) -> str:
        return f"error {self.error}: {_ERROR_WORDS[self.error]}"


# Windows' errors for an entry point it names not, and the words it prints for each
_CANNOT_RUN = re.compile(r"(?i)(?:WinError 182\]|MKL ERROR:|OSError:?) (?:The operating system cannot (?:run|execute) ?% ?1|操作系统无法运行 ?%1)[.。]?(?:.*?(?<![\w.+-])(?P<dll>[\w.+-]+\.dll))?")  # error 182's words
_ERROR_WORDS = {182: "the operating system cannot run %1", 127: "the specified procedure could not be found"}

# a Python of a conda installation (places.CONDA_INSTALL's prefixes), an environment's envs\<name>, tox-conda's: in any of
# the log's paths, where winfixes.hints reads its Windows paths only
_CONDA_PYTHON = re.compile(rf"(?i)[\\/](?:{places.CONDA_INSTALL})[\\/]|[\\/]envs[\\/][\w.-]+[\\/](?:lib|python)|[\\/]\.tox[\\/]")


_IN_PACKAGE = re.compile(r"(?i)site-packages[\\/](?P<pkg>[\w.-]+)[\\/](?:[\w.-]+[\\/])*(?P<dll>[\w.+-]+\.dll)$")


def _numpy_said(events) -> bool:
    from mkldoctor.explain.numpyimport import NumpyImportFailed  # numpy's own advice beside the DLL failure
    return bool(events.of(NumpyImportFailed))


def _cannot_start(m: re.Match, before) -> WindowsCannotStart:
    program = re.search(r"`([^`]+\.exe)`|(?<![^\s'\"(])([^\s'\"`(]+?\.exe)\b", " ".join([*before[-1:], m.string]))  # a token's start only
    return WindowsCannotStart(next((g for g in program.groups() if g), "") if program else "", m.string.strip())


def _entry_point(m: re.Match, _) -> WindowsEntryPoint:
    return WindowsEntryPoint(m.group("sym") or m.group("sym2") or "", m.group("dll").strip().strip("`'\"."))


def _load_other_release(m: re.Match, before) -> WindowsEntryPoint:
    module = dll_load_failed(m, before).library
    dll = module if module.endswith((".dll", ".pyd")) or module == "a DLL" else f"{module} (a Python extension, .pyd)"
    return WindowsEntryPoint("", dll, 182 if m.group("why").startswith("The operating") else 127)


def _tree_missing(m: re.Match, before) -> ForeignLoadFailed:
    """A dependency tree's ``  ✗ VCRUNTIME140.dll (NOT FOUND)``: the DLL that needs it is the nearest line above it that
    is indented less (DependencyWalker.jl, Dependencies' text output)."""
    indent = len(m.string) - len(m.string.lstrip())
    needer = ""
    for line in reversed(list(before)):
        named = re.search(r"([\w.+-]+\.(?:dll|exe|pyd))\b", line, re.I)
        if named and len(line) - len(line.lstrip()) < indent:
            needer = named.group(1)
            break
    lib = m.group("lib")
    detail = f"{needer} needs {lib}, which its dependency tree marks NOT FOUND" if needer else m.string.strip()
    return ForeignLoadFailed("Windows", lib, detail)


@dataclass(frozen=True, slots=True)
class IpexImported:
    """The log imports Intel Extension for PyTorch: its XPU builds load oneAPI's runtime DLLs from pip wheels."""


_STATUS = r"(?:STATUS_DLL_NOT_FOUND|0x[cC]0000135|-1073741515|\b3221225781\b)"  # the last two: a process's exit code
_SAID = lambda m, _: ForeignLoadFailed("Windows", m.group("lib").split(",")[0].strip(), m.group(0).strip())  # noqa: E731

# a person's list of the DLLs a program did not find, one bullet each under its header ("Dll not found:", DynAdjust#68)
_LISTED_HEADER = re.compile(r"(?i)\b(?:dlls?|files?|librar(?:y|ies))\b.{0,30}\b(?:not found|missing|could not be found)\b\W*$|"
                            r"\b(?:missing|not found)\W+(?:dlls?|files|librar(?:y|ies))\W*$")
_LISTED = re.compile(r"^\s*(?:\d+\s+)?[*\u2022-]\s+`?(?P<lib>[\w.+-]+\.dll)`?\s*$", re.I)  # a pasted line's number before it


def _listed(m: re.Match, before) -> ForeignLoadFailed | None:
    for line in reversed(before):
        if _LISTED_HEADER.search(line):
            return ForeignLoadFailed("Windows", m["lib"], f"{line.strip()} {m['lib']}")
        if not _LISTED.match(line):
            return None
    return ForeignLoadFailed("Windows", m["lib"], f"DLL not found: {m['lib']}") if len(before) >= 3 else None  # a long list


SIGNATURES = (
    Signature("windows-listed-not-found", "windows", ".dll", _LISTED, _listed),
    Signature("ipex-imported", "windows", "intel_extension_for_pytorch",
              re.compile(r"\bimport intel_extension_for_pytorch\b"), lambda m, _: IpexImported()),
    # the status is said inside another tool's words: cargo's and an IDE's "exit code", Python's "returned", CTest's "***",
    *(Signature(f"windows-status-dll-not-found-{i}", "windows", needle, re.compile(_STATUS), _cannot_start)  # PyInstaller's "RC:"
      for i, needle in enumerate(("exit code", "returned", "***", "rror", "ailed", "STATUS_DLL_NOT_FOUND", "0000135", "-1073741515", "3221225781"))),
    Signature("windows-entry-point", "windows", "could not be located",
              re.compile(r"(?i)(?<!\w)(?:(?P<sym>\w+)\s+)?the procedure entry point(?:\s+(?P<sym2>\w+))?\s+could not be located in the "
                         r"dynamic link library\s+(?P<dll>.+?)\s*$"), _entry_point),
    # an export by number: "The ordinal 747 could not be located in the (the: conda's page) dynamic link library libiomp5md.dll",
    # "Missing ordinal 242 in the dynamic link library c:\...\mkl_intel_thread.dll" (the name may be on a dialog's next line)
    Signature("windows-ordinal", "windows", "ordinal",
              re.compile(r"(?i)(?:the ordinal (?P<n>\w+) could not be located in|missing ordinal (?P<n2>\w+) in) the (?:the )?dynamic link "
                         r"library\s*(?P<dll>[^\"\n]*?\.dll\b|[^\s\"]*)"),
              lambda m, _: WindowsEntryPoint(f"ordinal {m.group('n') or m.group('n2')}", m.group("dll").strip("`'\".") or "a DLL")),
    Signature("windows-entry-point-not-found", "windows", "not found in",
              re.compile(r"(?i)(?:procedure )?entry point\s+'?(?P<sym>[\w?@$]{1,400})'?\s+not found in\s+(?P<dll>[\w:\\/ .()-]+?\.dll)"),
              lambda m, _: WindowsEntryPoint(m.group("sym"), m.group("dll"))),
    # a DLL Windows did not find, said by a dependency tree, by Windows' own dialog, by TensorFlow's or PyTorch's check
    Signature("windows-dependency-not-found", "windows", "NOT FOUND",
              re.compile(r"(?<![\w.+-])(?P<lib>[\w.+-]+\.dll)\s*\(NOT FOUND\)", re.I), _tree_missing),
    Signature("windows-cannot-proceed", "windows", "cannot proceed because",
              # the dialog's text as pasted may wrap after the DLL's name (llama.cpp#9378)
              re.compile(r"(?i)code execution cannot proceed because (?P<lib>[\w.+ ,-]+?\.dll)(?: was not found|\s*$)"), _SAID),
    # a loader's chain of DLLs down to the missing one: "load library fails due to missing dependency llama.dll -> ggml.dll
    # -> libiomp5md.dll" (llama.cpp#9378)
    Signature("windows-missing-dependency-chain", "windows", "missing dependency",
              re.compile(r"(?i)missing dependency\s+(?:[\w.+-]+\.dll\s*->\s*)*(?P<lib>[\w.+-]+\.dll)\s*$"), _SAID),
    Signature("windows-missing-from-computer", "windows", "missing from your computer",
              re.compile(r"(?i)can(?:'|no)t start because (?P<lib>[\w.+ ,-]+?\.dll) is missing from your computer"), _SAID),
    Signature("windows-could-not-find-dll", "windows", "Could not find '",
              re.compile(r"Could not find '(?P<lib>[\w.+-]+\.dll)'"), _SAID),
    Signature("torch-redistributable-missing", "windows", msvc_runtime.REDISTRIBUTABLE_MISSING,
              re.compile(re.escape(msvc_runtime.REDISTRIBUTABLE_MISSING)),
              lambda m, _: ForeignLoadFailed("Windows", "VCRUNTIME140.dll", m.string.strip())),
    # a program's own words with LoadLibrary's error 126, ERROR_MOD_NOT_FOUND ("loading dynamic library mkl_rt.dll, error = 126")
    Signature("windows-loadlibrary-126", "windows", "126",
              re.compile(r"(?i)(?<![\w.+-])(?P<lib>[\w.+-]+\.dll)\b.{0,40}?\berror\b\s{0,4}(?:code\s{0,4})?[=:]?\s{0,4}126\b"),
              lambda m, _: ForeignLoadFailed("Windows", m.group("lib"), m.string.strip())),
    # Python's OSError in any language, with the DLL it loaded: '[WinError 126] Das angegebene Modul ... Error loading "...shm.dll"'
    # 127: a procedure, as DLL load failed's is; 182: an ordinal, its words left out (qlib's FAQ: caffe2_detectron_ops.dll)
    *(Signature(f"windows-winerror-126-loading{i}", "windows", needle, re.compile(r"\[WinError (?P<code>12[67]|182)\].*?Error loading "
                r"\"(?P<path>[^\"]+?\.dll)\""), lambda m, _: ForeignLoadFailed("Windows", folders.file_name(m["path"]), m.string.strip()[:400])
                if m["code"] == "126" else WindowsEntryPoint("", folders.file_name(m["path"]), int(m["code"])))
      for i, needle in (("", "WinError 12"), ("-182", "WinError 182"))),
    # the same in Windows' language without torch's "Error loading" (mxnet#11610: "[WinError 126] 找不到指定的模块。")
    Signature("windows-winerror-126-localized", "windows", "WinError 126", re.compile(r"\[WinError 126\] (?!The specified)\S"),
              lambda m, _: NOT_MINE if re.search(r'Error loading "[^"]+\.dll"', m.string)  # its path on the next line: a DLL
              else ForeignLoadFailed("Windows", "a DLL", m.string.strip()[:400])),
    # ERROR_INVALID_ORDINAL: "[WinError 182] The operating system cannot run %1", MKL's "The operating system cannot run
    # %1. mkl_intel_thread.dll.": a DLL of another release (Intel's OpenMP runtime replaced by LLVM's, a stale copy first)
    *(Signature(f"windows-cannot-run-ordinal-{i}", "windows", needle, _CANNOT_RUN,
                lambda m, _: WindowsEntryPoint("", m.group("dll") or "a DLL", 182)) for i, needle in enumerate(("annot run", "MKL ERROR"))),
    # MKL's own line in Windows' language before its "Cannot load": "INTEL MKL ERROR: Das angegebene Modul wurde nicht
    # gefunden. mkl_intel_thread.dll." (the English one is the platforms' "The specified module could not be found")
    Signature("windows-mkl-error-localized", "windows", "MKL ERROR: ",
              re.compile(r"(?i)(?:\b|(?<=one))MKL ERROR: (?!The )[^:]{3,100}?\.? (?P<lib>(?:lib)?(?:mkl|iomp)\w*(?:\.\d+)?\.dll)\.?\s*$"),
              _SAID),  # oneMKL's ("INTEL oneMKL ERROR: 找不到指定的模块。 mkl_intel_thread.3.dll.") too
    # a binding's own words for its native DLL built on MKL: Neanderthal's "Library 'neanderthal-mkl-0.25.0.dll' not found!"
    Signature("windows-binding-mkl-dll-not-found", "windows", "not found",
              re.compile(r"(?i)\blibrary ['\"](?P<lib>[\w.+-]*mkl[\w.+-]*\.dll)['\"] (?:was )?not found"), _SAID),
    # a program's own "mklml.dll not found" (PaddlePaddle's), of an MKL or Intel OpenMP DLL
    Signature("windows-program-dll-not-found", "windows", "not found",
              re.compile(r"(?i)\b(?P<lib>(?!mkl_rt\.dll)(?:lib)?(?:mkl|iomp)[\w.-]*?\.dll) (?:was )?not found\b"), _SAID),  # mkl_rt: rtnames
    # the same two failures said by Python before 3.8, which names the module only in the traceback: "DLL load failed:
    # The operating system cannot run %1." and "DLL load failed: The specified procedure could not be found." (error 127:
    # an entry point by name), before the platforms' "DLL load failed" (a DLL not found); error 127 in Windows' other
    # languages too (Paddle#22797's "找不到指定的程序", which is the procedure, not the module: 找不到指定的模块)
    Signature("windows-dll-load-other-release", "windows", "DLL load failed",
              re.compile(r"DLL load failed(?: while importing (?P<lib>\w+))?: (?P<why>The operating system cannot run %1|"
                         r"The specified procedure could not be found|找不到指定的程序|Die angegebene Prozedur wurde nicht gefunden|"
                         r"指定されたプロシージャが見つかりません|La procédure spécifiée est introuvable|No se encontró el proceso especificado|"
                         r"Не найдена указанная процедура|지정된 프로시저를 찾을 수 없습니다)"), _load_other_release),
    # a dialog's "The procedure mkl_get_max_threads could not be found" (error 127 with the name)
    Signature("windows-procedure-not-found", "windows", "could not be found",
              re.compile(r"(?i)\bthe procedure (?P<sym>(?!entry\b)\w+) could not be found"),
              lambda m, _: WindowsEntryPoint(m.group("sym"), "a DLL")),
    # .NET's "Unable to load DLL 'x'", CNTK's "Failed to load DLL 'mklml.dll'."
    *(Signature(f"dotnet-unable-to-load-dll{i}", "windows", needle, re.compile(r"(?:Unable|Failed) to load DLL '(?P<lib>[^']+)'"),
                lambda m, _: ForeignLoadFailed("Windows", m.group("lib"), m.group(0).strip()))
      for i, needle in (("", "Unable to load DLL"), ("-failed", "Failed to load DLL"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    entry = events.of(WindowsEntryPoint)
    if entry:
        out.append(entry_point_finding(entry))
    failed = [e for e in windows_failures(events) if not layout.is_kernel(e.library)]
    if rtnames.consequences(events):  # a module that failed after its own search for mkl_rt found none: that finding's
        failed = [e for e in failed if rtnames.mkl_family(e.library)]
    starts = events.of(WindowsCannotStart)
    runtime, failed, starts = msvcrt.split(failed, starts)  # Microsoft's C++ runtime missing: its own finding
    out += [runtime] if runtime else []
    if failed or starts:
        if not (entry and not starts and all(_names_entry_dll(e, entry) for e in failed)):
            out.append(_not_loaded(failed, starts, events))
        else:  # the entry point's failure said again: its consequence
            out[0] = replace(out[0], evidence=(*out[0].evidence, f"then: {failed[0].detail}: the consequence of this failure"))
    return out


def windows_failures(events: Parsed) -> list[ForeignLoadFailed]:
    """Every Windows load failure of the log: the platforms' events, MKL's own ``Cannot load X.dll``, a host's."""
    from mkldoctor.explain.binformat import speaks_for
    from mkldoctor.explain.hosts import HostCannotLoad
    from mkldoctor.explain.kernels import claims_foreign
    from mkldoctor.explain.origin import log_platform
    from mkldoctor.explain.platforms import is_foreign

    failed = [e for e in events.of(ForeignLoadFailed) if e.platform == "Windows"]
    for event in events.of(MklCannotLoad):
        for lib in event.libraries:
            if is_foreign(lib) and ".dylib" not in lib and not claims_foreign(lib, events):
                failed.append(ForeignLoadFailed("Windows", lib, f"Intel MKL FATAL ERROR: Cannot load {lib}"))
    windows = log_platform(events) == "Windows"
    for event in events.of(HostCannotLoad):  # Julia's "could not load library" of a .dll, or of a bare name in a Windows log
        if speaks_for(event.library, events, event):
            continue  # the file is of another word size or no DLL: binformat's finding says so
        if ".dll" in event.library or "\\" in event.library or windows and "/" not in event.library:
            name = folders.file_name(event.library)
            failed.insert(0, ForeignLoadFailed("Windows", name, f"{event.host} could not load {event.library}"))
    return failed


def _names_entry_dll(event: ForeignLoadFailed, entry: list[WindowsEntryPoint]) -> bool:
    """The load failure is the entry-point failure said again (``Cannot load mkl_intel_thread.dll``): of its DLL, or MKL's
    own words where Windows' dialog named none (conda's troubleshooting guide: 'The ordinal 241 could not be located')."""
    return any(folders.file_name(e.dll).lower() == event.library.lower() or (e.dll == "a DLL" and event.detail.startswith(
        "Intel MKL FATAL ERROR")) for e in entry)


def _shown_present(libs: list[str], events: Parsed, said: tuple[str, ...] = ()) -> str:
    """A path the log shows (a ``where mkl_intel_thread.dll`` answer, a directory listing) that ends in a DLL it failed to
    load; not the path the failure itself names (``could not load library "C:\\...\\libmkl_rt"``: what was asked for)."""
    wanted = {name.lower() for name in libs}
    for place in events.places:
        path = place[1] if isinstance(place, tuple) else str(place)
        if re.match(r"^[A-Za-z]:\\", path) and path.rsplit("\\", 1)[-1].lower() in wanted and not any(path in d for d in said):
            return path
    return ""


_STEMS = tuple(sorted({(library.windows or library.name).lower() for library in layout.LIBRARIES}))  # MKL's DLLs' stems


def _respelled(name: str) -> str | None:
    """The DLL of MKL's table a name one letter off means (``libiuomp5md.dll``: libiomp5md.dll); None for a name it has."""
    if layout.get(name) is not None or not name.lower().endswith(".dll"):
        return None
    close = difflib.get_close_matches(re.sub(r"(?i)(?:\.\d+)?\.dll$", "", name).lower(), _STEMS, n=1, cutoff=0.9)
    return f"{close[0]}.dll" if close else None


def _not_loaded(failed: list[ForeignLoadFailed], starts: list[WindowsCannotStart], events: Parsed) -> Finding:
    libs = list(OrderedDict.fromkeys(e.library for e in failed if e.library != "a DLL")) or (
        list(dict.fromkeys(s.program for s in starts if s.program)) or ["a program" if starts else "a DLL"])
    respelled = {name: known for name in libs if (known := _respelled(name))}
    libs = [respelled.get(name, name) for name in libs]
    detail = " ".join([e.detail for e in failed] + [s.detail for s in starts] + libs)
    # the folders the log's traceback shows (a conda environment's site-packages) say which install it is, too
    seen = " ".join([detail, *(p for kind, p in events.places if kind == "windows")])  # and the log's Windows paths
    hints = winfixes.hints(seen)
    evidence = [e.detail for e in failed[:6]] + [f"{s.program or 'the program'} could not start: {s.detail}" for s in starts[:3]]
    evidence += [f"the log spells it {said}: no MKL or Intel runtime DLL has that name; {known} does (a message typed again "
                 "by hand, one letter off)" for said, known in respelled.items()]
    for name in libs:
        found = layout.get(name)
        if found is None and "mkl" in name.lower() and name.lower().endswith(".dll"):
            evidence.append(f"{name} is a library's own DLL built on MKL, not one of MKL's: Windows says it was not found "
                            "also when it is there and a DLL it needs (an MKL DLL its release asks for, libiomp5md.dll) is not "
                            "on the search path; Dependencies.exe on it names the missing one")
        if found is not None and found.openmp:
            evidence.append(f"{name} is MKL's {found.short} layer: it needs Intel's OpenMP runtime libiomp5md.dll, and Windows "
                            "says 'the specified module could not be found' also when that dependency is the one missing, "
                            "and loads the wrong one when an older libiomp5md.dll comes first: Windows searches System32 "
                            "before PATH, where other installers left copies")
        if mkl_dnn(name):
            evidence.append(f"{name} is MKL-DNN's (oneDNN's) library, built with Intel's OpenMP runtime: it loads only where "
                            "libiomp5md.dll is found too (beside it, or on PATH), and a missing libiomp5md.dll is reported as "
                            f"{name} itself not found")
        number = re.search(r"\.(\d)\.dll$", name)
        if found is not None and number:
            evidence.append(f"{name}: the .{number.group(1)} is the interface number of an MKL release, as in libmkl_rt.so.{number.group(1)} "
                            "on Linux: DLLs of another number are of another release and do not stand in for it")
    # MKL's own "Cannot load X.dll": its dispatcher opens the layer by the name its own release gives it, so the name is
    # right for the MKL that printed it (an unnumbered one is MKL 2020 or older), not a name to change
    said_by_mkl = {lib for event in events.of(MklCannotLoad) for lib in event.libraries}
    own = {e.library for e in failed if e.library in said_by_mkl}
    named = [rtnames.windows_name(name, "julia" in hints) for name in libs if name not in own]
    evidence += [line for said, _ in named for line in said]
    evidence.append("mkldoctor reads Linux (ELF) libraries: the MKL copies on that machine cannot be inspected from here")
    start = bool(starts) or bool(re.search(r"(?i)code execution cannot proceed|missing dependency|can't start because|\bdlls? not "
        r"found\b", detail)) or (not {"python", "julia", "dotnet"} & hints and any(re.search(r"(?i)\w\.exe$", p) and not re.search(
            r"(?i)(?:python\w*|julia|dotnet|java\w*)\.exe$", p) for _, p in events.places))  # or a program named
    older = [name for name in libs if start and name not in own and any(rtnames.OLDER_NAME in line for line in rtnames.windows_name(name)[0])]
    fix = ([f"the program's own import table asks for {', '.join(older)}, the name of the MKL release it was built with: install "
            "that release's runtime DLLs where the program looks (beside the .exe, or their folder on PATH, as Intel's compiler "
            "prompt has it), or rebuild the program against the MKL installed, or link MKL statically (OpenFAST#1412)"] if older
           else [line for _, fixes in named for line in fixes]) + winfixes.remedies(hints, libs, start)
    torch_lib = re.search(r"(?i)[\\/]torch[\\/]lib[\\/]", detail) is not None
    fbgemm = re.search(r"(?i)[\\/]torch[\\/]lib[\\/]fbgemm\.dll", seen) is not None
    if fbgemm and not events.of(IpexImported):  # pytorch#131662, kohya-ss/sd-scripts#1597 (its path on a line of its own)
        evidence.append("torch 2.4.0's Windows wheels built fbgemm.dll against LLVM's OpenMP runtime of Visual Studio 2022, "
                        "libomp140.x86_64.dll, and did not ship it: on a machine without it, Windows reports fbgemm.dll itself "
                        "as not found (pytorch#131662; 2.4.1 ships it, PR #130697)")
        fix = ["python -m pip install \"torch!=2.4.0\" (2.4.1 or newer, or 2.3), with the same --index-url as before for a "
               "CUDA build", "or put libomp140.x86_64.dll where Windows finds it: Visual Studio 2022's C++ build tools (MSVC "
               "v143) install it in System32",
               "Dependencies.exe (or dumpbin /dependents) on torch\\lib\\fbgemm.dll names the DLL that is missing"]
    elif torch_lib and events.of(IpexImported):  # intel-extension-for-pytorch#653
        evidence.append("the log imports Intel Extension for PyTorch: its XPU builds of torch and IPEX load oneAPI's runtime "
                        "DLLs (the DPC++ runtime, oneMKL's SYCL libraries) from pip wheels of the release they were built "
                        "with, which a fresh environment may lack")
        fix.insert(0, "install the oneAPI runtime wheels of the release IPEX's install guide names for that build: "
                      f"{recipes.pip_install('dpcpp-cpp-rt==<ver>', 'mkl-dpcpp==<ver>')} (intel-extension-for-pytorch#653: 2024.1 for its build)")
    elif torch_lib:  # pytorch#125109, dream-textures#796
        evidence.append("torch 2.3.0's Windows wheels load MKL's and Intel OpenMP's DLLs from the pip packages mkl and "
                        "intel-openmp, in <prefix>\\Library\\bin; torch adds that folder for the interpreter's own prefix "
                        "only, so a user install (%APPDATA%\\Python\\PythonXY), a --target folder or pip's build isolation "
                        "(pip-build-env-*: the build's requirements on sys.path only, pytorch PR #150013) leaves them unseen")
        fix.insert(0, "before import torch: os.add_dll_directory(r'<the prefix the packages were installed into>\\Library\\bin') "
                      "(pip show -f mkl shows it); or install torch and mkl into a virtual environment, not --user or --target (a "
                      "build: python -m build, or pip install --no-build-isolation); or a later torch, which links MKL statically")
        fix.insert(0 if "caffe2_" in detail else 1,  # torch 1.x's DLLs (caffe2_*): its builds on Intel's OpenMP
                   "see that the environment has the packages at all: pip show intel-openmp mkl; one missing (a virtual "
                   "environment made without them, a torch built from source on Intel's OpenMP): python -m pip install "
                   "intel-openmp (its libiomp5md.dll is what torch's DLLs need: pytorch#35803's caffe2_detectron_ops.dll)")
    elif re.search(r"(?i)AppData[\\/]Roaming[\\/]Python[\\/]Python\d+[\\/]site-packages", detail):  # a pip --user install
        evidence.append("the package is in the user's own site-packages (pip install --user): a package that takes MKL from "
                        "pip's mkl and intel-openmp finds their DLLs in %APPDATA%\\Python\\PythonXY\\Library\\bin there only "
                        "if it adds that folder itself; Windows does not search it")
        fix.insert(0, "before the import: os.add_dll_directory(os.path.join(site.getuserbase(), 'Library', 'bin')); or "
                      "install the packages into a virtual environment (python -m venv) instead of --user")
    elif re.search(r"(?i)[\\/]torch[\\/]__init__\.py|\btorch\._C\b", detail) or "_C" in libs:  # pytorch#4518: torch._C of a conda build (0.x)
        evidence.append("torch's extension (torch._C) needs Intel's OpenMP runtime (libiomp5md.dll) and MKL's DLLs from the "
                        "environment: an environment whose numpy brought no MKL (a plain numpy) has neither")
        fix.insert(0, f"install them into the environment: {recipes.conda_install('intel-openmp', 'mkl')} (or {recipes.pip_install('intel-openmp', 'mkl')}), "
                      "and Microsoft's Visual C++ Redistributable, whose vcruntime140.dll the extension needs too (PyTorch's "
                      "Windows FAQ); Dependencies.exe on torch\\_C*.pyd names the one missing")
    elif (not events.of(IpexImported) and "ipex" not in hints  # IPEX's oneAPI release is winfixes' first remedy
          and (_CONDA_PYTHON.search(" ".join((detail, *(str(p[1]) for p in events.places))))
               or "multiarray numpy extension" in detail or _numpy_said(events))):
        evidence.append("numpy's extension, or a Python of a conda installation (an Anaconda, Miniconda, environment or tox "
                        "path): on Windows most often an environment not activated: conda keeps its packages' DLLs, MKL's among "
                        "them, in <env>\\Library\\bin, which activating the environment puts on PATH; a python.exe started "
                        "directly (an editor's runner, a debugger, tox, a shortcut) skips it")
        fix.insert(0, "start Python from the activated environment: conda activate <env> first (the Anaconda Prompt, or an IDE "
                      "started from it or set to activate it: VS Code's Python extension, whose debugger activates since its "
                      "PR #21880); a tool that starts python.exe itself: tox-conda 0.8 runs it through conda run; or set "
                      "CONDA_DLL_SEARCH_MODIFICATION_ENABLE=1 with <env>\\Library\\bin on PATH")
        fix[:] = [line for line in fix if not line.startswith(winfixes.ACTIVATE)]  # winfixes' words for any program
    artifact = re.search(r"(?i)[\\/]\.julia[\\/]artifacts[\\/](?P<hash>[0-9a-f]{40})[\\/]", detail)
    if artifact:  # MKL.jl#116: the artifact's folder was there and empty
        evidence.append("the DLL's path is a Julia artifact's (.julia\\artifacts\\<its hash>): Pkg installed it there; a folder "
                        "that is there but incomplete (a download or an unpack cut short, a cleaner that removed files) is taken as installed")
        fix.insert(0, f"dir %USERPROFILE%\\.julia\\artifacts\\{artifact['hash']}\\bin: if the DLL is not there, remove that "
                      "folder and let Pkg install the artifact again: julia -e 'using Pkg; Pkg.instantiate()' (or pkg> add MKL)")
    packaged = next((m for name in libs if (m := _IN_PACKAGE.search(name))), None)
    if packaged and not torch_lib:  # ctypes given the DLL's full path in the package's own folder (CTranslate2#1084)
        evidence.append(f"the package opens {packaged['dll']} by its full path in its own folder ({packaged['pkg']}): the file "
                        "is not there, or a DLL it needs is not found")
        fix.insert(0, f"dir <site-packages>\\{packaged['pkg']}: if {packaged['dll']} is not there, the package was built or "
                      "installed without it: a wheel built from source must have the DLLs it loads copied into the package "
                      "folder before the wheel is made (CTranslate2#1084: libiomp5md.dll and ctranslate2.dll; or a build "
                      "without Intel's OpenMP), or install the project's own wheel")
    if any(mkl_dnn(name) for name in libs):
        fix.insert(0, "put Intel's OpenMP runtime where Windows finds it for this library: libiomp5md.dll (conda: "
                      "<env>\\Library\\bin, package intel-openmp) beside it or in a folder on PATH")
    present = _shown_present(libs, events, tuple(e.detail for e in failed))
    if failed:
        evidence, fix = winaccess.refused(events, evidence, fix)
    if own and not present:
        evidence.insert(1, f"the message is MKL's own: its dispatcher opens {', '.join(sorted(own))} by the name of its own "
                           "release, from its own folder first; the file is missing there, or it is there and a DLL it needs "
                           "(for a threading layer: Intel's OpenMP runtime) is missing or an older copy is found first")
    if present:  # the log itself shows the file where it should be: the DLL it needs, not its own name or place
        evidence.insert(1, f"the log shows {present} in place: the file is there, so what Windows could not load is a DLL it "
                           "needs (for a threading layer: Intel's OpenMP runtime, missing or an older copy found first)")
        fix = [line for line in fix if not line.startswith(rtnames.NAME_FIXES)]
    if any((found := layout.get(name)) is not None and found.openmp for name in libs):
        fix.insert(0 if present else 1 if own else len(fix), "where libiomp5md.dll   # every copy Windows can reach, first one first: a copy in C:\\Windows\\System32 "
                   "or SysWOW64 (another program's, of another release) is taken before the environment's; rename it, or "
                   "load the environment's first (conda: CONDA_DLL_SEARCH_MODIFICATION_ENABLE=1)")
    title_libs = ", ".join(libs[:3])
    title = (f"Windows: {title_libs} could not be loaded" if failed else
             f"Windows could not start {title_libs}: a DLL it needs was not found (STATUS_DLL_NOT_FOUND, 0xC0000135)")
    return Finding(
        "windows-library-not-loaded", "error", title, tuple(evidence), tuple(fix),
        "Windows looks for a DLL beside the program (or the DLL that asks for it), in the folders added with "
        "os.add_dll_directory or SetDllDirectory, in System32, and on PATH (not for a Python 3.8+ extension). "
        "The one named, or one of its own dependencies (libiomp5md.dll, another mkl_*.dll), is in none of them. MKL "
        "opens its threading layer and CPU kernels itself at run time, so a tool that copies only a program's import "
        "dependencies (PyInstaller, vcpkg's applocal copy, windeployqt) leaves them behind.",
        ("Dependencies.exe <the .exe, .pyd or .dll>   # or: dumpbin /dependents <it>: the DLL that is missing",
         "where mkl_rt.2.dll libiomp5md.dll   # which copies PATH reaches, first one first"),
    )
