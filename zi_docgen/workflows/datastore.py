"""Edit the data folder in place, the way a careful person would by hand.

The YAML files are edited round-trip (ruamel.yaml): comments, key order, flow
maps and folded text stay as they were, so that `git diff` of the data shows only
the change. Every save:

1. is based on versions the caller saw (`expect`): a save made from an older
   version of an item is refused with the text now on disk (two browser tabs);
2. is validated by loading and resolving the resulting data set from a scratch
   copy before anything is written (an invalid edit is refused, nothing written);
3. is written atomically (temp file + os.replace), under a lock;
4. is a git commit naming the editor and the item when the data folder is in a
   git work tree.

An office's own change of shared text is a `patch` entry in its year file
(data/<year>/offices/<office>.yaml): replace / add (after|before) / remove, by id,
in the format `load.dataset.apply_patch` reads. Shared changes edit
data/common/*.yaml (or the year's decree.yaml for targets and legal bases).

Used by the web editor and by `zi-docgen import`.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal

import yaml as pyyaml
from filelock import FileLock
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..errors import DataError, EditRefused, Src, StaleEdit, ZiError
from ..i18n import _
import dataclasses

from ..load.dataset import DataSet, YearData, document_raw, load_dataset, validate
from ..load.model import MONTHS, OfficeYear, YearFile
from ..load.yamlsrc import parse_yaml
from ..resolve.decree import resolve

Scope = Literal["office", "shared"]

#: Folded text is wrapped at this column (the shipped data wraps near it).
WRAP = 110

_TEXT_FIELDS = ("text", "term", "title", "name", "label", "intro")

#: Text the data writes under a key rather than as an item with an id (the
#: Keputusan's title, the cover lines, the target table's title, the Penutup):
#: addressed as "common:<dotted path to the mapping or list>" plus the field (a key
#: or a list position). No patch can name it, so it is shared text only.
KEYED = "common:"
_KEYED_FIELDS = _TEXT_FIELDS + ("targets_title",)


def is_keyed(key: str) -> bool:
    return key.startswith(KEYED)


def _keyed_parts(key: str) -> list[str]:
    return [p for p in key[len(KEYED):].split(".") if p]


def _navigate(node: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _keyed_field_ok(container: Any, field: str) -> bool:
    if isinstance(container, dict):
        return field in _KEYED_FIELDS and isinstance(container.get(field), str)
    if isinstance(container, list):
        return field.isdigit() and int(field) < len(container) and isinstance(container[int(field)], str)
    return False


def _keyed_value(container: Any, field: str) -> Any:
    return container[int(field)] if isinstance(container, list) else container.get(field)


def _find_keyed_id(node: Any, iid: str, path: tuple[str, ...] = ()) -> str | None:
    """The dotted path of a mapping with this id held under a key (not a list item), e.g. the Penutup."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, dict) and v.get("id") == iid:
                return ".".join(path + (str(k),))
            if isinstance(v, dict):
                found = _find_keyed_id(v, iid, path + (str(k),))
                if found:
                    return found
    return None


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never re-wrap existing plain scalars
    return y


def dump_yaml(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def styled_text(text: str, indent: int, folded: bool | None = None) -> Any:
    """A scalar for `text` that reads well in the file: folded (>-) at WRAP when long."""
    if "\n" in text:
        return LiteralScalarString(text)
    if folded is None:
        folded = indent + len(text) > WRAP - 10
    if not folded or not text or text != text.strip() or "  " in text or "\t" in text:
        return text
    width = max(40, WRAP - indent)
    s = FoldedScalarString(text)
    pos: list[int] = []
    start = 0
    last_space = -1
    # Never fold inside a {{ variable }}: the file should read as typed.
    inside = [False] * len(text)
    for m in re.finditer(r"\{\{.*?\}\}", text):
        for k in range(m.start(), m.end()):
            inside[k] = True
    for i, ch in enumerate(text):
        if ch == " " and not inside[i]:
            if i - start > width and last_space > start:
                pos.append(last_space)
                start = last_space + 1
            last_space = i
    if len(text) - start > width and last_space > start:
        pos.append(last_space)
    s.fold_pos = pos
    return s


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def plain(node: Any) -> Any:
    """ruamel / loader containers → plain JSON-able values."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


def token_of(value: Any) -> str:
    """A short version token of a value: changes whenever the value does."""
    blob = json.dumps(plain(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def slug(text: str, taken: set[str], prefix: str = "") -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    skip = {"dan", "yang", "di", "ke", "dari", "untuk", "bagi", "serta", "atau", "dengan", "pada", "office",
            "short", "name"}
    base = "-".join([w for w in words if w not in skip][:4]) or "butir"
    base = (prefix + "-" + base if prefix else base)[:60].strip("-")
    cand, n = base, 2
    while cand in taken:
        cand, n = f"{base}-{n}", n + 1
    return cand


# ---------------------------------------------------------------- finding things

def _walk_items(node: Any) -> Iterator[tuple[CommentedSeq, int, CommentedMap]]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield node, i, item
            yield from _walk_items(item)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _walk_items(v)


def find_item(node: Any, iid: str) -> tuple[CommentedSeq, int, CommentedMap] | None:
    for found in _walk_items(node):
        if found[2]["id"] == iid:
            return found
    return None


def _indent_of(item: CommentedMap) -> int:
    """Column of the item's keys in its file (for wrapping new folded text)."""
    try:
        return int(item.lc.col) + 2
    except Exception:  # noqa: BLE001 - a new item has no position; a plausible depth
        return 8


def _is_coll(v: Any) -> bool:
    # A flow collection ({apr: 100}) is one line: comments after it belong to its parent's slot.
    return isinstance(v, (CommentedMap, CommentedSeq)) and len(v) > 0 and not v.fa.flow_style()


def _last_slot(container: Any, key: Any) -> tuple[Any, Any]:
    """The deepest last (container, key) of container[key]: where ruamel keeps the
    comment lines written after that value."""
    while _is_coll(container[key]):
        container = container[key]
        key = list(container.keys())[-1] if isinstance(container, dict) else len(container) - 1
    return container, key


def _slot_comment(container: Any, key: Any, take: bool = False) -> Any:
    items = container.ca.items.get(key)
    idx = 2 if isinstance(container, dict) else 0
    if not items or len(items) <= idx or items[idx] is None:
        return None
    tok = items[idx]
    if take:
        items[idx] = None
        if not _is_block(container[key]) and tok.value.startswith("\n"):
            # Taken comments are kept as they read after a block scalar (the line already
            # ended); _put_comment converts for where they land.
            rest = tok.value[1:]
            tok.value = rest.lstrip(" ") if rest.lstrip(" ").startswith("#") else rest
    return tok


def _put_comment(container: Any, key: Any, tok: Any) -> None:
    c, k = _last_slot(container, key)
    # After a block scalar (>-) the line has already ended when the comment starts; after
    # anything else the comment token starts by ending it.
    if not _is_block(c[k]):
        tok.value = "\n" + (" " * (getattr(tok, "column", 0) or 0) if tok.value.startswith("#") else "") + tok.value
    idx = 2 if isinstance(c, dict) else 0
    items = c.ca.items.setdefault(k, [None, None, None, None] if isinstance(c, dict) else [None, None])
    if items[idx] is None:
        items[idx] = tok


def _append(container: Any, value: Any, key: Any = None) -> None:
    """Add at the end of a mapping (under `key`) or a sequence, keeping the comment lines that
    followed the old last entry after the new one: they describe what comes after the
    container (e.g. "# Add one action of its own" above `add:`), not its last entry."""
    tok = None
    if len(container):
        last = list(container.keys())[-1] if isinstance(container, dict) else len(container) - 1
        tok = _slot_comment(*_last_slot(container, last), take=True)
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)
    if tok is not None:
        _put_comment(container, key if isinstance(container, dict) else len(container) - 1, tok)


