"""Two MKL releases in one process: MKL's own library (a threading layer, a kernel) of one release needs a name its
release's core (or threading layer) exports, and the one loaded is another release's, which lacks it.

MKL's layers call their own release's internal names. A name every release exports missing is a layer that sees no
other (:mod:`scope`); a name only some releases export says which side is older: since 2024.0 and missing, the core is
older (an ipex environment's base MKL); up to 2019.0 and missing, the core is newer (block2's hints: MKL 2019's
unnumbered libraries beside 2021's .so.1); a span in between, another release either way (dpnp#132: oneAPI 2021.1's
libmkl_sequential given the core numpy had loaded when it was imported first).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkldoctor.explain.context import Context
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, places

if TYPE_CHECKING:
    from mkldoctor.explain.scope import Unseen


def finding(items: list[Unseen], ctx: Context) -> Finding:
    """One finding for every name of ``items`` (scope's "mixed" case), in the first one's words."""
    first = items[0]
    name, folder = os.path.basename(first.path), os.path.dirname(first.path)
    release = places.release_in(first.path)
    since, last = first.exported.first, first.exported.last
    table = exports.releases()
    gone = exports.history(first.symbol).overall.gone_since
    own = name.lstrip(".…").split(".")[0]  # "libmkl_avx2" (a paste's elision glued to it taken off)
    holders = ("MKL's core" if "libmkl_core" in first.exported.libraries else
               f"MKL's {more([lib for lib in first.exported.libraries if lib != own], 3)}")
    if last == table[-1].name:
        span, other = f"since {since}", "an older MKL's"
    elif since == table[0].name:
        span, other = f"up to {last} (gone since {gone})", f"a newer MKL's ({gone} or newer)"
    else:
        span, other = f"from {since} to {last} (gone since {gone})", f"another release's (older than {since}, or {gone} or newer)"
    evidence = [f"{u.who}: {u.path} needs {u.symbol}" for u in items[:4]]
    evidence.append(f"{first.symbol} is exported by {holders} {span} (mkldoctor's table of every release's exports, "
                    f"{table[0].name} to {table[-1].name})")
    evidence.append(f"{name} is MKL's own and from " + (f"MKL {release}, by its folder's name" if release else
                    "a release that has the name, as it calls it") + f": its own release's libraries have the name, so the "
                    f"one that answered is {other}")
    envs = ctx.environments()
    evidence += [f"the program runs in the Python environment {env}, which may bring its own mkl" for env in envs[:1]]
    fix = [f"load the core of the same MKL: put {folder} first on LD_LIBRARY_PATH (export LD_LIBRARY_PATH={folder}"
           "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}), or LD_PRELOAD its libmkl_core for one run"]
    if any(u.who == "python (import)" for u in items):
        fix.insert(0, f"in Python, a module imported earlier (numpy or scipy of a conda environment, torch) loaded its own MKL's "
                   f"core into the process first, and a library's run path is read before LD_LIBRARY_PATH: import the module "
                   f"that needs {name} before the others (dpnp#132), or LD_PRELOAD={folder}/libmkl_core.so python ...")
    if envs:
        fix.append(f"or keep the two MKLs apart: run in an environment with no mkl package of its own (a new conda environment, "
                   f"not {envs[0]}), or use that environment's MKL alone (without sourcing oneAPI's setvars.sh)")
    return Finding(
        "runtime-symbol-missing", "error",
        f"two MKLs mixed: {name} needs {first.symbol}, which {holders} exports {span}, and {other} "
        + ("libmkl_core" if holders == "MKL's core" else "layer") + " was loaded",
        tuple(evidence), tuple(fix),
        "MKL's layers call into libmkl_core of their own release. When two MKL copies are on the loader's path (a conda or "
        "pip environment's mkl and an oneAPI install, a system MKL and a package's), the loader takes each library from "
        "the first folder that has its name: a threading layer or kernel of the newer copy beside the core of the older one "
        "fails on the first name the older core lacks.",
        ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'libmkl_(core|rt)'   # which folder each MKL library came from",),
    )
