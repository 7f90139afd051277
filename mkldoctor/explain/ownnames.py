"""Undefined names that are the project's own, not MKL's: C++ names in the project's namespace, and the names Fortran
compilers give a module's procedures (Intel Fortran's ``<module>_mp_<procedure>_``, gfortran's
``__<module>_MOD_<procedure>``): grimme-lab/xtb#115's ``tbdef_molecule_mp_write_``, procedure write of module
tbdef_molecule, which no object of the link defined. MKL's C and Fortran APIs have neither.
"""

from __future__ import annotations

import re

from mkldoctor.explain.wording import more

_FORTRAN_MODULE = re.compile(r"^(?:__(?P<gm>\w+?)_MOD_(?P<gp>\w+)|(?P<im>[a-z]\w*?)_mp_(?P<ip>\w+?)_)$")
_NOT_OWN = ("std", "oneapi", "sycl")


def said(symbols: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """(evidence, fix) for names the project itself declares and no object of the link defines; empty when none are."""
    spaces = list(dict.fromkeys(s.split("::", 1)[0] for s in symbols if "::" in s))
    if spaces and spaces[0] not in _NOT_OWN:
        return ([f"{more(symbols, 2)} {'is' if len(symbols) == 1 else 'are'} C++ names of the namespace {spaces[0]}::, the "
                 "project's own (MKL's C API has no namespace): declared in its headers and defined in none of the objects "
                 "and libraries linked"],
                (f"find where the project defines them (grep -rn '{symbols[0].rsplit('::', 1)[-1]}' <its sources>): a "
                 "definition missing from its sources or compiled out by a build option (a debug build keeps calls an "
                 "optimised one drops), or its library not on this link",))
    modules = [m for m in map(_FORTRAN_MODULE.match, symbols) if m]
    if not modules:
        return [], ()
    first = modules[0]
    module, procedure = (first["im"], first["ip"]) if first["im"] else (first["gm"], first["gp"])
    compiler = "Intel Fortran's" if first["im"] else "gfortran's"
    return ([f"{first.string} is {compiler} name of the procedure {procedure} of the Fortran module {module}: the project's "
             "own code (MKL has no Fortran module of that name), which no object of the link defines"],
            (f"find the module's source (grep -rln 'module {module}' <its sources>, case-insensitive) and whether it defines "
             f"{procedure}: a procedure only declared in an interface, a source left out of the build, or a static library "
             "built before the module gained it (rebuild it from clean)",))
