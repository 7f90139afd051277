"""Loader failures of a log from another machine, explained from the log and knowledge alone (``-l`` failures:
:mod:`elsewherelink`).

On this machine mkldoctor replays the loader's and the linker's searches (:mod:`linksearch`); for a log
from elsewhere that replay would describe the wrong machine. What remains is what the log shows (the
folders on its link line, the copies a ``locate`` or a traceback names, the Python environment the
program runs in), what mkldoctor knows (which releases carry a soname, where each layout keeps its
libraries), and, for what only that machine can tell, the one command to run there.
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain import hosts
from mkldoctor.explain.context import Context
from mkldoctor.explain.juliapkg import julia_in_r
from mkldoctor.explain.loaderfind import BY_NAME, by_name
from mkldoctor.explain.origin import there
from mkldoctor.explain.wording import q
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts, folders, intel_runtime, places, platforms, recipes
from mkldoctor.knowledge.history import version_key

LD_PATH = "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
MKL_JLL_JULIA = "1.3"  # the first Julia with artifacts, which MKL_jll is: an older one opens a system MKL
# MKL_jll builds whose libraries had no soname (Yggdrasil 43bc26c, #922, turned BinaryBuilder's autofix off; c4d48a4, #946,
# turned it on again), so a package's ccall of "libmkl_rt" did not meet the copy MKL_jll had opened (Pardiso.jl#69)
MKL_JLL_NO_SONAME = {"2020.0.166+1": "2020.0.166+2"}


# -- the loader: a program that needs a library its machine did not find -------------------------------

def loader(ctx: Context, soname: str, binaries: list[str], confirm: str, jvm: bool | list[str] = False,
           linked: list[str] | None = None, also: list[str] | None = None) -> Finding:
    """``jvm``: the message came through a JVM (true, or the native libraries the log shows it extracted and loaded);
    ``linked``: the libraries of the build that ld already said need it and could not find it (no run path to it)."""
    stem = soname.split(".so", 1)[0]
    host = _host_lines(ctx, soname, binaries, jvm)
    if host is not None:
        return host
    evidence = [f"{', '.join(binaries)} needs {soname}; the loader of the log's machine found it in none of the folders it "
                "searched (the run path, LD_LIBRARY_PATH, its ld.so cache, the default folders)"]
    every = ctx.shown(stem + ".so")
    shown = [p for p in every if os.path.basename(p) == soname]  # the loader takes a file of exactly that name
    # only another release's soname shown (.so.3 for .so.2): no answer to it
    others = sorted({os.path.basename(p) for p in every if p not in shown}) if not shown else []
    envs = ctx.environments()
    evidence += [f"the log shows {os.path.basename(p)} at {os.path.dirname(p)}"
                 + (" (a conda package cache: no loader searches it)" if places.is_package_cache(p) else "") for p in shown[:4]]
    if others:
        evidence.append(f"the log shows {', '.join(others)} (at {os.path.dirname(every[0])}), not {soname}: another soname, "
                        f"which the loader never takes for {soname}; the program was built against another release than "
                        "the one installed")
    evidence += [f"the program runs in the Python environment {env}" for env in envs[:2]]
    stale = stale_interpreter(ctx)
    evidence += stale
    usable = [p for p in shown if not places.is_package_cache(p)]
    outside = [p for p in usable if envs and not any(p.startswith(env + "/") for env in envs)]
    if outside:
        evidence.append(f"{os.path.dirname(outside[0])} is outside that environment: nothing puts it on the loader's path "
                        f"of a program run from {envs[0]}")
    evidence += _release_lines(soname)
    fix: list[str] = _installed_other(ctx, soname)
    for user in (linked or [])[:1]:  # a library of the build that carries no run path to MKL
        evidence.append(f"at link time ld already warned: {', '.join([soname, *(also or [])][:4])}, needed by {user}, not "
                        f"found: {os.path.basename(user)} records no run path to the folder that holds them")
        fix.append(f"give {os.path.basename(user)} a run path to MKL's lib folder: relink it with -Wl,-rpath,<that folder> "
                   "(a build or install step that clears run paths, patchelf --remove-rpath or chrpath -d, takes it away; "
                   f"patchelf --set-rpath <that folder> {q(user)} sets one afterwards)")
    # a process the shell did not start: a profiler (oneMath#221), a database server (SaltyPatron/Laplace's extension)
    # or one ldd's shell found it for (likwid#17: a setuid starter, whose loader ignores LD_LIBRARY_PATH)
    starter = ("the program ran under NVIDIA Nsight Compute (its ==ERROR== lines), which starts it itself"
               if "Nsight Compute" in ctx.sessions else "the PostgreSQL server loaded it, a service with its own environment"
               if any(b.startswith("PostgreSQL") for b in binaries) else
               ldd_found(soname) if soname in ctx.resolved else "")
    if starter:
        evidence.append(f"{starter}: a library the shell found through LD_LIBRARY_PATH may not be found there")
        fix.append(environment_free(soname))
    # an IPython session is a possibility the log cannot confirm: said after what a versioned soname (the release the
    # program was built against) or a library that is not MKL's (a project's bundle) tells
    ipython = bool(stale) and stale[0].startswith("the import ran in an IPython") and (
        re.search(r"\.so\.\d", soname) is not None or not stem.startswith("libmkl_"))
    fix += [] if ipython else stale_fix(stale)
    if others:
        fix.append(f"install the release the program was built against (the one whose library is {soname}) beside the installed "
                   f"one, and put its folder on the loader's path; or install a build of the program made for the installed "
                   f"release ({', '.join(others[:2])}): a link or copy renamed to "
                   f"{soname} is not that release")
    if usable and soname not in ctx.resolved:  # (ldd found it: the shell's LD_LIBRARY_PATH had it; the run path above)
        folder = os.path.dirname((outside or usable)[0])
        fix.append(f"export LD_LIBRARY_PATH={q(folder)}{LD_PATH}   # the folder the log shows it in, on the log's machine")
        if not outside:  # in the folder the program's environment searches, and still "No such file"
            fix.append(f"if that folder is already on the program's path, the file is there but cannot be opened by the user who "
                       f"runs it: ls -lL {q(usable[0])} (a file only root can read, left by an install run as root "
                       "or a package built so, is skipped as if absent: chmod a+rx it, or update the package that installed "
                       "it; a link to a file that is gone)")
    elif not usable:
        venv = next((env for env in envs if not places.is_conda(env) and env not in ("/usr", "/usr/local")), None)  # <env>/lib
        fix.append(there(f"ldconfig -p | grep {q(stem)}; ls {q(venv) if venv else '${CONDA_PREFIX:-/nonexistent}'}/lib/{stem}.so*",
                         f"where {soname} is, if anywhere: the loader's cache, the {'Python' if venv else 'active conda'} environment"))
        fix += [places.venv_lib_fix(venv)] if venv and places.from_intel_wheels(stem) else []
        fix.append(f"if it is there, put its folder on the loader's path: export LD_LIBRARY_PATH=<that folder>{LD_PATH} "
                   "(or link with -Wl,-rpath,<that folder>" + ("; a crate's build script: println!(\"cargo:rustc-link-arg=-Wl,"
                   "-rpath,<that folder>\")" if _rust_built(binaries) else "")
                   + "); a library copied into /usr/local/lib or another ld.so.conf folder is found only after sudo ldconfig")
        if any(b.startswith("python") for b in binaries) and stem.startswith(("libmkl_", "libiomp5")) and not envs:
            fix.append("a Python package on MKL from a conda or pip environment: run it with that environment active "
                       "(conda activate <env> in the shell, the job script or the IDE that starts it; R's reticulate: "
                       "use_condaenv('<env>', required = TRUE) before importing): a job or a subprocess starts without it")
        if any(exports.release(r) is not None and exports.release(r).source.startswith("PyPI") and r >= "2021"
               for r in exports.releases_providing(soname)):  # a oneAPI release's soname (.so.1, .so.2)
            fix.append("a oneAPI install (/opt/intel/oneapi, or ~/intel/oneapi for one user): source <that folder>/setvars.sh "
                       "in the shell that runs the program; it puts MKL's and the compiler's lib folders (libiomp5) on "
                       "LD_LIBRARY_PATH" + ("; a notebook's '!source setvars.sh' runs in a subshell that ends with the cell, "
                       "and the kernel keeps its own environment: source it in the shell that starts Jupyter, or give the "
                       "kernel LD_LIBRARY_PATH in its kernel.json's env (votca d202cbf)" if "subshell setvars" in ctx.sessions
                       else ""))
        elif stem.startswith("libmkl_") and re.fullmatch(r"lib\w+\.so", soname):  # MKL 2020 and older's names
            fix.append("a Parallel Studio or Composer XE install (/opt/intel, MKL 2020 and older): source /opt/intel/"
                       "compilers_and_libraries_<ver>/linux/bin/compilervars.sh intel64 (or mkl/bin/mklvars.sh intel64) in "
                       "the shell that runs the program, and in ~/.bashrc or the job script for later shells")
        elif (stem.startswith("libiomp5") or intel_runtime.family(stem)) and not envs and not any(  # the compiler's runtime
                b.startswith(("python", "R (")) for b in binaries) and not any(_PACKAGED.search(p) for p in ctx.places):
            fix.append(f"{soname} is Intel's compiler runtime: a program built with Intel's compilers finds it once the "
                       "compiler's environment is set in the shell or job script that runs it: source <oneAPI>/setvars.sh "
                       "(or <oneAPI>/compiler/latest/env/vars.sh); Parallel Studio and older: source /opt/intel/bin/"
                       "compilervars.sh intel64")
        intel = stem.startswith(("libmkl_", "libiomp5")) or intel_runtime.package_of(stem)
        fix += [folders.MODULE_LOAD] if intel and not envs else []  # a cluster's module, where no Python environment shows
    fix[:0] = program_fix(binaries, stem)
    if hosts.INTEL_COMPILER in binaries:  # the compiler's own runtime, where the compiler runs (spack-stack#1362)
        fix.insert(0, f"the compiler itself needs {soname}, from its own lib folder (<oneAPI>/compiler/<ver>/linux/compiler/lib/"
                      "intel64_lin, or compiler/<ver>/lib): on LD_LIBRARY_PATH where the compiler runs; Spack runs compilers "
                      "in a cleaned environment: the compiler's entry in compilers.yaml needs environment: prepend_path: "
                      "LD_LIBRARY_PATH: <that folder> (and extra_rpaths: [<that folder>])")
    if any(b.startswith("R (") for b in binaries) and stem.startswith("libmkl_") and any("/00LOCK-" in p for p in ctx.places):
        fix.insert(0, f"the R package was built from source just now (R CMD INSTALL's 00LOCK folder) and linked {soname}, which "
                      "R's own loader does not find: its build took an MKL from the build's paths, most often a conda "
                      "environment's (igraph#477): install it again from a shell without conda (conda deactivate; no conda "
                      "folder on PATH, LIBRARY_PATH or PKG_CONFIG_PATH), or export LD_LIBRARY_PATH=<that MKL's lib> before R starts")
    # any host that opens names itself: without ctypes' frame the name may be the program's own (ipyrad's CDLL('libmkl_rt.so'))
    # or a dependency's; a release with the development links answers both, where by_name's advice needs the program's open
    installs = [] if soname in ctx.resolved else install_lines(  # ldd found it: it is installed
        ctx, soname, envs, by_name=any(b in BY_NAME for b in binaries), program=not any(b.startswith("python") for b in binaries))
    # the year's oneMKL is the whole answer, and MKL-ML missing from a package Python imports: it comes first
    if platforms.sycl_release(soname) or (facts.is_mklml(stem) and any(b.startswith("python") for b in binaries)) \
            or re.match(r"libR(?:blas|lapack)\b", soname):  # R's own: what it is comes before where to look
        fix[:0], installs = installs, []
    if not stem.startswith(("libmkl_", "libiomp5")) and binaries and all(_SYSTEM_PROGRAM.match(b) for b in binaries):
        installs = [f"{binaries[0]} is a program of the distribution itself (kaldi#3350: apt's https method): the package that "
                    f"has {soname} is missing or broken there; reinstall it (Debian and Ubuntu: apt-file search {soname}, or "
                    f"dpkg -S {soname} on a machine of the same release, then apt-get install --reinstall <that package>; "
                    f"Fedora: dnf provides '*/{soname}'), and take off LD_LIBRARY_PATH any folder of another copy"]
    fix += installs + (stale_fix(stale) if ipython else [])
    fix[:0] = by_name(ctx, soname, set(binaries))  # a host's own open of the bare name: the versioned file first
    return Finding(
        "loader-cannot-find", "error", f"the loader cannot find {soname}", tuple(evidence), tuple(fix),
        "The program was linked against this library; at run time the loader looks only in the binary's run path, "
        "LD_LIBRARY_PATH, its ld.so cache and the default folders. The log is not known to be this machine's, and its folders "
        "mkldoctor cannot see: the fix is to put the folder that holds the library on that path, or to install it there.",
        (f"{confirm}   # run it where the program runs",),
    )


def ldd_found(soname: str) -> str:
    """The log's ldd found what the failing run's loader did not: the run had another environment."""
    return (f"the log's ldd finds {soname}, so the shell that ran ldd has its folder on the loader's path and the failing "
            "run did not: a setuid or setgid program (or a tool that is, likwid-perfctr, which starts it) makes the loader "
            "ignore LD_LIBRARY_PATH, sudo clears it, a job script or service starts with its own environment")


def environment_free(soname: str) -> str:
    return (f"give the program a way to {soname} that does not depend on the shell's environment: a run path "
            "(-Wl,-rpath,<its folder>; CMake: CMAKE_INSTALL_RPATH, as cmake --install drops the build tree's run "
            "path), the folder in /etc/ld.so.conf.d with sudo ldconfig, or a link to it beside the program; then run again")


def _host_lines(ctx: Context, soname: str, binaries: list[str], jvm: bool | list[str]) -> Finding | None:
    """A host that gets MKL its own way, not from the system's folders: Julia (MKL_jll's artifact; inside R, R's own
    library path), a JVM binding (a native library extracted from a jar, and JavaCPP's MKL redist artifact beside it)."""
    if not soname.startswith("libmkl_"):
        return None
    if "julia (dlopen)" in binaries and "R (JuliaCall)" in ctx.sessions:
        return julia_in_r(soname)
    if "julia (dlopen)" in binaries and not any(s.startswith("Julia ") and version_key(s[6:]) < version_key(MKL_JLL_JULIA)
                                                for s in ctx.sessions):
        broken = [s[8:] for s in ctx.sessions if s.startswith("MKL_jll ") and s[8:] in MKL_JLL_NO_SONAME][:1]
        return Finding(
            "loader-cannot-find", "error", f"Julia could not open {soname}: "
            + (f"MKL_jll v{broken[0]} was built without sonames" if broken else
               "the package opened MKL by its bare name, not through MKL_jll's artifact"),
            (f"Julia's dlopen was given the bare name {soname.split('.so')[0]}: no folder of the system's loader holds it, and "
             "Julia's own MKL is MKL_jll's artifact (under ~/.julia/artifacts), which only its full path "
             "(MKL_jll.libmkl_rt_path) reaches",
             *(f"the environment's MKL_jll is v{b}, a build whose libraries have no soname (Yggdrasil #922): a package's "
               "ccall of the bare name meets the copy MKL_jll opened only through that soname, so it fell through to the "
               f"system's loader; v{MKL_JLL_NO_SONAME[b]} (Yggdrasil #946) has them again" for b in broken)),
            (*(f"julia -e 'using Pkg; Pkg.update(\"MKL_jll\")'   # to v{MKL_JLL_NO_SONAME[b]} or newer; a manifest or [compat] "
               f"that pins v{b} holds it back" for b in broken),
             "julia -e 'using MKL_jll; @show MKL_jll.is_available() MKL_jll.libmkl_rt_path'   # false or an error: the "
             "artifact is missing for this platform or was never downloaded",
             "julia -e 'using Pkg; Pkg.instantiate(); Pkg.update()'   # downloads the artifact; a package that opened the bare "
             "name has later releases that call MKL_jll.libmkl_rt (update it, and check its [compat] on MKL_jll)",
             "a broken download: julia -e 'using Pkg; Pkg.gc()', remove the MKL_jll folder under ~/.julia/artifacts, and "
             "instantiate again",
             "do not install a system MKL to get past it: Julia's packages are meant to load MKL_jll's copy"),
            "Julia packages get MKL from the MKL_jll package, whose library is an artifact downloaded into the depot "
            "(lazily, on first use, for some releases); code that opens \"libmkl_rt\" by name asks the system's loader "
            "instead, which has no such library unless one was installed system-wide.",
            ("julia -e 'using Pkg; Pkg.status(\"MKL_jll\"; mode=PKGMODE_MANIFEST)'",),
        )
    if jvm:
        extracted = jvm if isinstance(jvm, list) else []
        return Finding(
            "loader-cannot-find", "error", f"a JVM's native library needs {soname}, which no folder of the loader holds",
            tuple([f"{b} needs {soname}: a native library a Java binding extracted from its jar and loaded" for b in extracted[:2]]
                  or [f"the native library the JVM loaded (a Java binding's, extracted from its jar) needs {soname}"])
            + ("the binding links MKL's shared libraries but does not carry them: they come from a separate artifact "
               "(JavaCPP's MKL redist, org.bytedeco mkl-platform-redist) or from an installed MKL on the loader's path",),
            ("add the MKL redist artifact of the version the binding was built against (the binding's release notes or its "
             "hello-world project name it: a redist of another MKL release does not match), e.g. org.bytedeco/mkl-platform-redist "
             "with the JavaCPP version of the binding",
             "or an installed MKL of that release on the loader's path before the JVM starts: export LD_LIBRARY_PATH=<its lib "
             "folder> (Windows: PATH; macOS: DYLD_LIBRARY_PATH)",
             "the JVM's own setting does not help here: java.library.path finds the binding's library, and the system's "
             "loader then looks for what that library needs"),
            "The JVM loaded the binding's native library with System.load; the loader then resolves that library's own "
            "dependencies (libmkl_rt) on the system's path only.",
            ("ldd <the extracted library> | grep mkl   # run where the JVM runs, while the file exists",))
    return None


def stale_interpreter(ctx: Context) -> list[str]:
    """The shell prompt shows an activated environment, and the traceback's Python runs from another one."""
    active = [name for name in ctx.active if name != "base"]
    envs = ctx.environments()
    if "IPython" in ctx.sessions and not active:
        return ["the import ran in an IPython or Jupyter session, whose interpreter is the ipython script's or the kernel's "
                "(an IPython installed outside the environment, a kernel registered from another one), not necessarily the "
                "shell's python"]
    if not active or not envs or any(os.path.basename(env) in active for env in envs):
        return []
    return [f"the shell had the environment ({active[0]}) activated, but the Python that ran is {envs[0]}'s: an interpreter "
            "outside the activated environment (a python found earlier on PATH, an alias, a stale script's #! line)"]


def stale_fix(stale: list[str]) -> list[str]:
    if not stale:
        return []
    if stale[0].startswith("the import ran in an IPython"):
        return ["start IPython with the environment's own interpreter: python -m IPython (install ipython into that "
                "environment; for Jupyter, register its kernel: python -m ipykernel install --user --name <env>)",
                there("python -c 'import sys; print(sys.executable)' and, in the session, import sys; sys.executable",
                      "the two interpreters, which must be one")]
    return ["run the activated environment's own interpreter (python -m ..., or its bin/python by path): the one that ran "
            "is another environment's, without that environment's libraries",
            there("python -c 'import sys; print(sys.executable)'; which -a python python3", "which interpreter runs")]


def _installed_other(ctx: Context, soname: str) -> list[str]:
    """The mkl the log installed names this library otherwise (mkl 2026's libmkl_rt.so.3 for a program built on .so.2)."""
    lib = soname.split(".so", 1)[0]
    other = [(v, have) for v in ctx.installed for have in [exports.soname_in(lib, v)] if have and have != soname][:1]
    built = exports.releases_providing(soname)
    if not other or not built or not re.search(r"\.so\.\d", soname):
        return []
    version, have = other[0]
    return [f"the log installs mkl {version}, whose {lib} is {have}, not {soname}: install the release the program was built "
            f"against instead, {recipes.pip_install(q(f'mkl=={built[-1]}'))} (MKL {built[0]} to {built[-1]} provide "
            f"{soname}; conda: mkl={built[-1][:4]}), or rebuild the program against mkl {version}"]


def _release_lines(soname: str) -> list[str]:
    """What the export table says of the releases that provide ``soname``."""
    if not soname.startswith("libmkl_"):
        return []
    releases = exports.releases_providing(soname)
    first, last = exports.releases()[0].name, exports.releases()[-1].name
    if soname.startswith("libmkl_sycl") and (not releases or releases[-1] != last):
        year = platforms.sycl_release(soname)
        built = [f"{soname} is what MKL {releases[0][:4]} provides: the program was built against that release"] if releases else (
            [f"the .{soname.rsplit('.', 1)[-1]} of {soname} is oneMKL {year}'s (its SYCL libraries take a number a year: .3 "
             f"in 2023, .4 in 2024): the program was built against oneMKL {year}, and the MKL it finds is another year's "
             f"or none"] if year else [])
        return built + [f"{soname.split('.so')[0]} is oneMKL's SYCL (DPC++) interface, shipped apart from MKL's other "
                        "libraries: with oneAPI's oneMKL (its setvars.sh puts it on the loader's path) and in the mkl-dpcpp "
                        f"packages (pip, conda); the mkl wheels mkldoctor's table reads ({first} to {last}) carried it in "
                        "2021.1 only"]
    if not releases:
        return [f"no MKL release from {first} to {last} has a library the loader takes for {soname} "
                "(mkldoctor's table of every release's libraries)"]
    span = releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"
    said = f"{soname} is what MKL {span} provides (mkldoctor's table of every release's libraries, {first} to {last})"
    if soname.endswith(".so"):  # no version: MKL 2020 and older, and the development link of newer releases
        return [f"{soname} has no version number: the soname of MKL 2020 and older (Parallel Studio, conda's and pip's mkl "
                f"up to 2020; of mkldoctor's table, {first} to {last}, MKL {span} {'ships' if len(releases) == 1 else 'ship'} it); newer releases have it only as a "
                "development link (conda's mkl-devel, oneAPI, Debian's libmkl-dev), which a program that opens it by name "
                "(ctypes, dlopen) also finds"]
    return [said + ": the program was built against that release"]


def install_lines(ctx: Context, soname: str, envs: list[str], by_name: bool = False, program: bool = True) -> list[str]:
    """How to install a release that provides ``soname`` there: the newest such release of each channel (``by_name``:
    the host opened an unversioned name itself, which any release's development link answers)."""
    base = soname.split(".so", 1)[0]
    prefix = f" -p {q(envs[0])}" if envs and places.is_conda(envs[0]) else ""
    if by_name and soname.endswith(".so") and base.startswith("libmkl_"):
        return [f"if it is not installed: {recipes.conda_install('mkl')}{prefix}, or any MKL with its development links "
                f"({ctx.recipe_ref('shared')}): {soname} is what the program opens by name"]
    if base.startswith("libiomp5"):
        return [f"if it is not installed: install Intel's OpenMP runtime, {ctx.recipe_ref('openmp')}; then put its folder on "
                "LD_LIBRARY_PATH"]
    if facts.is_mklml(base):  # pytorch/pytorch#18836: a wheel built from source without MKL-DNN's MKL-ML
        return [f"{soname} is {facts.MKLML}: a package built from source carries it only if its install step "
                "copied it beside its own libraries (torch/lib, paddle's libs); copy it and libiomp5.so from the build tree's "
                "mklml_lnx_*/lib there, or put that folder on LD_LIBRARY_PATH; a library beside them finds them only "
                "through a run path to its own folder: patchelf --set-rpath '$ORIGIN' <the library that needs them, such "
                "as libmkldnn.so.0>, or -Wl,-rpath,'$ORIGIN' where it is linked; Paddle's wheels carry it in "
                "site-packages/paddle/libs and open it by name through their own loader: export LD_LIBRARY_PATH=<that "
                "folder> before Python starts, or FLAGS_mklml_dir=<that folder> (a PyInstaller app: set it in a runtime "
                "hook, before paddle is imported, to the bundle's paddle/libs)"]
    if re.match(r"lib(?:gomp|omp)\b", base):  # another OpenMP runtime: the compiler's, a system package
        gnu = "gomp" in base
        conda = [f"the program runs in a conda environment: conda install -c conda-forge {'libgomp' if gnu else 'llvm-openmp'}"
                 f"{prefix} (conda-forge's packages take the OpenMP runtime from it; a conda-forge package installed into "
                 "an environment of Anaconda's defaults channel may come without it: move the environment to one channel, "
                 "pangeo-pyinterp#4)"] if prefix else []
        return conda + [f"{soname} is {'GCC' if gnu else 'LLVM'}'s OpenMP runtime, a system package, not MKL's: install it where "
                f"the program runs (Debian and Ubuntu: {recipes.apt_install('libgomp1' if gnu else 'libomp5')}; "
                f"Fedora: {recipes.dnf_install('libgomp' if gnu else 'libomp')}; a container image: in the stage "
                "that runs the program, not only the build stage)"
                + (f"; {soname} without a version is GCC's development link, which the loader does not find even where GCC "
                   "is installed (it is in GCC's own folder, /usr/lib/gcc/<triplet>/<version>/): a program that opens it by "
                   f"that name (Pardiso.jl with MKLROOT set, Pardiso.jl#83) needs a link {soname} -> {soname}.1 in a folder "
                   "on LD_LIBRARY_PATH, or to open the versioned name" if soname.endswith(".so") and gnu else "")]
    if runtime := intel_runtime.package_of(base):  # Intel's compiler runtime, oneTBB
        return [f"{soname} is {runtime[1]}, not MKL's: {recipes.pip_install(runtime[0])} or {recipes.conda_install(runtime[0])} "
                "into the environment, or source oneAPI's setvars.sh (its compiler/<ver>/lib, tbb/<ver>/lib)"]
    if re.match(r"libR(?:blas|lapack)\b", base):  # R's own shared BLAS and LAPACK (r-devel 2015-09)
        return [f"{soname} is R's own library (R_HOME/lib), which R's start script (R, Rscript) puts on the loader's path: a "
                "binary run by itself (bin/exec/R, ldd of it) does not find it, and needs no fix; an R on MKL links MKL "
                "into libRblas.so (ldd <R_HOME>/lib/libRblas.so lists it), not into R's binary"]
    if said := platforms.sycl_runtime_said(soname, lambda year: recipes.pip_install(q(platforms.sycl_runtime_wheel(year)))):
        return [said]  # the DPC++ compiler's SYCL runtime, of one oneAPI year
    if base == "libopenblas64_":  # Arpack.jl#5: a package's binary built for the official Julia, on Julia built with MKL
        return [f"{soname} is OpenBLAS built with 64-bit integers and _64-suffixed names, as the official Julia binaries "
                "ship it (OpenBLAS_jll): a package's prebuilt library made for those Julias needs it, and a Julia built from "
                "source with MKL has none (Arpack.jl#5): use the official Julia binaries, with MKL through MKL.jl (Julia 1.7 "
                "and newer, which switches the BLAS at run time), or build that package's library against the MKL you run"]
    if not base.startswith("libmkl_"):
        return [f"{soname} is not one of MKL's own libraries: it comes with the project or package that bundles it "
                "(install or copy it with that project's libraries)"]
    if base.startswith("libmkl_sycl"):  # oneMKL's SYCL interface: oneAPI's oneMKL or the mkl-dpcpp packages
        providing = exports.releases_providing(soname)
        year = platforms.sycl_release(soname)
        spec = f"mkl-dpcpp={providing[0][:4]}" if providing else f"mkl-dpcpp={year}" if year else "mkl-dpcpp"
        if year:
            return [f"the oneMKL the program was built with, {year}: source the setvars.sh of a oneAPI {year} install in the "
                    f"shell that runs it (a newer oneAPI alone does not have {soname}; its runtime packages of {year}, "
                    f"intel-oneapi-runtime-mkl {year}.*, can be installed beside it), or install "
                    f"{recipes.conda_install(q(spec))}{prefix} ({recipes.pip_install(q(spec.replace('=', '==') + '.*'))}); "
                    f"or a build of the program made for the oneMKL that is installed"] + [
                    f"a program's release package (a zip of a SYCL build) must carry oneMKL's libraries beside its binary, "
                    f"{soname} with libmkl_core and the interface and threading layers it names (its packaging step copies "
                    "them from oneAPI's mkl/<ver>/lib, as whisper.cpp's SYCL release came to)"] * program
        return [f"oneAPI: {folders.SOURCE_SETVARS} in the shell that runs the program (oneMKL installed from the "
                f"Base Toolkit); or install the SYCL interface: {recipes.conda_install(q(spec))}{prefix} "
                f"({recipes.pip_install(q(spec.replace('=', '==') + '.*' if providing else spec))}), of the release the "
                "program was built with"]
    releases = exports.releases_providing(soname)
    pip = [r for r in releases if (found := exports.release(r)) is not None and found.source.startswith("PyPI")]
    debian = [r for r in releases if (found := exports.release(r)) is not None and found.source.startswith("Debian")]
    lines = []
    if pip:
        newest = exports.release(pip[-1])
        first, last = int(releases[0][:4]), int(releases[-1][:4])
        spec = "mkl" if newest is exports.releases()[-1] else f"mkl={first}" if first == last else f"mkl>={first},<{last + 1}"
        lead = ("if it is not installed, or the environment's mkl is a release without it (conda list mkl: the program was "
                "built against another, pytorch#4025)" if prefix else "if it is not installed")
        lines.append(f"{lead}: {recipes.conda_install(q(spec))}{prefix} "
                     f"or {recipes.pip_install(q(f'mkl=={newest.name}'))}   # the newest release that provides {soname}")
    if debian:
        lines.append(f"{'or ' if lines else 'if it is not installed: '}{recipes.apt_install(recipes.debian_package(base))}"
                     "   # Debian/Ubuntu non-free, MKL 2020.4: the runtime package of that library")
    if not lines:
        lines.append(f"if it is not installed: install MKL's shared libraries: {ctx.recipe_ref('shared')}")
    return lines


# a package's own copy of Intel's runtimes (a wheel's, MKL-ML's in an inference library), not a compiler's (NOAA's WAFS notes)
_PACKAGED = re.compile(r"site-packages|third_party|mklml|paddle|/torch/|onnxruntime|/dist/|\.app/")


_SYSTEM_PROGRAM = re.compile(r"/(?:usr/)?(?:s?bin|lib(?:exec|64)?)/(?!.*(?:site-packages|python\d|/R/|julia))")


def program_fix(binaries, stem: str) -> list[str]:
    """The fix, first, for MKL's library missing at the start of a program cargo or rustdoc built, or of configure's test."""
    if not stem.startswith(("libmkl_", "libiomp5")):
        return []
    if any(os.path.basename(b) == "conftest" for b in binaries):  # autoconf's test program (the forum of abinit, t=1560)
        return ["./conftest is configure's test program, linked with the MKL flags it was given and run at once ('cannot run "
                "C compiled programs'): MKL's lib folder must be on LD_LIBRARY_PATH in the shell that runs ./configure (source "
                "the compiler's or MKL's environment script first: setvars.sh, or compilervars.sh intel64 before oneAPI), or "
                "in LDFLAGS as a run path: -Wl,-rpath,<MKL's lib folder>"]
    if not _rust_built(binaries):
        return []
    return ["a Rust program linked against MKL's shared libraries (intel-mkl-src's mkl-dynamic-* features, or 0.5 to 0.7's "
            "download into cargo's build folder, target/<profile>/build/intel-mkl-src-*/out): the programs cargo and rustdoc "
            "build have no run path to MKL's folder, cargo run and cargo test put only folders inside target/ on the "
            "loader's path, and rustdoc's doctests went without them from Rust 1.45 (ndarray-linalg#229): link MKL "
            "statically (intel-mkl-src's mkl-static-lp64-seq or -iomp features; ndarray-linalg's intel-mkl-static), or put "
            "MKL's lib folder on LD_LIBRARY_PATH for the run"]


def _rust_built(binaries) -> bool:
    """A program cargo built (target/debug/, target/release/, their deps/ test programs) or rustdoc's doctest."""
    return any(re.search(r"(?:^|/)target/(?:[\w.-]+/)?(?:debug|release)/|/rustdoctest\w*/rust_out$", b) for b in binaries)
