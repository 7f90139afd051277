"""A symbol that an older MKL exported and a newer one does not, produced for real.

The symbol is picked with the export table (exported by Debian's 2020.4 libmkl_rt.so, not by
oneMKL 2026.2's) and checked with nm on both fixtures. A program built against Debian's 2020.4
runs against 2026.2 (the loader's `symbol lookup error`), an object is linked against 2026.2
(ld's `undefined reference`), and a C project is checked before it builds: each finding must
name the symbol, the last release that exports it and the release it is gone since, and its
fix is applied and re-run. A name no release exports gets "the cause is not MKL's version".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mkldoctor.knowledge import exports
from test_check import by_id, check
from test_explain_real import clean_env, findings_of, flat, nm_defined, only, run_log

SYMBOL = "mkl_dcsrmv"  # the classic sparse BLAS y = A*x, CSR; Intel dropped those calls
PROGRAM = r"""
void mkl_dcsrmv(const char *, const int *, const int *, const double *, const char *, const double *,
                const int *, const int *, const int *, const double *, const double *, double *);
int main(void) {
    int n = 1, ja = 1, begin = 1, end = 2;
    double a = 2.0, x = 3.0, y = 0.0, one = 1.0, zero = 0.0;
    mkl_dcsrmv("N", &n, &n, &one, "GLNF", &a, &ja, &begin, &end, &x, &zero, &y);
    return y == 6.0 ? 0 : 3;
}
"""
NEVER = r"""
void mkl_dcsrmv_typo(int);
int main(void) { mkl_dcsrmv_typo(1); return 0; }
"""


@pytest.fixture(scope="module")
def gone(mkl):
    """The table's story for SYMBOL, held against nm of both fixtures."""
    deb = mkl.debian_lib(mkl.debian_shared)
    story = exports.history(SYMBOL)
    assert story is not None and story.overall.gone_since is not None
    debian = next(r.name for r in exports.releases() if r.name.startswith("2020.4"))
    newest = exports.releases()[-1].name
    assert "libmkl_rt" in exports.exported_in(SYMBOL, debian) and not exports.exported_in(SYMBOL, newest)
    assert SYMBOL in nm_defined(deb / "libmkl_rt.so")  # the independent reference: nm on the real files
    assert not any(SYMBOL in nm_defined(p) for p in mkl.pip_lib.glob("libmkl_*.so.*"))
    return story.overall


@pytest.fixture()
def built(mkl, tmp_path):
    """The program built against Debian's 2020.4 (NEEDED libmkl_rt.so), and a folder where that name is 2026.2's."""
    deb = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "p.c").write_text(PROGRAM)
    subprocess.run(["gcc", "-c", "p.c", "-o", "p.o"], cwd=tmp_path, check=True)
    subprocess.run(["gcc", "p.o", "-o", "p", f"-L{deb}", "-lmkl_rt"], cwd=tmp_path, check=True)
    new = tmp_path / "new"
    new.mkdir()
    (new / "libmkl_rt.so").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    return tmp_path, new


def test_a_program_built_against_2020_4_run_with_2026_2(gone, built, mkl):
    folder, new = built
    env = clean_env(LD_LIBRARY_PATH=str(new), MKL_THREADING_LAYER="SEQUENTIAL")
    rc, log = run_log([str(folder / "p")], folder, env)
    assert rc != 0 and f"undefined symbol: {SYMBOL}" in log  # the real loader failure
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "runtime-symbol-missing")
    assert SYMBOL in finding.title and gone.last in finding.title and gone.gone_since in finding.title
    text = flat(finding)
    assert "this machine has MKL 2026.2" in text
    assert "p was linked against libmkl_rt.so, the soname of MKL 2020.4" in text  # the table's sonames
    deb = str(mkl.debian_lib(mkl.debian_shared))
    assert finding.fix[0].endswith(f"export LD_LIBRARY_PATH={deb}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    assert f"python3 -m pip install mkl=={gone.last}" in "\n".join(finding.fix)
    fixed = subprocess.run(["./p"], cwd=folder, env=dict(env, LD_LIBRARY_PATH=deb))
    assert fixed.returncode == 0  # the fix works: y = 2 * 3


def test_an_old_object_linked_against_2026_2(gone, built, mkl):
    folder, new = built
    rc, log = run_log(["gcc", "p.o", "-o", "p2", f"-L{new}", "-lmkl_rt"], folder, clean_env())
    assert rc != 0 and f"undefined reference to `{SYMBOL}'" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "missing-symbol")
    assert finding.title == (f"{SYMBOL} is not in the MKL the build uses (2026.2); "
                             f"it was exported up to MKL {gone.last} and is gone since {gone.gone_since}")
    assert "first appears" not in flat(finding)
    deb = mkl.debian_lib(mkl.debian_shared)
    assert f"-L{deb} before" in finding.fix[0]
    relinked = subprocess.run(["gcc", "p.o", "-o", "p2", f"-L{deb}", f"-L{new}", "-lmkl_rt"], cwd=folder)
    assert relinked.returncode == 0
    ran = subprocess.run(["./p2"], cwd=folder, env=clean_env(LD_LIBRARY_PATH=str(deb), MKL_THREADING_LAYER="SEQUENTIAL"))
    assert ran.returncode == 0


