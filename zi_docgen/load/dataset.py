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
from ..errors import DataError, Src, closest, did_you_mean, unknown_year
from .model import (CommonDoc, Office, OfficesFile, OfficeYear, Regulation, RegulationsFile, TargetGroup,
                    YearFile)
from .yamlsrc import LocDict, LocList, load_yaml

M = TypeVar("M", bound=BaseModel)

YEAR_RE = re.compile(r"^\d{4}$")


def validate(model: type[M], raw: Any, file_src: Src) -> M:
    """Validate raw YAML data; turn the first pydantic error into a DataError with file:line."""
    if raw is None:
        raw = LocDict()
        raw.src, raw.key_src = file_src, {}
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _data_error(exc, raw, file_src, model) from None


def _data_error(exc: ValidationError, raw: Any, file_src: Src, model: type[BaseModel]) -> DataError:
    errors = exc.errors(include_url=False)
    # A misspelt key also makes the real key "missing": name the misspelling.
    errors.sort(key=lambda e: 0 if e["type"] == "extra_forbidden" else 1)
    err = errors[0]
    loc = tuple(err["loc"])
    src = _src_for(raw, loc, file_src)
    kind = err["type"]
    where = ".".join(str(p) for p in loc if not (isinstance(p, str) and p[:1].isupper()))
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(key, allowed) or ("allowed keys: " + ", ".join(allowed) if allowed else None)
        node = _walk(raw, loc[:-1])
        if isinstance(node, LocDict) and str(key) in node.key_pos:
            src = node.key_pos[str(key)]
        else:
            src = _src_for(raw, loc[:-1], file_src)
        return DataError(f"unknown key '{key}'", src, hint)
    if kind == "missing":
        parent = _walk(raw, loc[:-1])
        src = getattr(parent, "src", src)
        inside = where.rsplit(".", 1)[0] if "." in where else "this file"
        return DataError(f"missing required key '{loc[-1]}' (in {inside})", src, f"add '{loc[-1]}:'")
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "string_pattern_mismatch":
        return DataError(f"invalid value at {where}: {err.get('input')!r}", src,
                         "ids are lowercase words and digits joined by '-', e.g. kab-sambas")
    return DataError(f"{where}: {msg}", src)


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
    _year_cache: dict[int, "YearData"] = field(default_factory=dict, repr=False)
    _common_cache: dict[int, tuple] = field(default_factory=dict, repr=False)

    def year(self, year: int) -> "YearData":
        if year not in self._year_cache:
            self._year_cache[year] = load_year(self, year)
        return self._year_cache[year]

    def office(self, office_id: str) -> Office:
        if office_id not in self.offices:
            hint = did_you_mean(office_id, self.offices) or "run 'zi-docgen satker' for the list"
            raise DataError(f"unknown office '{office_id}'", Src.of(self.root / "offices.yaml"), hint)
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
            raise DataError("no year folder (e.g. 2026/) in the data folder", Src.of(self.root),
                            "create one with 'zi-docgen new-year' or copy an existing year")
        return self.years[-1]


@dataclass
class YearData:
    year: int
    file: YearFile
    raw: LocDict
    office_raw: dict[str, Any]
    office_files: dict[str, OfficeYear]
    path: Path


def load_dataset(root: Path) -> DataSet:
    root = Path(root)
    if not root.is_dir():
        raise DataError(_("data folder not found"), Src.of(root),
                        _("run the command in a working folder that has data/, pass --data DIR, "
                          "or create one with 'zi-docgen init FOLDER'"))
    regs_path = root / "regulations.yaml"
    regs = validate(RegulationsFile, load_yaml(regs_path), Src.of(regs_path)).regulations
    off_path = root / "offices.yaml"
    offices_raw = load_yaml(off_path)
    offices_file = validate(OfficesFile, offices_raw, Src.of(off_path))
    offices: dict[str, Office] = {}
    for i, office in enumerate(offices_file.offices):
        if office.id in offices:
            raise DataError(f"office id '{office.id}' is used twice (first at line {offices[office.id].src.line})",
                            office.src, "give each office its own id")
        offices[office.id] = office
    _check_regulation_refs(regs)
    common = _load_common(root)
    years = sorted(int(p.name) for p in root.iterdir() if p.is_dir() and YEAR_RE.match(p.name))
    return DataSet(root, offices, regs, common, years, read_lexicon(root / LEXICON_FILE))


