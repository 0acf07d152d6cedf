"""Stage 4, render: a resolved Decree → DOCX bytes, through the DOCX templates.

Each template is read, pre-processed and compiled by Jinja once per process
(docxtpl alone would do it again for every document). Output is deterministic:
fixed zip timestamps and core properties, so the same data gives the same bytes.

Speed (see bench/run.py): most of a template is the same in every document
(styles.xml and stylesWithEffects.xml alone are ~800 kB). So each template
package is read once per process; per document only the parts that rendering
changes (the main document, the core properties) are parsed, the others are
shared bytes, and their zip entries are deflated once and copied as they are.
The bytes written are the same as python-docx + zipfile would write.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import _ContentTypesItem
from docx.opc.package import Unmarshaller
from docx.package import Package
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError
from lxml import etree

from ..resolve.dates import MONTH_ABBR
from ..errors import Src, TemplateProblem
from ..resolve.markup import to_runs
from ..resolve.decree import Decree, RBlock, RChapter, RItem, plain

ITALIC_STYLE = "ZIAsing"          # style id of the "ZI Asing" character style in the templates
TEMPLATE_NAMES = ("keputusan", "lampiran")
#: Every document a build writes for an office: (output name, template, certified copy?).
#: The original is the one to sign; the salinan is the certified copy to distribute.
OUTPUTS = (("keputusan", "keputusan", False), ("lampiran", "lampiran", False),
           ("keputusan-salinan", "keputusan", True), ("lampiran-salinan", "lampiran", True))
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


class _CompiledTemplate(DocxTemplate):
    """docxtpl, with the Jinja templates of each part compiled once and shared."""

    def __init__(self, document, compiled: dict[str, Any], env: Environment, name: str,
                 has_footnotes: bool = False):
        super().__init__(io.BytesIO())   # never read: the document is given, see init_docx
        self.docx = document
        self._has_footnotes = has_footnotes
        self._compiled = compiled
        self._env = env
        self._name = name

    def _template_for(self, key: str, xml_source) -> Any:
        tmpl = self._compiled.get(key)
        if tmpl is None:
            src = self.patch_xml(xml_source())
            src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
            try:
                tmpl = self._env.from_string(src)
            except TemplateError as exc:
                raise TemplateProblem(f"template error in {key}: {exc.message}", Src(f"templates/{self._name}.docx"),
                                      "fix the {{ }} / {% %} tags in Word, or restore the template from git") from None
            self._compiled[key] = tmpl
        return tmpl

    def _render_part(self, key: str, xml_source, context, part) -> str:
        tmpl = self._template_for(key, xml_source)
        # InlineImage adds its picture to the part being rendered.
        self.current_rendering_part = part
        try:
            dst = tmpl.render(context)
        except UndefinedError as exc:
            raise TemplateProblem(f"the template uses an unknown variable: {exc.message}",
                                  Src(f"templates/{self._name}.docx"),
                                  "use only the variables listed in the README") from None
        # Undo the line breaks added before compiling; the same as docxtpl's
        # re.sub(r"\n<w:p([ >])", r"<w:p\1", dst) but without a callback per paragraph.
        dst = dst.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        return self.resolve_listing(dst)

    def build_xml(self, context, jinja_env=None):
        return self._render_part("body", self.get_xml, context, self.docx._part)

    def compile_all(self) -> None:
        """Compile the body, headers and footers (the parts render() will ask for)."""
        self._template_for("body", self.get_xml)
        for uri in (self.HEADER_URI, self.FOOTER_URI):
            for _, part in self.get_headers_footers(uri):
                self._template_for(str(part.partname), lambda part=part: self.get_part_xml(part))

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            xml = self._render_part(str(part.partname), lambda part=part: self.get_part_xml(part), context, part)
            yield rel_key, xml.encode("utf-8")

    def render_properties(self, context, jinja_env=None) -> None:
        # Core properties are set by the renderer; nothing to template there.
        return None

    def resolve_listing(self, xml):
        # Only needed for docxtpl's Listing objects, which we never pass; it is a
        # costly regex pass over every part.
        return xml

    def render_footnotes(self, context, jinja_env=None) -> None:
        # docxtpl walks every part of the package, for every section, to look for
        # footnotes; whether the template has any is known once.
        if self._has_footnotes:
            super().render_footnotes(context, jinja_env)

    def fix_tables(self, xml):
        # docxtpl re-balances the table grid when {%tc %} loops change the number of
        # cells in a row. That walk costs as much as the parse; when no table needs
        # it (always, for our templates) the parsed tree is returned as it is.
        tree = etree.fromstring(xml, parser=_RECOVER)
        if not any(_grid_mismatch(t) for t in tree.iter(_W + "tbl")):
            return tree
        return super().fix_tables(xml)

    def init_docx(self, reload: bool = True):
        # docxtpl would re-open the template file here; each instance renders once,
        # from the package it was given.
        if self.is_rendered:
            raise RuntimeError("a _CompiledTemplate renders once; ask the Renderer for another")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RECOVER = etree.XMLParser(recover=True)   # what docxtpl's fix_tables parses with
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


_NS = {"w": _W[1:-1]}
# The counts docxtpl's fix_tables takes with find()/findall(), as compiled XPath:
# lxml's find() parses its path in Python on every call, which for hundreds of
# cells costs more than parsing the whole document. tcPr[1]/gridSpan[1]: find()
# also takes the first.
_GRID_COLUMNS = etree.XPath("count(w:tblGrid[1]/w:gridCol)", namespaces=_NS)
_ROW_CELLS = etree.XPath("count(w:tc)", namespaces=_NS)
_ROW_WIDTH = etree.XPath("count(w:tc) + sum(w:tc/w:tcPr[1]/w:gridSpan[1]/@w:val)"
                         " - count(w:tc/w:tcPr[1]/w:gridSpan[1])", namespaces=_NS)


def _grid_mismatch(tbl) -> bool:
    """Would docxtpl's fix_tables change this table? (its two tests, without the rewrite)"""
    if tbl.find(_W + "tblGrid") is None:
        return True   # docxtpl fails on it; let it say so
    columns = _GRID_COLUMNS(tbl)
    most_cells = most_width = 0.0
    for row in tbl.iter(_W + "tr"):
        most_cells = max(most_cells, _ROW_CELLS(row))
        width = _ROW_WIDTH(row)
        if width != width or width != int(width):
            return True   # a span docxtpl's int() would reject
        most_width = max(most_width, width)
    return most_cells > columns or most_width < columns


