"""The loader's own debug output (LD_DEBUG), which mkldoctor's fixes ask for and people paste: a working program's dump
says no failure, although it records every optional name MKL and its OpenMP runtime look up with dlsym as "error: symbol
lookup error: ... (fatal)"; a failing one's says the failure once, by the library the loader names. Produced here with the
pinned MKL wheel's libraries."""

from __future__ import annotations

import os
import re
import subprocess

from mkldoctor.knowledge import facts
from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import DGEMM_C, errors_of, flat

CBLAS_C = ("#include <mkl_cblas.h>\nint main(void) { double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4];\n"
           "    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2); return 0; }\n")


def _dump(cmd: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=dict(os.environ, LD_DEBUG="bindings"), capture_output=True, text=True)


def test_a_working_programs_dump_says_no_failure(tmp_path, mkl):
    (tmp_path / "app.c").write_text(CBLAS_C)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    subprocess.run(["gcc", "app.c", f"-I{mkl.pip}/include", str(rt), f"-Wl,-rpath,{mkl.pip_lib}", "-o", "app"],
                   cwd=tmp_path, check=True)
    done = _dump(["./app"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    recorded = set(re.findall(r"undefined symbol: (\S+) \(fatal\)", done.stderr))
    assert recorded, "the dump records no failed lookup: the test no longer shows what it is about"
    assert all(name.startswith(facts.OPTIONAL_LOOKUPS) for name in recorded), recorded - {
        n for n in recorded if n.startswith(facts.OPTIONAL_LOOKUPS)}  # a new release's probes: add them to the list
    assert not errors_of(done.stderr), [f.title for f in errors_of(done.stderr)]
    # its lines keep their own indent ("     PID:\tbinding file ..."): no block indent is taken off, no line joined
    assert not explain_all(done.stderr)


def test_a_failing_programs_dump_says_the_failure_by_the_library(tmp_path, mkl):
    lib = mkl.pip_lib
    layers = [str(next(lib.glob(f"libmkl_{name}.so.*"))) for name in ("intel_lp64", "gnu_thread", "core")]
    (tmp_path / "g.c").write_text(DGEMM_C)
    subprocess.run(["gcc", "g.c", "-o", "g", "-Wl,--no-as-needed", *layers, "-lm", "-Wl,--unresolved-symbols=ignore-in-shared-libs",
                    f"-Wl,-rpath,{lib}"], cwd=tmp_path, check=True)
    done = _dump(["./g"], tmp_path)
    assert done.returncode != 0 and "(fatal)" in done.stderr
    [finding] = errors_of(done.stderr)
    assert finding.id == "openmp-runtime-missing" and finding.title.startswith("libmkl_gnu_thread.so"), flat(finding)
    # the debug record alone (an LD_DEBUG_OUTPUT file holds no stderr line) names the library too
    record = next(line for line in done.stderr.splitlines() if "(fatal)" in line and "gnu_thread" in line)
    [alone] = errors_of(record + "\n")
    assert alone.title.startswith("libmkl_gnu_thread.so") and "libgomp" in alone.title, flat(alone)


def test_the_loaders_line_with_its_names_cut_away_says_which_layers():
    [finding] = errors_of("symbol lookup error:: undefined symbol: omp_get_num_procs\n")
    assert finding.id == "openmp-runtime-missing" and finding.title.startswith("an MKL threading layer"), flat(finding)


def test_an_error_word_a_wrap_split_is_joined_again():
    """MXNet's CHECK failure cut by a terminal inside its word ('Check fai' / 'led:', blind10's mxnet#3581): one line, an
    error that no rule reads, never 'no problem found'."""
    log = ("[18:49:27] src/operator/mkl/mkl_memory.cc:51: Check fai\n"
           "led: (status) == (E_SUCCESS) Failed creation convert_to_int with status -1 for buffer: fwd_filter_data\n")
    [finding] = errors_of(log)
    assert finding.id == "unrecognised-failure" and "Check failed: (status)" in finding.title, flat(finding)
    assert not explain_all("the cache was freed; the fai\nlure count is 0\n")  # a word that is no error word, joined or not

