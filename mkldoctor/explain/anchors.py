"""The cheap substrings every error word and every signature's needle contains (:data:`ANCHORS`), and the test of a line
for them (:func:`has_anchor`): a line that holds none is never matched against the catalogue's regular expressions, so
they run on few lines. A test holds every needle and error word to them (test_explain_reports).
"""

from __future__ import annotations

from mkldoctor.explain.translated import CORE_DUMPED
from mkldoctor.knowledge import aptwords

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
