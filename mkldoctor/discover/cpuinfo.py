"""What the CPU is: its model, vendor and instruction-set flags, from /proc/cpuinfo (inside ``--root``)."""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.rootfs import RootFS


@dataclass(frozen=True, slots=True)
class CpuInfo:
    model: str
    flags: frozenset[str]
    vendor: str | None = None  # GenuineIntel, AuthenticAMD

    @property
    def isa(self) -> str:
        for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"), ("sse4_2", "SSE4.2")):
            if flag in self.flags:
                return name
        return "baseline x86-64" if self.flags else "unknown"

    @property
    def fast_f16(self) -> bool:
        """Hardware that multiplies halves natively (AVX512-FP16, AMX-FP16)."""
        return bool({"avx512_fp16", "amx_fp16"} & self.flags)

    @property
    def amx(self) -> bool:
        return any(f.startswith("amx") for f in self.flags)


def cpu_info(root: str = "/") -> CpuInfo:
    """The first processor's entry; "unknown" and no flags when the file is not there."""
    model, flags, vendor = "unknown", frozenset(), None
    try:  # under --root the image's file, never the host's through a link
        with RootFS(root).open_in_root("/proc/cpuinfo") as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown":
            model = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
        elif key == "vendor_id" and vendor is None:
            vendor = value.strip() or None
        if model != "unknown" and flags and vendor:
            break
    return CpuInfo(model, flags, vendor)
