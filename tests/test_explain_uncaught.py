"""A program that stops itself: a Rust panic and an uncaught C++ exception, produced here; never "no problem found".

- a panic with no cargo line around it is said as unrecognised (it was said as nothing); one in intel-mkl-tool's code,
  the library intel-mkl-src 0.8's build script runs (a log cut to the panic), is that build script's failure;
- ``terminate called after throwing an instance of ...`` aborts the process: a crash, and for oneMKL's
  ``oneapi::mkl::unimplemented`` (its what() as oneMKL's exceptions spell it) the device's backend lacks the function.
"""

from __future__ import annotations

import subprocess

from tests.test_explain_families import errors_of, flat


def test_a_rust_panic_alone_is_never_no_problem(tmp_path):
    (tmp_path / "main.rs").write_text("fn main() { let v: Vec<u32> = Vec::new(); println!(\"{}\", v[3]); }\n")
    built = subprocess.run(["rustc", "main.rs", "-o", "main"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    ran = subprocess.run(["./main"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 101 and "panicked at" in ran.stderr, ran.stderr
    [finding] = errors_of(ran.stderr)
    assert finding.id == "unrecognised-failure" and "panicked at" in finding.title and "main.rs" in finding.title, flat(finding)


def test_a_panic_in_intel_mkl_tools_code_is_intel_mkl_srcs_build_script():
    log = ("thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: "
           "\"No such file or directory\" }', /home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/"
           "intel-mkl-tool-0.8.1/src/entry.rs:153:41\n")
    [finding] = errors_of(log)
    assert finding.id == "cargo-build-script-failed" and "intel-mkl-src 0.8.1" in finding.title, flat(finding)
    assert "the panic is in the code of intel-mkl-src 0.8.1's build script" in finding.evidence[0], finding.evidence
    assert finding.fix[0].startswith("give it a system MKL"), finding.fix
    # a crate no entry knows: the panic is still said, as unrecognised
    [other] = errors_of(log.replace("intel-mkl-tool-0.8.1", "some-crate-1.2.3"))
    assert other.id == "unrecognised-failure", flat(other)


def test_an_uncaught_cxx_exception_is_a_crash(tmp_path):
    (tmp_path / "x.cpp").write_text('#include <stdexcept>\nint main() { throw std::runtime_error("no device"); }\n')
    assert subprocess.run(["g++", "x.cpp", "-o", "x"], cwd=tmp_path).returncode == 0
    ran = subprocess.run(["./x"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "terminate called after throwing an instance of 'std::runtime_error'" in ran.stderr
    [finding] = errors_of(ran.stderr)
    assert finding.id == "program-crashed" and "std::runtime_error" in finding.title, flat(finding)


def test_onemkls_unimplemented_exception():
    log = ("terminate called after throwing an instance of 'oneapi::mkl::unimplemented'\n"
           "  what():  oneMKL: blas/gemm: function is not implemented for half precision on this device\n"
           "Aborted (core dumped)\n")
    [finding] = errors_of(log)
    assert finding.id == "onemkl-not-implemented-for-device" and "blas/gemm" in finding.title, flat(finding)
    # the exception's name alone (the what() line cut) says as much; oneMath's spelling too
    [named] = errors_of(log.splitlines()[0] + "\n")
    assert named.id == "onemkl-not-implemented-for-device", flat(named)
    [math] = errors_of(log.replace("oneMKL: ", "oneMath: ").replace("::mkl::", "::math::"))
    assert math.id == "onemkl-not-implemented-for-device", flat(math)


def test_a_panic_in_ocipkg_is_intel_mkl_srcs_download():
    log = ("error: failed to run custom build command for `intel-mkl-src v0.8.1`\n\nCaused by:\n  process didn't exit "
           "successfully: `/x/target/release/build/intel-mkl-src-abc/build-script-build` (exit status: 101)\n  --- stderr\n"
           "  thread 'main' panicked at /root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/ocipkg-0.2.8/src/"
           "distribution/client.rs:55:14:\n  called `Result::unwrap()` on an `Err` value: Network Error\n")
    [finding] = errors_of(log)
    assert finding.title == ("the build script of intel-mkl-src 0.8.1 panicked in ocipkg, its download of MKL: called "
                             "`Result::unwrap()` on an `Err` value: Network Error"), finding.title


def test_pythons_faulthandler_on_windows():
    log = ("Windows fatal exception: access violation\n\nCurrent thread 0x00001c2c (most recent call first):\n"
           "  File \"C:\\Users\\u\\env\\lib\\site-packages\\numpy\\linalg\\linalg.py\", line 1656 in svd\n")
    [finding] = errors_of(log)
    assert finding.id == "program-crashed" and "numpy's or scipy's linear algebra" in finding.title, flat(finding)
