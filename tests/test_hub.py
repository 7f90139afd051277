"""--hf-repo: the download against a hub served on loopback (never the internet)."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mkldoctor.bench import hub
from test_bench import cli, make_model

COMMIT = "0123456789abcdef0123456789abcdef01234567"
REPO = "sentence-transformers/tiny-test"


class Hub:
    """A minimal hub: the model API and /resolve/ with Range requests, able to break a download."""

    def __init__(self, folder: Path) -> None:
        self.files = {name: (folder / name).read_bytes() for name in ("config.json", "model.safetensors")}
        self.break_after: int | None = None  # cut the next model.safetensors response after this many bytes
        self.ranges: list[str] = []
        self.wrong_sha = False
        hub_self = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.startswith(f"/api/models/{REPO}/revision/main"):
                    weights = hub_self.files["model.safetensors"]
                    sha = hashlib.sha256(b"not it" if hub_self.wrong_sha else weights).hexdigest()
                    body = json.dumps({"sha": COMMIT, "siblings": [
                        {"rfilename": "config.json", "size": len(hub_self.files["config.json"])},
                        {"rfilename": "model.safetensors", "size": len(weights), "lfs": {"sha256": sha, "size": len(weights)}},
                        {"rfilename": "README.md"}]}).encode()
                    return self._send(200, body)
                prefix = f"/{REPO}/resolve/{COMMIT}/"
                if not self.path.startswith(prefix) or self.path[len(prefix):] not in hub_self.files:
                    return self._send(404, b"not found")
                data = hub_self.files[self.path[len(prefix):]]
                start = 0
                if self.headers.get("Range"):
                    hub_self.ranges.append(self.headers["Range"])
                    start = int(self.headers["Range"].split("=")[1].split("-")[0])
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if hub_self.break_after is not None and self.path.endswith("safetensors"):
                    cut, hub_self.break_after = hub_self.break_after, None
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.connection.shutdown(2)  # the connection drops mid-way
                    return
                self.wfile.write(body)

            def _send(self, code, body):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def local_hub(tmp_path, monkeypatch):
    served = Hub(make_model(tmp_path / "served"))
    monkeypatch.setenv("HF_ENDPOINT", served.url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield served
    served.close()


def test_download_resume_and_offline(local_hub, tmp_path, monkeypatch):
    local_hub.break_after = 1000
    with pytest.raises(hub.DownloadError, match="broke off|got .* bytes"):
        hub.fetch(REPO)
    folder = Path(hub.cache_dir(REPO)) / COMMIT
    assert not (folder / "model.safetensors").exists()  # nothing half-written where it would be trusted
    assert (folder / "model.safetensors.incomplete").stat().st_size == 1000
    seen = []
    path = hub.fetch(REPO, progress=lambda name, done, total: seen.append((name, done, total)))
    assert local_hub.ranges == ["bytes=1000-"]  # resumed, not started over
    assert (Path(path) / "model.safetensors").read_bytes() == local_hub.files["model.safetensors"]
    assert seen and seen[-1][1] == seen[-1][2]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    local_hub.close()  # no network from here on
    assert hub.fetch(REPO) == path


def test_sha256_mismatch_keeps_nothing(local_hub):
    local_hub.wrong_sha = True
    with pytest.raises(hub.DownloadError, match="sha256"):
        hub.fetch(REPO)
    folder = Path(hub.cache_dir(REPO)) / COMMIT
    assert not (folder / "model.safetensors").exists() and not (folder / "model.safetensors.incomplete").exists()


def test_offline_without_cache_and_bad_ids(local_hub, monkeypatch):
    with pytest.raises(hub.DownloadError, match="not a Hugging Face repository id"):
        hub.fetch("../etc/passwd")
    with pytest.raises(hub.DownloadError, match="404"):
        hub.fetch("nobody/nothing")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.DownloadError, match="HF_HUB_OFFLINE is set"):
        hub.fetch(REPO)


@pytest.mark.mkl
def test_bench_runs_the_downloaded_model(local_hub, mkl, tmp_path):
    result = cli(tmp_path / "cache", "--hf-repo", REPO, "--install", mkl.pip, "--threads", "1", "--tokens", "16",
                 "--runs", "1", "--warmup", "0", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["configurations"][0]["status"] == "ok"
    assert json.dumps(document).count(COMMIT) >= 1  # the weights came from the hub's download
    bad = cli(tmp_path / "cache", "--hf-repo", REPO, "--model", str(tmp_path), "--install", mkl.pip)
    assert bad.exit_code == 2 and "exclude each other" in bad.stderr


def test_without_requests_hf_repo_says_which_extra_to_install(tmp_path):
    """requests is the bench extra's: where it is not installed (Python told it cannot be imported, as in an
    install without the extra; tests/test_action.py checks a real one), --hf-repo is one line and exit 2."""
    import os
    import subprocess
    import sys

    code = ("import sys; sys.modules['requests'] = None\n"
            "from mkldoctor.cli import main; sys.argv = ['mkldoctor', 'bench', '--hf-repo', 'org/name']; main()")
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent,
                          env=dict(env, XDG_CACHE_HOME=str(tmp_path)))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("mkldoctor: --hf-repo downloads with the requests package, which is not installed: "
                           "pip install 'mkldoctor[bench]' (or give the model's folder with --model)\n")
    assert not (tmp_path / "mkldoctor" / "hub").exists() or not any((tmp_path / "mkldoctor" / "hub").rglob("*.incomplete"))
