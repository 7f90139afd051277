"""Run every scenario of every project slice in tests/data/build-projects/ with the real cmake and meson and
write what they did to tests/data/build-projects/observed.json, and the table of outcomes in that folder's
README.md (between its ``<!-- outcomes -->`` markers).

    python3 tools/observe_build_projects.py              # all projects
    python3 tools/observe_build_projects.py gromacs scipy   # some projects (the others keep their records)
    python3 tools/observe_build_projects.py --check      # exit 1 when a record differs from observed.json

By hand, when a slice, a scenario, a fixture or a tool version changes; tests/test_build_projects_truth.py
re-runs a few scenarios live and compares them with the file. Needs the MKL fixtures
(fixtures/fetch_mkl.py), cmake and meson (the test extra installs meson and ninja).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import build_projects as bp  # noqa: E402

OBSERVED = bp.DATA / "observed.json"
README = bp.DATA / "README.md"
MARK = "<!-- outcomes -->"


def fixtures() -> Path:
    from mkldoctor.cache import cache_folder

    return Path(os.environ.get("MKLDOCTOR_FIXTURES") or cache_folder("fixtures"))


def observe(names: list[str], scratch: Path) -> dict:
    found = {}
    for name in names:
        project = bp.load(name)
        found[name] = {}
        for scenario in project.scenarios:
            started = time.monotonic()
            found[name][scenario.name] = bp.as_json(bp.run_scenario(project, scenario, fixtures(), scratch))
            print(f"{name}/{scenario.name}: {time.monotonic() - started:.1f}s", file=sys.stderr)
    return found


def in_words(record: dict) -> str:
    """One table cell: what the tool did, in words."""
    if not record["configured"]:
        message = re.sub(r"^CMake Error(?: at \S+ \([^)]*\))?: |^\S*meson\.build:\d+:\d+: ERROR: ", "", record["error"] or "")
        config = re.match(r"Found package configuration file: (\S+) but it set \w+ to FALSE.*?Reason given by package: (.*)", message)
        if config:  # the reason is the news, not the file
            message = f"{config.group(1)} says: {config.group(2)}"
        return "fails: " + _cell(message, 150)
    if not record["mkl_files"]:
        return "configures, no MKL linked"
    if record["link"] is None:
        return "configures, links " + ", ".join(record["mkl_files"]) + " (found nowhere: the link would fail)"
    if record["interface"] and record["interface"].startswith("chosen at run time"):
        parts = [record["link"], "mkl_rt (interface and threading chosen at run time)"]
    else:
        parts = [record["link"], record["interface"], record["threading"]]
    return "configures, " + " ".join(p for p in parts if p) + " from " + (record["copy"] or "?")


def _cell(text: str, width: int) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def table(observed: dict) -> str:
    lines = ["| project | scenario | outcome |", "| --- | --- | --- |"]
    for name in sorted(observed["projects"]):
        for scenario, record in observed["projects"][name].items():
            lines.append(f"| {name} | {scenario} | {_cell(in_words(record), 400)} |")
    return "\n".join(lines)


def write_readme(observed: dict) -> None:
    text = README.read_text()
    head, _, rest = text.partition(MARK)
    _, _, tail = rest.partition(MARK)
    README.write_text(f"{head}{MARK}\n{table(observed)}\n{MARK}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", help="project folders to observe (default: all)")
    parser.add_argument("--check", action="store_true", help="compare with observed.json instead of writing it")
    args = parser.parse_args()
    names = args.projects or bp.projects()
    unknown = sorted(set(names) - set(bp.projects()))
    if unknown:
        print(f"error: no such project slice: {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="build-projects-") as scratch:
        found = observe(names, Path(scratch))
    old = json.loads(OBSERVED.read_text()) if OBSERVED.exists() else {"projects": {}}
    if args.check:
        differ = [f"{n}/{s}" for n in found for s in found[n] if old["projects"].get(n, {}).get(s) != found[n][s]]
        print("\n".join(differ) or "all records agree", file=sys.stderr)
        return 1 if differ else 0
    projects = {**old["projects"], **found} if args.projects else found
    observed = {"tools": bp.tool_versions(), "date": datetime.date.today().isoformat(),
                "fixtures": "$FIXTURES is the MKL fixture folder of fixtures/fetch_mkl.py; $VIEW{name} a prefix "
                            "tests/build_views.py lays out from it; $SOURCE and $BUILD the scratch copy and build folder",
                "projects": {n: projects[n] for n in sorted(projects)}}
    partial = OBSERVED.with_suffix(".json.partial")
    partial.write_text(json.dumps(observed, indent=1, sort_keys=False) + "\n")
    os.replace(partial, OBSERVED)
    write_readme(observed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
