"""Fix recipes: the exact commands for each package manager, as data.

Which package gives what:
- Intel's apt/dnf repository: ``intel-oneapi-mkl`` has shared objects only;
  ``intel-oneapi-mkl-devel`` adds headers, static archives, pkg-config and CMake files.
  ``libiomp5`` comes with ``intel-oneapi-openmp`` (the compiler runtime).
- Debian/Ubuntu non-free: ``libmkl-rt`` and the per-layer ``libmkl-*`` packages are the
  shared objects; ``libmkl-dev`` adds headers and pkg-config files; the static archives
  are ``libmkl-interface-dev``, ``libmkl-threading-dev`` and ``libmkl-computational-dev``,
  which ``libmkl-full-dev`` pulls in. No ``libmkl-*`` package ships ``libiomp5``:
  LLVM's ``libomp-dev`` provides a compatible ``libiomp5.so``.
- pip: ``mkl`` (shared objects), ``mkl-static`` (archives), ``mkl-include`` (headers),
  ``mkl-devel`` (pkg-config and CMake files), ``intel-openmp`` (libiomp5).
- conda: ``mkl`` (shared), ``mkl-static``, ``mkl-include``, ``mkl-devel``, ``intel-openmp``.
"""

from __future__ import annotations

import os
import shlex
import shutil

LATEST = "2026.2.0"  # the newest oneMKL on PyPI that this release of mkldoctor was tested with

INTEL_APT_REPO = (
    "wget -O- https://apt.repos.intel.com/intel-gpg-keys/GPG-PUB-KEY-INTEL-SW-PRODUCTS.PUB"
    " | gpg --dearmor | sudo tee /usr/share/keyrings/oneapi-archive-keyring.gpg > /dev/null",
    'echo "deb [signed-by=/usr/share/keyrings/oneapi-archive-keyring.gpg] https://apt.repos.intel.com/oneapi all main"'
    " | sudo tee /etc/apt/sources.list.d/oneAPI.list",
    "sudo apt-get update",
)
INTEL_YUM_REPO = (
    "sudo tee /etc/yum.repos.d/oneAPI.repo <<'EOF'\n[oneAPI]\nname=Intel oneAPI repository\n"
    "baseurl=https://yum.repos.intel.com/oneapi\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\n"
    "gpgkey=https://yum.repos.intel.com/intel-gpg-keys/GPG-PUB-KEY-INTEL-SW-PRODUCTS.PUB\nEOF",
)


def q(path: str) -> str:
    return shlex.quote(path)


def managers(root: str) -> list[str]:
    """The package managers present under ``root``, most system-like first."""
    found = []
    # the tool, or the package database it keeps (an image may have dpkg's database without apt);
    # an rpm database counts only where dpkg's does not (Debian can carry the rpm tool)
    exists = lambda *paths: any(os.path.exists(os.path.join(root, p)) for p in paths)  # noqa: E731
    dpkg = exists("usr/bin/apt-get", "var/lib/dpkg/status")
    if dpkg:
        found.append("apt")
    if exists("usr/bin/dnf", "usr/bin/yum") or (not dpkg and exists("var/lib/rpm", "usr/lib/sysimage/rpm")):
        found.append("dnf")
    if root == "/" and (os.environ.get("CONDA_PREFIX") or shutil.which("conda")):
        found.append("conda")
    found.append("pip")  # mkldoctor itself runs on Python: pip is there
    return found


def intel_apt_configured(root: str) -> bool:
    folder = os.path.join(root, "etc/apt/sources.list.d")
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                if "apt.repos.intel.com" in handle.read(1 << 16):
                    return True
        except OSError:
            continue
    return False


def install_static(root: str, debian_present: bool) -> list[str]:
    """Commands that install an MKL with static archives, for each manager present."""
    steps: list[str] = []
    present = managers(root)
    if "apt" in present:
        if debian_present:
            steps.append("sudo apt-get install libmkl-full-dev   # Debian/Ubuntu: adds the static archives (2020.4: no hgemm_)")
        repo = () if intel_apt_configured(root) else INTEL_APT_REPO
        steps += list(repo) + ["sudo apt-get install intel-oneapi-mkl-devel   # Intel's repository: headers + static archives"]
    if "dnf" in present:
        steps += list(INTEL_YUM_REPO) + ["sudo dnf install intel-oneapi-mkl-devel"]
    if "conda" in present:
        steps.append("conda install -c conda-forge mkl-static mkl-include mkl-devel intel-openmp")
    steps.append(f"python3 -m pip install mkl-static=={LATEST} mkl-include=={LATEST} mkl-devel=={LATEST} intel-openmp=={LATEST}")
    return steps


def install_openmp(root: str) -> list[str]:
    steps = []
    present = managers(root)
    if "apt" in present:
        steps.append("sudo apt-get install libomp-dev   # LLVM's OpenMP, with a libiomp5.so compatible name")
        steps.append("sudo apt-get install intel-oneapi-openmp   # Intel's repository")
    if "dnf" in present:
        steps.append("sudo dnf install intel-oneapi-openmp")
    if "conda" in present:
        steps.append("conda install intel-openmp")
    steps.append(f"python3 -m pip install intel-openmp=={LATEST}")
    return steps


def point_cargo_at(root: str, config: str | None) -> list[str]:
    """Make intel-mkl-src use the copy at ``root`` (it reads MKLROOT; re-runs only on change)."""
    steps = [f"export MKLROOT={q(root)}", "cargo clean -p intel-mkl-src"]
    if config:
        steps.append(f"cargo build   # intel-mkl-src {config} now takes MKLROOT")
    return steps
