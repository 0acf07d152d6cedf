"""Publishing a build as one transaction: the year folder is the old build or the new one, whole.

A build never writes into ``<out>/<year>`` itself. Everything it produces
(documents, PDFs, the manifest) goes into a staging folder beside it, and only
a finished staging folder is swapped in. Names used beside the year folder::

    <out>/.zi-docgen-<year>.lock     the lock (filelock; the file stays so that waiters share it)
    <out>/.zi-docgen-<year>.owner    who holds the lock: pid, host, start; removed on release
    <out>/.zi-docgen-<year>.new/     staging: the complete next year folder
    <out>/.zi-docgen-<year>.old/     the previous year folder once it is swapped out
    <out>/.zi-docgen-<year>.work/    scratch space (LibreOffice's)
    <out>/.zi-docgen-<year>.commit   "staging is complete" (only for the two-rename swap)

The swap: on Linux one ``renameat2(RENAME_EXCHANGE)``, atomic. Elsewhere (Windows,
macOS) two renames: year folder aside to ``.old``, staging in. Windows refuses to
rename a folder in which a file is open (Word), so the first rename is the point
where such a build stops, with nothing changed. A build killed between the two
renames leaves no year folder; the next build, before anything else, renames
``.new`` in if ``.commit`` says it was complete, or else ``.old`` back.

Files in the year folder that the manifest does not list with their current
hash (a document edited in Word, a file the user put there) are not thrown
away: they are copied to ``<out>/<year>-set-aside-<time>/`` before the swap,
and the message says so.
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..errors import OutputError, Src, display_path, os_reason
from ..i18n import _

MANIFEST = "manifest.json"
# Leftovers of zi-docgen versions that wrote in place: never the user's, never kept.
_DEBRIS_NAMES = {".manifest.lock"}

Note = Callable[[str], None]

# Year folders this process has published, so that a Ctrl-C after the swap (say,
# while the summary is printed) is reported as what it is.
_COMMITTED: list[Path] = []


def committed_folders() -> list[Path]:
    return list(_COMMITTED)


@dataclass(frozen=True)
class ManifestEntry:
    office: str
    document: str          # keputusan, lampiran, keputusan.pdf, ...: one per file of the office
    file: str              # relative to the year folder, with "/"
    sha256: str
    status: str            # final | draft
    placeholders: int


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def output_error(exc: OSError, path: Path, *, changed: bool = False) -> OutputError:
    """One line for an OSError while publishing; says whether the output changed."""
    state = _("the output folder now holds the new build") if changed else _("nothing was changed in the output folder")
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        return OutputError(_("the disk is full"), Src.of(path),
                           _("free some space and build again; {state}").format(state=state))
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(_("no permission to write here"), Src.of(path),
                           _("if a document is open in Word or a PDF viewer, close it and build again; otherwise "
                             "choose another folder with --out; {state}").format(state=state))
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return OutputError(_("a file is in the way of an output folder"), Src.of(path),
                           _("remove or rename that file, or choose another folder with --out; {state}").format(
                               state=state))
    return OutputError(_("cannot write: {reason}").format(reason=os_reason(exc)), Src.of(path),
                       _("check the --out folder; {state}").format(state=state))


def _rmtree(path: Path) -> None:
    def onerror(func, p, _exc):
        # Windows refuses to delete read-only files.
        try:
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, onerror=onerror)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals renames itself
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- the swap

_RENAME_EXCHANGE = 2
_renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fn = libc.renameat2
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            fn.restype = ctypes.c_int
            _renameat2 = fn
        except (OSError, AttributeError):
            _renameat2 = False
    if not _renameat2:
        return False
    at_fdcwd = -100
    if _renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)):
        return False  # the file system cannot exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back for the few system calls that make the new build visible."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list = []
    old = signal.signal(signal.SIGINT, lambda *a: caught.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if caught:
            raise KeyboardInterrupt


# ---------------------------------------------------------------- the lock

class _Lock:
    def __init__(self, out: Path, year: int, note: Note, wait: float | None):
        from filelock import FileLock

        self.path = out / f".zi-docgen-{year}.lock"
        self.owner = out / f".zi-docgen-{year}.owner"
        self.year_dir = out / str(year)
        self.lock = FileLock(str(self.path))
        self.note = note
        self.wait = wait

    def __enter__(self) -> "_Lock":
        from filelock import Timeout

        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            self.note(_("another build ({who}) is writing {folder}; waiting for it to finish (Ctrl-C to stop)")
                      .format(who=self._who(), folder=display_path(self.year_dir)))
            try:
                self.lock.acquire(timeout=-1 if self.wait is None else self.wait)
            except Timeout:
                raise OutputError(_("another build is still writing here"), Src.of(self.year_dir),
                                  _("{who}; try again when it has finished; nothing was changed").format(
                                      who=self._who())) from None
        except OSError as exc:
            raise output_error(exc, self.path) from None
        try:
            prev = self._who(missing="")
            if prev:
                # The OS released the lock when that process died; its notes stayed behind.
                self.note(_("took over the lock of an earlier build ({who}) that is no longer running").format(
                    who=prev))
            self.owner.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                              "started": time.strftime("%Y-%m-%d %H:%M:%S")}), encoding="utf-8")
        except OSError as exc:
            self.lock.release()
            raise output_error(exc, self.owner.parent) from None
        except BaseException:
            self.lock.release()
            raise
        return self

    def _who(self, missing: str | None = None) -> str:
        try:
            info = json.loads(self.owner.read_text(encoding="utf-8"))
            host = info.get("host")
            if host and host != socket.gethostname():
                return _("process {pid} on {host}, started {started}").format(
                    pid=info.get("pid"), host=host, started=info.get("started"))
            return _("process {pid}, started {started}").format(pid=info.get("pid"), started=info.get("started"))
        except (OSError, ValueError, AttributeError):
            return _("process unknown") if missing is None else missing

    def __exit__(self, *exc) -> None:
        try:
            self.owner.unlink()
        except OSError:
            pass
        self.lock.release()


# ---------------------------------------------------------------- the transaction

@dataclass
class Published:
    """What a commit did, for the message."""

    year_dir: Path
    entries: list[dict]
    set_aside: Path | None = None
    set_aside_files: tuple[str, ...] = ()
    kept: int = 0              # manifest entries of offices this build did not touch


class Publication:
    """One build's way into ``<out>/<year>``: stage files, then commit them all at once.

    Use as a context manager. Leaving it without ``commit()`` (an error, Ctrl-C)
    removes the staging folder and leaves the year folder exactly as it was.
    """

    def __init__(self, out_dir: Path | str, year: int, *, note: Note | None = None,
                 wait: float | None = None):
        if str(out_dir).strip() == "":
            raise OutputError(_("the output folder is empty"), None, _("give a folder with --out, e.g. --out output"))
        self.out = Path(os.path.abspath(out_dir))
        self.year = int(year)
        self.year_dir = self.out / str(self.year)
        base = f".zi-docgen-{self.year}"
        self.new = self.out / f"{base}.new"
        self.old = self.out / f"{base}.old"
        self.work = self.out / f"{base}.work"
        self.commit_mark = self.out / f"{base}.commit"
        self.note: Note = note or (lambda msg: None)
        self._wait = wait
        self._lock: _Lock | None = None
        self._created_out = False
        self._written: dict[str, str] = {}
        self.committed = False

    # -- entering: lock, recover, clean, stage
    def __enter__(self) -> "Publication":
        self._check_out_folder()
        self._lock = _Lock(self.out, self.year, self.note, self._wait)
        self._lock.__enter__()
        try:
            self._recover()
            self.new.mkdir()
        except OSError as exc:
            self._release()
            raise output_error(exc, self.out) from None
        except BaseException:
            self._release()
            raise
        return self

    def _check_out_folder(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(_("the output path is a file, not a folder"), Src.of(self.out),
                              _("choose another folder with --out; nothing was changed"))
        if self.year_dir.exists() and not self.year_dir.is_dir():
            raise OutputError(_("a file is in the way of the year folder"), Src.of(self.year_dir),
                              _("remove or rename that file, or choose another folder with --out; nothing was "
                                "changed"))
        if not self.out.exists():
            try:
                self.out.mkdir(parents=True)
                self._created_out = True
            except FileExistsError:
                pass
            except OSError as exc:
                raise output_error(exc, self.out) from None

    def _recover(self) -> None:
        """Finish or undo a swap a killed build left half done, then clear its leftovers."""
        if not self.year_dir.exists():
            if self.commit_mark.exists() and self.new.is_dir():
                os.rename(self.new, self.year_dir)
                self.note(_("an earlier build was stopped while publishing; its complete output is now in "
                            "{folder}").format(folder=display_path(self.year_dir)))
            elif self.old.is_dir():
                os.rename(self.old, self.year_dir)
                self.note(_("an earlier build was stopped while publishing; the output before it is back in "
                            "{folder}").format(folder=display_path(self.year_dir)))
        leftovers = [p for p in (self.commit_mark, self.new, self.old, self.work) if p.exists() or p.is_symlink()]
        for p in leftovers:
            _rmtree(p)
        if any(p != self.work for p in leftovers):
            self.note(_("removed the unfinished files of an earlier, interrupted build"))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if not self.committed:
                for p in (self.new, self.work, self.commit_mark):
                    try:
                        _rmtree(p)
                    except OSError:
                        pass  # the next build clears it
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)

    # -- staging
    def _staged(self, rel: str) -> Path:
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or any(p in ("", ".", "..") or "\\" in p or ":" in p for p in parts):
            raise OutputError(_("not a safe file name inside the output folder: {name!r}").format(name=rel),
                              Src.of(self.year_dir))
        if parts == (MANIFEST,):
            raise OutputError(_("the manifest is written by the publication itself"), Src.of(self.year_dir))
        return self.new.joinpath(*parts)

    def path(self, rel: str) -> Path:
        """Where rel lives in staging (e.g. for LibreOffice to write a PDF beside a DOCX)."""
        return self._staged(rel)

    def write(self, rel: str, data: bytes) -> str:
        """Stage one file; returns its sha256. Permissions are what the umask gives."""
        path = self._staged(rel)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:   # x: two files of a build never share a name
                fh.write(data)
        except OSError as exc:
            raise output_error(exc, self.year_dir / rel) from None
        digest = sha256_bytes(data)
        self._written[rel] = digest
        return digest

    def adopt(self, rel: str) -> str:
        """Count a file that something else (LibreOffice) wrote into staging; returns its sha256."""
        path = self._staged(rel)
        try:
            digest = sha256_file(path)
        except OSError as exc:
            raise output_error(exc, self.year_dir / rel) from None
        self._written[rel] = digest
        return digest

    def scratch(self) -> Path:
        """A scratch folder beside the output that is removed with the staging folder."""
        try:
            self.work.mkdir(exist_ok=True)
        except OSError as exc:
            raise output_error(exc, self.out) from None
        return self.work

    # -- commit
    def commit(self, entries: Iterable[ManifestEntry], offices: Iterable[str]) -> Published:
        """Publish the staged files as the year folder.

        ``offices`` are the offices this build made: their old files and manifest
        entries are all replaced. Other offices' files are kept as they were (a
        partial build with --satker), if they still match the old manifest.
        """
        rebuilt = set(offices)
        entries = [asdict(e) for e in entries]
        for e in entries:
            staged = self._staged(e["file"])
            if not staged.is_file() or self._written.get(e["file"]) != e["sha256"]:
                raise OutputError(_("the staged file {file} does not match its manifest entry").format(file=e["file"]),
                                  Src.of(self.year_dir), _("report this; nothing was changed"))
        try:
            old_listed = self._old_manifest()
            kept = self._carry_over(old_listed, rebuilt)
            docs = sorted(kept + entries, key=lambda d: (str(d.get("office")), str(d.get("file"))))
            body = {"generator": f"zi-docgen {__version__}", "year": self.year, "documents": docs}
            manifest = self.new / MANIFEST
            with open(manifest, "xb") as fh:
                fh.write((json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            self._sync_staging()
        except OSError as exc:
            raise output_error(exc, self.year_dir) from None
        listed = {d["file"]: d["sha256"] for d in docs}
        set_aside, aside_files = self._set_aside_foreign(old_listed, listed)
        try:
            self._swap()
        except OSError as exc:
            if set_aside is not None:
                _rmtree(set_aside)
            raise output_error(exc, self.year_dir) from None
        for p in (self.old, self.work):
            try:
                _rmtree(p)
            except OSError:
                pass  # cleared by the next build
        return Published(self.year_dir, docs, set_aside, aside_files, kept=len(kept))

    def _old_manifest(self) -> dict[str, dict]:
        path = self.year_dir / MANIFEST
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(body, dict) or body.get("year") != self.year or not isinstance(body.get("documents"), list):
            return {}
        return {d["file"]: d for d in body["documents"]
                if isinstance(d, dict) and isinstance(d.get("file"), str) and isinstance(d.get("sha256"), str)}

    def _carry_over(self, old_listed: dict[str, dict], rebuilt: set[str]) -> list[dict]:
        kept = []
        for rel, d in old_listed.items():
            if d.get("office") in rebuilt or rel in self._written:
                continue
            try:
                src = self.year_dir / rel
                dst = self._staged(rel)
            except OutputError:
                continue
            if not src.is_file() or sha256_file(src) != d["sha256"]:
                continue  # changed or gone since: no longer what the manifest says, so not listed
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            kept.append(d)
        return kept

    def _sync_staging(self) -> None:
        """Every staged file and folder on disk before the swap makes them the year folder.

        The files are synced from a few threads at once: the file system commits
        concurrent fsyncs together, where one after another each waits for its own
        journal commit (tens of milliseconds for a build's 76 files on a busy disk).
        """
        from concurrent.futures import ThreadPoolExecutor

        paths: list[str] = []
        folders: list[Path] = []
        for root, _dirs, files in os.walk(self.new):
            paths += [os.path.join(root, name) for name in files]
            folders.append(Path(root))
        if len(paths) > 1:
            with ThreadPoolExecutor(max_workers=min(8, len(paths)), thread_name_prefix="zi-docgen-fsync") as pool:
                for _ in pool.map(_fsync_file, paths):   # an OSError of any file is raised here
                    pass
        else:
            for path in paths:
                _fsync_file(path)
        for folder in folders:
            _fsync_dir(folder)

    def _set_aside_foreign(self, old_listed: dict[str, dict], listed: dict[str, str]) -> tuple[Path | None, tuple[str, ...]]:
        """Copy out what the year folder holds that no build wrote (or that was changed since)."""
        if not self.year_dir.is_dir():
            return None, ()
        foreign = []
        for root, _dirs, files in os.walk(self.year_dir):
            for name in files:
                path = Path(root, name)
                rel = path.relative_to(self.year_dir).as_posix()
                if rel == MANIFEST or name in _DEBRIS_NAMES or (name.startswith(".") and name.endswith(".tmp")):
                    continue
                want = old_listed.get(rel, {}).get("sha256")
                if want is not None:
                    try:
                        if sha256_file(path) == want:
                            continue
                    except OSError:
                        pass
                foreign.append(rel)
        if not foreign:
            return None, ()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = self.out / f"{self.year}-set-aside-{stamp}"
        n = 1
        while dest.exists():
            n += 1
            dest = self.out / f"{self.year}-set-aside-{stamp}-{n}"
        try:
            for rel in foreign:
                target = dest.joinpath(*rel.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.year_dir.joinpath(*rel.split("/")), target)
        except OSError as exc:
            _rmtree(dest)
            raise output_error(exc, dest) from None
        return dest, tuple(sorted(foreign))

    def _published(self) -> None:
        # Still inside _no_interrupt: no Ctrl-C between the rename and this record.
        self.committed = True
        _COMMITTED.append(self.year_dir)

    def _swap(self) -> None:
        with _no_interrupt():
            if not self.year_dir.exists():
                os.rename(self.new, self.year_dir)
                self._published()
                _fsync_dir(self.out)
                return
            if _exchange(self.new, self.year_dir):
                self._published()
                os.rename(self.new, self.old)   # it now holds the previous build
                _fsync_dir(self.out)
                return
            # Two renames, recoverable: .commit says .new is complete.
            with open(self.commit_mark, "wb") as fh:
                fh.write(b"staging complete\n")
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(self.out)
            try:
                os.rename(self.year_dir, self.old)
            except OSError:
                self.commit_mark.unlink()
                raise
            try:
                os.rename(self.new, self.year_dir)
            except OSError:
                os.rename(self.old, self.year_dir)
                self.commit_mark.unlink()
                raise
            self._published()
            _fsync_dir(self.out)
            self.commit_mark.unlink()


def verify(year_dir: Path) -> list[str]:
    """Problems of a published year folder: listed files missing or changed, unlisted files (for tests and users)."""
    problems = []
    try:
        body = json.loads((year_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST}: {exc}"]
    listed = {d["file"]: d["sha256"] for d in body.get("documents", [])}
    for rel, digest in listed.items():
        path = year_dir / rel
        if not path.is_file():
            problems.append(f"{rel}: listed but missing")
        elif sha256_file(path) != digest:
            problems.append(f"{rel}: differs from the manifest")
    for root, _dirs, files in os.walk(year_dir):
        for name in files:
            rel = Path(root, name).relative_to(year_dir).as_posix()
            if rel != MANIFEST and rel not in listed:
                problems.append(f"{rel}: not in the manifest")
    return problems
