"""``--hf-repo ID``: a model's config.json and model.safetensors from a Hugging Face hub.

Files land in ``$XDG_CACHE_HOME/mkldoctor/hub/models--ORG--NAME/<commit>/``. Each is
downloaded into ``NAME.incomplete`` beside its final place, resumed with an HTTP
Range request when a partial file is there, checked (LFS files against the sha256
the hub publishes, every file against its size) and only then renamed into place:
a download that fails mid-way leaves nothing a later run would trust.

``HF_ENDPOINT`` names the hub (default https://huggingface.co); ``HF_HUB_OFFLINE=1``
uses what the cache holds and never touches the network.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable

from mkldoctor.bench.errors import BenchUsageError, ModelError
from mkldoctor.cache import cache_folder
from mkldoctor.digest import sha256_file

FILES = ("config.json", "model.safetensors")
CHUNK = 1 << 20
TIMEOUT = 60
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


class DownloadError(ModelError):
    """The hub could not give us the model, or gave us something else."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int | None
    sha256: str | None  # LFS files only: the hub publishes it


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def cache_dir(repo: str) -> str:
    return cache_folder("hub", "models--" + repo.replace("/", "--"))


def fetch(repo: str, revision: str = "main", progress: Callable[[str, int, int | None], None] | None = None) -> str:
    """The local folder holding ``repo``'s config.json and model.safetensors, downloaded if needed."""
    if not _REPO.match(repo):
        raise DownloadError(repo, "not a Hugging Face repository id (ORG/NAME)")
    folder = cache_dir(repo)
    if offline():
        return _cached(repo, folder, revision)
    session = _requests().Session()
    commit, files = _metadata(session, repo, revision)
    target = os.path.join(folder, commit)
    os.makedirs(target, exist_ok=True)
    for remote in files:
        _download(session, repo, commit, remote, target, progress)
    _write_ref(folder, revision, commit)
    return target


def _requests():
    """The requests package: an optional dependency (the bench extra), needed here only."""
    try:
        import requests
    except ImportError:
        raise BenchUsageError("--hf-repo downloads with the requests package, which is not installed: "
                              "pip install 'mkldoctor[bench]' (or give the model's folder with --model)") from None
    return requests


def _cached(repo: str, folder: str, revision: str) -> str:
    try:
        with open(os.path.join(folder, "refs", revision), encoding="utf-8") as handle:
            commit = handle.read().strip()
    except OSError:
        raise DownloadError(repo, f"HF_HUB_OFFLINE is set and {folder} holds no download of it") from None
    target = os.path.join(folder, commit)
    missing = [name for name in FILES if not os.path.isfile(os.path.join(target, name))]
    if missing:
        raise DownloadError(repo, f"HF_HUB_OFFLINE is set and the cached download lacks {', '.join(missing)}")
    return target


def _get(session, url: str, repo: str, **kwargs):
    requests = _requests()
    try:
        response = session.get(url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise DownloadError(repo, f"cannot reach {endpoint()}: {type(exc).__name__}") from None
    if response.status_code in (401, 403, 404):
        raise DownloadError(repo, f"{endpoint()} answered {response.status_code} (no such public model?)")
    if response.status_code >= 400:
        raise DownloadError(repo, f"{endpoint()} answered {response.status_code} for {url}")
    return response


def _metadata(session, repo: str, revision: str) -> tuple[str, list[RemoteFile]]:
    response = _get(session, f"{endpoint()}/api/models/{repo}/revision/{revision}", repo, params={"blobs": "true"})
    try:
        info = response.json()
        commit = info["sha"]
        siblings = {s["rfilename"]: s for s in info.get("siblings", [])}
    except (ValueError, KeyError, TypeError):
        raise DownloadError(repo, "the hub's model metadata is not what the API documents") from None
    if not re.match(r"^[0-9a-f]{40}$", str(commit)):
        raise DownloadError(repo, f"the hub gave a commit that is not a git hash: {commit!r}")
    files = []
    for name in FILES:
        if name not in siblings:
            raise DownloadError(repo, f"the repository has no {name}: not a model mkldoctor can run")
        entry = siblings[name]
        lfs = entry.get("lfs") or {}
        files.append(RemoteFile(name, lfs.get("size", entry.get("size")), lfs.get("sha256")))
    return commit, files


def _download(session, repo: str, commit: str, remote: RemoteFile, target: str, progress) -> None:
    final = os.path.join(target, remote.name)
    if os.path.isfile(final) and (remote.size is None or os.path.getsize(final) == remote.size):
        return
    partial = final + ".incomplete"
    have = os.path.getsize(partial) if os.path.isfile(partial) else 0
    if remote.size is not None and have > remote.size:
        os.remove(partial)
        have = 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    url = f"{endpoint()}/{repo}/resolve/{commit}/{remote.name}"
    response = _get(session, url, repo, headers=headers, stream=True)
    if have and response.status_code != 206:  # the server ignored the range: start over
        have = 0
    mode = "ab" if have else "wb"
    raw = response.raw
    raw.enforce_content_length = False  # keep the bytes that did arrive: the size check below judges
    done = have
    try:
        with open(partial, mode) as handle:
            while chunk := raw.read(CHUNK, decode_content=True):
                handle.write(chunk)
                done += len(chunk)
                if progress:
                    progress(remote.name, done, remote.size)
    except Exception as exc:  # requests', urllib3's and the socket's errors alike
        raise DownloadError(repo, f"{remote.name}: download broke off after {done} bytes ({type(exc).__name__}); "
                                  "run again to resume") from None
    size = os.path.getsize(partial)
    if remote.size is not None and size != remote.size:
        raise DownloadError(repo, f"{remote.name}: got {size} of {remote.size} bytes; run again to resume")
    if remote.sha256:
        digest = sha256_file(partial)
        if digest != remote.sha256:
            os.remove(partial)
            raise DownloadError(repo, f"{remote.name}: sha256 {digest[:12]}… is not the hub's "
                                      f"{remote.sha256[:12]}…; the partial file was removed")
    os.replace(partial, final)


def _write_ref(folder: str, revision: str, commit: str) -> None:
    refs = os.path.join(folder, "refs")
    os.makedirs(refs, exist_ok=True)
    tmp = os.path.join(refs, f".{revision}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(commit)
    os.replace(tmp, os.path.join(refs, revision))


def rich_progress():
    """A (callback, stop) pair drawing a progress bar on a terminal; (None, no-op) otherwise."""
    import sys

    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                   transient=True)
    tasks: dict[str, int] = {}
    bar.start()

    def update(name: str, done: int, total: int | None) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done)

    return update, bar.stop
