"""Blind set 194's misses (tests/data/explain_corpus/blind194.json, scored with the other sets in test_explain_blind173):
a module of a build tree and an extension of another torch release (both produced with g++ and the loader), a dependency's
install tree in lib64, pacman's file conflict, vLLM's LD_PRELOAD check, a package name with a sentence's period (produced
with apt-get), Paddle's patchelf, MKL-DNN's headers of another release, TensorFlow's MKL kernels, an extension compiled
with icc and linked with gcc, a project's finder of "Intel OMP or MKL", and oneAPI 2024's year-named packages."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

ENTRIES = blindset.entries(194)


def _loaded(tmp_path, folder: str, source: str) -> str:
    """A module built with g++ that needs a C++ name no library defines, loaded by Python's ctypes: the loader's words."""
    where = tmp_path / folder
    where.mkdir(parents=True)
    (where / "m.cpp").write_text(source)
    subprocess.run(["g++", "-shared", "-fPIC", "-o", str(where / "core.so"), str(where / "m.cpp")], check=True)
    _, log = run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(where / 'core.so')!r})"], tmp_path, clean_env())
    assert "undefined symbol: _Z" in log, log
    return log


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")
def test_cxx_names_of_a_build_tree_and_of_torch(tmp_path):
    """Paddle#9877 (partly: 'another release found first'): a core.so of the build tree needs the project's own kernel
    registrar, a module left from another configuration; xFasterTransformer#233 (partly): torch::Library of torch 2.0 under
    torch 2.2. Each produced with g++ and the loader (a name of each kind that no library defines)."""
    stale = _loaded(tmp_path, "build/python/paddle/fluid",
                    "void TouchOpKernelRegistrar_fc_MKLDNN();\n"
                    "extern \"C\" void touch() { TouchOpKernelRegistrar_fc_MKLDNN(); }\n")
    for said in (stale, blindset.log_of(ENTRIES, "stale-core-so")):
        finding = only_error(said)
        assert finding.id == "build-tree-module-stale" and "core.so" in finding.title, flat(finding)
        assert finding.fix[0].startswith("build again from a clean tree: remove ") and "/build/" in finding.fix[0], finding.fix
    torch = _loaded(tmp_path, "site-packages/xfastertransformer",
                    "namespace torch { struct Library { Library(int); }; }\nextern \"C\" void make() { torch::Library l(1); }\n")
    for said in (torch, blindset.log_of(ENTRIES, "torch-abi-mismatch")):
        finding = only_error(said)
        assert finding.id == "torch-extension-other-release", flat(finding)
        assert any("pip show xfastertransformer" in f for f in finding.fix), finding.fix
    # torch's own library needing a name of torch's: no such finding (the copies of torch itself, not an extension)
    own = "OSError: /e/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so: undefined symbol: _ZN3c104impl3cowE\n"
    assert "torch-extension-other-release" not in [f.id for f in errors_of(own)]


def test_a_dependencys_install_tree_and_a_pacman_conflict():
    """mxnet#16629 (wrong: another interface number, copy by pattern): MKL-DNN's install step put it in lib64;
    archlinuxcn/repo#1502 (unrecognised): pacman's conflict, in Chinese, on libmkldnn.so owned by intel-dnnl."""
    installed = only_error(blindset.log_of(ENTRIES, "mkldnn-installdir"))
    assert installed.id == "mkl-file-missing" and "install tree" in installed.title, flat(installed)
    assert "-DCMAKE_INSTALL_LIBDIR=lib" in installed.fix[0] and not any("pattern" in f for f in installed.fix), installed.fix
    conflict = only_error(blindset.log_of(ENTRIES, "file-conflict-1502"))
    assert conflict.id == "package-file-conflict" and conflict.title.startswith("pacman: mxnet-cuda-mkl ships"), flat(conflict)
    english = ("error: failed to commit transaction (conflicting files)\n"
               "mxnet-mkl: /usr/lib/libmkldnn.so.1 exists in filesystem (owned by intel-dnnl)\n")
    assert only_error(english).id == "package-file-conflict"
    # another file's conflict: not MKL's question, and not silent
    other = ("error: failed to commit transaction (conflicting files)\n"
             "foo: /usr/lib/libfoo.so exists in filesystem (owned by bar)\n")
    assert [f.id for f in errors_of(other)] == ["unrecognised-failure"]


