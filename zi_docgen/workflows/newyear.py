"""`zi-docgen new-year OLD NEW`: start next year's decree from this year's data.

What the new year copies, and how:

* `decree.yaml` is copied byte for byte. It holds ids and the target table;
  years in titles and text come from `{{ year }}` in data/common, so nothing
  is searched and replaced (a citation such as "Tahun 2017" must never change).
* every `offices/<id>.yaml` keeps its text (the office's `patch:` and its
  comments) except the top-level keys `number`, `date` and `team_decree`: those
  must be decided anew each year, so they become placeholders, which makes
  every document a DRAFT until someone fills them in. `jdih` (the JDIH record
  of OLD's decree) is dropped: `check` lists its fields to fill in again.
* the officials (`ketua`, `salinan`) are carried forward with `to_confirm: true`:
  the documents stay DRAFT until someone confirms they are still in office
  (and removes the flag) or writes the new official.
* anything else in the year folder (ERRATA.md: the corrections to the signed
  decree of OLD) belongs to OLD and is not copied.

Any literal of the old year left in a copied file is not rewritten either:
it is listed in the checklist with file:line for a person to review.

The new folder is built next to the data folder's years under a hidden name,
loaded and resolved for every office, and only then renamed into place, so a
failure leaves nothing half-made.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import DataError, Src, display_path, os_reason, unknown_year
from ..i18n import LANGUAGES, N_, _, ngettext, translations
from ..load.dataset import DataSet, load_dataset
from ..load.yamlsrc import LocDict, parse_yaml, yaml_problem
from ..resolve.decree import resolve

# A decree year outside this range is almost certainly a typo (2207, 202).
MIN_YEAR, MAX_YEAR = 2000, 2099

# The keys of an office's year file that are decided anew every year (jdih: the JDIH record of
# OLD's decree, its abstract and where it was published, says nothing true about NEW's).
RENEWED_KEYS = ("number", "date", "team_decree", "jdih")
# The officials: carried forward, to be confirmed.
CONFIRMED_KEYS = ("ketua", "salinan")


@dataclass(frozen=True)
class _Todo:
    where: str   # file[:line]
    what: str


CARRIED = N_("Carried forward by zi-docgen new-year: confirm, then remove to_confirm.")


def placeholder_block(new: int) -> list[str]:
    """The YAML lines that replace number/date/team_decree in an office's new year file."""
    return [
        "# " + _("Decided anew for {year} (written by zi-docgen new-year): replace each placeholder").format(
            year=new),
        "# " + _("with the real value once it is known, e.g. number: 5 and date: {date}.").format(
            date=f"{new}-01-05"),
        "number: {placeholder: Nomor Keputusan}",
        "date: {placeholder: Tanggal penetapan}",
        "team_decree:",
        "  number: {placeholder: Nomor Keputusan Tim Pembangunan ZI}",
        "  date: {placeholder: Tanggal Keputusan Tim Pembangunan ZI}",
    ]


def _last_end(node: yaml.Node) -> yaml.Mark:
    """Where the text of a value really ends.

    A block collection's own end mark lies at the next token, past any comment
    lines that follow it; those comments belong to the next key and must stay.
    """
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        return node.end_mark
    last = node.value[-1]
    return _last_end(last[1] if isinstance(last, tuple) else last)


def _line_span(key: yaml.Node, value: yaml.Node) -> tuple[int, int]:
    """0-based [start, end) lines of a top-level key and its value."""
    end = _last_end(value)
    # A block scalar's end mark sits at column 0 of the line after it.
    stop = end.line if end.column == 0 and end.line > key.start_mark.line else end.line + 1
    return key.start_mark.line, stop


