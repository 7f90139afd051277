"""ScaLAPACK's refusal of an argument (PXERBLA). Entry J of argument I is parameter I*100+J (Reference-ScaLAPACK#44:
-904 is DESCA's 4th entry); the grid's place {-1,-1} says the process has no grid in that context.

MKL_SCALAPACK_BAD_CONTEXT is the whole output of a program built with the pinned wheel's (oneMKL 2026.2) ScaLAPACK and
BLACS for Open MPI, run here as an Open MPI 4.1.4 singleton (Debian 12's libopenmpi3 and openmpi-bin, installed for the
run and removed after it: with them, Debian's libfabric1 and libucx0 in /usr/lib change what ld finds for other tests' own
libfabric.so.1): PDGESV given a descriptor whose context no grid has (DESCA(2) set to 12345 after descinit); the same
call with the grid's own descriptor printed "info 0". MKL's PXERBLA breaks its line after "On entry to"."""

from __future__ import annotations

from mkldoctor.knowledge import arguments
from tests.test_explain_families import flat, only_error

MKL_SCALAPACK_BAD_CONTEXT = ("{   -1,   -1}:  On entry to \nPDGESV parameter number  602 had an illegal value \ninfo -602\n")


def test_a_descriptors_context_no_grid_has():
    finding = only_error(MKL_SCALAPACK_BAD_CONTEXT)
    assert finding.id == "mkl-parameter-error" and "DESCA(2), its CTXT" in finding.title, flat(finding)
    assert "{-1,-1}" in finding.evidence[1] and finding.fix[0].startswith("check the grid before the call"), flat(finding)
    assert any(line.startswith("check the descriptor where it is made: descinit(") for line in finding.fix), finding.fix


def test_scalapacks_own_argument_lists_and_descriptor_entries():
    assert arguments.argument("PDGETRF", 4) == ("IA", "int")  # not LAPACK's DGETRF (LDA)
    assert arguments.argument("PDTRTRS", 4) is None  # a routine the table lacks: no LAPACK list stands in for it
    assert arguments.argument("PDGESV", 602) == ("DESCA(2), its CTXT", "descriptor")
    assert arguments.argument("PZPOTRS", 1109) == ("DESCB(9), its LLD", "descriptor")
    assert arguments.argument("DGESV", 602) is None


def test_a_grid_place_on_pxerblas_own_line():
    """rokko#316: reference ScaLAPACK prints the place and the words on one line; the place is read there too."""
    finding = only_error("{   -1,   -1}:  On entry to PDSYEVD parameter number    1 had an illegal value\n")
    assert finding.fix[0].startswith("check the grid before the call"), flat(finding)
    placed = only_error("{    0,    0}:  On entry to PDSYEVD parameter number    1 had an illegal value\n")
    assert "{-1,-1}" not in flat(placed)
