"""Shared fixtures: small ELF files built by gcc/ar/cargo in the test run, and the
real Intel MKL fixtures laid out by ``fixtures/fetch_mkl.py``.

Every test that reads a file compares with an independent reader (binutils ``nm``)
on the same file; none of these files is checked in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from mkldoctor.cache import cache_folder

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, check=check, capture_output=True, text=True)


@pytest.fixture(scope="session", autouse=True)
def cargo_home(tmp_path_factory):
    """cargo keeps a lock file and its caches in CARGO_HOME (~/.cargo): the tests' cargo runs, and
    check's ``cargo metadata``, keep theirs in the run's temp folder. rustup's proxies find their
    toolchains through RUSTUP_HOME, which keeps pointing at the user's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("RUSTUP_HOME", os.environ.get("RUSTUP_HOME") or os.path.expanduser("~/.rustup"))
    patch.setenv("CARGO_HOME", str(tmp_path_factory.mktemp("cargo-home")))
    yield
    patch.undo()


# -- the real MKL ----------------------------------------------------------------------


def fixtures_dir() -> Path:
    if os.environ.get("MKLDOCTOR_FIXTURES"):
        return Path(os.environ["MKLDOCTOR_FIXTURES"])
    return Path(cache_folder("fixtures"))


@dataclass(frozen=True)
class MklFixtures:
    root: Path

    @property
    def pip(self) -> Path:  # oneMKL 2026.2 from PyPI, pip-installed into a prefix
        return self.root / "pip-2026.2"

    @property
    def pip_lib(self) -> Path:
        return self.pip / "lib"

    @property
    def devel_2023(self) -> Path:  # mkl-devel 2023.2 alone: its MKLConfig.cmake and .pc files
        return self.root / "mkl-devel-2023.2"

    @property
    def win32_lib(self) -> Path:  # mkl_rt.lib of mkl-devel 2024.2 for 32-bit Windows: MinGW's cross linker takes it
        return self.root / "win32-2024.2" / "Library" / "lib"

    @property
    def debian_shared(self) -> Path:  # Debian bookworm libmkl-* 2020.4, no static archives
        return self.root / "debian-2020.4-shared"

    @property
    def debian_static(self) -> Path:
        return self.root / "debian-2020.4-static"

    @staticmethod
    def debian_lib(sysroot: Path) -> Path:
        return sysroot / "usr/lib/x86_64-linux-gnu"


@pytest.fixture(scope="session")
def mkl() -> MklFixtures:
    found = MklFixtures(fixtures_dir())
    for layout in (found.pip, found.debian_shared, found.debian_static, found.devel_2023, found.win32_lib):
        if not layout.is_dir():
            pytest.skip(f"MKL fixtures missing ({layout}); run: python3 fixtures/fetch_mkl.py")
    return found


# -- small ELF files built here --------------------------------------------------------


@dataclass(frozen=True)
class Tiny:
    """Objects that the tests build with the system's toolchain."""

    dir: Path
    obj: Path  # defines f, calls ext_needed
    obj2: Path  # defines g and a long-named function, calls f
    shared: Path  # libtiny.so.1 with symbol versions
    exe: Path
    archive: Path  # with a GNU symbol index and a long member name
    archive_noindex: Path
    thin: Path
    i386: Path  # a 32-bit object


C_ONE = """
extern int ext_needed(int);
int counter = 3;
__attribute__((noinline)) static int hidden_helper(int x) { return x + 1; }
int f(int x) { return ext_needed(hidden_helper(x)) + counter; }
__attribute__((weak)) int weak_fn(void) { return 7; }
"""

C_TWO = """
extern int f(int);
int g(int x) { return f(x) * 2; }
int a_function_with_a_rather_long_name_for_the_table(void) { return 1; }
"""

C_SHARED = """
#include <math.h>
int tiny_new(int x) { return x + 1; }
int tiny_old(int x) { return x - 1; }
double tiny_sqrt(double x) { return sqrt(x); }
"""

VERSION_SCRIPT = """
TINY_1.0 { global: tiny_old; local: *; };
TINY_2.0 { global: tiny_new; tiny_sqrt; } TINY_1.0;
"""


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Tiny:
    d = tmp_path_factory.mktemp("tiny")
    (d / "one.c").write_text(C_ONE)
    (d / "two.c").write_text(C_TWO)
    (d / "shared.c").write_text(C_SHARED)
    (d / "tiny.map").write_text(VERSION_SCRIPT)
    (d / "main.c").write_text("int tiny_new(int);\nint main(void){return tiny_new(1) - 2;}\n")
    run(["gcc", "-O1", "-c", "one.c", "-o", "one.o"], cwd=d)
    run(["gcc", "-O1", "-c", "two.c", "-o", "a_member_with_a_long_name.o"], cwd=d)
    run(["gcc", "-O1", "-fPIC", "-shared", "shared.c", "-o", "libtiny.so.1", "-Wl,-soname,libtiny.so.1",
         "-Wl,--version-script,tiny.map", "-lm"], cwd=d)
    os.symlink("libtiny.so.1", d / "libtiny.so")
    run(["gcc", "main.c", "-o", "tinyexe", "-L.", "-ltiny", "-Wl,-rpath,$ORIGIN"], cwd=d)
    run(["ar", "rcs", "libtiny.a", "one.o", "a_member_with_a_long_name.o"], cwd=d)
    run(["ar", "rcS", "libnoindex.a", "one.o", "a_member_with_a_long_name.o"], cwd=d)
    run(["ar", "rcsT", "libthin.a", "one.o", "a_member_with_a_long_name.o"], cwd=d)
    run(["objcopy", "-I", "elf64-x86-64", "-O", "elf32-i386", "one.o", "i386.o"], cwd=d)
    return Tiny(d, d / "one.o", d / "a_member_with_a_long_name.o", d / "libtiny.so.1", d / "tinyexe",
                d / "libtiny.a", d / "libnoindex.a", d / "libthin.a", d / "i386.o")


