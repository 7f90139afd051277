"""The last build's own record of which MKL it linked: intel-mkl-src's build-script output.

Cargo keeps what a build script printed in ``<target>/<profile>/build/intel-mkl-src-<hash>/output``
(``<target>/<triple>/<profile>/...`` when cross-compiling): the ``cargo:rustc-link-search`` and
``cargo:rustc-link-lib`` lines name the MKL the last build linked, and the ``rerun-if-*`` lines
say what makes cargo run the script again. Nothing else does: a new ``MKLROOT`` is ignored unless
the script asked for it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.knowledge import layout

_LINE = re.compile(r"^cargo::?([a-z-]+)=(.*)$")
_OCIPKG_TAG = re.compile(r"/__?(\d{4})\.(\d+)")


@dataclass(frozen=True)
class BuildRecord:
    output: str  # the file cargo kept
    where: str  # "debug", "x86_64-unknown-linux-gnu/release"
    search: tuple[str, ...]
    libs: tuple[str, ...]  # "static=mkl_core", "mkl_rt"
    rerun_env: tuple[str, ...]
    rerun_paths: tuple[str, ...]
    mtime: float

    @property
    def mkl_dir(self) -> str | None:
        for folder in self.search:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            if any(n.startswith(("libmkl_core.", "libmkl_rt.")) for n in names):
                return folder
        return self.search[0] if self.search else None

    @property
    def interface(self) -> str | None:
        names = {lib.split("=")[-1] for lib in self.libs}
        linked = [library for library in layout.of_role("interface") if library.name in names and library.spelled("mkldoctor")]
        # both linked (a wrong build): ILP64 reads every integer argument as 64 bits, so it is the one to name
        return max(linked, key=lambda library: library.integers == "ilp64").spelled("mkldoctor") if linked else None

    @property
    def tag_version(self) -> str | None:
        """The MKL release in an ocipkg download's folder name (``__2020.1-3038006115``)."""
        match = _OCIPKG_TAG.search(self.mkl_dir or "")
        return f"{match.group(1)}.{match.group(2)}" if match else None

    def lines(self) -> list[str]:
        return ([f"cargo:rustc-link-search={s}" for s in self.search] + [f"cargo:rustc-link-lib={lib}" for lib in self.libs]
                + [f"cargo:rerun-if-env-changed={e}" for e in self.rerun_env]
                + [f"cargo:rerun-if-changed={p}" for p in self.rerun_paths])


def parse(path: str, where: str) -> BuildRecord | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 20)
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    search, libs, env, paths = [], [], [], []
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "rustc-link-search":
            search.append(value.split("=", 1)[1] if "=" in value else value)
        elif key == "rustc-link-lib":
            libs.append(value)
        elif key == "rerun-if-env-changed":
            env.append(value)
        elif key == "rerun-if-changed":
            paths.append(value)
    return BuildRecord(path, where, tuple(search), tuple(libs), tuple(env), tuple(paths), mtime)


def target_dirs(top: str, env: dict[str, str]) -> list[str]:
    found = []
    if env.get("CARGO_TARGET_DIR"):
        found.append(os.path.join(top, env["CARGO_TARGET_DIR"]))
    found.append(os.path.join(top, "target"))
    return [d for d in dict.fromkeys(os.path.normpath(d) for d in found) if os.path.isdir(d)]


def _listdir(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:  # unreadable or gone: nothing recorded there that we can use
        return []


def _build_dirs(target: str):
    """(where, build folder) for every profile, and every profile under every target triple."""
    for entry in _listdir(target):
        build = os.path.join(target, entry, "build")
        if os.path.isdir(build):
            yield entry, build
        elif os.path.isdir(os.path.join(target, entry)):
            for profile in _listdir(os.path.join(target, entry)):
                build = os.path.join(target, entry, profile, "build")
                if os.path.isdir(build):
                    yield f"{entry}/{profile}", build


def read_records(top: str, env: dict[str, str]) -> list[BuildRecord]:
    """The newest intel-mkl-src record of each profile (and triple) in the project's target folders."""
    newest: dict[tuple[str, str], BuildRecord] = {}
    for target in target_dirs(top, env):
        for where, build in _build_dirs(target):
            for entry in _listdir(build):
                path = os.path.join(build, entry, "output")
                if entry.startswith("intel-mkl-src-") and os.path.isfile(path):
                    record = parse(path, where)
                    key = (target, where)
                    if record is not None and (key not in newest or record.mtime > newest[key].mtime):
                        newest[key] = record
    return sorted(newest.values(), key=lambda r: -r.mtime)