def _is_block(v: Any) -> bool:
    return isinstance(v, (FoldedScalarString, LiteralScalarString))


def _all_ids(raw: Any) -> set[str]:
    return {item["id"] for _seq, _pos, item in _walk_items(raw)}


@dataclass
class SaveResult:
    files: list[str]                 # paths relative to the data folder
    commit: str | None = None        # git commit, when the data folder is in git
    message: str = ""


@dataclass
class HistoryEntry:
    commit: str
    author: str
    date: str
    message: str
    text: str


# ---------------------------------------------------------------- the store

class DataStore:
    """The data folder, for editing. One per folder per process."""

    def __init__(self, root: Path | str, *, git: bool | None = None, lock_timeout: float = 20):
        self.root = Path(root).resolve()
        key = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        # Outside the data folder, so the lock never shows up in git status.
        self._lock = FileLock(str(Path(tempfile.gettempdir()) / f"zi-docgen-{key}.lock"), timeout=lock_timeout)
        self._thread_lock = threading.RLock()
        self._git = git
        self._ds: DataSet | None = None
        self._ds_sig: tuple | None = None
        self._decrees: dict[tuple[int, str], Any] = {}

    # ---- reading

    def _signature(self) -> tuple:
        sig = []
        for p in sorted(self.root.rglob("*.yaml")):
            if ".git" in p.parts:
                continue
            st = p.stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        return tuple(sig)

    def dataset(self) -> DataSet:
        """The loaded data set, reloaded only when a YAML file changed."""
        with self._thread_lock:
            sig = self._signature()
            if self._ds is None or sig != self._ds_sig:
                self._install(load_dataset(self.root), sig, {})
            return self._ds

    def _install(self, ds: DataSet, sig: tuple, decrees: dict) -> None:
        self._ds, self._ds_sig, self._decrees = ds, sig, dict(decrees)

    def decree(self, year: int, office: str) -> Any:
        """The resolved decree of an office (the one a save just validated, when there is one)."""
        with self._thread_lock:
            ds = self.dataset()
            key = (year, office)
            if key not in self._decrees:
                self._decrees[key] = resolve(ds, year, office)
            return self._decrees[key]

    def path(self, rel: str) -> Path:
        return self.root / rel

    def office_file(self, year: int, office: str) -> str:
        return f"{year}/offices/{office}.yaml"

    def key_of(self, iid: str) -> str:
        """How the store addresses a text: the id itself for a list item, a "common:" path for a
        mapping with an id held under a key (the Penutup), which no patch can name."""
        if is_keyed(iid):
            return iid
        ds = self.dataset()
        if find_item(ds.common_raw, iid) is not None:
            return iid
        path = _find_keyed_id(ds.common_raw, iid)
        return KEYED + path if path else iid

    def keyed_container(self, key: str) -> Any:
        """The mapping or list a "common:" key names, as loaded."""
        found = _navigate(self.dataset().common_raw, _keyed_parts(key))
        if not isinstance(found, (dict, list)):
            raise EditRefused(_("no text at '{key}'").format(key=key), Src.of(self.root / "common"),
                              _("reload the page"))
        return found

    def effective_item(self, year: int, office: str, iid: str) -> Any:
        """The item as the office sees it (shared text with the year's and office's patches)."""
        ds = self.dataset()
        iid = self.key_of(iid)
        if is_keyed(iid):
            container = self.keyed_container(iid)
            if isinstance(container, list):
                return {str(i): v for i, v in enumerate(container) if isinstance(v, str)}
            return container
        doc = document_raw(ds, year, office)
        found = find_item(doc, iid)
        if found is None:
            raise EditRefused(_("no item with id '{id}'").format(id=iid), Src.of(self.root), _("reload the page"))
        return found[2]

    def item_state(self, year: int, office: str, iid: str) -> dict[str, Any]:
        """Everything that decides how an item reads for an office, without copying the text
        (the version token is its hash): the shared item, the year's and the office's patch entries."""
        ds = self.dataset()
        iid = self.key_of(iid)
        if is_keyed(iid):
            # Only the texts held right there: an edit of a Menimbang must not make the
            # Keputusan's title look changed to someone editing it.
            container = self.keyed_container(iid)
            texts = ({k: str(v) for k, v in container.items() if isinstance(v, str)} if isinstance(container, dict)
                     else [str(v) if isinstance(v, str) else None for v in container])
            return {"shared": texts}
        yd = ds.year(year)
        ypatch = yd.raw.get("patch") if isinstance(yd.raw, dict) else None
        ypatch = ypatch if isinstance(ypatch, dict) else {}
        shared = next((e for e in ypatch.get("add") or [] if isinstance(e, dict) and e.get("id") == iid), None)
        if shared is None:
            found = find_item(yd.raw.get("targets") if isinstance(yd.raw, dict) else None, iid) \
                or find_item(ds.common_raw, iid)
            shared = found[2] if found else None
        oraw = yd.office_raw.get(office)
        opatch = oraw.get("patch") if isinstance(oraw, dict) else None
        opatch = opatch if isinstance(opatch, dict) else {}
        return {
            # The item's own values, not its children: a changed paragraph inside a chapter does
            # not make the chapter's title stale.
            "shared": {k: v for k, v in shared.items() if not isinstance(v, list)} if isinstance(shared, dict)
            else shared,
            "year_replace": (ypatch.get("replace") or {}).get(iid),
            "year_removed": iid in (ypatch.get("remove") or []),
            "office_replace": (opatch.get("replace") or {}).get(iid),
            "office_add": next((e for e in opatch.get("add") or [] if isinstance(e, dict) and e.get("id") == iid),
                               None),
            "office_removed": iid in (opatch.get("remove") or []),
        }

    def effective_text(self, year: int, office: str, iid: str, field: str = "text") -> str | None:
        """The item's raw text (variables not expanded) as the office reads it; None when removed."""
        iid = self.key_of(iid)
        if is_keyed(iid):
            container = self.keyed_container(iid)
            return _str(_keyed_value(container, field)) if _keyed_field_ok(container, field) else None
        st = self.item_state(year, office, iid)
        if st["office_add"] is not None:
            return _str(st["office_add"].get(field))
        if st["office_removed"] or st["year_removed"]:
            return None
        for layer in ("office_replace", "year_replace"):
            if isinstance(st[layer], dict) and field in st[layer]:
                return _str(st[layer][field])
        return _str(st["shared"].get(field)) if isinstance(st["shared"], dict) else None

    def item_version(self, year: int, office: str, iid: str) -> str:
        return token_of(self.item_state(year, office, iid))

    def value_version(self, what: str, year: int | None = None, office: str | None = None) -> str:
        """Version of an office-level value: 'office-year' (number, date, team decree),
        'official' (the office's ketua and salinan for the year), 'mengingat' / 'dasar_hukum' (the year's lists)."""
        return token_of(self._value(what, year, office))

    def _value(self, what: str, year: int | None, office: str | None) -> Any:
        if what == "office-year":
            p = self.path(self.office_file(year, office))
            raw = pyyaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None
            raw = raw or {}
            return {k: raw.get(k) for k in ("number", "date", "team_decree")}
        if what == "official":
            p = self.path(self.office_file(year, office))
            raw = (pyyaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None) or {}
            return {k: raw.get(k) for k in ("ketua", "salinan")}
        if what in ("mengingat", "dasar_hukum"):
            raw = pyyaml.safe_load(self.path(f"{year}/decree.yaml").read_text(encoding="utf-8"))
            return raw.get(what)
        raise ValueError(what)

    def office_patch_of(self, year: int, office: str, iid: str) -> dict[str, Any]:
        """What the office's own patch says about an item: {'replace': {...}, 'add': bool, 'remove': bool}."""
        p = self.path(self.office_file(year, office))
        raw = (pyyaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None) or {}
        patch = raw.get("patch") or {}
        return {
            "replace": (patch.get("replace") or {}).get(iid) or {},
            "add": any(isinstance(a, dict) and a.get("id") == iid for a in patch.get("add") or []),
            "remove": iid in (patch.get("remove") or []),
        }

    # ---- editing

    def edit(self, *, year: int | None = None, office: str | None = None, editor: str = "",
             message: str = "") -> "Edit":
        return Edit(self, year, office, editor, message)

    # ---- git

    def _git_root(self) -> Path | None:
        if self._git is False:
            return None
        try:
            out = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--show-toplevel"],
                                 capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        if out.returncode != 0:
            return None
        return Path(out.stdout.strip())

    def _git_commit(self, rels: list[str], editor: str, message: str) -> str | None:
        top = self._git_root()
        if top is None:
            return None
        paths = [str(self.path(r)) for r in rels]
        who = editor.strip() or "zi-docgen"
        email = re.sub(r"[^a-z0-9.]+", ".", who.lower()).strip(".") or "editor"
        env = dict(os.environ)
        env.setdefault("GIT_COMMITTER_NAME", who)
        env.setdefault("GIT_COMMITTER_EMAIL", f"{email}@zi-docgen.local")
        run = lambda *a: subprocess.run(["git", "-C", str(top), *a], capture_output=True, text=True,  # noqa: E731
                                        env=env, timeout=30)
        add = run("add", "--", *paths)
        if add.returncode != 0:
            raise EditRefused(_("saved, but git could not add the files: {detail}").format(detail=add.stderr.strip()),
                              Src.of(self.root))
        com = run("commit", "-q", "--no-verify", "-m", message, f"--author={who} <{email}@zi-docgen.local>",
                  "--", *paths)
        if com.returncode != 0:
            if "nothing to commit" in com.stdout + com.stderr or "no changes added" in com.stdout + com.stderr:
                return None
            raise EditRefused(_("saved, but git could not commit: {detail}").format(
                detail=(com.stderr or com.stdout).strip()),
                              Src.of(self.root))
        head = run("rev-parse", "HEAD")
        return head.stdout.strip() or None

    def history(self, iid: str, *, year: int | None = None, office: str | None = None,
                limit: int = 30, fields: list[str] | None = None) -> list[HistoryEntry]:
        """Past versions of an item's text (or of the given fields), newest first, from git log of
        the files that write it."""
        top = self._git_root()
        if top is None:
            return []
        iid = self.key_of(iid)
        rels = [str(p.relative_to(self.root)) for p in sorted((self.root / "common").glob("*.yaml"))]
        if year is not None and not is_keyed(iid):
            rels.append(f"{year}/decree.yaml")
            if office:
                rels.append(self.office_file(year, office))
        else:
            office = None
        paths = [str(self.path(r)) for r in rels]
        log = subprocess.run(["git", "-C", str(top), "log", f"-{limit}", "--format=%H%x1f%an%x1f%aI%x1f%s",
                              "--", *paths], capture_output=True, text=True, timeout=30)
        if log.returncode != 0:
            return []
        out: list[HistoryEntry] = []
        for line in log.stdout.splitlines():
            sha, author, date, subject = (line.split("\x1f") + ["", "", "", ""])[:4]
            text = self._text_at(top, sha, rels, iid, office, fields)
            out.append(HistoryEntry(sha, author, date, subject, text))
        # Keep the commits where the item's text changed (the oldest one of a run stays).
        kept: list[HistoryEntry] = []
        for i, h in enumerate(out):
            older = out[i + 1].text if i + 1 < len(out) else None
            if h.text != older:
                kept.append(h)
        return kept

    def _text_at(self, top: Path, sha: str, rels: list[str], iid: str, office: str | None,
                 fields: list[str] | None = None) -> str:
        def show(rel: str) -> Any:
            git_path = (self.path(rel)).relative_to(top).as_posix()
            r = subprocess.run(["git", "-C", str(top), "show", f"{sha}:{git_path}"], capture_output=True,
                               text=True, timeout=30)
            if r.returncode != 0:
                return None
            try:
                return pyyaml.safe_load(r.stdout)
            except pyyaml.YAMLError:
                return None

        def text_of(item: Any) -> str:
            if fields:
                return " ".join(str(_keyed_value(item, f) or "") for f in fields
                                if isinstance(item, list) or f in item)
            return str(item.get("text", item.get("label", item.get("title", ""))))

        if is_keyed(iid):
            for rel in rels:
                container = _navigate(show(rel), _keyed_parts(iid))
                if isinstance(container, (dict, list)):
                    return text_of(container)
            return ""
        if office:
            raw = show(rels[-1]) or {}
            patch = raw.get("patch") or {} if isinstance(raw, dict) else {}
            rep = (patch.get("replace") or {}).get(iid)
            wanted = fields or ["text"]
            if isinstance(rep, dict) and any(f in rep for f in wanted):
                shared = self._text_at(top, sha, rels[:-1], iid, None, fields)
                return text_of(rep) if all(f in rep for f in wanted) else f"{text_of(rep)} | {shared}"
            for a in patch.get("add") or []:
                if isinstance(a, dict) and a.get("id") == iid:
                    return text_of(a) if fields else str(a.get("text", a.get("label", "")))
            if iid in (patch.get("remove") or []):
                return ""
        for rel in rels:
            if office and rel == rels[-1]:
                continue
            found = find_item(show(rel), iid)
            if found:
                return text_of(found[2])
        return ""


