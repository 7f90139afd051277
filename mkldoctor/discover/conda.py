"""conda environments: ``conda-meta/*.json`` records for the MKL packages."""

from __future__ import annotations

import json
import posixpath

from mkldoctor.discover.base import Candidate, Context

PACKAGES = {"mkl", "mkl-devel", "mkl-static", "mkl-include", "intel-openmp", "llvm-openmp"}
_BASES = ("miniconda3", "anaconda3", "miniforge3", "mambaforge", "micromamba", ".conda")


def prefixes(ctx: Context) -> list[str]:
    found: list[str] = []
    for var in ("CONDA_PREFIX", "MAMBA_ROOT_PREFIX"):
        if ctx.root.is_host and ctx.env.get(var):
            found.append(ctx.env[var])
    bases = ["/opt/conda", "/opt/miniconda3", "/opt/anaconda3", "/usr/local/miniconda3"]
    bases += [f"{home}/{name}" for home in ctx.homes() for name in _BASES]
    bases += list(ctx.search)
    for base in bases:
        found.append(base)
        found += [posixpath.join(base, "envs", env) for env in ctx.root.listdir(posixpath.join(base, "envs"))]
    return [p for p in dict.fromkeys(found) if ctx.root.listdir(posixpath.join(p, "conda-meta"))]


def find(ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    for prefix in prefixes(ctx):
        meta = posixpath.join(prefix, "conda-meta")
        evidence: list[str] = []
        version = None
        for entry in ctx.root.listdir(meta):
            if not entry.endswith(".json"):
                continue
            name = entry[:-5].rsplit("-", 2)[0]
            if name not in PACKAGES:
                continue
            try:
                record = json.loads(ctx.root.read_text(posixpath.join(meta, entry), limit=16 << 20) or "")
            except ValueError:
                ctx.warn(f"{ctx.root.host(posixpath.join(meta, entry))}: not valid JSON, skipped")
                continue
            if not isinstance(record, dict):
                ctx.warn(f"{ctx.root.host(posixpath.join(meta, entry))}: not a conda package record, skipped")
                continue
            evidence.append(f"conda: {record.get('name', name)} {record.get('version', '?')} ({prefix})")
            if record.get("name") == "mkl":
                version = record.get("version")
        if evidence:
            candidate = Candidate("conda", posixpath.join(prefix, "lib"), [posixpath.join(prefix, "include")], root=prefix,
                                  package_version=version, evidence=evidence)
            candidate.package = ", ".join(e.split()[1] + " " + e.split()[2] for e in evidence)
            out.append(candidate)
    return out
