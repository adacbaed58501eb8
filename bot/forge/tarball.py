"""Unpack a forge tarball into a folder, refusing what could escape it or exhaust the disk.

GitHub's tarballs hold one top folder (`owner-repo-sha/`); it is stripped. Refused, with a message
that names the entry: more files than allowed, more bytes than allowed, absolute or `..` paths,
symlinks whose target leaves the tree, hard links, devices and FIFOs. Symlinks inside the tree are
kept (charts use them rarely, but legitimately).
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from pathlib import Path

from bot.forge.base import TarballLimits


class TarballRefused(Exception):
    """The archive breaks a limit or a safety rule; the message says which entry and why."""


def _strip_top(name: str) -> str:
    parts = name.split("/", 1)
    return parts[1] if len(parts) == 2 else ""


def _inside(path: str) -> bool:
    normal = posixpath.normpath(path)
    return not (normal.startswith("/") or normal == ".." or normal.startswith("../"))


def extract(data: bytes, dest: Path, limits: TarballLimits = TarballLimits()) -> int:
    """Unpack `data` (a .tar.gz) into `dest`; returns the number of regular files written."""
    if len(data) > limits.max_bytes:
        raise TarballRefused(f"tarball is {len(data)} bytes, over the {limits.max_bytes}-byte limit")
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
    except tarfile.TarError as exc:
        raise TarballRefused(f"not a readable tarball: {exc}") from None
    dest.mkdir(parents=True, exist_ok=True)
    files = 0
    total = 0
    with archive:
        members = []
        try:
            for member in archive:
                if member.type in (tarfile.XHDTYPE, tarfile.XGLTYPE):
                    continue
                if member.name.startswith("/"):
                    raise TarballRefused(f"{member.name}: path leaves the tree")
                name = _strip_top(member.name)
                if not name:
                    if member.isdir():
                        continue
                    raise TarballRefused(f"{member.name}: entry outside the top folder")
                if not _inside(name):
                    raise TarballRefused(f"{name}: path leaves the tree")
                if member.islnk():
                    raise TarballRefused(f"{name}: hard links are not accepted")
                if member.issym():
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
                    if member.linkname.startswith("/") or not _inside(target):
                        raise TarballRefused(f"{name}: symlink to {member.linkname} leaves the tree")
                elif member.isfile():
                    files += 1
                    total += member.size
                    if files > limits.max_files:
                        raise TarballRefused(f"more than {limits.max_files} files")
                    if total > limits.max_unpacked_bytes:
                        raise TarballRefused(f"unpacks to more than {limits.max_unpacked_bytes} bytes")
                elif not member.isdir():
                    raise TarballRefused(f"{name}: special files are not accepted")
                member.name = name
                members.append(member)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise TarballRefused(f"corrupt tarball: {exc}") from None
        try:
            archive.extractall(dest, members=members, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise TarballRefused(f"cannot unpack: {exc}") from None
    return files
