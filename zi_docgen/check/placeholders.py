"""Placeholder findings a person can act on: where to write each value, and the YAML to add.

One line per placeholder, grouped per satker. With more than a few, each satker
gets a one-line summary instead, and `check --satker ID` shows its details.
"""
from __future__ import annotations

from ..i18n import _, ngettext
from .findings import Finding

# Up to this many placeholders (or up to 3 satker) are listed one by one; more become one line per satker.
FEW = 10


def _where(f: Finding) -> str:
    if f.file_missing:
        return _("this file does not exist yet: create it with the YAML below")
    if f.src is not None and f.src.line:
        return _("write the value here ({field})").format(field=f.field) if f.field else _("write the value here")
    if f.field:
        return _("add '{field}' to this file (YAML below)").format(field=f.field)
    return _("write the value in this file")


def line(f: Finding) -> str:
    where = str(f.src) if f.src else (f.office or "-")
    return f"{where}: {f.message}; {_where(f)}"


def yaml_to_add(items: list[tuple[str, str]], year: int = 2027) -> list[str]:
    """The YAML lines that give a value to each (dotted field, placeholder text), values left blank."""
    lines: list[str] = []
    parents_done: set[str] = set()
    width = max(len("  " * f.count(".") + f.rsplit(".", 1)[-1]) for f, _t in items) + 2
    for field, text in sorted(items, key=lambda it: (it[0].split(".")[0], it[0].count("."), it[0])):
        parts = field.split(".")
        for depth, parent in enumerate(parts[:-1]):
            key = ".".join(parts[:depth + 1])
            if key not in parents_done:
                parents_done.add(key)
                lines.append("  " * depth + f"{parent}:")
        key = "  " * (len(parts) - 1) + f"{parts[-1]}:"
        hint = text
        if parts[-1] == "date":
            hint += ", " + _("YYYY-MM-DD, e.g. {example}").format(example=f"{year}-01-05")
        lines.append(f"{key.ljust(width)} # {hint}")
    return lines


def _office_key(f: Finding) -> str:
    return f.office or ""


def report(placeholders: list[Finding], names: dict[str, str], year: int = 2027) -> list[str]:
    """The lines `check` prints for its placeholders (empty list when there are none)."""
    if not placeholders:
        return []
    groups: dict[str, list[Finding]] = {}
    for f in placeholders:
        groups.setdefault(_office_key(f), []).append(f)

    def title(key: str) -> str:
        if not key:
            return _("every satker")
        ids = key.split(",")
        if len(ids) == 1:
            return f"{ids[0]} ({names[ids[0]]})" if ids[0] in names else ids[0]
        return ngettext("{n} satker", "{n} satker", len(ids)).format(n=len(ids)) + f" ({', '.join(ids)})"

    if all(f.rule == "jdih" for f in placeholders):
        out = ["", _("Placeholders of the JDIH record (not filled in yet; jdihn.json is marked draft, "
                     "the documents are not):")]
    else:
        out = ["", _("Placeholders (not filled in yet; the documents are DRAFT):")]
    if len(placeholders) > FEW and len(groups) > 3:
        for key, items in groups.items():
            missing = sorted({str(f.src) for f in items if f.file_missing and f.src})
            summary = ngettext("{title}: {n} placeholder not filled in", "{title}: {n} placeholders not filled in",
                               len(items)).format(title=title(key), n=len(items))
            if missing:
                summary += "; " + _("create {file}").format(file=", ".join(missing))
            out.append("  " + summary)
        out.append(_("Run 'zi-docgen check --satker ID' to see where each value goes and the YAML to add."))
        return out
    for key, items in groups.items():
        if len(groups) > 1 or key:
            out.append(title(key) + ":")
        for f in items:
            out.append("  " + line(f))
        # The YAML to add, per file that lacks the keys (or does not exist yet).
        to_add: dict[str, list[tuple[str, str]]] = {}
        missing_files = set()
        for f in items:
            if f.field and f.src is not None and not f.src.line:
                text = f.message
                to_add.setdefault(f.src.file, [])
                if (f.field, text) not in to_add[f.src.file]:
                    to_add[f.src.file].append((f.field, _placeholder_text(f)))
                if f.file_missing:
                    missing_files.add(f.src.file)
        for file, fields in to_add.items():
            if file in missing_files:
                out.append("  " + _("Create {file} with:").format(file=file))
            else:
                out.append("  " + _("Add to {file}:").format(file=file))
            out.extend("      " + ln for ln in yaml_to_add(fields, year))
    return out


def _placeholder_text(f: Finding) -> str:
    # The message is "[text] ...": the bracketed part names the value.
    m = f.message
    return m[1:m.index("]")] if m.startswith("[") and "]" in m else f.field
