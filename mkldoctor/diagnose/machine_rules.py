"""The rules about the machine a program runs on: the CPU kernel library MKL loads here, a threaded
layer under a CPU quota, an old MKL on an AMD CPU."""

from __future__ import annotations

from mkldoctor.diagnose.facts import Facts
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import history, layout, recipes


def sequential_feature(config: str) -> str:
    """The intel-mkl-src feature of the same link and interface with the sequential layer."""
    return layout.variant(config, "intel-mkl-src", threading="sequential") or config


def rule_kernels(f: Facts) -> list[Finding]:
    """A copy without the CPU kernel library MKL loads on this CPU: named as a probe observed it, never
    guessed from CPU flags; a copy with none at all is an error even where no probe could run."""
    out = []
    fix = (f"install the full runtime: {recipes.pip_install('mkl', root=f.inventory.root)} / "
           f"{recipes.apt_install('intel-oneapi-mkl', root=f.inventory.root)} "
           "/ libmkl-meta-computational",
           "or, for an image: copy the kernel libraries that `mkldoctor deps BINARY --cpu native` lists")
    for install in f.inventory.installs:
        if not install.has("mkl_core", "shared"):
            continue
        present = install.kernels()
        seen = f.kernels.get(install.key)
        if seen is not None and seen.missing:
            names = ", ".join(seen.missing)
            out.append(Finding(
                "kernels-missing", "error",
                f"{label(install)} lacks {names}, the CPU kernel librar{'y' if len(seen.missing) == 1 else 'ies'} "
                "MKL loads on this CPU",
                (seen.how, f"kernel libraries beside {install.lib_dir}: "
                 + (", ".join(f"libmkl_{k}" for k in present) or "none")),
                fix,
                (f"On this CPU MKL asks for {seen.missing[0]}; without it, it falls back to {', '.join(_same_kind(seen.loaded or (), seen.missing[0]))}, "
                 "the kernels for an older instruction set: the program runs, several times slower in BLAS and LAPACK."
                 if seen.fell_back else f"At run time on this CPU MKL stops: it cannot load {seen.missing[0]}."),
            ))
        elif not present:
            how = seen.how if seen is not None else "not observed: check ran no probe"
            out.append(Finding(
                "kernels-missing", "error", f"{label(install)} has libmkl_core but no CPU kernel libraries",
                (f"no libmkl_def / libmkl_avx2 / libmkl_avx512 beside {install.lib_dir}",
                 f"the kernel library this CPU needs: {how}"),
                fix,
                "At run time MKL stops with `Cannot load` and the kernel library it picked for the CPU it runs on.",
            ))
    return out


def _same_kind(loaded: tuple[str, ...], missing: str) -> list[str]:
    """The kernels of ``loaded`` that stand in for ``missing``: VML's for a VML kernel, the others for a BLAS/LAPACK one."""
    return [name for name in loaded if ("_vml_" in name) == ("_vml_" in missing)] or list(loaded)


def rule_cpu_quota(f: Facts) -> list[Finding]:
    """A threaded layer under a cgroup quota smaller than the threads MKL starts by itself."""
    budget, layer = f.budget, f.needs.threading
    limit = budget.limit
    entry = layout.spelled("mkldoctor", layer, "threading") if layer else None  # CMake may name one we have no word for
    if limit is None or entry is None or not entry.threaded:
        return []
    if not (budget.oversubscribed or (budget.mkl_threads is None and limit.cpus <= 1)):
        return []
    threads = f"{budget.mkl_threads} threads" if budget.mkl_threads else "one thread per core"
    evidence = [
        f"threading layer: {layer} ({f.needs.origin.get('threading', 'the link flags')})",
        f"CPU quota: {limit.cpus:g} CPU{'s' if limit.cpus != 1 else ''} ({limit.text} in {limit.source})",
        f"MKL's own thread count: {budget.mkl_threads_why}",
    ]
    for name in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        if f.env.get(name):
            evidence.append(f"{name}={f.env[name]} is set in this shell; the program only gets it where it inherits it")
    fix: list[str] = []
    if f.needs.cargo_config:
        seq = sequential_feature(f.needs.cargo_config)
        fix.append(f"intel-mkl-src: the feature {seq} instead of {f.needs.cargo_config} (the sequential layer), "
                   "then cargo clean -p intel-mkl-src")
    if f.needs.cmake:
        fix.append("cmake -DMKL_THREADING=sequential ...   # MKLConfig.cmake links mkl_sequential")
    if not f.needs.cargo_config and not f.needs.cmake:  # no build tool seen: each one's way
        fix += ["Cargo: an intel-mkl-src *-seq feature (mkl-static-lp64-seq, mkl-dynamic-lp64-seq)",
                "CMake: cmake -DMKL_THREADING=sequential ...",
                f"a plain link line: mkldoctor link --threading sequential (libmkl_sequential in place of "
                f"{entry.file_stem})"]
    fix.append(f"or keep the layer and start fewer threads: export MKL_NUM_THREADS={max(1, int(limit.cpus))}")
    fix.append("with libmkl_rt: export MKL_THREADING_LAYER=SEQUENTIAL")
    return [Finding(
        id="one-cpu-threaded-layer", severity="warning",
        title=f"the {layer} threading layer will start {threads} under a {limit.cpus:g}-CPU quota ({limit.text})",
        evidence=tuple(evidence),
        fix=tuple(fix),
        explanation="MKL does not read cgroup quotas: its threads share the quota's CPU time, the quota throttles "
                    "them all in the same periods, and each product waits for the slowest thread (a Cloud Run "
                    "instance, `docker run --cpus 1`). The sequential layer fits the quota.",
        confirm=(f"mkldoctor bench --cpus {limit.cpus:g} --threading sequential,{layer}"
                 "   # times both layers inside such a quota",),
    )]


def rule_amd_old(f: Facts) -> list[Finding]:
    chosen = f.choice.install
    version = f.choice.version
    if f.cpu.vendor != "AuthenticAMD" or version is None or history.version_key(version) >= (2020, 1):
        return []
    return [Finding("amd-old-mkl", "warning", f"MKL {version} on an AMD CPU: older MKL runs its slowest code path there",
                    (f"CPU vendor AuthenticAMD; {(label(chosen) if chosen else version)}",),
                    (recipes.pip_install(f"mkl-static=={recipes.LATEST}", root=f.inventory.root),),
                    "MKL before 2020.1 picks generic kernels on non-Intel CPUs.")]