# Parts that rendering modifies, so each document gets its own parsed copy:
# the body (and the picture relationship InlineImage adds to it) and the core
# properties. Headers and footers are replaced by docxtpl with new parts, never
# edited in place; every other part is copied unchanged.
_LIVE_TYPES = (CT.WML_DOCUMENT_MAIN, CT.OPC_CORE_PROPERTIES)


class _TemplatePackage:
    """One template read once: its parts as python-docx would save them, and their zip entries.

    `document()` builds a fresh python-docx Document per render from this cache
    instead of unzipping and parsing the whole package again.
    """

    def __init__(self, blob: bytes):
        self._reader = PackageReader.from_file(io.BytesIO(blob))
        # Shared parts keep the bytes python-docx would write for them (it re-serialises
        # the XML parts it parses), so the output is what a plain save would give.
        reference = Package()
        Unmarshaller.unmarshal(self._reader, reference, PartFactory)
        self._shared: dict[str, bytes] = {}
        for part in reference.iter_parts():
            if part.content_type not in _LIVE_TYPES:
                self._shared[str(part.partname)] = part.blob
        # An unchanged part is deflated once here and its entry copied into every document.
        self.entries = _EntryCache(self._shared.values())
        self.has_footnotes = any(p.content_type == _FOOTNOTES for p in reference.iter_parts())
        reference.main_document_part.document  # fail now on a package python-docx cannot use

    def _part(self, partname, content_type, reltype, blob, package):
        shared = self._shared.get(str(partname))
        if shared is not None:
            return Part(partname, content_type, shared, package)
        return PartFactory(partname, content_type, reltype, blob, package)

    def document(self):
        package = Package()
        Unmarshaller.unmarshal(self._reader, package, self._part)
        return package.main_document_part.document


