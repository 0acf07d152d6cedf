"""Stage 1, load: YAML files → validated models, each value keeping its file:line.

Layout of the data folder:

    regulations.yaml            the catalogue of legal bases
    offices.yaml                the office registry
    common/*.yaml               text shared by every year and office
    <year>/decree.yaml          what changes every year (+ optional patch)
    <year>/offices/<id>.yaml    one office's values for that year (+ optional patch)

The common text is layered: the year's patch, then the office's patch
(replace / add / remove items by id), applied to the raw data before it is
validated, so each value still points at the file that wrote it.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..i18n import _
from ..errors import Collector, DataError, DataErrors, Invalid, Src, closest, did_you_mean, unknown_year
from .model import (MONTHS, CommonDoc, Office, OfficesFile, OfficeYear, Patch, Regulation, RegulationsFile,
                    TargetGroup, YearFile)
from .yamlsrc import LocDict, LocList, load_yaml

M = TypeVar("M", bound=BaseModel)

YEAR_RE = re.compile(r"^\d{4}$")


def validate(model: type[M], raw: Any, file_src: Src, errors: Collector | None = None,
             context: "Describer | None" = None) -> M | None:
    """Validate raw YAML data, reporting every mistake with file:line:col in the user's words.

    Without `errors`, the mistakes are raised at once (DataErrors). With it, they are
    recorded there; the values in error are removed and validation is tried again,
    so that mistakes further on are found too, and the model of what is left is
    returned (None when nothing sensible is left).
    """
    own = errors is None
    errors = Collector() if own else errors
    if raw is None:
        raw = LocDict()
        raw.src, raw.key_src, raw.key_pos = file_src, {}, {}
    describe = context or Describer()
    seen: set[tuple] = set()
    suppressed: set[tuple] = set()
    result = None
    for _attempt in range(_MAX_ROUNDS):
        try:
            result = model.model_validate(raw)
            break
        except ValidationError as exc:
            found = exc.errors(include_url=False)
            # A misspelt key also makes the real key "missing": name the misspelling only.
            extra = {tuple(e["loc"][:-1]) for e in found if e["type"] == "extra_forbidden"}
            pruned = False
            suppressed |= {tuple(e["loc"]) for e in found
                           if e["type"] == "missing" and tuple(e["loc"][:-1]) in extra}
            new = []
            for err in found:
                loc = tuple(err["loc"])
                key = (loc, err["type"])
                if key not in seen and loc not in suppressed and not _already_reported(raw, loc):
                    seen.add(key)
                    new.append(_data_error(err, raw, file_src, model, describe))
            for err in new:
                errors.add(err)
            targets = set()
            for err in found:
                # An unknown key goes; any other mistake takes its item (list entry, regulation)
                # with it: a missing key cannot be made up, and a half item would only cause
                # more, misleading, errors.
                loc = tuple(err["loc"])
                target = loc if err["type"] == "extra_forbidden" else _item_of(raw, loc)
                if err["type"] == "missing" and target == loc:
                    continue  # nothing to drop but the whole file: that part stays invalid
                path = tuple(_raw_path(raw, target))
                if path:
                    targets.add(path)
            # Paths are taken before anything goes: a key inside an item that goes is not looked
            # up again (it would point at the next item, or at the list itself once the last one
            # is gone), and the later entries of a list go first so the earlier indices hold.
            for path in sorted(targets, reverse=True):
                if not any(path[:k] in targets for k in range(1, len(path))):
                    pruned |= _prune(raw, path, describe)
            if not pruned:
                break
    if own:
        errors.raise_if_any()
    return result


_MAX_ROUNDS = 8

MONTH_NAMES = dict(zip(MONTHS, ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                "September", "Oktober", "November", "Desember")))


class Describer:
    """Names a value in the user's words, e.g. 'target for Desember, row "…" (area name)'."""

    def __init__(self, area_names: dict[str, str] | None = None):
        self.area_names = area_names or {}
        self.broken: set[str] = set()   # ids of items dropped because they were in error
        self.offices_incomplete = False  # an office of the registry was dropped (its id may be the mistake)

    def thing(self, raw: Any, loc: tuple) -> str:
        path = _raw_path(raw, loc)
        nodes = [raw]
        for part in path:
            nodes.append(nodes[-1][part])
        # a target cell: targets.<g>.rows.<r>.months.<mon>
        if len(path) >= 4 and path[-2] == "months" and path[-4] == "rows":
            row, group = nodes[-3], nodes[-5] if len(path) >= 5 else nodes[0]
            label = row.get("label") if isinstance(row, dict) else None
            area = group.get("area") if isinstance(group, dict) else None
            area_name = self.area_names.get(area, area) if isinstance(area, str) else None
            month = MONTH_NAMES.get(str(path[-1]), str(path[-1]))
            out = _("target for {month}").format(month=month)
            if label:
                out += _(', row "{label}"').format(label=label)
            if area_name:
                out += f" ({area_name})"
            return out
        field_name = str(loc[-1]) if loc and isinstance(loc[-1], str) and _is_field(loc[-1]) else None
        if field_name is None and len(path) >= 2 and isinstance(path[-1], int) and isinstance(path[-2], str):
            return _("item {n} of '{field}'").format(n=path[-1] + 1, field=path[-2])
        if path[:1] == ["regulations"] and len(path) >= 2:
            owner = _("regulation '{id}'").format(id=path[1])
        else:
            owner = None
            last = len(path) - 1 if field_name is not None and path and path[-1] == field_name else len(path)
            for i in range(last, 0, -1):
                node, container = nodes[i], path[i - 2] if i >= 2 else None
                if isinstance(node, dict):
                    name = _name_of(node)
                    if name:
                        kind = _KINDS.get(container) if isinstance(container, str) else None
                        owner = f"{_(kind)} {name}" if kind else name
                        break
        if field_name and owner:
            return _("'{field}' of {owner}").format(field=field_name, owner=owner)
        if field_name:
            return f"'{field_name}'"
        return owner or _("this value")


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; _() translates it where used."""
    return message


_KINDS = {"offices": N_("office"), "areas": N_("area"), "rows": N_("row"), "targets": N_("target group"),
          "menimbang": N_("Menimbang item"), "diktum": N_("diktum"), "sections": N_("section"),
          "chapters": N_("chapter"), "blocks": N_("block"), "items": N_("item"), "actions": N_("item")}


def _is_field(part: str) -> bool:
    # pydantic adds model names (Office), union branches (str, int) and "[key]" to a location
    return not part[:1].isupper() and part not in ("str", "int", "float", "bool", "date", "[key]") \
        and not part.startswith(("function-", "literal[", "list[", "dict["))


def _name_of(node: dict) -> str | None:
    for key in ("id", "label", "name", "title"):
        value = node.get(key)
        if isinstance(value, str) and value:
            return f"'{value[:60]}'"
    return None


def _shown(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return _("nothing")
    if isinstance(value, (dict, list)):
        return _("a list") if isinstance(value, list) else _("keys")
    text = str(value)
    return repr(text[:60]) if isinstance(value, str) else text[:60]


def _raw_path(raw: Any, loc: tuple) -> list:
    """The keys and indices of a pydantic location that exist in the raw data, in order."""
    path, node = [], raw
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    return path


def _already_reported(raw: Any, loc: tuple) -> bool:
    """Whether `loc` is, or is inside, a value the loader could not read and has reported
    (an impossible date, an alias…): pydantic would only see it as empty, or as missing
    once it is removed."""
    node = raw
    for part in loc:
        if part in getattr(node, "failed", ()):
            return True
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
    return False


def _item_of(raw: Any, loc: tuple) -> tuple:
    """The location of the innermost list entry or regulation holding `loc` (or loc itself)."""
    path = _raw_path(raw, loc)
    for i in range(len(path), 0, -1):
        if isinstance(path[i - 1], int) or (i == 2 and path[0] == "regulations"):
            return tuple(path[:i])
    return loc


def _prune(raw: Any, loc: tuple, describe: Describer) -> bool:
    """Remove the value at (or, when missing, the item holding) `loc`; whether anything went."""
    path = _raw_path(raw, loc)
    if not path:
        return False
    parent = raw
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    gone = parent[last]
    if isinstance(gone, dict) and isinstance(gone.get("id"), str):
        describe.broken.add(gone["id"])
    if path[0] == "offices":
        describe.offices_incomplete = True
    if isinstance(parent, dict):
        if path[:1] == ["regulations"] and len(path) == 2:
            describe.broken.add(str(last))
        del parent[last]
        for attr in ("key_src", "key_pos"):
            getattr(parent, attr, {}).pop(last, None)
    else:
        del parent[last]
        if hasattr(parent, "item_src"):
            del parent.item_src[last]
        if getattr(parent, "failed", None):  # the later items move up one
            parent.failed = {i - (i > last) for i in parent.failed if i != last}
    return True


def _data_error(err: dict, raw: Any, file_src: Src, model: type[BaseModel], describe: Describer) -> DataError:
    loc = tuple(err["loc"])
    src = _src_for(raw, loc, file_src)
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(key, allowed) or (_("allowed keys: {keys}").format(keys=", ".join(allowed))
                                              if allowed else None)
        node = _walk(raw, loc[:-1])
        if isinstance(node, LocDict) and str(key) in node.key_pos:
            src = node.key_pos[str(key)]
        else:
            src = _src_for(raw, loc[:-1], file_src)
        return DataError(_("unknown key '{key}'").format(key=key), src, hint)
    if kind == "missing":
        parent = _walk(raw, loc[:-1])
        src = getattr(parent, "src", src)
        owner = describe.thing(raw, loc[:-1]) if _raw_path(raw, loc[:-1]) else _("this file")
        return DataError(_("missing required key '{key}' (in {owner})").format(key=loc[-1], owner=owner), src,
                         _("add '{key}:'").format(key=loc[-1]))
    thing = describe.thing(raw, loc)
    if "[key]" in loc:
        node = _walk(raw, loc[:loc.index("[key]") - 1])
        key = loc[loc.index("[key]") - 1]
        if isinstance(node, LocDict) and str(key) in node.key_pos:
            src = node.key_pos[str(key)]
    is_target = "months" in loc
    if is_target and kind in ("less_than_equal", "greater_than_equal", "int_type", "int_parsing",
                              "int_from_float", "bool_type"):
        return DataError(_("{thing}, must be 0–100 %, got {value}").format(thing=thing, value=_shown(value)), src,
                         _("write a whole number from 0 to 100, without %"))
    if is_target and kind == "literal_error":
        return DataError(_("unknown month '{month}'").format(month=value), src,
                         did_you_mean(value, MONTHS) or _("months are written {months}").format(
                             months=", ".join(MONTHS)))
    if kind == "string_pattern_mismatch":
        return DataError(_("{thing}: {value} is not a valid id").format(thing=thing, value=_shown(value)), src,
                         _("ids are lowercase words and digits joined by '-', e.g. kab-sambas"))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        msg = _("{thing} must be a whole number, got {value}")
    elif kind in ("bool_type", "bool_parsing"):
        msg = _("{thing} must be true or false, got {value}")
    elif kind in ("date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"):
        msg = _("{thing} must be a date written YYYY-MM-DD, got {value}")
    elif kind in ("string_type",):
        msg = _("{thing} must be text, got {value}")
    elif kind in ("list_type",):
        msg = _("{thing} must be a list (lines starting with '- '), got {value}")
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        msg = _("{thing} must be keys with values, got {value}")
    elif kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace("' or '", "' " + _("or") + " '")
        msg = _("{thing} must be one of {expected}, got {value}").replace("{expected}", expected)
    elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        ctx = err.get("ctx", {})
        limit = {"less_than_equal": _("at most {n}"), "greater_than_equal": _("at least {n}"),
                 "less_than": _("less than {n}"), "greater_than": _("more than {n}")}[kind].format(
            n=ctx.get({"less_than_equal": "le", "greater_than_equal": "ge", "less_than": "lt",
                       "greater_than": "gt"}[kind], "?"))
        msg = _("{thing} is out of range ({limit}), got {value}").replace("{limit}", limit)
    elif kind == "value_error":
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, Invalid):
            text = cause.translated()
        else:
            text = err["msg"][len("Value error, "):] if err["msg"].startswith("Value error, ") else err["msg"]
            text = _(text)  # the validators' fixed messages are marked N_() in model.py
        return DataError(_("{thing}: {problem}").format(thing=thing, problem=text), src)
    elif kind in ("string_too_short", "too_short"):
        msg = _("{thing} must not be empty, got {value}")
    else:
        # pydantic's own wording is English: name the value, not the rule
        msg = _("{thing}: {value} is not a valid value here")
    return DataError(msg.format(thing=thing, value=_shown(value)), src)


def _src_for(raw: Any, path: tuple, default: Src) -> Src:
    """The most precise known source for a pydantic error's path into the raw data."""
    best = getattr(raw, "src", None) or default
    node = raw
    for part in path:
        if isinstance(node, LocDict) and isinstance(part, str) and part in node:
            best = node.key_src.get(part) or best
            node = node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_src[part] or best
            node = node[part]
        else:
            break
    return best


