"""What the rules of ``check`` read, gathered once: the inventory, what the project needs, the copy the
build will pick, the environment, the machine's CPU and quota."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mkldoctor.diagnose.predict import Choice
from mkldoctor.diagnose.project import Needs
from mkldoctor.discover import Inventory
from mkldoctor.discover.cpubudget import CpuBudget
from mkldoctor.discover.cpuinfo import CpuInfo
from mkldoctor.inventory.install import MklInstall
from mkldoctor.observe.kernels import KernelsSeen


@dataclass(frozen=True)
class Facts:
    inventory: Inventory
    needs: Needs
    choice: Choice
    env: dict[str, str]
    budget: CpuBudget  # the CPU quota, affinity and MKL's own thread count
    cpu: CpuInfo
    observe_kernels: Callable[[MklInstall], KernelsSeen] | None = None  # a probe on this machine (runtime/), when check may run one


def debian_present(inventory: Inventory) -> bool:
    """Debian's libmkl-* packages hold one of the copies (their apt recipe block is then offered)."""
    return any(i.package and "libmkl-" in i.package for i in inventory.installs)
