"""An exception raised in the Python code of a package that wraps or packs MKL, not by MKL's libraries or their link.

- mkl_fft, the package that runs numpy.fft and scipy.fft on MKL's DFTI in Anaconda's numpy 1.x and Intel's builds: it
  checks and reshapes the arguments (axes, s, norm, dtype, byte order, array subclasses) before DFTI computes, and its
  releases fixed their handling one by one (IntelPython/mkl_fft#18: norm='ortho' with axes; #74: big-endian input;
  numpy#15378: an ``__array_function__`` override that the patched numpy.fft does not dispatch).
- mkl_random's assertion of an MKL VSL call's status (``Assertion `err == 0' failed``): VSL refused the basic generator or
  the parameters (mkl_random#14: ``brng='nondeterministic'`` on a CPU without RDRAND).
- mklfft, the FFT add-on of Anaconda's accelerate (2015-2016), which numpy.fft imported: it reaches into numpy.fft.fftpack,
  and a build made for another numpy fails at import (anaconda-issues#261: ``no attribute 'cffti'``).
- a freezer's numpy hook, the code that finds numpy's BLAS (MKL's or OpenBLAS's libraries) to copy into the frozen app: a
  numpy layout it does not know stops it (cx_Freeze PR #2074: conda-forge's numpy, ``UnboundLocalError``).

The traceback's last frame of code other than numpy's own is the package's: the error line after it is that package's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

# a frame, as Python prints it (File "...", line N) or IPython does (<path>.py in <function>)
_FRAME = re.compile(r"File \"(?P<a>[^\"]+)\", line \d+|^\s*(?P<c>\S+\.pyx?)\", line \d+|^\s*(?:-+\s*)?(?P<b>\S+\.pyx?) in \S"
                    r"|^\s*<[\w ]+> in \S")  # a paste may start at a frame's path, its 'File "' cut
# the package's own modules (a Markdown paste may have dropped the backslash before _pydfti: "mkl_fft_pydfti.pyx")
_PACKAGES = (("mkl_fft", re.compile(r"(?<![\w])mkl_fft(?=[/\\._])")),
             ("mklfft", re.compile(r"(?<![\w])mklfft(?=[/\\.])")),
             ("mkl_random", re.compile(r"(?<![\w])mkl_random(?=[/\\._])")),
             ("mkl_umath", re.compile(r"(?<![\w])mkl_umath(?=[/\\._])")),
             ("cx_Freeze", re.compile(r"cx_Freeze[/\\]hooks[/\\]_?numpy")),
             ("PyInstaller", re.compile(r"(?:PyInstaller|_pyinstaller_hooks_contrib)[/\\]\S*hook-numpy")))
_NUMPY = re.compile(r"[/\\]numpy[/\\]|^\s*<")  # numpy's own frames, and <__array_function__ internals>, under the package's


@dataclass(frozen=True, slots=True)
class PackageRaised:
    package: str
    frame: str
    line: str
    exception: str


def _raised(m: re.Match[str], before) -> PackageRaised | object:
    if re.search(r"DFTI|Internal error|binary incompatibility|compiled (?:against|using)|API version", m["msg"]) \
            or m["exc"].endswith(("ImportError", "ModuleNotFoundError")):
        return NOT_MINE  # DFTI's own status (dfti), an extension built for another numpy (numpyabi), an import's failure
    circular = "partially initialized module 'numpy'" in m["msg"]  # numpy's own import ran the package's (mkl_fft#105)
    for line in reversed(list(before)):  # the lines a signature sees, with the traceback's last frame above them (logparse)
        frame = _FRAME.search(line)
        if not frame:
            continue
        package = next((name for name, pattern in _PACKAGES if pattern.search(line)), None)
        if package and re.search(r"\bin init \w", line) and not circular:
            return NOT_MINE  # the extension's own initialisation: its import (numpyabi)
        if package:
            return PackageRaised(package, line.strip()[:200], m.string.strip()[:300], "circular" if circular else m["exc"])
        if not _NUMPY.search(frame.group("a") or frame.group("c") or frame.group("b") or frame.group(0)):
            return NOT_MINE  # the last frame is another package's or the program's
    return NOT_MINE


SIGNATURES = (
    Signature("python-package-raised", "pkgcode", "rror",
              re.compile(r"^\s*(?P<exc>(?:\w+\.)*[A-Z]\w*(?:Error|Exception)): (?P<msg>.{0,400})$"), _raised),
    Signature("mkl-random-vsl-assertion", "pkgcode", "ailed",
              re.compile(r"(?P<path>\bmkl_random[/\\]\S+?\.(?:c|cpp|h|pyx)):\d+: .{0,300}Assertion [`'‘]err == 0['’] failed"),
              # MKL's own word on the parameter it refused before it: that word's consequence (mkl_random#15)
              lambda m, before: FollowOn(m.string.strip()[:300]) if last_match(r"MKL ERROR: Parameter \d+ was incorrect", before)
              else PackageRaised("mkl_random", m["path"], m.string.strip()[:300], "assertion")),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PackageRaised)
    if not said:
        return []
    first = said[0]
    title, why, fix = _ABOUT[first.package](first)
    evidence = [first.line, f"the assertion is in {first.package}'s own source: {first.frame}" if first.exception == "assertion"
                else f"the traceback's last frame of code other than numpy's is {first.package}'s: {first.frame}", why]
    return [Finding(
        "package-code-raised", "error", title, tuple(evidence), tuple(fix),
        "A package that wraps MKL (mkl_fft, mkl_random) or packs it (a freezer's hook) runs Python code of its own around "
        "MKL's calls; an exception raised there is that release's, and its newer releases or the plain code path answer it.",
        (_CONFIRM[first.package],), locations=ctx.located(said, first.package),
    )]


def _mkl_fft(e: PackageRaised):
    if e.exception == "circular":  # mkl_fft#105: numpy 1.23.5's import of mkl_fft, an mkl_fft newer than 1.3.8
        return ("mkl_fft, which this numpy imports while it starts (Anaconda's numpy patches numpy.fft with it), reads numpy "
                "before numpy is ready: an mkl_fft release made for another numpy",
                "numpy's own import runs mkl_fft's, and a newer mkl_fft asks numpy for its version at that moment, a circular "
                "import (mkl_fft#105: a release after 1.3.8 under numpy 1.23.5)",
                ["install the two as one channel's pair, in one solve: conda install numpy mkl_fft (or the mkl_fft release "
                 "that came with this numpy build); a pip mkl_fft over conda's numpy mixes two sets",
                 "or a numpy that does not import mkl_fft (conda-forge's, pip's)"])
    scipy = "scipy_fft" in e.frame
    return (f"{e.exception} raised in mkl_fft's own code (the package that runs numpy.fft and scipy.fft on MKL in Anaconda's "
            "numpy and Intel's builds), not by MKL's libraries or their link",
            "mkl_fft checks and reshapes the arguments (axes, s, norm, dtype, byte order, array subclasses) before MKL's DFTI "
            "computes; its releases fixed that handling one case at a time (mkl_fft#18: norm='ortho' with axes, 1.0.5; #74: "
            "big-endian input; numpy#15378: an __array_function__ override that the patched numpy.fft does not dispatch)",
            ["check that it is mkl_fft's: run the same call on "
             + ("scipy.fft's own backend (with scipy.fft.set_backend('scipy'): ...)" if scipy else
                "numpy's own FFT: numpy.fft.restore_all() first (Anaconda's numpy 1.x patches numpy.fft with mkl_fft and "
                "keeps the originals), or scipy.fft") + "; if that passes, the fault is mkl_fft's release",
             f"upgrade it: conda update mkl_fft (or {recipes.pip_install('-U mkl_fft')}); if the newest release "
             "fails the same way, report it at IntelPython/mkl_fft with the call, the array's shape, dtype and byte order, "
             "and both versions",
             "or use a numpy that mkl_fft does not patch (conda-forge's, pip's), where numpy.fft is numpy's own"])


def _mklfft(e: PackageRaised):
    if e.exception != "AttributeError":
        return (f"{e.exception} raised in mklfft's own code (the FFT add-on of Anaconda's accelerate that numpy.fft imports)",
                "mklfft's releases went with accelerate's (2015-2016); an error in its frames is its release's",
                ["conda list 'numpy|mklfft|accelerate'   # the versions that met", "update or leave out mklfft with "
                 "accelerate's packages (conda remove mklfft accelerate) where numpy's own FFT will do"])
    return (f"{e.exception} in mklfft, the FFT add-on of Anaconda's accelerate that numpy.fft imports: a build of it made "
            "for another numpy",
            "mklfft reaches into numpy.fft.fftpack's internals; an update that brought an mklfft built for another numpy "
            "(accelerate's, 2015-2016) fails at numpy's own import (anaconda-issues#261: no attribute 'cffti')",
            ["conda list 'numpy|mklfft|accelerate'   # the versions that met",
             "go back to the mklfft that worked with this numpy (conda install mklfft=<that version>: mklfft 1.0 in "
             "anaconda-issues#261), or update numpy with it in one step so that conda picks builds made for each other",
             "or leave accelerate's packages out (conda remove mklfft accelerate) in an environment whose numpy does not "
             "import mklfft: numpy's own FFT runs"])


def _mkl_random(e: PackageRaised):
    return ("mkl_random stopped at its check of an MKL VSL call's status: VSL refused the basic generator or the "
            "distribution's parameters" if e.exception == "assertion" else
            f"{e.exception} raised in mkl_random's own code, not by MKL's libraries or their link",
            "mkl_random draws through MKL's VSL streams (vdRngUniform and its kin) and asserts that each call returns 0; a "
            "generator this CPU cannot run fails there: brng='nondeterministic' reads the CPU's RDRAND instruction, which "
            "processors before Ivy Bridge lack (mkl_random#14)",
            ["grep -c rdrand /proc/cpuinfo   # 0: no RDRAND, and the nondeterministic generator cannot run on this CPU",
             "use a deterministic basic generator: mkl_random.RandomState(seed, brng='MT19937') (or 'SFMT19937', "
             "'PHILOX4X32X10'); skip the nondeterministic generator's test on such a CPU",
             "where the CPU has RDRAND: compare the same draw with numpy.random, and report the call at IntelPython/mkl_random "
             "with its versions, after conda update mkl_random"])


def _mkl_umath(e: PackageRaised):
    return (f"{e.exception} raised in mkl_umath's own code (numpy's ufuncs on MKL's VM in Intel's builds), not by MKL's "
            "libraries or their link",
            "mkl_umath replaces numpy's ufunc loops with MKL's; an error in its frames is its release's",
            ["upgrade it: conda update mkl_umath; compare with a numpy without it (conda-forge's, pip's)"])


def _freezer(e: PackageRaised):
    tool = e.package
    return (f"{e.exception} in {tool}'s numpy hook, the code that finds numpy's BLAS (MKL's or OpenBLAS's libraries) to "
            "copy into the frozen app: a numpy build it does not know, not MKL",
            f"{tool}'s hook follows numpy's builds (Anaconda's on MKL, conda-forge's on its BLAS metapackage, pip's with "
            "OpenBLAS in numpy.libs) release by release: a layout newer than the hook stops it (cx_Freeze PR #2074: "
            "conda-forge's numpy, fixed in the release after)",
            [f"upgrade {tool}: " + (recipes.pip_install("-U cx_Freeze") if tool == "cx_Freeze" else
                                    recipes.pip_install("-U pyinstaller pyinstaller-hooks-contrib")),
             f"if the newest release fails the same way, report it to {tool} with numpy's build: "
             "python -c \"import numpy; numpy.show_config()\""])


_ABOUT = {"mkl_fft": _mkl_fft, "mklfft": _mklfft, "mkl_random": _mkl_random, "mkl_umath": _mkl_umath,
          "cx_Freeze": _freezer, "PyInstaller": _freezer}
_CONFIRM = {"mkl_fft": "python -c \"import numpy, mkl_fft; print(numpy.__version__, mkl_fft.__version__, "
                       "numpy.fft.fft.__module__)\"   # mkl_fft._numpy_fft: numpy.fft is mkl_fft's",
            "mklfft": "python -c \"import numpy; print(numpy.__version__, numpy.__file__)\"",
            "mkl_random": "python -c \"import mkl_random; print(mkl_random.__version__)\"; grep -m1 -o rdrand /proc/cpuinfo",
            "mkl_umath": "python -c \"import numpy, mkl_umath; print(numpy.__version__, mkl_umath.__version__)\"",
            "cx_Freeze": "python -c \"import cx_Freeze, numpy; print(cx_Freeze.__version__, numpy.__version__)\"",
            "PyInstaller": "python -c \"import PyInstaller, numpy; print(PyInstaller.__version__, numpy.__version__)\""}
