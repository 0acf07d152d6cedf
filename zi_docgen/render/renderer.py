"""Stage 4, render: a resolved Decree → DOCX bytes, through the DOCX templates, with docxtpl.

docxtpl is used through its public API: `DocxTemplate(...).render(context,
jinja_env, autoescape=True)`, RichText for text with italics. So a newline in a
field becomes a line break in Word (<w:br/>), text is escaped for XML, and
`{_{` prints `{{`, all as docxtpl documents them.

Speed (see bench/run.py): docxtpl alone opens the whole template and compiles
its Jinja source again for every document. Two per-process caches avoid that,
without changing what docxtpl does:

- each template package is read once (`_TemplatePackage`); a document gets a
  fresh python-docx Document built from the cached parts, handed to docxtpl
  before render() (docxtpl renders the Document it holds);
- `_Template`, the one subclass of DocxTemplate, memoises patch_xml (a pure
  function of the part's XML) and skips resolve_listing when no text holds a
  character it would replace; `_CompilingEnvironment` compiles each distinct
  source once. tests/test_render_stock.py renders through stock docxtpl and
  through this and compares the XML.

Output is deterministic: fixed zip timestamps and core properties
(zi_docgen.ooxml.package), so the same data gives the same bytes.

The contexts walk the decree's document tree (resolve/document.py): its fields,
lists, chapters, blocks and target rows, found by kind and role as check finds
them. What is not text of the decree stays on Decree: the office's names (the
kop, the jabatan), the number's style, the signature facts (TTE, NIP, logo) and
the figure's area names.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import Unmarshaller
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2 import (Environment, FileSystemBytecodeCache, FunctionLoader, StrictUndefined, TemplateError,
                    UndefinedError)

from ..i18n import N_, _, reword
from ..errors import Src, TemplateProblem
from ..ooxml.package import EntryCache, fixed_datetime, package_bytes
from ..ooxml.reading import read_docx
from ..resolve.dates import MONTH_ABBR
from ..resolve.decree import Decree, plain
from ..resolve.document import Node
from ..resolve.markup import parse as parse_markup

ITALIC_STYLE = "ZIAsing"          # style id of the "ZI Asing" character style in the templates
TEMPLATE_NAMES = ("keputusan", "lampiran")
#: Every document a build writes for an office: (output name, template, certified copy?).
#: The original is the one to sign; the salinan is the certified copy to distribute.
OUTPUTS = (("keputusan", "keputusan", False), ("lampiran", "lampiran", False),
           ("keputusan-salinan", "keputusan", True), ("lampiran-salinan", "lampiran", True))

# A w:t whose text holds a character docxtpl's resolve_listing turns into markup
# (\n → <w:br/>, \t → <w:tab/>, \a → new paragraph, \f → page break). Text in a
# w:t never holds "<", so [^<]* stays inside the element.
_LISTING_CHAR = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\n\a\f]")


# Jinja's syntax errors are English; the usual ones in the user's words.
_JINJA_PROBLEMS = (
    (r"Expected an expression, got (?P<got>.+)", N_("an expression is missing (found {got})")),
    (r"unexpected (?P<got>'[^']*')", N_("unexpected {got}")),
    (r"expected token (?P<want>'[^']*'), got (?P<got>'[^']*')", N_("expected {want}, found {got}")),
    (r"Unexpected end of template\..*", N_("the template ends before a tag is closed")),
    (r"Encountered unknown tag (?P<tag>'[^']*')\..*", N_("unknown tag {tag}")),
)


def _jinja_problem(text: str | None) -> str:
    return reword(text or "", _JINJA_PROBLEMS, re.S)


def _undefined_name(exc: Exception) -> str:
    """The variable Jinja could not find, without its English sentence around it."""
    text = getattr(exc, "message", None) or str(exc)
    m = re.search(r"has no attribute '([^']+)'", text) or re.match(r"'([^']+)' is undefined", text)
    return m.group(1) if m else text


class _CompilingEnvironment(Environment):
    """Jinja environment that compiles each distinct template source once per process.

    docxtpl calls `jinja_env.from_string(xml)` for every part of every document;
    the source of a template part is the same every time. Compiling the Lampiran's
    body is a large share of a build's start-up, so the compiled code is also kept
    in Jinja's own bytecode cache on disk (keyed by a checksum of the source and the
    Python version; see `_bytecode_cache`), and a later process loads it instead.
    """

    def __init__(self, **options):
        self._sources: dict[str, str] = {}
        super().__init__(loader=FunctionLoader(self._sources.get), bytecode_cache=_bytecode_cache(), **options)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        tmpl = self._compiled.get(source)
        if tmpl is None:
            if self.bytecode_cache is None:
                tmpl = super().from_string(source)
            else:
                # Through the loader, so that Jinja's bytecode cache is asked first.
                name = "zi-docgen-" + hashlib.sha256(source.encode("utf-8")).hexdigest()
                self._sources[name] = source
                tmpl = self.get_template(name)
            self._compiled[source] = tmpl
        return tmpl


def cache_dir(name: str) -> Path | None:
    """A folder for `name` in the user's cache folder; None where it cannot be written.

    The cache only saves start-up time: it holds nothing a build could not make again.
    ZI_DOCGEN_CACHE_DIR overrides the folder; an empty value turns the cache off.
    """
    root = os.environ.get("ZI_DOCGEN_CACHE_DIR")
    if root is None:
        if sys.platform == "win32":
            base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Caches"
        else:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        root = str(base / "zi-docgen")
    if not root:
        return None
    folder = Path(root) / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return folder


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's bytecode cache in the user's cache folder (see cache_dir)."""
    folder = cache_dir("jinja")
    return FileSystemBytecodeCache(str(folder)) if folder is not None else None