def _check_regulation_refs(regs: dict[str, Regulation]) -> None:
    for rid, reg in regs.items():
        for amend in reg.amended_by:
            if amend not in regs:
                raise DataError(f"regulation '{rid}' is amended by unknown id '{amend}'", reg.src_of("amended_by"),
                                "add it to regulations.yaml or fix the id")
        for key in ("revoked_by", "successor"):
            other = getattr(reg, key)
            if other is not None and other not in regs:
                raise DataError(f"regulation '{rid}': {key} names unknown id '{other}'", reg.src_of(key),
                                "add it to regulations.yaml or fix the id")


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


def _load_common(root: Path) -> LocDict:
    folder = root / "common"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise DataError("no common text found", Src.of(folder), "the data folder needs common/keputusan.yaml and common/lampiran.yaml")
    merged = LocDict()
    merged.src = Src.of(folder)
    merged.key_src = {}
    for f in files:
        raw = load_yaml(f)
        if raw is None:
            continue
        if not isinstance(raw, LocDict):
            raise DataError("expected keys at the top of the file", getattr(raw, "src", Src.of(f)))
        for key, value in raw.items():
            if key in merged:
                raise DataError(f"'{key}' is defined twice in common/ (also at {merged.key_src[key]})", raw.key_src[key])
            merged[key] = value
            merged.key_src[key] = raw.key_src[key]
    return merged


def load_year(ds: DataSet, year: int) -> YearData:
    folder = ds.root / str(year)
    if not folder.is_dir():
        raise unknown_year(year, ds.years, Src.of(ds.root))
    path = folder / "decree.yaml"
    raw = load_yaml(path)
    file = validate(YearFile, raw, Src.of(path))
    office_raw: dict[str, Any] = {}
    office_files: dict[str, OfficeYear] = {}
    off_dir = folder / "offices"
    if off_dir.is_dir():
        for f in sorted(off_dir.glob("*.yaml")):
            if f.stem not in ds.offices:
                close = closest(f.stem, ds.offices)
                raise DataError(f"file is named after an unknown office '{f.stem}'", Src.of(f),
                                f"rename it to {close}.yaml" if close else "name it <office id>.yaml")
            r = load_yaml(f)
            office_raw[f.stem] = r
            office_files[f.stem] = validate(OfficeYear, r, Src.of(f))
    return YearData(year, file, raw, office_raw, office_files, folder)


# ---------------------------------------------------------------- layering

def document_raw(ds: DataSet, year: int, office_id: str) -> LocDict:
    """The common text plus this year's targets, with the year's and the office's patches applied."""
    yd = ds.year(year)
    doc = copy.deepcopy(ds.common_raw)
    doc["targets"] = copy.deepcopy(yd.raw.get("targets", LocList()))
    doc.key_src["targets"] = yd.raw.key_src.get("targets", yd.raw.src) if isinstance(yd.raw, LocDict) else doc.src
    _index_ids(doc)  # duplicate ids in the shipped text are an error even before patching
    if isinstance(yd.raw, LocDict) and "patch" in yd.raw:
        apply_patch(doc, yd.raw["patch"])
    oraw = yd.office_raw.get(office_id)
    if isinstance(oraw, LocDict) and "patch" in oraw:
        apply_patch(doc, oraw["patch"])
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


def _build_common(ds: DataSet, year: int, office_id: str) -> tuple[CommonDoc, list[TargetGroup]]:
    doc = document_raw(ds, year, office_id)
    targets = doc.pop("targets")
    common = validate(CommonDoc, doc, doc.src)
    groups = [validate(TargetGroup, g, src) for g, src in zip(targets, getattr(targets, "item_src", []))]
    return common, groups


