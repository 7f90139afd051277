"""A process out of a resource when it loads or first calls a BLAS or OpenMP runtime.

glibc's ``libgomp.so.1: cannot allocate memory in static TLS block`` and ``dlopen: cannot load any more object with
static TLS``: a library built with initial-exec thread-local storage (GNU's OpenMP runtime, libgomp, is the usual one)
was opened with dlopen after the process had used up the small static TLS surplus that glibc reserves at start-up
(lightgbm-org/LightGBM#6509: pyarrow imported before scikit-learn on the manylinux2014 aarch64 image;
MolecularAI/aizynthfinder#30: tensorflow before scikit-learn). Loading it earlier, or preloading it, fixes it.

OpenBLAS's ``blas_thread_init: pthread_create failed for thread 8 of 48: Resource temporarily unavailable`` (with
``RLIMIT_NPROC 1024 current``), libgomp's ``Thread creation failed`` and Intel OpenMP's ``OMP: Error #34: System unable
to allocate necessary resources for OMP thread``: the thread pool, one thread per core by default, does not fit under
the user's process limit (bcgsc/mavis#185: 48 cores, 1024 processes; fixed by setting the thread count before numpy).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class StaticTlsFull:
    library: str  # "" when the message does not name it (glibc's "cannot load any more object")
    line: str
    path: str = ""  # the library's path as the message gives it, normalised


@dataclass(frozen=True, slots=True)
class ThreadsRefused:
    runtime: str  # "OpenBLAS", "GNU OpenMP (libgomp)", "Intel OpenMP (libiomp5)"
    line: str
    wanted: str = ""  # "48": the pool's size, where the runtime says it
    limit: str = ""  # "1024": RLIMIT_NPROC, where the runtime says it


@dataclass(frozen=True, slots=True)
class TeamSmaller:
    """``OMP: Warning #96: Cannot form a team with 48 threads, using 2 instead.``: the runtime made a smaller team than
    asked (the process's CPUs, its thread limits), and MKL runs on it."""

    wanted: str
    got: str
    line: str


@dataclass(frozen=True, slots=True)
class ShmRefused:
    """``OMP: Error #179: Function Can't open SHM2 failed:`` then ``OMP: System error #38: Function not implemented``."""

    line: str


@dataclass(frozen=True, slots=True)
class SystemErrorInRuntime:
    """``OMP: Error #100: Fatal system error detected.``: a system call of Intel's OpenMP runtime failed as it started."""

    line: str


@dataclass(frozen=True, slots=True)
class RuntimeSystemError:
    """``OMP: System error #22: Invalid argument``: the errno that the runtime's previous error line came with."""

    number: str
    what: str


@dataclass(frozen=True, slots=True)
class MklAllocateFailed:
    """MKL's cluster libraries' words for a failed allocation: ``MKL_SCALAPACK_ALLOCATE in mr2d_malloc.c is unsucceseful,
    size = 18446744061294680096`` (dftbplus#534: a ~30,000-atom run, p?gemr2d's redistribution; a size past 2**63 is a
    negative one read unsigned)."""

    part: str  # "SCALAPACK", "BLACS"
    where: str
    size: int
    line: str


def _tls(m: re.Match, _) -> StaticTlsFull:
    path = m.group("lib") or ""
    return StaticTlsFull(path.rsplit("/", 1)[-1], m.string.strip()[:300], posixpath.normpath(path) if path.startswith("/") else "")


@dataclass(frozen=True, slots=True)
class MapFailed:
    """The loader found a library and could not map it: ``failed to map segment from shared object`` (glibc's; MKL's own
    line quotes it: qsiprep#478), ``cannot make segment writable for relocation: Cannot allocate memory``."""

    path: str
    line: str


SIGNATURES = (
    *(Signature(f"loader-map-failed-{i}", "resources", needle,
                re.compile(r"(?P<path>[^\s:'\"]+\.(?:so|dylib)[\w.]*): (?:failed to map segment from shared object"
                           r"|cannot make segment writable for relocation: Cannot allocate memory)"),
                lambda m, _: MapFailed(m["path"], m.string.strip()[:300]))
      for i, needle in enumerate(("map segment", "segment writable"))),
    Signature("static-tls-block", "resources", "static TLS",
              re.compile(r"(?:(?<![^\s:'\"])(?P<lib>[^\s:'\"]+\.so[\w.]*): )?cannot allocate memory in static TLS block|"
                         r"cannot load any more object with static TLS"), _tls),
    # glibc's words when a thread's TLS for a library opened later cannot be set up (GPAW's notes on HPC2N's Akka: MKL 10's
    # shared libraries in Python; linking MKL statically fixed it)
    Signature("thread-local-data", "resources", "thread-local data",
              re.compile(r"(?P<lib>)cannot allocate memory for thread-local data"), _tls),
    Signature("openblas-pthread-create", "resources", "pthread_create",
              re.compile(r"blas_thread_init: pthread_create failed for thread \d+ of (?P<n>\d+)"),
              lambda m, _: ThreadsRefused("OpenBLAS", m.string.strip()[:300], wanted=m.group("n"))),
    Signature("openblas-rlimit", "resources", "RLIMIT_NPROC",
              re.compile(r"blas_thread_init: RLIMIT_NPROC (?P<limit>\d+) current"),
              lambda m, _: ThreadsRefused("OpenBLAS", m.string.strip()[:300], limit=m.group("limit"))),
    Signature("libgomp-thread-creation", "resources", "ailed",
              re.compile(r"libgomp: Thread creation failed"), lambda m, _: ThreadsRefused("GNU OpenMP (libgomp)", m.string.strip()[:300])),
    Signature("iomp-thread-resources", "resources", "rror",
              re.compile(r"OMP: Error #34: System unable to allocate necessary resources for OMP thread"),
              lambda m, _: ThreadsRefused("Intel OpenMP (libiomp5)", m.string.strip()[:300])),
    # its Windows words (fds#1003: a 32-bit build, "OMP: System error #8: Not enough storage is available" under it)
    Signature("iomp-cannot-create-thread", "resources", "rror",
              re.compile(r"OMP: Error #136: Cannot create thread"),
              lambda m, _: ThreadsRefused("Intel OpenMP (libiomp5)", m.string.strip()[:300])),
    # R's parallel package refused a fork by the same limit (ArchR#418: after Intel OpenMP's Error #34)
    Signature("r-mcfork-refused", "resources", "rror",
              re.compile(r"rror in mcfork\(.*?\): unable to fork, possible reason: Resource temporarily unavailable"),
              lambda m, _: ThreadsRefused("R's parallel package (mcfork)", m.string.strip(" <>")[:300])),
    Signature("iomp-fatal-system-error", "resources", "rror",
              re.compile(r"OMP: Error #(?:100: Fatal system error detected|13[45]: Cannot set thread affinity mask)"),
              lambda m, _: SystemErrorInRuntime(m.string.strip()[:300])),  # #135: Wine on Android (winlator#11);
    # #134, its older number for the same words: pandas#6720
    # the errno line (a post's stray mark after the runtime's name: "OMP:` System error #22: Invalid argument")
    Signature("iomp-system-error-detail", "resources", "rror",
              re.compile(r"^\s*OMP:\W?\s*System error #(?P<n>\d+): (?P<what>.+)"),
              lambda m, _: RuntimeSystemError(m.group("n"), m.group("what").strip()[:120])),
    Signature("mkl-cluster-allocate", "resources", "_ALLOCATE in ",
              re.compile(r"MKL_(?P<part>SCALAPACK|BLACS)_ALLOCATE in (?P<where>\S+) is unsucc\w*, size = (?P<size>\d{1,20})"),
              lambda m, _: MklAllocateFailed(m["part"], m["where"], int(m["size"]), m.string.strip()[:300])),
    Signature("iomp-team-smaller", "resources", "OMP: Warning #",
              re.compile(r"OMP: Warning #96: Cannot form a team with (?P<w>\d+) threads, using (?P<g>\d+) instead"),
              lambda m, _: TeamSmaller(m["w"], m["g"], m.string.strip()[:200])),
    Signature("iomp-shm-refused", "resources", "rror",
              re.compile(r"OMP: Error #179: Function Can't open SHM\d? failed"), lambda m, _: ShmRefused(m.string.strip()[:300])),
    # another function of the system the runtime called and that failed (TouchDesigner-Linux's notes: Wine's
    # GetNumaNodeProcessorMaskEx, "System error #120: Call not implemented")
    Signature("iomp-function-failed", "resources", "rror",
              re.compile(r"OMP: Error #179: Function (?!Can't open SHM)\S.{0,120}? failed"), lambda m, _: SystemErrorInRuntime(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = [_map_failed(events.of(MapFailed))] if events.of(MapFailed) else []
    tls = events.of(StaticTlsFull)
    if tls:
        out.append(_static_tls(tls))
    refused = events.of(ThreadsRefused)
    if refused:
        out.append(_threads(refused, events.of(RuntimeSystemError)))
    for event in events.of(TeamSmaller)[:1]:
        out.append(Finding(
            "openmp-team-smaller", "warning",
            f"Intel's OpenMP runtime ran {event.got} threads where {event.wanted} were asked: MKL's calls get the smaller team",
            (event.line, f"{event.wanted} threads were asked (OMP_NUM_THREADS, MKL_NUM_THREADS or the machine's core count) "
                         f"and the runtime could start {event.got}: the process's thread limits (OMP_THREAD_LIMIT, "
                         "KMP_DEVICE_THREAD_LIMIT, KMP_TEAMS_THREAD_LIMIT), or a container or job that gives it fewer CPUs "
                         "than the machine has"),
            (f"ask for what the process has: OMP_NUM_THREADS={event.got} (or MKL_NUM_THREADS; nproc in the environment that "
             "runs it says how many CPUs it may use), which also silences the warning",
             "or lift the limit that cut the team (unset OMP_THREAD_LIMIT and KMP_*_THREAD_LIMIT, or give the container or "
             "job more CPUs)"),
            "Intel's OpenMP runtime sizes a team from the thread count asked and caps it at the limits it is given; MKL "
            "parallelises over the team it gets, so a capped team runs slower than the count asked suggests.",
            ("nproc; env | grep -E 'OMP_|KMP_|MKL_NUM'   # the CPUs the process may use, and the counts and limits it is given",),
        ))
    details = events.of(RuntimeSystemError)
    heads = events.of(SystemErrorInRuntime) or [  # the errno's line alone, its head cut (UCL's ANSYS notes)
        SystemErrorInRuntime(f"OMP: System error #{d.number}: {d.what}") for d in details[:1]
        if not (refused or events.of(ShmRefused) or events.of(MklAllocateFailed))]
    for event in heads[:1]:
        out.append(_system_error(event, details))
    for event in events.of(ShmRefused)[:1]:
        absent = next((e for e in details if e.number == "2"), None)  # ENOENT: no shm folder at all
        out.append(Finding(
            "openmp-shm-refused", "error",
            "Intel's OpenMP runtime could not open its shared-memory registration: the process has no usable /dev/shm",
            (event.line, "Intel's OpenMP runtime (libiomp5, under MKL's intel_thread layer) registers each process in "
                         "shared memory (/dev/shm) when it starts; a sandbox or container without a writable /dev/shm "
                         "(AWS Lambda, some CI runners, a read-only or tiny shm mount) refuses it, and the runtime stops",
             *((f"OMP: System error #2: {absent.what}: the shared-memory folder does not exist where the process runs: a "
                "sandbox without /dev/shm (AWS Lambda), or a container that does not mount one (a Singularity or Apptainer "
                "image run on a cluster without the host's /run/shm or /dev/shm bound in)",) if absent else ())),
            ("give the process a writable /dev/shm (docker run --shm-size=256m, or --ipc=host; a Kubernetes emptyDir with "
             "medium: Memory on /dev/shm)",
             *(("Singularity or Apptainer: bind the host's folder in, singularity run --bind /run/shm:/run/shm <image> ... "
                "(or --bind /dev/shm:/dev/shm, whichever the host has)",) if absent else ()),
             "or keep Intel's OpenMP out of the process there: MKL_THREADING_LAYER=SEQUENTIAL (libmkl_rt then loads no "
             "OpenMP runtime), or a build of the package on OpenBLAS"),
            "The runtime keeps one registration per process so that a second copy of it can be detected; where shared "
            "memory cannot be opened, it cannot start.",
            ("ls -ld /dev/shm; df -h /dev/shm   # in the environment where the program runs",),
        ))
    out += [_cluster_allocate(e) for e in events.of(MklAllocateFailed)[:1]]
    return out


def _cluster_allocate(event: MklAllocateFailed) -> Finding:
    wrapped = event.size >= 2**63  # a negative size, read as an unsigned one
    part = "ScaLAPACK" if event.part == "SCALAPACK" else "BLACS"
    return Finding(
        "mkl-cluster-allocate-failed", "error",
        f"MKL's {part} could not allocate {'a size that wrapped around: a negative size read as unsigned' if wrapped else f'{event.size:,} bytes'}"
        + (", an integer overflow in the size it computed, not a lack of memory" if wrapped else ": that process ran out of memory"),
        (event.line, f"{event.where} is MKL's {part} code ({'p?gemr2d, the redistribution of a distributed matrix' if 'mr2d' in event.where else 'its work buffer'})"
         + (f"; {event.size} is 2**64 - {2**64 - event.size:,}: the size was computed negative, most likely a count "
            "past 2**31 in 32-bit integers (dftbplus#534: a 30,000-atom run failed so, smaller ones ran)" if wrapped else "")),
        (("keep each redistribution smaller: more MPI processes or smaller blocks, or a solver path that does not "
          "redistribute the whole matrix (DFTB+: the ELSI solvers)",
          "or 64-bit sizes: MKL's ILP64 ScaLAPACK and BLACS (mkl_scalapack_ilp64, mkl_blacs_<mpi>_ilp64, with the program "
          "built for 64-bit integers: -DMKL_ILP64, -i8), where the program supports it",
          "or a newer MKL: report the sizes to Intel with the smallest case that fails") if wrapped else
         ("give each MPI process more memory: fewer processes per node, or more nodes",
          "or smaller blocks (a smaller block size in the distribution) so the work buffers shrink")),
        "MKL's cluster libraries allocate their buffers through MKL's allocator and stop with this line when it fails.",
        (),
    )


def _static_tls(events: list[StaticTlsFull]) -> Finding:
    named = next((e.library for e in events if e.library), "")
    path = next((e.path for e in events if e.path), "")
    what = named or "a library with initial-exec thread-local storage (most often GNU's OpenMP runtime, libgomp.so.1)"
    omp = "gomp" in named or "iomp" in named or not named
    return Finding(
        "static-tls-exhausted", "error",
        f"{named or 'a library'} was opened too late: the process had no static TLS space left for it",
        (events[0].line,
         f"{what} keeps thread-local variables in the static TLS block, which glibc sizes when the program starts; a "
         "library of that kind opened later with dlopen (a Python import) fits only in the small surplus glibc reserves, "
         "and the libraries opened before it had used that up",
         "the order of imports decides: the same imports in another order work (an old glibc, such as manylinux2014's "
         "2.17, reserves the least)"),
        (f"load it first: import the module that brings it (scikit-learn{', torch' if omp else ''}) before the others, or "
         f"preload it: LD_PRELOAD={q(path) if path else '<its full path>'}{'/libgomp.so.1' if not named else ''} <the program>   # then it is in "
         "the static block from the start",
         *(("or link the library into the program or the extension that opens it: MKL's static archives (libmkl_*.a) "
            "in place of its shared libraries, as GPAW's notes for an old glibc do",)
           if any("thread-local data" in e.line for e in events) else ()),
         "glibc 2.32 or newer: a larger surplus at start-up: GLIBC_TUNABLES=glibc.rtld.optional_static_tls=4096 <the program>",
         "a newer base image (a newer glibc) where the surplus is larger"),
        "glibc gives each thread one static TLS block, sized at start-up for the libraries the program was linked with plus a "
        "small surplus; a library built for the initial-exec TLS model and opened later must fit in that surplus.",
        ("ldd <the extension module> | grep -E 'gomp|iomp'   # the runtime it brings",
         "LD_DEBUG=files <the program> 2>&1 | grep -E 'gomp|iomp'   # when it is opened"),
    )


def _threads(events: list[ThreadsRefused], details: list) -> Finding:
    runtime = events[0].runtime
    memory = next((f"OMP: System error #{d.number}: {d.what.rstrip('.')}: memory, not a thread count: each thread's stack is "
                   "reserved in the process's address space, which a 32-bit program has 2 to 4 GB of (KMP_STACKSIZE, OMP_STACKSIZE set "
                   "each worker's)" for d in details if re.search(r"(?i)not enough (?:storage|memory)|cannot allocate", d.what)),
                  None)
    wanted = next((e.wanted for e in events if e.wanted), "")
    limit = next((e.limit for e in events if e.limit), "")
    variable = {"OpenBLAS": "OPENBLAS_NUM_THREADS"}.get(runtime, "OMP_NUM_THREADS")
    size = f" of {wanted} threads" if wanted else ""
    cap = f" (RLIMIT_NPROC {limit})" if limit else ""
    return Finding(
        "blas-threads-refused", "error",
        f"{runtime} could not start its thread pool{size}: the system refused new threads{cap}",
        (events[0].line,
         f"{runtime} starts one thread per core by default when it is loaded"
         + (" (numpy's import)" if runtime == "OpenBLAS" else "")
         + (f"; {wanted} threads do not fit under the user's process limit{cap}, which counts every thread of every "
            "process of that user" if wanted or limit else "; the user's process limit (ulimit -u) or the memory for their "
            "stacks did not allow more"), *((memory,) if memory else ()),
         *(f"then {e.line}: the same limit" for e in events[1:2] if e.runtime != runtime)),
        (f"set the pool's size before the program starts: export {variable}=<n>"
         + (" (and OMP_NUM_THREADS=<n>, MKL_NUM_THREADS=<n> for MKL)" if variable != "OMP_NUM_THREADS"
            else " (MKL_NUM_THREADS=<n> for MKL's own calls)")
         + ": on a shared node, the cores the job was given; a program's own thread setting (its threads or processors "
         "option) counts too",
         f"in Python, before numpy is imported: os.environ['{variable}'] = '<n>'; after it, threadpoolctl's "
         "threadpool_limits(<n>) limits the pool but cannot undo its start",
         "or raise the limit where the job starts: ulimit -u <more> (its hard limit, or the scheduler's setting, caps it)",
         *(("out of memory for the stacks: fewer threads, a smaller OMP_STACKSIZE (KMP_STACKSIZE), or the program's 64-bit "
            "build",) if memory else ())),
        "A BLAS or OpenMP runtime creates its worker threads when it is loaded or first called; a process limit or a "
        "cgroup's pids limit makes pthread_create fail with EAGAIN (Resource temporarily unavailable).",
        ("ulimit -u; ps -L -u $USER | wc -l   # the limit, and the threads the user runs now",),
    )


def _system_error(event: SystemErrorInRuntime, details: list[RuntimeSystemError]) -> Finding:
    """Intel OpenMP's Error #100 (flan-alpaca#16: EINVAL in a Kubernetes pod, gone with KMP_AFFINITY=disabled)."""
    errno = details[0] if details else None
    einval = errno is not None and errno.number == "22"
    unimplemented = errno is not None and "not implemented" in errno.what.lower()  # ENOSYS, Windows' 120
    evidence = [event.line]
    if errno is not None and event.line.startswith("OMP: System error #"):  # its head ("OMP: Error #N") not in the log
        evidence.append("the errno of a system call of Intel's OpenMP runtime; the runtime's own error line before it "
                        "(OMP: Error #100, #179) is not in the log")
    elif errno is not None:
        evidence.append(f"OMP: System error #{errno.number}: {errno.what}: the errno of the call that failed")
    if einval:
        evidence.append("an invalid argument at start-up is, in the reports of it, the runtime's thread affinity: it binds "
                        "threads to the CPUs it reads from the system, and a container or cgroup whose CPU set differs from "
                        "what the machine reports (a Kubernetes pod, a CPU quota, a VM with hot-plugged CPUs) refuses the mask")
    if unimplemented:
        evidence.append("the system does not implement the call the runtime made: Wine, an emulator, a sandbox or an old kernel; "
                        "the calls it makes as it starts are those of its thread affinity (the CPUs and NUMA nodes it binds to)")
    return Finding(
        "openmp-system-error", "error",
        "Intel's OpenMP runtime stopped on a system call that " + ("failed (EINVAL: its thread affinity, most often)" if einval else
                                                                    "the system does not implement (its thread affinity's)"
                                                                    if unimplemented else "failed"),
        tuple(evidence),
        ("turn the runtime's thread binding off: export KMP_AFFINITY=disabled (before the program starts; in Python, before "
         "numpy or torch is imported)",
         "and size its pool to the CPUs the job has: export OMP_NUM_THREADS=<the container's CPU limit>",
         "or keep Intel's OpenMP out of the process: MKL_THREADING_LAYER=SEQUENTIAL, or a build on another runtime"),
        "Intel's OpenMP runtime (libiomp5, under MKL's intel_thread layer) reads the machine's CPUs and binds its threads to "
        "them when it starts; a system call it makes there that fails stops the process (Error #100, #179) with the call's errno.",
        ("KMP_AFFINITY=verbose <the program> 2>&1 | head -20   # the CPUs and the mask the runtime chose; nproc; cat /sys/fs/cgroup/cpuset.cpus.effective",),
    )


def _map_failed(said: list[MapFailed]) -> Finding:
    names = list(dict.fromkeys(posixpath.basename(e.path) for e in said))
    return Finding(
        "library-map-failed", "error",
        f"the loader found {more(names, 3)} and could not map it into memory: the process's memory or address space ran out",
        (*dict.fromkeys(e.line for e in said[:3]), "no file is missing: mmap of the library's segments failed, which is a "
         "limit on the process (its virtual memory, ulimit -v; a job's or a container's memory), memory used up by the "
         "program itself, or a folder mounted noexec"),
        ("ulimit -v (unlimited, or larger than MKL's and the program's libraries together; a batch job: ask for more "
         "memory, --mem or -l vmem)", "a container: raise its memory limit (docker run --memory; Singularity takes the host's)",
         "a library under a noexec mount (/tmp, a home folder): install it elsewhere or mount it exec"),
        "The loader maps each library's segments with mmap; under a virtual-memory limit or when memory is used up the "
        "mapping fails, and MKL, which opens its kernels itself, says it cannot load them.")