def test_host_checks_and_build_tools():
    """vllm PR #37561 (unrecognised): its LD_PRELOAD check; Paddle#12407 (unrecognised): CMake's patchelf and apt's
    'patchelf.'; Paddle#5510 (unrecognised): MKL-DNN's headers of another release; recommenders#1084 (unrecognised):
    TensorFlow's MKL concat kernel; CellConstructor#29 (partly): icc's object linked by gcc."""
    vllm = only_error(blindset.log_of(ENTRIES, "ld-preload-tcmalloc"))
    assert vllm.id == "host-preload-required" and "libtcmalloc-minimal4" in vllm.fix[0], flat(vllm)
    paddle = errors_of(blindset.log_of(ENTRIES, "patchelf-required"))
    assert [f.id for f in paddle] == ["package-name-punctuated", "build-tool-missing"], [(f.id, f.title) for f in paddle]
    assert paddle[0].fix == ("apt-get install -y patchelf",), paddle[0].fix
    headers = only_error(blindset.log_of(ENTRIES, "stale-third-party-mkldnn"))
    assert headers.id == "onednn-headers-other-release" and "build/third_party/mkldnn" in headers.fix[0], flat(headers)
    tensorflow = only_error(blindset.log_of(ENTRIES, "tf112-mkl-concat"))
    assert tensorflow.id == "tensorflow-mkl-kernel-failed" and "eigen" in tensorflow.fix[0], flat(tensorflow)
    icc = only_error(blindset.log_of(ENTRIES, "intel-fast-memcpy"))
    assert icc.id == "intel-runtime-symbol-missing" and "LDSHARED='icc -shared'" in icc.fix[0], icc.fix
    # a package's own SVML kernels (psi4#1036's shape): the runtime to install stays first
    svml = only_error("ImportError: /e/lib/python3.8/site-packages/psi4/core.cpython-38-x86_64-linux-gnu.so: undefined symbol: "
                      "__svml_sincos4_l9\n")
    assert svml.fix[0].startswith("install the runtime beside the package"), svml.fix


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")
def test_a_package_name_with_a_sentences_period(tmp_path):
    """Produced with the real apt-get (empty package lists of its own): 'patchelf.' as Paddle's CMake message spelled it."""
    for folder in ("lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "sources.list").write_text("")
    _, log = run(["apt-get", "-s", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                  "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}",
                  "-o", "Debug::NoLocking=1", "install", "patchelf."], tmp_path, clean_env(LANG="C"))
    assert "Unable to locate package patchelf." in log, log
    finding = only_error(log)
    assert finding.id == "package-name-punctuated" and finding.fix == ("apt-get install -y patchelf",), flat(finding)


def test_a_projects_finder_and_oneapis_year_named_packages():
    """vsag#259 (unrecognised): its mkl.cmake's 'Could not find Intel OMP or MKL'; zivid-python#246 (partly): oneAPI
    2024.0's packages named by year beside an unversioned one that stayed at 2023.2."""
    finder = only_error(blindset.log_of(ENTRIES, "cache-restored-on-arm"))
    assert finder.id == "mkl-finder-failed" and "extern/mkl/mkl.cmake" in finder.title, flat(finder)
    years = only_error(blindset.log_of(ENTRIES, "repo-split-246"))
    assert years.id == "apt-intel-dependency-unmet", flat(years)
    assert years.fix[0].startswith("install the year-named packages") and "intel-oneapi-runtime-compilers-2024" in years.fix[0]
    # a pin of one release within a year: no word of the year's names
    same = ("intel-oneapi-runtime-dpcpp-cpp : Depends: intel-oneapi-runtime-compilers (= 2023.2.1-16) but 2023.2.2-47 is to "
            "be installed\n")
    assert not any("year-named" in f for f in only_error(same).fix)


def test_a_build_for_arm64_that_says_so():
    """text-embeddings-inference#611 (partly: both readings, the repository's setup first): its log does not say arm64;
    the same failure under BuildKit's multi-platform step, which names the platform, gets arm64 first."""
    said = blindset.log_of(ENTRIES, "docker-arm64-no-oneapi")
    both = only_error(said)
    assert "or the machine is not amd64" in both.title and not both.fix[0].startswith("oneAPI is built"), flat(both)
    arm = only_error("#7 [linux/arm64 build 3/6] RUN apt-get update && apt-get install -y intel-oneapi-mkl-devel\n" + said)
    assert arm.title.endswith("the build is for arm64, for which Intel builds no oneAPI"), flat(arm)
    assert arm.fix[0].startswith("oneAPI is built for amd64 (x86-64) only"), arm.fix
