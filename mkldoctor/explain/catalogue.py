"""The catalogue of failure signatures: what a log line looks like, and which event it makes.

Each family module of this package (``linker``, ``hosts``, ``build``, ``runtime``,
``platforms``) declares its signatures as plain :class:`Signature` entries, next to the
diagnosis that turns their events into findings. Adding a failure shape is one entry
there and one log in the corpus of tests.

The parser (:mod:`mkldoctor.explain.logparse`) first runs its own fast readers of the
linker and loader lines; a line they leave is tried against the catalogue only when it
holds one of the cheap anchors (:data:`ANCHORS`, which every needle and error word contains), each signature only
when its needle is in the line. A
line that looks like an error and that no signature claims becomes an
:class:`Unrecognised` event, so that an error in the input never reads as "no problem".

The catalogue is also the one list of diagnoses (:func:`diagnoses`): each takes the parsed events and
a :class:`~mkldoctor.explain.context.Context` and returns findings; :func:`fallbacks` then report
what none of them explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from mkldoctor.explain.translated import CORE_DUMPED
from mkldoctor.knowledge import aptwords

# "cannot" as people and programs spell it (without a case of their own: a pattern gives its own flags); "could not" too.
CAN_NOT = r"(?:can ?not|can(?:'|\u2019)?t)"
CANNOT = rf"(?:{CAN_NOT}|could ?n(?:o|'|\u2019)?t)"

# build tools', runtimes' and shells' own summaries after the failure they ran into: error-looking alone (a post that kept
# only its last line), and in a whole log an echo that joins the failure explained (echoes' signatures read them): make's
# recipe and BSD make's code, ninja's, CMake's generate step, clang's count, Apple's ld after its undefined names, ld's
# final link, go's, Bazel's target, Julia's precompile and test, conda's solve, Intel Fortran's runtime abort, MAGMA's
# return code, a shell's missing command, luajit's module, Python's faulthandler, a person's DLL label (a CI's annotation,
# "##[error]", is taken off with the CI's prefix before any of these is read)
TOOL_SUMMARIES = (
    r"\brecipe for target .{1,300} failed\b", r"\*\*\* Error code \d+", r"\bninja: (?:build stopped|subcommand failed)\b",
    r"\bCMake Generate step failed\b", r"^\s*\d+ errors? generated\.", r"\bsymbol\(s\) not found for architecture\b",
    r"\bfinal link failed\b", r"\[build failed\]", r"^Target \S+ failed to build\b", r"\bFailed to precompile\b",
    r"\bError During Test\b", r"\b(?:Solving environment|Collecting package metadata \([\w.]+\)): failed\b",
    r"\bforrtl: (?:severe|error)\b", r"\breturned error -?\d+:", r"\bcommand not found\b", r"\berror loading module\b",
    r"\bWindows fatal exception: ", r"^\W*[Dd][Ll][Ll]s? not found:?\W*$", r"^\s*\*\*\* error PARDISO\b",
    r"^ninja: job failed: ",  # the command follows it: logparse reads its -L folders too
)

# Lines that look like an error (issue 9's list): a line holding one of these is either
# claimed by a signature or reported as an unrecognised failure.
# R's own report of a signal in compiled code: "*** caught segfault ***", then its address and its traceback; a paste may
# take its stars off at the line's start (microsoft-r-open#30)
R_CAUGHT = re.compile(r"(?:^\s*|\*\*\* )caught (?:segfault|illegal operation|bus error) \*\*\*")
ERROR_WORDS = (
    r"\berror\b\s*:", r"\bERROR\b", r"fatal error", r"FATAL", r"\b[Uu]ndefined reference\b|\bundefined symbol\b", r": undefined\b",
    r"cannot (?:open|find|load|stat|allocate)\b", r"Cannot (?:open|find|load|allocate)\b", r"\bcould not create\b", rf"\b(?i:{CAN_NOT}) (?:open|find|load)\b", r"ImportError", r"OSError", r"FileNotFoundError",
    r"CMake Error", r"Error #\d", r"\bError \d+\b", r"Error in ", r"\bError:",
    r"\bFatal error\b",  # MPICH's and Intel MPI's "Fatal error in internal_Bcast:"
    # a Python exception's last line: ValueError, pkg.module.PyPardisoError, ...; in a commit message's quotes (PyTables 85f155a)
    r"^\s*[\"'“]?(?:[a-z_][\w.]*\.)?[A-Z]\w*Error: ",
    # .NET's exception on its line ("System.NotSupportedException: ...", NUnit's "----> Vendor.Lib.KernelLoadException : ...");
    # a Java exception's is most often the detail of an error said before it (Bazel's IOException under its fetch's)
    r"^\s*(?:---->\s*|Unhandled [Ee]xception[.:] )?(?:System|[A-Z]\w*)\.[\w.]*Exception ?: ",  # .NET 5+'s "exception."
    r"\[[EF]:onnxruntime:",  # ONNX Runtime's logger: the severity (E, F) before the source ("[E:onnxruntime:, session.cc:127")
    r"\bSegmentation fault\b", r"\b[Ss]egfault(?:s|ed)?\b", R_CAUGHT.pattern, r"\bSIGSEGV\b", r"\bIllegal instruction\b", r"\bconfigure failed\b", r"\w-NOTFOUND\b", r"\bProblem encountered: ",  # a crash; CMake's and meson's words
    r"(?i:\bordinal \d+ could not be located|\bmissing ordinal \d+)",  # Windows' loader: an export by number
    r"\berror\[E\d{4}\]:",  # rustc's coded errors: error[E0532]: ...
    r"\berror [A-Z]{1,3}\d{4,5}\b",  # MSVC's and its tools' coded errors in any language: error C2664, error LNK1181
    r"^\s*Error\s+[A-Z]{1,3}\d{4,5}\s",  # the same in Visual Studio's Error List copied as text ("Error<TAB>LNK2001<TAB>...")
    r"^\s*\S{1,20}(?:\t+| {2,})LNK\d{4}(?:\t| {2})",  # and in a localized Visual Studio's ("错误<TAB>LNK1181<TAB>..."; tabs may be spaces)
    r"\bSegmentation [Vv]iolation\b|\bEXCEPTION_ACCESS_VIOLATION\b",  # MATLAB's, Global Arrays' and Windows' crashes
    r"\(NOT FOUND\)",  # a dependency tree's missing DLL or library (Julia's and Windows' dependency walkers)
    r"\b(?:critical|error)\s+libmamba\b", r"\bnothing provides\b",  # a package manager's solver (mamba, libsolv)
    r"\bCheck failed: ",  # glog's and dmlc's CHECK (MXNet, Paddle, Caffe, TensorFlow): the condition that stopped it
    r"\bmultiple definition of\b",  # ld: a name defined twice
    r"\bunresolvable R_\w+ relocation against\b",  # ld: an object that cannot be linked so (svFSI#76: an MPI's common block)
    r"\bAn unexpected error has occurred\b",  # conda's own crash (conda#3762: while it fetched mkl's package)
    r"\*\*\* No rule to make target\b|^\s*g?make(?:\[\d+\])?: \*\*\* (?=.*[^\x00-\x7f])",  # make: no such target; translated
    r"\bstatic TLS\b", r"\bpthread_create failed\b",  # a process out of static TLS space or of threads (resources)
    r"\bnot defined in file \S+ with link time reference\b",  # glibc's loader: a symbol version the file lacks (symver)
    r"\bversion [`'‘][^'’`]+['’] not found\b",
    r"^\s*--with-[\w-]+=.*\bdid not work\b",  # PETSc's configure: a library list it was given
    r"\b\w+: unbound variable\W*$",  # bash under set -u (envscripts), with its script's place or without it
    r"\bOMP:\W?\s*System error #\d+:",  # Intel OpenMP's errno line, which may stand alone where its head was cut (resources)
    r"\bSymbol not found: |\bDllNotFoundException\b",  # dyld's and .NET's words for a name or a DLL not loaded, alone too
    r"\berror #\d{4,5}:|^\s*#\d{4,5}: ",  # Intel's compilers' coded errors (ifort, ifx, icc): "x.f90(3): error #6580: ..."
    # "error" in the languages tools print it in, followed by its colon (a count has none: MSBuild's "0 Fehler")
    r"(?:\bFehler|错误|エラー|\b[Ee]rreur(?: \w+)?|\b[Oo]шибка|\bОшибка|\b[Ee]rrore|\b[Bb]łąd)\s*[:：]",
    r"^(?:Fehler in|Erreur dans|Errore in|Error en) \S",  # R's "Error in f(...) :" in its other languages
    r"^\s*(?:[\d.]+\s+)?E: (?:[A-Z]|[^\x00-\x7f]|[a-z][\w.+-]* \S)",  # apt's errors in any language, after BuildKit's seconds
    r"(?<![\w=])FAILED\b(?!\s*[=:]\s*0\b)",  # a script's, a test runner's: "installation FAILED.", "[  FAILED  ] 2 tests"
    # a program's assert: C's "Assertion `x' failed.", MFEM's "Assertion failed: (x)"
    r"\bAssertion (?:[`'‘(].{0,200}?\s)?failed\b",
    r"curl: \(\d+\) ",  # curl's own failure ("curl: (6) Could not resolve host: ...")
    r"\bBFD \([^)]{0,100}\) \S{1,40} assertion fail\b",  # ld's own check failed ("BFD (GNU Binutils) 2.34 assertion fail elf.c")
    r"^\s*incompatible types in (?:assignment|initialization) of ",  # g++'s message, its place and "error:" cut (headerfail)
    r"\bsorry, unimplemented: ",  # GCC's refusal of what it was not built for ("64-bit mode not compiled in")
    r"\bCan't locate \S+\.pm in @INC",  # Perl without a module a script uses (bazelmkl)
    r"\bThe following REQUIRED packages have not been found:",  # CMake's feature summary (cmakesummary)
    # a program's own words for a file it could not load or find, spelled as people type them ("Cant find native CPU
    # libraries", BIDMach#75; "Couldn't load", "Failed to load libmkl_rt.so", "Unable to find libiomp5.so")
    r"\b(?:[Cc]ant|[Cc]ouldnt) (?:open|find|load)\b",
    # a script's stop, a line of its own: "Darwin is unsupported yet" (TensorFlow 1.3's configure asked for MKL on macOS)
    r"^\s*\S+(?: \S+)? is (?:unsupported|not supported)(?: yet)?\s*[.!]?\s*$",
    r"\b(?:[Cc]ould ?n(?:o|'|’)t|[Ff]ailed to|[Uu]nable to) (?:open|find|load|locate|dlopen)\b[^;]{0,60}?[\w+-]\.(?:so|dylib|dll)\b",
    # a tool's own failure line pasted alone, its details cut (each silent before, as a post's one line): the loader's with
    # its reason on the next line, link.exe's words without its code, torch's DLL, a lowercase CMake error, a stop of
    # PARDISO's own, and the tools' summaries below
    r"\berror while loading\b", r"\bunresolved external symbol\b", r"\bError loading \"", r"\bCMake error at\b",
    r"^\s*\*\*\* error\b", *TOOL_SUMMARIES,
    r"\bsyntax error near unexpected token\b|: Syntax error: ",  # a shell that could not parse a script (shellrun)
    r"^Error\s+:\s",  # R's try() ("Error : .onLoad failed in loadNamespace() for 'rjags', details:")
)
ERRORISH = re.compile("|".join(ERROR_WORDS))
# "ld: warning: cannot find entry symbol _start", "make: [x] Error 1 (ignored)": said, and not a failure
NOT_A_FAILURE = re.compile(r"^(?!.*(?:error|ERROR|Error|FATAL|fatal)).*(?:[Ww]arning|WARNING)\s*:|\bError \d+ \(ignored\)"
                           # a pasted report's label alone on its line: "**Error:**", "### Error", "Errors:"
                           r"|^[\s*_#>]*(?:Error|ERROR|error)s?:?[\s*_]*$"
                           # R's summary of a linear model ("Residual standard error: 1.914 on 9998 degrees of freedom")
                           r"|^\s*Residual standard error: [\d.e+-]+ on \d+ degrees of freedom\s*$"
                           # a program's banner whose version CMake read from git with no tag ("OpenFAST--128-NOTFOUND")
                           r"|^\s*[\w.]+--\d+-NOTFOUND\s*$")
# IPython's traceback lists the source around each frame ("-> 1252   raise ...", "   1253   except ImportError:"): such lines
# are code, not errors, in a log that shows IPython's marks (a log viewer's line numbers look the same and are not code)
SOURCE_LISTING = re.compile(r"^(?:\s+|-+>\s*)\d+ +\S")
# any Python traceback's header: Python's own, IPython's ("ImportError      Traceback (most recent call last)"), rich's box ("╭──── Traceback (most recent call last) ────╮"); the
# error it leads to is its last line, so the header alone is an error said only where a paste cut that line
TRACEBACK_HEADER = re.compile(r"^[\s│╭─┃┏━|+-]*(?:\w+\s{2,})?Traceback \(most recent call last\)")  # a box's edge may join it
LISTING_MARK = re.compile(r"^-+>\s*\d+\s|<ipython-input-|^\w+\s{2,}Traceback \(most recent call last\)|^File [~/]\S*:\d+, in ")

# Cheap substrings: a line that holds none of them can match no error word and no needle (a test
# holds that for every signature), so the regular expressions run on few lines.
ANCHORS = ("rror", "ERROR", "ndefined", "annot ", "FATAL", "oad", "found", "No such", "Reason: ", "ould not", "DSO ", "returned",
           "ailed", "FAILED", "CMake", "invalid value", "options are:", "***", "ninja:", "terminated", "aborting",
           "exit code", "configuration file", "Configuring", "incompatible with", "not installable", "Using cached",
           # the families' own needles (issue 21): Windows' loader status, link.exe, cargo's build scripts, CMake finders
           "skipping incompatible", "dynamic object", "Wrong parameter", "Not enough memory to", ".py", "EXC_BAD_ACCESS",
           "#0 ", "conflicts for:", "Stack Trace (from fault)", "Traceback:", "Invalid character escape", "checksum",
           "failed (error code", "signal (", "requests linking to directory", "unresolvable R_", "Using the Intel MKL",
           "An unexpected error", "to be installed", "64ilp", "nother instance", "=nan", "=NaN", ": nan", ": NaN", "= nan",
           "map segment", "segment writable", "FFTW interface libraries", "must be compiled with",
           "link.exe", "panicked", "glnxa64", "Could NOT", "illegal value",
           "LAPACK:", "BLAS:", "BLAS_LIBS",  # R's own report of the BLAS it runs (rblas)
           "Rout.save",  # R's check comparing a run's output with the saved one (rcheck)
           "Killed", "killed", ") from /",  # a shell's words for SIGKILL (killed); gdb's frame in a library (gdbframes)
           "==== backtrace",  # UCX's (an MPI's) crash handler, its frames after it (crash)
           "thread-local data",  # glibc out of TLS for a library opened late (resources)
           "not been correctly installed",  # a program's own check of its LAPACK's results (wrongvalues)
           "FAKE BLA",  # a stub BLACS's own words at run time (multidef)
           "... no", "... broken",  # a configure script's own check of its linear algebra that said no (blaslist)
           "accepts -g",  # configure's test of the compiler it found, named (intelcmd)
           "-- MKL_",  # MKLConfig.cmake's status of its choices (mklconfigwhy)
           "compiler identification",  # CMake's C++ compiler, which a SYCL build needs to be a SYCL one (mklflags)
           "forrtl: ", "fatal exception",  # Intel Fortran's runtime stop, Python's faulthandler (TOOL_SUMMARIES)
           "_ALLOCATE in ",  # MKL's cluster libraries' failed allocation (resources)
           "MKLROOT=",  # MKLROOT's value as a log shows it set (mklrootpath)
           "ILP64",  # a package's own warning about MKL's 64-bit interface (parameters)
           ":openblas",  # Julia's REPL answer to BLAS.vendor() (juliablas)
           "_path/",  # a macOS run path (@loader_path/...) in otool's listing (installname)
           "RevoUtilsMath", "MKLthreads",  # Microsoft R Open's MKL package asked of an R without it (rblas)
           "acceleration libraries",  # Microsoft R Open started without its MKL package (mathhosts)
           "MKL_VERBOSE ",  # MKL_VERBOSE's call lines, with the integers as MKL read them (mklverbose)
           "Symbol not found",  # macOS's loader (dyldsym)
           "MKL_THREADING_LAYER=GNU",  # a host's own check that wants MKL's GNU layer (Theano's)
           "--mathlib=", "BLA_VENDOR=", "MKL=OFF", "--without-mkl",  # a build asked for another BLAS (finders)
           "ga_orthog",  # Global Arrays' linear algebra stopped (intwidth: NWChem's integer sizes)
           "out MKL", "with MKL", "MKL support",  # PyTorch built without MKL, for an operation only MKL has (torchmkl)
           "Traceback (most",  # Python's traceback header (echoes), an error said where a paste cut the traceback's last line
           "NOT FOUND", "Supported values",
           "missing from your", "Redistributable",  # Windows' own dialog and PyTorch's check of Microsoft's C++ runtime
           ".dll",  # a person's list of DLLs not found, a bullet each (windows)
           "mkl_fft",  # a traceback's frame in mkl_fft's DFTI wrapper (dfti)
           "gomp.so.1 =>", "iomp5.so =>", "only the Intel compilers", "Dump of file", "following dependencies", "DllNotFound", "ga_set_data:wrong dimension", "returned error exit status", "builtins lib not found", "is undefined", "onemkl-sycl-", "dpcpp", "onednn ", "libclang_rt.builtins", "SUBSTITUTE_INSTALL_DIR_HERE",  # ldd's listing of a program with two OpenMP runtimes (lddlist)
           "HTTP 40",  # conda's refusal of a channel its owner withdrew (condachannel)
           "One binary added", "WARNING: ('", "struct.error",  # PyInstaller's DLLs added twice (bundlers)
           "ERROR was detected",  # a program's report of the cluster sparse solver's code (pardiso)
           "for IFUNC symbol",  # glibc's relink of a library that does not name libc (intelrt)
           "undeclared identifier",  # an OpenMP API the omp.h found does not declare (gomp)
           # PyTorch's cpuinfo without /sys, a build without DNNL, a package's DLL not where its targets copy from (onednn)
           "Error in cpuinfo", "not compiled with", "Could not copy the file",
           "curl: (",  # curl's own failure, an error word of its own
           "function-like macro invocation",  # MSVC's C4003 on a project's macro over MKL's names (apichange)
           "must be defined",  # oneDNN's own #error in a stale dnnl_config.h (onednn)
           "No SGEMM backend", "Found MKL library directory",  # CTranslate2 without a GEMM backend (gemmbackend)
           "No kernel named", "syclcompat/", "IntelSYCLConfig",  # oneAPI's SYCL toolchain (syclbuild)
           "-Werror",  # a warning of MKL's own header made an error (headerwarn)
           "pi_win_proxy_loader", "pi_level_zero", "sycl7.dll",  # oneAPI 2024's names (syclbuild)
           "environment initialized",  # setvars.sh's own last line (envscripts)
           "/mkl_",  # a note at a declaration in a header of MKL's own name, in any folder (apichange)
           "input unused", "__INTEL_POST_",  # MKL's link flags given to compiles (unusedlink)
           "NULL pointer argument",  # the SYCL runtime's refusal of a fill at a null pointer (syclbuild)
           "not specified", "not set", "not given", "not defined",  # a project's check for MKL's folder it was not told (finders)
           "following signatures",  # apt's refusal of a repository's key, named by its owner (syspackages)
           "incompatible types",  # g++'s words, where a paste cut the place and "error:" before them (headerfail)
           "have a Release file", "E: Method ",  # apt's refusal of a source without a Release file, its method's end
           "system elapsed",  # R's system.time() header, its seconds on the next line (rblas)
           "_kmp_register_library_startup",  # a crash report's frame of OMP Error #15's check (runtime)
           "checking for gcc... ",  # configure's C compiler, an Intel one where CC names it (intelcmd)
           "fat file",  # dyld's universal file without the process's architecture (binformat)
           "C1083",  # MSVC's header not found, copied from Visual Studio's Error List with no "error" before it (headerwords)
           ":onnxruntime:",  # ONNX Runtime's logger's error record (its error word)
           "GPG keys listed", "NOKEY",  # yum's and rpm's refusal of a package for its key (syspackages)
           "ILLEGALVALUE",  # LAPACK's XERBLA words squashed without spaces (runtime: Global Arrays' GAL_ wrappers)
           "USE_BLAS=", "MKL=ON",  # a configure command that asked for MKL (findblas: a project that then sought another BLAS)
           "Nonexistent include directory", "missing-include-dirs",  # a compiler given an MKL folder that is gone (staledirs)
           "invalid signature",  # codesign's word on a library changed after signing (codesign)
           "Exception: ", "Exception : ", "depends on mkl", "depends on intel-openmp", "requested mkl",  # .NET's, pip's conflict
           "Native Provider",  # Math.NET Numerics' refusal of its MKL provider (mathnet)
           "validateFirstPages", "Code Signature Invalid", "CODESIGNING",  # a macOS crash report's kill for a signature (codesign)
           "already initiali",  # Intel OpenMP's Error #15 with its number lost (runtime)
           "assertion fail", "relocation truncated", "relocation overflows",  # ld stopped by its input's shape (ldinternal)
           "/lib/intel64",  # MKL's folder at the file system's root: a run path built from an empty MKL root (mklrootpath)
           "FAILURES",  # pytest's banner over the failures it reports (echoes)
           "build LAPACK check",  # OpenCV's LAPACK check that did not build (findblas)
           "is not signed",  # apt's refusal of a repository whose signature did not verify (syspackages)
           "is not valid", "already been installed", "no longer supported",  # Intel's standalone installer's refusals
                                                                              # (installers)
           "unknown option",  # Apple's ld given GNU ld's options (platforms)
           "links to target", "non-existent path", "normal symbol",  # CMake's missing imported target (build), its missing folder (importedpath)
           "not defined in",  # pkg-config's undefined .pc variable (meson)
           "sorry, unimplemented", "CGO_",  # GCC built for 32-bit x86 only, asked by cgo for 64-bit code (cc32)
           "Checksum was", "was given, but not found", "missing input file", "no such package '@",  # Bazel's MKL repositories (bazelmkl)
           "does not support this API",  # dpct's helper on a oneMKL Interfaces target (onemath)
           "not a valid setting",  # Ipopt's refusal of an option's value: pardisomkl, MKL's PARDISO (configopts)
           "with any of the following",  # CMake's config-mode search, a long package name on a line of its own (build)
           "only supported on Apple",  # rustc given Apple's framework (Accelerate) for another target (appleframework)
           "openblas",  # conda's or mamba's plan taking the OpenBLAS build of the BLAS metapackage (condaplan)
           "pypardiso", "sparse_dot_mkl",  # a traceback's import of a package that opens mkl_rt by name (rtnames)
           "nested routine deprecated",  # the OpenMP runtime's notice, whatever its number (runtime)
           "compiled using NumPy", "but this version of numpy is",  # a module of another NumPy (numpyabi)
           "corrupted",  # a reporter's prose about values (wrongvalues)
           "CHOLMOD",  # SuiteSparse's factorization refusing a matrix (cholmod)
           "conda ",  # a conda command the log shows run (pkgstate)
           "intel-oneapi-",  # apt's list of oneAPI's packages, each year's apart (oneapiyear)
           "does not contain a definition",  # C#'s compiler: an ML.NET component of the MKL package (mlnet)
           "Manually-specified variables",  # CMake's warning of -D variables nothing read (cmakesummary)
           "_LIBRARIES=",  # a cmake command whose list of libraries was split into words (cmakesplit)
           # package managers that cannot provide a package (pkgmanagers), a library of another format (binformat), a build
           # or workflow tool's "command exited with code N" (echoes)
           "libmamba", "No package ", "NUMPY_MKL", ".jl:", "double complex BLAS", "enable-BLAS-shlib", "oneMKL library in compilation", "does not exist (perhaps", "nothing provides", "none of the providers", "conflicts with a previous package", '"prefix": "', "prefix: ", "LP64] lib", "Failed to get OCI artifact", "set MKL_FOUND to FALSE", "missing in current", "ResolvePackageNotFound",
           "ELF ", "mach-o", "file type", "Win32", "wrong format", "not recognized", "incompatible target", "not an object",
           "too short", "ignoring file", "machine type", "0xc000007b", "0xC000007B", "image found",
           "exit status", "exited with", "exit value", "latform: ",
           "an not ", "an't ", "an\u2019t ", "-as-needed", "ant find", "ant load", "ant open", "ouldnt ", "ouldn't ", "ouldn’t ", "ailed to ", "nable to ", "not installed", "is unsupported",
           "egmentation", "egfault", "SIGSEGV", "ip = ", "[.] ", "ACCESS_VIOLATION", "access violation", "Segmentation violation", "C2664", "invalid conversion", "command line ", "annot stat", "annot find path", "libs:", "_LIBRARIES", "Found BLAS", "Found LAPACK", "Found CBLAS", "Found MKL", "-- Found ", "OpenMP (", "mutated ENV", "double free", "free(): invalid", "C-API based implementation", "Invalid read", "Invalid write", "Invalid free", "Mismatched free", "Conditional jump", "uninitialised value", "Syscall param", "munmap_chunk", "corrupted size", "malloc(): ", "ardiso", "NOTFOUND", "Problem encountered", "ordinal", "Illegal instruction", "SIGILL",
           "Library Validation", "UNABLE to CONFIGURE", "NOT_FOUND", "Permission denied", "SEGFAULT", "SegFault", "But not both", "--with-blas8", "-i8 ", "default-integer-8", "-DMKL_ILP64", "Unable to automatically", "Unable to recursively locate", "__ test", "__ Test", "ntdll!Ldrp", "MklImports", "mkl_core!", "_COMPILER:", "input line is too long", "OMP: Warning #", "No module named", "MKL WARNING",
           "nrecognized", "nknown argument", "126", "static TLS", "pthread_create", "RLIMIT_NPROC", "::mkl::", "/mkl/", "using ", "referenced by DSO", "to be installed", "not defined in file", "sub-command", "Unknown arguments", "did not work", "does not work", "does not have real file", "static version of it", "pyimport(", "not found (required by", ", version ", "without", "MKL not", "MKL support", "MKL is not", "was not defined", "in conflict with", "may conflict", "06D007", "06d007", "MKL_Complex", "environment variable MKLROOT", "ncompatible", "to locate package", "installation candidate", "kann nicht gefunden werden", "No match for argument", "nable to find a match", "o such file or directory: ", "-10665982", "322836902", "-1073741515", "3221225781", "0000135", "LNK11", "defined here", "PreconditionNotMet", "OMP: Info #27", "OMP: Info #269", "shared path",
           "unbound variable", "missing dependency", "only-list", "found in module", "is not supported", "memory leak",
           " in ?? (", "multiple definition", "_opt_info:", "egfault", "LIBRARY_PATH=", "Evaluated: ",
           "recompile with -fPIC", "ad value", "product is already installed",
           "UndefVarError", "annot locate ScaLapack", "not compiled with MKL", "docker run", "ccess is denied", "_openmp_mutex", "-openmp ", "\tLNK", "Aborted (core", "Fehler", "错误", "エラー", "rreur", "шибка", "rrore", "łąd", "429496729", "858993459", "initscripts", "pyimod0", ".a  ", ".so", "ibrary r", "FFTW3 is not", "is found but", "MKL version", "intel_extension_for_pytorch",  # a program's own words for a DLL it did not find: "Can not find the mkl_sequential.dll"
           # a comparison that failed, and a reporter's comment on a value (wrongvalues)
           "Not equal to tolerance", "Arrays are not", "Expected equality", "which exceeds", "Failure (", "should ", "xpected", "wrong", "ncorrect", " bug", "problem", "issue",
           "Product build", "compatibility version", "nresolved", "file operand", "MKL-DSS-", "not implemented", "after throwing", "illegal hardware", "nable to find", "MKL FFT doesn", "LAPACKException(", " in -lmkl", "available on this platform", "Access violation", "0xC0000005", "The package for ", " requires ", "Successfully installed", "mkl==", "mkl  ",  # MKL_VERBOSE's banner, otool -L's listing, a reporter's list
           # bash's "(core dumped)" in every language (crash): the ASCII ones by their shortest telling part
           "core d", "core' generado", "core-tiedosto", "Speicherabzug", "geheugendump", "izpis jedra", "kjerne lagret",
           "minnesutskrift", "smed kerne", *(c for c in CORE_DUMPED if not c.isascii()),
           "exists in filesystem", "文件系统中存在", "linux/arm64", *aptwords.NEEDLES)  # pacman's conflict (fileclash), arm64, apt's words

# ``"rror" in line or "ERROR" in line or ...`` spelled out: twice as fast as any() over the tuple, and
# this runs on nearly every line of a log (the source is built from the constant above, nothing else)
# (an ASCII line, most of a log, skips the anchors of other scripts after one test)
has_anchor = eval("lambda line: " + " or ".join(f"{a!r} in line" for a in ANCHORS if a.isascii())  # noqa: S307
                  + " or (not line.isascii() and (" + " or ".join(f"{a!r} in line" for a in ANCHORS if not a.isascii()) + "))")

MAX_UNRECOGNISED = 20  # distinct unrecognised error lines kept; more are counted


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """An error-looking line that no signature claims, with the lines around it."""

    line: str
    context: tuple[str, ...] = ()
    at: int = field(default=0, compare=False)  # the log line it is on (it is yielded after the lines that follow it)


CLAIMS_CHECKED = 256  # the claimed lines of a log checked for an error word (ClaimedError): a long log's first suffice


@dataclass(frozen=True, slots=True)
class ClaimedError:
    """An error-looking line a signature claimed with an event of its own: where no finding says anything of the log, the
    line is reported as unrecognised (never silent, whatever a family leaves unsaid)."""

    line: str


@dataclass(frozen=True, slots=True)
class FollowOn:
    """A line that only repeats that something failed before it (``collect2: error: ld returned 1``)."""

    line: str


@dataclass(frozen=True)
class Signature:
    """One failure shape: a needle every matching line holds, the pattern, and the event it makes.

    ``event`` gets the match and the lines just before it (for messages a host prints on two
    lines); it returns the event, or None to claim the line without one (a context line).
    """

    name: str
    family: str
    needle: str
    pattern: re.Pattern[str]
    event: Callable[[re.Match[str], Sequence[str]], object | None]


def _families():
    from mkldoctor.explain import (archskip, binformat, build, cargo, cargolinks, downloads, spacepath, joinedflags, programloader, configure, cpu, crash, dfti, dlsym, echoes, pardiso, pymkl, finders, hosts, jvm, linker, mathhosts,
                                   meson, msvc, pkgmanagers, platforms, resources, runpaths, runtime, symver, toolcrash, windows, winaccess,
                                   windllinit, staticlink, xerbla, easybuild, pipreplace, vslstatus, gdbframes, mambaspec)
    from mkldoctor.explain import (apichange, blacswrap, blaslist, blasnames, blasmix, bundlers, configversion, envscripts, findblas, juliablas, ldpath, protoclash, fftwheaders, fftwplans, fileclash, findlib,
                                   fortranmods, gomp, gpuloader, headerwords, intwidth, libtool, mklfiles, mklflags, multidef, numpyimport, onemath, otherdeps,
                                   installers, installname, complextypes, mklconfigwhy, mklverbose, namelists, pic, preload, rtnames, syspackages, theano, torchmkl, valgrind, vmlwarn, wrongvalues, dss, lapackinfo, wheelrepair, pkgstate, rblas, codesign, headerwarn, syclbuild, gemmbackend, killed, blacsload, dyldsym, soconflict, delayload, onednn, msvcdup, intelrt, importedpath, bindings, shellsplit, cmakesplit, configopts, nixbuild, parameters, cmakenotfound, juliapkg, winhang, intelcmd, kmpenv, mklrootpath, codepath, headerfail, condachannel, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, bazelmkl, cholmod, numpyabi, rcheck, staledirs, unusedlink, envmodules, mathnet, dalload, ldinternal, nanshown, winsdk, appleframework, condaplan, pkgcode, debconfmkl, aptfetch, intelkeys, shellrun, sitecfg)  # before finders': "mkl_rt not found" is a program's own search by name

    # order matters where two signatures could read one line: the more specific first (finders' is the most general;
    # Windows' "Unable to load DLL" before the platforms' "The specified module"; a wrong-format library's "DLL load failed:
    # %1 is not a valid Win32 application" and dyld's "Reason: tried: '...' (mach-o file, but is an incompatible
    # architecture" before both); the loader's lines, the commonest in a long log, early; the generic echoes of
    # build and workflow tools last
    return (syclbuild, shellsplit, cmakesplit, spacepath, joinedflags, binformat, runtime, windllinit, staticlink, xerbla, easybuild, windows, winaccess, symver, mklflags, mklfiles, blacswrap, platforms, dlsym, hosts, programloader, preload, runpaths, blasnames, cpu, intelrt, winsdk, appleframework, msvc, msvcdup, archskip, linker, cargo, cargolinks, configure, configopts, nixbuild, parameters, cmakenotfound, juliapkg, winhang, intelcmd, downloads, mklconfigwhy, build, headerwords, complextypes, intwidth, protoclash, headerfail, jvm, mathhosts, meson,
            importedpath, pkgmanagers, pipreplace, vslstatus, mambaspec, condachannel, intelkeys, syspackages, aptfetch, shellrun, sitecfg, fileclash, rtnames, theano, blaslist, envscripts, fftwheaders, fftwplans, findlib, fortranmods, gomp, gpuloader,
            onemath, vmlwarn, multidef, pic, installers, torchmkl, configversion, findblas, bundlers, blasmix, ldpath, juliablas, bazelmkl, mathnet, finders, otherdeps, pkgcode, toolcrash, crash, gdbframes, pardiso, dfti, pymkl, numpyimport, libtool, resources, kmpenv, mklrootpath, apichange,
            bindings, valgrind, installname, mklverbose, codepath, namelists, dss, lapackinfo, wheelrepair, pkgstate, rblas, codesign, headerwarn, gemmbackend, killed, blacsload, dyldsym, soconflict, delayload, onednn, wrongvalues, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, cholmod, numpyabi, rcheck, staledirs, unusedlink, envmodules, dalload, ldinternal, nanshown, condaplan, debconfmkl, echoes)


@lru_cache(maxsize=1)
def signatures() -> tuple[Signature, ...]:
    out: list[Signature] = []
    for family in _families():
        out.extend(family.SIGNATURES)
    return tuple(out)


# what a signature's event returns for a line it matched but does not read (a line that needs the lines before it to
# be one of its own): the next signatures are tried, and a line none claims stays an error of its own (unrecognised)
NOT_MINE = object()


def preceded(words: str, event: Callable[[re.Match[str], Sequence[str]], object | None]):
    """A signature's event for a line where ``words`` (a pattern) come before the match: a signature finds its message's
    later part and looks the earlier one up in what precedes it, in linear time, where one pattern ``A.*B`` is tried
    from every A (quadratic in A's mentions on a long line)."""
    earlier = re.compile(words)

    def read(m: re.Match[str], before: Sequence[str]) -> object | None:
        return event(m, before) if earlier.search(m.string, 0, m.start()) else NOT_MINE
    return read


def last_match(pattern: str | re.Pattern[str], before: Sequence[str], within: int | None = None) -> re.Match[str] | None:
    """The match of ``pattern`` in the nearest line of ``before`` (a signature's lines before its own) that holds one,
    looking back ``within`` lines (all when None); the match's ``string`` is that line."""
    lines = list(before)
    for line in reversed(lines[-within:] if within else lines):
        if found := re.search(pattern, line):
            return found
    return None


@lru_cache(maxsize=1)
def _by_pair() -> dict[str, tuple[int, ...]]:
    """The signatures' places in :func:`signatures`, by their needle's first two characters (every needle has two)."""
    pairs: dict[str, list[int]] = {}
    for i, signature in enumerate(signatures()):
        pairs.setdefault(signature.needle[:2], []).append(i)
    return {pair: tuple(at) for pair, at in pairs.items()}


def _holding(line: str) -> list[Signature]:
    """The signatures whose needle is in the line, in their order: those whose needle starts with a pair of characters the
    line has (a set of the line's pairs, one pass), where asking every needle of the catalogue costs a scan of the line
    each (a 12 MB log of 200,000 ldd lines: 30 s, 19 s so; the same findings on every log of the corpus)."""
    pairs = _by_pair()
    every = signatures()
    at = sorted(i for pair in {line[i:i + 2] for i in range(len(line) - 1)} & pairs.keys() for i in pairs[pair])
    return [every[i] for i in at if every[i].needle in line]


def claim(line: str, before: Sequence[str]) -> tuple[bool, object | None]:
    """(claimed, event) for a line that holds an anchor (one regular expression per signature whose needle is in it:
    cheaper than one pattern of every needle and error word, which a line with an anchor and no needle paid for)."""
    for signature in _holding(line):
        match = signature.pattern.search(line)
        if match:
            event = signature.event(match, before)
            if event is not NOT_MINE:
                return True, event
    if line[:1] in " \t":  # a paste's or a wrapper's indent (Markdown's four spaces, pip's six): the line as its tool said it
        return claim(line.lstrip(), before)
    return False, None


def diagnoses() -> tuple[Callable, ...]:
    """Every diagnosis, ``(events, context) -> list[Finding]``, in the order a report lists their findings:
    the core readers' events first, in the order a build meets them (undefined symbols, libraries not
    found, the loader at run time, MKL at run time), then each family's own."""
    from mkldoctor.explain import (archskip, binformat, build, cargo, cargolinks, downloads, spacepath, joinedflags, configure, cpu, dlsym, finders, hosts, jvm, kernelrelease, kernels, libraries, linker, loaderfind, lookups,
                                   mathhosts, meson, msvc, parameters, pkgmanagers, pipreplace, platforms, runtime, scope, undefined, windows)
    from mkldoctor.explain import (apichange, blacswrap, blaslist, blasmix, bundlers, configversion, crash, dfti, findblas, juliablas, ldpath, protoclash, envscripts, fftwheaders, fftwplans, fileclash, findlib,
                                   fortranmods, gomp, gpuloader, intwidth, libtool, linkkind, mklfiles, mklflags, multidef, numpyimport, onemath,
                                   installers, installname, mklverbose, namelists, otherdeps, pardiso, pic, pymkl, torchmkl, resources, rtnames, staticgroup, syspackages, preload, mklconfigwhy, complextypes, symver, dss, lapackinfo, wheelrepair, pkgstate, mixedlink, rblas, blacsload, dyldsym, soconflict, delayload, onednn, msvcdup, intelrt, importedpath, bindings, shellsplit, cmakesplit, configopts, nixbuild, cmakenotfound, juliapkg, winhang, intelcmd, kmpenv, mklrootpath, codepath, headerfail, condachannel, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, bazelmkl, cholmod, numpyabi, syclheaders, rcheck, codesign, headerwarn, syclbuild, gemmbackend, staledirs, unusedlink,
                                   envmodules, mathnet, dalload, ldinternal, otherheaders, windllinit, staticlink, xerbla, easybuild, winsdk, appleframework, condaplan, pkgcode, debconfmkl, aptfetch, intelkeys, shellrun, sitecfg,
                                   theano, toolcrash, valgrind, vmlwarn, vslstatus, mambaspec, juliasession)

    return (undefined.undefined, libraries.missing_libraries, archskip.diagnose, envscripts.diagnose, preload.diagnose, ldpath.diagnose, hosts.needed, loaderfind.loader, lookups.lookup_errors,
            juliasession.julia_python_mkl, kernels.mkl_cannot_load, scope.diagnose, cpu.diagnose, runtime.runtime_misc, parameters.diagnose, kernelrelease.other_release,
            binformat.diagnose, windows.diagnose, platforms.diagnose, winsdk.diagnose, appleframework.diagnose, msvc.diagnose, msvcdup.diagnose, intelrt.diagnose, linkkind.diagnose, linker.diagnose,
            cargo.diagnose, cargolinks.diagnose, configure.diagnose, downloads.diagnose, spacepath.diagnose, joinedflags.diagnose, mklconfigwhy.diagnose, build.diagnose, complextypes.diagnose, intwidth.diagnose, meson.diagnose, importedpath.diagnose, mklrootpath.diagnose, finders.diagnose, hosts.diagnose, jvm.diagnose,
            dlsym.diagnose, mathhosts.diagnose, rtnames.diagnose, pkgmanagers.diagnose, pipreplace.diagnose, vslstatus.diagnose, mambaspec.diagnose, intelkeys.diagnose, syspackages.diagnose, toolcrash.diagnose, crash.diagnose, pardiso.diagnose, pkgcode.diagnose, dfti.diagnose,
            pymkl.diagnose, resources.diagnose, symver.diagnose, apichange.diagnose, fileclash.diagnose, otherdeps.diagnose,
            valgrind.diagnose, theano.diagnose, numpyimport.diagnose, libtool.diagnose, mklflags.diagnose, mklfiles.diagnose,
            blacswrap.diagnose, blaslist.diagnose, fftwheaders.diagnose, findlib.diagnose,
            fortranmods.diagnose, gpuloader.diagnose, onemath.diagnose, vmlwarn.diagnose, fftwplans.diagnose,
            multidef.diagnose, staticgroup.diagnose, configversion.diagnose, findblas.diagnose, protoclash.diagnose,
            bundlers.diagnose, blasmix.diagnose, fftwplans.interposed, juliablas.diagnose, juliablas.provider_locked, pic.diagnose,
            installers.diagnose, onemath.device_error, onemath.not_implemented, onemath.allocation, onemath.cuda_backend, onemath.dpct_unsupported, onemath.lapack_computation, juliablas.jll_too_old,
            blacswrap.spack_cluster, juliablas.product_unsatisfied,
            torchmkl.diagnose, numpyimport.numpy_mkl_expected, installname.diagnose, mklverbose.diagnose, codepath.diagnose, namelists.diagnose, dss.diagnose, lapackinfo.diagnose, wheelrepair.diagnose, pkgstate.diagnose,
            mixedlink.diagnose, bindings.diagnose, rblas.diagnose, blacsload.diagnose, dyldsym.diagnose, soconflict.diagnose, delayload.diagnose, onednn.diagnose, shellsplit.diagnose, cmakesplit.diagnose, configopts.diagnose, nixbuild.diagnose, cmakenotfound.diagnose, juliapkg.diagnose, winhang.diagnose, intelcmd.diagnose, kmpenv.diagnose, headerfail.diagnose, condachannel.diagnose, lddlist.diagnose, dumpbin.diagnose, cc32.diagnose, cmakesummary.diagnose, mlnet.diagnose, oneapiyear.diagnose, bazelmkl.diagnose, cholmod.diagnose, numpyabi.diagnose, syclheaders.diagnose, rcheck.diagnose, codesign.diagnose, headerwarn.diagnose, syclbuild.diagnose, gemmbackend.diagnose, staledirs.diagnose, unusedlink.diagnose,
            envmodules.diagnose, mathnet.diagnose, dalload.diagnose, ldinternal.diagnose, otherheaders.diagnose, windllinit.diagnose,
            staticlink.diagnose, xerbla.diagnose, easybuild.diagnose,
            gomp.omp_undeclared, gomp.apple_clang, condaplan.diagnose, debconfmkl.diagnose, aptfetch.diagnose, shellrun.diagnose, sitecfg.diagnose)


def replacements() -> tuple[Callable, ...]:
    """What runs on the findings of every diagnosis, ``(findings, events) -> list[Finding]``: a family whose finding explains
    a failure another family's finding reads as a generic one takes its place (one finding per failure)."""
    from mkldoctor.explain import (dumpbin, envmodules, freebsd, intwidth, linkkind, mklflags, nanshown, numpyimport, oneapiyear,
                                   rblas, tbbabi)

    return (tbbabi.with_tbb_findings, linkkind.with_kinds_mixed, rblas.with_blas_shlib, dumpbin.with_dependency_findings,
            oneapiyear.with_year_finding, freebsd.with_freebsd_remedies, mklflags.with_option_dropped,
            numpyimport.with_extension_failed, intwidth.with_ilp64_build, mklflags.with_static_option, nanshown.with_nan_shown,
            envmodules.with_spack_load)


def fallbacks() -> tuple[Callable, ...]:
    """What runs after every diagnosis, ``(events, context, findings so far) -> list[Finding]``: nothing is left unsaid."""
    from mkldoctor.explain import (cargo, cpu, crash, jvm, killed, mklconfigwhy, mklverbose, numpyimport, rtnames, unrecognised,
                                   wrongvalues)

    return (unrecognised.rust_link_failed, crash.aborted, cargo.panicked, wrongvalues.diagnose, killed.killed, jvm.mkl_class_failed,
            mklconfigwhy.found_false,
            cpu.precompile_failed, numpyimport.cut_in_core, rtnames.cut_in_package,
            unrecognised.unrecognised_lines, mklverbose.report)  # MKL's own report last: only where nothing else was found
