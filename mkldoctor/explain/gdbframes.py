"""gdb's backtrace through MKL's libraries, pasted without its head: no signal line, no stop, the frames alone
(``#0  0x... in ?? () from /opt/intel/mkl/lib/intel64/libmkl_avx2.so``), or from a later frame where the paste was cut
(chipStar#743: ``#19 0x... in oneapi::mkl::gpu::launch_kernel_3D(...) () from .../libmkl_sycl_blas.so.4``).

Frame #0 in an MKL library is where the program stopped: read as :mod:`mkldoctor.explain.crash` reads a crash (whose own
mark takes frame #0 in a function named mkl_*, this one any function of an MKL library's file). A paste that begins at a
later frame shows neither the signal nor the frame that stopped: it is said as an error mkldoctor does not know, with
its line, never read as a clean log. Only the first frame of a run, with no signal or stop line just above it, is read;
the frames after it are its backtrace.
"""

from __future__ import annotations

import re

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.crash import Crash

# gdb's frame: its number, the address and function, and the library it is in ("() from /path/libmkl_def.so.3")
_FRAME = re.compile(r"^#(?P<n>\d{1,4})\s+(?:0x[0-9a-f]+ in )?\S.*?\) from (?P<lib>\S*/lib(?:mkl|iomp5)\w*\.so[\d.]*)\s*$")
_ANY_FRAME = re.compile(r"^#\d{1,4}\s")


# gdb's own words above a backtrace when the paste keeps them: the signal, the stop's line ("0x... in f () from lib")
_HEAD = re.compile(r"\bsignal\b|\bSIG[A-Z]{3,}\b|^0x[0-9a-f]+ in |^Thread \d")


def _event(m: re.Match, before):
    if any(_ANY_FRAME.match(line) or _HEAD.search(line) for line in before):  # a backtrace read from its head or its
        return NOT_MINE  # first frame: the crash's own reading has it
    return Crash(m.string.strip()) if m["n"] == "0" else Unrecognised(m.string.strip())


SIGNATURES = (Signature("gdb-frame-in-mkl", "gdbframes", ") from /", _FRAME, _event),)
