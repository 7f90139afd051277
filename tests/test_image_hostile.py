"""Issue 15's hostile sysroot, shipped as an image: ``--image`` reads no host file either.

The same tree as tests/test_rootfs.py's ``hostile`` fixture (Debian 2020.4's files, with links that
reach the host's real oneMKL 2026.2: absolute, a relative escape, through /proc/self), packed as one
layer of an OCI layout written to spec; what ``list --image`` reports must be the image's MKL only.
"""

from __future__ import annotations

import json
import os
import tarfile
from pathlib import Path

from typer.testing import CliRunner

from mkldoctor.cli import app
from test_image import write_oci_layout
from test_rootfs import host_mkl, hostile  # noqa: F401 - fixtures


# the image's own libraries that the test reads (its interface layer's sgemm_, no hgemm_); Debian's kernels and
# other layers are left out of the layer: 650 MB more, held in memory, written as a blob and unpacked again
KEPT = {"libmkl_intel_lp64.so", "libmkl_core.so", "libmkl_sequential.so"}


def layer_of(tree: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    """Every folder and link of ``tree`` and its files but MKL's libraries not in KEPT, as layer entries, links kept
    as links (targets unchanged)."""
    entries = []
    for folder, dirs, files in os.walk(tree):
        for name in sorted(dirs) + sorted(files):
            path = Path(folder) / name
            inside = str(path.relative_to(tree))
            if name.startswith("libmkl_") and name not in KEPT and not path.is_symlink() and path.is_file():
                continue
            info = tarfile.TarInfo(inside)
            if path.is_symlink():
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
                entries.append((info, b""))
            elif path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                entries.append((info, b""))
            else:
                info.mode = 0o644
                entries.append((info, path.read_bytes()))
    return entries


def test_list_image_of_a_hostile_tree_never_reports_the_hosts_mkl(mkl, hostile, host_mkl, tmp_path):  # noqa: F811
    # the reference: through the operating system these links do reach the host's 2026.2
    assert os.path.realpath(hostile / "usr/lib/x86_64-linux-gnu/libmkl_rt.so") == os.path.realpath(host_mkl)
    layout = tmp_path / "oci"
    write_oci_layout(layout, [layer_of(hostile)])
    cache = tmp_path / "cache"
    result = CliRunner().invoke(app, ["list", "--format", "json", "--image", str(layout)],
                                env={"XDG_CACHE_HOME": str(cache)})
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (install,) = document["installs"]
    assert install["version"] == "2020.4"  # dpkg's; the host header says 2026.2
    assert install["defines"]["hgemm_"] == [] and install["defines"]["cblas_gemm_f16f16f32"] == []
    assert install["defines"]["sgemm_"]  # from the image's own libmkl_intel_lp64.so
    assert install["mkl_rt"] is None and not install["static"]
    kept = dict(document, warnings=[], installs=[dict(i, broken=[]) for i in document["installs"]])
    assert str(mkl.pip) not in json.dumps(kept)  # no host path but in lines that say it was not followed
    # and nothing was written outside the cache
    assert not any(p for p in tmp_path.iterdir() if p.name not in ("oci", "cache", "image"))