@dataclass
class _Loaded:
    package: _TemplatePackage
    compiled: dict[str, Any]


class Renderer:
    """Holds the templates of one templates folder; reuse one Renderer for many documents."""

    def __init__(self, templates_dir: Path):
        self.dir = Path(templates_dir)
        self.env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        self._loaded: dict[str, _Loaded] = {}

    def _template(self, name: str) -> _CompiledTemplate:
        if name not in self._loaded:
            path = self.dir / f"{name}.docx"
            try:
                blob = path.read_bytes()
            except FileNotFoundError:
                raise TemplateProblem("template not found", Src.of(path),
                                      "restore it with 'git checkout templates/' or pass --templates DIR") from None
            if not zipfile.is_zipfile(io.BytesIO(blob)):
                raise TemplateProblem("template is not a valid .docx file", Src.of(path),
                                      "save it again from Word as .docx, or restore it from git")
            try:
                package = _TemplatePackage(blob)
            except Exception as exc:  # python-docx raises several kinds for a broken package
                raise TemplateProblem(f"template cannot be opened: {exc}", Src.of(path),
                                      "save it again from Word as .docx, or restore it from git") from None
            loaded = _Loaded(package, {})
            # Compile every part now, not at the first document: a tag error shows
            # before any rendering (build probes the templates before starting its
            # workers), and workers forked after a probe inherit the compiled parts.
            self._instance(loaded, name).compile_all()
            self._loaded[name] = loaded
        return self._instance(self._loaded[name], name)

    def _instance(self, loaded: _Loaded, name: str) -> _CompiledTemplate:
        return _CompiledTemplate(loaded.package.document(), loaded.compiled, self.env, name,
                                 loaded.package.has_footnotes)

    def render_all(self, decree: Decree) -> dict[str, bytes]:
        """The original and the certified copy of the Keputusan and the Lampiran (see OUTPUTS)."""
        return {out: self.render(decree, name, copy=copy) for out, name, copy in OUTPUTS}

    def render(self, decree: Decree, name: str, copy: bool = False) -> bytes:
        tpl = self._template(name)
        context = (keputusan_context if name == "keputusan" else lampiran_context)(decree, tpl, copy)
        try:
            tpl.render(context)
        except TemplateProblem:
            raise
        except TemplateError as exc:
            raise TemplateProblem(f"template error: {exc}", Src.of(self.dir / f"{name}.docx"),
                                  "fix the tags in Word, or restore the template from git") from None
        props = tpl.docx.core_properties
        for key, value in core_properties(decree, name, copy).items():
            setattr(props, key, value)
        props.last_modified_by = "zi-docgen"
        props.revision = 1
        stamp = dt.datetime.combine(decree.date, dt.time()) if decree.date else FIXED_TIME
        props.created = stamp
        props.modified = stamp
        props.last_printed = FIXED_TIME
        tpl.pre_processing()
        return package_bytes(tpl.docx.part.package, self._loaded[name].package.entries)


