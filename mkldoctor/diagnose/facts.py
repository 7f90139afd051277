"""What the rules of ``check`` read, gathered once: the inventory, what the project needs, the copy the
build will pick, the environment, the machine's CPU and quota, and what a probe saw of each copy's kernels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from mkldoctor.diagnose.predict import Choice
from mkldoctor.diagnose.project import Needs
from mkldoctor.discover import Inventory
from mkldoctor.discover.cpubudget import CpuBudget
from mkldoctor.discover.cpuinfo import CpuInfo
from mkldoctor.observe.kernels import KernelsSeen

if TYPE_CHECKING:
    from mkldoctor.diagnose.buildpredict import BuildPrediction


@dataclass(frozen=True)
class Facts:
    inventory: Inventory
    needs: Needs
    choice: Choice
    env: dict[str, str]
    budget: CpuBudget  # the CPU quota, affinity and MKL's own thread count
    cpu: CpuInfo
    kernels: Mapping[str, KernelsSeen] = field(default_factory=dict)  # a probe's view of each copy with a shared core, by key
    image: str | None = None  # the image the root was read from
    build: BuildPrediction | None = None  # the build tool's predicted configure step, when there is one
    build_fixes: tuple = ()  # fixes whose prediction configures and links MKL, checked by the rules (buildcheck)
    build_tried: tuple[str, ...] = ()  # the changes tried that did not
    build_concerns_mkl: bool = False  # the project's build files mention MKL

    @property
    def where(self) -> str:
        """Where the copies were looked for, as a finding says it: never "this machine" for a root or an image."""
        if self.image:
            return f"in the image {self.image}"
        return "on this machine" if self.inventory.root == "/" else f"under {self.inventory.root}"


def debian_present(inventory: Inventory) -> bool:
    """Debian's libmkl-* packages hold one of the copies (their apt recipe block is then offered)."""
    return any(i.package and "libmkl-" in i.package for i in inventory.installs)
