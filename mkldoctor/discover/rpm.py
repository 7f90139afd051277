"""rpm/dnf/yum: ``intel-oneapi-mkl*`` packages, through the rpm tool when it exists."""

from __future__ import annotations

import posixpath
import subprocess

from mkldoctor.discover.base import Candidate, Context
from mkldoctor.programs import find_program

DATABASES = ("/var/lib/rpm", "/usr/lib/sysimage/rpm")


def find(ctx: Context) -> list[Candidate]:
    database = next((d for d in DATABASES if ctx.root.listdir(d)), None)
    if database is None:
        return []
    tool = find_program("rpm")
    if tool is None:
        ctx.warn(f"an rpm database is at {ctx.root.host(database)} but the rpm tool is missing: rpm packages not read")
        return []
    # the rpm tool opens ROOT + dbpath through the kernel, which would follow an absolute link
    # (/var/lib/rpm -> /usr/lib/sysimage/rpm) to the host's database: hand it the path resolved here
    database = ctx.root.inside(ctx.root.resolve(database))
    linked = [name for name in ctx.root.listdir(database)
              if ctx.root.resolve(posixpath.join(database, name)) != ctx.root.host(posixpath.join(database, name))]
    if linked:
        ctx.warn(f"the rpm database {ctx.root.host(database)} holds links ({', '.join(linked[:3])}) that the rpm tool "
                 "would follow out of the root: rpm packages not read")
        return []
    base = [tool, "--root", ctx.root.root, "--dbpath", database]
    query = base + ["-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\\n"]
    try:
        listing = subprocess.run(query, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        ctx.warn(f"rpm -qa failed: {exc}")
        return []
    if listing.returncode != 0:
        why = next((line.strip() for line in listing.stderr.splitlines() if line.strip()), f"exit status {listing.returncode}")
        ctx.warn(f"the rpm database at {ctx.root.host(database)} could not be read (rpm -qa: {why}): rpm packages not read")
        return []
    by_dir: dict[str, Candidate] = {}
    for line in listing.stdout.splitlines():
        name, _, version = line.partition(" ")
        if not name.startswith(("intel-oneapi-mkl", "intel-mkl")):
            continue
        files = subprocess.run(base + ["-ql", name], capture_output=True, text=True,
                               timeout=60, check=False).stdout.splitlines()
        for lib_dir in sorted({posixpath.dirname(f) for f in files if "/libmkl_" in f}):
            prefix = lib_dir.rsplit("/lib", 1)[0]
            candidate = by_dir.setdefault(lib_dir, Candidate("rpm", lib_dir, root=prefix, package_version=version))
            candidate.evidence.append(f"rpm: {name} {version}")
            candidate.include_dirs = sorted({posixpath.dirname(f) for f in files if f.endswith("/mkl_version.h")})
    for candidate in by_dir.values():
        candidate.package = ", ".join(" ".join(e.split()[1:3]) for e in candidate.evidence)
    return list(by_dir.values())
