"""Output of a diff report: text (coloured on a terminal; on a pipe the word diff
is written [-deleted-]{+inserted+}), a self-contained side-by-side HTML page, or JSON.
"""
from __future__ import annotations

import html
import json
from typing import Iterable

from rich.console import Console
from rich.text import Text

from ..i18n import N_, _, get_language
from .align import WordOp
from .report import GROUPS, SECTIONS, Change, Report


_TRIM = 160     # equal stretches longer than this are shortened in the terminal
_KEEP = 60


def _trim(text: str) -> str:
    if len(text) <= _TRIM:
        return text
    return f"{text[:_KEEP]} … {text[-_KEEP:]}"


def _word_text(words: Iterable[WordOp], plain: bool, trim: bool = True) -> Text:
    t = Text()
    ops = list(words)
    for i, w in enumerate(ops):
        if w.op == "equal":
            s = w.text
            if trim and len(s) > _TRIM:
                s = (s[-_KEEP:] if i == 0 else s[:_KEEP] if i == len(ops) - 1 else _trim(s))
                s = ("…" + s) if i == 0 else (s + "…") if i == len(ops) - 1 else s
            t.append(s)
        elif w.op == "delete":
            t.append(f"[-{w.text}-]" if plain else w.text, style="red strike")
        else:
            t.append(f"{{+{w.text}+}}" if plain else w.text, style="green underline")
    return t


# Kinds of change as shown (the JSON keeps the English ids).
KINDS = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed"), "amended": N_("amended"),
         "moved": N_("moved"), "relabelled": N_("relabelled"), "cell": N_("cell")}

_MONTH_NAMES = dict(jan="Jan", feb="Feb", mar="Mar", apr="Apr", mei="Mei", jun="Jun", jul="Jul", agt="Agt",
                    sep="Sep", okt="Okt", nov="Nov", des="Des")


def _label(c: Change) -> str:
    if c.old_label and c.new_label and c.old_label != c.new_label:
        return f"{c.old_label}→{c.new_label}"
    return c.new_label or c.old_label


def _cells_text(cells: tuple[str, ...]) -> str:
    from ..load.model import MONTHS

    filled = [f"{_MONTH_NAMES[m]} {v}" for m, v in zip(MONTHS, cells) if v]
    return ", ".join(filled) if filled else _("no values")


def _where(c: Change) -> str:
    return " ".join(x for x in (_label(c), f"({c.id})") if x)


def _change_line(c: Change, plain: bool) -> Text:
    marks = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow"),
             "amended": ("~", "yellow"), "moved": (">", "cyan"), "relabelled": ("#", "dim"), "cell": ("~", "yellow")}
    sign, style = marks[c.kind]
    head = f"{sign} {_(KINDS[c.kind])}"
    t = Text("  ")
    width = 3 + max(len(_(k)) for k in KINDS.values())
    t.append(head.ljust(width), style=style)
    if c.kind == "cell":
        t.append(f"{c.row} ({c.id}) × {_MONTH_NAMES.get(c.month, c.month)}: ")
        t.append(c.old_text or _("blank"), style="red")
        t.append(" → ")
        t.append(c.new_text or _("blank"), style="green")
        return t
    t.append(_where(c) + ": ")
    if c.kind == "added":
        t.append(c.new_text, style="green")
    elif c.kind == "removed":
        t.append(c.old_text, style="red")
    elif c.words:
        t.append_text(_word_text(c.words, plain))
    else:
        t.append(_trim(c.new_text))
    if c.cells and c.kind in ("added", "removed"):
        t.append(f" [{_cells_text(c.cells)}]")
    if c.kind == "moved" and c.moved_from:
        t.append("  (" + _("moved {origin}").format(origin=c.moved_from) + ")", style="dim")
    return t


def _heading(c: Change) -> str:
    title = _(SECTIONS[c.section])
    return f"{title}: {c.group_title}" if c.group_title and c.section in ("area", "targets") else title


def print_text(report: Report, console: Console) -> None:
    plain = console.color_system is None
    if report.mode == "years":
        head = f"zi-docgen diff {report.old} → {report.new}, {report.office_name} ({report.office})"
    else:
        head = f"zi-docgen diff {report.old} → {report.new}"
    console.print(Text(head, style="bold"))
    counts = report.counts()
    if report.identical:
        console.print(Text(_("No differences.")))
    else:
        yr = f" ({report.old} → {report.new})" if report.mode == "years" else ""
        console.print(Text(_("Summary: {content} change(s) of content, {year} changed only by the year{years}, "
                             "{renumbered} renumbered only.").format(content=counts["content"], year=counts["year"],
                                                                     years=yr, renumbered=counts["renumbered"])))
    content = [c for c in report.changes if c.category == "content"]
    if content:
        console.print()
        console.print(Text(_(GROUPS["content"]), style="bold underline"))
        last = None
        for c in content:
            h = _heading(c)
            if h != last:
                console.print(Text(h, style="bold"))
                last = h
            console.print(_change_line(c, plain), soft_wrap=True)
    for cat in ("year", "renumbered"):
        items = [c for c in report.changes if c.category == cat]
        if not items:
            continue
        console.print()
        console.print(Text(f"{_(GROUPS[cat])}: {len(items)}", style="bold underline"))
        by_heading: dict[str, list[str]] = {}
        for c in items:
            by_heading.setdefault(_heading(c), []).append(_where(c))
        for h, where in by_heading.items():
            line = Text("  ")
            line.append(f"{h}: ", style="bold")
            line.append(", ".join(where))
            console.print(line, soft_wrap=True)
    for r in report.redlines:
        console.print(Text(_("redline: wrote {file} ({n} tracked change(s))").format(file=r["file"], n=r["revisions"])))


