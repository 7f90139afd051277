"""Round 11 of raw public pastes (66 issue threads read without their causes, none used before): what was silent or wrong
in them, as the paste showed it, and produced here where it can be (ld.gold; apt-get against a local server that answers
in plain HTTP)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat

MEGENGINE_60 = """[ 67%] Linking CXX executable megdnn_test
/usr/bin/ld.gold: error: cannot find -lMKL_CORE_LIBRARY-NOTFOUND
/usr/bin/ld.gold: error: cannot find -lMKL_SEQUENTIAL_LIBRARY-NOTFOUND
../../../third_party/mkl/x86_64/lib/libmkl_intel_ilp64.a(vml_mode_iface.o):mode_iface.c:function vmlSetMode: error: \
undefined reference to 'mkl_vml_kernel_SetMode'
../../../third_party/mkl/x86_64/lib/libmkl_intel_ilp64.a(vml_mode_iface.o):mode_iface.c:function vmlGetMode: error: \
undefined reference to 'mkl_vml_kernel_GetMode'
"""


def _one_cause(log: str) -> None:
    said = errors_of(log)
    assert [f.id for f in said] == ["library-not-found"], [(f.id, f.title) for f in said]
    assert "MKL_CORE_LIBRARY-NOTFOUND" in said[0].title and "CMakeCache.txt" in said[0].fix[0], flat(said[0])


def test_a_notfound_core_and_the_names_it_leaves_undefined():
    """MegEngine#60: CMake's MKL_CORE_LIBRARY-NOTFOUND on the link line, then ld.gold's undefined mkl_vml_kernel_* of the
    interface archive: read as archives in the wrong order (no --start-group), where the core was never linked."""
    _one_cause(MEGENGINE_60)


@pytest.mark.skipif(shutil.which("ld.gold") is None, reason="needs ld.gold, which goes on past a missing -l")
def test_the_same_produced_with_gold(tmp_path, mkl):
    [archive] = mkl.debian_static.rglob("libmkl_intel_ilp64.a")
    (tmp_path / "p.c").write_text("unsigned int vmlSetMode(unsigned int);\nint main(void) { return (int)vmlSetMode(0); }\n")
    done = subprocess.run(["gcc", "p.c", "-fuse-ld=gold", str(archive), "-lMKL_CORE_LIBRARY-NOTFOUND",
                           "-lMKL_SEQUENTIAL_LIBRARY-NOTFOUND", "-o", "p"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "undefined reference to 'mkl_vml_kernel_SetMode'" in done.stderr, done.stderr
    _one_cause(done.stderr)
    # the core on the line in the wrong place stays the archives' order
    core = archive.with_name("libmkl_core.a")
    wrong = subprocess.run(["gcc", "p.c", "-fuse-ld=gold", str(core), str(archive), "-o", "p"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert wrong.returncode != 0 and "mkl-archive-order" in [f.id for f in errors_of(wrong.stderr)], wrong.stderr[:600]


TDEP_81 = """found build, good

important_settings: line 35: -L/cvmfs/soft.computecanada.ca/easybuild/software/2023/x86-64-v3/Core/imkl/2023.2.0/mkl/\
2023.2.0/lib/intel64: No such file or directory
"""
NIXPKGS_63843 = """searching for dependencies of /nix/store/wamni5hkz0ic30wn41gpf5p947lhdgja-mathematica-11.3.0/libexec/Mathematica/\
SystemFiles/Libraries/Linux-x86-64/libmkl_ao_worker.so
  libcoi_device.so.0 -> not found!
  libiomp5.so -> found: /nix/store/wamni5hkz0ic30wn41gpf5p947lhdgja-mathematica-11.3.0/libexec/Mathematica/SystemFiles/\
Libraries/Linux-x86-64/libiomp5.so
"""
ANN_BENCHMARKS_265 = """Step 9/24 : RUN apt-get update
 ---> Running in de6b754e018c
Ign:1 https://HOST/mkl all InRelease
Err:2 https://HOST/mkl all Release
  Could not handshake: An unexpected TLS packet was received. [IP: 10.109.19.68 913]
