"""The classes of the thirty-sixth blind set (tests/data/explain_corpus/blind36.json): Theano's own check without its
"Error" word, a configure that fell back to its own BLAS (NWChem's forum #1735), Open MPI's BLACS layer on a line that
links Intel MPI (NWChem's forum #3527, its command broken with backslashes), and a numbered MKL layer that loaded while
the library it needs did not (DeepLabCut's PyInstaller bundle on macOS)."""

from __future__ import annotations

import io

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import errors_of, flat


def test_theanos_check_and_a_configure_that_falls_back():
    [theano] = errors_of('To use MKL 2018 with Theano either update the numpy conda packages to\ntheir latest build or set '
                         '"MKL_THREADING_LAYER=GNU" in your\nenvironment.\n')
    assert theano.id == "threading-layer-conflict" and theano.fix[0].startswith("export MKL_THREADING_LAYER=GNU"), flat(theano)
    [fallback] = explain_all("configure: WARNING: BLAS library not found, using internal BLAS\n"
                             "configure: WARNING: LAPACK library not found, using internal LAPACK\n")
    assert fallback.id == "mkl-finder-failed" and fallback.severity == "warning" and "ScaLAPACK and BLACS" in fallback.fix[1]


def test_a_backslash_continued_command_and_another_mpis_blacs():
    from mkldoctor.explain.lines import logical_lines

    joined = list(logical_lines(io.BytesIO(b"ifort -i8 -O2 -g -fp-model source -L/home/u/nwchem-6.8/\\\nlib/LINUX64 -o nwchem\n")))
    assert joined == ["ifort -i8 -O2 -g -fp-model source -L/home/u/nwchem-6.8/lib/LINUX64 -o nwchem"]
    log = ("ifort -i8 -O2 -o nwchem nwchem.o -L/apps/intel/mkl/lib/intel64 -Wl,--no-as-needed -lmkl_scalapack_ilp64 -lmkl_gf_\\\n"
           "ilp64 -lmkl_gnu_thread -lmkl_core -lmkl_blacs_openmpi_ilp64 -lgomp -L/apps/intel/impi/2017.1.132/intel64/lib -lmpifort -lmpi\n"
           "/apps/intel/mkl/lib/intel64/libmkl_blacs_openmpi_ilp64.so: undefined reference to `ompi_mpi_comm_null'\n"
           "/apps/intel/mkl/lib/intel64/libmkl_blacs_openmpi_ilp64.so: undefined reference to `MPI_Comm_f2c'\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-cluster-needs-mpi" and "the link has Intel MPI" in finding.title, flat(finding)
    assert "mkl_blacs_intelmpi_*" in finding.fix[0]


def test_a_numbered_layer_that_loaded_is_not_the_library_missing():
    log = ("INTEL MKL ERROR: dlopen(/Users/u/DLC.app/Contents/MacOS/libmkl_intel_thread.1.dylib, 9): Library not loaded: "
           "@rpath/libiomp5.dylib\n  Referenced from: /Users/u/DLC.app/Contents/Resources/libmkl_intel_thread.1.dylib\n"
           "  Reason: image not found.\nIntel MKL FATAL ERROR: Cannot load libmkl_intel_thread.1.dylib.\n")
    [finding] = errors_of(log)
    assert finding.id == "macos-library-not-loaded" and not finding.fix[0].startswith("install the MKL release"), flat(finding)


def test_a_kernels_name_older_than_the_table_beside_mkls_cannot_load():
    """PySCF's README (MKL 11 through dlopen): the kernel's undefined ownLastTriangle_64fc, a name no release of the table
    has, with MKL's own Cannot load after it: the kernel cannot see its core (one finding), not a mix of releases."""
    log = ("  OSError: ... mkl/lib/intel64/libmkl_avx.so: undefined symbol: ownLastTriangle_64fc\n"
           "  MKL FATAL ERROR: Cannot load libmkl_avx.so or libmkl_def.so.\n")
    assert [f.id for f in errors_of(log)] == ["mkl-core-not-visible"]
    assert [f.id for f in errors_of(log.splitlines()[0] + "\n")] != ["mkl-core-not-visible"]  # alone, the table cannot tell


def test_mkl_dnns_name_missing_points_at_the_packages_own_copy():
    """Paddle#17045 (blind33): core.so's mkldnn_* name not in the libmkldnn another folder on LD_LIBRARY_PATH gave."""
    log = ("/home/u/py/lib/python2.7/site-packages/paddle/fluid/core.so: undefined symbol: mkldnn_primitive_attr_destroy\n")
    [finding] = errors_of(log)
    assert "site-packages/paddle/libs" in finding.fix[0], flat(finding)


def test_a_windows_folder_ending_a_line_is_not_a_continuation():
    from mkldoctor.explain.lines import logical_lines

    text = b"-- MKL_ROOT set: -- C:\\Program Files (x86)\\Intel\\oneAPI\\mkl\\2024.0\\\nCMake Error at x.cmake:3 (message):\n"
    assert len(list(logical_lines(io.BytesIO(text)))) == 2


def test_an_mkl_header_asked_for_by_another_projects_installed_header():
    """ofxDlib's troubleshooting page (blind32): dlib's installed matrix_fft.h includes mkl_dfti.h, because dlib was built
    with MKL; Eigen's header asks for MKL's because the program defines EIGEN_USE_MKL_ALL."""
    dlib = ("/openFrameworks/addons/ofxDlib/libs/dlib/include/dlib/dnn/../matrix/matrix_fft.h:12:22: fatal error: "
            "mkl_dfti.h: No such file or directory\n")
    [finding] = errors_of(dlib)
    assert finding.id == "mkl-header-not-found" and "dlib was built with MKL" in finding.fix[0], flat(finding)
    eigen = "/usr/include/eigen3/Eigen/src/Core/util/MKL_support.h:57:10: fatal error: mkl.h: No such file or directory\n"
    [eig] = errors_of(eigen)
    assert "EIGEN_USE_MKL_ALL" in eig.fix[0] and "built with MKL" not in eig.fix[0], flat(eig)
    # a package builder's work tree is the project's own source being built, not a header installed (ideep#34, FreeBSD)
    ports = ("/usr/ports/math/ideep/work/ideep-2.0.0-119-gb57539e/include/ideep/computations.hpp:61:10: fatal error: "
             "'mkl_vsl.h' file not found\n")
    [built] = errors_of(ports)
    assert built.id == "mkl-header-not-found" and not any("installed header" in line for line in built.fix), flat(built)
    assert any(line.startswith("set up the MKL the build means") for line in built.fix), flat(built)
