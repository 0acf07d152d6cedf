"""YAML → plain Python values that remember where each value came from.

This is the one place that knows source positions. libyaml parses (safely: no
arbitrary tags, nothing executed) and the values are built here from its events,
so that

- every dict and list knows the file:line:col of itself, of each key and of each
  value (`LocDict.key_src`, `LocDict.key_pos`, `LocList.item_src`);
- every text value's `Src` carries the value's span in the file, so that
  `src.at(text, offset)` maps a character of a resolved text (a word in a
  folded paragraph, after {{ variables }} were expanded) to file:line:col;
- a key written twice, an alias, an unknown tag, an impossible date, an
  oversized file, value or word and a character Word cannot hold are errors
  at file:line:col, all of them in one run (DataErrors).
"""
from __future__ import annotations

import copy
import datetime as dt

import bisect
import calendar
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import Collector, DataError, Src, _, os_reason
from ..i18n import N_, reword

#: A variable reference inside data text, e.g. "{{ office.name }}" (expanded by resolve.textvars).
VAR_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")

# Bounds on what one data file may hold: far above any real decree, low enough that
# hostile input is refused at once instead of exhausting memory or time.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
MAX_WORD_CHARS = 150
MAX_DEPTH = 40

# Characters XML 1.0 cannot carry; a decree must not silently lose them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))

