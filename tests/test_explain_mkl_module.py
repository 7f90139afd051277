"""The module 'mkl' without a function, produced with Python: a folder named mkl where Python runs imports as an empty
namespace package (mkl-service's functions missing), and mkl-service itself has no function for the threading layer
(it is chosen in the environment). Both had been read as a tool's own code crashing. The fixes' steps do what they say:
from another folder the namespace is gone, and MKL_THREADING_LAYER chooses the layer mkl-service then reports."""

from __future__ import annotations

import sys

from tests.test_explain_families import clean_env, flat, only_error, run


def test_a_folder_named_mkl_taken_for_mkl_service(tmp_path):
    (tmp_path / "mkl").mkdir()  # oneAPI's root holds one; so may a project
    code, log = run([sys.executable, "-c", "import mkl; mkl.set_num_threads(1)"], tmp_path, clean_env())
    assert code != 0 and "has no attribute 'set_num_threads'" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-module-not-mkl-service" and finding.fix[0].startswith("run from another folder"), flat(finding)
    check = finding.confirm[0].split("   #")[0].removeprefix("python -c ").strip('"')
    code, out = run([sys.executable, "-c", check], tmp_path, clean_env())
    assert code == 0 and str(tmp_path / "mkl") in out, out  # the check names the folder Python took
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, out = run([sys.executable, "-c", "import mkl"], elsewhere, clean_env())
    assert "No module named 'mkl'" in out  # this Python has no mkl-service: the fix's second step installs it


def test_a_function_mkl_service_does_not_have(tmp_path, pyenv):
    env = pyenv.clone(tmp_path / "env", "mkl_service")
    code, log = run([str(env.python), "-c", "import mkl; mkl.set_threading_layer('gnu')"], tmp_path, clean_env())
    assert code != 0 and "has no attribute 'set_threading_layer'" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-service-no-such-function" and "MKL_THREADING_LAYER" in finding.fix[1], flat(finding)
    code, out = run([str(env.python), "-c", "import mkl; print(mkl.get_max_threads())"], tmp_path,
                    clean_env(MKL_THREADING_LAYER="SEQUENTIAL"))
    assert code == 0 and out.strip().splitlines()[-1] == "1", out  # the sequential layer, chosen in the environment


def test_a_script_named_mkl_py_imports_itself(tmp_path, pyenv):
    """A script named mkl.py that imports mkl (to set MKL's threads) imports itself, partially initialized: Python's
    AttributeError names no file (the traceback's frame does), its ImportError of a name from it does. Renamed, the
    script reaches mkl-service."""
    env = pyenv.clone(tmp_path / "env", "mkl_service")
    work = tmp_path / "work"
    work.mkdir()
    for source, said in (("import mkl\nmkl.set_num_threads(2)\n", "partially initialized module 'mkl' has no attribute"),
                         ("from mkl import set_num_threads\nset_num_threads(2)\n", "from partially initialized module 'mkl'")):
        (work / "mkl.py").write_text(source)
        code, log = run([str(env.python), "mkl.py"], work, clean_env())
        assert code != 0 and said in log, log
        finding = only_error(log)
        assert finding.id == "mkl-module-not-mkl-service" and str(work / "mkl.py") in finding.title, flat(finding)
        assert finding.fix[0].startswith(f"rename {work / 'mkl.py'}"), finding.fix
        (work / "mkl.py").rename(work / "set_threads.py")  # the fix
        code, out = run([str(env.python), "set_threads.py"], work, clean_env())
        assert code == 0, out
        (work / "set_threads.py").unlink()


def test_the_scripts_path_is_read_whole():
    """A folder whose name holds a parenthesis ("Project (old)"): the path up to the line's last one."""
    finding = only_error("ImportError: cannot import name 'get_max_threads' from partially initialized module 'mkl' (most "
                         "likely due to a circular import) (/home/u/Project (old)/mkl.py)\n")
    assert "/home/u/Project (old)/mkl.py as 'mkl'" in finding.title, flat(finding)
