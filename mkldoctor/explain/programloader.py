"""A program's own dynamic loader, in its own words, for a library it could not open: Paddle's (Paddle-Lite#9225)::

    W0707 17:08:56.148413 11192 dynamic_loader.cc:121] Can not find library: libmklml_intel.so. The process maybe hang. Please try to add the lib path to LD_LIBRARY_PATH.
    F0707 17:08:56.148521 11192 dynamic_loader.cc:180] Check failed: dso_handle != nullptr

The program opens MKL (MKL-ML, Intel's OpenMP runtime) with dlopen when it first needs it; the loader's own reason is not
printed, only the name it was given. That is the loader's "cannot open shared object file" (:mod:`hosts`), and glog's
check of the handle after it is that failure's echo.
"""

from __future__ import annotations

import re

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.hosts import LoaderMissing

SIGNATURES = (
    Signature("paddle-dynamic-loader-cannot-find", "programloader", "an not find library",
              re.compile(r"\b[Cc]an ?not find library: (?P<so>lib[\w.+-]{1,200}\.so(?:\.\d+)*)\b"),
              lambda m, _: LoaderMissing(m.group("so"), "the program's own dynamic loader (dlopen: Paddle's dynamic_loader)")),
    # glog's CHECK of the handle dlopen returned, after the line above
    Signature("glog-dso-handle-check", "programloader", "Check failed: ",
              re.compile(r"Check failed: (?:dso_handle|handle|\w*dso\w*) != nullptr"), lambda m, _: FollowOn(m.string.strip()[:300])),
)
