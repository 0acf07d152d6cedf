"""Map a position inside a resolved text back to the YAML file it was typed in.

Resolved texts carry the Src of their YAML value: for a block scalar (``>-``) that
is the key's line, the text itself starts on the next line. To point at a word,
the YAML file is read again (once per file), the scalar's lines are put back
together the way YAML folds them, and the resolved text is aligned with that
source: literal stretches must appear in order, {{ variables }} fill the gaps.
When that fails (the text was upper-cased, composed, or the scalar is in flow
style), the word is looked up in the lines after the value; the last resort is
the value's own position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Src
from ..resolve.textvars import VAR_RE

_FILES: dict[tuple[str, int, int], list[str]] = {}


def file_lines(name: str) -> list[str] | None:
    """The lines of a source file, cached while the file is unchanged (tests edit copies)."""
    p = Path(name)
    try:
        st = p.stat()
    except OSError:
        return None
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    lines = _FILES.get(key)
    if lines is None:
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        if len(_FILES) > 64:
            _FILES.clear()
        _FILES[key] = lines
    return lines


@dataclass
class Scalar:
    """A YAML scalar as written: its logical text and, per character, (line, col), 1-based."""

    text: str
    pos: list[tuple[int, int]]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def read_scalar(lines: list[str], line: int, col: int) -> Scalar | None:
    """The scalar that starts at line:col (1-based), folded as YAML would fold it."""
    if not (1 <= line <= len(lines)):
        return None
    row = lines[line - 1]
    c0 = col - 1
    if c0 >= len(row):
        return None
    ch = row[c0]
    if ch in ">|":
        return _block(lines, line, folded=ch == ">")
    if ch in "\"'":
        return _quoted(lines, line, c0, ch)
    if ch in "{[&*!%@`":
        return None
    return _plain(lines, line, c0)


def _block(lines: list[str], line: int, folded: bool) -> Scalar | None:
    key_indent = _indent(lines[line - 1])
    text: list[str] = []
    pos: list[tuple[int, int]] = []
    indent = None
    pending_newlines = 0
    i = line  # 0-based index of the line after the key
    while i < len(lines):
        raw = lines[i]
        if not raw.strip():
            pending_newlines += 1
            i += 1
            continue
        ind = _indent(raw)
        if indent is None:
            if ind <= key_indent:
                break
            indent = ind
        elif ind < indent:
            break
        if text:
            if folded:
                sep = "\n" * pending_newlines if pending_newlines else " "
            else:
                sep = "\n" * (pending_newlines + 1)
            for s in sep:
                text.append(s)
                pos.append(pos[-1])
        pending_newlines = 0
        for k in range(indent, len(raw)):
            text.append(raw[k])
            pos.append((i + 1, k + 1))
        i += 1
    if not text:
        return None
    return Scalar("".join(text), pos)


def _quoted(lines: list[str], line: int, c0: int, quote: str) -> Scalar | None:
    text: list[str] = []
    pos: list[tuple[int, int]] = []
    i, k = line - 1, c0 + 1
    while i < len(lines):
        row = lines[i]
        while k < len(row):
            ch = row[k]
            if quote == '"' and ch == "\\" and k + 1 < len(row):
                text.append(row[k + 1])
                pos.append((i + 1, k + 1))
                k += 2
                continue
            if ch == quote:
                if quote == "'" and k + 1 < len(row) and row[k + 1] == "'":
                    text.append("'")
                    pos.append((i + 1, k + 1))
                    k += 2
                    continue
                return Scalar("".join(text), pos)
            text.append(ch)
            pos.append((i + 1, k + 1))
            k += 1
        # a line break inside a quoted scalar folds to a space
        i += 1
        if i < len(lines):
            nxt = lines[i]
            k = _indent(nxt)
            if text:
                text.append(" ")
                pos.append(pos[-1])
    return Scalar("".join(text), pos) if text else None


_KEYLIKE = re.compile(r"^\s*(?:-\s|#|[\w.-]+\s*:(?:\s|$))")


def _plain(lines: list[str], line: int, c0: int) -> Scalar | None:
    row = lines[line - 1]
    end = len(row)
    m = re.search(r"\s#", row[c0:])
    if m:
        end = c0 + m.start()
    seg = row[c0:end].rstrip()
    text = list(seg)
    pos = [(line, c0 + 1 + k) for k in range(len(seg))]
    key_indent = _indent(row)
    i = line
    # multi-line plain scalars: more-indented lines that are not keys or items
    while i < len(lines):
        nxt = lines[i]
        if not nxt.strip() or _indent(nxt) <= key_indent or _KEYLIKE.match(nxt):
            break
        ind = _indent(nxt)
        body = nxt.rstrip()
        text.append(" ")
        pos.append(pos[-1] if pos else (i + 1, ind + 1))
        for k in range(ind, len(body)):
            text.append(body[k])
            pos.append((i + 1, k + 1))
        i += 1
    return Scalar("".join(text), pos) if text else None


# ---------------------------------------------------------------- alignment

def _literal_pattern(lit: str) -> str:
    # Whitespace may differ (folding, upper-casing keeps it); letters must match.
    return r"\s+".join(re.escape(w) for w in re.split(r"\s+", lit)) if lit.strip() else (r"\s*" if lit else "")


def align(resolved: str, source: str) -> list[int | None] | None:
    """For each character of `resolved`, the index of the source character it came from
    (the start of the {{ variable }} for expanded text), or None when unknown."""
    parts: list[tuple[str, int, int]] = []  # (kind, start, end) in source
    last = 0
    for m in VAR_RE.finditer(source):
        if m.start() > last:
            parts.append(("lit", last, m.start()))
        parts.append(("var", m.start(), m.end()))
        last = m.end()
    if last < len(source):
        parts.append(("lit", last, len(source)))
    if not parts:
        return None
    pattern = "".join(f"({_literal_pattern(source[s:e])})" if kind == "lit" else "(.*?)" for kind, s, e in parts)
    try:
        m = re.search(pattern, resolved, re.S | re.I)
    except re.error:
        return None
    if m is None:
        return None
    out: list[int | None] = [None] * len(resolved)
    for g, (kind, s, e) in enumerate(parts, start=1):
        rs, re_ = m.span(g)
        if kind == "var":
            for i in range(rs, re_):
                out[i] = s
            continue
        # walk both in step; runs of whitespace match each other
        i, j = rs, s
        while i < re_ and j < e:
            if resolved[i].isspace():
                while i < re_ and resolved[i].isspace():
                    out[i] = j
                    i += 1
                while j < e and source[j].isspace():
                    j += 1
                continue
            out[i] = j
            i += 1
            j += 1
    return out


def _word_at(text: str, offset: int) -> str:
    m = re.compile(r"[\w-]+").match(text, offset)
    return m.group() if m else text[offset:offset + 1]


def locate(src: Src | None, resolved: str, offset: int) -> Src | None:
    """The file:line:col of resolved[offset], best effort (see the module docstring)."""
    if src is None or not src.line:
        return src
    lines = file_lines(src.file)
    if lines is None:
        return src
    scalar = read_scalar(lines, src.line, src.col or 1)
    if scalar is not None:
        mapping = align(resolved, scalar.text)
        if mapping is not None and 0 <= offset < len(mapping) and mapping[offset] is not None:
            line, col = scalar.pos[mapping[offset]]
            return Src(src.file, line, col)
        found = _search_scalar(scalar, resolved, offset)
        if found:
            return Src(src.file, *found)
    found = _search_lines(lines, src.line, resolved, offset)
    return Src(src.file, *found) if found else src


def _occurrence(resolved: str, offset: int, word: str) -> int:
    pat = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    return sum(1 for m in pat.finditer(resolved) if m.start() < offset)


def _search_scalar(scalar: Scalar, resolved: str, offset: int) -> tuple[int, int] | None:
    word = _word_at(resolved, offset)
    if not word.strip():
        return None
    pat = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    hits = [m.start() for m in pat.finditer(scalar.text)]
    if not hits:
        return None
    k = min(_occurrence(resolved, offset, word), len(hits) - 1)
    return scalar.pos[hits[k]]


def _search_lines(lines: list[str], line: int, resolved: str, offset: int) -> tuple[int, int] | None:
    word = _word_at(resolved, offset)
    if len(word.strip()) < 2:
        return None
    pat = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    # after the value first (block scalars, cover lines), then just before it (item terms)
    order = list(range(line - 1, min(len(lines), line + 60))) + list(range(line - 2, max(-1, line - 6), -1))
    for i in order:
        m = pat.search(lines[i])
        if m:
            return i + 1, m.start() + 1
    return None
