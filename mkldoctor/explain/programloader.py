"""A program's own dynamic loader, in its own words, for a library it could not open: Paddle's (Paddle-Lite#9225)::

    W0707 17:08:56.148413 11192 dynamic_loader.cc:121] Can not find library: libmklml_intel.so. The process maybe hang. Please try to add the lib path to LD_LIBRARY_PATH.
    F0707 17:08:56.148521 11192 dynamic_loader.cc:180] Check failed: dso_handle != nullptr

The program opens MKL (MKL-ML, Intel's OpenMP runtime) with dlopen when it first needs it; the loader's own reason is not
printed, only the name it was given. That is the loader's "cannot open shared object file" (:mod:`hosts`), and glog's
check of the handle after it is that failure's echo.

Any program may say the same in words of its own ("Could not load libmkl_rt.so", "Failed to open libiomp5.so",
"unable to find libmkl_core.so.2"): a file of MKL's or of Intel's runtimes, named with its suffix, is that failure too, on
Windows that of LoadLibrary ("Can not find the mkl_sequential.dll").
"""

from __future__ import annotations

import re

from mkldoctor.explain.catalogue import CANNOT, FollowOn, Signature
from mkldoctor.explain.hosts import LoaderMissing
from mkldoctor.explain.platforms import ForeignLoadFailed

# a program's own words, then the file: MKL's (libmkl_*, MKL-ML's libmklml*), Intel's OpenMP runtime's, oneTBB's; on Windows
# their DLLs ("Can not find the mkl_sequential.dll"); a sentence's full stop may follow the name
_OWN_WORDS = re.compile(rf"(?i)\b(?:{CANNOT}|failed to|unable to) (?:find|load|open|locate|dlopen)"
                        r"\b(?: the)?(?: shared)?(?: (?:library|lib|object|module|file))?:?\s*['\"`\u2018]?"
                        r"(?P<path>(?:[A-Za-z]:\\[^'\"`\u2019\n]*?\\|[^\s'\"`\u2019]*[/\\])?"
                        r"(?P<so>lib(?:mkl|iomp5|tbb)[\w+-]*(?:\.so(?:\.\d+)*|(?:\.\d+)?\.dylib)"
                        r"|(?:lib)?(?:mkl|iomp|tbb)[\w.-]*?\.dll))"
                        r"(?!\.?\w)")


def _own_words(m: re.Match, _):
    said = m.string.strip()[:300]
    if m["so"].lower().endswith(".dll"):
        return ForeignLoadFailed("Windows", m["so"], m.group(0).strip())
    if m["so"].endswith(".dylib"):
        return ForeignLoadFailed("macOS", m["so"], said)
    return LoaderMissing(m["so"], "the program, in its own words (it opened the library with dlopen; the loader's reason "
                         "is not in the log)", m["path"] if "/" in m["path"] else "")


SIGNATURES = (
    Signature("paddle-dynamic-loader-cannot-find", "programloader", "an not find library",
              re.compile(r"\b[Cc]an ?not find library: (?P<so>lib[\w.+-]{1,200}\.so(?:\.\d+)*)\b"),
              lambda m, _: LoaderMissing(m.group("so"), "the program's own dynamic loader (dlopen: Paddle's dynamic_loader)")),
    # glog's CHECK of the handle dlopen returned, after the line above
    Signature("glog-dso-handle-check", "programloader", "Check failed: ",
              re.compile(r"Check failed: (?:dso_handle|handle|\w*dso\w*) != nullptr"), lambda m, _: FollowOn(m.string.strip()[:300])),
    *(Signature(f"program-cannot-load-mkl-{i}", "programloader", needle, _OWN_WORDS, _own_words)
      for i, needle in enumerate(("an not ", "an't ", "annot ", "ant find", "ant load", "ant open", "ould not", "ouldn't ",
                                  "ouldnt ", "ouldn\u2019t ", "ailed to ", "nable to "))),
)
