"""The classes of the fifteenth blind set (tests/data/explain_corpus/blind15.json), produced here where they can run.

- one MKL library missing from a folder that holds the others (Yggdrasil PR #12084: a recipe's copy list without
  mkl_cdft_core), echoed by ninja behind BinaryBuilder's clock: a real ld failure against the pinned wheel's libraries
  copied without it; the library put beside them links;
- conda's libblas MKL activation hook under ``set -u`` (espnet#5473): a real bash stopping on an unset variable in a
  hook of that name; ``set +u`` around it runs;
- Intel OpenMP's ``Error #100`` with EINVAL (flan-alpaca#16) and Pardiso.jl's ``ERROR: Input inconsistent.``
  (Pardiso.jl#64), PyPardiso's access violation with no array types in the log (activity-browser#694): public text.
"""

from __future__ import annotations

import subprocess

from tests.test_explain_families import errors_of, flat

MAIN = "int main(void) { return 0; }\n"


def test_one_mkl_library_missing_beside_the_others(tmp_path, mkl):
    staged = tmp_path / "destdir" / "lib"
    staged.mkdir(parents=True)
    for layer in ("mkl_intel_lp64", "mkl_sequential", "mkl_core"):
        (staged / f"lib{layer}.so").symlink_to(next(mkl.pip_lib.glob(f"lib{layer}.so.*")))
    (tmp_path / "m.c").write_text(MAIN)
    argv = ["gcc", "m.c", "-o", "m", f"-L{staged}", "-lmkl_cdft_core", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core"]
    failed = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lmkl_cdft_core" in failed.stderr, failed.stderr
    assert "-lmkl_core" not in failed.stderr.replace("-lmkl_cdft_core", "")  # ld found the others
    log = "".join(f"[22:54:01] {line}\n" for line in [f"ninja: job failed: : && {' '.join(argv)} && :",
                                                        *failed.stderr.splitlines()])
    [finding] = errors_of(log)
    assert finding.id == "library-not-found" and "has no mkl_cdft_core" in finding.title, flat(finding)
    assert str(staged) in finding.fix[0] and "copy step" in finding.fix[0]
    (staged / "libmkl_cdft_core.so").symlink_to(next(mkl.pip_lib.glob("libmkl_cdft_core.so.*")))
    linked = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode == 0, linked.stderr


HOOK = 'export CONDA_MKL_INTERFACE_LAYER_BACKUP=$MKL_INTERFACE_LAYER\nexport MKL_INTERFACE_LAYER="LP64,GNU"\n'


def test_an_mkl_activation_hook_under_set_u(tmp_path):
    hook = tmp_path / "envs" / "espnet" / "etc" / "conda" / "activate.d" / "libblas_mkl_activate.sh"
    hook.parent.mkdir(parents=True)
    hook.write_text(HOOK)
    env = {"PATH": "/usr/bin:/bin"}
    failed = subprocess.run(["bash", "-c", f"set -u; source {hook}; echo activated"], capture_output=True, text=True, env=env)
    assert failed.returncode != 0 and "MKL_INTERFACE_LAYER: unbound variable" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-env-script-unbound" and "MKL_INTERFACE_LAYER" in finding.title, flat(finding)
    assert finding.fix[0].startswith("turn nounset off") and "conda activate" in finding.fix[0]
    fixed = subprocess.run(["bash", "-c", f"set -u; set +u; source {hook}; set -u; echo activated"], capture_output=True,
                           text=True, env=env)
    assert fixed.returncode == 0 and "activated" in fixed.stdout, fixed.stderr
    # an unset variable in a script that is not MKL's is no MKL finding, and still an error
    other = subprocess.run(["bash", "-c", "set -u; echo $NOT_SET_HERE"], capture_output=True, text=True, env=env)
    assert [f.id for f in errors_of(other.stderr.replace("bash: ", "/x/build.sh: line 3: ", 1))] == ["unrecognised-failure"]


def test_intel_openmps_fatal_system_error_in_a_container():
    log = ("OMP: Error #100: Fatal system error detected.\nOMP: System error #22: Invalid argument\n"
           "Aborted (core dumped)\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-system-error" and "affinity" in finding.title
    assert "KMP_AFFINITY=disabled" in finding.fix[0]


def test_pardiso_errors_in_a_wrappers_words_and_pypardisos_crash():
    log = ("julia> solve!(ps, X, A, B)\nERROR: Input inconsistent.\nStacktrace:\n"
           " [1] check_error at /home/u/.julia/packages/Pardiso/GDj1P/src/mkl_pardiso.jl:70 [inlined]\n"
           " [2] ccall_pardiso(::MKLPardisoSolver, ::Int32, ::Array{Float64,1}, ::Array{Int32,1}) at "
           "/home/u/.julia/packages/Pardiso/GDj1P/src/mkl_pardiso.jl:66\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-pardiso-error" and "error -1" in finding.title
    assert "Array{Int32,1}" in flat(finding) and "pardiso_64" in finding.fix[0]
    crash = ("self._mkl_pardiso(self.pt.ctypes.data_as(ctypes.POINTER(self._pt_type[0])), # pt\n"
             "OSError: exception: access violation writing 0x000000000004\n")
    [finding] = errors_of(crash)
    # the same crash had two causes (PyPardiso#77: a csr_array's int64 indices; #36: intel-openmp 2022 beside mkl 2021.4):
    # and its log shows neither: both are said
    assert finding.id == "mkl-pardiso-arrays" and "OpenMP runtime of two releases" in finding.title
    assert finding.fix[0].startswith("the index arrays' integer width") and "intel-openmp" in finding.fix[1]
