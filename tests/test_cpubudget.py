"""The one CPU-budget reader: cgroup v2 and v1 trees written here, the real machine's
topology against lscpu, and a real quota made with plain cgroup writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cgroup_quota import cpu_quota, physical_cores
from mkldoctor.discover.cpubudget import cgroup_limit, cores, read_budget

ROOT = Path(__file__).resolve().parent.parent


def test_nested_v2_limit_anywhere_up_the_path(tmp_path):
    cg = tmp_path / "sys/fs/cgroup"
    (cg / "a/b").mkdir(parents=True)
    (cg / "cpu.max").write_text("max 100000\n")
    (cg / "a/cpu.max").write_text("150000 100000\n")
    (cg / "a/b/cpu.max").write_text("max 100000\n")
    limit = cgroup_limit(str(tmp_path), "0::/a/b\n")
    assert (limit.cpus, limit.source, limit.version) == (1.5, str(cg / "a/cpu.max"), 2)
    assert limit.cpu_stat == str(cg / "a/cpu.stat")
    # the process's own cgroup file inside the tree is read when none is given
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text("0::/a/b\n")
    assert read_budget(str(tmp_path)).quota == 1.5
    (tmp_path / "proc/self/cgroup").write_text("0::/\n")  # at the root: a's limit does not apply
    assert read_budget(str(tmp_path)).limit is None


def test_v1_limit_with_mountinfo_and_a_bind_mounted_root(tmp_path):
    """docker on cgroup v1 without a cgroup namespace: mountinfo says the mount shows /docker/x."""
    base = tmp_path / "sys/fs/cgroup/cpu,cpuacct"
    (base / "sub").mkdir(parents=True)
    (base / "cpu.cfs_quota_us").write_text("50000\n")
    (base / "cpu.cfs_period_us").write_text("100000\n")
    (base / "sub/cpu.cfs_quota_us").write_text("-1\n")
    (base / "sub/cpu.cfs_period_us").write_text("100000\n")
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/mountinfo").write_text(
        "30 25 0:26 /docker/x /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
        "31 25 0:27 / /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n")
    (tmp_path / "proc/self/cgroup").write_text("5:memory:/docker/x\n4:cpu,cpuacct:/docker/x/sub\n")
    limit = read_budget(str(tmp_path)).limit
    assert (limit.cpus, limit.source, limit.version) == (0.5, str(base / "cpu.cfs_quota_us"), 1)
    assert "cpu.cfs_quota_us 50000 / cpu.cfs_period_us 100000" == limit.text


def test_no_cgroup_files_no_limit(tmp_path):
    assert cgroup_limit(str(tmp_path), "0::/\n") is None
    (tmp_path / "sys/fs/cgroup").mkdir(parents=True)
    (tmp_path / "sys/fs/cgroup/cpu.max").write_text("garbage\n")
    assert cgroup_limit(str(tmp_path), "0::/\n") is None


def test_under_root_a_link_never_reads_the_hosts_file(tmp_path):
    """An image's cpu.max and cpuinfo linked to absolute paths: those paths mean the image's."""
    host = tmp_path / "host"
    host.mkdir()
    (host / "cpu.max").write_text("50000 100000\n")
    (host / "cpuinfo").write_text("processor\t: 0\ncore id\t\t: 0\n\nprocessor\t: 1\ncore id\t\t: 1\n\n")
    root = tmp_path / "image"
    (root / "sys/fs/cgroup").mkdir(parents=True)
    (root / "proc").mkdir()
    (root / "sys/fs/cgroup/cpu.max").symlink_to(host / "cpu.max")
    (root / "proc/cpuinfo").symlink_to(host / "cpuinfo")
    budget = read_budget(str(root))
    assert budget.limit is None and budget.mkl_threads is None
    # the same files inside the image at the links' targets are read
    inside = root / str(host).lstrip("/")
    inside.mkdir(parents=True)
    (inside / "cpu.max").write_text("150000 100000\n")
    (inside / "cpuinfo").write_text("processor\t: 0\ncore id\t\t: 0\n\n")
    budget = read_budget(str(root))
    assert (budget.quota, budget.limit.source, budget.mkl_threads) == (1.5, str(root / "sys/fs/cgroup/cpu.max"), 1)


def test_cores_from_topology_and_cpuinfo(tmp_path):
    # 4 CPUs, 2 cores with 2 hyperthreads each: MKL starts 2 threads
    for cpu, core in enumerate((0, 1, 0, 1)):
        topo = tmp_path / f"sys/devices/system/cpu/cpu{cpu}/topology"
        topo.mkdir(parents=True)
        (topo / "core_id").write_text(f"{core}\n")
        (topo / "physical_package_id").write_text("0\n")
    (tmp_path / "sys/devices/system/cpu/online").write_text("0-3\n")
    assert cores(str(tmp_path))[0] == 2
    assert cores(str(tmp_path), {0, 2})[0] == 1
    other = tmp_path / "other"
    (other / "proc").mkdir(parents=True)
    (other / "proc/cpuinfo").write_text("".join(
        f"processor\t: {i}\nphysical id\t: {i // 4}\ncore id\t\t: {i % 4}\n\n" for i in range(8)))
    assert cores(str(other)) == (8, str(other / "proc/cpuinfo"))
    assert cores(str(tmp_path / "none"))[0] is None


def test_this_machine_cores_match_lscpu():
    budget = read_budget()
    assert budget.mkl_threads == physical_cores() and budget.affinity == len(os.sched_getaffinity(0))


def test_a_real_quota_is_read_by_a_process_inside_it():
    code = ("import json; from mkldoctor.discover.cpubudget import read_budget; b = read_budget(); "
            "print(json.dumps(b.as_dict()))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with cpu_quota(0.5) as quota:
        inside = json.loads(subprocess.run([sys.executable, "-c", code], env=env, preexec_fn=quota.enter,
                                           capture_output=True, text=True, check=True).stdout)
        assert inside["quota_cpus"] == 0.5 and inside["quota_source"] == str(quota.limit_file)
    outside = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                        check=True).stdout)
    assert outside["quota_source"] != str(quota.limit_file)


# -- `mkldoctor list` shows the budget from the same reader ------------------------------------------


def _list(*args: str, preexec_fn=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mkldoctor", "list", *args], env=env, preexec_fn=preexec_fn,
                          capture_output=True, text=True)


def test_list_shows_a_real_quota_in_text_and_json(tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    with cpu_quota(0.5) as quota:
        done = _list("--format", "json", preexec_fn=quota.enter)
        text = _list("--format", "text", preexec_fn=quota.enter)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    budget = doc["cpu_budget"]
    assert (budget["quota_cpus"], budget["quota_source"]) == (0.5, str(quota.limit_file))
    assert budget["affinity_cpus"] == len(os.sched_getaffinity(0))
    assert budget["mkl_default_threads"] == physical_cores()
    assert doc["version"] == 1  # a field added, none changed meaning
    line = next(line for line in text.stdout.splitlines() if line.startswith("cpu budget: "))
    assert "cgroup quota 0.5 CPUs" in line and str(quota.limit_file) in line
    assert f"MKL starts {physical_cores()} thread" in line
    # outside the quota, that file is not named
    outside = json.loads(_list("--format", "json").stdout)["cpu_budget"]
    assert outside["quota_source"] != str(quota.limit_file)


def test_list_reads_the_budget_inside_root(tmp_path):
    """A --root tree: the nested v2 quota and the cores written there, no affinity mask of this host."""
    cg = tmp_path / "sys/fs/cgroup"
    (cg / "app/worker").mkdir(parents=True)
    (cg / "app/cpu.max").write_text("100000 100000\n")
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text("0::/app/worker\n")
    (tmp_path / "proc/cpuinfo").write_text("".join(f"processor\t: {i}\nphysical id\t: 0\ncore id\t\t: {i}\n\n"
                                                   for i in range(4)))
    done = _list("--root", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    budget = json.loads(done.stdout)["cpu_budget"]
    assert (budget["quota_cpus"], budget["quota_source"], budget["quota_text"]) == (
        1.0, str(cg / "app/cpu.max"), "cpu.max 100000 100000")
    assert (budget["affinity_cpus"], budget["mkl_default_threads"]) == (None, 4)
    text = _list("--root", str(tmp_path), "--format", "text").stdout
    line = next(line for line in text.splitlines() if line.startswith("cpu budget: "))
    assert str(cg / "app/cpu.max") in line and "MKL starts 4 threads" in line and "affinity" not in line.split(";")[0]
    assert "more threads than the quota gives CPUs" in line


def test_the_budget_is_the_roots_whatever_copies_it_holds(mkl, tmp_path):
    """A --root with an MKL copy in it: the budget is still read in the root (its quota), not in the copy's prefix."""
    import shutil

    from test_list import link_tree

    shutil.copytree(mkl.debian_shared / "var", tmp_path / "var", symlinks=True)
    link_tree(sorted(mkl.debian_lib(mkl.debian_shared).glob("libmkl_*.so")), tmp_path / "usr/lib/x86_64-linux-gnu")
    (tmp_path / "sys/fs/cgroup").mkdir(parents=True)
    (tmp_path / "sys/fs/cgroup/cpu.max").write_text("50000 100000\n")
    done = _list("--root", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["installs"], "the copy in the root is found"
    budget = document["cpu_budget"]
    assert (budget["quota_cpus"], budget["quota_source"]) == (0.5, str(tmp_path / "sys/fs/cgroup/cpu.max"))


def test_the_budget_line_is_right_with_a_copy_found_on_this_machine(mkl):
    """Issue 24: with a copy found (here the pip fixture, by --search), list said "MKL's own thread count not
    known": the budget was read in the last copy's prefix (issue 20's fix, the loop variable that shadowed
    ``root``). The line names the cores lscpu counts in the affinity mask, in text and in JSON."""
    done = _list("-s", str(mkl.pip), "--format", "text")
    assert done.returncode == 0, done.stderr
    assert f"MKL 2026.2  [" in done.stdout  # the copy is found
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("cpu budget: ")]
    cores = physical_cores()
    assert "not known" not in line
    assert f"MKL starts {cores} thread{'s' if cores != 1 else ''} by itself: {cores} physical core" in line, line
    document = json.loads(_list("-s", str(mkl.pip), "--format", "json").stdout)
    assert document["installs"] and document["cpu_budget"]["mkl_default_threads"] == cores
