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

from ..errors import DocxError, Src, ZiError


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
        raise error("is a folder, not a .docx file", src, "give the path of a .docx file")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error("file not found", src, "check the name and the folder") from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", src, "check the file's permissions") from None
    if size > limits.file:
        raise error(f"file too large ({_mb(size)}; at most {_mb(limits.file)})", src,
                    "a decree is far smaller; is this the right file?")
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", src, "check the file's permissions") from None
    check_package(blob, src, error=error, limits=limits)
    return blob


def check_package(blob: bytes, src: Src | None, *, error: type[ZiError] = DocxError,
                  limits: Limits = LIMITS) -> None:
    """Refuse a package that is not a zip, or whose declared sizes exceed `limits`."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise error("not a .docx file (not a zip package)", src,
                    "open it in Word and save it as .docx (Word Document)") from None
    if len(infos) > limits.entries:
        raise error(f"not a usable .docx: {len(infos)} entries in the package (at most {limits.entries})", src,
                    "open it in Word and save it again as .docx")
    total = 0
    for info in infos:
        if info.file_size > limits.part:
            raise error(f"part {info.filename} would expand to {_mb(info.file_size)} "
                        f"(at most {_mb(limits.part)} per part)", src, "this is not an ordinary Word document")
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise error(f"part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1 "
                        f"(at most {limits.ratio}:1): a zip bomb, not an ordinary Word document", src,
                        "open it in Word and save it again as .docx")
        total += info.file_size
        if total > limits.total:
            raise error(f"the package would expand to more than {_mb(limits.total)}", src,
                        "this is not an ordinary Word document")
    if not any(i.filename == "[Content_Types].xml" for i in infos):
        raise error("not a Word document (a zip without [Content_Types].xml)", src,
                    "open it in Word and save it as .docx (Word Document)")


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
        reason = str(exc).strip() or type(exc).__name__
        raise error(f"cannot be read as a Word document: {reason}", Src.of(path),
                    "open it in Word and save it again as .docx") from None
