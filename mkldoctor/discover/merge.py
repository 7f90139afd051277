"""The layers of one image applied in order, as overlayfs would, into ``roots/<key>/tree`` of the cache.

Each layer's folder (``discover/overlay.py``) brings its whiteouts and opaque folders first, then its
files. A whiteout or an opaque folder is a path from a cache file, so it is held to the root as an
image's own names are: it must stay inside the tree lexically, and every folder on its way must be a
real folder of the tree (a link there is not followed), so an edited ``layer.json`` deletes nothing
outside it. The merged tree is written with a record (``cacheentry.py``) and the totals the image's
limits are checked against; a later run uses it only while it still matches that record.
"""

from __future__ import annotations

import os
import shutil
import stat

from mkldoctor.cacheentry import building, discard, read_record, record_tree, remove_stale, verify_tree, write_record
from mkldoctor.discover.limits import Budget
from mkldoctor.discover.overlay import clear, inside_root, real_dirs


def reuse_root(final: str, budget: Budget, warnings: list[str]) -> str | None:
    """The tree of the merged root ``final`` when it is there and still what its record says; else None
    (a tree that changed is removed, and said)."""
    if not os.path.lexists(final):
        return None
    record = read_record(os.path.join(final, "root.json"))
    problem = "no readable root.json" if record is None else _shape_problem(record)
    if problem is None and record is not None:
        problem = verify_tree(os.path.join(final, "tree"), record)
    if problem is None and record is not None:
        if record.pop("restamped", False):  # files hashed again (another image linked them): no need next time
            write_record(os.path.join(final, "root.json"), {k: v for k, v in record.items() if k != "version"})
        budget.add(record["inflated"], record["entries"], final)
        warnings.extend(record["warnings"])
        return os.path.join(final, "tree")
    warnings.append(f"cache: {final} is not what was written there ({problem}): built again")
    discard(final)
    return None


def _shape_problem(record: dict) -> str | None:
    ok = (isinstance(record.get("inflated"), int) and isinstance(record.get("entries"), int)
          and isinstance(record.get("warnings"), list) and all(isinstance(w, str) for w in record["warnings"]))
    return None if ok else "root.json is not one this version writes"


def merge(folders: list[str], final: str, budget: Budget, warnings: list[str]) -> str:
    """The layers' folders applied in order into ``final/tree`` (built beside it, renamed into place)."""
    parent = os.path.dirname(final)
    os.makedirs(parent, exist_ok=True)
    remove_stale(parent)
    with building(parent, os.path.basename(final)) as tmp:
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        known: dict[str, str] = {}  # the layers' files were held to their records this run: their sha256s stand
        for folder in folders:
            _apply(folder, tree, known)
        write_record(os.path.join(tmp, "root.json"), {"inflated": budget.bytes, "entries": budget.entries,
                                                      "warnings": list(dict.fromkeys(warnings)), **record_tree(tree, known)})
        try:
            os.rename(tmp, final)
        except OSError:  # another run made it first
            discard(tmp)
            if not os.path.isdir(final):
                raise
    return os.path.join(final, "tree")


def _confined(tree: str, rel: object) -> str | None:
    """The host path of ``rel`` in ``tree`` when it stays inside it and every folder on the way is a real
    folder of the tree (links not followed); None otherwise, and for the tree itself."""
    if not isinstance(rel, str):
        return None
    clean = inside_root(rel)
    if not clean:
        return None
    path = tree
    for part in clean.split("/")[:-1]:
        path = os.path.join(path, part)
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return None
        except OSError:
            return None
    return os.path.join(path, clean.split("/")[-1])


def _apply(layer_folder: str, tree: str, known: dict[str, str]) -> None:
    """One layer over the tree below it: its whiteouts first, then its files (their sha256s into ``known``)."""
    meta = read_record(os.path.join(layer_folder, "layer.json")) or {}
    digests = {rel: entry[1] for rel, entry in (meta.get("files") or {}).items()
               if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], str)}
    for rel in meta.get("opaque") or []:
        folder = _confined(tree, rel)
        if folder is not None and os.path.isdir(folder) and not os.path.islink(folder):
            for name in os.listdir(folder):
                clear(os.path.join(folder, name))
    for rel in meta.get("whiteouts") or []:
        target = _confined(tree, rel)
        if target is not None:
            clear(target)
    source_tree = os.path.join(layer_folder, "tree")
    for folder, dirs, files in os.walk(source_tree):
        rel = os.path.relpath(folder, source_tree)
        rel = "" if rel == "." else rel
        real_dirs(tree, rel)
        for name in list(dirs):
            if os.path.islink(os.path.join(folder, name)):  # os.walk lists links to folders as folders
                dirs.remove(name)
                files.append(name)
        for name in files:
            src = os.path.join(folder, name)
            dest = os.path.join(tree, rel, name)
            clear(dest)
            inside = os.path.join(rel, name) if rel else name
            known.pop(inside, None)
            if os.path.islink(src):
                os.symlink(os.readlink(src), dest)
            else:
                if inside in digests:
                    known[inside] = digests[inside]
                try:
                    os.link(src, dest)
                except OSError:
                    shutil.copy2(src, dest)