# ---------------------------------------------------------------- one edit

class Edit:
    """A set of changes saved together (one validation, one commit).

    Use as a context manager: the store is locked from the start, and the edit is
    saved when the block ends without an exception.
    """

    def __init__(self, store: DataStore, year: int | None, office: str | None, editor: str, message: str):
        self.store = store
        self.year = year
        self.office = office
        self.editor = editor
        self.message = message
        self.docs: dict[str, Any] = {}
        self.originals: dict[str, str | None] = {}
        self.expects: list[tuple[Any, str, str, Any]] = []  # (getter, token, what, text now)
        self.done: list[str] = []
        self._locked = False
        self.result: SaveResult | None = None
        # Comment lines that followed a deleted first entry, waiting for a place (by id of container).
        self._orphans: dict[int, tuple[Any, Any]] = {}

    def _del(self, container: Any, key: Any) -> None:
        """Delete an entry, keeping the comment lines written after it (they describe what follows)."""
        c, k = _last_slot(container, key)
        tok = _slot_comment(c, k, take=True)
        value = container[key]
        if tok is None and id(value) in self._orphans:
            tok = self._orphans.pop(id(value))[1]
        keys = list(container.keys()) if isinstance(container, dict) else list(range(len(container)))
        pos = keys.index(key)
        del container[key]
        if tok is None:
            return
        if pos > 0:
            _put_comment(container, keys[pos - 1], tok)
        else:
            self._orphans[id(container)] = (container, tok)

    def _place_orphans(self) -> None:
        """A comment that followed a deleted first entry goes before the new first entry."""
        for container, tok in self._orphans.values():
            if isinstance(container, dict) and len(container):
                first = next(iter(container))
                text = "\n".join(line.strip().lstrip("#").strip() for line in tok.value.strip().splitlines())
                col = getattr(tok, "column", None) or 0
                container.yaml_set_comment_before_after_key(first, before=text, indent=col)
        self._orphans.clear()

    # ---- lifecycle

    def __enter__(self) -> "Edit":
        self.store._thread_lock.acquire()
        try:
            self.store._lock.acquire()
        except BaseException:
            self.store._thread_lock.release()
            raise
        self._locked = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.save()
        finally:
            self._release()

    def _release(self) -> None:
        if self._locked:
            self._locked = False
            self.store._lock.release()
            self.store._thread_lock.release()

    # ---- documents

    def doc(self, rel: str, *, create: bool = False) -> Any:
        if rel not in self.docs:
            p = self.store.path(rel)
            if p.exists():
                text = p.read_text(encoding="utf-8")
                self.originals[rel] = text
                self.docs[rel] = _yaml().load(text)
                if self.docs[rel] is None:
                    self.docs[rel] = CommentedMap()
            elif create:
                self.originals[rel] = None
                self.docs[rel] = CommentedMap()
            else:
                raise EditRefused(_("file not found"), Src.of(p))
        return self.docs[rel]

    def _common_files(self) -> list[str]:
        return [str(p.relative_to(self.store.root)) for p in sorted((self.store.root / "common").glob("*.yaml"))]

    def _need_year(self) -> int:
        if self.year is None:
            raise EditRefused(_("this edit needs a year"), Src.of(self.store.root))
        return self.year

    def _need_office(self) -> str:
        if not self.office:
            raise EditRefused(_("this edit needs an office"), Src.of(self.store.root))
        return self.office

    def _office_doc(self) -> CommentedMap:
        year, office = self._need_year(), self._need_office()
        rel = self.store.office_file(year, office)
        doc = self.doc(rel, create=True)
        if self.originals.get(rel) is None and not doc:
            ds = self.store.dataset()
            name = ds.offices[office].short_name if office in ds.offices else office
            doc.yaml_set_start_comment(f"{name}, {year}: this office's own values and changes.")
        return doc

    def _patch(self, create: bool = True) -> CommentedMap | None:
        doc = self._office_doc()
        if "patch" not in doc:
            if not create:
                return None
            doc["patch"] = CommentedMap()
        return doc["patch"]

    def _patch_part(self, key: str, create: bool = True) -> Any:
        patch = self._patch(create)
        if patch is None:
            return None
        if key not in patch or patch[key] is None:
            if not create:
                return None
            value = CommentedMap() if key == "replace" else CommentedSeq()
            # Keep replace, remove, add in the order apply_patch applies them.
            order = ["replace", "remove", "add"]
            pos = sum(1 for k in patch if k in order and order.index(k) < order.index(key))
            patch.insert(pos, key, value)
        return patch[key]

    def _office_add_entry(self, iid: str) -> CommentedMap | None:
        adds = self._patch_part("add", create=False)
        for entry in adds or []:
            if isinstance(entry, dict) and entry.get("id") == iid:
                return entry
        return None

    def _tidy_patch(self) -> None:
        doc = self._office_doc()
        patch = doc.get("patch")
        if patch is None:
            return
        for key in list(patch):
            value = patch[key]
            if isinstance(value, dict):
                for k in list(value):
                    if not value[k]:
                        self._del(value, k)
            if not value:
                self._del(patch, key)
        if not patch:
            self._del(doc, "patch")

    def _shared_location(self, iid: str) -> tuple[str, CommentedSeq, int, CommentedMap]:
        """Where the shared item is written: an add entry of the year's patch, a target row, or common/."""
        if self.year is not None:
            rel = f"{self.year}/decree.yaml"
            ydoc = self.doc(rel)
            patch = ydoc.get("patch") or {}
            for i, entry in enumerate(patch.get("add") or []):
                if isinstance(entry, dict) and entry.get("id") == iid:
                    return rel, patch["add"], i, entry
            found = find_item(ydoc.get("targets"), iid)
            if found:
                return (rel, *found)
        for rel in self._common_files():
            found = find_item(self.doc(rel), iid)
            if found:
                return (rel, *found)
        raise EditRefused(_("no item with id '{id}' in the shared text").format(id=iid),
                          Src.of(self.store.root / "common"), _("reload the page"))

    def _effective(self, iid: str) -> Any:
        return self.store.effective_item(self._need_year(), self._office_or_any(), iid)

    def _office_or_any(self) -> str:
        if self.office:
            return self.office
        return next(iter(self.store.dataset().offices))

    # ---- versions

    def expect_item(self, iid: str, token: str | None, fields: list[str] | None = None) -> None:
        """Refuse the save if the item changed since the caller saw version `token`; the refusal
        shows the text now saved (of `fields`, the item's text by default)."""
        if token:
            year, office = self._need_year(), self._office_or_any()

            def now() -> str:
                vals = [self.store.effective_text(year, office, iid, f) for f in fields or ["text"]]
                return " — ".join(v for v in vals if v is not None)
            self.expects.append((lambda: self.store.item_state(year, office, iid), token, iid, now))

    def expect_value(self, what: str, token: str | None) -> None:
        if token:
            year, office = self.year, self.office
            self.expects.append((lambda: self.store._value(what, year, office), token, what, None))

    # ---- text of items

    def set_text(self, iid: str, value: str, *, field: str = "text", scope: Scope = "office") -> None:
        iid = self.store.key_of(iid)
        # Only running text may keep its line breaks; a title, term, name or label is one line.
        keep_lines = field in ("text", "intro") and not is_keyed(iid) and "\n" in value.strip()
        value = value.strip() if keep_lines else " ".join(value.split())
        if is_keyed(iid):
            self._set_keyed(iid, field, value, scope)
            return
        if field not in _TEXT_FIELDS:
            raise EditRefused(_("'{field}' cannot be edited as text").format(field=field), Src.of(self.store.root))
        if scope == "office":
            self._set_office_field(iid, field, value)
        else:
            rel, _seq, _pos, item = self._shared_location(iid)
            old = item.get(field)
            if field not in item and field != "text":
                raise EditRefused(_("item '{id}' has no {field}").format(id=iid, field=field), Src.of(self.store.path(rel)))
            item[field] = styled_text(value, _indent_of(item), folded=True if isinstance(old, FoldedScalarString)
                                      else None)
            self._year_replace_drop(iid, field)
            self.done.append(f"ubah {field} {iid} (semua kantor)")

    def _set_keyed(self, key: str, field: str, value: str, scope: Scope) -> None:
        parts = _keyed_parts(key)
        rel = next((r for r in self._common_files() if parts and isinstance(self.doc(r), dict)
                    and parts[0] in self.doc(r)), None)
        container = _navigate(self.doc(rel), parts) if rel else None
        where = Src.of(self.store.path(rel) if rel else self.store.root / "common")
        if container is None or not _keyed_field_ok(container, field):
            raise EditRefused(_("no text at '{key}'").format(key=f"{key}.{field}"), where, _("reload the page"))
        if scope != "shared":
            raise EditRefused(_("this text is the same for every office; an office cannot have its own"), where,
                              _("save it for every office, or ask the province's legal staff"))
        if not value:
            raise EditRefused(_("this text cannot be empty"), where, _("type the text"))
        if isinstance(container, list):
            old = container[int(field)]
            container[int(field)] = styled_text(value, _indent_of(container),
                                                folded=True if isinstance(old, FoldedScalarString) else None)
        else:
            old = container[field]
            container[field] = styled_text(value, _indent_of(container),
                                           folded=True if isinstance(old, FoldedScalarString) else None)
        self.done.append(f"ubah {key[len(KEYED):]}.{field} (semua kantor)")

    def _year_replace_drop(self, iid: str, field: str) -> None:
        """A shared edit must show: drop the year's own replace of the same field, if any."""
        if self.year is None:
            return
        ydoc = self.doc(f"{self.year}/decree.yaml")
        rep = (ydoc.get("patch") or {}).get("replace") or {}
        if iid in rep and field in (rep[iid] or {}):
            self._del(rep[iid], field)
            if not rep[iid]:
                self._del(rep, iid)

    def _set_office_field(self, iid: str, field: str, value: Any) -> None:
        office = self._need_office()
        added = self._office_add_entry(iid)
        if added is not None:
            added[field] = styled_text(value, 8) if isinstance(value, str) else value
            self.done.append(f"ubah {field} {iid} ({office})")
            return
        replace = self._patch_part("replace")
        # What the item reads without this office's replace: if the new value equals it,
        # the office no longer needs its own text.
        own = replace.get(iid) or CommentedMap()
        shared_value = self._shared_value(iid, field)
        if value == shared_value or (value == "" and shared_value is None):
            if iid in replace and field in replace[iid]:
                self._del(replace[iid], field)
        else:
            styled = styled_text(value, 6) if isinstance(value, str) else value
            if iid not in replace:
                own[field] = styled
                _append(replace, own, iid)
            else:
                replace[iid][field] = styled
        self._tidy_patch()
        self.done.append(f"ubah {field} {iid} (hanya {office})")

    def _shared_value(self, iid: str, field: str) -> Any:
        """The value the office would see without its own patch (shared text + the year's patch)."""
        ds = self.store.dataset()
        yd = ds.year(self._need_year())
        patch = yd.raw.get("patch") if isinstance(yd.raw, dict) else None
        if isinstance(patch, dict):
            rep = (patch.get("replace") or {}).get(iid)
            if isinstance(rep, dict) and field in rep:
                return plain(rep[field])
            for entry in patch.get("add") or []:
                if isinstance(entry, dict) and entry.get("id") == iid:
                    return plain(entry.get(field))
        found = find_item(yd.raw.get("targets"), iid) or find_item(ds.common_raw, iid)
        if found is None:
            return None
        return plain(found[2].get(field))

    def revert(self, iid: str, field: str | list[str] | None = None) -> None:
        """Back to the shared text: remove the office's replace (and remove) of this item,
        or only of the given field(s)."""
        office = self._need_office()
        fields = [field] if isinstance(field, str) else field
        replace = self._patch_part("replace", create=False)
        if replace is not None and iid in replace:
            if fields is None:
                self._del(replace, iid)
            else:
                for f in fields:
                    if f in (replace[iid] or {}):
                        self._del(replace[iid], f)
        removes = self._patch_part("remove", create=False)
        if removes is not None and iid in removes and fields is None:
            self._del(removes, list(removes).index(iid))
        self._tidy_patch()
        self.done.append(f"kembalikan {iid} ke teks bersama ({office})")

    # ---- structure

    def add_item(self, anchor: str, fields: dict[str, Any], *, where: Literal["after", "before"] = "after",
                 scope: Scope = "office") -> str:
        """Add a new item next to `anchor`; returns its id (made from the text when not given)."""
        if where not in ("after", "before"):
            raise EditRefused(_("where must be 'after' or 'before'"), Src.of(self.store.root))
        year = self._need_year()
        ds = self.store.dataset()
        taken = _all_ids(document_raw(ds, year, self._office_or_any()))
        for o in ds.year(year).office_raw.values():
            taken |= _all_ids(o)
        iid = fields.get("id") or slug(str(fields.get("text") or fields.get("label") or ""), taken,
                                       prefix=(self.office.split("-", 1)[-1] if scope == "office" and self.office
                                               else ""))
        if iid in taken:
            raise EditRefused(_("id '{id}' is already used").format(id=iid), Src.of(self.store.root),
                              _("choose another id"))
        body = CommentedMap()
        body["id"] = iid
        for k, v in fields.items():
            if k == "id":
                continue
            body[k] = styled_text(v, 8) if isinstance(v, str) else v
        if scope == "office":
            self._need_office()
            entry = CommentedMap()
            entry[where] = anchor
            for k, v in body.items():
                entry[k] = v
            _append(self._patch_part("add"), entry)
            self.done.append(f"tambah {iid} {'setelah' if where == 'after' else 'sebelum'} {anchor} "
                             f"(hanya {self.office})")
        else:
            rel, seq, i, _item = self._shared_location(anchor)
            seq.insert(i + 1 if where == "after" else i, body)
            self.done.append(f"tambah {iid} {'setelah' if where == 'after' else 'sebelum'} {anchor} (semua kantor)")
        return iid

    def remove_item(self, iid: str, *, scope: Scope = "office") -> None:
        if scope == "office":
            office = self._need_office()
            added = self._office_add_entry(iid)
            if added is not None:
                adds = self._patch_part("add")
                self._del(adds, next(i for i, x in enumerate(adds) if x is added))
            else:
                replace = self._patch_part("replace", create=False)
                if replace is not None and iid in replace:
                    self._del(replace, iid)
                removes = self._patch_part("remove")
                if iid not in removes:
                    _append(removes, iid)
            self._tidy_patch()
            self.done.append(f"hapus {iid} (hanya {office})")
        else:
            _rel, seq, i, _item = self._shared_location(iid)
            self._del(seq, i)
            self.done.append(f"hapus {iid} (semua kantor)")

    def move_item(self, iid: str, step: int, *, scope: Scope = "office") -> None:
        """Move an item one place up (step=-1) or down (+1) among the items this office sees."""
        if step not in (-1, 1):
            raise EditRefused(_("an item moves one place at a time"), Src.of(self.store.root))
        year = self._need_year()
        ds = self.store.dataset()
        office_id = self._office_or_any()
        level = ds.offices[office_id].level
        doc = document_raw(ds, year, office_id)
        found = find_item(doc, iid)
        if found is None:
            raise EditRefused(_("no item with id '{id}'").format(id=iid), Src.of(self.store.root), _("reload the page"))
        seq, _pos, item = found
        visible = [x for x in seq if isinstance(x, dict) and (x.get("only") is None or level in x["only"])]
        pos = next(i for i, x in enumerate(visible) if x is item)
        if not 0 <= pos + step < len(visible):
            raise EditRefused(_("the item is already at the end of its list"), Src.of(self.store.root))
        neighbour = visible[pos + step]["id"]
        where = "before" if step < 0 else "after"
        if scope == "office":
            office = self._need_office()
            added = self._office_add_entry(iid)
            if added is not None:
                for k in ("after", "before"):
                    if k in added:
                        del added[k]
                added.insert(0, where, neighbour)
            else:
                entry = CommentedMap()
                entry[where] = neighbour
                for k, v in plain(item).items():
                    entry[k] = styled_text(v, 8) if isinstance(v, str) and k in _TEXT_FIELDS else v
                replace = self._patch_part("replace", create=False)
                if replace is not None and iid in replace:
                    self._del(replace, iid)
                removes = self._patch_part("remove")
                if iid not in removes:
                    _append(removes, iid)
                _append(self._patch_part("add"), entry)
            self._tidy_patch()
            self.done.append(f"pindah {iid} {'ke atas' if step < 0 else 'ke bawah'} (hanya {office})")
        else:
            rel, sseq, i, sitem = self._shared_location(iid)
            _rel, nseq, j, _item = self._shared_location(neighbour)
            if nseq is not sseq:
                raise EditRefused(_("this item can only move within its own list"), Src.of(self.store.path(rel)))
            # Comment lines between items stay where they are (a blank line before the
            # next block, a note on what follows); only the items change places.
            toks = [_slot_comment(*_last_slot(sseq, k), take=True) for k in range(len(sseq))]
            j = i + step
            sseq[i], sseq[j] = sseq[j], sseq[i]
            for k, tok in enumerate(toks):
                if tok is not None:
                    _put_comment(sseq, k, tok)
            self.done.append(f"pindah {iid} {'ke atas' if step < 0 else 'ke bawah'} (semua kantor)")

    # ---- targets

    def set_target(self, row_id: str, month: str, value: int | None, *, scope: Scope = "shared") -> None:
        if month not in MONTHS:
            raise EditRefused(_("unknown month '{month}'").format(month=month), Src.of(self.store.root),
                              _("months are written {months}").format(months=", ".join(MONTHS)))
        if value is not None and not (isinstance(value, int) and 0 <= value <= 100):
            raise EditRefused(_("a target is a whole percent from 0 to 100"), Src.of(self.store.root))
        if scope == "office":
            row = self._effective(row_id)
            months = dict(plain(row.get("months") or {}))
            self._put_month(months, month, value)
            months = {m: months[m] for m in MONTHS if m in months}
            added = self._office_add_entry(row_id)
            flow = CommentedMap(months)
            flow.fa.set_flow_style()
            shared = self._shared_value(row_id, "months") or {}
            if added is not None:
                added["months"] = flow
            elif months == shared:
                replace = self._patch_part("replace", create=False)
                if replace is not None and row_id in replace and "months" in replace[row_id]:
                    self._del(replace[row_id], "months")
            else:
                replace = self._patch_part("replace")
                if row_id not in replace:
                    _append(replace, CommentedMap(months=flow), row_id)
                else:
                    replace[row_id]["months"] = flow
            self._tidy_patch()
            self.done.append(f"ubah target {row_id} {month} (hanya {self.office})")
        else:
            rel, _seq, _pos, row = self._shared_location(row_id)
            if "months" not in row or row["months"] is None:
                m = CommentedMap()
                m.fa.set_flow_style()
                row["months"] = m
            months = row["months"]
            if value is None:
                months.pop(month, None)
            elif month in months:
                months[month] = value
            else:
                pos = sum(1 for k in months if MONTHS.index(k) < MONTHS.index(month))
                months.insert(pos, month, value)
            self.done.append(f"ubah target {row_id} {month} (semua kantor)")

    @staticmethod
    def _put_month(months: dict, month: str, value: int | None) -> None:
        if value is None:
            months.pop(month, None)
        else:
            months[month] = value

    # ---- office values

    def set_office_year(self, **values: Any) -> None:
        """number, date (date or None = placeholder), team_number, team_date."""
        doc = self._office_doc()
        order = ["number", "date", "team_decree"]
        for key in ("number", "date"):
            if key in values:
                self._put_key(doc, key, values[key], order)
        if "team_number" in values or "team_date" in values:
            team = doc.get("team_decree")
            if team is None:
                team = CommentedMap()
            for key, src in (("number", "team_number"), ("date", "team_date")):
                if src in values:
                    v = values[src]
                    team[key] = v if v not in (None, "") else CommentedMap(placeholder=(
                        "Nomor Keputusan Tim" if key == "number" else "Tanggal Keputusan Tim"))
            self._put_key(doc, "team_decree", team, order)
        self.done.append(f"ubah nomor/tanggal ({self.office})")

    @staticmethod
    def _put_key(doc: CommentedMap, key: str, value: Any, order: list[str]) -> None:
        if value in (None, ""):
            doc.pop(key, None)
            return
        if key in doc:
            doc[key] = value
            return
        pos = sum(1 for k in doc if k in order and order.index(k) < order.index(key))
        doc.insert(pos, key, value)

    def set_official(self, office_id: str, role: Literal["ketua", "salinan"], field: str, value: str | None) -> None:
        """An official's name (or the certifier's jabatan) for this year, in <year>/offices/<id>.yaml.

        Officials are data of the year: changing 2027's never touches 2026. Empty = placeholder.
        Setting a value also confirms it (drops new-year's to_confirm)."""
        if (role, field) not in (("ketua", "name"), ("salinan", "name"), ("salinan", "jabatan")):
            raise EditRefused(_("cannot set {field}").format(field=f"{role}.{field}"), Src.of(self.store.path("offices.yaml")))
        if office_id != self._need_office():
            raise EditRefused(_("this edit is for office '{office}', not '{other}'").format(office=self.office, other=office_id),
                              Src.of(self.store.path("offices.yaml")))
        ds = self.store.dataset()
        office = ds.offices.get(office_id)
        if office is None:
            raise EditRefused(_("unknown office '{id}'").format(id=office_id), Src.of(self.store.path("offices.yaml")))
        doc = self._office_doc()
        holder = doc.get(role)
        if holder is None:
            holder = CommentedMap()
            pos = sum(1 for k in doc if k in ("number", "date", "team_decree", "ketua"))
            doc.insert(pos, role, holder)
        holder.pop("to_confirm", None)
        if value is None or not str(value).strip():
            what = {"ketua": "Nama Ketua", "salinan": "Nama pengesah salinan"}[role] if field == "name" \
                else "Jabatan pengesah salinan Sekretariat"
            ph = CommentedMap(placeholder=f"{what} {office.short_name}")
            ph.fa.set_flow_style()
            holder[field] = ph
        else:
            holder[field] = styled_text(" ".join(str(value).split()), 4)
        if role == "salinan" and not ("jabatan" in holder and "name" in holder):
            other = "name" if field == "jabatan" else "jabatan"
            what = "Nama pengesah salinan" if other == "name" else "Jabatan pengesah salinan Sekretariat"
            ph = CommentedMap(placeholder=f"{what} {office.short_name}")
            ph.fa.set_flow_style()
            holder[other] = ph
        self.done.append(f"ubah {role} {field} ({office_id}, {self.year})")

    # ---- legal bases

    def set_legal_bases(self, what: Literal["mengingat", "dasar_hukum"], ids: list[str]) -> None:
        if what not in ("mengingat", "dasar_hukum"):
            raise EditRefused(_("unknown list '{name}'").format(name=what), Src.of(self.store.root))
        doc = self.doc(f"{self._need_year()}/decree.yaml")
        seq = doc.get(what)
        if seq is None:
            doc[what] = CommentedSeq(ids)
        else:
            del seq[:]
            seq.extend(ids)
        self.done.append(f"ubah {what} {self.year}")

    def add_regulation(self, rid: str, fields: dict[str, Any]) -> None:
        doc = self.doc("regulations.yaml")
        regs = doc["regulations"]
        if rid in regs:
            raise EditRefused(_("regulation id '{id}' is already in the catalogue").format(id=rid),
                              Src.of(self.store.path("regulations.yaml")), _("choose another id"))
        body = CommentedMap()
        for k, v in fields.items():
            if v in (None, ""):
                continue
            body[k] = styled_text(v, 4) if isinstance(v, str) and k == "title" else v
        regs[rid] = body
        self.done.append(f"tambah peraturan {rid}")

    # ---- saving

    def texts(self) -> dict[str, str]:
        """The files this edit changes, with their new text."""
        self._place_orphans()
        out = {}
        for rel, data in self.docs.items():
            text = dump_yaml(data)
            if text != (self.originals.get(rel) or ""):
                out[rel] = text
        return out

    def save(self) -> SaveResult:
        if self.result is not None:
            return self.result
        own_lock = not self._locked
        if own_lock:
            self.__enter__()
        try:
            for getter, token, what, text_now in self.expects:
                try:
                    current = getter()
                except ZiError:
                    current = None
                if token_of(current) != token:
                    shown = text_now() if text_now else current
                    raise StaleEdit(_("'{what}' was changed by someone else since you opened it").format(what=what),
                                    None, _("your text was not saved; compare it with the text now saved and try "
                                            "again"),
                                    current="" if shown is None else str(shown))
            changed = self.texts()
            if not changed:
                self.result = SaveResult([], None, "")
                return self.result
            derived = _validate_edit(self.store, changed, self.year, self.office)
            for rel, text in changed.items():
                _atomic_write(self.store.path(rel), text)
            if derived is not None:
                # What was validated is what is now on disk: keep it, and the decrees it resolved.
                self.store._install(derived[0], self.store._signature(), derived[1])
            message = self.message or "; ".join(dict.fromkeys(self.done)) or "ubah data"
            commit = self.store._git_commit(list(changed), self.editor, message)
            self.result = SaveResult(sorted(changed), commit, message)
            return self.result
        finally:
            if own_lock:
                self._release()


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _validate_edit(self: DataStore, changed: dict[str, str], year: int | None,
                   office: str | None) -> tuple[DataSet, dict] | None:
    """Load and resolve the data set as it would be after the edit; refuse with the message if invalid.

    An edit of year files only (an office's own file, the year's decree.yaml) is
    checked on the loaded data set with just those files parsed again from the new
    text, under their real names; the result is returned so that the store can keep
    it. Any other edit is checked by loading a scratch copy of the whole folder.
    """
    derivable = {rel for rel in changed
                 if re.fullmatch(r"\d{4}/(offices/[a-z0-9-]+|decree)\.yaml|common/[^/]+\.yaml", rel)}
    try:
        if len(derivable) == len(changed):
            ds = _derive(self, self.dataset(), changed)
            decrees = {}
            shared = any(rel.startswith("common/") for rel in changed)
            for y in (ds.years if shared else sorted({int(rel[:4]) for rel in changed})):
                touched = {rel.split("/")[2][:-5] for rel in changed if rel.startswith(f"{y}/offices/")}
                if office and y == year:
                    touched.add(office)
                offices = touched if not (shared or f"{y}/decree.yaml" in changed) \
                    else _representatives(ds, y) | touched
                for oid in sorted(offices):
                    if oid in ds.offices:
                        decrees[(y, oid)] = resolve(ds, y, oid)
            return ds, decrees
    except ZiError as exc:
        raise EditRefused(exc.message, exc.src, exc.hint or _("nothing was saved")) from None
    with tempfile.TemporaryDirectory(prefix="zi-docgen-check-") as tmp:
        scratch = Path(tmp) / "data"
        shutil.copytree(self.root, scratch, ignore=shutil.ignore_patterns(".git", "*.tmp", "__pycache__"))
        for rel, text in changed.items():
            p = scratch / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        try:
            ds = load_dataset(scratch)
            for y in ds.years:
                offices = _representatives(ds, y)
                if office:
                    offices.add(office)
                for oid in sorted(offices):
                    if oid in ds.offices:
                        resolve(ds, y, oid)
        except ZiError as exc:
            src = exc.src
            if src is not None:
                src = _unscratch(src, scratch, self.root)
            raise EditRefused(exc.message, src, exc.hint or _("nothing was saved")) from None
    return None