_BODY = object()   # the key of the template's body XML among a template's memoised strings


class _Template(DocxTemplate):
    """docxtpl's DocxTemplate rendering a given python-docx Document, with pure steps memoised.

    Every override returns exactly what docxtpl's own method returns:
    patch_xml depends only on its argument, get_part_xml only on the part's
    bytes, and get_xml, before rendering, serialises the template's own body (a
    fresh Document from the same package every time); resolve_listing changes
    only w:t text holding \\n, \\t, \\a or \\f, so without such text it returns its input.
    """

    def __init__(self, path: Path, document, patched: dict):
        super().__init__(path)
        self.docx = document          # render() keeps a Document it was given (init_docx)
        self._patched = patched

    def patch_xml(self, src_xml):
        out = self._patched.get(src_xml)
        if out is None:
            out = self._patched[src_xml] = super().patch_xml(src_xml)
        return out

    def get_xml(self):
        if self.is_rendered:   # a rendered body is this document's own
            return super().get_xml()
        out = self._patched.get(_BODY)
        if out is None:
            out = self._patched[_BODY] = super().get_xml()
        return out

    def get_part_xml(self, part):
        key = ("part", part.blob)
        out = self._patched.get(key)
        if out is None:
            out = self._patched[key] = super().get_part_xml(part)
        return out

    def resolve_listing(self, xml):
        if not any(c in xml for c in "\t\n\a\f"):   # a scan in C; most documents hold none of them
            return xml
        return super().resolve_listing(xml) if _LISTING_CHAR.search(xml) else xml


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
        self.entries = EntryCache(self._shared.values())
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
    path: Path
    package: _TemplatePackage
    patched: dict = field(default_factory=dict)   # _Template's memoised strings


class Renderer:
    """Holds the templates of one templates folder; reuse one Renderer for many documents."""

    def __init__(self, templates_dir: Path):
        self.dir = Path(templates_dir)
        self.env = _CompilingEnvironment(autoescape=True, undefined=StrictUndefined)
        self._loaded: dict[str, _Loaded] = {}

    def _template(self, name: str) -> _Template:
        if name not in self._loaded:
            path = self.dir / f"{name}.docx"
            if not path.exists():
                raise TemplateProblem(_("template not found"), Src.of(path),
                                      _("put keputusan.docx and lampiran.docx back in that folder, remove the "
                                        "folder to use the templates shipped with zi-docgen, or pass --templates DIR"))
            blob = read_docx(path, error=TemplateProblem)
            try:
                package = _TemplatePackage(blob)
            except Exception as exc:  # python-docx raises several kinds for a broken package
                raise TemplateProblem(_("template cannot be opened: {problem}").format(problem=exc), Src.of(path),
                                      _("save it again from Word as .docx, or restore it from git")) from None
            loaded = _Loaded(path, package)
            # Compile every part now, not at the first document: a tag error shows
            # before any rendering (build probes the templates before starting its
            # workers), and workers forked after a probe inherit the compiled parts.
            self._compile_all(self._instance(loaded), name)
            self._loaded[name] = loaded
        return self._instance(self._loaded[name])

    @staticmethod
    def _instance(loaded: _Loaded) -> _Template:
        return _Template(loaded.path, loaded.package.document(), loaded.patched)

    def _compile_all(self, tpl: _Template, name: str) -> None:
        """Compile the body, headers and footers, the sources render() will hand to from_string."""
        parts = [("body", tpl.get_xml())]
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            parts += [(str(part.partname), tpl.get_part_xml(part)) for _, part in tpl.get_headers_footers(uri)]
        for key, xml in parts:
            # The same line breaks docxtpl's render_xml_part adds before compiling, so
            # the source compiled here is the one it will ask for.
            src = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
            try:
                self.env.from_string(src)
            except TemplateError as exc:
                raise TemplateProblem(_("template error in {part}: {detail}").format(
                    part=_("body") if key == "body" else key, detail=_jinja_problem(exc.message)),
                                      Src.of(self.dir / f"{name}.docx"),
                                      _("fix the {tags} tags in Word, or restore the template from git").format(
                                          tags="{{ }} / {% %}")) from None

    def render_all(self, decree: Decree) -> dict[str, bytes]:
        """The original and the certified copy of the Keputusan and the Lampiran (see OUTPUTS)."""
        return {out: self.render(decree, name, copy=copy) for out, name, copy in OUTPUTS}

    def render(self, decree: Decree, name: str, copy: bool = False) -> bytes:
        tpl = self._template(name)
        context = (keputusan_context if name == "keputusan" else lampiran_context)(decree, tpl, copy)
        try:
            tpl.render(context, self.env, autoescape=True)
        except UndefinedError as exc:
            raise TemplateProblem(_("the template uses an unknown variable: {name}").format(name=_undefined_name(exc)),
                                  Src.of(self.dir / f"{name}.docx"),
                                  _("use only the variables listed in the README")) from None
        except TemplateError as exc:
            detail = _jinja_problem(getattr(exc, "message", None) or str(exc))
            raise TemplateProblem(_("template error: {detail}").format(detail=detail), Src.of(self.dir / f"{name}.docx"),
                                  _("fix the tags in Word, or restore the template from git")) from None
        set_core_properties(tpl.docx, decree, name, copy)
        tpl.pre_processing()
        return package_bytes(tpl.docx.part.package, self._loaded[name].package.entries)


