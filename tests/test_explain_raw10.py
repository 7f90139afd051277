"""Round 10 of raw public pastes (48 issue threads read without their causes, none used before): what was silent or
unrecognised in them, as the paste showed it, and produced here where it can be (ld's lines joined into one)."""

from __future__ import annotations

import subprocess
import sys

from tests import blindset
from tests.test_explain_families import flat, only_error

FASTERTRANSFORMER_439 = ("Linking CXX executable ../../bin/int8_gemm_test /usr/bin/ld: cannot find -lmkl_intel_ilp64 "
                         "/usr/bin/ld: cannot find -lmkl_core /usr/bin/ld: cannot find -lmkl_intel_thread\n")
MRO_DOCKER_4 = ("Microsoft R Open 3.2.3\nDefault CRAN mirror snapshot taken on 2016-01-01\nThe enhanced R distribution from "
                "Microsoft\n\nNo performance acceleration libraries were detected. To take advantage of \nthe available "
                "processing power, also install MKL for MRO 3.2.3. Visit http://go.microsoft.com/fwlink/?LinkID=698301 for "
                "more details.\n")


def test_the_linkers_lines_joined_into_one_by_a_paste():
    """NVIDIA/FasterTransformer#439: make's Linking line and ld's three refusals on one line were one unrecognised
    error; each refusal starts its own line again, and the three names are one finding."""
    said = only_error(FASTERTRANSFORMER_439)
    assert said.id == "library-not-found" and all(f"-lmkl_{n}" in said.title for n in ("intel_ilp64", "core", "intel_thread"))


def test_the_same_produced_with_gcc_and_joined(tmp_path):
    (tmp_path / "p.c").write_text("int main(void) { return 0; }\n")
    linked = subprocess.run(["gcc", "p.c", "-o", "p", "-lmkl_intel_ilp64", "-lmkl_core"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert linked.returncode != 0 and linked.stderr.count("cannot find -lmkl_") == 2, linked.stderr
    joined = " ".join(linked.stderr.split("\n"))  # as a paste that lost its line breaks
    assert "\n" not in joined.strip()
    said = only_error(joined)
    assert said.id == "library-not-found" and "-lmkl_intel_ilp64" in said.title and "-lmkl_core" in said.title, flat(said)


def test_microsoft_r_open_started_without_its_mkl():
    """nuest/mro-docker#4: MRO's banner says no acceleration libraries were detected (an image without MRO's MKL
    package): nothing was said of it."""
    said = blindset.findings(MRO_DOCKER_4)
    assert [f.id for f in said] == ["mro-without-mkl"] and said[0].severity == "warning", [flat(f) for f in said]
    assert any("install.sh" in line for line in said[0].fix), flat(said[0])


EASYRAG_2 = ("run pip install -r requirements.txt \ngot this error\nERROR: Could not find a version that satisfies the "
             "requirement mkl==2.4.0 (from versions: none)\nERROR: No matching distribution found for mkl==2.4.0\n")


def test_mkl_pinned_to_a_number_of_its_python_packages(tmp_path):
    """BetaStreetOmnis/EasyRAG#2: mkl==2.4.0 is no MKL release (mkl-service's number): the pin is said before the
    platform. Produced here with pip where the index offers mkl: the same words beside the releases it offers."""
    said = only_error(EASYRAG_2)
    assert said.fix[0].startswith("the pin most likely meant") and "mkl-service==2.4.0" in said.fix[0], flat(said)
    assert any("names no MKL release" in line for line in said.evidence), flat(said)
    ran = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "mkl==2.4.0", "-d",
                          str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert ran.returncode != 0 and "mkl==2.4.0" in ran.stderr, ran.stderr
    said = only_error(ran.stderr)
    assert "mkl-service==2.4.0" in said.fix[0], flat(said)  # offered releases or none (an index that serves no mkl)


def test_the_last_undefined_reference_cut_as_the_paste_ended(tmp_path):
    """facebookresearch/faiss#2687: ld's list of undefined names ended by the paste mid-line ("...: undefined ref") was an
    unrecognised error beside the right finding; cut alone, with nothing it repeats, it is still never silent."""
    (tmp_path / "p.c").write_text("void sgeqrf_(void); void sgesvd_(void); void dgemm_(void);\n"
                                  "int main(void) { sgeqrf_(); sgesvd_(); dgemm_(); return 0; }\n")
    linked = subprocess.run(["gcc", "p.c", "-o", "p"], cwd=tmp_path, capture_output=True, text=True)
    lines = [line for line in linked.stderr.splitlines() if "undefined reference to" in line]
    assert linked.returncode != 0 and len(lines) == 3, linked.stderr
    cut = "\n".join(lines[:2] + [lines[2][:lines[2].index("undefined reference") + len("undefined ref")]]) + "\n"
    said = [f for f in blindset.findings(cut) if f.severity == "error"]
    assert [f.id for f in said] == ["mkl-symbol-unresolved"], [flat(f) for f in said]
    alone = [f.id for f in blindset.findings(cut.splitlines()[-1] + "\n") if f.severity == "error"]
    assert alone == ["unrecognised-failure"], alone


def test_a_makefiles_copy_of_the_target_its_failed_rule_did_not_make(tmp_path):
    """henniggroup/VASPsol#75: after ld's undefined errfc_, make's rule failed and the makefile's cp of the program it did
    not make was an unrecognised error beside the finding. Produced here with make, gcc and cp."""
    (tmp_path / "p.c").write_text("void errfc_(void);\nint main(void) { errfc_(); return 0; }\n")
    (tmp_path / "Makefile").write_text("all:\n\t$(MAKE) vasp; cp vasp out/\nvasp: p.c\n\tgcc p.c -o vasp\n")
    made = subprocess.run(["make", "--no-print-directory"], cwd=tmp_path, capture_output=True, text=True)
    log = made.stdout + made.stderr
    assert made.returncode != 0 and "cannot stat 'vasp'" in log and "] Error" in log, log
    said = [f for f in blindset.findings(log) if f.severity == "error"]
    assert [f.id for f in said] == ["undefined-symbol"], [flat(f) for f in said]
    alone = [f.id for f in blindset.findings("cp: cannot stat 'vasp': No such file or directory\n") if f.severity == "error"]
    assert alone == ["unrecognised-failure"], alone  # with no failed rule before it, the copy's own failure
