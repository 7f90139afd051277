"""The classes of the tenth blind set (tests/data/explain_corpus/blind10.json), produced here where they can run: an
environment with PyPI's mkl wheel (MKL's libraries) and no mkl-service, in which `import mkl` fails (mkl_fft#152), and the
same environment with mkl-service added."""

from __future__ import annotations

import subprocess

from tests.test_explain_families import clean_env, errors_of


def test_the_mkl_module_is_mkl_services_and_installing_it_fixes_the_import(pyenv, tmp_path):
    assert (pyenv.site / "mkl-2026.2.0.dist-info").is_dir()  # the mkl wheel: MKL's libraries, no Python module
    failed = subprocess.run([str(pyenv.python), "-c", "import mkl"], env=clean_env(), capture_output=True, text=True)
    assert failed.returncode != 0 and "No module named 'mkl'" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-service-missing" and "mkl-service" in finding.fix[0]
    fixed = pyenv.clone(tmp_path / "env", "mkl-service")
    done = subprocess.run([str(fixed.python), "-c", "import mkl; print(mkl.get_max_threads() >= 1)"], env=clean_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr
