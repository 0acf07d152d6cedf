"""`zi-docgen import` and `zi-docgen check FILE.docx`: an office's hand-typed decree → its data."""
from __future__ import annotations

import json
from pathlib import Path

from ..check import check_text
from ..check.findings import SEVERITY_LABELS, Finding
from ..errors import Src
from ..i18n import N_, _
from ..ingest.docxread import as_lines, read_docx


# ---------------------------------------------------------------- check FILE.docx

def registry_words(data: Path) -> set[str]:
    """Names of offices and people in the registry: right although no dictionary has them."""
    from ..check.decree import name_words
    from ..load.dataset import load_dataset

    return set(name_words(load_dataset(data), seats=True))


def check_docx_findings(paths: list[Path], extra_words: tuple[str, ...] = ()) -> list[tuple[str, int, Finding]]:
    """The raw-text rules over hand-typed documents: (file, ¶N, finding) in document order."""
    docs = [read_docx(p) for p in paths]
    text, where = as_lines(docs)
    out = []
    for f in check_text(text, "<docx>", extra_words=extra_words):
        line = f.src.line if f.src else 0
        file, n = where[line - 1] if 0 < line <= len(where) else (docs[0].file, 0)
        out.append((file, n, f))
    return out


def run_check_docx(paths: list[Path], *, fmt: str, console, data: Path | None = None) -> int:
    """Print `FILE.docx:¶N: severity rule: message`; exit 1 when there are errors."""
    extra: tuple[str, ...] = ()
    if data is not None and (Path(data) / "offices.yaml").is_file():
        extra = tuple(registry_words(data))
    found = check_docx_findings(paths, extra)
    if fmt == "json":
        rows = []
        for file, n, f in found:
            d = f.to_json()
            d.update(file=file, paragraph=n)
            d.pop("line", None)
            d.pop("col", None)
            rows.append(d)
        console.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
    else:
        for file, n, f in found:
            tail = f" ({f.suggestion})" if f.suggestion else ""
            severity = _(SEVERITY_LABELS[f.severity]) if f.severity in SEVERITY_LABELS else f.severity
            console.print(f"{file}:¶{n}: {severity} {f.rule}: {f.message}{tail}", markup=False)
        errors = sum(1 for *_, f in found if f.severity == "error")
        console.print(_("{n} finding(s), {e} error(s)").format(n=len(found), e=errors), markup=False)
    return 1 if any(f.severity == "error" for *_, f in found) else 0


__all__ = ["check_docx_findings", "run_check_docx", "Src"]


# ================================================================ import

import datetime as dt  # noqa: E402
import difflib  # noqa: E402
import functools  # noqa: E402
import re  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

from ..ingest.structure import Group, Recognised, TableRow, Unit, recognise  # noqa: E402
from ..load.model import MONTHS, Placeholder  # noqa: E402
from ..resolve.document import Node  # noqa: E402


@dataclass
class Event:
    """One line of the report."""

    kind: str        # matched | fixed | replaced | added | removed | repeated | merged | unrecognised | info | set
    where: str       # "lampiran.docx:¶45" ("" when the document lacks it)
    target: str      # the data id or field it concerns
    message: str = ""
    details: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kind": self.kind, "where": self.where, "target": self.target, "message": self.message,
                "details": self.details}


@dataclass
class ImportResult:
    satker: str
    year: int
    events: list[Event] = field(default_factory=list)
    # replace/add/remove of text items; mengingat/dasar_hukum: {add: [...], remove: [...]} of catalogue ids
    patch: dict = field(default_factory=lambda: {"replace": {}, "add": [], "remove": [], "mengingat": {},
                                                 "dasar_hukum": {}})
    fields: dict = field(default_factory=dict)      # number, date, team_decree for the office's year file
    officials: dict = field(default_factory=dict)   # ketua.name, salinan.jabatan, salinan.name
    new_regulations: dict = field(default_factory=dict)
    spelling: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def patch_is_empty(self) -> bool:
        return not any(self.patch.values())

    def count(self, kind: str) -> int:
        return sum(1 for e in self.events if e.kind == kind)


# ---------------------------------------------------------------- comparing text

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _plain(text: str) -> str:
    return " ".join(text.replace("*", "").split())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_plain(text))


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", _plain(text).lower()))


@functools.lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """Word-level likeness of two texts, 0…1 (case, punctuation and *markup* ignored)."""
    wa, wb = _words(a), _words(b)
    if not wa and not wb:
        return 1.0
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    if sm.real_quick_ratio() < 0.3 or sm.quick_ratio() < 0.3:
        return sm.quick_ratio()  # far apart either way: the exact figure does not matter
    return sm.ratio()


def _letters(tokens: list[str]) -> str:
    return "".join(ch for t in tokens for ch in t.lower() if ch.isalnum())


class Errata:
    """The year's ERRATA.md: every fix already made to the signed text, as (signed, now) quotes."""

    def __init__(self, path: Path | None):
        self.rows: list[tuple[str, list[str], str]] = []
        if path is None or not path.is_file():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or not cells[0].isdigit():
                continue
            quotes = [" ".join(_tokens(q)).lower() for q in re.findall(r"[\"“]([^\"”]+)[\"”]", cells[1])]
            self.rows.append((cells[0], quotes, " ".join(_tokens(cells[2])).lower()))

    def explains(self, old_ctx: list[str], new: list[str]) -> str | None:
        old_s = " ".join(old_ctx).lower()
        new_s = " ".join(new).lower()
        for num, quotes, now in self.rows:
            if any(old_s in q for q in quotes) and (not new_s or new_s in now):
                return num
        return None


def _arrow(frm: list[str], to: list[str]) -> str:
    def shown(tokens: list[str]) -> str:
        return f"'{' '.join(tokens)}'" if tokens else _("(nothing)")

    return f"{shown(frm)} → {shown(to)}"


class Comparer:
    """Tells a real difference from a fix the shared text already has (typo, case, punctuation)."""

    def __init__(self, errata: Errata, computed: list[str]):
        self.errata = errata
        self.computed = [c for c in computed if c]
        self._checker = None

    @property
    def checker(self):
        if self._checker is None:
            from ..check.spelling import default_checker

            self._checker = default_checker()
        return self._checker

    def _misspelt(self, words: list[str]) -> bool:
        from ..check.tables import CONFUSIONS

        for w in words:
            if not re.search(r"[A-Za-z]", w):
                continue
            if not self.checker.is_correct(w):
                return True
            if any(re.fullmatch(c.wrong, w, 0 if c.case else re.I) for c in CONFUSIONS):
                return True
        return False

    def compare(self, signed: str, shared: str) -> tuple[str, list[str]]:
        """("same" | "fix" | "changed", details). details name each hunk: signed → shared (why)."""
        a, b = _tokens(signed), _tokens(shared)
        if a == b:
            return ("same" if signed.replace("*", "") == shared.replace("*", "") or _plain(signed) == _plain(shared)
                    else "same"), []
        spans = self._computed_spans(b)
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        details, changed = [], []
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                continue
            old, new = a[i1:i2], b[j1:j2]
            why = self._why(a, b, i1, i2, j1, j2, spans)
            if why is None:
                # a real change reads from the shared text to the document's
                changed.append(_arrow(new, old))
            else:
                # a fix reads from the document's slip to the shared text that has it right
                details.append(f"{_arrow(old, new)} ({why})")
        if changed:
            return "changed", changed + details
        return "fix", details

    def _computed_spans(self, b: list[str]) -> list[tuple[int, int]]:
        out = []
        for c in self.computed:
            ct = _tokens(c)
            if not ct:
                continue
            for k in range(len(b) - len(ct) + 1):
                if b[k:k + len(ct)] == ct:
                    out.append((k, k + len(ct)))
        return out

    def _why(self, a, b, i1, i2, j1, j2, spans) -> str | None:
        old, new = a[i1:i2], b[j1:j2]
        if _letters(old) == _letters(new):
            if "".join(old).lower() == "".join(new).lower() and [t.lower() for t in old] != [t.lower() for t in new]:
                return _("spacing")
            return _("case") if "".join(old).lower() == "".join(new).lower() else _("punctuation or spacing")
        if any(ch.isdigit() for ch in _letters(old) + _letters(new)) and \
                re.sub(r"\D", "", _letters(old)) != re.sub(r"\D", "", _letters(new)):
            return None  # a number is never a typo
        ow = [t for t in old if re.search(r"\w", t)]
        nw = [t for t in new if re.search(r"\w", t)]
        if 0 < len(ow) <= 3 and 0 < len(nw) <= 3:
            ratio = difflib.SequenceMatcher(None, _letters(old), _letters(new)).ratio()
            if ratio >= 0.75 and self._misspelt(ow):
                return _("spelling")
        if any(s <= j1 and j2 <= e and (j1 < j2 or s < j1 < e) for s, e in spans):
            return _("computed text")
        ctx = a[max(i1 - 1, 0):i2 + 1]
        num = self.errata.explains(ctx, new)
        if num:
            return _("ERRATA #{num}").format(num=num)
        return None


# ---------------------------------------------------------------- the shared text as units

@dataclass
class SUnit:
    """One unit of the shared text the office would get: what a recognised unit is matched to."""

    id: str                      # data id (item, block, area for its intro, target row)
    text: str                    # resolved, with *italics*
    kind: str = "item"           # item | para | intro
    term: str = ""
    list_path: str = ""          # the list (or block container) it stands in: anchors for additions
    generated: str = ""
    subs: list["SUnit"] = field(default_factory=list)

    @property
    def full(self) -> str:
        return f"{self.term} {self.text}" if self.term else self.text


@dataclass
class Container:
    key: tuple[str, ...]
    title: str
    units: list[SUnit]
    legal: bool = False          # a list of citations (matched to the catalogue instead)


def _units_of_list(node: Node) -> list[SUnit]:
    out = []
    for it in node.children:
        out.append(SUnit(it.id, it.text, "item", it.term, node.path, it.generated,
                         [SUnit(s.id, s.text, "item", s.term, it.path, s.generated) for s in it.children]))
    return out


def shared_containers(tree: Node) -> list[Container]:
    out: list[Container] = []
    kep = next(c for c in tree.children if c.id == "keputusan")
    lam = next(c for c in tree.children if c.id == "lampiran")
    for c in kep.children:
        if c.kind in ("menimbang", "diktum"):
            out.append(Container((c.kind,), c.kind, _units_of_list(c)))
        elif c.kind == "mengingat":
            out.append(Container(("mengingat",), "mengingat", _units_of_list(c), legal=True))
    for c in lam.children:
        if c.kind == "kata-pengantar":
            out.append(Container(("kata-pengantar",), "kata pengantar", _blocks_units(c)))
        elif c.kind == "chapter":
            direct = Node(c.kind, c.id, c.path, children=tuple(x for x in c.children if x.kind != "section"))
            out.append(Container(("chapter", c.text), c.text, _blocks_units(direct)))
            for s in c.children:
                if s.kind != "section":
                    continue
                if s.role == "area":
                    name = re.sub(r"^AREA\s+[IVX]+\s*[–-]\s*", "", s.text)
                    targets = [b for b in s.children if b.role == "area-targets"]
                    out.append(Container(("area", name, "targets"), name,
                                         _units_of_list(targets[0]) if targets else []))
                    units: list[SUnit] = []
                    for b in s.children:
                        if b.role == "area-intro":
                            units.append(SUnit(s.id, b.text, "intro", list_path=s.path))
                        elif b.role == "area-actions":
                            units += _units_of_list(b)
                    out.append(Container(("area", name, "actions"), name, units))
                    continue
                legal = [b for b in s.children if b.role == "legal-bases"]
                if legal:
                    out.append(Container(("dasar-hukum", s.text), s.text, _units_of_list(legal[0]), legal=True))
                out.append(Container(("section", c.text, s.text), s.text, _blocks_units(s)))
    return out


def _blocks_units(node: Node) -> list[SUnit]:
    out = []
    for b in node.children:
        if b.kind == "para":
            out.append(SUnit(b.id, b.text, "para", list_path=node.path))
        elif b.kind == "list" and b.role != "legal-bases":
            out += _units_of_list(b)
    return out


# ---------------------------------------------------------------- alignment

@dataclass
class Pair:
    rec: Unit | None
    shared: list[SUnit]          # [] added, [x] matched, [x, y] merged in the document
    sim: float = 0.0


MATCH = 0.5


def align(recs: list[Unit], shared: list[SUnit], text_of=lambda s: s.full, sim_fn=None) -> list[Pair]:
    """Each recognised unit matched to the shared text by similarity, in order (a DP over both
    sequences); one typed paragraph may hold two shared items (merged)."""
    n, m = len(recs), len(shared)
    sim_fn = sim_fn or (lambda r, s: similarity(r.text, text_of(s)))
    sim = [[sim_fn(r, s) for s in shared] for r in recs]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move: list[list[tuple]] = [[()] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            options = []
            if i < n:
                options.append((best[i + 1][j], ("skip-rec",)))
            if j < m:
                options.append((best[i][j + 1], ("skip-shared",)))
            if i < n and j < m and sim[i][j] >= MATCH:
                options.append((best[i + 1][j + 1] + sim[i][j] + 1, ("match",)))
            if i < n and j + 1 < m and not sim_fn.__name__.startswith("_no_merge"):
                s2 = similarity(recs[i].text, text_of(shared[j]) + " " + text_of(shared[j + 1])) \
                    if max(sim[i][j], sim[i][j + 1]) < 0.9 else 0.0
                if s2 >= 0.8 and s2 > max(sim[i][j], sim[i][j + 1]) + 0.15:
                    options.append((best[i + 1][j + 2] + 2 * s2 + 2, ("merge", s2)))
            best[i][j], move[i][j] = max(options, key=lambda o: o[0])
    out, i, j = [], 0, 0
    while i < n or j < m:
        mv = move[i][j]
        if mv[0] == "skip-rec":
            out.append(Pair(recs[i], []))
            i += 1
        elif mv[0] == "skip-shared":
            out.append(Pair(None, [shared[j]]))
            j += 1
        elif mv[0] == "match":
            out.append(Pair(recs[i], [shared[j]], sim[i][j]))
            i, j = i + 1, j + 1
        else:
            out.append(Pair(recs[i], [shared[j], shared[j + 1]], mv[1]))
            i, j = i + 1, j + 2
    return out


# ---------------------------------------------------------------- legal bases

_KINDS = (
    (r"Undang-?\s*Undang\s+Dasar", "UUD"),
    (r"Peraturan\s+Pemerintah\s+Pengganti\s+Undang", "PERPPU"),
    (r"Undang-?\s*Undang", "UU"),
    (r"Peraturan\s+Pemerintah", "PP"),
    (r"Peraturan\s+Presiden", "PERPRES"),
    (r"Peraturan\s+Menteri", "PERMEN"),
    (r"Peraturan\s+Komisi\s+Pemilihan\s+Umum", "PKPU"),
    (r"Keputusan", "KEPUTUSAN"),
)


def parse_citation(text: str) -> tuple[str, str, int | None, str] | None:
    """(kind, number, year, title) of a typed citation: what the catalogue is searched by."""
    plain = _plain(text)
    for pat, kind in _KINDS:
        m = re.match(rf"^{pat}\b.*?\bNomor\s+(\[[^\]]*\]|\S+?)(?:\s+Tahun\s+(\d{{4}}))?"
                     rf"(?:\s+tanggal\s+(?:\[[^\]]*\]|[^,;\[]+?))?\s+tentang\s+(.+)$",
                     plain, re.I)
        if m:
            title = re.split(r"\s*\((?:Lembaran|Berita)\s+Negara|\s+sebagaimana\s+telah", m.group(3))[0]
            return kind, m.group(1).rstrip(","), int(m.group(2)) if m.group(2) else None, title.rstrip(";. ")
    return None


def parse_gazette(text: str) -> dict[str, Any]:
    """The LN/TLN or BN numbers typed in a citation, as the catalogue writes them (gazette:)."""
    plain = _plain(text)
    out: dict[str, Any] = {}
    for key, name in (("ln", "Lembaran"), ("bn", "Berita")):
        m = re.search(rf"\b{name}\s+Negara(?:\s+Republik\s+Indonesia)?\s+Tahun\s+(\d{{4}})\s+Nomor\s+(\d+)",
                      plain, re.I)
        if m:
            out[key] = {"year": int(m.group(1)), "number": int(m.group(2))}
    m = re.search(r"\bTambahan\s+Lembaran\s+Negara(?:\s+Republik\s+Indonesia)?\s+Nomor\s+(\d+)", plain, re.I)
    if m:
        out["tln"] = int(m.group(1))
    return out


def match_regulation(ds, text: str) -> tuple[str | None, tuple | None]:
    parsed = parse_citation(text)
    if parsed is None:
        return None, None
    kind, number, year, title = parsed
    for rid, reg in ds.regulations.items():
        if reg.kind != kind:
            continue
        if reg.per_office == "team_decree":
            if similarity(title, reg.title) >= 0.6:
                return rid, parsed
            continue
        if str(reg.number) == number and (year is None or reg.year == year or reg.year_in_number):
            return rid, parsed
    return None, parsed


# ---------------------------------------------------------------- the import

_LEVEL_PREFIX = {"provinsi": "prov", "kabupaten": "kab", "kota": "kota"}


class _Importer:
    def __init__(self, ds, year: int, satker: str, rec: Recognised, docs_names: list[str]):
        import copy

        from ..resolve.decree import resolve

        self.ds, self.year, self.satker, self.rec = ds, year, satker, rec
        self.office = ds.office(satker)
        yd = ds.year(year)
        # The shared text this office would get without its own patch: the new patch replaces the old.
        ds2 = copy.copy(ds)
        ds2._year_cache, ds2._common_cache = dict(ds._year_cache), {}
        yd2 = copy.copy(yd)
        yd2.office_raw = dict(yd.office_raw)
        raw = yd.office_raw.get(satker)
        self.raw = raw
        if isinstance(raw, dict) and "patch" in raw:
            raw2 = copy.deepcopy(raw)
            del raw2["patch"]
            yd2.office_raw[satker] = raw2
        ds2._year_cache[year] = yd2
        self.decree = resolve(ds2, year, satker)
        self.tree = self.decree.tree
        self.oy = yd.office_files.get(satker)
        self.result = ImportResult(satker, year)
        from ..resolve import labels

        pengungkit = [a.name for a in self.decree.areas if a.kind == "pengungkit"]
        computed = [labels.join_list(pengungkit), _plain(self.decree.title)]
        self.cmp = Comparer(Errata(ds.root / str(year) / "ERRATA.md"), computed)
        self.ids = {n.id for n in self.tree.walk()}
        self.docs_names = docs_names
        self.absent_legal: set[str] = set()   # lists of legal bases the document does not hold
        # Additions the office already has keep their ids when their text comes back unchanged.
        self.known_adds: dict[str, str] = {}
        patch = raw.get("patch") if isinstance(raw, dict) else None
        for spec in (patch or {}).get("add") or []:
            if isinstance(spec, dict) and "id" in spec:
                key = _plain(str(spec.get("text") or spec.get("label") or ""))
                self.known_adds[key] = spec["id"]

    # -- helpers ------------------------------------------------------
    def ev(self, kind: str, where: str, target: str, message: str = "", details: list[str] | None = None) -> None:
        self.result.events.append(Event(kind, where, target, message, details or []))

    def templ(self, text: str) -> str:
        """Text as data: the office's names and the year become variables again."""
        o = self.office
        out = text.replace(o.name, "{{ office.name }}").replace(o.short_name, "{{ office.short_name }}")
        out = re.sub(rf"\b([Tt]ahun) {self.year}\b", r"\1 {{ year }}", out)
        return out

    def new_id(self, text: str) -> str:
        known = self.known_adds.get(_plain(self.templ(text)))
        if known and known not in self.ids:
            self.ids.add(known)
            return known
        stem = self.satker.split("-", 1)[-1]
        words = [w for w in re.findall(r"[a-z0-9]+", _plain(text).lower()) if len(w) > 2][:4]
        base = "-".join([stem, *words])[:60].strip("-") or stem
        nid, k = base, 2
        while nid in self.ids:
            nid, k = f"{base}-{k}", k + 1
        self.ids.add(nid)
        return nid

    # -- the steps ------------------------------------------------------
    def run(self) -> ImportResult:
        containers = shared_containers(self.tree)
        used: set[int] = set()
        for g in self.rec.groups:
            if g.key == ("memutuskan",):
                continue
            c = self.find_container(g, containers, used)
            if c is None:
                for u in g.units:
                    self.ev("unrecognised", u.where, "", _("no place for this in the shared text: ") + _short(u.text))
                continue
            used.add(id(c))
            if c.legal:
                self.legal(g, c)
            else:
                self.text_units(g, c)
        absent: set[str] = set()
        for c in containers:
            if c.legal and id(c) not in used:
                self.absent_legal.add(self.legal_list(c))
            if id(c) not in used and c.units:
                self.ev("info", "", "/".join(c.key[1:]) or c.key[0],
                        _("not found in the document; the shared text is kept"))
                for u in c.units:
                    absent.add(u.id)
                    absent.update(x.id for x in u.subs)
        if not self.rec.table:
            absent.update(n.id for n in self.tree.walk() if n.kind == "target-row")
        self.targets()
        self.carry_over(absent)
        self.fields()
        for u in self.rec.unrecognised:
            self.ev("unrecognised", u.where, "", _short(u.text))
        for where, what in self.rec.notes:
            self.ev("info", where, "", what)
        self.spell()
        return self.result

    def find_container(self, g: Group, containers: list[Container], used: set[int]) -> Container | None:
        kind = g.key[0]
        if kind in ("menimbang", "diktum", "kata-pengantar"):
            return next((c for c in containers if c.key == (kind,)), None)
        if kind == "mengingat":
            return next((c for c in containers if c.key == ("mengingat",)), None)
        best, score = None, 0.0
        for c in containers:
            if kind == "area" and c.key[0] == "area" and c.key[2] == g.key[2]:
                s = similarity(g.key[1], c.key[1])
            elif kind == "chapter" and c.key[0] == "chapter":
                s = similarity(g.key[1], c.key[1])
            elif kind == "section" and c.key[0] in ("section", "dasar-hukum"):
                s = 0.3 * similarity(g.key[1], c.key[1]) + 0.7 * similarity(g.key[2], c.key[-1])
            else:
                continue
            if s > score:
                best, score = c, s
        if best is None or score < 0.5:
            return None
        if best.key[0] == "section":
            legal = next((c for c in containers if c.key == ("dasar-hukum", best.key[2])), None)
            if legal is not None:
                # Dasar Hukum: its citations go to the catalogue, its intro paragraph is text
                self.split_legal(g, best, legal)
                used.update((id(best), id(legal)))
                return Container(("done",), "", [])
        return best

    def split_legal(self, g: Group, text_c: Container, legal_c: Container) -> None:
        cites = [u for u in g.units if parse_citation(u.text)]
        rest = [u for u in g.units if u not in cites]
        self.legal(Group(g.key, cites, g.n, g.file), legal_c)
        self.text_units(Group(g.key, rest, g.n, g.file), text_c)

    def text_units(self, g: Group, c: Container) -> None:
        if c.key == ("done",):
            return
        pairs = align(g.units, c.units)
        prev_shared: SUnit | None = None
        prev_rec: Unit | None = None
        pending_adds: list[Unit] = []
        for k, p in enumerate(pairs):
            if p.rec is not None and not p.shared:
                twin = next((u for u in g.units if u is not p.rec and similarity(p.rec.text, u.text) >= 0.9), None)
                if twin is not None:
                    self.ev("repeated", p.rec.where, "", _("repeats {where}; left out").format(where=f"¶{twin.n}")
                            + f": {_short(p.rec.text)}")
                    continue
                nxt = next((q.shared[0] for q in pairs[k + 1:] if q.shared and q.rec is not None), None)
                nid = self.add(p.rec, prev_shared, nxt, c)
                if nid and prev_shared is not None:
                    # the next addition goes after this one, keeping the typed order
                    prev_shared = SUnit(nid, p.rec.text, prev_shared.kind, list_path=prev_shared.list_path)
                prev_rec = p.rec
                continue
            if p.rec is None:
                s = p.shared[0]
                if s.generated:
                    self.ev("info", "", s.id, _("generated item not in the document (it is computed)"))
                    continue
                self.remove(s)
                continue
            prev_rec = p.rec
            if len(p.shared) == 2:
                a, b = p.shared
                status, details = self.cmp.compare(p.rec.text, a.full + " " + b.full)
                self.ev("merged", p.rec.where, f"{a.id} + {b.id}",
                        _("two items typed as one paragraph") + ("" if status != "changed" else
                                                                _(": the wording differs too; review by hand")),
                        details)
                prev_shared = b
                continue
            s = p.shared[0]
            self.compare_unit(p.rec, s)
            if s.subs or p.rec.subs:
                self.sub_units(p.rec, s)
            prev_shared = s
        del pending_adds

    def compare_unit(self, u: Unit, s: SUnit) -> None:
        status, details = self.cmp.compare(u.text, s.full)
        if status == "same":
            self.ev("matched", u.where, s.id)
        elif status == "fix" or s.generated:
            self.ev("fixed" if status == "fix" else "info", u.where, s.id,
                    _("differs from the shared text only where the shared text is already right; not patched")
                    if status == "fix" else _("generated text differs; it is computed, not patched"), details)
        else:
            self.replace(u, s, details)

    def sub_units(self, u: Unit, s: SUnit) -> None:
        if s.subs and all(x.generated for x in s.subs):
            self.generated_subs(u, s)
            return
        pairs = align(u.subs, s.subs)
        for p in pairs:
            if p.rec is not None and p.shared:
                self.compare_unit(p.rec, p.shared[0])
            elif p.rec is not None:
                if s.subs and s.subs[0].generated:
                    self.ev("info", p.rec.where, s.id, _("extra item in a generated list; the list is computed"))
                else:
                    self.add(p.rec, s.subs[-1] if s.subs else None, None, None)
            elif p.shared and not p.shared[0].generated:
                self.remove(p.shared[0])
            elif p.shared:
                self.ev("info", "", p.shared[0].id, _("generated item not in the document (it is computed)"))

    def generated_subs(self, u: Unit, s: SUnit) -> None:
        """A computed list (one coordinator per area): matched by best fit, in any order; never patched."""
        left = list(s.subs)
        order = []
        for r in u.subs:
            best = max(left, key=lambda x: similarity(r.text, x.text), default=None)
            if best is None or similarity(r.text, best.text) < MATCH:
                self.ev("info", r.where, s.id, _("extra item in a generated list; the list is computed"))
                continue
            left.remove(best)
            order.append(s.subs.index(best))
            self.compare_unit(r, best)
        if order != sorted(order):
            self.ev("fixed", u.where, s.id, _("generated list in another order; the order is computed (area order)"))
        for x in left:
            self.ev("info", "", x.id, _("generated item not in the document (it is computed)"))

    def replace(self, u: Unit, s: SUnit, details: list[str]) -> None:
        fields: dict[str, Any] = {}
        text = u.text
        if s.kind == "intro":
            fields["intro"] = self.templ(text)
        elif s.term:
            m = re.match(r"^(.*?)\s*:?\s+(adalah\b.*)$", text, re.I | re.S)
            if m:
                fields["term"] = self.templ(m.group(1).strip())
                fields["text"] = self.templ(m.group(2)[0].lower() + m.group(2)[1:])
            else:
                fields["text"] = self.templ(text)
        else:
            fields["text"] = self.templ(text)
        self.result.patch["replace"].setdefault(s.id, {}).update(fields)
        self.ev("replaced", u.where, s.id, _short(text), details)

    def add(self, u: Unit, prev: SUnit | None, nxt: SUnit | None, c: Container | None) -> str | None:
        # An addition stands in the list of its neighbour: after the one before, else before the next.
        if prev is not None and prev.kind != "intro" and not prev.generated:
            spec = {"after": prev.id}
        elif nxt is not None and not nxt.generated and nxt.kind != "intro":
            spec = {"before": nxt.id}
        elif c is not None and c.units and c.units[-1].kind != "intro":
            spec = {"after": c.units[-1].id}
        else:
            self.ev("unrecognised", u.where, "", _("new text with no item next to it to attach to: ") + _short(u.text))
            return None
        nid = self.new_id(u.text)
        spec["id"] = nid
        spec["text"] = self.templ(u.text)
        self.result.patch["add"].append(spec)
        self.ev("added", u.where, nid, _short(u.text))
        return nid

    def remove(self, s: SUnit) -> None:
        if s.kind == "intro":
            self.result.patch["replace"].setdefault(s.id, {})["intro"] = None
        else:
            self.result.patch["remove"].append(s.id)
        self.ev("removed", "", s.id, _short(s.text))

    def carry_over(self, absent: set[str]) -> None:
        """The office's existing patch entries for parts the document does not contain are kept
        (importing only the Keputusan must not drop the office's own Lampiran text)."""
        old = self.raw.get("patch") if isinstance(self.raw, dict) else None
        if not isinstance(old, dict):
            return
        patch = self.result.patch
        for what in sorted(self.absent_legal):
            change = old.get(what)
            if isinstance(change, dict) and any(change.values()):
                patch[what] = {k: [str(x) for x in v] for k, v in change.items() if v}
                self.ev("info", "", what, _("kept from the office's current patch (not in the document)"))
        for iid, fields in (old.get("replace") or {}).items():
            if iid in absent and iid not in patch["replace"]:
                patch["replace"][iid] = _plainify(fields)
                self.ev("info", "", iid, _("kept from the office's current patch (not in the document)"))
        for iid in old.get("remove") or []:
            if iid in absent and iid not in patch["remove"]:
                patch["remove"].append(str(iid))
                self.ev("info", "", str(iid), _("kept from the office's current patch (not in the document)"))
        kept = set(absent)
        for spec in old.get("add") or []:
            anchor = spec.get("after", spec.get("before")) if isinstance(spec, dict) else None
            if anchor in kept and spec.get("id") not in {a.get("id") for a in patch["add"]}:
                patch["add"].append(_plainify(spec))
                kept.add(spec.get("id"))
                self.ev("info", "", str(spec.get("id")), _("kept from the office's current patch (not in the document)"))

    # -- Mengingat and Dasar Hukum ---------------------------------------
    @staticmethod
    def legal_list(c: Container) -> str:
        return "mengingat" if c.key == ("mengingat",) else "dasar_hukum"

    def cite(self, what: str, how: str, rid: str) -> None:
        """This office's list differs from the year's: patch: <what>: <how>: [rid]."""
        ids = self.result.patch[what].setdefault(how, [])
        if rid not in ids:
            ids.append(rid)

    def legal(self, g: Group, c: Container) -> None:
        what = self.legal_list(c)
        want = [s.id for s in c.units]
        got: list[str] = []
        for u in g.units:
            rid, parsed = match_regulation(self.ds, u.text)
            if rid is None:
                rid = self.unknown_regulation(u, parsed, what)
                if rid is not None:
                    got.append(rid)
                continue
            got.append(rid)
            if rid in want:
                s = next(x for x in c.units if x.id == rid)
                status, details = self.cmp.compare(u.text, s.text)
                kind = "matched" if status == "same" else "fixed"
                self.ev(kind, u.where, rid, "" if status == "same" else
                        _("citation differs from the catalogue; the catalogue is used"), details)
                if self.ds.regulations[rid].per_office == "team_decree":
                    self.team_decree(u)
            else:
                self.cite(what, "add", rid)
                self.ev("added", u.where, rid, _("cited by this office, not in the year's list: added to the "
                                                 "office's own {list} (patch: {list}: add:)").format(list=what))
        for rid in want:
            if rid not in got:
                self.cite(what, "remove", rid)
                self.ev("removed", "", rid, _("in the year's list but not cited in the document: removed from "
                                              "the office's own {list} (patch: {list}: remove:)").format(list=what))

    def unknown_regulation(self, u: Unit, parsed, what: str) -> str | None:
        if parsed is None:
            self.ev("unrecognised", u.where, "", _("not a citation: ") + _short(u.text))
            return None
        kind, number, year, title = parsed
        rid = re.sub(r"[^a-z0-9]+", "-", f"{kind.lower()}-{number}-{year or ''}".lower()).strip("-")
        entry: dict[str, Any] = {"kind": kind, "number": int(number) if number.isdigit() else number,
                                 "year": year, "title": title, "unverified": True}
        if year is None:
            entry["year_in_number"] = True
            entry["year"] = int(m.group(0)) if (m := re.search(r"(19|20)\d\d", number)) else self.year
        gazette = parse_gazette(u.text)
        if gazette:
            entry["gazette"] = gazette
        self.result.new_regulations[rid] = entry
        self.cite(what, "add", rid)
        self.ev("added", u.where, rid, _("not in the catalogue: added to regulations.yaml as unverified and cited "
                                         "by this office (patch: {list}: add:); check its numbers and add "
                                         "source:").format(list=what))
        return rid

    def team_decree(self, u: Unit) -> None:
        m = re.search(r"Nomor\s+(\S+)\s+Tahun\s+(\d{4})(?:\s+tanggal\s+(\d{1,2}\s+\w+\s+\d{4}))?", _plain(u.text))
        if not m:
            return
        from ..ingest.structure import parse_date

        number: Any = int(m.group(1)) if m.group(1).isdigit() else m.group(1)
        date = parse_date(m.group(3)) if m.group(3) else None
        td = self.oy.team_decree if self.oy else None
        have = (getattr(td, "number", None), getattr(td, "date", None))
        if date is None:
            return
        if have != (number, date):
            self.result.fields["team_decree"] = {"number": number, "date": date}
            self.ev("set", u.where, "team_decree", f"{number}, {date.isoformat()}")

    # -- the target table ------------------------------------------------
    def targets(self) -> None:
        rows = self.rec.table
        if not rows:
            self.ev("info", "", "targets", _("no target table found; the year's targets are kept"))
            return
        groups = [n for n in self.tree.walk() if n.kind == "target-group"]
        by_group: dict[str, list[TableRow]] = {}
        for r in rows:
            by_group.setdefault(r.group_label + " " + r.group, []).append(r)
        # Groups are aligned in order on their name and their rows' labels together: a group typed
        # under a wrong area name (a copy-paste slip) still finds its rows.
        typed = [Unit(rr[0].n, rr[0].file, rr[0].group) for rr in by_group.values()]
        shared_g = [SUnit(g.id, g.text) for g in groups]
        labels_of = {id(t): " ".join(r.label for r in rr) for t, rr in zip(typed, by_group.values())}
        rows_of = {g.id: " ".join(r.text for r in g.children) for g in groups}

        def _no_merge_group_sim(t: Unit, g: SUnit) -> float:
            return max(similarity(t.text, g.text), similarity(labels_of[id(t)], rows_of[g.id]))

        gpairs = align(typed, shared_g, sim_fn=_no_merge_group_sim)
        node_by = {g.id: g for g in groups}
        rows_by = {id(t): rr for t, rr in zip(typed, by_group.values())}
        for gp in gpairs:
            if gp.rec is None:
                self.ev("info", "", gp.shared[0].id, _("area missing from the target table; the year's rows are kept"))
                continue
            rrows = rows_by[id(gp.rec)]
            name = rrows[0].group
            if not gp.shared:
                for r in rrows:
                    self.ev("unrecognised", f"{r.file}:¶{r.n}", "", _("table row of an unknown area: ") + r.label)
                continue
            g = node_by[gp.shared[0].id]
            if _plain(name).lower() != _plain(g.text).lower():
                self.ev("fixed", f"{rrows[0].file}:¶{rrows[0].n}", g.id, _("area name in the table is computed"),
                        [f"'{name}' → '{g.text}'"])
            shared = [SUnit(n.id, n.text, "row", list_path=g.path) for n in g.children]
            units = [Unit(r.n, r.file, r.label) for r in rrows]
            pairs = align(units, shared, text_of=lambda s: s.text)
            cells_of = {id(u): r for u, r in zip(units, rrows)}
            node_of = {n.id: n for n in g.children}
            prev: str | None = None
            for p in pairs:
                if p.rec is not None and p.shared:
                    s = p.shared[0]
                    self.target_row(cells_of[id(p.rec)], node_of[s.id])
                    prev = s.id
                elif p.rec is not None:
                    r = cells_of[id(p.rec)]
                    nid = self.new_id(r.label)
                    spec: dict[str, Any] = {"after": prev} if prev else {"before": shared[0].id}
                    spec.update(id=nid, label=self.templ(r.label), months=_months(r.cells))
                    self.result.patch["add"].append(spec)
                    self.ev("added", f"{r.file}:¶{r.n}", nid, r.label)
                    prev = nid
                else:
                    self.remove(p.shared[0])

    def target_row(self, r: TableRow, node: Node) -> None:
        where = f"{r.file}:¶{r.n}"
        got = _months(r.cells)
        have = _months(list(node.cells or ()))
        fields: dict[str, Any] = {}
        status, details = self.cmp.compare(r.label, node.text)
        if status == "changed":
            fields["label"] = self.templ(r.label)
        if got != have:
            fields["months"] = got
            blank = _("(blank)")
            changed = [f"{m}: {have.get(m, blank)} → {got.get(m, blank)}" for m in MONTHS if have.get(m) != got.get(m)]
            details = details + changed
        if fields:
            self.result.patch["replace"].setdefault(node.id, {}).update(fields)
            self.ev("replaced", where, node.id, r.label, details)
        elif status == "fix":
            self.ev("fixed", where, node.id, _("differs from the shared text only where the shared text is "
                                               "already right; not patched"), details)
        else:
            self.ev("matched", where, node.id)

    # -- number, date, officials ------------------------------------------
    def fields(self) -> None:
        rec, oy = self.rec, self.oy
        if rec.number and not _is_placeholder(rec.number):
            number: Any = int(rec.number) if rec.number.isdigit() else rec.number
            have = oy.number if oy else None
            if rec.number_year and rec.number_year != self.year:
                self.ev("info", rec.number_where, "number",
                        _("the document is for {got}, not {year}").format(got=rec.number_year, year=self.year))
            if have != number:
                self.result.fields["number"] = number
                self.ev("set", rec.number_where, "number", str(number))
            else:
                self.ev("matched", rec.number_where, "number")
        if rec.date:
            have = oy.date if oy else None
            if have != rec.date:
                self.result.fields["date"] = rec.date
                self.ev("set", rec.date_where, "date", rec.date.isoformat())
            else:
                self.ev("matched", rec.date_where, "date")
        if rec.seat and rec.seat.lower() != self.office.seat.lower():
            self.ev("info", rec.date_where, "seat", _("'Ditetapkan di {got}' but the office's seat is {seat}")
                    .format(got=rec.seat, seat=self.office.seat))
        names = [u for u in rec.signers if u.text and not u.text.isupper()] or rec.signers
        # officials are data of the year (the office's year file)
        ketua = oy.ketua if oy else None
        salinan = oy.salinan if oy else None
        if names:
            u = names[0]
            name = u.text if not u.text.isupper() else u.text.title()
            self.official("ketua.name", ketua.name if ketua else None, name, u.where)
        if rec.salinan_name:
            self.official("salinan.jabatan", salinan.jabatan if salinan else None, rec.salinan_jabatan,
                          rec.salinan_where)
            self.official("salinan.name", salinan.name if salinan else None, rec.salinan_name, rec.salinan_where)

    def official(self, key: str, have: Any, got: str, where: str) -> None:
        if not got or _is_placeholder(got):
            return
        if isinstance(have, str) and _plain(have).lower() == _plain(got).lower():
            self.ev("matched", where, key)
            return
        self.result.officials[key] = got
        self.ev("set", where, key, got + ("" if isinstance(have, str) else _(" (was a placeholder)")))

    # -- spelling of the text that goes into the data ----------------------
    def spell(self) -> None:
        adds = {a["id"]: a for a in self.result.patch["add"]}
        texts, wheres = [], []
        for e in self.result.events:
            if e.kind == "replaced" and e.target in self.result.patch["replace"]:
                for v in self.result.patch["replace"][e.target].values():
                    if isinstance(v, str):
                        texts.append(v)
                        wheres.append(e.where)
            elif e.kind == "added" and e.target in adds:
                texts.append(adds[e.target].get("text") or adds[e.target].get("label") or "")
                wheres.append(e.where)
        if not texts:
            return
        from ..check.textrules import spelling as spell_texts

        words = set(registry_words(self.ds.root)) if (self.ds.root / "offices.yaml").is_file() else set()
        from ..check.spelling import SpellChecker

        checker = SpellChecker(extra_words=sorted(words))
        plain = [re.sub(r"\{\{[^}]*\}\}", lambda m: " " * len(m.group(0)), t) for t in texts]
        for t, where, found in zip(plain, wheres, spell_texts(checker, plain)):
            for h in found:
                msg = f"{h.message}" + (f" ({h.suggestion})" if h.suggestion else "")
                self.result.spelling.append(msg)
                self.ev("spelling", where, "", msg + f": …{_short(t[max(h.start - 20, 0):h.end + 20])}…")


def _is_placeholder(text: str) -> bool:
    """A value typed as "[Nomor Keputusan]" is not known yet: it stays a placeholder."""
    return bool(re.fullmatch(r"\s*\[[^\]]*\]\s*", text))


def _months(cells: list[str]) -> dict[str, int]:
    out = {}
    for m, c in zip(MONTHS, cells):
        c = (c or "").strip().rstrip("%").strip()
        if c.isdigit():
            out[m] = int(c)
    return out


def _short(text: str, n: int = 70) -> str:
    t = _plain(text)
    return t if len(t) <= n else t[: n - 1] + "…"


def import_docx(paths: list[Path], *, satker: str, year: int | None, data: Path) -> ImportResult:
    """Read the hand-typed decree (one or two .docx) and work out the office's data for the year."""
    from ..load.dataset import load_dataset

    ds = load_dataset(data)
    ds.office(satker)
    year = year or ds.latest_year
    docs = [read_docx(p) for p in paths]
    rec = recognise(docs)
    return _Importer(ds, year, satker, rec, [d.file for d in docs]).run()


# ---------------------------------------------------------------- writing the data

def _styled(value: Any, indent: int) -> Any:
    """Plain values as the data files write them: long text folded (>-), lists and maps in block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .datastore import styled_text

    if isinstance(value, str):
        return styled_text(value, indent)
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _styled(v, indent + 2)
        if value and all(k in MONTHS for k in value):
            out.fa.set_flow_style()  # months: {mar: 50, apr: 100}, like the year's table
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        for v in value:
            seq.append(_styled(v, indent + 4))
        return seq
    return value


def _edit(res: ImportResult, data: Path, files: list[str]):
    """One datastore edit holding every change of the import (validated, then written atomically)."""
    from .datastore import DataStore

    store = DataStore(data, git=False)
    names = ", ".join(files)
    return store, store.edit(year=res.year, office=res.satker, editor="zi-docgen import",
                             message=f"import {res.satker} {res.year} ({names})")


def _fill(store, e, res: ImportResult) -> None:
    values: dict[str, Any] = {}
    for key in ("number", "date"):
        if key in res.fields:
            values[key] = res.fields[key]
    if "team_decree" in res.fields:
        values["team_number"] = res.fields["team_decree"]["number"]
        values["team_date"] = res.fields["team_decree"]["date"]
    if values:
        e.set_office_year(**values)
    rel = store.office_file(res.year, res.satker)
    patch = {k: v for k, v in res.patch.items() if v}
    if patch or store.path(rel).exists():
        doc = e.doc(rel, create=True)
        if patch:
            if _plainify(doc.get("patch")) != _plainify(patch):
                doc["patch"] = _styled(patch, 2)
        elif "patch" in doc:
            del doc["patch"]
    for key, value in res.officials.items():
        role, field_ = key.split(".")
        e.set_official(res.satker, role, field_, value)
    for rid, entry in res.new_regulations.items():
        e.add_regulation(rid, entry)


def planned_files(res: ImportResult, data: Path) -> dict[Path, str]:
    """The new text of every file the import would change (nothing else is touched)."""
    store, e = _edit(res, data, [])
    _fill(store, e, res)
    texts = e.texts()
    return {Path(data) / rel: text for rel, text in texts.items()}


def write_result(res: ImportResult, data: Path, files: list[str] | None = None) -> list[Path]:
    """Write the office's data through the datastore: under its lock, validated on a scratch
    copy of the data, each file replaced atomically; a refused edit writes nothing."""
    store, e = _edit(res, data, files or [])
    with e:
        _fill(store, e, res)
        saved = e.save()
    res.written = [str(Path(data) / rel) for rel in saved.files]
    return [Path(data) / rel for rel in saved.files]


def _plainify(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plainify(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plainify(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


# ---------------------------------------------------------------- the report

KIND_NAMES = {
    "matched": N_("matched"), "fixed": N_("typo (not patched)"), "replaced": N_("replaced"), "added": N_("added"),
    "removed": N_("removed"), "unrecognised": N_("not recognised"), "merged": N_("merged"),
    "repeated": N_("repeated"), "set": N_("set"), "info": N_("note"), "spelling": N_("spelling"),
}
ORDER = ("replaced", "added", "removed", "set", "unrecognised", "merged", "repeated", "fixed", "spelling", "info")


def report_json(res: ImportResult, dry_run: bool) -> dict:
    return {
        "satker": res.satker, "year": res.year, "dry_run": dry_run,
        "summary": {k: res.count(k) for k in KIND_NAMES},
        "patch": _jsonable(res.patch), "fields": _jsonable(res.fields), "officials": res.officials,
        "new_regulations": _jsonable(res.new_regulations),
        "events": [e.to_json() for e in res.events], "written": res.written,
    }


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def report_lines(res: ImportResult, dry_run: bool) -> list[str]:
    lines = []
    for kind in ORDER:
        for e in res.events:
            if e.kind != kind:
                continue
            where = e.where or "-"
            target = f" {e.target}" if e.target else ""
            msg = f": {e.message}" if e.message else ""
            lines.append(f"{where}: {_(KIND_NAMES[kind])}{target}{msg}")
            for d in e.details[:8]:
                lines.append(f"    {d}")
    matched = [e for e in res.events if e.kind == "matched"]
    if matched:
        by_file: dict[str, list[str]] = {}
        for e in matched:
            file, _sep, n = e.where.partition(":")
            by_file.setdefault(file, []).append(f"{n} {e.target}")
        for file, items in by_file.items():
            lines.append(f"{file}: {_(KIND_NAMES['matched'])}: " + ", ".join(items))
    summary = ", ".join(f"{res.count(k)} {_(KIND_NAMES[k])}" for k in
                        ("matched", "fixed", "replaced", "added", "removed", "unrecognised"))
    lines.append(_("Summary") + f": {summary}")
    if res.patch_is_empty:
        lines.append(_("No patch: the document reads as the shared text."))
    if dry_run:
        lines.append(_("--dry-run: nothing was written."))
    elif res.written:
        lines.append(_("Written") + ": " + ", ".join(res.written))
    else:
        lines.append(_("Nothing to write: the data already says this."))
    return lines


def run_import(paths: list[Path], *, satker: str, year: int | None, data: Path, dry_run: bool, fmt: str,
               console) -> int:
    """`zi-docgen import`: exit 0 when written (or a clean dry run), 1 when parts were not recognised."""
    res = import_docx(paths, satker=satker, year=year, data=data)
    if not dry_run:
        write_result(res, data, [p.name for p in paths])
    if fmt == "json":
        console.print(json.dumps(report_json(res, dry_run), ensure_ascii=False, indent=1), markup=False)
    else:
        for line in report_lines(res, dry_run):
            console.print(line, markup=False)
    return 1 if res.count("unrecognised") else 0
