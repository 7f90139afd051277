"""The classes of the thirty-fourth blind set (tests/data/explain_corpus/blind34.json): mkl-service's own switch in its
threading-layer message (opencompass#850's maintainer: MKL_SERVICE_FORCE_INTEL), and MKL's loader message left empty
before its Cannot load (r-inla#87), which is part of that failure, not a second one."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_mkl_services_own_switch_and_a_hosts_own_check():
    said = ("Error: mkl-service + Intel(R) MKL: MKL_THREADING_LAYER=INTEL is incompatible with libgomp-a34b3233.so.1 library.\n"
            "\tTry to import numpy first or set the threading layer accordingly. Set MKL_SERVICE_FORCE_INTEL to force it.\n")
    [finding] = errors_of(said)
    assert finding.id == "threading-layer-conflict" and any("MKL_SERVICE_FORCE_INTEL=1" in f for f in finding.fix), flat(finding)
    theano = 'RuntimeError: To use MKL 2018 with Theano you MUST set "MKL_THREADING_LAYER=GNU" in your environement.\n'
    assert not any("FORCE_INTEL" in f for x in errors_of(theano) for f in x.fix)


def test_mkls_empty_loader_message_is_part_of_its_cannot_load():
    log = ("INTEL MKL ERROR: .\nIntel MKL FATAL ERROR: Cannot load libmkl_mc3.2.dylib.\n"
           "Error in inla.inlaprogram.has.crashed() : \n")
    findings = errors_of(log)
    assert [f.id for f in findings] == ["mkl-cannot-load-kernels"], [(f.id, f.title) for f in findings]
    assert any("INTEL MKL ERROR: ." in e for e in findings[0].evidence)