Hit:3 http://HOST/ubuntu bionic InRelease
"""


def test_a_sourced_scripts_line_that_starts_with_mkls_folder():
    """tdep-tutorials#81: bash ran '-L<imkl>/lib/intel64' from line 35 of the settings file it sourced (a line break in
    the variable that holds the link line): nothing was said."""
    [finding] = errors_of(TDEP_81)
    assert finding.id == "link-line-run-as-commands" and "line break" in finding.title, flat(finding)
    other = errors_of("settings: line 3: foo: command not found\n")  # a word that is no link option: not this
    assert "link-line-run-as-commands" not in [f.id for f in other], [(f.id, f.title) for f in other]


def test_auto_patchelfs_older_listing_of_a_library_not_found():
    """nixpkgs PR #63843: Mathematica's libmkl_ao_worker.so wants libcoi_device.so.0, Intel MPSS's library for Xeon Phi
    coprocessors, which no package has: nothing was said."""
    [finding] = errors_of(NIXPKGS_63843)
    assert finding.id == "nix-dependency-unsatisfied" and "libcoi_device.so.0" in finding.title, flat(finding)
    assert finding.fix[0].startswith("no package holds libcoi_device.so.0") and "libmkl_ao_worker.so" in finding.evidence[0]


def test_apt_through_a_proxy_that_answers_in_plain_http():
    """ann-benchmarks#265: GnuTLS's 'An unexpected TLS packet was received' from port 913 while apt fetched Intel's MKL
    repository in a Docker build: nothing was said (the paste was cut before apt's own E: lines)."""
    [finding] = errors_of(ANN_BENCHMARKS_265)
    assert finding.id == "apt-https-not-tls" and "port 913" in finding.title, flat(finding)
    assert 'Acquire::https::Proxy "http://' in finding.fix[0], finding.fix


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")
def test_the_same_produced_with_apt_and_a_plain_http_server(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):  # until it listens
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            subprocess.run(["sleep", "0.1"])
        (tmp_path / "sources.list").write_text(f"deb https://127.0.0.1:{port}/mkl all main\n")
        for folder in ("lists/partial", "cache/archives/partial"):
            (tmp_path / folder).mkdir(parents=True)
        done = subprocess.run(["apt-get", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o",
                               "Dir::Etc::sourceparts=-", "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o",
                               f"Dir::Cache={tmp_path / 'cache'}", "-o", "Debug::NoLocking=1", "-o", "Acquire::Retries=0",
                               "update"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        server.terminate()
        server.wait()
    log = done.stdout + done.stderr
    assert "An unexpected TLS packet was received" in log, log
    [finding] = errors_of(log)
    assert finding.id == "apt-https-not-tls" and f"port {port}" in finding.title, flat(finding)

MKL_JL_36 = """(v1.3) pkg> up
  Updating registry at `~/.julia/registries/General`
  Updating git-repo `https://github.com/JuliaComputing/MKL.jl`
 Resolving package versions...
ERROR: Unsatisfiable requirements detected for package PackageCompiler [9b87118b]:
 PackageCompiler [9b87118b] log:
 ├─possible versions are: [0.5.0-0.5.1, 0.6.0-0.6.5, 1.0.0-1.0.2, 1.1.0] or uninstalled
 ├─restricted to versions 1 by MKL [33e6dc65], leaving only versions [1.0.0-1.0.2, 1.1.0]
 │ └─MKL [33e6dc65] log:
 │   ├─possible versions are: 0.2.0 or uninstalled
 │   └─MKL [33e6dc65] is fixed to version 0.2.0
 └─restricted by julia compatibility requirements to versions: [0.5.0-0.5.1, 0.6.0-0.6.5] or uninstalled — no versions left
"""


def test_julias_resolver_with_mkl_fixed_to_a_version():
    """MKL.jl#36: MKL added from its repository (fixed to 0.2.0) restricted PackageCompiler to releases Julia 1.3 cannot
    take: an unrecognised error. Another package's refusal, with no MKL in its tree, stays one."""
    [finding] = errors_of(MKL_JL_36)
    assert finding.id == "julia-resolve-unsatisfiable" and "MKL is fixed to 0.2.0" in finding.title, flat(finding)
    assert finding.fix[0].startswith("free it") and "pkg> free MKL" in finding.fix[0], finding.fix
    other = MKL_JL_36.replace("MKL [33e6dc65]", "Foo [33e6dc65]").replace("MKL.jl", "Foo.jl")
    assert [f.id for f in errors_of(other)] == ["unrecognised-failure"], [(f.id, f.title) for f in errors_of(other)]

WAV2LETTER_548 = """-- Checking for [mkl_gf_lp64 - mkl_gnu_thread - mkl_core - iomp5 - pthread - m]
--   Library mkl_gf_lp64: /opt/intel/mkl/lib/intel64/libmkl_gf_lp64.so
--   Library mkl_gnu_thread: /opt/intel/mkl/lib/intel64/libmkl_gnu_thread.so
--   Library mkl_core: /opt/intel/mkl/lib/intel64/libmkl_core.so
--   Library iomp5: not found
-- Checking for [mkl_gf - mkl_gnu_thread - mkl_core - iomp5 - pthread - m]
--   Library mkl_gf: not found
"""


def test_a_finder_that_found_mkl_and_not_its_openmp_runtime():
    """flashlight/wav2letter#548: the finder found MKL's three libraries and not libiomp5 (Intel's OpenMP runtime, which
    Parallel Studio keeps in the compiler's folder): the finding named 'Library mkl_gf: not found' and said it found none."""
    [finding] = blindset.findings(WAV2LETTER_548)
    assert finding.id == "mkl-finder-failed" and "not Intel's OpenMP runtime (libiomp5)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("Intel's OpenMP runtime (libiomp5") and "compilers_and_libraries" in finding.fix[0]
    assert not any("found none" in line for line in finding.evidence), finding.evidence

XTB_115 = """[93/96] icc  -o libxtb.so.6.2.2  -Wl,--as-needed -Wl,--no-undefined -shared -fPIC -Wl,--start-group \\
-Wl,-soname,libxtb.so.6 -Wl,--whole-archive libxtb.a -Wl,--no-whole-archive -static -qopenmp -fopenmp -lmkl_rt -pthread \\
-lifcore -limf -Wl,--end-group
FAILED: libxtb.so.6.2.2
libxtb.a(xtb_optimizer.f90.o): In function `optimizer_mp_relax_.V':
optimizer.f90:(.text+0xa0b5): undefined reference to `tbdef_molecule_mp_write_'
"""


@pytest.mark.parametrize("name, module, procedure, compiler", [
    ("tbdef_molecule_mp_write_", "tbdef_molecule", "write", "Intel Fortran's"),
    ("__tbdef_molecule_MOD_write", "tbdef_molecule", "write", "gfortran's")])
def test_a_fortran_modules_procedure_undefined(name, module, procedure, compiler):
    """grimme-lab/xtb#115: Intel Fortran's name of procedure write of module tbdef_molecule, on a link with -lmkl_rt: read
    as a name 'no MKL copy here defines', where it is the project's own module procedure (gfortran's spelling alike)."""
    [finding] = errors_of(XTB_115.replace("tbdef_molecule_mp_write_", name))
    assert finding.id == "undefined-symbol" and "the project's own names, not MKL's" in finding.title, flat(finding)
    assert any(f"{compiler} name of the procedure {procedure} of the Fortran module {module}" in line
               for line in finding.evidence), finding.evidence
    assert finding.fix[0].startswith(f"find the module's source (grep -rln 'module {module}'"), finding.fix

MATHNET_NATIVE_18 = """Exception thrown: 'System.DllNotFoundException' in MathNet.Numerics.dll

Additional information: Unable to load DLL 'MathNet.Numerics.MKL.dll':
Exception thrown: 'System.NotSupportedException' in MathNet.Numerics.dll

Additional information: MKL Native Provider not found.
"""
DREAMPOWER_114 = """ImportError: dlopen(/Users/u/Downloads/DreamPower/torch/_C.cpython-38-darwin.so, 2): Library not loaded: \
@loader_path/libiomp5.dylib
  Referenced from: /Users/u/Downloads/DreamPower/libtorch_python.dylib
  Reason: no suitable image found.
 Did find:
	/Users/u/Downloads/DreamPower/torch/../libiomp5.dylib: code signature in (/Users/u/Downloads/DreamPower/torch/../\
libiomp5.dylib) not valid for use in process using Library Validation: library load disallowed by system policy
"""


def test_ctypes_on_windows_without_an_mkl_function():
    """meshGraphNets_pytorch#9: 'AttributeError: function 'mkl_sparse_d_create_csr' not found' (ctypes on Windows) was read
    as a project's search for MKL that failed; it is the DLL ctypes opened without that name (an older MKL first on PATH)."""
    [finding] = errors_of("AttributeError: function 'mkl_sparse_d_create_csr' not found\n")
    assert finding.id == "mkl-name-missing" and "ctypes (Windows)" in finding.title, flat(finding)
    assert "mkl_rt*.dll" in finding.fix[1] and "LD_LIBRARY_PATH" not in finding.fix[1], finding.fix
    # another DLL's function: not an MKL name, not this finding
    assert "mkl-name-missing" not in [f.id for f in errors_of("AttributeError: function 'foo_bar' not found\n")]


def test_math_nets_provider_not_found_after_its_dll():
    """mathnet-numerics-native#18: .NET could not load MathNet.Numerics.MKL.dll, then Math.NET said 'MKL Native Provider not
    found.': two findings, the second read as a project's search for MKL; it is the first's consequence."""
    assert [f.id for f in errors_of(MATHNET_NATIVE_18)] == ["windows-library-not-loaded"]


def test_the_file_macos_refused_is_the_one_to_take_the_quarantine_off():
    """opendreamnet/dreampower#114: the fix named '<the folder>/@loader_path/libiomp5.dylib'; dyld's words name the file."""
    [finding] = errors_of(DREAMPOWER_114)
    assert any(line.startswith("take the quarantine off the downloaded files: xattr -d com.apple.quarantine "
                               "/Users/u/Downloads/DreamPower/torch/../libiomp5.dylib ") for line in finding.fix), finding.fix
