"""The distributions a Python environment holds and the files each installed, from their records.

A wheel's ``*.dist-info/RECORD`` lists its files relative to site-packages (``../../../lib/libmkl_rt.so.3``
is the mkl wheel's, in the prefix's ``lib``); a conda package's ``conda-meta/<name>-<version>-<build>.json``
lists them relative to the prefix. Only the records are read: no package is imported.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass

from mkldoctor.discover.pyenv import PythonEnv

RECORD_LIMIT = 64 << 20  # torch's RECORD is 2 MB; a conda record of a big package, tens


@dataclass(frozen=True)
class Distribution:
    name: str  # as its metadata spells it: "scikit-learn"
    version: str | None
    source: str  # "dist-info" or "conda-meta"
    record: str  # the dist-info folder, or the conda-meta file
    files: tuple[str, ...]  # absolute, normalised paths of what it installed
    requires: tuple[str, ...] = ()  # normalised names of what it depends on (Requires-Dist without extras; conda's depends)

    @property
    def key(self) -> str:
        return normalise(self.name)

    def modules(self, site_dirs: tuple[str, ...]) -> tuple[str, ...]:
        """The top-level names it makes importable (``torch``, ``sklearn``, ``mkl``), from its files."""
        found: dict[str, None] = {}
        for path in self.files:
            for site in site_dirs:
                if path.startswith(site + os.sep):
                    first = path[len(site) + 1 :].split(os.sep, 1)
                    name = first[0].split(".", 1)[0] if len(first) == 1 else first[0]
                    if name.isidentifier() and (len(first) > 1 or first[0].endswith((".py", ".so"))) and \
                            not first[0].endswith((".dist-info", ".libs", ".data")) and name != "__pycache__":
                        found.setdefault(name, None)
        return tuple(found)


def normalise(name: str) -> str:
    """PEP 503: ``Scikit_Learn`` -> ``scikit-learn``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_distributions(env: PythonEnv) -> tuple[list[Distribution], list[str]]:
    """Every distribution of ``env`` (conda records first: a conda package also carries a dist-info), and
    the records that could not be read, one line each."""
    warnings: list[str] = []
    found: dict[str, Distribution] = {}
    if env.kind == "conda":
        for dist in _conda(env.prefix, warnings):
            found.setdefault(dist.key, dist)
    for site in env.site_dirs:
        for dist in _dist_infos(site, warnings):
            found.setdefault(dist.key, dist)
    return sorted(found.values(), key=lambda d: d.key), warnings


def _read(path: str, limit: int) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def _dist_infos(site: str, warnings: list[str]) -> list[Distribution]:
    try:
        entries = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
    except OSError:
        return []
    out = []
    for entry in entries:
        folder = os.path.join(site, entry)
        metadata = _read(os.path.join(folder, "METADATA"), 1 << 16) or ""
        fields = dict(re.findall(r"^(Name|Version):\s*(.+?)\s*$", metadata.split("\n\n", 1)[0], re.MULTILINE))
        name = fields.get("Name") or entry[: -len(".dist-info")].rsplit("-", 1)[0]
        record = _read(os.path.join(folder, "RECORD"), RECORD_LIMIT)
        if record is None:
            warnings.append(f"{folder}: no RECORD, its files are not known")
            record = ""
        files = []
        for row in csv.reader(io.StringIO(record)):
            if row and row[0]:
                files.append(os.path.normpath(os.path.join(site, row[0])))
        requires = re.findall(r"^Requires-Dist:\s*([A-Za-z0-9][A-Za-z0-9._-]*)([^;\n]*)(;[^\n]*)?$", metadata, re.MULTILINE)
        needed = tuple(normalise(n) for n, _, marker in requires if "extra" not in (marker or ""))
        out.append(Distribution(name, fields.get("Version"), "dist-info", folder, tuple(files), needed))
    return out


def _conda(prefix: str, warnings: list[str]) -> list[Distribution]:
    meta = os.path.join(prefix, "conda-meta")
    try:
        entries = sorted(n for n in os.listdir(meta) if n.endswith(".json"))
    except OSError:
        return []
    out = []
    for entry in entries:
        path = os.path.join(meta, entry)
        try:
            record = json.loads(_read(path, RECORD_LIMIT) or "")
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("files", []), list):
            warnings.append(f"{path}: not a conda package record, skipped")
            continue
        name = str(record.get("name") or entry[:-5].rsplit("-", 2)[0])
        files = tuple(os.path.normpath(os.path.join(prefix, str(f))) for f in record.get("files", []))
        depends = tuple(normalise(str(d).split()[0]) for d in record.get("depends", []) if str(d).strip())
        out.append(Distribution(name, str(record["version"]) if record.get("version") else None, "conda-meta", path, files,
                                depends))
    return out
