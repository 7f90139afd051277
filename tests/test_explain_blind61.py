"""The sixty-first blind set (tests/data/explain_corpus/blind61.json): texts the rules made after it answer.

Google Cloud Build's "Step #0: " before each line of a step (pytorch/xla#4375): the linker's own lines under it are read as
ld's, here a real ld failure prefixed as Cloud Build prints it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.test_explain_families import flat, only_error

ENTRIES = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind61.json").read_text())["entries"]}


def test_cloud_builds_step_prefix(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "m.c", "-o", "m", "-lmkl_core"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "cannot find -lmkl_core" in done.stderr, done.stderr
    for step in ("Step #0: ", 'Step #2 - "build": '):
        finding = only_error("".join(step + line + "\n" for line in done.stderr.splitlines()))
        assert finding.id == "library-not-found" and "-lmkl_core" in finding.title, flat(finding)
    finding = only_error(ENTRIES["linux-link-ci-cannot-find-lmkl-test-target-torch-xla-4375"]["log"])
    assert finding.id == "library-not-found" and "PyTorch's exported CMake config" in "\n".join(finding.evidence), flat(finding)
