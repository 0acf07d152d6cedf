"""The render contexts read the decree's document tree (resolve/document.py), not Decree's fields.

A decree whose tree says something else than its fields is rendered from the tree:
that is what makes render a function of the tree, like check, diff and the editor.
"""
from __future__ import annotations

import dataclasses

import pytest

from conftest import DATA
from zi_docgen.load.dataset import load_dataset
from zi_docgen.render.renderer import keputusan_context, lampiran_context
from zi_docgen.resolve.decree import resolve
from zi_docgen.resolve.document import Node


@pytest.fixture(scope="module")
def decree():
    ds = load_dataset(DATA)
    return resolve(ds, ds.latest_year, "kab-sambas")


def _with_tree(decree, change) -> object:
    """A copy of `decree` whose tree has every node passed through `change` (its fields untouched)."""
    def walk(n: Node) -> Node:
        return change(dataclasses.replace(n, children=tuple(walk(c) for c in n.children)))

    copy = dataclasses.replace(decree)
    copy.__dict__["tree"] = walk(decree.tree)   # what Decree.tree (a cached property) would hold
    return copy


def _rich_text(rt) -> str:
    import re

    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", rt.xml))


def test_keputusan_context_reads_the_tree(decree):
    changed = _with_tree(decree, lambda n: dataclasses.replace(n, text="POHON " + n.text)
                         if n.kind in ("item", "field") else n)
    ctx = keputusan_context(changed)
    assert decree.menimbang[0].text in _rich_text(ctx["menimbang"][0]["text"])
    assert _rich_text(ctx["menimbang"][0]["text"]).startswith("POHON ")
    assert _rich_text(ctx["mengingat"][-1]["text"]).startswith("POHON ")
    assert _rich_text(ctx["diktum"][0]["text"]).startswith("POHON ")
    assert ctx["number"] == "POHON " + decree.number
    assert ctx["date_text"] == "POHON " + decree.date_text
    assert ctx["signer_name"] == ("POHON " + decree.signer_name).upper()
    # the fields themselves were not touched: only the tree speaks
    assert not decree.menimbang[0].text.startswith("POHON ")
    assert keputusan_context(decree)["number"] == decree.number


def test_lampiran_context_reads_the_tree(decree):
    def change(n: Node) -> Node:
        if n.kind in ("para", "item", "chapter", "section", "target-row", "target-group", "line"):
            return dataclasses.replace(n, text="POHON " + n.text)
        return n

    ctx = lampiran_context(_with_tree(decree, change), None, copy=True)
    assert ctx["cover_first"][0].startswith("POHON ")
    assert all(_rich_text(p).startswith("POHON ") for p in ctx["kata_pengantar"])
    assert all(ch["title"].startswith("POHON ") for ch in ctx["chapters"])
    assert ctx["penutup"]["title"] == "POHON " + decree.penutup.title
    section = next(s for ch in ctx["chapters"] for s in ch["sections"])
    assert section["title"].startswith("POHON ")
    group = ctx["target_groups"][0]
    assert group["name"] == "POHON " + decree.targets[0].name
    assert _rich_text(group["rows"][0]["label"]).startswith("POHON ")
    assert group["rows"][0]["cells"] == list(decree.targets[0].rows[0].cells)
    assert ctx["salinan"][0]["name"] == decree.salinan_name   # a field, unchanged here


def test_the_closing_chapter_is_found_by_its_role(decree):
    chapters = [n for n in decree.find("lampiran").children if n.kind == "chapter"]
    assert [n.role for n in chapters] == [""] * len(decree.chapters) + ["penutup"]
    ctx = lampiran_context(decree)
    assert ctx["penutup"]["title"] == decree.penutup.title
    assert [ch["title"] for ch in ctx["chapters"]] == [ch.title for ch in decree.chapters]


def test_legal_bases_are_found_by_role(decree):
    """The Dasar Hukum list prints as citations ("bases"), every other list as entries."""
    ctx = lampiran_context(decree)
    blocks = [b for ch in ctx["chapters"] for b in ch["blocks"]]
    blocks += [b for ch in ctx["chapters"] for s in ch["sections"] for b in s["blocks"]]
    nodes = [n for n in decree.walk() if n.kind == "list" and n.part == "lampiran"]
    assert sum(1 for b in blocks if b["bases"]) == sum(1 for n in nodes if n.role == "legal-bases") >= 1
    assert not any(b["bases"] and b["entries"] for b in blocks)
