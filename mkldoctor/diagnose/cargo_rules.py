"""The checks that only a Cargo build has: intel-mkl-src's config traps and the last build's record."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkldoctor.diagnose import cargo_routes
from mkldoctor.diagnose.cargo_fixes import lp64_fixes
from mkldoctor.diagnose.cargo_record import BuildRecord
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import CARGO_CLEAN, q

if TYPE_CHECKING:
    from mkldoctor.diagnose.facts import Facts


def _route_lines(f: Facts) -> list[str]:
    route = f.needs.cargo_route
    if route is None:
        return []
    lines = [f"route: {route.text()}", f"  resolved from {route.method}", f"  {route.config_why}"]
    return lines + [f"  {note}" for note in route.notes]


def rule_route_problem(f: Facts) -> list[Finding]:
    route = f.needs.cargo_route
    if route is None or not route.problem:
        return []
    return [Finding(
        id="intel-mkl-src-config", severity="error", title=route.problem,
        evidence=tuple(_route_lines(f)),
        fix=("give intel-mkl-src exactly one mkl-* feature, e.g. in Cargo.toml: "
             'intel-mkl-src = { version = "0.8", default-features = false, features = ["mkl-static-lp64-seq"] }',
             "cargo tree -e features -i intel-mkl-src   # who asks for which feature"),
        explanation="intel-mkl-src's build script turns each mkl-* feature into one `const MKL_CONFIG`: two of them "
                    "(or none, where the version has no default) do not compile.",
    )]


def rule_ilp64_int32(f: Facts) -> list[Finding]:
    route = f.needs.cargo_route
    records = [r for r in f.needs.cargo_records if r.interface == "ilp64"]
    interface = route.interface if route is not None else None
    if interface != "ilp64" and not records:
        return []
    callers = [f"{c}: {cargo_routes.int32_callers()[c]}" for c in (route.int32_callers if route else ())]
    callers += f.needs.int32_declarers
    if not callers:
        return []
    evidence = _route_lines(f)
    evidence += [f"the last build ({r.where}) linked {', '.join(r.libs)}: {r.output}" for r in records]
    evidence += [f"32-bit integer caller: {c}" for c in callers]
    lp64 = layout.variant(route.config if route and route.config else cargo_routes.default_config(), "intel-mkl-src",
                          interface="lp64")
    fixes = lp64_fixes(route, f.needs.cargo_top, f.needs.cargo_manifests, f.env, lp64, f.needs.cargo_request) \
        if route else []
    good = [line for fix in fixes if fix.why_not is None for line in fix.lines]
    evidence += [f"not printed: {fix.lines[0].split('   #')[0]}: once applied, {fix.why_not}" for fix in fixes if fix.why_not]
    if not fixes:  # nothing could be resolved here (no manifests read): the plain form
        good = [f'Cargo.toml: intel-mkl-src = {{ version = "{route.version if route and route.version else "0.8"}", '
                f'features = ["{lp64}"] }}   # the LP64 libraries, 32-bit integers']
    return [Finding(
        id="ilp64-with-int32", severity="error",
        title=f"the build links MKL's ILP64 interface ({route.config if route and route.config else 'ilp64'}) "
              "but its BLAS calls pass 32-bit integers",
        evidence=tuple(evidence),
        fix=(*[("or: " if i else "") + line for i, line in enumerate(good)],
             *((f"{CARGO_CLEAN}   # after a Cargo.toml change: its build script does not rerun by itself",
                "cargo build") if any(line.startswith("Cargo.toml") for line in good) else ())) if good else
            ("no change of a feature or a dependency resolves to the LP64 config alone (each was resolved): make every "
             "crate that asks intel-mkl-src for a config ask for the same LP64 one",),
        explanation="ILP64 MKL reads every integer argument (m, n, k, lda, ...) as 64 bits. Code declared with c_int "
                    "passes 32: MKL reads the next 4 bytes too, and returns wrong results or stops with "
                    "`Intel MKL ERROR: Parameter N was incorrect`. Nothing fails at link time.",
        confirm=("cargo tree -e features -i intel-mkl-src   # which crate sets (or leaves out) the mkl-* feature",),
    )]


def _install_at(f: Facts, folder: str) -> MklInstall | None:
    real = os.path.realpath(folder)
    for install in f.inventory.installs:
        if any(os.path.realpath(d) == real for d in install.lib_dirs) or os.path.realpath(install.root) == real:
            return install
    return None


def _what(record: BuildRecord, install: MklInstall | None) -> str:
    version = (install.version if install else None) or record.tag_version
    kind = " (intel-mkl-src's ocipkg download)" if "ocipkg" in (record.mkl_dir or "") else ""
    return f"MKL {version or '(version unknown)'} at {record.mkl_dir or 'no folder named'}{kind}"


def rule_last_build(f: Facts) -> list[Finding]:
    out = []
    chosen = f.choice.install
    for record in f.needs.cargo_records:
        install = _install_at(f, record.mkl_dir) if record.mkl_dir else None
        rel = record.output
        evidence = [f"{rel}:", *[f"  {line}" for line in record.lines()]]
        same = chosen is not None and install is chosen
        if same or (chosen is None and not f.choice.download):
            out.append(Finding("last-build", "info", f"the last build ({record.where}) linked {_what(record, install)}",
                               tuple(evidence), ()))
            continue
        now = label(chosen) if chosen else f"the MKL {f.choice.version} that intel-mkl-src downloads"
        evidence.append(f"a fresh build would take {now}: {f.choice.how}")
        evidence += [f"  {step}" for step in f.choice.steps]
        env_triggers = ", ".join(record.rerun_env) or "none"
        sticky = "MKLROOT" not in record.rerun_env
        evidence.append(f"cargo reruns intel-mkl-src's build script only when these change: environment {env_triggers}; "
                        f"paths {', '.join(record.rerun_paths) or 'none'} (and the crate's own files)")
        lacking = [s for s in f.needs.symbols if install is not None and s in install.defines and not install.defines[s]]
        if record.mkl_dir and not os.path.isdir(record.mkl_dir):
            evidence.append(f"{record.mkl_dir} no longer exists")
        severity = "error" if lacking and sticky else "warning"
        title = (f"the last build ({record.where}) linked {_what(record, install)}; a fresh build would take {now}"
                 + (f"; a rebuild would not pick up the change until `{CARGO_CLEAN}`" if sticky else ""))
        if lacking:
            evidence.append(f"that copy lacks {', '.join(lacking)}: `cargo build` fails the same way until then")
        out.append(Finding(
            id="last-build-differs", severity=severity, title=title, evidence=tuple(evidence),
            fix=(f"{CARGO_CLEAN}   # forget the recorded choice", "cargo build"),
            explanation=("The build script's output is the ground truth of what the last build linked. "
                         + ("It did not ask cargo to rerun it when MKLROOT changes, so a new MKLROOT (or a new "
                            "install) is ignored by `cargo build`." if sticky else
                            "Cargo reruns it when MKLROOT changes, but not for a new install, a new .pc file or a "
                            "changed PKG_CONFIG_PATH.")),
            confirm=(f"cat {q(record.output)}",),
        ))
    return out


def rule_no_download(f: Facts) -> list[Finding]:
    """intel-mkl-src 0.6/0.7 without its `download` feature, and no installed copy it can take."""
    route = f.needs.cargo_route
    if route is None or route.downloads or route.problem or f.choice.install is not None or f.choice.download:
        return []
    if not f.needs.cargo_config or "static" not in f.needs.cargo_config:
        return []
    return [Finding(
        id="no-usable-mkl", severity="error",
        title=f"intel-mkl-src {route.version} ({f.needs.cargo_config}) will find no MKL it can use and may not "
              "download one: its build script fails",
        evidence=(*_route_lines(f), *f.choice.steps),
        fix=(f'Cargo.toml: intel-mkl-src = {{ version = "{route.version}", features = ["download"] }}   '
             "# or point it at an installed copy:",
             "export MKLROOT=<prefix of a copy with the static archives (mkldoctor list)>",
             CARGO_CLEAN),
        explanation="Before 0.8, intel-mkl-src downloads MKL only with its `download` feature (0.6 turns it on by "
                    "default, 0.7 does not); without it the build script stops with \"No MKL found, and download "
                    "flag is off.\"",
    )]


CARGO_RULES = (rule_route_problem, rule_ilp64_int32, rule_last_build, rule_no_download)