def _derive(store: DataStore, ds: DataSet, changed: dict[str, str]) -> DataSet:
    """The loaded data set with some files replaced by new text (parsed under their real names)."""
    years = dict(ds._year_cache)
    commons = dict(ds._common_cache)
    common_raw = ds.common_raw
    if any(rel.startswith("common/") for rel in changed):
        common_raw = _merge_common(store, ds.common_raw, changed)
        commons = {}
    for y in sorted({int(rel[:4]) for rel in changed if rel[:4].isdigit()}):
        if y not in ds.years:
            raise EditRefused(_("unknown year {year}").format(year=y), Src.of(store.root))
        old = ds.year(y)
        raw, file = old.raw, old.file
        drel = f"{y}/decree.yaml"
        if drel in changed:
            shown = Src.of(store.path(drel))
            raw = parse_yaml(changed[drel], shown.file)
            file = validate(YearFile, raw, shown)
            commons.pop(y, None)
        office_raw, office_files = dict(old.office_raw), dict(old.office_files)
        for rel, text in changed.items():
            if rel.startswith(f"{y}/offices/"):
                stem = rel.split("/")[2][:-5]
                shown = Src.of(store.path(rel))
                if stem not in ds.offices:
                    raise DataError(_("file is named after an unknown office '{id}'").format(id=stem), shown)
                r = parse_yaml(text, shown.file)
                office_raw[stem] = r
                office_files[stem] = validate(OfficeYear, r, shown)
        years[y] = YearData(y, file, raw, office_raw, office_files, old.path)
    return dataclasses.replace(ds, common_raw=common_raw, _year_cache=years, _common_cache=commons)