def _index_ids(doc: Any) -> dict[str, tuple[LocList, LocDict]]:
    index: dict[str, tuple[LocList, LocDict]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, LocList):
            for item in node:
                if isinstance(item, LocDict) and isinstance(item.get("id"), str):
                    iid = item["id"]
                    if iid in index:
                        first = index[iid][1].key_src.get("id")
                        raise DataError(f"id '{iid}' is used twice (also at {first})", item.key_src.get("id", item.src),
                                        "every item needs its own id")
                    index[iid] = (node, item)
                walk(item)
        elif isinstance(node, LocDict):
            for v in node.values():
                walk(v)

    walk(doc)
    return index


def apply_patch(doc: LocDict, patch: Any) -> None:
    """Apply replace, remove, then add (by item id) to the raw document.

    Remove before add, so that removing an item and adding it back with the
    same id elsewhere moves it.
    """
    if patch is None:
        return
    if not isinstance(patch, LocDict):
        raise DataError("patch must have replace:, add: and/or remove:", getattr(patch, "src", None))
    for key in patch:
        if key not in ("replace", "add", "remove"):
            raise DataError(f"unknown key '{key}' in patch", patch.key_pos[key],
                            did_you_mean(key, ["replace", "add", "remove"]) or "use replace, add or remove")
    index = _index_ids(doc)

    def find(iid: Any, src: Src) -> tuple[LocList, LocDict]:
        if iid not in index:
            raise DataError(f"no item with id '{iid}'", src, did_you_mean(iid, index))
        return index[iid]

    replace = patch.get("replace") or LocDict()
    if not isinstance(replace, LocDict):
        raise DataError("replace: maps an item id to the new values", patch.key_src["replace"])
    for iid, fields in replace.items():
        _, item = find(iid, replace.key_src[iid])
        if not isinstance(fields, LocDict):
            raise DataError(f"replace: '{iid}' needs keys to replace, e.g. text:", replace.key_src[iid])
        if "id" in fields:
            raise DataError("replace cannot change an id", fields.key_src["id"], "remove the item and add a new one")
        for k, v in fields.items():
            item[k] = v
            item.key_src[k] = fields.key_src[k]

    removes = patch.get("remove") or LocList()
    if not isinstance(removes, LocList):
        raise DataError("remove: is a list of item ids", patch.key_src["remove"])
    for iid, src in zip(removes, removes.item_src):
        siblings, target = find(iid, src)
        pos = next(i for i, x in enumerate(siblings) if x is target)
        del siblings[pos]
        del siblings.item_src[pos]
        del index[iid]

    adds = patch.get("add") or LocList()
    if not isinstance(adds, LocList):
        raise DataError("add: is a list of new items, each with after: or before:", patch.key_src["add"])
    for spec, spec_src in zip(adds, adds.item_src):
        if not isinstance(spec, LocDict):
            raise DataError("each added item needs keys (id, text, after or before)", spec_src)
        anchors = [k for k in ("after", "before") if k in spec]
        if len(anchors) != 1:
            raise DataError("an added item needs exactly one of after: or before: (an existing id)", spec.src)
        anchor = anchors[0]
        siblings, target = find(spec[anchor], spec.key_src[anchor])
        new = LocDict((k, v) for k, v in spec.items() if k != anchor)
        new.src = spec.src
        new.key_src = {k: s for k, s in spec.key_src.items() if k != anchor}
        if "id" not in new:
            raise DataError("an added item needs an id", spec.src)
        if new["id"] in index:
            raise DataError(f"id '{new['id']}' is used twice (also at {index[new['id']][1].key_src.get('id')})",
                            new.key_src["id"], "every item needs its own id")
        pos = next(i for i, x in enumerate(siblings) if x is target)
        pos = pos + 1 if anchor == "after" else pos
        siblings.insert(pos, new)
        siblings.item_src.insert(pos, spec.src)
        index[new["id"]] = (siblings, new)
