"""Stage 5, publish: write documents atomically, then the manifest; optional PDF.

A failed or interrupted build leaves earlier outputs untouched: every file is
written to a temporary name in its folder and renamed into place, and the
manifest is written last, under a lock, so two builds into the same folder
at once each leave whole files and a manifest that lists both.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from .. import __version__
from ..errors import OutputError, Src


@dataclass(frozen=True)
class ManifestEntry:
    office: str
    document: str          # keputusan | lampiran
    file: str              # relative to the year folder, with "/"
    sha256: str
    status: str            # final | draft
    placeholders: int


def _output_error(exc: OSError, path: Path) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError("the disk is full", Src.of(path), "free some space and build again; earlier outputs are intact")
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("no permission to write here", Src.of(path),
                           "if the document is open in Word, close it and build again; otherwise choose another "
                           "folder with --out")
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return OutputError("a file is in the way of an output folder", Src.of(path),
                           "remove or rename that file, or choose another folder with --out")
    return OutputError(f"cannot write: {exc.strerror or exc}", Src.of(path), "check the --out folder")


def ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(exc, path) from None
    if not path.is_dir():
        raise OutputError("the output path is a file, not a folder", Src.of(path), "choose another folder with --out")


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never a part."""
    ensure_dir(path.parent)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _output_error(exc, path) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def folder_lock(folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """A lock file beside the manifest; works on Windows and POSIX without extra packages."""
    ensure_dir(folder)
    lock = folder / ".manifest.lock"
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            break
        except FileExistsError:
            # A lock left by a killed build is stale after a while.
            try:
                if time.time() - lock.stat().st_mtime > timeout:
                    lock.unlink()
                    continue
            except FileNotFoundError:
                continue
            if time.monotonic() > deadline:
                raise OutputError("another build is still writing here", Src.of(lock),
                                  "wait for it to finish, or delete the lock file if no build is running")
            time.sleep(0.05)
        except OSError as exc:
            raise _output_error(exc, lock) from None
    try:
        yield
    finally:
        try:
            lock.unlink()
        except OSError:
            pass


def update_manifest(year_dir: Path, year: int, entries: list[ManifestEntry]) -> Path:
    """Merge entries into <year_dir>/manifest.json (replacing the same office+document)."""
    path = year_dir / "manifest.json"
    with folder_lock(year_dir):
        old: list[dict] = []
        if path.exists():
            try:
                old = json.loads(path.read_text(encoding="utf-8")).get("documents", [])
            except (ValueError, OSError):
                old = []  # a damaged manifest is rebuilt from what this build wrote
        fresh = {(e.office, e.document): asdict(e) for e in entries}
        merged = {(d.get("office"), d.get("document")): d for d in old if isinstance(d, dict)}
        merged.update(fresh)
        docs = [merged[k] for k in sorted(merged, key=lambda k: (str(k[0]), str(k[1])))]
        body = {"generator": f"zi-docgen {__version__}", "year": year, "documents": docs}
        atomic_write(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