def package_bytes(package, cache: "_EntryCache | None" = None) -> bytes:
    """Serialise a python-docx package deterministically: fixed timestamps, stable order.

    python-docx's own save stamps the current time on every zip entry; writing the
    parts here also avoids compressing the whole package twice. `cache` holds
    entries already deflated (a template's unchanged parts, the figure).
    """
    parts = list(package.iter_parts())
    memo = cache.memo if cache is not None else lambda key, make: make()
    zw = _ZipWriter(cache)
    zw.put(CONTENT_TYPES_URI, memo(("types",) + tuple((str(p.partname), p.content_type) for p in parts),
                                   lambda: _ContentTypesItem.from_parts(parts).blob))
    zw.put(PACKAGE_URI.rels_uri, _rels_xml(package.rels, memo))
    for part in parts:
        zw.put(part.partname, part.blob)
        if len(part.rels):
            zw.put(part.partname.rels_uri, _rels_xml(part.rels, memo))
    return zw.finish()


def _rels_xml(rels, memo) -> bytes:
    # The relationships of a template's parts are the same in every document (the
    # figure adds one); building the XML element each time costs more than this key.
    key = ("rels",) + tuple((r.rId, r.reltype, r.target_ref, r.is_external) for r in rels.values())
    return memo(key, lambda: rels.xml)


# The zip is written here rather than with zipfile so that an entry deflated once
# can be copied into many documents. The layout is exactly what
# zipfile.ZipFile.writestr writes for ZipInfo(name, (1980, 1, 1, 0, 0, 0)),
# ZIP_DEFLATED at zlib's default level, mode 0600 (checked by
# tests/test_render_cache.py), except that the "made by" system is always Unix:
# zipfile would put 0 there on Windows, and the bytes must not depend on the OS.
_VERSION = 20                        # 2.0: deflate
_MADE_BY_UNIX = 3
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_EXTERNAL_ATTR = 0o600 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def _deflate(data: bytes) -> tuple[int, bytes]:
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), c.compress(data) + c.flush()


class _EntryCache:
    """Deflated data by content: parts that are the same in many documents are compressed once.

    Keyed by the bytes themselves; a template's shared parts are the very same
    bytes objects every time, so the lookup is a hash already computed and an
    identity check. Other large repeated blobs (the figure PNG) are added as they
    come, up to a bound, since a new office may bring a new figure.
    """

    def __init__(self, blobs=(), limit: int = 16):
        self._fixed = {b: _deflate(b) for b in blobs}
        self._extra: dict[bytes, tuple[int, bytes]] = {}
        self._limit = limit
        self._memo: dict[tuple, bytes] = {}

    def memo(self, key: tuple, make) -> bytes:
        """Small generated XML ([Content_Types].xml, .rels) by what determines it."""
        xml = self._memo.get(key)
        if xml is None:
            if len(self._memo) >= 256:   # never reached by real templates; only a bound
                self._memo.clear()
            xml = self._memo[key] = make()
        return xml

    def get(self, data: bytes) -> tuple[int, bytes]:
        hit = self._fixed.get(data) or self._extra.get(data)
        if hit is None:
            hit = _deflate(data)
            # Only media are worth keeping: the XML that changes is different in every document.
            if len(data) >= 32768 and not data.startswith(b"<?xml"):
                if len(self._extra) >= self._limit:
                    self._extra.pop(next(iter(self._extra)))
                self._extra[data] = hit
        return hit


class _ZipWriter:
    def __init__(self, cache: _EntryCache | None):
        self._cache = cache
        self._chunks: list[bytes] = []
        self._central: list[bytes] = []
        self._offset = 0

    def put(self, name: str, data: bytes) -> None:
        crc, packed = self._cache.get(data) if self._cache is not None else _deflate(data)
        fname = name.lstrip("/").encode("ascii")   # part names are ASCII by the OPC spec
        local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                            crc, len(packed), len(data), len(fname), 0)
        self._central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _MADE_BY_UNIX, _VERSION, 0, 0,
                                           zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(packed),
                                           len(data), len(fname), 0, 0, 0, 0, _EXTERNAL_ATTR, self._offset)
                             + fname)
        self._chunks += (local, fname, packed)
        self._offset += len(local) + len(fname) + len(packed)

    def finish(self) -> bytes:
        central = b"".join(self._central)
        n = len(self._central)
        end = _END.pack(b"PK\x05\x06", 0, 0, n, n, len(central), self._offset, 0)
        return b"".join(self._chunks) + central + end