@pytest.fixture(scope="session")
def big_endian(tmp_path_factory) -> Path:
    """An s390x object (big-endian), assembled by binutils-s390x-linux-gnu."""
    assembler = shutil.which("s390x-linux-gnu-as")
    if not assembler:
        pytest.skip("s390x-linux-gnu-as missing (apt-get install binutils-s390x-linux-gnu)")
    d = tmp_path_factory.mktemp("s390x")
    (d / "be.s").write_text(".globl be_fn\n.text\nbe_fn:\n br %r14\n.data\n.globl be_data\nbe_data: .long 1\n")
    run([assembler, "be.s", "-o", "be.o"], cwd=d)
    return d / "be.o"


@dataclass(frozen=True)
class RustFixtures:
    rlib: Path  # plain rlib: ELF .rcgu.o members + lib.rmeta
    lto_rlib: Path  # built with -C linker-plugin-lto: LLVM bitcode members


RUST_LIB = textwrap.dedent(
    """
    extern "C" {
        fn hgemm_(transa: *const u8, transb: *const u8) -> i32;
        fn sgemm_(transa: *const u8, transb: *const u8) -> i32;
    }
    pub mod mkl {
        #[inline(never)]
        pub fn hgemm(a: u8) -> i32 { unsafe { super::hgemm_(&a, &a) } }
        #[inline(never)]
        pub fn sgemm(a: u8) -> i32 { unsafe { super::sgemm_(&a, &a) } }
    }
    """
)


@pytest.fixture(scope="session")
def rust(tmp_path_factory) -> RustFixtures:
    cargo = shutil.which("cargo")
    if not cargo:
        pytest.skip("cargo missing")
    d = tmp_path_factory.mktemp("rust")
    crate = d / "fakecandle"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "fakecandle"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["rlib"]\n')
    (crate / "src/lib.rs").write_text(RUST_LIB)
    env = dict(os.environ, CARGO_TARGET_DIR=str(d / "target"))
    run([cargo, "build", "--offline", "-q"], cwd=crate, env=env)
    env_lto = dict(env, CARGO_TARGET_DIR=str(d / "target-lto"), RUSTFLAGS="-C linker-plugin-lto")
    run([cargo, "build", "--offline", "-q"], cwd=crate, env=env_lto)
    return RustFixtures(d / "target/debug/libfakecandle.rlib", d / "target-lto/debug/libfakecandle.rlib")


# -- nm, the independent reference -------------------------------------------------------


def nm_symbols(path: Path, *args: str, tool: str = "nm") -> set[tuple[str, str, bool]]:
    """``nm -A`` as a set of (member, name, defined); ``member`` is '' for plain files."""
    out = subprocess.run([tool, "-A", *args, str(path)], capture_output=True, text=True).stdout
    found = set()
    prefix = f"{path}:"
    for line in out.splitlines():
        if not line.startswith(prefix):
            continue
        rest = line[len(prefix):]
        member = ""
        # archive lines: "member.o:VALUE L name"; plain files: "VALUE L name"
        head, _, tail = rest.partition(" ")
        if ":" in head and not head.startswith(" "):
            member, _, rest = rest.partition(":")
        parts = rest.split()
        letter, name = parts[-2], parts[-1]
        found.add((member, name, letter not in ("U", "w", "v")))
    return found


def mine(path: Path, *args: str) -> set[tuple[str, str, bool]]:
    """The same set from ``mkldoctor symbols --format json``."""
    import json

    from typer.testing import CliRunner

    from mkldoctor.cli import app

    result = CliRunner().invoke(app, ["symbols", "--format", "json", *args, str(path)])
    document = json.loads(result.stdout)
    found = set()
    for file in document["files"]:
        for s in file["symbols"]:
            name = s["name"]
            if s["version"]:
                name += ("@@" if s["default_version"] else "@") + s["version"]
            found.add((s["member"] or "", name, s["defined"]))
    return found


# -- what a test did instead of what it would have, told in the run's summary --------------

_SAID: list[str] = []  # the lines, as the process that prints the summary received them


