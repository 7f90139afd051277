"""The eighty-first blind set (tests/data/explain_corpus/blind81.json): texts the rules made after it answer (mailing
lists and trackers)."""

from __future__ import annotations

import io

from mkldoctor.explain.lines import logical_lines
from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(81)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_an_undefined_reference_wrapped_before_its_name():
    """r-devel 2012-03: ld's line cut after 'undefined reference to', the name on the next line: one line again, and
    Revolution R's libiomp5.so needing pthread_atfork is the link's missing -lpthread (libpthread.so.0 in the check)."""
    log = _log("rserve")
    assert list(logical_lines(io.BytesIO(log.encode()))) == [
        "/usr/lib64/Revo-5.0/R-2.13.2/lib64/R/lib/libiomp5.so: undefined reference to `pthread_atfork'"]
    finding = only_error(log)
    assert finding.id == "system-libraries-missing" and finding.title.endswith("lacks -lpthread"), flat(finding)
    assert "libpthread.so.0 must be among them" in finding.confirm[0]


def test_onemkls_sycl_header_without_the_sycl_compilers():
    """chipStar#821 (clang's words) and gcc's with its include chain: oneMKL's oneapi/mkl headers include sycl/sycl.hpp,
    the SYCL compiler's; a program's own missing sycl.hpp stays unrecognised, no MKL failure."""
    clang = only_error(_log("chipstar-821"))
    assert clang.id == "onemkl-sycl-headers-missing" and "oneapi/mkl/bfloat16.hpp needs sycl/sycl.hpp" in clang.title, flat(clang)
    assert "source /opt/intel/oneapi/setvars.sh, then icpx -fsycl" in clang.fix[0]
    gcc = only_error("In file included from /opt/intel/oneapi/mkl/2025.0/include/oneapi/mkl.hpp:23,\n"
                     "                 from gemm.cpp:2:\n/opt/intel/oneapi/mkl/2025.0/include/oneapi/mkl/types.hpp:22:10: "
                     "fatal error: sycl/sycl.hpp: No such file or directory\ncompilation terminated.\n")
    assert gcc.id == "onemkl-sycl-headers-missing" and "oneapi/mkl/types.hpp" in gcc.title, flat(gcc)
    own = only_error("/src/app.cpp:3:10: fatal error: sycl/sycl.hpp: No such file or directory\n")
    assert own.id == "unrecognised-failure", flat(own)
