"""The release of a tool whose translated words mkldoctor's tables hold (mkldoctor.knowledge.*words): the tests that hold
a table against the catalogues installed, or produce its failures with the tool, run only where the installed tool is of
the release the table was read from (another release may word its messages otherwise)."""

from __future__ import annotations

import re
import shutil
import subprocess


def same_release(tool: str, release: str) -> bool:
    if shutil.which(tool) is None:
        return False
    said = subprocess.run([tool, "--version"], capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    first = (said.stdout or said.stderr).splitlines()[:1]
    return bool(first) and re.search(rf"(?<![\d.]){re.escape(release)}(?![\d])", first[0]) is not None