def _walk(raw: Any, path: tuple) -> Any:
    node = raw
    for part in path:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return node
    return node


def _allowed_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """Field names of the model at `path` (best effort, for "did you mean")."""

    current: Any = model
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and (part[:1].isupper() or "[" in part)):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            continue
        ann = fields[part].annotation
        current = _inner_model(ann)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _inner_model(ann: Any) -> Any:
    import typing

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- the data set

@dataclass
class DataSet:
    root: Path
    offices: dict[str, Office]
    regulations: dict[str, Regulation]
    common_raw: LocDict
    years: list[int]
    # Words the staff accept for spelling (data/lexicon.txt), beside the shipped dictionary.
    lexicon: frozenset[str] = frozenset()
    # Every mistake found while loading (a tolerant load keeps going; see load_dataset).
    problems: Collector = field(default_factory=Collector, repr=False)
    describe: "Describer" = field(default_factory=lambda: Describer(), repr=False)
    _year_cache: dict[int, "YearData"] = field(default_factory=dict, repr=False)
    _common_cache: dict[int, tuple] = field(default_factory=dict, repr=False)

    def year(self, year: int) -> "YearData":
        if year not in self._year_cache:
            before = len(self.problems.errors)
            load_year(self, year)  # caches itself before checking the patches against it
            if not self.tolerant and len(self.problems.errors) > before:
                self.problems.raise_if_any()
        return self._year_cache[year]

    @property
    def tolerant(self) -> bool:
        return getattr(self, "_tolerant", False)

    @property
    def errors(self) -> list:
        return self.problems.errors

    def office(self, office_id: str) -> Office:
        if office_id not in self.offices:
            hint = did_you_mean(office_id, self.offices) or _("run 'zi-docgen satker' for the list")
            raise DataError(_("unknown office '{id}'").format(id=office_id), Src.of(self.root / "offices.yaml"), hint)
        return self.offices[office_id]

    def require_year(self, year: int | None) -> int:
        """The year asked for (the latest when None); an unknown year is an error."""
        if year is None:
            return self.latest_year
        if year not in self.years:
            raise unknown_year(year, self.years, Src.of(self.root))
        return year

    @property
    def latest_year(self) -> int:
        if not self.years:
            raise DataError(_("no year folder (e.g. 2026/) in the data folder"), Src.of(self.root),
                            _("create one with 'zi-docgen new-year' or copy an existing year"))
        return self.years[-1]