_CSS = """
body{font-family:"Bookman Old Style",Georgia,serif;margin:2em;color:#222}
h1{font-size:1.3em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}
h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th.w,td.w{width:18%}th.k,td.k{width:8%}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none;border-bottom:1px solid #060}
.added{background:#f3fff3}.removed{background:#fff3f3}.src{color:#777;font-size:.8em}
summary{cursor:pointer;font-weight:bold}
"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _html_sides(c: Change) -> tuple[str, str]:
    if c.kind == "cell":
        return _e(c.old_text or _("blank")), _e(c.new_text or _("blank"))
    if c.kind == "added":
        return "", f"<ins>{_e(c.new_text)}</ins>"
    if c.kind == "removed":
        return f"<del>{_e(c.old_text)}</del>", ""
    if not c.words:
        return _e(c.old_text), _e(c.new_text)
    old = "".join(_e(w.text) if w.op == "equal" else f"<del>{_e(w.text)}</del>" for w in c.words if w.op != "insert")
    new = "".join(_e(w.text) if w.op == "equal" else f"<ins>{_e(w.text)}</ins>" for w in c.words if w.op != "delete")
    return old, new


def _html_rows(changes: list[Change]) -> list[str]:
    out: list[str] = []
    last = None
    for c in changes:
        h = _heading(c)
        if h != last:
            if last is not None:
                out.append("</table>")
            out.append(f"<h3>{_e(h)}</h3>")
            head = [_e(t) for t in (_("change"), _("where"), _("old"), _("new"))]
            out.append('<table><tr><th class="k">{}</th><th class="w">{}</th><th>{}</th><th>{}</th></tr>'.format(*head))
            last = h
        old, new = _html_sides(c)
        where = f"{c.row} × {_MONTH_NAMES.get(c.month, c.month)}" if c.kind == "cell" else _where(c)
        if c.moved_from:
            where += " (" + _("moved {origin}").format(origin=c.moved_from) + ")"
        if c.cells and c.kind in ("added", "removed"):
            cells = f'<div class="src">{_e(_cells_text(c.cells))}</div>'
            old, new = (old + cells, new) if c.kind == "removed" else (old, new + cells)
        src = " → ".join(dict.fromkeys(s for s in (c.old_src, c.new_src) if s))
        out.append(f'<tr class="{_e(c.kind)}"><td class="k">{_e(_(KINDS[c.kind]))}</td><td class="w">{_e(where)}'
                   f'{f"<div class=src>{_e(src)}</div>" if src else ""}</td><td>{old}</td><td>{new}</td></tr>')
    if last is not None:
        out.append("</table>")
    return out


def to_html(report: Report) -> str:
    title = f"zi-docgen diff {report.old} → {report.new}"
    if report.office:
        title += f", {report.office_name} ({report.office})"
    counts = report.counts()
    parts = ["<!DOCTYPE html>", f'<html lang="{get_language()}"><head><meta charset="utf-8">',
             f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>"]
    if report.identical:
        parts.append("<p>" + _e(_("No differences.")) + "</p>")
    else:
        parts.append("<p>" + _e(_("{content} change(s) of content, {year} changed only by the year, {renumbered} "
                                  "renumbered only.").format(content=counts["content"], year=counts["year"],
                                                             renumbered=counts["renumbered"])) + "</p>")
    for r in report.redlines:
        parts.append("<p>" + _e(_("Redline written: {file} ({n} tracked change(s)).").format(
            file=r["file"], n=r["revisions"])) + "</p>")
    for cat in GROUPS:
        items = [c for c in report.changes if c.category == cat]
        if not items:
            continue
        if cat == "content":
            parts.append(f"<h2>{_e(_(GROUPS[cat]))}</h2>")
            parts += _html_rows(items)
        else:
            # Collapsed: real changes of the document, but not what a reviewer looks for first.
            parts.append(f"<details><summary>{_e(_(GROUPS[cat]))}: {len(items)}</summary>")
            parts += _html_rows(items)
            parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def to_json(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def emit(console: Console, text: str) -> None:
    # As a Text with soft wrap: no markup, no emoji codes, no line breaks added inside JSON strings.
    console.print(Text(text.rstrip("\n")), soft_wrap=True, highlight=False)
