"""oneDAL's loader refusing its own threading layers on Windows: ``Intel oneDAL FATAL ERROR: onedal_thread.1.dll. Error
code is 0x80096005.``, then ``Cannot load neither onedal_thread.1.dll nor onedal_sequential.1.dll.``

oneDAL (scikit-learn-intelex's and daal4py's engine) opens its threading layer at run time, as MKL does, through a loader
that first checks the DLL's Authenticode signature with WinVerifyTrust (oneDAL's service_daal_load_win_dynamic_lib.cpp):
a result it does not name is printed as that error code, and the DLL refused though it is there (scikit-learn-intelex
#531: 0x80096005, TRUST_E_TIME_STAMP, on both layers). A code is Windows' own (winerror.h); a line without one is a
layer not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# WinVerifyTrust's answers (winerror.h) that a signed DLL meets on a machine, with what each says
TRUST_CODES = {
    0x80096005: "TRUST_E_TIME_STAMP: the time-stamp signature or its certificate could not be verified",
    0x80096010: "TRUST_E_BAD_DIGEST: the file's contents do not match its signature (changed after signing)",
    0x800B0100: "TRUST_E_NOSIGNATURE: the file carries no signature",
    0x800B0101: "CERT_E_EXPIRED: a certificate of the signature is outside its validity period",
    0x800B0109: "CERT_E_UNTRUSTEDROOT: the signature's chain ends at a root certificate this machine does not trust",
    0x800B010A: "CERT_E_CHAINING: the signature's certificate chain could not be built to a trusted root",
    0x800B010E: "CERT_E_REVOCATION_FAILURE: the certificate's revocation could not be checked (offline, a proxy)",
    0x80092010: "CRYPT_E_REVOKED: a certificate of the signature was revoked",
    0x800B0111: "TRUST_E_EXPLICIT_DISTRUST: a certificate of the signature is marked untrusted on this machine",
}


@dataclass(frozen=True, slots=True)
class DalLayerRefused:
    dll: str
    code: int
    line: str


@dataclass(frozen=True, slots=True)
class DalGpuBackendMissing:
    """scikit-learn-intelex's ``RuntimeError: Operations using queues require the DPC/SPMD backend``: its DPC++ (SYCL)
    backend, libonedal_dpc.so, did not load, and the import hid why (scikit-learn-intelex PR #2998)."""

    line: str


@dataclass(frozen=True, slots=True)
class DalLayersMissing:
    layers: tuple[str, ...]
    line: str


def _neither(m: re.Match, before) -> object:
    if last_match(r"oneDAL FATAL ERROR: \S+\.dll\. Error code is", before, within=4):
        return FollowOn(m.string.strip()[:300])  # the refusals above it said why
    return DalLayersMissing((m["a"], m["b"]), m.string.strip()[:300])


SIGNATURES = (
    Signature("onedal-layer-refused", "dalload", "FATAL",
              re.compile(r"oneDAL FATAL ERROR: (?P<dll>[\w.+-]{1,100}\.dll)\. Error code is (?P<code>0x[0-9a-fA-F]{1,8})"),
              lambda m, _: DalLayerRefused(m["dll"], int(m["code"], 16), m.string.strip()[:300])),
    Signature("onedal-layers-missing", "dalload", "FATAL",
              re.compile(r"oneDAL FATAL ERROR: Cannot load neither (?P<a>[\w.+-]{1,100}) nor (?P<b>[\w.+-]{1,100}?)\.?\s*$"),
              _neither),
    Signature("sklearnex-dpc-backend-missing", "dalload", "rror",
              re.compile(r"Operations using queues require the DPC/SPMD backend"),
              lambda m, _: DalGpuBackendMissing(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    refused, missing, gpu = events.of(DalLayerRefused), events.of(DalLayersMissing), events.of(DalGpuBackendMissing)
    layers = [_refused(refused)] if refused else [_missing(missing[0])] if missing else []  # refused: the layers are there
    return layers + ([_gpu(gpu[0])] if gpu else [])


def _gpu(event: DalGpuBackendMissing) -> Finding:
    return Finding(
        "onedal-gpu-backend-missing", "error",
        "scikit-learn-intelex has no GPU (DPC++) backend here: its libonedal_dpc library did not load",
        (event.line, "a SYCL queue (a GPU or target_offload) needs oneDAL's DPC++ backend, libonedal_dpc.so (onedal_dpc.dll), "
         "and the SYCL runtime it needs; a CPU-only installation has neither, and its import does not say so (the "
         "releases before scikit-learn-intelex PR #2998, which now prints the load error)"),
        ("install the GPU support: pip install \"scikit-learn-intelex[gpu]\" (releases that split it), or the package from "
         "Intel's conda channel, which carries it; with the GPU driver's runtime (Level Zero) installed",
         "or run on the CPU: leave out the SYCL queue (target_offload='auto' or 'cpu')"),
        "oneDAL's GPU code is a library of its own, loaded at import when present; without it, any call given a queue fails.",
        ("python -c \"import onedal._onedal_py_dpc\"   # the load error, with the missing library named",),
    )


def _refused(refused: list[DalLayerRefused]) -> Finding:
    first = refused[0]
    dlls = list(dict.fromkeys(e.dll for e in refused))
    meaning = TRUST_CODES.get(first.code, f"a Windows error code (winerror.h): certutil -error 0x{first.code:08X} says which")
    return Finding(
        "onedal-layer-signature-refused", "error",
        f"oneDAL refused its threading layer{'s' if len(dlls) > 1 else ''} {' and '.join(dlls)}: Windows did not "
        "accept the DLL's signature",
        (*(e.line for e in refused[:3]), f"0x{first.code:08X} is {meaning}",
         "oneDAL (scikit-learn-intelex's and daal4py's engine) checks the Authenticode signature of its threading layer "
         "with WinVerifyTrust before it loads it, and refuses a DLL whose check fails: the file is there, its signature is "
         "what Windows did not accept (scikit-learn-intelex#531)"),
        (f"check the signature as Windows sees it: powershell Get-AuthenticodeSignature <the folder>\\{dlls[0]} "
         "(or signtool verify /pa /v)",
         "a machine without Windows Update's root certificates (offline, a locked-down image) cannot verify the signer's "
         "or the time-stamp's chain: update its root certificates (Windows Update; offline: certutil -generateSSTFromWU "
         "roots.sst on a connected machine, then import roots.sst's certificates into Trusted Root Certification "
         "Authorities)",
         "a DLL changed after signing (0x80096010) or cut short: install the package again (pip install --force-reinstall "
         "daal (PyPI's name for oneDAL's runtime), or conda install --force-reinstall dal)"),
        "oneDAL opens its threading layer at run time and verifies its signature first; Windows' answer is printed as "
        "the error code, and the layer is refused.",
        ("powershell \"Get-AuthenticodeSignature (Get-ChildItem -Recurse -Filter 'onedal_*.dll' $env:CONDA_PREFIX)\""
         "   # Status: Valid for each layer",),
    )


def _missing(event: DalLayersMissing) -> Finding:
    return Finding(
        "onedal-layers-not-found", "error",
        f"oneDAL cannot load its threading layer: neither {event.layers[0]} nor {event.layers[1]} was found",
        (event.line, "oneDAL opens its threading layer by name at run time, from the folder of its own DLLs and the DLL "
         "search path; neither file was there"),
        ("install oneDAL's runtime beside daal4py or scikit-learn-intelex, of the same release (pip install daal, or conda "
         "install dal), and run Python from that environment (its Library\\bin or its folder of DLLs on the search path)",),
        "oneDAL's threading layers are DLLs of their own, opened at run time, like MKL's.",
        ("python -c \"import daal4py\"   # loads oneDAL with its layers",),
    )