def set_core_properties(document, decree: Decree, name: str = "keputusan", copy: bool = False) -> None:
    """Title, subject, author (the office), keywords and fixed dates: the same data gives the same
    docProps/core.xml."""
    fixed = fixed_datetime()
    props = document.core_properties
    for key, value in core_properties(decree, name, copy).items():
        setattr(props, key, value)
    props.last_modified_by = "zi-docgen"
    props.revision = 1
    stamp = dt.datetime.combine(decree.date, dt.time()) if decree.date else fixed
    props.created = stamp
    props.modified = stamp
    props.last_printed = fixed


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
        "subject": _fit(_plain(_field(decree, "title"))),
        "author": decree.office.name,
        "keywords": _fit("; ".join(words)),
        "language": "id-ID",
    }


@functools.lru_cache(maxsize=1024)
def _plain(text: str) -> str:
    # plain() parses the markup again; the title is asked for several times per document.
    return plain(text)


@functools.lru_cache(maxsize=16384)
def _runs(text: str, prefix: str = "") -> RichText:
    """Data text as docxtpl RichText: *words* in the "ZI Asing" italic character style.

    Most text is the same for every office; documents share one RichText (docxtpl
    only reads its xml).
    """
    rt = RichText()
    if prefix:
        rt.add(prefix)
    for seg in parse_markup(text):
        rt.add(seg.text, style=ITALIC_STYLE if seg.italic else None)
    return rt


def _split_name(decree: Decree, lead: str, upper: bool) -> list[str]:
    """'KETUA KOMISI PEMILIHAN UMUM' / 'PROVINSI KALIMANTAN BARAT,': the body, then the region."""
    body, region = decree.office.body, decree.office.region
    lines = [f"{lead} {body}".strip(), region]
    return [l.upper() for l in lines] if upper else lines


def _konsiderans(node: Node, head: str) -> list[dict]:
    return [{"head": head if i == 0 else "", "colon": ":" if i == 0 else "", "label": it.label,
             "text": _runs(it.text)} for i, it in enumerate(node.children)]


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
    jabatan = _field(decree, "salinan-jabatan").strip()
    return [{
        "unit": [f"SEKRETARIAT {decree.office.body.upper()}", decree.office.region.upper()],
        "jabatan": jabatan if jabatan.endswith(",") else jabatan + ",",
        "space": ["", *decree.tte, ""] if decree.tte else list(SIGNING_SPACE),
        "name": _field(decree, "salinan-nama"),
        "nip": [f"NIP. {decree.salinan_nip}"] if decree.salinan_nip else [],
    }]


def _field(decree: Decree, fid: str) -> str:
    """A value of the Keputusan, from its node in the document tree (document.py)."""
    return decree.find(f"keputusan/{fid}").text