@pytest.fixture()
def say(request):
    """``say(line)``: a line for the end of the run, for what a test checked another way than it
    would have (torch missing: compared with the numpy forward only). It is not a skip: the test ran.
    The line travels in the test's report (its user_properties), which pytest-xdist's workers send back."""
    return lambda line: request.node.user_properties.append(("said", f"{request.node.nodeid}: {line}"))


def pytest_runtest_logreport(report):
    if report.when == "teardown":  # each phase's report carries the test's lines so far: the last has them all
        _SAID.extend(line for key, line in report.user_properties if key == "said" and line not in _SAID)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    said = _SAID
    if said:
        terminalreporter.section("said by the tests", sep="-")
        for line in said:
            terminalreporter.write_line(line)


# -- tests that need the machine to themselves ---------------------------------------------


def pytest_addoption(parser):
    parser.addoption("--alone", choices=("all", "exclude", "only"), default="all",
                     help="the tests marked alone (they measure CPU time a parallel worker would take): "
                          "run them with the others (all), leave them out (exclude) or run only them (only); "
                          "dev/test runs the others in parallel, then these in one process")


def pytest_configure(config):
    config.addinivalue_line("markers", "alone: asserts what only a machine with nothing else running shows "
                                       "(a CPU quota's throttling); see --alone")


def pytest_collection_modifyitems(config, items):
    choice = config.getoption("--alone")
    if choice == "all":
        return
    keep = choice == "only"
    selected = [item for item in items if (item.get_closest_marker("alone") is not None) == keep]
    deselected = [item for item in items if (item.get_closest_marker("alone") is not None) != keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# -- CI must not skip what needs fixtures --------------------------------------------------


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("MKLDOCTOR_NO_SKIP") and skipped and session.exitstatus == 0:
        reporter.write_line(f"MKLDOCTOR_NO_SKIP is set and {skipped} test(s) were skipped: failing the run", red=True)
        session.exitstatus = 1


# -- Python environments (fixtures/fetch_pyenv.py) ------------------------------------------


@dataclass(frozen=True)
class PyEnv:
    """The cached venv of fixtures/pyenv.txt: torch 2.13 CPU, numpy, scipy, scikit-learn, mkl + intel-openmp
    + tbb, threadpoolctl. Read-only: a test that changes it works on a :func:`clone`.

    ``missing``: the pins it was built without, where pip's configuration names no source of them (torch's CPU
    build, on the default index). A test that needs one checks what it can without it and ``say``s the rest."""

    root: Path
    wheels: Path  # every pinned wheel, pyenv-extra.txt's (mkl-service) included
    missing: tuple[str, ...] = ()

    @property
    def has_torch(self) -> bool:
        return not any(pin.partition("==")[0] == "torch" for pin in self.missing)

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def debs(self) -> Path:  # fetch_pyenv.py's pinned .debs (Debian's ILP64 OpenBLAS)
        return self.wheels.parent / "pydebs"

    @property
    def site(self) -> Path:
        return self.root / "lib" / "python3.11" / "site-packages"

    def clone(self, dest: Path, *extra: str) -> "PyEnv":
        """A copy of the venv at ``dest`` (hard links: seconds, no disk), with ``extra`` wheels pip-installed
        from the cache. pip replaces files, never writes into one, so the cache keeps its bytes."""
        done = subprocess.run(["cp", "-al", str(self.root), str(dest)], capture_output=True)
        if done.returncode:
            shutil.copytree(self.root, dest, symlinks=True)
        clone = PyEnv(dest, self.wheels, self.missing)
        if extra:
            run([sys.executable, "-m", "pip", "--python", str(clone.python), "install", "-q",
                 "--disable-pip-version-check", "--no-deps", "--no-index", "--find-links", str(self.wheels), *extra])
        return clone


@pytest.fixture(scope="session")
def pyenv() -> PyEnv:
    import importlib

    fetch = importlib.import_module("fixtures.fetch_pyenv")
    root = fetch.env_path(fixtures_dir())
    wrong = fetch.verify(root)
    if wrong:
        pytest.skip(f"the Python environment fixture is not usable ({wrong}); run: python3 fixtures/fetch_pyenv.py")
    return PyEnv(root, fixtures_dir() / "pywheels", tuple(fetch.left_out(root)))


# -- a test leaves the process's environment as it found it ---------------------------------


@pytest.fixture(scope="session", autouse=True)
def _rules_raise():
    """A rule's fault shows as its traceback in the tests (explain says it as a finding to its users)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("MKLDOCTOR_RAISE", "1")
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _cache_home_kept():
    """The cache folder every later test finds (the fixtures, the Python environment) is the caller's: a test that
    set XDG_CACHE_HOME and then deleted it sent the rest of a run with its own cache to ~/.cache."""
    before = os.environ.get("XDG_CACHE_HOME")
    yield
    assert os.environ.get("XDG_CACHE_HOME") == before, "the test changed XDG_CACHE_HOME and did not restore it"
