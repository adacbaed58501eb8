"""Unpacking forge tarballs with limits and refusals."""

from __future__ import annotations

import io
import tarfile

import pytest

from bot.forge.base import TarballLimits
from bot.forge.tarball import TarballRefused, extract
from tests.service.fakes import make_tarball


def test_the_top_folder_is_stripped_and_inner_symlinks_are_kept(tmp_path):
    data = make_tarball({"charts/a/Chart.yaml": "name: a\n", "README.md": "hi"}, symlinks={"charts/b": "a"})
    assert extract(data, tmp_path) == 2
    assert (tmp_path / "charts/a/Chart.yaml").read_text() == "name: a\n"
    assert (tmp_path / "charts/b").is_symlink() and (tmp_path / "charts/b/Chart.yaml").read_text() == "name: a\n"


@pytest.mark.parametrize(
    "symlinks, message",
    [
        ({"x": "/etc/passwd"}, "x: symlink to /etc/passwd leaves the tree"),
        ({"a/b/x": "../../../y"}, "a/b/x: symlink to ../../../y leaves the tree"),
    ],
)
def test_symlinks_leaving_the_tree_are_refused(tmp_path, symlinks, message):
    with pytest.raises(TarballRefused) as caught:
        extract(make_tarball({"f": "1"}, symlinks=symlinks), tmp_path)
    assert str(caught.value) == message
    assert not (tmp_path / "f").exists()  # nothing is unpacked from a refused archive


def _tar(entries) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _file(name: str, data: bytes = b"x") -> tuple:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_path_traversal_hard_links_devices_and_stray_entries_are_refused(tmp_path):
    cases = {
        "top/../../evil": "../../evil: path leaves the tree",
        "/abs/file": "/abs/file: path leaves the tree",
        "loose": "loose: entry outside the top folder",
    }
    for name, message in cases.items():
        with pytest.raises(TarballRefused) as caught:
            extract(_tar([_file(name)]), tmp_path)
        assert str(caught.value) == message
    link = tarfile.TarInfo("top/hard")
    link.type, link.linkname = tarfile.LNKTYPE, "top/f"
    with pytest.raises(TarballRefused) as caught:
        extract(_tar([_file("top/f"), (link, None)]), tmp_path)
    assert str(caught.value) == "hard: hard links are not accepted"
    fifo = tarfile.TarInfo("top/pipe")
    fifo.type = tarfile.FIFOTYPE
    with pytest.raises(TarballRefused) as caught:
        extract(_tar([(fifo, None)]), tmp_path)
    assert str(caught.value) == "pipe: special files are not accepted"


def test_size_and_count_limits(tmp_path):
    data = make_tarball({f"f{n}": "12345" for n in range(10)})
    with pytest.raises(TarballRefused) as caught:
        extract(data, tmp_path / "a", TarballLimits(max_files=9))
    assert str(caught.value) == "more than 9 files"
    with pytest.raises(TarballRefused) as caught:
        extract(data, tmp_path / "b", TarballLimits(max_unpacked_bytes=49))
    assert str(caught.value) == "unpacks to more than 49 bytes"
    with pytest.raises(TarballRefused) as caught:
        extract(data, tmp_path / "c", TarballLimits(max_bytes=len(data) - 1))
    assert str(caught.value) == f"tarball is {len(data)} bytes, over the {len(data) - 1}-byte limit"
    assert extract(data, tmp_path / "d", TarballLimits(max_files=10, max_unpacked_bytes=50, max_bytes=len(data))) == 10


def test_garbage_is_refused(tmp_path):
    with pytest.raises(TarballRefused) as caught:
        extract(b"not a tarball at all", tmp_path)
    assert str(caught.value).startswith("not a readable tarball: ")
