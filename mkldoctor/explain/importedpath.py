"""CMake's ``Imported target "torch" includes non-existent path "MKL_INCLUDE_DIR-NOTFOUND" in its
INTERFACE_INCLUDE_DIRECTORIES``: a package's config put a search that failed (CMake's ``<VAR>-NOTFOUND``) into the
target it exports, and every project that links the target stops at generation (metatensor's install notes: libtorch's
config takes MKL_INCLUDE_DIR into its caffe2::mkl target where no MKL is installed; metatomic's GROMACS strips the entry
after find_package(Torch)). The project's own MKL search is not at fault, so the finders' reading of the NOTFOUND line
is this one's where the line follows CMake's words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class ImportedPathMissing:
    target: str
    line: str


@dataclass(frozen=True, slots=True)
class ImportedPathNotFound:
    """The path CMake quotes on a line of its own, a variable's failed search: ``"MKL_INCLUDE_DIR-NOTFOUND"``."""

    variable: str


# CMake's words before the path: an imported target's, and a target of the project that took it from one ("Target
# "lammps" contains relative path in its INTERFACE_INCLUDE_DIRECTORIES:", nequip#151: libtorch's MKL_INCLUDE_DIR)
_AFTER = re.compile(r"includes non-existent path|contains relative path in its")


def _notfound(m: re.Match, before) -> ImportedPathNotFound | None:  # else the finders' (a project's search)
    if len(m.string.split()) != 1 or not any(_AFTER.search(line) for line in list(before)[-4:]):
        return None  # the path alone on its line, after CMake's words
    return ImportedPathNotFound(m.group("var"))


@dataclass(frozen=True, slots=True)
class SourceMissing:
    """CMake's ``Cannot find source file:`` with the file on a line after it: a project's source list naming a file of
    its MKL path that its tree lacks (pytorch PR #12625: caffe2/python/pybind_state_mkl.cc, deleted by the same change)."""

    line: str
    path: str = ""
    wants: int = field(default=3, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "SourceMissing | Unrecognised":
        path = next((line.strip() for line in lines if line.strip()), "")
        if not re.search(r"(?i)mkl|dfti|pardiso", path.rsplit("/", 1)[-1]):
            return Unrecognised(self.line)  # another file: CMake's error, not explained here
        return replace(self, path=path[:300], wants=0)


SIGNATURES = (
    Signature("cmake-source-file-missing", "importedpath", "annot find source file",
              re.compile(r"^\s*Cannot find source file:\s*$"), lambda m, _: SourceMissing(m.string.strip())),
    Signature("cmake-imported-target-path", "importedpath", "non-existent path",
              re.compile(r"[Ii]mported target \"(?P<target>[^\"]{1,200})\" includes non-existent path"),
              lambda m, _: ImportedPathMissing(m.group("target"), m.string.strip()[:300])),
    Signature("cmake-imported-target-notfound", "importedpath", "NOTFOUND",
              re.compile(r"(?<![\w-])(?P<var>\w{1,100})-NOTFOUND\"?\s*$"),  # at the end of a line that is the path alone
              lambda m, before: _notfound(m, before) or NOT_MINE),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _source_missing(events.of(SourceMissing)) + _imported(events.of(ImportedPathMissing), events, ctx)


def _source_missing(said: list[SourceMissing]) -> list[Finding]:
    if not said:
        return []
    path = said[0].path
    return [Finding(
        "cmake-mkl-source-missing", "error",
        f"CMake: the project's source list names {path.rsplit('/', 1)[-1]}, a file of its MKL path that its tree does not have",
        (said[0].line, path, "the file is the project's own code for MKL, added to a target only when its MKL option is on: a "
                             "change that deleted the file left the line that adds it (pytorch PR #12625 deleted Caffe2's MKL "
                             "sources and kept caffe2/python/CMakeLists.txt's block for pybind_state_mkl.cc)"),
        ("update the checkout past the fix (or apply it: remove the CMake lines that add the deleted file), or check out a "
         "commit where the file and its lines agree",
         "or configure with the project's MKL option off, which skips the block that names the file"),
        "CMake stops at generation when a target lists a source file that does not exist.",
        (f"git log --oneline -1 -- {path}   # the change that deleted it",
         f"grep -rn '{path.rsplit('/', 1)[-1]}' --include=CMakeLists.txt .   # the lines that still add it"),
    )]


def _imported(said: list[ImportedPathMissing], events: Parsed, ctx: Context) -> list[Finding]:
    if not said:
        return []
    first = said[0]
    variables = list(dict.fromkeys(e.variable for e in events.of(ImportedPathNotFound)))
    torch = first.target in ("torch", "torch_cpu", "caffe2::mkl", "caffe2")
    mkl = any(v.startswith("MKL_") for v in variables) or (torch and not variables)
    variable = variables[0] if variables else ("MKL_INCLUDE_DIR" if torch else "<the variable>")
    evidence = [first.line]
    if variables:
        evidence.append(f"the path is {variable}-NOTFOUND: what CMake writes into a variable whose search found nothing, "
                        f"which the package's config then put into the target \"{first.target}\" it exports")
    elif torch:
        evidence.append("the log cuts the path: libtorch's config (its caffe2::mkl target) is known to put "
                        "MKL_INCLUDE_DIR-NOTFOUND there where no MKL is installed (metatensor's install notes)")
    fix = []
    if mkl:
        fix.append(f"MKL is optional for the package's users (a CPU libtorch's is): give {variable} any folder that exists, "
                   f"cmake -D{variable}=/usr/include (metatensor's notes), or MKL's headers where MKL is installed: "
                   f"-D{variable}=<MKL prefix>/include")
    else:
        fix.append(f"set {variable} to the folder it should name: cmake -D{variable}=<folder>, or install what the package's "
                   "config looked for")
    fix.append(f"or strip the entry from the target after find_package: get_target_property(dirs {first.target} "
               "INTERFACE_INCLUDE_DIRECTORIES), list(FILTER dirs EXCLUDE REGEX \"-NOTFOUND$\"), set_target_properties("
               f"{first.target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES \"${{dirs}}\") (metatomic's GROMACS does so for "
               "caffe2::mkl)")
    fix.append(recipes.cmake_reset())
    return [Finding(
        "cmake-imported-target-path-missing", "error",
        f"CMake: the imported target \"{first.target}\" names a folder that does not exist"
        + (f" ({variable}-NOTFOUND, a failed search its package's config kept)" if variables else ""),
        tuple(evidence), tuple(fix),
        "CMake checks every folder an imported target names when it generates the build; a package config that copies a "
        "variable into the target without checking its search carries the search's failure into every project that links it.",
        (f"grep -rn \"{variable}\" <the package's lib/cmake folder>   # where its config puts the variable into the target",),
        locations=ctx.located(said, "non-existent path"),
    )]
