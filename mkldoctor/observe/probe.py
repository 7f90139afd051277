"""Which CPU kernel and VML libraries MKL loads on this machine, observed, never guessed.

A small C program calling ``cblas_sgemm`` and ``vdExp`` is built against the same MKL files
(and the same layers) and run once under ``LD_DEBUG=files``, the loader's own trace of every
file it maps. Guessing from CPU flags is wrong: on an AMD EPYC with AVX-512, oneMKL 2026.2
loads ``libmkl_def.so.3``, not ``libmkl_avx512.so.3``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass

from mkldoctor.knowledge import layout
from mkldoctor.programs import find_program

KERNEL_FILE = layout.file_pattern(("kernel", "vml-kernel"), shared_only=True)

SOURCE = r"""
#include <stdio.h>
void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
void vdExp(int, const double *, double *);
int main(void) {
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0};
    double x[2] = {0, 1}, y[2] = {0, 0};
    cblas_sgemm(101, 111, 111, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    vdExp(2, x, y);
    if (c[3] != 4.0f || y[0] != 1.0) { fprintf(stderr, "wrong result\n"); return 1; }
    puts("mkldoctor-probe ok");
    return 0;
}
"""

_MAPPED = re.compile(r"file=(\S+) \[\d+\];\s+generating link map")
_OPENED = re.compile(r"file=(\S+) \[\d+\];\s+dynamically loaded by")  # dlopen asked for it (found or not)


@dataclass(frozen=True)
class ProbeResult:
    kernels: tuple[str, ...]  # file names of the kernel and VML libraries that were mapped
    loaded: tuple[str, ...]  # every path the loader mapped
    error: str | None = None  # why nothing was observed
    unmapped: tuple[str, ...] = ()  # kernel and VML file names MKL asked the loader for that were never mapped


def run_probe(libraries: list[str], lib_dirs: list[str], env: dict[str, str], timeout: float = 120) -> ProbeResult:
    """Build the probe against ``libraries`` (host paths, linked in order) and trace one run.

    ``lib_dirs`` go on the probe's ``LD_LIBRARY_PATH``; ``env`` adds the program's own
    ``MKL_*`` settings (the layers, ``MKL_ENABLE_INSTRUCTIONS``, which move the kernel choice).
    """
    cc = find_program(os.environ.get("CC", "") or "cc") or find_program("gcc")
    if not cc:
        return ProbeResult((), (), "no C compiler (cc, gcc) on this machine to build the probe with")
    with tempfile.TemporaryDirectory(prefix="mkldoctor-probe-") as tmp:
        source = os.path.join(tmp, "probe.c")
        binary = os.path.join(tmp, "probe")
        with open(source, "w") as handle:
            handle.write(SOURCE)
        link = [f"-L{os.path.dirname(p)}" for p in libraries] + [f"-l:{os.path.basename(p)}" for p in libraries]
        cmd = [cc, source, "-o", binary, "-Wl,--no-as-needed", *link, "-lpthread", "-lm", "-ldl"]
        try:
            built = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            return ProbeResult((), (), f"the probe did not build: {exc}")
        if built.returncode != 0:
            return ProbeResult((), (), "the probe did not build: " + _last_line(built.stderr))
        run_env = {k: v for k, v in os.environ.items() if not k.startswith(("MKL_", "LD_", "OMP_", "KMP_"))}
        run_env.update({k: v for k, v in env.items() if k.startswith(("MKL_", "OMP_", "KMP_"))})
        run_env.update(LD_DEBUG="files", LD_LIBRARY_PATH=":".join(dict.fromkeys(lib_dirs)), OMP_NUM_THREADS="1")
        try:
            ran = subprocess.run([binary], capture_output=True, text=True, timeout=timeout, env=run_env, errors="replace")
        except (OSError, subprocess.SubprocessError) as exc:
            return ProbeResult((), (), f"the probe did not run: {exc}")
    loaded = tuple(dict.fromkeys(_MAPPED.findall(ran.stderr)))
    kernels = tuple(name for name in dict.fromkeys(os.path.basename(p) for p in loaded) if KERNEL_FILE.match(name))
    mapped = {os.path.basename(p) for p in loaded}
    unmapped = tuple(name for name in dict.fromkeys(os.path.basename(p) for p in _OPENED.findall(ran.stderr))
                     if KERNEL_FILE.match(name) and name not in mapped)
    if ran.returncode != 0 or "mkldoctor-probe ok" not in ran.stdout:
        mkl_line = next((ln.strip() for ln in ran.stderr.splitlines() + ran.stdout.splitlines() if "MKL" in ln and "ERROR" in ln), None)
        return ProbeResult(kernels, loaded, "the probe failed: " + (mkl_line or _last_line(ran.stderr) or f"exit status {ran.returncode}"),
                           unmapped)
    return ProbeResult(kernels, loaded, unmapped=unmapped)  # unmapped here: MKL fell back to another kernel


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip() and "LD_DEBUG" not in ln]
    return lines[-1].strip() if lines else ""
