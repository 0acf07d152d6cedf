"""Errors a user can act on.

Every error that reaches the command line carries where it comes from (file and,
where there is one, line and column) and what to do about it, so that the CLI can
print one line and exit with status 2 instead of a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .i18n import _


@dataclass(frozen=True, order=True)
class Src:
    """A place in a source file: 1-based line and column (0 when unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        return self.file

    @classmethod
    def of(cls, path: Path | str, line: int = 0, col: int = 0) -> "Src":
        return cls(display_path(path), line, col)


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible: shorter and clickable."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class ZiError(Exception):
    """Base of all errors meant for the user (exit status 2)."""

    def __init__(self, message: str, src: Src | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.src = src
        self.hint = hint

    def __reduce__(self):
        # Errors raised in build worker processes travel back by pickle.
        return (self.__class__, (self.message, self.src, self.hint))

    def __str__(self) -> str:
        where = f"{self.src}: " if self.src else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{_('error')}: {self.message}{hint}"


class DataError(ZiError):
    """The YAML data is malformed or inconsistent."""


class TemplateProblem(ZiError):
    """A template is missing, corrupt, or has a syntax error."""


class OutputError(ZiError):
    """The output cannot be written (path is a file, no permission, disk full)."""


class DocxError(ZiError):
    """A .docx given to the tool cannot be read: missing, a folder, not a package, or too large."""


class EditRefused(ZiError):
    """An edit of the data folder was refused; nothing was written."""


class StaleEdit(EditRefused):
    """An edit was based on an older version of the item than the one on disk."""

    def __init__(self, message: str, src: Src | None = None, hint: str | None = None, current: str = ""):
        super().__init__(message, src, hint)
        self.current = current

    def __reduce__(self):
        return (self.__class__, (self.message, self.src, self.hint, self.current))
