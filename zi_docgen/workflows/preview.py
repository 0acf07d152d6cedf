"""`preview`: pages of a DOCX or PDF as PNG, written only where the user was told.

The PDF made from a DOCX and pdftoppm's pages are made in a temporary folder;
nothing is ever written beside the document. With --out the pages go there, and
a file is replaced only if an earlier preview wrote it (they are listed in
``.zi-docgen-preview.json`` there); any other file in the way stops the preview
before anything is written. Without --out the pages stay in a temporary folder
of their own for as long as the user looks at them (temporary_preview), and the
folder is removed afterwards, on Ctrl-C too. A preview killed outright cannot
clean up after itself: its folder is recognised by a lock that no live process
holds and removed by the next preview.
"""
from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from ..errors import OutputError, PdfError, Src, display_path, os_reason
from ..i18n import _
from ..publish.pdf import convert_to_pdf
from ..publish.pdf import preview as render_pages

RECORD = ".zi-docgen-preview.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(folder: Path) -> dict[str, str]:
    """The pages an earlier preview wrote here, name -> sha256 (still ours only while unchanged)."""
    try:
        names = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(names, dict):
        return {}
    return {n: h for n, h in names.items()
            if isinstance(n, str) and isinstance(h, str) and "/" not in n and "\\" not in n}


def _still_ours(folder: Path, name: str, digest: str | None) -> bool:
    try:
        return digest is not None and _digest(folder / name) == digest
    except OSError:
        return False


def _check_document(document: Path) -> str:
    if document.is_dir():
        raise OutputError(_("is a folder, not a document"), Src.of(document), _("give a .docx or .pdf file"))
    if not document.exists():
        raise OutputError(_("file not found"), Src.of(document), _("check the name and the folder"))
    kind = document.suffix.lower()
    if kind not in (".docx", ".pdf"):
        raise OutputError(_("can only preview a .docx or .pdf file"), Src.of(document))
    return kind


def _render(document: Path, kind: str, work: Path, dpi: int) -> list[Path]:
    """The pages of document as PNG files in work/pages (work is a folder of our own)."""
    try:
        if kind == ".docx":
            copy = work / f"{document.stem}.docx"
            shutil.copyfile(document, copy)   # LibreOffice writes the PDF beside its input: here, not there
            pdf = convert_to_pdf([copy], workdir=work)[0]
        else:
            pdf = document
        return render_pages(pdf, work / "pages", dpi=dpi)
    except PdfError as exc:
        raise OutputError(exc.message, Src.of(document), exc.hint) from None


def preview_document(document: Path, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    """Render every page of document (.docx or .pdf) to PNG in out_dir; returns the PNG paths in page order."""
    document = Path(document)
    kind = _check_document(document)
    if str(out_dir).strip() == "":
        raise OutputError(_("the output folder is empty"), None, _("give a folder with --out, or leave --out out"))
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("the output path is a file, not a folder"), Src.of(folder),
                          _("choose another folder with --out"))

    with tempfile.TemporaryDirectory(prefix="zi-docgen-pages-") as tmp:
        pages = _render(document, kind, Path(tmp), dpi)
        mine = _record(folder) if folder.is_dir() else {}
        names = [p.name for p in pages]
        for name in names:
            target = folder / name
            if (target.exists() or target.is_symlink()) and not _still_ours(folder, name, mine.get(name)):
                raise OutputError(_("would replace {file}, which zi-docgen did not write").format(
                                      file=display_path(target)),
                                  Src.of(document), _("choose another folder with --out, or move that file; "
                                                      "nothing was written"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Pages of an earlier preview of this document that no longer exist (fewer pages now),
            # if they are still as that preview wrote them.
            stem = f"{document.stem}-"
            for old in sorted(set(mine) - set(names)):
                if old.startswith(stem) and old.endswith(".png") and _still_ours(folder, old, mine[old]):
                    (folder / old).unlink()
                mine.pop(old, None)
            out = []
            for page in pages:
                target = folder / page.name
                shutil.copyfile(page, target)
                out.append(target)
                mine[page.name] = _digest(target)
            (folder / RECORD).write_text(json.dumps(mine, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        except OSError as exc:
            raise OutputError(_("cannot write the preview: {reason}").format(reason=os_reason(exc)),
                              Src.of(folder), _("choose another folder with --out")) from None
    return out


# ---------------------------------------------------------------- without --out: a folder that goes away

TEMP_PREFIX = "zi-docgen-preview-"
_LOCK = ".zi-docgen-preview.lock"


def _sweep_leftovers(root: Path) -> None:
    """Remove the folders of earlier previews that were killed before they could remove them.

    A running preview holds the lock in its folder; the operating system lets
    go of it when that process ends, however it ends. Only our own folders
    (our prefix, our lock file) are considered.
    """
    from filelock import FileLock, Timeout

    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(TEMP_PREFIX) and (p / _LOCK).is_file()]
    except OSError:
        return
    for folder in candidates:
        lock = FileLock(str(folder / _LOCK))
        try:
            lock.acquire(timeout=0)
        except (Timeout, OSError):
            continue   # a preview that is still open
        try:
            _remove(folder)
        finally:
            lock.release()


def _remove(folder: Path) -> bool:
    """Remove folder; a viewer on Windows may still hold a page open for a moment, so try a few times."""
    for attempt in range(5):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return True
        time.sleep(0.2 * (attempt + 1))
    return False


def _index_page(folder: Path, document: Path, pages: list[Path]) -> Path:
    """One HTML page that shows every page image in order, for a browser to open."""
    imgs = "\n".join(f'<p><img src="{quote(p.name)}" alt="{html.escape(p.name)}" '
                     'style="max-width:100%;border:1px solid #999"></p>' for p in pages)
    index = folder / "index.html"
    index.write_text(f"<!doctype html>\n<meta charset=utf-8>\n<title>{html.escape(document.name)}</title>\n"
                     f"<body style='background:#ddd;text-align:center'>\n<h3>{html.escape(document.name)}</h3>\n"
                     f"{imgs}\n</body>\n", encoding="utf-8")
    return index


def open_in_viewer(path: Path) -> bool:
    """Open path with the system's own program; False where there is none (no desktop)."""
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]
            return True
        if sys.platform == "darwin":
            opener = ["open"]
        else:
            if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or not shutil.which("xdg-open"):
                return False
            opener = ["xdg-open"]
        subprocess.Popen([*opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        return True
    except OSError:
        return False


@contextlib.contextmanager
def temporary_preview(document: Path, *, dpi: int = 60) -> Iterator[tuple[Path, list[Path], Path]]:
    """The pages of document in a temporary folder of their own, removed when the block ends.

    Yields (folder, pages, index.html). The folder is removed on leaving the
    block, also on Ctrl-C or an error; if something still holds it (a viewer on
    Windows), the error says which folder is left.
    """
    from filelock import FileLock

    document = Path(document)
    kind = _check_document(document)
    root = Path(tempfile.gettempdir())
    _sweep_leftovers(root)
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    lock = FileLock(str(folder / _LOCK))
    lock.acquire(timeout=0)
    try:
        work = folder / "work"
        work.mkdir()
        pages = []
        for page in _render(document, kind, work, dpi):
            target = folder / page.name
            os.replace(page, target)
            pages.append(target)
        shutil.rmtree(work, ignore_errors=True)
        index = _index_page(folder, document, pages)
        yield folder, pages, index
    finally:
        lock.release()
        removed = _remove(folder)
    if not removed:
        raise OutputError(_("could not remove the preview folder"), Src.of(folder),
                          _("close the program that shows the pages, then delete the folder"))
