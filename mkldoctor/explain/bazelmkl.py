"""A Bazel build with MKL (TensorFlow's ``--config=mkl``), and the tools such a build runs.

* The archive of an MKL repository rule no longer matches its pin: ``Error downloading [.../mkl-dnn/archive/v0.20.6.tar.gz]
  ...: Checksum was f1de... but wanted 7467...``, or ``Prefix "mkl-dnn-0.20.6" was given, but not found in the archive``
  (tensorflow#38377: intel/mkl-dnn became oneDNN, and GitHub made its archives again with oneDNN-<ver> inside).
* ``missing input file '@mkl//:LICENSE'``: the project's MKL repository rule and a rule that uses it disagree, on one
  commit of the project (tensorflow#11678, a regression of master fixed days later).
* A compile error in the project's own MKL code (``./tensorflow/core/util/mkl_util.h:2057:19: error: ...``): code built
  only with MKL on, which a change to the rest of the tree left behind (tensorflow#21938, #26001; fixed by later PRs).
* Perl's ``Can't locate Data/Dumper.pm in @INC`` from LLVM's OpenMP runtime's build scripts, which a build that makes
  Intel's OpenMP runtime from source runs (tensorflow#47283: a CentOS image without perl-Data-Dumper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_MKL_REPO = r"(?:mkl\w*|mklml\w*|onednn\w*|llvm_openmp)"


@dataclass(frozen=True, slots=True)
class ArchiveMismatch:
    repo: str
    kind: str  # "checksum" or "prefix"
    line: str


@dataclass(frozen=True, slots=True)
class MissingInput:
    repo: str
    file: str
    line: str


@dataclass(frozen=True, slots=True)
class ProjectMklCode:
    """A compile error in a source file of the project named mkl_* (not one of MKL's own headers)."""

    file: str
    line: str


@dataclass(frozen=True, slots=True)
class PerlModuleMissing:
    module: str  # Data::Dumper
    llvm_openmp: bool
    line: str


def _archive(m: re.Match, _) -> ArchiveMismatch:
    repo = m["repo"] or re.sub(r"[-.]?v?\d[\w.]*$", "", m.groupdict().get("pre") or "").replace("-", "_")  # "mkl-dnn-0.20.6"
    return ArchiveMismatch(repo, "checksum" if m["sum"] else "prefix", m.string.strip()[:400])


# MKL's own names in a compiler's words: an error about them is the families' that know MKL's API
_MKL_NAMES = re.compile(r"\bmkl_|\bMKL_|\bcblas_|\bLAPACKE_|\bdnn[A-Z]|\bDfti|\bv[sdcz][A-Z][a-z]")


def _project_code(m: re.Match, _) -> ProjectMklCode | object:
    folder = m["file"].rsplit("/", 1)[0] if "/" in m["file"] else ""
    if not folder or re.search(r"(?i)(?:^|/)(?:include|mkl|oneapi|intel|mklml|site-packages)(?:/|$)", folder) \
            or _MKL_NAMES.search(m["msg"]):
        return NOT_MINE  # MKL's own header, or an MKL name: the families that read MKL's API
    return ProjectMklCode(m["file"], m.string.strip()[:300])


SIGNATURES = (
    Signature("bazel-mkl-archive-checksum", "bazelmkl", "Checksum was",
              re.compile(rf"external/(?P<repo>{_MKL_REPO})/\S*: (?P<sum>Checksum was [0-9a-f]{{64}} but wanted)"), _archive),
    # the archive's folder is another: its path may be on the line before, where a page's wrap put it
    Signature("bazel-mkl-archive-prefix", "bazelmkl", "was given, but not found",
              re.compile(rf"(?:external/(?P<repo>{_MKL_REPO})\S*: )?(?:Prefix )?\"(?P<pre>[^\"]*(?i:mkl|dnn|openmp)[^\"]*)\" was "
                         r"given, but not found in the archive(?P<sum>)"), _archive),
    Signature("bazel-mkl-missing-input", "bazelmkl", "missing input file",
              re.compile(rf"missing input file '(?:@(?P<repo>{_MKL_REPO})//|//(?P<local>third_party/mkl):)(?P<file>[^']*)'"),
              lambda m, _: MissingInput(m["repo"] or m["local"], m["file"].lstrip(":"), m.string.strip()[:300])),
    # the fetch's own header and a target's "depends on @mkl_dnn//... which failed to fetch": the failure's echoes
    *(Signature(f"bazel-mkl-fetch-echo-{i}", "bazelmkl", needle, re.compile(pattern), lambda m, _: FollowOn(m.string.strip()))
      for i, (needle, pattern) in enumerate((
          ("rror occurred during the fetch", rf"An error occurred during the fetch of repository '{_MKL_REPO}'"),
          ("which failed", rf"depends on @{_MKL_REPO}//\S* in repository @{_MKL_REPO} which failed"),
          # Bazel's words for a repository whose fetch failed, before the reason (a CMake finder's "not found" it is not)
          ("no such package '@", rf"no such package '@{_MKL_REPO}//'")))),
    Signature("project-mkl-code-error", "bazelmkl", "rror",
              re.compile(r"^(?P<file>\S*[/\\]mkl_\w+\.(?:h|hpp|cc|cpp|cxx|c))(?::\d+(?::\d+)?:|\(\d+\):) (?:fatal )?"
                         r"error(?: C\d{4})?: (?P<msg>.*)$"),  # MSVC's too (tensorflow#39490: mkl_util.h(1263): error C2131)
              _project_code),
    Signature("perl-module-missing", "bazelmkl", "an't ",
              re.compile(r"Can't locate (?P<m>[\w/]+)\.pm in @INC"),
              lambda m, _: PerlModuleMissing(m["m"].replace("/", "::"), bool(re.search(r"llvm_openmp|openmp/runtime", m.string)),
                                             m.string.strip().lstrip("#>* ")[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _archives(events) + _inputs(events) + _project(events) + _perl(events)


def _archives(events: Parsed) -> list[Finding]:
    said = events.of(ArchiveMismatch)
    if not said:
        return []
    repo = said[0].repo
    kinds = {e.kind for e in said}
    return [Finding(
        "bazel-mkl-archive-changed", "error",
        f"Bazel: the archive of @{repo} is not the one the project pinned ({' and '.join(sorted(kinds))} differ)",
        (*dict.fromkeys(e.line for e in said[:2]),
         "the project's repository rule pins the archive's sha256 and its top folder (strip_prefix); the archive at that "
         "address is another now: a project renamed (intel/mkl-dnn became oneDNN, and GitHub made its release archives "
         "again with oneDNN-<version> inside), or a mirror or proxy that answered with another file"),
        ("build a release of the project whose pin matches the archive (TensorFlow fixed its @mkl_dnn rule in PR #39725), "
         "or, in the project's workspace file (tensorflow/workspace.bzl, third_party/mkl_dnn), set that archive's sha256 "
         "to the one Bazel printed after 'Checksum was' and strip_prefix to the folder the archive holds (Bazel lists the "
         "possible prefixes)",
         "then bazel clean --expunge (the repository cache keeps the download that failed)"),
        "Bazel checks each downloaded archive against the checksum and the folder its repository rule names, and stops "
        "the build when they differ: it never uses an archive it cannot verify.",
        ("curl -sL <the archive's address> | sha256sum; tar tzf <the archive> | head -1   # its checksum and top folder",),
    )]


def _inputs(events: Parsed) -> list[Finding]:
    said = events.of(MissingInput)
    if not said:
        return []
    mklml = said[0].file.startswith("libmklml")  # TensorFlow 1.x: MKL-ML, not MKL (tensorflow#12849)
    local = said[0].repo.startswith("third_party/")  # TensorFlow 1.3's own package over MKL_INSTALL_PATH
    label = f"//{said[0].repo}:{said[0].file}" if local else f"@{said[0].repo}//:{said[0].file}"
    return [Finding(
        "bazel-mkl-input-missing", "error",
        f"Bazel: a rule asks for {label}, which the project's MKL {'package' if local else 'repository'} does not provide",
        (said[0].line,
         f"{'//' if local else '@'}{said[0].repo} is what the project's rule makes of MKL (its download, or the folder configure was given: "
         "TensorFlow's --config=mkl); a "
         "rule that names one of its files, on a commit where the repository rule changed, stops the build",
         *((f"{said[0].file} is MKL-ML's (the small MKL for deep learning, mklml_lnx_<ver>), which TensorFlow 1.x's "
            "--config=mkl links: a full MKL install (MKL_INSTALL_PATH with TF_DOWNLOAD_MKL=0) has no such file",) if mklml else ())),
        (*(("configure with TF_DOWNLOAD_MKL=1 (configure fetches MKL-ML itself), or point MKL_INSTALL_PATH at an unpacked "
            "mklml_lnx_<ver> folder, whose lib holds libmklml_intel.so and libiomp5.so",) if mklml else ()),
         "build a release tag of the project, or a later commit that fixes it (tensorflow#11678 was a regression of "
         "master, fixed days later), or build without the MKL option",
         "then bazel clean --expunge (the repository cache keeps the old repository)"),
        "Bazel checks every input of the build before it starts; one a repository does not have fails the whole build.",
        (f"bazel query 'rdeps(//..., {label})'   # the rules that ask for it",),
    )]


def _project(events: Parsed) -> list[Finding]:
    said = events.of(ProjectMklCode)
    if not said:
        return []
    files = list(dict.fromkeys(e.file for e in said))
    tf = any("tensorflow" in f for f in files)
    msvc = re.search(r"error C\d{4}:", said[0].line) is not None
    return [Finding(
        "project-mkl-code-broken", "error",
        f"the project's own MKL code does not compile: {', '.join(f.rsplit('/', 1)[-1] for f in files[:3])}",
        (said[0].line, f"{files[0]} is the project's, not MKL's: code compiled only with the project's MKL option on"
         + (" (TensorFlow's --config=mkl)" if tf else "") + ", which a change to the rest of the tree (an API it calls) "
         "left behind on this commit" + ("; or code its authors build with GCC and clang only, which MSVC refuses (its "
                                         "C2131 and others: Windows is not where that option is built and tested)"
                                         if msvc else "")),
        ("build a release tag, or a later commit that fixes that code (TensorFlow's MKL files were fixed by Intel's pull "
         "requests, tensorflow#21938 and #26001)" if tf else "build a release tag, or a later commit that fixes that code",
         "or build without the project's MKL option, which leaves that code out"),
        "A project's MKL-only sources are compiled only in its MKL configuration, so a change elsewhere that breaks them "
        "is not seen by the builds without MKL.",
        ("git log -1 --format=%cd; git log --oneline -5 -- " + files[0].lstrip("./") + "   # when it last changed",),
    )]


def _perl(events: Parsed) -> list[Finding]:
    said = events.of(PerlModuleMissing)
    if not said:
        return []
    module = said[0].module
    package = "perl-" + module.replace("::", "-")
    return [Finding(
        "perl-module-missing", "error", f"the build's Perl script needs {module}, which this Perl lacks",
        (said[0].line, *(("the script is LLVM's OpenMP runtime's build tool (tools.pm): a build that makes Intel's OpenMP "
                          "runtime (libiomp5) from source runs it (TensorFlow's --config=mkl, MKL-DNN's builds)",)
                         if said[0].llvm_openmp else ())),
        (f"RHEL, CentOS, Fedora, Rocky: dnf install {package} (they split Perl's core modules into packages; a minimal "
         "image has few); Debian, Ubuntu: apt-get install perl",
         f"or from CPAN: cpan {module}"),
        "Perl looks for each module in the folders of @INC; a module the script uses and no folder holds stops it.",
        (f"perl -M{module} -e 1   # no output once the module is there",),
    )]