# libyaml's parser when it is there (it is in the PyPI wheels): ten times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"}
_EXPLICIT_OK = {None, "!", _STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
           N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def impossible_date(value: str) -> str:
    """Why a date written YYYY-MM-DD does not exist, in the user's words (not Python's English)."""
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            return _("impossible date {value}: there is no month {month}").format(value=value, month=month)
        if day < 1 or day > calendar.monthrange(year, month)[1]:
            return _("impossible date {value}: {month} {year} has no day {day}").format(
                value=value, month=_(_MONTHS[month - 1]), year=year, day=day)
    return _("impossible date {value}").format(value=value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _tag_hint() -> str:
    return _("write plain text, numbers or dates; YAML tags like !!python or !!binary are not allowed")


class LocDict(dict):
    """A dict that knows where it, each key and each value were written."""

    # Keys whose value could not be read (an impossible date, an alias…): the mistake is
    # already reported, so validation must not report the value again as empty or missing.
    failed: frozenset | set = frozenset()

    def __init__(self, *args, src: Src | None = None, **kw):
        super().__init__(*args, **kw)
        self.src = src
        self.key_src: dict[str, Src | None] = {k: src for k in self}   # where each value starts
        self.key_pos: dict[str, Src | None] = dict(self.key_src)        # where each key is written

    def __deepcopy__(self, memo):
        return _copy_node(self, memo)


class LocList(list):
    """A list that knows where it and each of its items were written."""

    failed: frozenset | set = frozenset()   # indices of items that could not be read (see LocDict)

    def __init__(self, *args, src: Src | None = None):
        super().__init__(*args)
        self.src = src
        self.item_src: list[Src | None] = [src] * len(self)

    def __deepcopy__(self, memo):
        return _copy_node(self, memo)


# Leaves are immutable and positions (Src) are frozen: a copy of a loaded document
# (document_raw patches one per office) shares them and copies only the containers,
# about five times faster than the generic deepcopy.
_ATOMS = (str, int, float, bool, type(None), dt.date, dt.datetime)


def _copy_node(node, memo):
    new = type(node).__new__(type(node))
    if isinstance(node, dict):
        dict.update(new, [(k, v if type(v) in _ATOMS else copy.deepcopy(v, memo)) for k, v in node.items()])
    else:
        list.extend(new, [v if type(v) in _ATOMS else copy.deepcopy(v, memo) for v in node])
    new.__dict__.update({k: (v.copy() if isinstance(v, (dict, list, set)) else v) for k, v in node.__dict__.items()})
    return new


# ---------------------------------------------------------------- positions

class SourceText:
    """One loaded file's text, with its line starts computed on first use."""

    __slots__ = ("name", "text", "_starts")

    def __init__(self, name: str, text: str):
        self.name, self.text, self._starts = name, text, None

    def src(self, index: int) -> Src:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        i = bisect.bisect_right(self._starts, index) - 1
        return Src(self.name, i + 1, index - self._starts[i] + 1)

    def search(self, resolved: str, offset: int, start: int) -> Src | None:
        """The word at resolved[offset] written near `start`: in the next 60 lines, else the
        5 before (a bounded window, so the cost does not grow with the file)."""
        m = _WORD.match(resolved, offset)
        word = m.group() if m else ""
        if len(word) < 2:
            return None
        pat = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
        line_start = self.text.rfind("\n", 0, start) + 1
        end = line_start
        for _i in range(60):
            nl = self.text.find("\n", end)
            if nl < 0:
                end = len(self.text)
                break
            end = nl + 1
        hit = pat.search(self.text, line_start, end)
        if hit is None:
            begin = line_start
            for _i in range(5):
                begin = self.text.rfind("\n", 0, max(0, begin - 1)) + 1
            hits = list(pat.finditer(self.text, begin, line_start))
            hit = hits[-1] if hits else None
        return self.src(hit.start()) if hit else None


# How far ahead in the source a character of the value is looked for (past
# indentation, line breaks, escapes): a constant, so mapping stays linear.
_WINDOW = 256


class Span:
    """Where a text value was written: its source text and extent, and the value itself."""

    __slots__ = ("source", "start", "end", "value", "_map", "_aligned")

    def __init__(self, source: SourceText, start: int, end: int, value: str):
        self.source, self.start, self.end, self.value = source, start, end, value
        self._map: list[int] | None = None
        self._aligned: tuple[str, list[int | None]] | None = None

    def char_src(self, k: int) -> Src:
        """The file:line:col of value[k]."""
        if self._map is None:
            self._map = _map_chars(self.value, self.source.text, self.start, self.end)
        if not self._map:
            return self.source.src(self.start)
        return self.source.src(self._map[max(0, min(k, len(self._map) - 1))])

    def locate(self, resolved: str, offset: int) -> Src | None:
        """The file:line:col of resolved[offset], for a text resolved from this value."""
        if not resolved or not 0 <= offset < len(resolved):
            return None
        if resolved == self.value:
            return self.char_src(offset)
        if self._aligned is None or self._aligned[0] is not resolved:
            self._aligned = (resolved, align(resolved, self.value))
        k = self._aligned[1][offset]
        if k is None:
            k = _search_word(self.value, resolved, offset)
        if k is None:  # text composed from several values (a citation): look nearby
            return self.source.search(resolved, offset, self.start)
        return self.char_src(k)


class _ContainerSpan:
    """The span of a list or mapping: a resolved text is looked for in each text value in it."""

    __slots__ = ("items", "source", "start")

    def __init__(self, items, source: SourceText, start: int):
        self.items = items  # a live view: the list or dict values filled in while loading
        self.source, self.start = source, start

    def locate(self, resolved: str, offset: int) -> Src | None:
        if not 0 <= offset < len(resolved):
            return None
        for s in self.items:
            if s is not None and isinstance(s.span, Span):
                aligned = align(resolved, s.span.value)
                if aligned[offset] is not None:
                    return s.span.char_src(aligned[offset])
        return self.source.search(resolved, offset, self.start)


def _map_chars(value: str, text: str, start: int, end: int) -> list[int]:
    """For each character of a scalar's value, its index in the source text.

    The value appears in the source in order; what lies between (quotes, the block
    indicator, indentation, folded line breaks, escapes) is skipped by looking
    ahead a bounded distance.
    """
    out = [start] * len(value)
    j = start
    last = max(start, end - 1)
    for i, ch in enumerate(value):
        if j < end and text[j] == ch:
            out[i] = j
            j += 1
        elif ch.isspace() and j < end and text[j].isspace():  # a folded line break
            out[i] = j
            j += 1
        else:
            p = text.find(ch, j, min(end, j + _WINDOW))
            if p >= 0:
                out[i] = p
                j = p + 1
            else:  # an escape (\t, \u00e9): stay put
                out[i] = min(j, last)
    return out


def align(resolved: str, value: str) -> list[int | None]:
    """For each character of `resolved`, the index in `value` it came from, or None.

    `value` is data text as written, `resolved` what became of it: {{ variables }}
    expanded, perhaps upper-cased, perhaps with text before it. Literal stretches
    must appear in order; whitespace runs match each other; a variable covers the
    resolved text up to where the next literal starts. One pass: linear in the
    length of both.
    """
    out: list[int | None] = [None] * len(resolved)
    rl = resolved.lower()
    vl = value.lower()
    if len(rl) != len(resolved) or len(vl) != len(value):
        rl, vl = resolved, value
    segments: list[tuple[bool, int, int]] = []  # (is_variable, start, end) in value
    last = 0
    for m in VAR_RE.finditer(value):
        if m.start() > last:
            segments.append((False, last, m.start()))
        segments.append((True, m.start(), m.end()))
        last = m.end()
    if last < len(value):
        segments.append((False, last, len(value)))

    i = 0
    pending: int | None = None   # the start of a variable whose expansion is being covered
    anchored = False             # whether resolved and value are walking in step
    n = len(resolved)
    for is_var, s, e in segments:
        if is_var:
            pending = s
            continue
        lit = vl[s:e]
        head = lit.split(None, 1)[0] if lit.strip() else ""
        if not head:  # whitespace between two variables: part of the gap
            continue
        j = s + (len(lit) - len(lit.lstrip()))
        if pending is not None or not anchored:
            p = rl.find(head, i)
            if p < 0:
                return out
            if pending is not None:
                for x in range(i, p):
                    out[x] = pending
            i = p
        while i < n and j < e:
            if resolved[i].isspace() and value[j].isspace():
                while i < n and resolved[i].isspace():
                    out[i] = j
                    i += 1
                while j < e and value[j].isspace():
                    j += 1
            elif rl[i] == vl[j]:
                out[i] = j
                i += 1
                j += 1
            elif value[j].isspace():  # trailing whitespace of the value, dropped when resolved
                j += 1
            else:
                return out
        if j < e and value[j:e].strip():
            return out
        pending, anchored = None, True
    if pending is not None:
        for x in range(i, n):
            out[x] = pending
    return out


_WORD = re.compile(r"[\w-]+")


def _search_word(value: str, resolved: str, offset: int) -> int | None:
    """Where the word at resolved[offset] occurs in value (the same occurrence, counted)."""
    m = _WORD.match(resolved, offset)
    word = m.group() if m else resolved[offset:offset + 1]
    if not word.strip():
        return None
    pat = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    hits = [h.start() for h in pat.finditer(value)]
    if not hits:
        return None
    before = sum(1 for h in pat.finditer(resolved) if h.start() < offset)
    return hits[min(before, len(hits) - 1)]


# ---------------------------------------------------------------- reading

def load_yaml(path: Path, problems: Collector | None = None) -> Any:
    """Read one YAML file into LocDict/LocList/scalars; raise DataError(s) with file:line:col.

    With `problems`, mistakes inside the file are recorded there and what could be
    read is returned (a value in error is None, or kept when only its text is wrong).
    """
    shown = Src.of(path).file
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DataError(_("is a folder, not a file"), Src(shown))
        if size > MAX_FILE_BYTES:
            raise DataError(_("the file is too large ({size} KiB; at most {limit} KiB)").format(
                size=size // 1024, limit=MAX_FILE_BYTES // 1024), Src(shown),
                _("a data file holds the text of one decree; split it or remove what does not belong"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(_("file not found"), Src(shown)) from None
    except OSError as exc:
        raise DataError(_("cannot read file: {reason}").format(reason=os_reason(exc)), Src(shown)) from None
    return parse_yaml(decode(data, shown), shown, problems)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 bytes → text; a byte that is not UTF-8 is an error at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise DataError(_("not UTF-8 text (byte 0x{byte:02X})").format(byte=data[exc.start]),
                        Src(shown, line, col), _("save the file as UTF-8")) from None
    return text[1:] if text.startswith("\ufeff") else text


# PyYAML's problems, in English; those a person typing YAML by hand meets most, in the
# user's language (the others are shown as PyYAML words them).
_YAML_PROBLEMS = (
    (r"mapping values are not allowed here", N_("mapping values are not allowed here")),
    (r"block sequence entries are not allowed in this context",
     N_("block sequence entries are not allowed in this context")),
    (r"expected <block end>, but found (?P<found>.+)", N_("expected <block end>, but found {found}")),
    (r"expected ',' or '(?P<close>[\]}])', but got (?P<found>.+)", N_("expected ',' or '{close}', but got {found}")),
    (r"found unexpected end of stream", N_("found unexpected end of stream")),
    (r"found character (?P<char>.+) that cannot start any token", N_("found character {char} that cannot start any token")),
    (r"found undefined alias (?P<name>.+)", N_("found undefined alias {name}")),
    (r"found unknown escape character (?P<char>.+)", N_("found unknown escape character {char}")),
    (r"could not find expected ':'", N_("could not find expected ':'")),
    (r"did not find expected key", N_("did not find expected key")),
    (r"did not find expected '-' indicator", N_("did not find expected '-' indicator")),
    (r"found a tab character that violates indentation", N_("found a tab character that violates indentation")),
    (r"but found another document", N_("but found another document")),
    (r"expected the node content, but found (?P<found>.+)", N_("expected the node content, but found {found}")),
    # libyaml's wording of the same
    (r"mapping values are not allowed in this context", N_("mapping values are not allowed in this context")),
    (r"did not find expected ',' or '(?P<close>[\]}])'", N_("did not find expected ',' or '{close}'")),
    (r"found character that cannot start any token", N_("found character that cannot start any token")),
    (r"found unknown escape character", N_("found unknown escape character")),
    (r"found undefined alias", N_("found undefined alias")),
    (r"did not find expected node content", N_("did not find expected node content")),
    (r"found unknown directive name", N_("found unknown directive name")),
)


def yaml_problem(problem: str) -> str:
    """PyYAML's problem in the user's language, when it is one of the usual ones."""
    return reword(problem, _YAML_PROBLEMS)


def parse_yaml(text: str, shown: str, problems: Collector | None = None) -> Any:
    """Parse YAML text (from file `shown`) into LocDict/LocList/scalars."""
    loader = _Loader(text)
    builder = _Builder(SourceText(shown, text), loader)
    try:
        value = builder.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        src = Src(shown, mark.line + 1, mark.column + 1) if mark else Src(shown)
        problem = yaml_problem(exc.problem or exc.context or "")
        builder.errors.add(DataError(_("malformed YAML: {problem}").format(problem=problem), src,
                                     _("check indentation, colons and quotes on this line")))
        value = None
    except yaml.YAMLError as exc:
        builder.errors.add(DataError(_("malformed YAML: {problem}").format(problem=exc), Src(shown)))
        value = None
    finally:
        loader.dispose()
    if problems is None:
        builder.errors.raise_if_any()
    else:
        for e in builder.errors.errors:
            problems.add(e)
    return value


class _Builder:
    """Builds values straight from libyaml's events (no node graph: aliases never expand).

    A mistake in one value is recorded and reading goes on with the next value, so
    that one run reports every mistake in the file.
    """

    def __init__(self, source: SourceText, loader):
        self.source = source
        self.path = source.name
        self.loader = loader
        self.errors = Collector()

    def src(self, mark) -> Src:
        return Src(self.path, mark.line + 1, mark.column + 1)

    def document(self) -> Any:
        ld = self.loader
        ld.get_event()  # StreamStart
        if ld.check_event(yaml.StreamEndEvent):
            return None
        ld.get_event()  # DocumentStart
        value, _src = self.guarded(0)
        ld.get_event()  # DocumentEnd
        if not ld.check_event(yaml.StreamEndEvent):
            ev = ld.peek_event()
            self.errors.add(DataError(_("a data file holds one YAML document ('---' starts a second one)"),
                                      self.src(ev.start_mark), _("remove the second document")))
        return value

    def guarded(self, depth: int) -> tuple[Any, Src]:
        """One value and its Src; a mistake in it is recorded and None returned."""
        value, src, _failed = self._guarded(depth)
        return value, src

    def _guarded(self, depth: int) -> tuple[Any, Src, bool]:
        start = self.loader.peek_event().start_mark
        try:
            return (*self.value(depth), False)
        except DataError as exc:
            self.errors.add(exc)
            return None, self.src(start), True

    def value(self, depth: int) -> tuple[Any, Src]:
        """The next value; raising leaves the event stream after the value."""
        ev = self.loader.get_event()
        src = self.src(ev.start_mark)
        if isinstance(ev, yaml.AliasEvent):
            raise DataError(_("YAML aliases (*{name}) are not allowed in data").format(name=ev.anchor), src,
                            _("write the value out in full"))
        if isinstance(ev, yaml.ScalarEvent):
            return self.scalar(ev)
        if depth > MAX_DEPTH:
            self.skip()
            raise DataError(_("the data is nested too deeply (more than {n} levels)").format(n=MAX_DEPTH), src)
        if ev.tag not in _EXPLICIT_OK:
            self.skip()
            raise DataError(_("cannot read this value: the tag {tag} is not allowed").format(tag=_short_tag(ev.tag)), src,
                            _tag_hint())
        if isinstance(ev, yaml.SequenceStartEvent):
            items = LocList()
            items.item_src = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                item, item_src, failed = self._guarded(depth + 1)
                if failed:
                    items.failed = {*items.failed, len(items)}
                items.append(item)
                items.item_src.append(item_src)
            self.loader.get_event()
            items.src = src.with_span(_ContainerSpan(items.item_src, self.source, ev.start_mark.index))
            return items, items.src
        out = LocDict()
        out.key_src, out.key_pos = {}, {}
        out.src = src.with_span(_ContainerSpan(out.key_src.values(), self.source, ev.start_mark.index))
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_src = self.src(self.loader.peek_event().start_mark)
            key = self.key(depth)
            value, value_src, failed = self._guarded(depth + 1)
            if key is None:
                continue
            if failed:
                out.failed = {*out.failed, key}
            if key in out.key_pos:
                first = out.key_pos[key]
                self.errors.add(DataError(
                    _("key '{key}' is written twice (first at line {line})").format(key=key, line=first.line),
                    key_src, _("keep one of them")))
                continue
            out[key] = value
            out.key_pos[key] = key_src
            out.key_src[key] = value_src
        self.loader.get_event()
        return out, src

    def skip(self) -> None:
        """Consume the rest of a collection whose start event was read."""
        open_ = 1
        while open_:
            ev = self.loader.get_event()
            if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_ += 1
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                open_ -= 1

    def key(self, depth: int) -> str | None:
        ev = self.loader.peek_event()
        src = self.src(ev.start_mark)
        if not isinstance(ev, yaml.ScalarEvent):
            self.guarded(depth + 1)
            self.errors.add(DataError(_("a key must be a word"), src))
            return None
        self.loader.get_event()
        if self._tag(ev) == "tag:yaml.org,2002:merge":
            self.errors.add(DataError(_("YAML merge keys ('<<') are not supported"), src,
                                      _("write the values out")))
            return None
        try:
            key, _src = self.scalar(ev)
        except DataError as exc:
            self.errors.add(exc)
            return None
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            self.errors.add(DataError(_("a key must be a word, not {value!r}").format(value=ev.value), src))
            return None
        return str(key)

    def _tag(self, ev) -> str:
        if ev.tag in (None, "!"):
            return self.loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
        return ev.tag

    def scalar(self, ev) -> tuple[Any, Src]:
        src = self.src(ev.start_mark)
        tag = self._tag(ev)
        if tag not in _SCALAR_TAGS:
            raise DataError(_("cannot read this value: the tag {tag} is not allowed").format(tag=_short_tag(tag)), src,
                            _tag_hint())
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError as exc:
            if tag == "tag:yaml.org,2002:timestamp":
                raise DataError(impossible_date(ev.value), src, _("write a date that exists, as YYYY-MM-DD")) from None
            # Python's own reason is English; the value itself says enough.
            raise DataError(_("cannot read the value {value}").format(value=ev.value[:40]), src) from None
        except yaml.constructor.ConstructorError as exc:
            raise DataError(_("cannot read this value: {problem}").format(problem=exc.problem), src,
                            _tag_hint()) from None
        if isinstance(value, str):
            src = src.with_span(Span(self.source, ev.start_mark.index, ev.end_mark.index, value))
            try:
                self.check_text(value, src)
            except DataError as exc:  # recorded; the text is kept so that nothing else seems missing
                self.errors.add(exc)
        return value, src

    def check_text(self, value: str, src: Src) -> None:
        span: Span = src.span
        if len(value) > MAX_TEXT_CHARS:
            raise DataError(_("the text is too long ({n} characters; at most {limit})").format(
                n=len(value), limit=MAX_TEXT_CHARS), src, _("split it into several paragraphs or items"))
        bad = _INVALID_XML.search(value)
        if bad:
            raise DataError(_("the text contains an invisible control character (U+{code:04X})").format(
                code=ord(bad.group())), span.char_src(bad.start()), _("delete it; Word documents cannot hold it"))
        long = _LONG_WORD.search(value)
        if long:
            raise DataError(_("a word of {n} characters (at most {limit})").format(
                n=long.end() - long.start(), limit=MAX_WORD_CHARS), span.char_src(long.start()),
                _("put spaces between the words"))