def renew_office_file(text: str, new: int, path: Path) -> str:
    """The office's year file for NEW: number/date/team_decree → placeholders, the rest kept as written."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(_("malformed YAML: {problem}").format(problem=yaml_problem(str(getattr(exc, "problem", "")))),
                        Src.of(path, mark.line + 1 if mark else 0)) from None
    lines = text.splitlines()
    spans: list[tuple[int, int]] = []
    first_key = None
    if isinstance(root, yaml.MappingNode):
        officials = [(k, v) for k, v in root.value
                     if isinstance(k, yaml.ScalarNode) and k.value in CONFIRMED_KEYS and isinstance(v, yaml.MappingNode)]
        # Bottom up, so that the line numbers of the earlier ones stay right.
        for k, v in sorted(officials, key=lambda kv: -kv[0].start_mark.line):
            start, stop = _line_span(k, v)
            value = yaml.safe_load("\n".join(lines[start:stop])) or {}
            body = value.get(k.value) if isinstance(value, dict) else None
            if not isinstance(body, dict):
                continue
            body = {key: val for key, val in body.items() if key != "to_confirm"}
            body["to_confirm"] = True
            dumped = yaml.safe_dump({k.value: body}, allow_unicode=True, sort_keys=False, width=100).splitlines()
            note = "# " + _(CARRIED)
            # the note of an earlier new-year, in either language, is not repeated
            notes = {"# " + translations(lang).gettext(CARRIED) for lang in LANGUAGES}
            lines[start:stop] = ([] if start and lines[start - 1] in notes else [note]) + dumped
        text = "\n".join(lines) + "\n"
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        for k, v in root.value:
            if first_key is None:
                first_key = k.start_mark.line
            if isinstance(k, yaml.ScalarNode) and k.value in RENEWED_KEYS:
                spans.append(_line_span(k, v))
    elif root is not None:
        raise DataError(_("expected keys (number, date, team_decree, patch) at the top of the file"), Src.of(path, 1))
    block = placeholder_block(new)
    if spans:
        at = min(s for s, _ in spans)
        keep = [ln for i, ln in enumerate(lines) if not any(s <= i < e for s, e in spans)]
        # Lines removed before `at` shift it; none can be, as `at` is the first removed line.
        out = keep[:at] + block + keep[at:]
    elif first_key is not None:
        out = lines[:first_key] + block + [""] + lines[first_key:]
    else:
        out = lines + ([""] if lines and lines[-1].strip() else []) + block
    return "\n".join(out) + "\n"


def _old_year_literals(path: Path, text: str, old: int) -> list[_Todo]:
    pattern = re.compile(rf"(?<!\d){old}(?!\d)")
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        m = pattern.search(line)
        if not m:
            continue
        hash_at = line.find("#")
        in_comment = 0 <= hash_at < m.start() and (hash_at == 0 or line[hash_at - 1].isspace())
        kind = _("a comment") if in_comment else _("data")
        found.append(_Todo(f"{display_path(path)}:{n}",
                           _("mentions {old} ({kind}, copied unchanged): {text}").format(
                               old=old, kind=kind, text=line.strip()[:100])))
    return found


def _check_years(ds: DataSet, data: Path, old: int, new: int) -> None:
    if old not in ds.years:
        raise unknown_year(old, ds.years, Src.of(data))
    if not MIN_YEAR <= new <= MAX_YEAR:
        raise DataError(_("{year} is not a sensible decree year").format(year=new), Src.of(data),
                        _("give a year between {first} and {last}, e.g. {example}").format(
                            first=MIN_YEAR, last=MAX_YEAR, example=old + 1))
    if new <= old:
        raise DataError(_("the new year {new} must come after {old}").format(new=new, old=old), Src.of(data),
                        _("e.g. {example}").format(example=f"zi-docgen new-year {old} {old + 1}"))
    target = data / str(new)
    if target.exists() or target.is_symlink():
        raise DataError(_("year {year} already exists; nothing was changed").format(year=new), Src.of(target),
                        _("edit it directly, or rename that folder first if you really want to start it again"))


def _resolve_every_office(ds: DataSet, year: int) -> None:
    for oid in ds.offices:
        resolve(ds, year, oid)


def new_year(data: Path, old: int, new: int) -> list[str]:
    """Create data/<new> from data/<old>; return the checklist lines to print."""
    data = Path(data)
    ds = load_dataset(data)
    _check_years(ds, data, old, new)
    # OLD must be sound first, so that any error names OLD's real files.
    _resolve_every_office(ds, old)

    src_dir = data / str(old)
    final_dir = data / str(new)
    tmp = Path(tempfile.mkdtemp(prefix=f".new-year-{new}-", dir=data))
    try:
        stage = tmp / str(new)
        (stage / "offices").mkdir(parents=True)
        copied: list[tuple[Path, str]] = []          # (path once in place, text)

        # Byte for byte: line endings and comments exactly as the user wrote them.
        shutil.copyfile(src_dir / "decree.yaml", stage / "decree.yaml")
        decree_text = (src_dir / "decree.yaml").read_text(encoding="utf-8")
        copied.append((final_dir / "decree.yaml", decree_text))

        office_files = sorted((src_dir / "offices").glob("*.yaml")) if (src_dir / "offices").is_dir() else []
        for f in office_files:
            text = renew_office_file(f.read_text(encoding="utf-8"), new, f)
            (stage / "offices" / f.name).write_text(text, encoding="utf-8", newline="")
            copied.append((final_dir / "offices" / f.name, text))

        # The new year must load and resolve for every office before it is put in place.
        staged = DataSet(tmp, ds.offices, ds.regulations, ds.common_raw, [new])
        try:
            _resolve_every_office(staged, new)
        except DataError as exc:
            raise DataError(_("the copied year {year} does not load ({problem}); nothing was written").format(
                year=new, problem=exc.message), Src.of(src_dir), _("fix the old year's data and run again")) from None
        try:
            os.rename(stage, final_dir)
        except OSError as exc:
            raise DataError(_("cannot create the year folder: {reason}; nothing was written").format(
                reason=os_reason(exc)), Src.of(final_dir),
                _("check that it does not exist and that the folder is writable")) from None
    except OSError as exc:
        raise DataError(_("cannot write the new year: {reason}; nothing was written").format(reason=os_reason(exc)),
                        Src.of(final_dir), _("check that the data folder is writable")) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    skipped = sorted(p.relative_to(src_dir).as_posix() for p in src_dir.rglob("*")
                     if p.is_file() and p != src_dir / "decree.yaml" and p not in office_files)
    return checklist(ds, data, old, new, copied, skipped)


def checklist(ds: DataSet, data: Path, old: int, new: int, copied: list[tuple[Path, str]],
              skipped: list[str]) -> list[str]:
    todos: list[_Todo] = []
    with_file = set()
    for path, text in copied:
        if path.parent.name != "offices":
            continue
        oid = path.stem
        with_file.add(oid)
        name = ds.offices[oid].short_name
        keys = parse_yaml(text, display_path(path))
        keys = keys.key_pos if isinstance(keys, LocDict) else {}

        def line_of(key: str) -> str:
            pos = keys.get(key)
            return f"{pos.file}:{pos.line}" if pos else display_path(path)

        todos.append(_Todo(line_of("number"), _("number: the Nomor Keputusan {new} of {name}").format(
            new=new, name=name)))
        todos.append(_Todo(line_of("date"), _("date: the tanggal penetapan (date of signing, in {new}) of {name}").format(
            new=new, name=name)))
        todos.append(_Todo(line_of("team_decree"), _(
            "team_decree: number and date of the Keputusan Tim Pembangunan ZI {new} of {name}").format(
            new=new, name=name)))
        if re.search(r"^patch:", text, re.M):
            todos.append(_Todo(line_of("patch"), _(
                "patch: {name}'s own changes were kept from {old}; check they still hold in {new}").format(
                name=name, old=old, new=new)))
    without = [oid for oid in ds.offices if oid not in with_file]
    if without:
        todos.append(_Todo(display_path(data / str(new) / "offices"),
                           ngettext("{n} satker has no file yet ({ids}): its Nomor and tanggal print as "
                                    "placeholders until you add offices/<id>.yaml with number, date and team_decree",
                                    "{n} satker have no file yet ({ids}): their Nomor and tanggal print as "
                                    "placeholders until you add offices/<id>.yaml with number, date and team_decree",
                                    len(without)).format(n=len(without), ids=", ".join(without))))
    decree = display_path(data / str(new) / "decree.yaml")
    decree_text = next(t for p, t in copied if p.name == "decree.yaml")
    todos.append(_Todo(decree, _("mengingat and dasar_hukum: add regulations issued since {old}, remove revoked "
                                 "ones").format(old=old)))
    todos.append(_Todo(decree, _("targets: the monthly targets (percent) for {new}").format(new=new)))
    if re.search(r"^patch:", decree_text, re.M):
        todos.append(_Todo(decree, _("patch: the changes made for {old} were kept; check they still hold in "
                                     "{new}").format(old=old, new=new)))
    for path, text in copied:
        if path.parent.name == "offices":
            for n, ln in enumerate(text.splitlines(), 1):
                if ln.strip() == "to_confirm: true":
                    todos.append(_Todo(f"{display_path(path)}:{n}",
                                       _("to_confirm: is this official still in office in {new}? confirm (remove "
                                         "the line) or write the new name and jabatan").format(new=new)))
    if without:
        todos.append(_Todo(display_path(data / str(new) / "offices"),
                           _("ketua and salinan: {n} satker have no officials for {new} yet; they print as "
                             "placeholders until written in offices/<id>.yaml").format(n=len(without), new=new)))
    review: list[_Todo] = []
    for path, text in copied:
        review.extend(_old_year_literals(path, text, old))

    out = [_("Created {new} from {old}. Fill in before signing:").format(
        new=display_path(data / str(new)), old=display_path(data / str(old)))]
    out += [f"  [ ] {t.where}: {t.what}" for t in todos]
    if review:
        out.append(_("Review (these lines mention {old} and were copied as they are; change them only if they mean "
                     "the decree's own year):").format(old=old))
        out += [f"  [ ] {t.where}: {t.what}" for t in review]
    if skipped:
        out.append(_("Not copied (they belong to {old}): ").format(old=old) + ", ".join(skipped))
    out.append(_("Then: 'zi-docgen check --year {new}' lists every placeholder left; 'zi-docgen build --year {new}' "
                 "makes DRAFT documents until all are filled in; 'zi-docgen diff {old} {new}' shows what "
                 "changed.").format(old=old, new=new))
    return out
