"""A build's own download of an MKL package that failed.

CMake's file(DOWNLOAD), CPM and fetch scripts say the address (``error: downloading
'https://.../mkl-include-2021.3.0.tar.bz2' failed``). ExternalProject's download step says it too, and make then names
the step's target: ``make[2]: *** [third_party/mklml/src/extern_mklml-stamp/extern_mklml-download] Error 4``
(PaddlePaddle's MKLML, its FAQ quoting only make's lines, in make's own language: ``错误 4``). Where the step's own
words were cut from the log, the target alone says which download failed; with them, the address is the finding's and
the target is its echo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MklDownloadFailed:
    """A build's own download of an MKL package failed, at this address."""

    url: str
    status: str = ""  # the server's answer, where the tool says it (Bazel's "GET returned 400 Bad Request")


@dataclass(frozen=True, slots=True)
class StepFailed(FollowOn):
    """make's line for ExternalProject's download step of an MKL package: the echo of the address's failure where the
    log has it, the one word of the download's failure where it does not."""

    step: str = ""  # ExternalProject's name for it (extern_mklml)
    folder: str = ""  # the step's stamp folder, as make names it (third_party/mklml/src/extern_mklml-stamp)


# make's target for ExternalProject's download step: <prefix>/src/<name>-stamp/<name>-download, after make 4's
# "Makefile:NN: " (a full-width colon in Chinese)
# bounded: a folder's and a name's runs that may share characters, unbounded, were quadratic in a long line
_STEP = re.compile(r"\*\*\* \[(?:[^\]]{0,300}?[:：] ?)?(?P<folder>[^\s\]]{0,400}?(?P<name>[\w.+-]{0,120}(?i:mkl)[\w.+-]{0,120})-stamp)/"
                   r"(?P=name)-download\]")

SIGNATURES = (
    Signature("mkl-download-failed", "downloads", "ailed",
              re.compile(r"(?i)\bdownload(?:ing)?\s+['\"]?(?P<url>\w+://\S*mkl\S*?)['\"]?\s+failed"
                         r"|failed to download\s+['\"]?(?P<url2>\w+://\S*mkl\S*?)['\"]?(?:\s|$)"),
              lambda m, _: MklDownloadFailed(m.group("url") or m.group("url2"))),
    # Bazel's repository rule: "Error downloading [https://.../mklml_mac_2019.0.5.20190502.tgz] to /.../external/mklml_repo_
    # darwin/...: GET returned 400 Bad Request" (uber/neuropod#140)
    Signature("bazel-mkl-download-failed", "downloads", "rror downloading [",
              re.compile(r"Error downloading \[(?P<url>\w+://[^\]\s]*(?i:mkl)[^\]\s]*)\][^:]*: (?P<status>.+?)\s*$"),
              lambda m, _: MklDownloadFailed(m["url"], m["status"][:120])),
    Signature("mkl-download-step-failed", "downloads", "***", _STEP,
              lambda m, _: StepFailed(m.string.strip(), m.group("name"), m.group("folder"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said, steps = events.of(MklDownloadFailed), events.of(StepFailed)
    return [_address(said[0])] if said else [_step(steps[0])] if steps else []


_INSTEAD = ("use an MKL that is installed instead: install the release the build pins (its headers and libraries: the "
            "mkl-include and mkl-static or mkl-devel packages of that release, from the machine's own conda channels or pip "
            "index) and point the build at it (MKLROOT, or the project's option for an installed MKL)")


def _address(event: MklDownloadFailed) -> Finding:
    name = event.url.rstrip("/").rsplit("/", 1)[-1]
    return Finding(
        "mkl-download-failed", "error", f"the build's own download of MKL failed: {name}",
        (f"the build fetches MKL itself from {event.url}, and that address did not answer with the file"
         + (f": {event.status}" if event.status else ""),
         "a package's download address is the build's own choice: channels and indexes move or drop old files, and the "
         "build keeps asking the old address"),
        (*(("a 400 answer is to the request, not the file: Bazel 0.29.0 made requests for GitHub's release files that "
            "GitHub refused (uber/neuropod#140, fixed there by Bazel 0.28.1): see whether the address answers to curl, and "
            "try the Bazel release the project was built with",) if " 400" in f" {event.status}" else ()),
         _INSTEAD,
         "or change the address in the project's build files (grep -rn 'mkl' cmake/) to where that package is served now: "
         "the channel's current files, or a mirror that the machine's own conda or pip configuration names"),
        "A project that downloads MKL at configure time depends on the address it wrote down staying valid; when the "
        "server stops serving the file, every new build fails before MKL is ever read.",
        ("curl -fsIL '<the address>'   # what the server answers now, from the machine that builds",),
    )


def _step(event: StepFailed) -> Finding:
    script = f"{event.folder}/download-{event.step}.cmake"
    return Finding(
        "mkl-download-failed", "error", f"the build's own download of MKL failed: CMake's ExternalProject step {event.step}",
        (event.line,
         f"make stopped at {event.folder}/{event.step}-download: ExternalProject's download step for {event.step}, a "
         "package of MKL's that the build fetches itself (CMake's own words for the step, where a log keeps them, say "
         "the address and the status it got)",
         "such a step fails when the address no longer serves the file, when the machine that builds has no network "
         "(a proxy, a firewall, a certificate it does not trust), or when a download stops part way (a hash mismatch)"),
        (f"read the address the step asks for: grep -n URL <build dir>/{script}; fetch it where the network allows "
         "(curl -fLO '<that address>') and compare the file's size and hash with the project's",
         "then give the step the file: most projects take a local path or address for it (the URL's variable in their "
         "cmake files: grep -rn 'mkl' cmake/), or unpack it where the step would and create its stamp file "
         f"<build dir>/{event.folder}/{event.step}-download (PaddlePaddle's build FAQ)",
         _INSTEAD),
        "A project that downloads MKL while it builds fails where that one download fails; make only reports the step's "
        "target, and the step's own log says why.",
        (f"make VERBOSE=1 {event.step}   # the step again, with CMake's own words: the address and the status it got",),
    )
