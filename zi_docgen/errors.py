"""Errors a user can act on: every exception of the tool lives here.

Every error that reaches the command line carries where it comes from (file and,
where there is one, line and column), what to do about it, and the exit status
the CLI ends with, so that the CLI prints one line per mistake instead of a
traceback.
"""
from __future__ import annotations

import difflib
import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .i18n import N_, _


@dataclass(frozen=True, order=True)
class Src:
    """A place in a source file: 1-based line and column (0 when unknown).

    A Src recorded by the YAML loader for a text value also carries the value's
    span (an attribute, not a field: it takes no part in equality, order or
    asdict), so that `at(text, offset)` can point at a word inside a paragraph.
    """

    file: str
    line: int = 0
    col: int = 0
    span = None  # not a field (no annotation); see with_span()

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        return self.file

    def with_span(self, span: Any) -> "Src":
        """This position, knowing the span of the value written there."""
        out = Src(self.file, self.line, self.col)
        object.__setattr__(out, "span", span)
        return out

    @classmethod
    def of(cls, path: Path | str, line: int = 0, col: int = 0) -> "Src":
        return cls(display_path(path), line, col)

    def at(self, text: str, offset: int) -> "Src":
        """Where text[offset] was typed, for a text resolved from this value (best effort:
        the value's own position when the character cannot be traced)."""
        if self.span is None:
            return self
        return self.span.locate(text, offset) or self

    # A Src is a value: copies share the span (the loaded file's text), and a Src
    # sent to another process travels without it.
    def __copy__(self) -> "Src":
        return self

    def __deepcopy__(self, memo) -> "Src":
        return self

    def __reduce__(self):
        return (Src, (self.file, self.line, self.col))


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible: shorter and clickable."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class ZiError(Exception):
    """Base of all errors meant for the user; `exit_code` is the CLI's exit status."""

    exit_code = 2

    def __init__(self, message: str, src: Src | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.src = src
        self.hint = hint

    def __reduce__(self):
        # Errors raised in build worker processes travel back by pickle.
        return (self.__class__, (self.message, self.src, self.hint))

    def sort_key(self) -> tuple:
        s = self.src
        return (s is None, s.file if s else "", s.line if s else 0, s.col if s else 0, self.message)

    def __str__(self) -> str:
        where = f"{self.src}: " if self.src else ""
        hint = f" ({self.hint})" if self.hint else ""
        label = _("error")
        return f"{where}{label}: {self.message}{hint}"


class Invalid(ValueError):
    """A data model validator's message: an English msgid and its fields, translated where it
    is shown (pydantic turns it into a DataError there), not when the model is defined."""

    def __init__(self, template: str, **fields: Any):
        super().__init__(template.format(**fields))
        self.template = template
        self.fields = fields

    def translated(self) -> str:
        return _(self.template).format(**self.fields)


class DataError(ZiError):
    """The YAML data is malformed or inconsistent."""


class DataErrors(DataError):
    """Every mistake found in the data in one run, sorted by file:line:col."""

    def __init__(self, errors: Iterable[ZiError]):
        flat: list[ZiError] = []
        for e in errors:
            flat.extend(e.errors if isinstance(e, DataErrors) else [e])
        unique = {(str(e.src), e.message, e.hint): e for e in flat}
        self.errors: list[ZiError] = sorted(unique.values(), key=ZiError.sort_key)
        first = self.errors[0] if self.errors else None
        super().__init__(first.message if first else "", first.src if first else None, first.hint if first else None)

    def __reduce__(self):
        return (DataErrors, (self.errors,))

    def __len__(self) -> int:
        return len(self.errors)

    def lines(self, limit: int = 50) -> list[str]:
        """One line per error (at most `limit`), then how many more there are and the count."""
        out = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            out.append(_("… and {n} more").format(n=len(self.errors) - limit))
        if len(self.errors) > 1:
            out.append(_("{n} error(s) in the data").format(n=len(self.errors)))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Collector:
    """Gathers DataErrors while loading goes on, so that one run reports every mistake.

    `with c.guard(): ...` records a ZiError raised inside and carries on after the block.
    """

    def __init__(self) -> None:
        self.errors: list[ZiError] = []

    def add(self, error: ZiError) -> None:
        self.errors.append(error)

    def guard(self) -> "_Guard":
        return _Guard(self)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)


class _Guard:
    def __init__(self, collector: Collector):
        self.collector = collector

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, ZiError):
            self.collector.add(exc)
            return True
        return False


class TemplateProblem(ZiError):
    """A template is missing, corrupt, or has a syntax error."""


class OutputError(ZiError):
    """The output cannot be written (path is a file, no permission, disk full)."""


class PdfError(ZiError):
    """Making or reading a PDF failed; the message is one line a user can act on."""


class BuildRefused(ZiError):
    """The build would produce something the user asked not to get (exit status 1)."""

    exit_code = 1


def os_reason(exc: BaseException) -> str:
    """Why the system refused, in the user's language (the C library's strerror is English)."""
    code = getattr(exc, "errno", None)
    reasons = {
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("permission denied"),
        errno.EROFS: N_("the disk is read-only"),
        errno.ENOSPC: N_("the disk is full"),
        errno.ENOENT: N_("no such file or folder"),
        errno.EEXIST: N_("it already exists"),
        errno.EISDIR: N_("it is a folder"),
        errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
        errno.ENOTEMPTY: N_("the folder is not empty"),
        errno.EBUSY: N_("the file is in use"),
        errno.ENAMETOOLONG: N_("the name is too long"),
        errno.EIO: N_("input/output error of the disk"),
        errno.EADDRINUSE: N_("the address is already in use"),
        errno.EADDRNOTAVAIL: N_("this computer has no such address"),
    }
    if code in reasons:
        return _(reasons[code])
    if code is not None:
        return _("system error {code}").format(code=errno.errorcode.get(code, code))
    return type(exc).__name__


def did_you_mean(word: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The hint "did you mean 'x'?" for the closest of `choices`, or None."""
    close = closest(word, choices, cutoff)
    return _("did you mean '{word}'?").format(word=close) if close else None


def closest(word: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word` (difflib's ratio at least `cutoff`), or None."""
    text = str(word)
    if len(text) > 200:  # similarity is quadratic; nothing that long is a typo of a name
        return None
    close = difflib.get_close_matches(text, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def unknown_year(year: object, years: Sequence[int], where: Src | None) -> DataError:
    """The error for a year that has no folder in the data."""
    known = ", ".join(map(str, years)) or _("none")
    return DataError(_("unknown year {year}").format(year=year), where,
                     _("years in the data folder: {years}").format(years=known))


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


class BuildInterrupted(ZiError):
    """Ctrl-C during a build; the message says whether the output folder changed."""