def test_an_old_object_and_no_older_copy_here(gone, built, mkl):
    folder, new = built
    rc, log = run_log(["gcc", "p.o", "-o", "p2", f"-L{new}", "-lmkl_rt"], folder, clean_env())
    finding = only(findings_of(log, mkl.pip), "missing-symbol")
    assert f"python3 -m pip install mkl=={gone.last}" in finding.fix[0]
    assert not finding.recipes  # a recipe would install a newer MKL, which lacks it too


def test_check_says_the_symbol_is_gone(gone, mkl, tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "p.c").write_text(PROGRAM)
    (project / "Makefile").write_text("p: p.c\n\tcc p.c -lmkl_rt -o p\n")
    env = {"MKLROOT": str(mkl.pip), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    code, document = check(project, "--search", mkl.pip, "--link", "dynamic", env=env)
    assert code == 1
    (finding,) = by_id(document, "missing-symbol")
    assert finding["title"].startswith(f"{SYMBOL} is not in the MKL the build uses (2026.2)")
    assert f"exported up to MKL {gone.last}" in finding["title"] and gone.gone_since in finding["title"]
    assert f"python3 -m pip install mkl=={gone.last}" in "\n".join(finding["fix"])


def test_a_name_no_release_exports(mkl, tmp_path):
    assert exports.history("mkl_dcsrmv_typo") is None and exports.complete()
    (tmp_path / "n.c").write_text(NEVER)
    rc, log = run_log(["gcc", "n.c", "-o", "n", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3"], tmp_path, clean_env())
    assert rc != 0 and "undefined reference to `mkl_dcsrmv_typo'" in log
    finding = only(findings_of(log, mkl.pip, mkl.debian_shared), "missing-symbol")
    text = flat(finding)
    assert "the cause is not MKL's version" in text
    assert not finding.recipes and not any("pip install" in line for line in finding.fix)


def _dynamic(path: Path, tag: str) -> list[str]:
    """readelf's own reading of a dynamic-section tag: the independent reference."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if f"({tag})" in line]


def test_an_image_with_another_release_than_the_binary_was_built_against(built, mkl, tmp_path):
    """The runtime findings that check --image IMG BINARY prints: the binary needs 2020.4's soname, the root holds 2026.2's."""
    from mkldoctor.runtime.deps import compute_deps
    from mkldoctor.runtime.findings import runtime_findings

    folder, _ = built
    root = tmp_path / "root"
    (root / "app").mkdir(parents=True)
    (root / "opt/mkl/lib").mkdir(parents=True)
    deb = mkl.debian_lib(mkl.debian_shared)
    subprocess.run(["gcc", str(folder / "p.o"), "-o", str(root / "app/p"), f"-L{deb}", "-lmkl_rt",
                    "-Wl,--enable-new-dtags,-rpath,/opt/mkl/lib"], check=True)
    for name in ("libmkl_rt.so.3", "libmkl_core.so.3"):
        (root / "opt/mkl/lib" / name).write_bytes((mkl.pip_lib / name).read_bytes())
    wanted = [n for n in _dynamic(root / "app/p", "NEEDED") if n.startswith("libmkl_")]
    assert wanted == ["libmkl_rt.so"]
    has = _dynamic(root / "opt/mkl/lib/libmkl_rt.so.3", "SONAME")
    assert has == ["libmkl_rt.so.3"]
    findings = runtime_findings(compute_deps("/app/p", str(root)))
    (finding,) = [f for f in findings if f.title.startswith("libmkl_rt.so ")]
    text = "\n".join(finding.evidence)
    assert f"{wanted[0]} is the soname of MKL {exports.releases_with_soname(wanted[0])[0]}" in text
    built_with = exports.releases_with_soname(has[0])
    assert f"the image has /opt/mkl/lib/{has[0]}, the soname of MKL {built_with[0]} to {built_with[-1]}" in text
    assert finding.fix[1].startswith("or rebuild /app/p against the MKL the image has (/opt/mkl/lib/libmkl_rt.so.3)")


def test_a_release_older_than_the_table_is_told_so_never_not_mkls_version():
    """The export table starts at 2019.0: of MKL 2018 (or 2015, or 11.3) it can say nothing, and says so (issue 21)."""
    from mkldoctor.verdicts import missing_symbol

    first, last = exports.releases()[0].name, exports.releases()[-1].name
    for old in ("2018.0", "2017.4", "11.3.3"):
        finding = missing_symbol.finding("mkl_no_such_name_", used=f"MKL {old} in /opt/intel/mkl/lib/intel64", used_version=old,
                                         needed=["mkl_no_such_name_ needed by main in m.o"])
        text = "\n".join((*finding.evidence, finding.explanation, *finding.fix))
        assert f"older than the releases mkldoctor's table of exports holds ({first} to {last})" in text, text
        assert "not MKL's version" not in text
    within = missing_symbol.finding("mkl_no_such_name_", used="MKL 2021.4 in /x", used_version="2021.4", needed=["x"])
    assert f"no MKL release from {first} to {last} exports mkl_no_such_name_" in "\n".join(within.evidence)
    assert "the cause is not MKL's version" in within.explanation
