"""The oneMKL interfaces (oneMath) refusing a SYCL device before any backend runs: ``oneMKL: PowerVR B-Series
BXT-32-1024 is not supported`` (uxlfoundation/oneMath#542).

oneMath's run-time dispatch chooses a backend library by the device's vendor (Intel CPU and GPU, NVIDIA, AMD); a device
of any other vendor was refused by that check, although a generic backend (portBLAS, portFFT) runs on any SYCL device.
Its PR #566 added a generic device type for them; compile-time dispatch names the backend itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class DeviceRefused:
    device: str
    line: str


SIGNATURES = (
    Signature("onemath-device-not-supported", "onemath", "is not supported",
              # a device's name (its vendor's, capitalised), not a feature's ("sycl::half", "this operation")
              re.compile(r"\bone(?:MKL|Math): (?P<dev>[A-Z][^:]*?) is not supported\b"),
              lambda m, _: DeviceRefused(m.group("dev").strip()[:120], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [Finding(
        "onemath-device-not-supported", "error",
        f"the oneMKL interfaces (oneMath) refused the device {event.device}: its run-time dispatch knows only some vendors",
        (event.line,
         "oneMath's run-time dispatch picks a backend library by the device's vendor (Intel CPU and GPU, NVIDIA, AMD) and "
         "refuses any other device before a backend runs, even one a generic backend (portBLAS, portFFT) supports"),
        ("take a oneMath release whose dispatch has a generic device type (its PR #566: the portBLAS backend for other "
         "SYCL devices), built with that backend enabled (-DENABLE_PORTBLAS_BACKEND=ON)",
         "or dispatch at compile time: call the API with the backend's own selector (oneapi::mkl::backend_selector<"
         "oneapi::mkl::backend::portblas>{queue}), which skips the vendor check",
         "or run on a device of a vendor it knows (ONEAPI_DEVICE_SELECTOR=opencl:cpu for the CPU)"),
        "oneMath (formerly the oneMKL interfaces) dispatches each call to a backend library chosen by the device; the "
        "choice is a table of vendors, and a device outside it has no backend at run time.",
        ("sycl-ls   # the devices and their vendors as SYCL sees them",),
    ) for event in events.of(DeviceRefused)[:1]]
