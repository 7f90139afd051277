"""From a log's events and the MKL copies on disk to findings: cause, evidence, fix, confirmation.

One finding per distinct problem, not per line: 48 undefined ``__kmpc_*`` symbols are
one missing OpenMP runtime; ``cannot find`` for three static archives is one missing
package. The findings come from the catalogue's diagnoses alone (:func:`catalogue.diagnoses`),
each handed the events and a :class:`~mkldoctor.explain.context.Context`; the families:

* :mod:`undefined`, :mod:`libraries`, :mod:`linker`: undefined symbols, ``-l`` failures, the C
  library parts and archive order;
* :mod:`hosts`: the loader and the hosts that print its messages (Python, R, Julia, PyInstaller);
* :mod:`downloads`: a build's own download of MKL (CMake's file(DOWNLOAD), ExternalProject's step);
* :mod:`build`: CMake's ``find_package(MKL)``, a compiler without MKL's headers, build-tool echoes;
* :mod:`runtime`: MKL and OpenMP at run time (kernels, duplicate runtimes, threading layers);
* :mod:`platforms`: macOS and Windows.

Whatever looks like an error and no family explains becomes an ``unrecognised-failure``
(:mod:`unrecognised`). One step follows, :func:`finish`.
"""

from __future__ import annotations

import os
from dataclasses import replace

from mkldoctor.explain import catalogue
from mkldoctor.explain.context import Context, context_for
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.origin import Origin, decide
from mkldoctor.findings import Finding, by_severity
from mkldoctor.inventory.install import MklInstall


def explain(parsed: Parsed, installs: list[MklInstall], *, env: dict[str, str] | None = None,
            log: str | None = None, origin: Origin | None = None) -> list[Finding]:
    """Findings for a parsed log, with ``installs`` as the MKL copies known besides the log's own; ``log`` names
    the log file in the findings' locations; ``origin``: where the log comes from (decided from the log when None)."""
    context = context_for(parsed, installs, env, log, origin or decide(parsed))
    found: list[Finding] = []
    for diagnose in catalogue.diagnoses():
        try:
            found += diagnose(parsed, context)
        except Exception as exc:  # a rule's own fault on this input: said as such, and the other rules still speak
            if os.environ.get("MKLDOCTOR_RAISE"):  # the tests' and a developer's setting: the traceback itself
                raise
            found.append(_rule_failed(diagnose, exc))
    for fallback in catalogue.fallbacks():
        found += fallback(parsed, context, found)
    return finish(found, parsed, context)


def finish(findings: list[Finding], parsed: Parsed, context: Context) -> list[Finding]:
    """The one step after the catalogue: each finding takes the recipes its fix refers to, errors first; the findings of
    :func:`catalogue.replacements` take the place of the generic ones (TBB's generation); a line that only echoes a
    failure joins the finding it follows (its consequence, not a failure of its own); a fix that cannot fix
    the failure it answers (a -L the line already has, a package without that soname) is not offered; and
    where the failing link line can run here, each fix that changes it is run, and kept only if it fixes."""
    from mkldoctor.explain.fixcheck import check_fixes
    from mkldoctor.explain.prove import prove_fixes
    from mkldoctor.explain.unrecognised import join_echoes

    listed = join_echoes(by_severity([_with_recipes(f, context) for f in findings]), parsed)
    for replace_with in catalogue.replacements():  # TBB's generation, MKL's two kinds mixed, R's shared BLAS
        listed = replace_with(listed, parsed)
    return prove_fixes(check_fixes(listed, parsed, context), parsed, context)


def _with_recipes(finding: Finding, context: Context) -> Finding:
    text = "\n".join(finding.fix)
    wanted = [r for name, r in context.recipes.items() if f"recipe `{name}`" in text and r not in finding.recipes]
    return replace(finding, recipes=finding.recipes + tuple(wanted)) if wanted else finding


def _rule_failed(diagnose, exc: Exception) -> Finding:
    rule = f"{diagnose.__module__.rsplit('.', 1)[-1]}.{diagnose.__name__}"
    return Finding(
        "rule-failed", "error", f"mkldoctor's rule {rule} failed on this input ({type(exc).__name__}): a fault of mkldoctor's",
        (f"{type(exc).__name__}: {str(exc)[:200]}",),
        ("report it with this input (mkldoctor's issue tracker); MKLDOCTOR_RAISE=1 mkldoctor explain <the log> prints the "
         "traceback", "the other rules' findings are listed as usual: the failure may still be explained there"),
        "Each rule reads the log on its own; one that fails does not stop the others, and is said rather than hidden.",
    )
