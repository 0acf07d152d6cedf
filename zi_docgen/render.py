"""Stage 4, render: a resolved Decree → DOCX bytes, through the DOCX templates.

Each template is read, pre-processed and compiled by Jinja once per process
(docxtpl alone would do it again for every document). Output is deterministic:
fixed zip timestamps and core properties, so the same data gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

from .dates import MONTH_ABBR
from .errors import Src, TemplateProblem
from .markup import to_runs
from .resolve import Decree, RBlock, RChapter, RItem, plain

ITALIC_STYLE = "ZIAsing"          # style id of the "ZI Asing" character style in the templates
TEMPLATE_NAMES = ("keputusan", "lampiran")
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


class _CompiledTemplate(DocxTemplate):
    """docxtpl, with the Jinja templates of each part compiled once and shared."""

    def __init__(self, blob: bytes, compiled: dict[str, Any], env: Environment, name: str):
        super().__init__(io.BytesIO(blob))
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
        dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
        return self.resolve_listing(dst)

    def build_xml(self, context, jinja_env=None):
        return self._render_part("body", self.get_xml, context, self.docx._part)

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


@dataclass
class _Loaded:
    blob: bytes
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
            self._loaded[name] = _Loaded(blob, {})
        loaded = self._loaded[name]
        try:
            return _CompiledTemplate(loaded.blob, loaded.compiled, self.env, name)
        except Exception as exc:  # python-docx raises several kinds for a broken package
            raise TemplateProblem(f"template cannot be opened: {exc}", Src.of(self.dir / f"{name}.docx"),
                                  "save it again from Word as .docx, or restore it from git") from None

    def render(self, decree: Decree, name: str) -> bytes:
        tpl = self._template(name)
        context = (keputusan_context if name == "keputusan" else lampiran_context)(decree, tpl)
        try:
            tpl.render(context)
        except TemplateProblem:
            raise
        except TemplateError as exc:
            raise TemplateProblem(f"template error: {exc}", Src.of(self.dir / f"{name}.docx"),
                                  "fix the tags in Word, or restore the template from git") from None
        props = tpl.docx.core_properties
        props.title = plain(decree.title)
        props.subject = f"{decree.office.name} {decree.year}"
        props.author = "zi-docgen"
        props.last_modified_by = "zi-docgen"
        props.revision = 1
        stamp = dt.datetime.combine(decree.date, dt.time()) if decree.date else FIXED_TIME
        props.created = stamp
        props.modified = stamp
        props.last_printed = FIXED_TIME
        props.keywords = "DRAFT" if decree.is_draft else ""
        tpl.pre_processing()
        return package_bytes(tpl.docx.part.package)


def package_bytes(package) -> bytes:
    """Serialise a python-docx package deterministically: fixed timestamps, stable order.

    python-docx's own save stamps the current time on every zip entry; writing the
    parts here also avoids compressing the whole package twice.
    """
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes) -> None:
            zi = zipfile.ZipInfo(name.lstrip("/"), date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zf.writestr(zi, data)

        put(CONTENT_TYPES_URI, _ContentTypesItem.from_parts(parts).blob)
        put(PACKAGE_URI.rels_uri, package.rels.xml)
        for part in parts:
            put(part.partname, part.blob)
            if len(part.rels):
                put(part.partname.rels_uri, part.rels.xml)
    return out.getvalue()


# ---------------------------------------------------------------- contexts

def _runs(text: str, prefix: str = ""):
    return to_runs(text, ITALIC_STYLE, prefix=prefix)


def _split_name(decree: Decree, lead: str, upper: bool) -> list[str]:
    """'KETUA KOMISI PEMILIHAN UMUM' / 'PROVINSI KALIMANTAN BARAT,': the body, then the region."""
    body, region = decree.office.body, decree.office.region
    lines = [f"{lead} {body}".strip(), region]
    return [l.upper() for l in lines] if upper else lines


def _konsiderans(items: tuple[RItem, ...], head: str) -> list[dict]:
    return [{"head": head if i == 0 else "", "colon": ":" if i == 0 else "", "label": it.label,
             "text": _runs(it.text)} for i, it in enumerate(items)]


def _common(decree: Decree) -> dict:
    return {
        "draft_mark": "DRAFT" if decree.is_draft else "",
        "number": decree.number,
        "year": decree.year,
        "title_upper": plain(decree.title).upper(),
        "seat": decree.seat,
        "date_text": decree.date_text,
        "signer_lines": _split_name(decree, "Ketua", upper=True)[:-1] + [_split_name(decree, "Ketua", True)[-1] + ","],
        "signer_name": decree.signer_name.upper(),
    }


def keputusan_context(decree: Decree, tpl: DocxTemplate | None = None) -> dict:
    ctx = _common(decree)
    ctx.update({
        "kop": [decree.office.body.upper(), decree.office.region.upper()],
        "heading": decree.heading_title,
        "jabatan": decree.jabatan,
        "menimbang": _konsiderans(decree.menimbang, "Menimbang"),
        "mengingat": _konsiderans(decree.mengingat, "Mengingat"),
        "menetapkan": _runs(decree.menetapkan),
        "diktum": [{"label": d.label, "text": _runs(d.text)} for d in decree.diktum],
        "salinan_unit": [f"SEKRETARIAT {decree.office.body.upper()}", decree.office.region.upper()],
        "salinan_jabatan": decree.salinan_jabatan,
        "salinan_name": decree.salinan_name,
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
        "entries": [_item(it) for it in b.items],
        "figures": [_figure(decree, tpl)] if b.kind == "figure" and tpl is not None else [],
    }


def _chapter(ch: RChapter, decree: Decree, tpl) -> dict:
    return {"label": ch.label, "title": ch.title,
            "blocks": [_block(b, decree, tpl) for b in ch.blocks],
            "sections": [{"label": s.label, "title": s.title, "blocks": [_block(b, decree, tpl) for b in s.blocks]}
                         for s in ch.sections]}


def lampiran_context(decree: Decree, tpl: DocxTemplate | None = None) -> dict:
    ctx = _common(decree)
    cover = list(decree.cover)
    ctx.update({
        "header_lines": ["LAMPIRAN", decree.heading_title, f"NOMOR {decree.number} TAHUN {decree.year}",
                         f"TENTANG {plain(decree.title).upper()}"],
        "cover_first": cover[:1],
        "cover_rest": cover[1:],
        "kata_pengantar": [_runs(b.text) for b in decree.kata_pengantar if b.kind == "para"],
        "signer_lines_title": _split_name(decree, "Ketua", upper=False),
        "signer_name_title": decree.signer_name,
        "chapters": [_chapter(ch, decree, tpl) for ch in decree.chapters],
        "penutup": _chapter(decree.penutup, decree, tpl),
        "targets_title": plain(decree.targets_title).upper(),
        "months": list(MONTH_ABBR),
        "target_groups": [{"label": g.label, "name": g.name,
                           "rows": [{"no": r.no, "label": _runs(r.label), "cells": list(r.cells)} for r in g.rows]}
                          for g in decree.targets],
    })
    return ctx
