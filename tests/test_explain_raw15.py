"""Round 15 of raw public pastes (issue threads read without their causes, none used before): what was read wrong in
them, as the paste showed it."""

from __future__ import annotations

import re

import pytest

from mkldoctor.explain import vslstatus
from tests.test_explain_families import errors_of, flat, only_error

# uncomplicate/deep-diamond#15: Neanderthal's exception for MKL's status, in Clojure's REPL (CIDER's frames below it)
DEEP_DIAMOND_15 = """1. Unhandled clojure.lang.ExceptionInfo
   MKL error.
   {:error-code -1140}
                   mkl.clj:  991  uncomplicate.neanderthal.internal.host.mkl.FloatVectorEngine/rand_normal
               factory.clj:  277  uncomplicate.diamond.internal.dnnl.factory.FloatTensorEngine/rand_normal
                random.clj:   35  uncomplicate.neanderthal.random/rand-normal!
"""


def _defines(header) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r"#define\s+(VSL_\w+)\s+(-?\d+)\b", header.read_text())}


@pytest.mark.mkl
def test_the_statuses_are_mkls_own(mkl):
    """The table's numbers and names, held against mkl_vsl_defines.h of the MKL releases the tests install (2026.2 from
    PyPI, Debian's 2020.4)."""
    for header in (mkl.pip / "include" / "mkl_vsl_defines.h",
                   mkl.debian_shared / "usr" / "include" / "mkl" / "mkl_vsl_defines.h"):
        defined = _defines(header)
        for code, (name, _, _) in vslstatus.STATUSES.items():
            assert defined.get(name) == code, (header, name, code)


def test_an_ars5_stream_on_a_cpu_without_aes_ni():
    """deep-diamond#15 (silent): Neanderthal's rand_normal on ARS-5, MKL's status -1140 under 'MKL error.'."""
    finding = only_error(DEEP_DIAMOND_15)
    assert finding.id == "mkl-vsl-status" and "-1140 (VSL_RNG_ERROR_ARS5_NOT_SUPPORTED)" in finding.title, flat(finding)
    assert "AES-NI" in finding.title and "Philox4x32-10" in finding.fix[0], flat(finding)
    assert "aes|rdrand" in finding.confirm[0]
    # the same number from a program that names no MKL: not read as MKL's
    other = "Unhandled exception: request failed\n   {:error-code -1140}\n"
    assert "mkl-vsl-status" not in [f.id for f in errors_of(other)]
