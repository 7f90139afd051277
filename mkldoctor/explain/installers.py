"""Windows Installer refusing an MKL package: ``Another version of this product is already installed. Installation of
this version cannot continue.`` (error 1638; RevolutionAnalytics/RRO#133: R Open's MKL add-on, registered as
"RevoMath", left by an earlier install with the same product version). The installer's own message, read as what it is:
an install step that did not run, so the MKL it would have brought is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ProductInstalled:
    line: str


@dataclass(frozen=True, slots=True)
class IntelInstallerRefused:
    """Intel's own installer of MKL 2017-2020 (install.sh with a silent.cfg) stopping before it installs: a license setting
    a free release no longer takes (``Name "ACTIVATION_TYPE" is not valid``: easybuild-easyblocks#1116, spack#3925), a tool
    it needs (``'cpio' tool could not be found``: spack#14855), or its own record of an install it made before
    (``... detected as having already been installed``: spack#9713)."""

    what: str  # "license", "prerequisite", "installed"
    detail: str
    line: str


@dataclass(frozen=True, slots=True)
class SpackMklLibsMissing:
    """Spack's IntelPackage (its intel-parallel-studio and intel-mkl, most often externals) found none of MKL's libraries
    it links: ``InstallError: Cannot locate core MKL libraries:`` (spack#12752, #11086) or ``... ScaLapack/BLACS
    libraries:`` (spack#19937, macOS's suite, which has no Intel MPI)."""

    part: str  # "core MKL", "ScaLapack/BLACS"
    line: str
    searched: str = ""  # spack -d's "component_lib_dir: <folder>", where the log has it


@dataclass(frozen=True, slots=True)
class SpackConcretizeRefused:
    """``==> Error: failed to concretize `intel-oneapi-mkl threads=openmp` for the following reasons:`` with its numbered
    reasons below (spack#49994: "1. intel-oneapi-mkl: MKL with OpenMP threading requires GCC, clang, or Intel compilers")."""

    spec: str
    line: str
    reasons: tuple[str, ...] = ()
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "SpackConcretizeRefused":
        said = [m["why"].strip() for line in lines for m in [re.match(r"^\s*\d{1,2}\.\s+(?P<why>\S.*)$", line)] if m]
        return replace(self, reasons=tuple(said[:4]), wants=0)


SIGNATURES = (
    Signature("spack-concretize-mkl", "installers", "failed to concretize",
              re.compile(r"failed to concretize [`'\"](?P<spec>[^`'\"]{0,300}\bmkl\b[^`'\"]{0,300})[`'\"]"),
              lambda m, _: SpackConcretizeRefused(m["spec"], m.string.strip()[:300])),
    Signature("spack-intel-libraries-missing", "installers", "annot locate",
              re.compile(r"InstallError: Cannot locate (?P<part>core MKL|ScaLapack/BLACS) libraries"),
              lambda m, before: SpackMklLibsMissing(m["part"], m.string.strip()[:300], next(
                  (f.group(1) for line in reversed(before) for f in [re.search(r"component_lib_dir:\s+(\S+)", line)] if f), ""))),
    # oneAPI's installer checking the parts it downloaded (oneMath#286: "Integrity check failed. Checksum of file
    # /home/u/intel/installercache/downloadcache/.../cupPayload.cup is not correct.")
    Signature("intel-installer-integrity", "installers", "rity check failed",
              re.compile(r"Integrity check failed"), lambda m, _: IntelInstallerRefused("integrity", "", m.string.strip()[:300])),
    Signature("intel-installer-license-setting", "installers", "is not valid",
              re.compile(r"Name \"(?P<key>ACTIVATION_\w+)\" is not valid"),
              lambda m, _: IntelInstallerRefused("license", m["key"], m.string.strip()[:300])),
    Signature("intel-installer-prerequisite", "installers", "ould not be found",
              re.compile(r"(?:^|\s)-- '(?P<tool>[\w.+-]+)' tool could not be found"),
              lambda m, _: IntelInstallerRefused("prerequisite", m["tool"], m.string.strip()[:300])),
    Signature("intel-installer-already-installed", "installers", "already been installed",
              re.compile(r"software product component was detected as having already been installed"),
              lambda m, _: IntelInstallerRefused("installed", "", m.string.strip()[:300])),
    # its host check (spack#15853, on macOS: install.sh could not cd to its own ../Resources/pset first)
    Signature("intel-installer-host", "installers", "no longer supported",
              re.compile(r"The IA-32 architecture host installation is no longer supported"),
              lambda m, before: IntelInstallerRefused(
                  "host", next((b.strip()[:200] for b in before if "Resources/pset" in b), ""), m.string.strip()[:300])),
    # a run of it that did not end (spack#5719: a killed spack install; a restart cleared it)
    Signature("intel-installer-other-instance", "installers", "nother instance",
              re.compile(r"Another instance of the installation program has been detected"),
              lambda m, _: IntelInstallerRefused("instance", "", m.string.strip()[:300])),
    Signature("msi-another-version-installed", "installers", "product is already installed",
              re.compile(r"Another version of this product is already installed\.?(?: Installation of this version cannot "
                         r"continue)?"), lambda m, _: ProductInstalled(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    intel = [_intel(e) for e in {e.what: e for e in reversed(events.of(IntelInstallerRefused))}.values()]
    intel += [_spack(e) for e in events.of(SpackMklLibsMissing)[:1]]
    intel += [_concretize(e) for e in events.of(SpackConcretizeRefused)[:1]]
    said = events.of(ProductInstalled)
    if not said:
        return intel
    return intel + [Finding(
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



_INTEL = {
    "integrity": ("Intel's oneAPI installer found the parts it downloaded damaged (its integrity check failed)",
                  ("remove the installer's download cache and run it again: rm -rf ~/intel/installercache/downloadcache "
                   "(as root: /var/intel/installercache); the online installer fetches each part again",
                   "or take the offline installer of the same release, or MKL from a package manager: apt's or dnf's "
                   "intel-oneapi-mkl-devel from Intel's repository, pip's or conda's mkl-devel")),
    "license": ("Intel's installer refuses {detail} in silent.cfg: MKL 2017 Update 2 and later are free, and their installer "
                "takes no license settings",
                ("write silent.cfg without the ACTIVATION_* lines: ACCEPT_EULA=accept, PSET_INSTALL_DIR=<prefix>, "
                 "CONTINUE_WITH_OPTIONAL_ERROR=yes, COMPONENTS=ALL (and PSET_MODE=install)",
                 "EasyBuild or Spack: a release whose recipe leaves them out for free releases (easybuild-easyblocks #1117, "
                 "spack #3931)")),
    "prerequisite": ("Intel's installer stops at a missing prerequisite: the '{detail}' tool is not on PATH",
                     ("install it in the image or machine that runs the installer (Debian/Ubuntu: apt-get install {detail}); a "
                      "minimal container has no cpio",
                      "Spack: a release whose intel-mkl package depends on cpio (spack #14856)")),
    "instance": ("Intel's installer will not start: another run of it is in progress, or one that was interrupted is still "
                 "running",
                 ("end the other run: ps aux | grep -iE 'install\\.sh|pset|install_gui' and kill what is left of an interrupted "
                  "one (a killed spack install or a closed terminal leaves it running); a restart ends it too (spack#5719)",
                  "then run the install again (spack install intel-mkl); two installs at once on one machine, as a parallel "
                  "CI job would, meet the same refusal: one at a time")),
    "host": ("Intel's installer refused this machine: its host check failed, and it says the host is 32-bit (IA-32)",
             ("on macOS: the installer looks for its pset in ../Resources beside itself, an app bundle's layout: run it "
              "from the mounted disk image's app, or take MKL for macOS from pip or conda (mkl for osx-64, up to 2023.2), or "
              "give Spack an external MKL in packages.yaml",
              "on 64-bit Linux: a 32-bit userland (an i386 container or chroot) is refused the same; run it in a 64-bit one",
              "the installer's own log says what its host check read: the tool's build log (Spack: spack-build-out.txt)")),
    "installed": ("Intel's installer finds the product installed already, by its own record in the user's home, and moves "
                  "the install there",
                  ("remove the installer's record of earlier installs before installing another copy or variant: "
                   "rm -rf $HOME/intel/.pset $HOME/intel/intel_sdp_products.db (spack#9713), or run it as a user with none",
                   "or install from oneAPI's packages (apt, dnf, pip, conda), which keep no such record")),
}


def _intel(event: IntelInstallerRefused) -> Finding:
    title, fix = _INTEL[event.what]
    return Finding(
        "intel-installer-refused", "error", title.format(detail=event.detail),
        (event.line, *((f"before it: {event.detail}: the installer did not find its own pset folder where it looks, "
                        "../Resources (an app bundle's layout): it was run outside the layout it ships in",)
                       if event.what == "host" and event.detail else ()),
         "oneAPI's online installer checks each part it downloaded into its cache against the part's checksum: "
                     "a download cut short or altered on its way (a proxy) fails the check, and a later run finds the same "
                     "damaged file in the cache" if event.what == "integrity" else
         "the installer of MKL 2017 to 2020 (install.sh, driven by a silent.cfg by EasyBuild, Spack or a script) checks its "
         "configuration and the machine before installing anything; the tool that ran it then reports only its exit status"),
        tuple(line.format(detail=event.detail) for line in fix),
        "Intel's standalone installer stops before it installs when its configuration, the machine or its own record of "
        "earlier installs says so; nothing of MKL is installed.",
    )


def _spack(event: SpackMklLibsMissing) -> Finding:
    cluster = event.part != "core MKL"
    return Finding(
        "spack-mkl-libraries-not-found", "error",
        f"Spack's Intel package found no {event.part} libraries in the MKL it was given", (
            event.line,
            *((f"it searched {event.searched}" + (": a folder under 'None', the external's prefix Spack could not read"
                                                  if event.searched.startswith("None/") else ""),) if event.searched else ()),
            "Spack's IntelPackage (intel-parallel-studio, intel-mkl, intel) looks for MKL's libraries under the package's "
            "prefix (<prefix>/compilers_and_libraries_<ver>/linux/mkl/lib/intel64): an external given by `modules:` alone "
            "has no prefix it can read, and a prefix that is not the suite's root misses them",
            *(("Intel's suite for macOS has no Intel MPI, and so no BLACS layer for it: a ScaLAPACK search there fails "
               "(spack#19937)",) if cluster else ())),
        ("give the external its install prefix in packages.yaml (externals: - spec: intel-parallel-studio@<ver> with prefix: "
         "<the folder that holds compilers_and_libraries_<ver>>), then spack install again; spack -d install <package> "
         "2>&1 | grep component_lib_dir shows the folder it searched",
         "or take MKL from Spack's intel-oneapi-mkl package (an external of it by prefix, or built), as the blas, lapack "
         "and mkl provider",
         *(("without Intel MPI (macOS): build the package without its ScaLAPACK (MPI) variant, or with netlib-scalapack "
            "as the scalapack provider",) if cluster else ())),
        "Spack asks the provider package for its libraries at build time; an Intel external whose prefix does not hold "
        "them makes every package that depends on it fail there.",
    )


def _concretize(event: SpackConcretizeRefused) -> Finding:
    reason = event.reasons[0] if event.reasons else ""
    return Finding(
        "spack-mkl-concretize-failed", "error",
        f"Spack cannot concretize {event.spec}" + (f": {reason}" if reason else ": its reasons were not pasted"),
        (event.line, *(f"Spack's reason: {r}" for r in event.reasons),
         "a package's own rules (its conflicts and requirements: intel-oneapi-mkl's threads variant, its compilers and "
         "targets) refuse the spec before anything is built; the reason names the rule"),
        ("change the spec the reason names: for threads=openmp a compiler it accepts (%gcc, %clang or %oneapi), or "
         "threads=none (sequential) or threads=tbb; for a target or compiler refused, one it lists",
         "spack info intel-oneapi-mkl   # its variants and their values; spack spec -I <the spec> shows what it chose"),
        "Spack solves a spec against every package's declared rules; an MKL spec that breaks one stops there, with the "
        "rule's own message.",
        (f"spack spec {event.spec}   # the solver's reasons again",),
    )