def _merge_common(store: DataStore, old: Any, changed: dict[str, str]) -> Any:
    """common/*.yaml merged as the loader merges them, with the changed files parsed from their new text."""
    merged = type(old)()
    merged.src = old.src
    merged.key_src = {}
    for f in sorted((store.root / "common").glob("*.yaml")):
        rel = f"common/{f.name}"
        shown = Src.of(f)
        if rel in changed:
            raw = parse_yaml(changed[rel], shown.file)
            if raw is None:
                continue
            if not isinstance(raw, dict):
                raise DataError(_("expected keys at the top of the file"), getattr(raw, "src", shown))
            pairs = [(k, v, raw.key_src[k]) for k, v in raw.items()]
        else:
            pairs = [(k, v, old.key_src[k]) for k, v in old.items()
                     if old.key_src.get(k) is not None and old.key_src[k].file == shown.file]
        for key, value, src in pairs:
            if key in merged:
                raise DataError(_("'{key}' is defined twice in common/ (also at {src})").format(
                    key=key, src=merged.key_src[key]), src)
            merged[key] = value
            merged.key_src[key] = src
    return merged


def _representatives(ds: DataSet, year: int) -> set[str]:
    """Offices whose documents cover every way the shared text can resolve.

    Unpatched offices of one level read the same items and differ only in their
    registry values, which cannot make shared text invalid; so one per level plus
    every office with its own patch covers the whole data set.
    """
    out: set[str] = set()
    seen_levels: set[str] = set()
    patched = {oid for oid, raw in ds.year(year).office_raw.items() if isinstance(raw, dict) and raw.get("patch")}
    for oid, off in ds.offices.items():
        if off.level not in seen_levels:
            seen_levels.add(off.level)
            out.add(oid)
    return out | patched


def _unscratch(src: Src, scratch: Path, root: Path) -> Src:
    f = Path(src.file)
    try:
        rel = (f if f.is_absolute() else Path.cwd() / f).resolve().relative_to(scratch.resolve())
    except ValueError:
        return src
    return Src.of(root / rel, src.line, src.col)



__all__ = ["DataStore", "Edit", "SaveResult", "HistoryEntry", "EditRefused", "StaleEdit", "DataError",
           "dump_yaml", "styled_text", "find_item", "token_of"]
