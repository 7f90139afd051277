"""Windows Installer refusing an MKL package: ``Another version of this product is already installed. Installation of
this version cannot continue.`` (error 1638; RevolutionAnalytics/RRO#133: R Open's MKL add-on, registered as
"RevoMath", left by an earlier install with the same product version). The installer's own message, read as what it is:
an install step that did not run, so the MKL it would have brought is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ProductInstalled:
    line: str


SIGNATURES = (
    Signature("msi-another-version-installed", "installers", "product is already installed",
              re.compile(r"Another version of this product is already installed\.?(?: Installation of this version cannot "
                         r"continue)?"), lambda m, _: ProductInstalled(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ProductInstalled)
    if not said:
        return []
    return [Finding(
        "installer-product-installed", "error",
        "Windows Installer refused the install: another version of the same product is installed (error 1638)", (
            said[0].line,
            "the installer's product is registered already, by an earlier install of it or of another release with the same "
            "product code (an MKL add-on such as R Open's, registered as RevoMath); Windows Installer does not put two side "
            "by side, so nothing was installed",
        ), (
            "uninstall the installed one first: Settings > Apps (Control Panel > Programs and Features), the entry of the "
            "product or the add-on it registered under (RevoMath for R Open's MKL), then run the installer again",
            "or take the installer of the release that matches what is installed, or one made to install beside it",
        ),
        "An MSI package carries a product code; Windows Installer refuses a second install of a product it already has "
        "and tells the user to remove the first.",
        ('wmic product where "name like \'%Math%\' or name like \'%MKL%\'" get name,version   # what is registered',),
    )]
