"""`preview`: pages of a DOCX or PDF as PNG, written only where the user was told.

The PDF made from a DOCX and pdftoppm's pages are made in a temporary folder
that is removed afterwards; nothing is ever written beside the document. The
pages then go to --out, or, without --out, to a folder of their own in the
system's temporary folder. In --out, a file is replaced only if an earlier
preview wrote it (they are listed in ``.zi-docgen-preview.json`` there); any
other file in the way stops the preview before anything is written.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import OutputError, Src, display_path, os_reason
from ..i18n import _
from ..errors import PdfError
from ..publish.pdf import convert_to_pdf
from ..publish.pdf import preview as render_pages

RECORD = ".zi-docgen-preview.json"


def default_folder(document: Path) -> Path:
    """A folder of this document's own under the system's temporary folder."""
    key = hashlib.sha256(str(Path(os.path.abspath(document))).encode("utf-8")).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / "zi-docgen-preview" / f"{document.stem}-{key}"


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


def preview_document(document: Path, out_dir: Path | None = None, *, dpi: int = 60) -> list[Path]:
    """Render every page of document (.docx or .pdf) to PNG; returns the PNG paths in page order."""
    document = Path(document)
    if document.is_dir():
        raise OutputError(_("is a folder, not a document"), Src.of(document), _("give a .docx or .pdf file"))
    if not document.exists():
        raise OutputError(_("file not found"), Src.of(document), _("check the name and the folder"))
    kind = document.suffix.lower()
    if kind not in (".docx", ".pdf"):
        raise OutputError(_("can only preview a .docx or .pdf file"), Src.of(document))
    if str(out_dir or "x").strip() == "":
        raise OutputError(_("the output folder is empty"), None, _("give a folder with --out, or leave --out out"))
    folder = Path(out_dir) if out_dir is not None else default_folder(document)
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("the output path is a file, not a folder"), Src.of(folder),
                          _("choose another folder with --out"))

    with tempfile.TemporaryDirectory(prefix="zi-docgen-preview-") as tmp:
        work = Path(tmp)
        try:
            if kind == ".docx":
                copy = work / f"{document.stem}.docx"
                shutil.copyfile(document, copy)   # LibreOffice writes the PDF beside its input: here, not there
                pdf = convert_to_pdf([copy], workdir=work)[0]
            else:
                pdf = document
            pages = render_pages(pdf, work / "pages", dpi=dpi)
        except PdfError as exc:
            raise OutputError(exc.message, Src.of(document), exc.hint) from None

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
            stem = f"{pdf.stem}-"
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
