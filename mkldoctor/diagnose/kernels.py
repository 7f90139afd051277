"""What a probe saw of one copy's CPU kernel libraries on this machine: the record the
``kernels-missing`` rule reads. The probe itself lives in ``runtime/`` (a layer above);
``check`` hands its observer in, so the rule never guesses a kernel from CPU flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mkldoctor.inventory.install import MklInstall


@dataclass(frozen=True)
class KernelsSeen:
    loaded: tuple[str, ...] | None  # kernel and VML file names a probe mapped on this CPU; None: not observed
    missing: tuple[str, ...]  # of those MKL asked for on this CPU, the ones this copy lacks
    how: str  # "observed on this CPU (...)" or "not observed: why"


KernelObserver = Callable[[MklInstall], KernelsSeen]