# ---------------------------------------------------------------- contexts

def _fit(text: str, limit: int = 255) -> str:
    """Word's core properties hold at most 255 characters: cut at a word, marked with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def core_properties(decree: Decree, name: str, copy: bool) -> dict[str, str]:
    """Title, subject, author (the office) and keywords: what Word, Explorer and a JDIH show."""
    doc = "Keputusan" if name == "keputusan" else "Lampiran Keputusan"
    words = [doc, decree.office.short_name, str(decree.year), "Zona Integritas", "WBK", "WBBM",
             "Salinan" if copy else "Asli"]
    if decree.is_draft:
        words.append("DRAFT")
    number = decree.number_line.replace("NOMOR:", "Nomor").replace("NOMOR", "Nomor").replace("TAHUN", "Tahun")
    return {
        "title": _fit(f"{doc} {decree.office.short_name} {number}"),
        "subject": _fit(_plain(decree.title)),
        "author": decree.office.name,
        "keywords": _fit("; ".join(words)),
        "language": "id-ID",
    }


@functools.lru_cache(maxsize=1024)
def _plain(text: str) -> str:
    # plain() parses the markup again; the title is asked for several times per document.
    return plain(text)


@functools.lru_cache(maxsize=16384)
def _runs(text: str, prefix: str = ""):
    # Most text is the same for every office; Runs are immutable, so documents share them.
    return to_runs(text, ITALIC_STYLE, prefix=prefix)


def _split_name(decree: Decree, lead: str, upper: bool) -> list[str]:
    """'KETUA KOMISI PEMILIHAN UMUM' / 'PROVINSI KALIMANTAN BARAT,': the body, then the region."""
    body, region = decree.office.body, decree.office.region
    lines = [f"{lead} {body}".strip(), region]
    return [l.upper() for l in lines] if upper else lines


def _konsiderans(items: tuple[RItem, ...], head: str) -> list[dict]:
    return [{"head": head if i == 0 else "", "colon": ":" if i == 0 else "", "label": it.label,
             "text": _runs(it.text)} for i, it in enumerate(items)]


#: The signing space of an original: empty lines where the ketua signs and stamps.
SIGNING_SPACE = ("", "", "", "")
#: A certified copy shows "ttd." where the original was signed.
COPY_MARK = ("", "ttd.", "")


def _sign_place(decree: Decree, copy: bool) -> list[str]:
    """What stands between the jabatan and the name: a signing space, "ttd.", or the TTE statement."""
    if copy:
        return list(COPY_MARK)
    if decree.tte:
        return ["", *decree.tte, ""]
    return list(SIGNING_SPACE)


def _salinan(decree: Decree, copy: bool) -> list[dict]:
    """The "Salinan sesuai dengan aslinya" block: in the certified copy only (a list of 0 or 1)."""
    if not copy:
        return []
    jabatan = decree.salinan_jabatan.strip()
    return [{
        "unit": [f"SEKRETARIAT {decree.office.body.upper()}", decree.office.region.upper()],
        "jabatan": jabatan if jabatan.endswith(",") else jabatan + ",",
        "space": ["", *decree.tte, ""] if decree.tte else list(SIGNING_SPACE),
        "name": decree.salinan_name,
        "nip": [f"NIP. {decree.salinan_nip}"] if decree.salinan_nip else [],
    }]


def _common(decree: Decree, copy: bool = False) -> dict:
    signer = _split_name(decree, decree.signer_jabatan, upper=True)
    return {
        "draft_mark": "DRAFT" if decree.is_draft else "",
        "number": decree.number,
        "number_line": decree.number_line,
        "year": decree.year,
        "title_upper": _plain(decree.title).upper(),
        "seat": decree.seat,
        "date_text": decree.date_text,
        "signer_lines": signer[:-1] + [signer[-1] + ","],
        "signer_name": decree.signer_name.upper(),
        "sign_place": _sign_place(decree, copy),
        "salinan": _salinan(decree, copy),
    }


def _logo(decree: Decree, tpl) -> list:
    if decree.logo is None or tpl is None:
        return []
    from docx.shared import Mm as _Mm

    return [InlineImage(tpl, str(decree.logo), height=_Mm(25))]


def keputusan_context(decree: Decree, tpl: DocxTemplate | None = None, copy: bool = False) -> dict:
    ctx = _common(decree, copy)
    ctx.update({
        "logo": _logo(decree, tpl),
        "kop": [decree.office.body.upper(), decree.office.region.upper()],
        "heading": decree.heading_title,
        "jabatan": decree.jabatan,
        "menimbang": _konsiderans(decree.menimbang, "Menimbang"),
        "mengingat": _konsiderans(decree.mengingat, "Mengingat"),
        "menetapkan": _runs(decree.menetapkan),
        "diktum": [{"label": d.label, "text": _runs(d.text)} for d in decree.diktum],
    })
    return ctx


@functools.lru_cache(maxsize=32)
def _figure_png(pengungkit: tuple[str, ...], hasil: tuple[str, ...]) -> bytes:
    from .figure import component_model_png

    return component_model_png(pengungkit, hasil)


def _figure(decree: Decree, tpl: DocxTemplate) -> InlineImage:
    pengungkit = tuple(a.name for a in decree.areas if a.kind == "pengungkit")
    hasil = tuple(decree.hasil_names)
    return InlineImage(tpl, io.BytesIO(_figure_png(pengungkit, hasil)), width=Mm(150))


def _item(it: RItem) -> dict:
    text = _runs(it.text, prefix=f"{it.term} " if it.term else "")
    return {"label": it.label, "text": text, "subitems": [_item(s) for s in it.items]}


def _block(b: RBlock, decree: Decree, tpl) -> dict:
    return {
        "headings": [b.text] if b.kind == "heading" else [],
        "paragraphs": [_runs(b.text)] if b.kind == "para" else [],
        "entries": [_item(it) for it in b.items] if b.generated != "dasar_hukum" else [],
        "bases": [_item(it) for it in b.items] if b.generated == "dasar_hukum" else [],
        "figures": [_figure(decree, tpl)] if b.kind == "figure" and tpl is not None else [],
    }


def _chapter(ch: RChapter, decree: Decree, tpl) -> dict:
    return {"label": ch.label, "title": ch.title,
            "blocks": [_block(b, decree, tpl) for b in ch.blocks],
            "sections": [{"label": s.label, "title": s.title, "blocks": [_block(b, decree, tpl) for b in s.blocks]}
                         for s in ch.sections]}


def lampiran_context(decree: Decree, tpl: DocxTemplate | None = None, copy: bool = False) -> dict:
    ctx = _common(decree, copy)
    cover = list(decree.cover)
    ctx.update({
        "header_lines": ["LAMPIRAN", decree.heading_title, decree.number_line,
                         f"TENTANG {_plain(decree.title).upper()}"],
        "cover_first": cover[:1],
        "cover_rest": cover[1:],
        "kata_pengantar": [_runs(b.text) for b in decree.kata_pengantar if b.kind == "para"],
        "signer_lines_title": _split_name(decree, decree.signer_jabatan, upper=False),
        "signer_name_title": decree.signer_name,
        "chapters": [_chapter(ch, decree, tpl) for ch in decree.chapters],
        "penutup": _chapter(decree.penutup, decree, tpl),
        "targets_title": _plain(decree.targets_title).upper(),
        "months": list(MONTH_ABBR),
        "target_groups": [{"label": g.label, "name": g.name,
                           "rows": [{"no": r.no, "label": _runs(r.label), "cells": list(r.cells)} for r in g.rows]}
                          for g in decree.targets],
    })
    return ctx
