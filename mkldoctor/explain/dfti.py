"""MKL's FFT interface refusing a descriptor: ``Intel oneMKL DFTI ERROR: Inconsistent configuration parameters``.

DFTI checks a descriptor's settings when it is committed; its messages (DftiErrorMessage) name the class of fault. A
program that configured its transforms for one MKL release can meet a stricter check in a later one: PyTorch's batched
FFTs with a zero input stride and no input distance failed with MKL 2024.2 (pytorch/pytorch#154477, the fix sets the
distances); mkl_fft's packed real transform of a large length was refused (IntelPython/mkl_fft#50).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, TRACEBACK_HEADER, ClaimedError, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class DftiError:
    message: str
    line: str


SIGNATURES = (
    Signature("mkl-dfti-error", "dfti", "ERROR",
              re.compile(r"(?:one)?MKL DFTI ERROR:?\s*(?P<msg>[^'\"`\n]+?)\s*(?:['\"`].*|\)?\s*)$"),
              lambda m, _: DftiError(m.group("msg").split(", Intel")[0].rstrip("."), m.string.strip())),
    # PyTorch's wrapper of the same status: "RuntimeError: MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration
    # parameters", quoted shorter by a project's notes ("MKL FFT error: Inconsistent configuration": spectrans' CI runners)
    Signature("torch-mkl-fft-error", "dfti", "MKL FFT error",
              re.compile(r"MKL FFT error:\s*(?:Intel (?:one)?MKL DFTI ERROR:\s*)?(?P<msg>[^'\"`\n]+?)\.?\s*$"),
              lambda m, _: DftiError(m.group("msg").rstrip("."), m.string.strip())),
    # oneMKL's SYCL DFT API: "oneapi::mkl::dft::set_value: invalid argument: invalid configuration value for the targeted
    # configuration parameter" (torch-xpu-ops PR #5004: NUMBER_OF_TRANSFORMS of 0 for an empty batch); the parameter may
    # follow on the next line
    # mkl_fft's own frames (numpy's and SciPy's FFT patched by it): its DFTI call raised; before 1.0.7 its words for DFTI's
    # statuses were "ValueError: Internal error" (IntelPython/mkl_fft#24), and a paste may cut the traceback's last line
    Signature("mkl-fft-frame", "dfti", "mkl_fft", re.compile(r"File \"[^\"]*\bmkl_fft[/\\]_(?:pydfti\.pyx|numpy_fft\.py|scipy_fft)"),
              lambda m, _: MklFftFrame(m.string.strip()[:200])),
    Signature("mkl-fft-internal-error", "dfti", "rror", re.compile(r"^\s*ValueError: Internal error\b"),
              lambda m, before: DftiError("Internal error (mkl_fft's word for a DFTI status, before its 1.0.7)", m.string.strip())
              if any("mkl_fft" in b for b in before) else NOT_MINE),
    Signature("onemkl-dft-set-value", "dfti", "::mkl::",
              re.compile(r"oneapi::mkl::dft::(?P<call>\w+): invalid argument: (?P<msg>.+)$"),
              lambda m, _: DftiError("invalid configuration value (" + m.group("call") + ")", m.string.strip())),
    Signature("onemkl-dft-config-param", "dfti", "::mkl::",
              re.compile(r"^\s*oneapi::mkl::dft::config_param::(?P<param>\w+)\s*$"),
              lambda m, _: DftiParameter(m.group("param"))),
)


@dataclass(frozen=True, slots=True)
class MklFftFrame:
    """A traceback's frame in mkl_fft's DFTI wrapper: the error it leads to is MKL's FFT's."""

    line: str


@dataclass(frozen=True, slots=True)
class DftiParameter:
    """The configuration parameter an error of oneMKL's SYCL DFT names on a line of its own."""

    name: str

