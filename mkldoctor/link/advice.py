"""``mkldoctor link``'s one call: the copy ``--install`` names, its checked line, and with
``--verify`` the program built and run with it, and what ``explain`` says of a failure."""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.findings import Finding
from mkldoctor.inventory.install import MklInstall
from mkldoctor.link.linkline import LinkConfig, LinkLine, advise
from mkldoctor.link.verify import VerifyResult


@dataclass(frozen=True)
class LinkAdvice:
    install: MklInstall
    config: LinkConfig
    line: LinkLine
    fmt: str  # flags, cmake, cargo, pkg-config, env, json: what is printed, and the route --verify builds with
    verification: VerifyResult | None = None  # None: not asked to verify
    findings: tuple[Finding, ...] = ()  # explain's reading of a failed verification

    @property
    def ok(self) -> bool:
        return self.verification is None or self.verification.ok


def link_advice(spec: str | None, config: LinkConfig, fmt: str = "flags", *, cc: str = "gcc", check: bool = False,
                hgemm: bool = False, search: list[str] | None = None, progress=None) -> LinkAdvice:
    """The line for the copy ``spec`` names (PATH or VERSION; None: the newest, among the copies found and those
    in ``search``), verified the way ``fmt`` says when ``check`` (``progress`` told each step).

    Raises :class:`~mkldoctor.link.linkline.LinkLineError` when the copy lacks a file the line needs.
    """
    from mkldoctor.discover.choose import choose_install
    from mkldoctor.link.verify_format import verify_format

    say = progress or (lambda step: None)
    say("looking for MKL")
    chosen, others = choose_install(spec, search=search)
    line = advise(chosen, config, cc=cc)
    if not check:
        return LinkAdvice(chosen, config, line, fmt)
    say(f"--verify: building and running a program ({fmt})")
    result = verify_format(line, fmt, hgemm=hgemm, cc=cc)
    if result.ok:
        return LinkAdvice(chosen, config, line, fmt, result)
    from mkldoctor.explain.run import explain_bytes

    findings = explain_bytes(result.log.encode(), [chosen, *others])
    return LinkAdvice(chosen, config, line, fmt, result, tuple(findings))
