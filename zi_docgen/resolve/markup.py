"""The only markup data text has: *words* in italics (foreign terms).

A literal asterisk is written \\*, a literal backslash \\\\. An unpaired * is
kept as an asterisk. Nothing else in data text has any meaning: render turns the
segments into docxtpl RichText runs, which escape it for XML, so it appears
exactly as written.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    italic: bool


def parse(text: str) -> list[Segment]:
    """Split text into plain and italic segments."""
    if "*" not in text and "\\" not in text:
        return [Segment(text, False)] if text else []
    # First pass: tokens of literal text and star markers, honouring escapes.
    tokens: list[tuple[str, str]] = []  # ("text", s) | ("star", "*")
    buf: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "*\\":
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "*":
            if buf:
                tokens.append(("text", "".join(buf)))
                buf = []
            tokens.append(("star", "*"))
        else:
            buf.append(ch)
        i += 1
    if buf:
        tokens.append(("text", "".join(buf)))
    stars = [k for k, (kind, _) in enumerate(tokens) if kind == "star"]
    if len(stars) % 2:
        # An unpaired final star is text, not markup.
        last = stars.pop()
        tokens[last] = ("text", "*")
    paired = set(stars)
    out: list[Segment] = []
    italic = False
    for k, (kind, value) in enumerate(tokens):
        if k in paired:
            italic = not italic
            continue
        if out and out[-1].italic == italic:
            out[-1] = Segment(out[-1].text + value, italic)
        else:
            out.append(Segment(value, italic))
    return [s for s in out if s.text]


@functools.lru_cache(maxsize=8192)
def to_plain(text: str) -> str:
    # Called for the same texts by every office's check and diff.
    return "".join(s.text for s in parse(text))


def escape(text: str) -> str:
    """Markup that parses back to exactly `text` with no italics."""
    return text.replace("\\", "\\\\").replace("*", "\\*")
