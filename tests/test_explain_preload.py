"""ld.so's own words for a preload of MKL's libraries it could not do, produced with the real loader: the wheel's
versioned name (pinned mkl wheel: libmkl_core.so.N only), a ~ the shell did not expand, another library's name
(unrecognised, never silent)."""

from __future__ import annotations

from tests.test_explain_families import clean_env, errors_of, flat, run
from tests.test_explain_pkg_silent import findings_of
from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.explain.origin import Origin


def _preloaded(tmp_path, value: str) -> str:
    _, out = run(["/bin/true"], tmp_path, clean_env(LD_PRELOAD=value))
    assert "cannot be preloaded" in out, out
    return out


def test_the_wheels_unversioned_name(tmp_path, mkl):
    log = _preloaded(tmp_path, str(mkl.pip_lib / "libmkl_core.so"))
    [finding] = errors_of(log)
    assert finding.id == "mkl-preload-ignored" and "libmkl_core.so" in finding.title, flat(finding)
    # read as this machine's log: the folder's versioned file is named, and preloading it works
    [here] = [f for f in explain(logparse.parse_bytes(log.encode()), [], origin=Origin(reasons=("test",), forced=True))
              if f.severity == "error"]
    versioned = sorted(p.name for p in mkl.pip_lib.glob("libmkl_core.so.*"))
    assert here.fix[0].endswith(versioned[0]), here.fix
    _, out = run(["/bin/true"], tmp_path, clean_env(LD_PRELOAD=here.fix[0].split("=", 1)[1]))
    assert "cannot be preloaded" not in out, out


def test_a_tilde_inside_quotes_and_another_library(tmp_path):
    [finding] = errors_of(_preloaded(tmp_path, "~/intel/lib/libiomp5.so"))
    assert finding.id == "mkl-preload-ignored" and finding.fix[0].startswith('write the home folder out: LD_PRELOAD="$HOME/'), flat(finding)
    assert [f.id for f in findings_of(_preloaded(tmp_path, "/nonexistent/libfoo.so"))] == ["unrecognised-failure"]


def test_a_path_from_the_log_is_quoted_where_a_fix_names_it():
    """A log's path is data: a preload path with $(...) in it is quoted in the command the fix prints, and a ~ path that
    is not plain characters gets no double-quoted line at all."""
    log = ("ERROR: ld.so: object '/opt/$(id)/libmkl_core.so' from LD_PRELOAD cannot be preloaded (cannot open shared object "
           "file): ignored.\n")
    [finding] = errors_of(log)
    assert any("ls '/opt/$(id)'/libmkl_core.so*" in line for line in finding.fix), finding.fix
    [tilde] = errors_of(log.replace("/opt/$(id)", "~/a$(id)"))
    assert not any("$HOME" in line for line in tilde.fix), tilde.fix
