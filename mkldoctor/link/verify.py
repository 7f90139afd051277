"""``link --verify`` for the flags line: compile and run a tiny C program with it in a temporary folder;
its log (the command echoed as make does, then the output) goes to ``explain`` when it fails."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from mkldoctor.link.linkline import LinkLine

q = shlex.quote

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include <mkl.h>
%(hgemm_decl)s
int main(void) {
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0, 0, 0, 0};
    char version[256];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    if (c[0] != 1.0f || c[1] != 2.0f || c[2] != 3.0f || c[3] != 4.0f) {
        printf("cblas_sgemm gave %%g %%g %%g %%g, not 1 2 3 4\n", c[0], c[1], c[2], c[3]);
        return 3;
    }
%(hgemm_call)s
    mkl_get_version_string(version, sizeof version);
    printf("mkldoctor-verify ok: %%s (MKL_INT %%d bytes)\n", version, (int)sizeof(MKL_INT));
    return 0;
}
"""

HGEMM_DECL = r"""
/* declared here: MKL before 2021.4 has no hgemm_ and its headers declare neither it nor MKL_F16 */
typedef unsigned short mkldoctor_f16;
extern void hgemm_(const char *transa, const char *transb, const MKL_INT *m, const MKL_INT *n, const MKL_INT *k,
                   const mkldoctor_f16 *alpha, const mkldoctor_f16 *a, const MKL_INT *lda, const mkldoctor_f16 *b,
                   const MKL_INT *ldb, const mkldoctor_f16 *beta, mkldoctor_f16 *c, const MKL_INT *ldc);
"""

HGEMM_CALL = r"""
    {
        MKL_INT one = 1;
        mkldoctor_f16 ha = 0x3c00, hb = 0x4000, halpha = 0x3c00, hbeta = 0, hc = 0; /* 1.0 * 2.0 = 2.0 (0x4000) */
        hgemm_("N", "N", &one, &one, &one, &halpha, &ha, &one, &hb, &one, &hbeta, &hc, &one);
        if (hc != 0x4000) { printf("hgemm_ gave 0x%%04x, not 0x4000\n", (unsigned)hc); return 4; }
    }
"""


@dataclass
class VerifyResult:
    ok: bool
    stage: str  # "compile", "run", "ok"
    log: str  # the commands, echoed as make does, and their output
    command: list[str]
    output: str = ""


def program_env(line: LinkLine) -> dict[str, str]:
    """This environment with the line's run-time settings, as its ``run:`` lines would make it
    (``LD_LIBRARY_PATH`` put in front of the one already set)."""
    env = dict(os.environ)
    for key, value in line.runtime_env.items():
        if key == "LD_LIBRARY_PATH":
            old = env.get("LD_LIBRARY_PATH")
            value = value.replace(":$LD_LIBRARY_PATH", "") + (":" + old if old else "")
        env[key] = value
    return env


def verify(line: LinkLine, *, hgemm: bool = False, cc: str = "gcc", timeout: float = 180.0, keep: str | None = None) -> VerifyResult:
    """Compile, link and run a program that calls cblas_sgemm (and hgemm_) with ``line``."""
    source = PROGRAM % {"hgemm_decl": HGEMM_DECL if hgemm else "", "hgemm_call": HGEMM_CALL if hgemm else ""}
    work = keep or tempfile.mkdtemp(prefix="mkldoctor-verify-")
    try:
        src = os.path.join(work, "verify.c")
        exe = os.path.join(work, "verify")
        with open(src, "w", encoding="utf-8") as handle:
            handle.write(source)
        command = [cc, src, "-o", exe, *line.compile_flags, *line.link_flags]
        log = [shlex.join(command)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, errors="replace")
        except (OSError, subprocess.SubprocessError) as exc:
            return VerifyResult(False, "compile", "\n".join(log + [str(exc)]) + "\n", command)
        log.append(run.stdout + run.stderr)
        if run.returncode != 0:
            return VerifyResult(False, "compile", "\n".join(log), command)
        env = program_env(line)
        prefix = " ".join(f"{k}={q(env[k])}" for k in line.runtime_env)
        log.append(f"{prefix} {q(exe)}".strip())
        try:
            ran = subprocess.run([exe], capture_output=True, text=True, timeout=timeout, env=env, errors="replace")
        except subprocess.TimeoutExpired:
            return VerifyResult(False, "run", "\n".join(log + [f"timed out after {timeout:g}s"]) + "\n", command)
        output = ran.stdout + ran.stderr
        log.append(output)
        ok = ran.returncode == 0 and "mkldoctor-verify ok" in ran.stdout
        return VerifyResult(ok, "ok" if ok else "run", "\n".join(log), command, output)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