@dataclass
class YearData:
    year: int
    file: YearFile
    raw: LocDict
    office_raw: dict[str, Any]
    office_files: dict[str, OfficeYear]
    path: Path


def load_dataset(root: Path, tolerant: bool = False) -> DataSet:
    """Load the data folder, finding every mistake in every file in one run.

    By default any mistake raises DataErrors (all of them, sorted by file:line:col).
    With `tolerant`, the mistakes are kept in `ds.errors` and what is valid is
    loaded, so that `check` can report them together with its own findings.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError(_("data folder not found"), Src.of(root),
                        _("run the command in a working folder that has data/, pass --data DIR, "
                          "or create one with 'zi-docgen init FOLDER'"))
    problems = Collector()
    describe = Describer()
    regs_file = _load_valid(RegulationsFile, root / "regulations.yaml", problems, describe)
    regs = regs_file.regulations if regs_file else {}
    offices_file = _load_valid(OfficesFile, root / "offices.yaml", problems, describe)
    offices: dict[str, Office] = {}
    for office in (offices_file.offices if offices_file else []):
        if office.id in offices:
            problems.add(DataError(_("office id '{id}' is used twice (first at line {line})").format(
                id=office.id, line=offices[office.id].src.line), office.src_of("id"), _("give each office its own id")))
            continue
        offices[office.id] = office
    _check_regulation_refs(regs, problems, describe)
    common = LocDict()
    common.src, common.key_src, common.key_pos = Src.of(root / "common"), {}, {}
    with problems.guard():
        common = _load_common(root, problems)
    describe.area_names = _area_names(common)
    years = sorted(int(p.name) for p in root.iterdir() if p.is_dir() and YEAR_RE.match(p.name))
    lexicon = frozenset()
    with problems.guard():
        lexicon = read_lexicon(root / LEXICON_FILE)
    ds = DataSet(root, offices, regs, common, years, lexicon, problems, describe)
    ds._tolerant = True  # type: ignore[attr-defined]  # while every year is read
    for y in years:
        ds.year(y)
    ds._tolerant = tolerant  # type: ignore[attr-defined]
    if not tolerant:
        problems.raise_if_any()
    return ds


def _load_valid(model: type[M], path: Path, problems: Collector, describe: Describer) -> M | None:
    raw = _MISSING = object()
    with problems.guard():
        raw = load_yaml(path, problems)
    if raw is _MISSING:
        return None
    return validate(model, raw, Src.of(path), problems, describe)


def _area_names(common: Any) -> dict[str, str]:
    lam = common.get("lampiran") if isinstance(common, dict) else None
    areas = lam.get("areas") if isinstance(lam, dict) else None
    return {a["id"]: a["name"] for a in (areas or []) if isinstance(a, dict) and isinstance(a.get("id"), str)
            and isinstance(a.get("name"), str)}


def _check_regulation_refs(regs: dict[str, Regulation], problems: Collector, describe: Describer) -> None:
    for rid, reg in regs.items():
        for amend in reg.amended_by:
            if amend == rid:
                problems.add(DataError(_("regulation '{id}' is amended by itself").format(id=rid),
                                       reg.src_of("amended_by"), _("remove '{id}' from its amended_by").format(id=rid)))
                reg.amended_by = [a for a in reg.amended_by if a != rid]  # reported; a citation must not loop
            elif amend not in regs and amend not in describe.broken:
                problems.add(DataError(_("regulation '{id}' is amended by unknown id '{other}'").format(
                    id=rid, other=amend), reg.src_of("amended_by"),
                    did_you_mean(amend, regs) or _("add it to regulations.yaml or fix the id")))
        for key in ("revoked_by", "successor"):
            other = getattr(reg, key)
            if other is not None and other not in regs:
                problems.add(DataError(_("regulation '{id}': {key} names unknown id '{other}'").format(
                    id=rid, key=key, other=other), reg.src_of(key), _("add it to regulations.yaml or fix the id")))
    # a cycle (a amended by b, b amended by a): walk the graph once, colouring nodes
    state: dict[str, int] = {}
    for start in regs:
        if state.get(start):
            continue
        stack = [(start, iter(regs[start].amended_by))]
        trail = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                trail.pop()
                continue
            if child not in regs or child == node:
                continue
            if state.get(child) == 1:
                cycle = trail[trail.index(child):] + [child]
                problems.add(DataError(_("regulations amend each other in a cycle: {cycle}").format(
                    cycle=" → ".join(cycle)), regs[node].src_of("amended_by"),
                    _("a regulation is amended only by later ones")))
                regs[node].amended_by = [a for a in regs[node].amended_by if a != child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(regs[child].amended_by)))
                trail.append(child)


LEXICON_FILE = "lexicon.txt"


def read_lexicon(path: Path) -> frozenset[str]:
    """data/lexicon.txt: one word a line, '#' starts a comment; a missing file is an empty lexicon."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return frozenset()
    except UnicodeDecodeError:
        raise DataError(_("the file is not UTF-8 text"), Src.of(path),
                        _("save it again as UTF-8 (in Notepad: Save As, Encoding UTF-8)")) from None
    words = set()
    for n, line in enumerate(text.splitlines(), 1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if len(word.split()) > 1:
            raise DataError(_("one word a line, got {text!r}").format(text=word), Src.of(path, n),
                            _("put each word on its own line"))
        words.add(word)
    return frozenset(words)


def _load_common(root: Path, problems: Collector) -> LocDict:
    folder = root / "common"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise DataError(_("no common text found"), Src.of(folder),
                        _("the data folder needs common/keputusan.yaml and common/lampiran.yaml"))
    merged = LocDict()
    merged.src = Src.of(folder)
    merged.key_src, merged.key_pos = {}, {}
    for f in files:
        raw = None
        with problems.guard():
            raw = load_yaml(f, problems)
        if raw is None:
            continue
        if not isinstance(raw, LocDict):
            problems.add(DataError(_("expected keys at the top of the file"), getattr(raw, "src", Src.of(f))))
            continue
        for key, value in raw.items():
            if key in merged:
                problems.add(DataError(_("'{key}' is defined twice in common/ (also at {where})").format(
                    key=key, where=merged.key_pos[key]), raw.key_pos[key]))
                continue
            merged[key] = value
            merged.key_src[key] = raw.key_src[key]
            merged.key_pos[key] = raw.key_pos[key]
    return merged


def load_year(ds: DataSet, year: int) -> YearData:
    """Read one year's files into ds (cached there); every mistake goes to ds.problems."""
    folder = ds.root / str(year)
    if not folder.is_dir():
        raise unknown_year(year, ds.years, Src.of(ds.root))
    problems, describe = ds.problems, ds.describe
    path = folder / "decree.yaml"
    raw = None
    with problems.guard():
        raw = load_yaml(path, problems)
    file = validate(YearFile, raw, Src.of(path), problems, describe) if raw is not None else None
    if file is None:
        file = YearFile.model_construct(mengingat=[], dasar_hukum=[], targets=[], patch=Patch())
    if not isinstance(raw, LocDict):
        raw = LocDict()
        raw.src, raw.key_src, raw.key_pos = Src.of(path), {}, {}
    office_raw: dict[str, Any] = {}
    office_files: dict[str, OfficeYear] = {}
    off_dir = folder / "offices"
    if off_dir.is_dir():
        for f in sorted(off_dir.glob("*.yaml")):
            if f.stem not in ds.offices:
                if f.stem in describe.broken or describe.offices_incomplete:
                    continue  # its registry entry is in error, reported there
                close = closest(f.stem, ds.offices)
                problems.add(DataError(_("file is named after an unknown office '{id}'").format(id=f.stem), Src.of(f),
                                       _("rename it to {name}.yaml").format(name=close) if close
                                       else _("name it <office id>.yaml")))
                continue
            r = None
            with problems.guard():
                r = load_yaml(f, problems)
            if r is None:
                continue
            oy = validate(OfficeYear, r, Src.of(f), problems, describe)
            office_raw[f.stem] = r
            if oy is not None:
                office_files[f.stem] = oy
    yd = YearData(year, file, raw, office_raw, office_files, folder)
    ds._year_cache[year] = yd
    _check_year_refs(ds, yd)
    # Every office's text, patched: a mistake in a patch is found now, not at build time.
    for oid in ds.offices:
        oraw = office_raw.get(oid)
        if oid == next(iter(ds.offices)) or (isinstance(oraw, LocDict) and "patch" in oraw):
            with problems.guard():
                _build_common(ds, year, oid, problems)
            for what in ("mengingat", "dasar_hukum"):
                with problems.guard():
                    legal_bases(ds, year, oid, what)
    return yd


def _check_year_refs(ds: DataSet, yd: YearData) -> None:
    """Ids the year file refers to exist: regulations in mengingat/dasar_hukum, areas of the targets."""
    # What is reported is also dropped, so that a tolerant load (check) can go on
    # to resolve and check the rest.
    for what in ("mengingat", "dasar_hukum"):
        ids = yd.raw.get(what)
        for i in reversed(range(len(ids) if isinstance(ids, LocList) else 0)):
            rid, src = ids[i], ids.item_src[i]
            if isinstance(rid, str) and rid not in ds.regulations:
                if rid not in ds.describe.broken:
                    ds.problems.add(DataError(_("unknown regulation '{id}' in {list}").format(id=rid, list=what), src,
                                              did_you_mean(rid, ds.regulations)
                                              or _("add it to data/regulations.yaml")))
                del ids[i]
                del ids.item_src[i]
                listed = getattr(yd.file, what)
                if rid in listed:
                    listed.remove(rid)
    areas = ds.describe.area_names
    groups = yd.raw.get("targets")
    for i in reversed(range(len(groups) if isinstance(groups, LocList) else 0)):
        g = groups[i]
        if isinstance(g, LocDict) and isinstance(g.get("area"), str) and areas and g["area"] not in areas:
            if g["area"] not in ds.describe.broken:
                ds.problems.add(DataError(_("target group for unknown area '{id}'").format(id=g["area"]),
                                          g.key_src.get("area"), did_you_mean(g["area"], areas)
                                          or _("use an area id from common/lampiran.yaml")))
            del groups[i]
            del groups.item_src[i]
            yd.file.targets[:] = [t for t in yd.file.targets if t.area != g["area"]]


# ---------------------------------------------------------------- layering

def document_raw(ds: DataSet, year: int, office_id: str, problems: Collector | None = None) -> LocDict:
    """The common text plus this year's targets, with the year's and the office's patches applied."""
    yd = ds.year(year)
    doc = copy.deepcopy(ds.common_raw)
    doc["targets"] = copy.deepcopy(yd.raw.get("targets", LocList()))
    doc.key_src["targets"] = yd.raw.key_src.get("targets", yd.raw.src) if isinstance(yd.raw, LocDict) else doc.src
    _index_ids(doc, problems)  # duplicate ids in the shipped text are an error even before patching
    if isinstance(yd.raw, LocDict) and "patch" in yd.raw:
        apply_patch(doc, yd.raw["patch"], problems)
    oraw = yd.office_raw.get(office_id)
    if isinstance(oraw, LocDict) and "patch" in oraw:
        apply_patch(doc, oraw["patch"], problems)
    return doc


def build_common(ds: DataSet, year: int, office_id: str) -> tuple[CommonDoc, list[TargetGroup]]:
    """The validated text for one office; offices without a patch share one validated copy."""
    oraw = ds.year(year).office_raw.get(office_id)
    patched = isinstance(oraw, LocDict) and "patch" in oraw
    if not patched and year in ds._common_cache:
        return ds._common_cache[year]
    result = _build_common(ds, year, office_id)
    if not patched:
        ds._common_cache[year] = result
    return result


def _build_common(ds: DataSet, year: int, office_id: str,
                  problems: Collector | None = None) -> tuple[CommonDoc, list[TargetGroup]]:
    doc = document_raw(ds, year, office_id, problems)
    targets = doc.pop("targets")
    common = validate(CommonDoc, doc, doc.src, problems, ds.describe)
    if common is None:  # its mistakes are recorded already; raising them again adds no line
        raise DataErrors(problems.errors[-1:]) if problems and problems.errors else DataError(
            _("the common text cannot be used"), doc.src)
    groups = [g for g in (validate(TargetGroup, g, src, problems, ds.describe)
                          for g, src in zip(targets, getattr(targets, "item_src", []))) if g is not None]
    return common, groups


def _index_ids(doc: Any, problems: Collector | None = None) -> dict[str, tuple[LocList, LocDict]]:
    index: dict[str, tuple[LocList, LocDict]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, LocList):
            for item in node:
                if isinstance(item, LocDict) and isinstance(item.get("id"), str):
                    iid = item["id"]
                    if iid in index:
                        first = index[iid][1].key_src.get("id")
                        err = DataError(_("id '{id}' is used twice (also at {where})").format(id=iid, where=first),
                                        item.key_src.get("id", item.src), _("every item needs its own id"))
                        if problems is None:
                            raise err
                        problems.add(err)
                    index[iid] = (node, item)
                walk(item)
        elif isinstance(node, LocDict):
            for v in node.values():
                walk(v)

    walk(doc)
    return index


# mengingat: and dasar_hukum: change the lists of legal bases (legal_bases), not the text.
PATCH_KEYS = ["replace", "add", "remove", "mengingat", "dasar_hukum"]


def legal_bases(ds: DataSet, year: int, office_id: str, what: str) -> list[tuple[str, Src | None]]:
    """The ids an office's decree cites in `what` (mengingat or dasar_hukum), each with where it was written.

    The year's list, then the year's and the office's patch (``patch: mengingat: {add: [...], remove: [...]}``).
    The order does not matter: citations are ordered by hierarchy, then date, when resolved.
    """
    yd = ds.year(year)
    ids = list(getattr(yd.file, what))
    raw = yd.raw.get(what) if isinstance(yd.raw, LocDict) else None
    out = list(zip(ids, list(getattr(raw, "item_src", [])) or [None] * len(ids)))
    for layer in (yd.raw, yd.office_raw.get(office_id)):
        patch = layer.get("patch") if isinstance(layer, LocDict) else None
        change = patch.get(what) if isinstance(patch, LocDict) else None
        if not isinstance(change, LocDict):
            continue
        removes, adds = change.get("remove"), change.get("add")
        for rid, src in zip(removes or [], getattr(removes, "item_src", [])):
            if rid not in [r for r, _s in out]:
                raise DataError(_("'{id}' is not in {list}, so it cannot be removed").format(id=rid, list=what), src,
                                _("remove this line, or use an id listed in data/{year}/decree.yaml").format(year=year))
            out = [(r, s) for r, s in out if r != rid]
        for rid, src in zip(adds or [], getattr(adds, "item_src", [])):
            if rid not in ds.regulations:
                raise DataError(_("unknown regulation '{id}' in {list}").format(id=rid, list=what), src,
                                did_you_mean(rid, ds.regulations) or _("add it to data/regulations.yaml"))
            if rid in [r for r, _s in out]:
                raise DataError(_("'{id}' is in {list} already").format(id=rid, list=what), src,
                                _("remove this line"))
            out.append((rid, src))
    return out


def apply_patch(doc: LocDict, patch: Any, problems: Collector | None = None) -> None:
    """Apply replace, remove, then add (by item id) to the raw document.

    Remove before add, so that removing an item and adding it back with the
    same id elsewhere moves it. Each step that cannot be applied is an error at
    its own line; with `problems` they are all recorded and the others applied.
    """
    own = problems is None
    problems = Collector() if own else problems
    try:
        _apply_patch(doc, patch, problems)
    finally:
        if own:
            problems.raise_if_any()


def _apply_patch(doc: LocDict, patch: Any, problems: Collector) -> None:
    if patch is None:
        return
    if not isinstance(patch, LocDict):
        raise DataError(_("patch must have replace:, add: and/or remove:"), getattr(patch, "src", None))
    for key in patch:
        if key not in PATCH_KEYS:
            problems.add(DataError(_("unknown key '{key}' in patch").format(key=key), patch.key_pos[key],
                                   did_you_mean(key, PATCH_KEYS) or _("use replace, add or remove")))
    index = _index_ids(doc, problems)

    def find(iid: Any, src: Src) -> tuple[LocList, LocDict]:
        if iid not in index:
            raise DataError(_("no item with id '{id}'").format(id=iid), src, did_you_mean(iid, index))
        return index[iid]

    replace = patch.get("replace") or LocDict()
    if not isinstance(replace, LocDict):
        raise DataError(_("replace: maps an item id to the new values"), patch.key_src["replace"])
    for iid, fields in replace.items():
        with problems.guard():
            _siblings, item = find(iid, replace.key_pos[iid])
            if not isinstance(fields, LocDict):
                raise DataError(_("replace: '{id}' needs keys to replace, e.g. text:").format(id=iid),
                                replace.key_src[iid])
            if "id" in fields:
                raise DataError(_("replace cannot change an id"), fields.key_pos["id"],
                                _("remove the item and add a new one"))
            for k, v in fields.items():
                item[k] = v
                item.key_src[k] = fields.key_src[k]
                if hasattr(item, "key_pos"):
                    item.key_pos[k] = fields.key_pos[k]

    removes = patch.get("remove") or LocList()
    if not isinstance(removes, LocList):
        raise DataError(_("remove: is a list of item ids"), patch.key_src["remove"])
    for iid, src in zip(removes, removes.item_src):
        with problems.guard():
            siblings, target = find(iid, src)
            pos = next(i for i, x in enumerate(siblings) if x is target)
            del siblings[pos]
            del siblings.item_src[pos]
            del index[iid]

    adds = patch.get("add") or LocList()
    if not isinstance(adds, LocList):
        raise DataError(_("add: is a list of new items, each with after: or before:"), patch.key_src["add"])
    for spec, spec_src in zip(adds, adds.item_src):
        with problems.guard():
            _add(spec, spec_src, index, find)


def _add(spec: Any, spec_src: Src, index: dict, find) -> None:
    if not isinstance(spec, LocDict):
        raise DataError(_("each added item needs keys (id, text, after or before)"), spec_src)
    anchors = [k for k in ("after", "before") if k in spec]
    if len(anchors) != 1:
        raise DataError(_("an added item needs exactly one of after: or before: (an existing id)"), spec.src)
    anchor = anchors[0]
    if "id" not in spec:
        raise DataError(_("an added item needs an id"), spec.src)
    if spec["id"] in index:
        raise DataError(_("id '{id}' is used twice (also at {where})").format(
            id=spec["id"], where=index[spec["id"]][1].key_src.get("id")), spec.key_src["id"],
            _("every item needs its own id"))
    siblings, target = find(spec[anchor], spec.key_src[anchor])
    new = LocDict((k, v) for k, v in spec.items() if k != anchor)
    new.src = spec.src
    new.key_src = {k: s for k, s in spec.key_src.items() if k != anchor}
    new.key_pos = {k: s for k, s in spec.key_pos.items() if k != anchor}
    pos = next(i for i, x in enumerate(siblings) if x is target)
    pos = pos + 1 if anchor == "after" else pos
    siblings.insert(pos, new)
    siblings.item_src.insert(pos, spec.src)
    index[new["id"]] = (siblings, new)