_CONFIGURATION = re.compile(r"(?i)configuration")  # "Inconsistent configuration", "Invalid configuration" and the like


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DftiError)
    frames = events.of(MklFftFrame)
    if not said and frames:  # the traceback's own error line cut: none other in the log (an import's failure is another's)
        other = events.of(Unrecognised) + [e for e in events.of(ClaimedError) if not TRACEBACK_HEADER.search(e.line)]
        return [] if other else [_in_mkl_fft(frames[0])]
    if not said:
        return []
    first = said[0]

    configuration = bool(_CONFIGURATION.search(first.message))
    evidence = [first.line[:300]]
    if configuration:
        evidence.append("DFTI refused the descriptor's settings when it was committed: strides, distances, the number of "
                        "transforms, the storage format (DFTI_PACKED_FORMAT) or the lengths do not fit together for this "
                        "release; later releases check more (MKL 2024.2 wants DFTI_INPUT_DISTANCE and DFTI_OUTPUT_DISTANCE "
                        "set, positive, for batched transforms, and no overlapping batches)")
    fix = ["upgrade the package that sets up the FFT (PyTorch, mkl_fft, numpy's or scipy's MKL build): its newer "
           "releases set the descriptor the stricter way and skip inputs with nothing to transform; until then, skip an "
           "empty input (x.numel() == 0) before the call",
           "or pin the MKL release it was built and tested with (conda install mkl=<that release>, pip install "
           "mkl==<that release>) until it does"]
    if configuration and "Internal error occurred: b" in first.line:  # mkl_fft's own words around DFTI's (process_nwb)
        evidence.append("'Internal error occurred: b'...'' is mkl_fft's ValueError (numpy's FFT on MKL in Intel's and conda's "
                        "builds): mkl_fft refused some large shapes this way (IntelPython/mkl_fft#57: an (18134054, 2) "
                        "array transformed along its first axis)")
        fix.insert(1, "where mkl_fft refuses a shape: catch that ValueError and call numpy.fft or scipy.fft for it "
                      "(process_nwb's fallback), or use scipy.fft throughout")
    # the parameter on a line of its own, or on the error's line where a page's fill joined them (reflow)
    params = [p.name for p in events.of(DftiParameter)] or re.findall(r"dft::config_param::(\w+)", " ".join(e.line for e in said))
    if params:
        evidence.append(f"the parameter refused: {params[0]}" + (": a count of 0 (an empty batch) or less is never valid"
                                                                 if params[0] == "NUMBER_OF_TRANSFORMS" else ""))
    # PyTorch's "MKL FFT error": an input with nothing to transform reached MKL (pytorch#117252: no dimensions, fixed by
    # PR #117368; #174984: an empty batch, PR #190483; the same on XPU, torch-xpu-ops PR #5004)
    said_text = " ".join(e.line for e in said)
    if re.search(r"MKL FFT error|torch\.fft|xpu", said_text) or params == ["NUMBER_OF_TRANSFORMS"]:
        evidence.append("PyTorch's FFT refused this way for an input with nothing to transform: an empty batch (a size-0 "
                        "dimension: zero transforms) or an empty list of dimensions, which its releases after the fixes "
                        "(pytorch PR #117368, #190483) return without calling MKL; and, from MKL 2024, for an input whose "
                        "strides are all zero (an expanded or broadcast tensor: pytorch#142484, fixed by PR #143894, which "
                        "copies it first; conda-forge's build pinned mkl<2024 until then)")
    # oneMKL's SYCL DFT API (oneMath's backends throw oneapi::mkl::exception with DFTI's words): the caller's code set it
    own = re.search(r"oneapi::mkl::exception|DftiCommitDescriptor failed|dft/backends/", said_text) is not None
    if own:
        evidence.append("the descriptor was set by code that calls oneMKL's DFT API itself (the oneapi::mkl exception of its "
                        "commit): that code's settings are what this release refuses")
    # a length past 2**24 (pycbc#4395: 19457280): DftiCreateDescriptor's lengths are MKL_LONG, 64 bits on Linux and macOS; a
    # binding that passes a 32-bit int through the variadic call (ctypes' c_int) hands MKL a garbage upper half
    long = [int(n) for n in re.findall(r"\b\d{8,12}\b", said_text) if int(n) > 2 ** 24]
    if configuration and long:
        evidence.append(f"a length of {long[0]}, past 2^24: DftiCreateDescriptor takes a 1-D length as MKL_LONG (64 bits on "
                        "Linux and macOS) through a variadic call, so a binding that passes a 32-bit int (ctypes' c_int, a "
                        "cffi or Fortran INTEGER*4 declaration) leaves its upper half undefined, and large lengths are refused")
        fix.insert(0, "pass the length as MKL_LONG: in ctypes, c_long (or c_int64) for it, or call the typed constructors "
                   "DftiCreateDescriptor_s_1d / DftiCreateDescriptor_d_1d (domain, length) with argtypes [POINTER(c_void_p), "
                   "c_int, c_long] (pycbc#4583)")
    if configuration:
        fix.insert(0 if own else len(fix), "own code: set DFTI_INPUT_DISTANCE and DFTI_OUTPUT_DISTANCE whenever DFTI_NUMBER_OF_TRANSFORMS > 1, "
                   "use no zero stride (copy a broadcast input first), and prefer DFTI_CCE_FORMAT to the packed formats; do not set "
                   "the number of transforms without the distances that go with it")
    if frames or "mkl_fft" in first.message:
        fix = [*_MKL_FFT, *fix]
    return [Finding(
        "mkl-dfti-error", "error", f"MKL's FFT refused the transform: {first.message}", tuple(evidence), tuple(fix),
        "DFTI validates a descriptor at DftiCommitDescriptor; a setting one release let through may be an error in the next.",
        ("MKL_VERBOSE=1 <the program>   # the DFTI descriptor's settings as MKL reads them, and its release",),
    )]


_MKL_FFT = ("update mkl_fft (1.0.7 and newer raise DFTI's own message, which names the setting MKL refused) and read it",
            "compute the transform without MKL meanwhile: scipy.fft (pocketfft), or split it into smaller ones (a long "
            "convolution: scipy.signal.oaconvolve in place of fftconvolve)")


def _in_mkl_fft(frame: MklFftFrame) -> Finding:
    """IntelPython/mkl_fft#24: fftconvolve of ~15-19 million points raised in _pydfti.pyx; MKL's DFTI refused the length."""
    return Finding(
        "mkl-dfti-error", "error", "MKL's FFT (through mkl_fft) raised an error: the traceback's last line, which says which, "
        "is not in the log",
        (frame.line, "the traceback ends in mkl_fft, the package that runs numpy's and SciPy's FFTs on MKL's DFTI in conda's "
                     "and Intel's builds: MKL refused or failed the transform there (mkl_fft#24: MKL's 'Inconsistent "
                     "configuration parameters' for a real transform of ~19 million points, which mkl_fft before 1.0.7 "
                     "said as 'ValueError: Internal error')"),
        ("read the traceback's last line (cut from this log): the error and its message", *_MKL_FFT),
        "mkl_fft hands numpy's and SciPy's transforms to MKL's DFTI; an error DFTI returns is raised from mkl_fft's frames.",
        ("python -c \"import mkl_fft; print(mkl_fft.__version__)\"   # before 1.0.7: DFTI's message hidden",),
    )
