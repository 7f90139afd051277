"""conda's refusal of the ``intel`` channel: ``UnavailableInvalidChannel: HTTP 403 FORBIDDEN for channel intel
<.../intel>`` (pytorch#131802: PyTorch's README installed ``intel::mkl-static``; mlcommons/cm4mlops#229: a CI script's
``conda install -c intel mkl-include``), ``CondaHTTPError: HTTP 403 FORBIDDEN for url <.../intel/linux-64/...>``.

Intel withdrew its channel from conda's public host in 2024 (its conda packages moved to Intel's own repository, whose
address Intel's oneAPI conda guide gives); conda-forge has MKL's packages too (mkl, mkl-devel, mkl-include, mkl-static).
Another channel's refusal is no rule's, and is said as unrecognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class IntelChannelRefused:
    code: str
    line: str


def _refused(m: re.Match, _) -> IntelChannelRefused | Unrecognised:
    channel = m["channel"] or m["url_channel"] or ""
    if channel.lower() != "intel":
        return Unrecognised(m.string.strip()[:300])
    return IntelChannelRefused(m["code"], m.string.strip()[:300])


SIGNATURES = (
    Signature("conda-intel-channel-refused", "condachannel", "HTTP 40",
              re.compile(r"(?:UnavailableInvalidChannel|CondaHTTPError): HTTP (?P<code>40[34]) [A-Z ]+ for "
                         r"(?:channel (?P<channel>[\w.-]+)|url <[^>\s]*?/(?P<url_channel>[\w.-]+)/(?:noarch|[a-z]+-(?:64|aarch64|arm64|32))/)"),
              _refused),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(IntelChannelRefused)
    if not said:
        return []
    first = said[0]
    return [Finding(
        "conda-intel-channel-gone", "error",
        f"conda's 'intel' channel answers HTTP {first.code}: Intel withdrew it in 2024, so nothing installs from it",
        (first.line, "Intel's conda packages (mkl, mkl-static, mkl-include, intel-openmp, its numpy and scipy builds) moved "
                     "from the 'intel' channel of conda's public host to Intel's own conda repository; a README, CI script "
                     "or environment file written before then (-c intel, intel::mkl-static, 'intel' in channels:) stops here "
                     "(pytorch#131802, mlcommons/cm4mlops#229)"),
        ("take the packages from conda-forge: " + recipes.conda_install("-c conda-forge", "mkl-static", "mkl-include")
         + " (conda-forge's mkl, mkl-devel, mkl-include and mkl-static are Intel's builds)",
         "or from Intel's own conda repository, at the address Intel's oneAPI conda installation guide gives: conda config "
         "--add channels <that address>, then install without the intel:: prefix",
         "and remove the old channel where it is written: conda config --remove channels intel; -c intel and intel:: in "
         "scripts, 'intel' under channels: in environment files"),
        "A conda channel that its owner removed answers 403 or 404; conda stops at the first channel it cannot read.",
        ("conda config --show channels; conda config --show-sources   # where the 'intel' channel is configured",),
    )]