def _common(decree: Decree, copy: bool = False) -> dict:
    signer = _split_name(decree, _field(decree, "penandatangan-jabatan"), upper=True)
    title = _plain(_field(decree, "title"))
    return {
        "draft_mark": "DRAFT" if decree.is_draft else "",
        "number": _field(decree, "nomor"),
        "number_line": decree.number_line,
        "year": decree.year,
        "title_upper": title.upper(),
        "core_title": title,
        "seat": _field(decree, "tempat"),
        "date_text": _field(decree, "tanggal"),
        "signer_lines": signer[:-1] + [signer[-1] + ","],
        "signer_name": _field(decree, "penandatangan").upper(),
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
        "menimbang": _konsiderans(decree.find("keputusan/menimbang"), "Menimbang"),
        "mengingat": _konsiderans(decree.find("keputusan/mengingat"), "Mengingat"),
        "menetapkan": _runs(decree.menetapkan),
        "diktum": [{"label": d.label, "text": _runs(d.text)} for d in decree.find("keputusan/diktum").children],
    })
    return ctx


@functools.lru_cache(maxsize=32)
def _figure_png(pengungkit: tuple[str, ...], hasil: tuple[str, ...]) -> bytes:
    """The component-model figure; drawing it is a large share of start-up, so a later
    process reads it from the user's cache folder (keyed by the names and by the
    drawing code, so a new figure.py draws again)."""
    folder = cache_dir("figures")
    path = None
    if folder is not None:
        # The drawing code's source, read without importing it: a cached figure needs no PIL.
        code = Path(__file__).with_name("figure.py").read_bytes()
        key = hashlib.sha256(repr((pengungkit, hasil)).encode("utf-8") + b"\0" + code).hexdigest()
        path = folder / f"{key}.png"
        try:
            data = path.read_bytes()
            if data.startswith(b"\x89PNG\r\n\x1a\n"):
                return data
        except OSError:
            pass
    from . import figure

    data = figure.component_model_png(pengungkit, hasil)
    if path is not None:
        try:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)   # whole or not at all, also with two builds at once
        except OSError:
            pass
    return data


def _figure(decree: Decree, tpl: DocxTemplate) -> InlineImage:
    pengungkit = tuple(a.name for a in decree.areas if a.kind == "pengungkit")
    hasil = tuple(decree.hasil_names)
    return InlineImage(tpl, io.BytesIO(_figure_png(pengungkit, hasil)), width=Mm(150))


def _item(it: Node) -> dict:
    text = _runs(it.text, prefix=f"{it.term} " if it.term else "")
    return {"label": it.label, "text": text, "subitems": [_item(s) for s in it.children]}


def _block(b: Node, decree: Decree, tpl) -> dict:
    bases = b.role == "legal-bases"
    return {
        "headings": [b.text] if b.kind == "heading" else [],
        "paragraphs": [_runs(b.text)] if b.kind == "para" else [],
        "entries": [_item(it) for it in b.children] if not bases else [],
        "bases": [_item(it) for it in b.children] if bases else [],
        "figures": [_figure(decree, tpl)] if b.kind == "figure" and tpl is not None else [],
    }


def _chapter(ch: Node, decree: Decree, tpl) -> dict:
    return {"label": ch.label, "title": ch.text,
            "blocks": [_block(b, decree, tpl) for b in ch.children if b.kind != "section"],
            "sections": [{"label": s.label, "title": s.text, "blocks": [_block(b, decree, tpl) for b in s.children]}
                         for s in ch.children if s.kind == "section"]}


def lampiran_context(decree: Decree, tpl: DocxTemplate | None = None, copy: bool = False) -> dict:
    ctx = _common(decree, copy)
    lampiran = decree.find("lampiran")
    cover = [line.text for line in decree.find("lampiran/cover").children]
    chapters = [n for n in lampiran.children if n.kind == "chapter"]
    targets = decree.find("lampiran/targets")
    ctx.update({
        "header_lines": ["LAMPIRAN", decree.heading_title, decree.number_line,
                         f"TENTANG {_plain(_field(decree, 'title')).upper()}"],
        "cover_first": cover[:1],
        "cover_rest": cover[1:],
        "kata_pengantar": [_runs(b.text) for b in decree.find("lampiran/kata-pengantar").children
                           if b.kind == "para"],
        "signer_lines_title": _split_name(decree, _field(decree, "penandatangan-jabatan"), upper=False),
        "signer_name_title": _field(decree, "penandatangan"),
        "chapters": [_chapter(ch, decree, tpl) for ch in chapters if ch.role != "penutup"],
        "penutup": next(_chapter(ch, decree, tpl) for ch in chapters if ch.role == "penutup"),
        "targets_title": _plain(targets.text).upper(),
        "months": list(MONTH_ABBR),
        "target_groups": [{"label": g.label, "name": g.text,
                           "rows": [{"no": r.label, "label": _runs(r.text), "cells": list(r.cells or ())}
                                    for r in g.children]}
                          for g in targets.children],
    })
    return ctx
