"""Safe, bounded reading of a .docx someone gave us (diff, redline, templates).

Everything is checked from the zip's central directory BEFORE any part is
decompressed: the number of entries, the uncompressed size of each part and of
the whole package, and the ratio of a part's uncompressed to its compressed size
(a 1 MB zip bomb that expands to 1 GB is refused in milliseconds, with no memory
spent). zipfile then never returns more than the size the directory declared
(and checks the CRC), so the checked sizes hold while python-docx reads.

Every error names the file it is about and says what is wrong with it: missing,
a folder, not a zip package, too large, or not a Word document.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DocxError, Src, ZiError, os_reason
from ..i18n import _


@dataclass(frozen=True)
class Limits:
    file: int = 200 * 2**20           # the .docx itself
    part: int = 100 * 2**20           # one part, uncompressed
    total: int = 300 * 2**20          # all parts, uncompressed
    ratio: int = 200                  # uncompressed / compressed, for parts over `ratio_from`
    ratio_from: int = 2**20           # small parts may compress very well (an empty table's XML)
    entries: int = 10_000


LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def read_docx(path: Path | str, *, error: type[ZiError] = DocxError, limits: Limits = LIMITS) -> bytes:
    """The bytes of a .docx, after checking that it is a zip whose parts stay within `limits`."""
    path = Path(path)
    src = Src.of(path)
    if path.is_dir():
        raise error(_("is a folder, not a .docx file"), src, _("give the path of a .docx file"))
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(_("file not found"), src, _("check the name and the folder")) from None
    except OSError as exc:
        raise error(_("cannot read: {reason}").format(reason=os_reason(exc)), src,
                    _("check the file's permissions")) from None
    if size > limits.file:
        raise error(_("file too large ({size}; at most {limit})").format(size=_mb(size), limit=_mb(limits.file)), src,
                    _("a decree is far smaller; is this the right file?"))
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise error(_("cannot read: {reason}").format(reason=os_reason(exc)), src,
                    _("check the file's permissions")) from None
    check_package(blob, src, error=error, limits=limits)
    return blob


def check_package(blob: bytes, src: Src | None, *, error: type[ZiError] = DocxError,
                  limits: Limits = LIMITS) -> None:
    """Refuse a package that is not a zip, or whose declared sizes exceed `limits`."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise error(_("not a .docx file (not a zip package)"), src,
                    _("open it in Word and save it as .docx (Word Document)")) from None
    if len(infos) > limits.entries:
        raise error(_("not a usable .docx: {n} entries in the package (at most {limit})").format(
            n=len(infos), limit=limits.entries), src, _("open it in Word and save it again as .docx"))
    total = 0
    for info in infos:
        if info.file_size > limits.part:
            raise error(_("part {part} would expand to {size} (at most {limit} per part)").format(
                part=info.filename, size=_mb(info.file_size), limit=_mb(limits.part)), src,
                _("this is not an ordinary Word document"))
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise error(_("part {part} is compressed {ratio}:1 (at most {limit}:1): a zip bomb, not an ordinary "
                          "Word document").format(part=info.filename,
                                                  ratio=info.file_size // max(info.compress_size, 1),
                                                  limit=limits.ratio), src,
                        _("open it in Word and save it again as .docx"))
        total += info.file_size
        if total > limits.total:
            raise error(_("the package would expand to more than {limit}").format(limit=_mb(limits.total)), src,
                        _("this is not an ordinary Word document"))
    if not any(i.filename == "[Content_Types].xml" for i in infos):
        raise error(_("not a Word document (a zip without [Content_Types].xml)"), src,
                    _("open it in Word and save it as .docx (Word Document)"))


def open_document(path: Path | str, *, error: type[ZiError] = DocxError, limits: Limits = LIMITS,
                  blob: bytes | None = None):
    """A python-docx Document for `path`, read through `read_docx`'s checks (or from its checked `blob`)."""
    if blob is None:
        blob = read_docx(path, error=error, limits=limits)
    from docx import Document

    try:
        return Document(io.BytesIO(blob))
    except ZiError:
        raise
    except Exception as exc:  # python-docx and lxml raise several kinds for a broken package
        # python-docx's reason is English and about package parts; --debug shows it
        raise error(_("cannot be read as a Word document"), Src.of(path),
                    _("open it in Word and save it again as .docx")) from exc
