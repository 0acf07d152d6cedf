"""WordprocessingML: names, the text Word shows, body structure, and schema order of children.

The text functions follow python-docx's Run.text rules and look through the
wrappers Word scatters in hand-made documents (content controls, custom XML,
tracked insertions), so that a document typed in Word and one made by this tool
read the same.
"""
from __future__ import annotations

from typing import Iterator

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    """Clark name of a w: element or attribute."""
    return f"{{{W_NS}}}{tag}"


def new(tag: str) -> etree._Element:
    """A new w: element, of python-docx's oxml class where it has one (so its helpers work)."""
    from docx.oxml import OxmlElement

    return OxmlElement(f"w:{tag}")


# ---------------------------------------------------------------- text Word shows

# Content under these belongs to a different story (text boxes, VML fallbacks)
# or to an existing deletion, so it is not part of the paragraph's visible text.
SKIP_SUBTREES = frozenset(
    {w("del"), w("moveFrom"), w("drawing"), w("pict"), w("object"), w("txbxContent"),
     f"{{{MC_NS}}}AlternateContent", w("pPr"), w("rPr")}
)
REVISION_TAGS = frozenset({w("ins"), w("del"), w("moveFrom"), w("moveTo")})


def run_child_text(el: etree._Element) -> str:
    """Text Word shows for one run child, following python-docx's Run.text rules."""
    tag = el.tag
    if tag == w("t"):
        return el.text or ""
    if tag in (w("tab"), w("ptab")):
        return "\t"
    if tag == w("br"):
        # Page and column breaks do not break the line of text itself.
        return "" if el.get(w("type")) in ("page", "column") else "\n"
    if tag == w("cr"):
        return "\n"
    if tag == w("noBreakHyphen"):
        return "-"
    return ""


def paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIP_SUBTREES:
                continue
            if el.tag == w("r"):
                parts.append(run_child_text(child))
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def block_children(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell, looking through content controls.

    Word wraps whole sections in w:sdt (cover pages, form fields); their content
    is still part of the document flow.
    """
    for child in container:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from block_children(content)
        elif child.tag in (w("customXml"), w("ins"), w("moveTo")):
            yield from block_children(child)


def _through_sdt(parent: etree._Element, tag: str) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                out.extend(c for c in content if c.tag == tag)
    return out


def table_rows(tbl: etree._Element) -> list[etree._Element]:
    return _through_sdt(tbl, w("tr"))


def row_cells(tr: etree._Element) -> list[etree._Element]:
    return _through_sdt(tr, w("tc"))


# ---------------------------------------------------------------- schema order
#
# Where a child goes among its siblings, from the schema (ECMA-376 part 1, as
# python-docx's CT_PPr and CT_TrPr list it): the tags that must come AFTER it.
# python-docx's oxml classes place a child where they know it (CT_P.get_or_add_pPr,
# CT_Row.get_or_add_trPr after any tblPrEx); CT_PPr has no rPr accessor and
# CT_TrPr none for revision marks, so those are placed here, and so is any
# element that is not of python-docx's class (made with lxml directly).

_SUCCESSORS = {
    (w("pPr"), w("rPr")): (w("sectPr"), w("pPrChange")),
    (w("tr"), w("trPr")): (w("tc"), w("customXml"), w("sdt"), w("bookmarkStart"), w("bookmarkEnd"),
                           w("proofErr"), w("permStart"), w("permEnd"), w("ins"), w("del"),
                           w("moveFrom"), w("moveTo"), w("commentRangeStart"), w("commentRangeEnd")),
    # Revision marks: CT_TrPr lists ins/del after the row properties, before trPrChange;
    # CT_ParaRPr lists them before any formatting.
    (w("trPr"), w("ins")): (w("trPrChange"),),
    (w("trPr"), w("del")): (w("trPrChange"),),
}


# Full child sequences, for elements whose children are all optional flags.
_SEQUENCES = {
    w("trPr"): tuple(w(t) for t in ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
                                     "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
                                     "ins", "del", "trPrChange")),
}


def insert_in_order(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Insert `child` before the first sibling that the schema puts after it."""
    successors = _SUCCESSORS.get((parent.tag, child.tag))
    if successors is None:
        sequence = _SEQUENCES[parent.tag]
        successors = sequence[sequence.index(child.tag) + 1:]
    for sibling in parent:
        if sibling.tag in successors:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(w(tag))
    return found if found is not None else insert_in_order(parent, new(tag))


def paragraph_rpr(p: etree._Element) -> etree._Element:
    """The paragraph mark's run properties (pPr/rPr), created in schema order."""
    if hasattr(p, "get_or_add_pPr"):
        ppr = p.get_or_add_pPr()
    else:
        ppr = p.find(w("pPr"))
        if ppr is None:
            ppr = new("pPr")
            p.insert(0, ppr)   # CT_P: pPr is the first child
    return get_or_add(ppr, "rPr")


def mark_paragraph(p: etree._Element, mark: etree._Element) -> None:
    """Put a w:ins/w:del revision mark on the paragraph mark (first in CT_ParaRPr)."""
    paragraph_rpr(p).insert(0, mark)


def mark_row(tr: etree._Element, mark: etree._Element) -> None:
    """Put a w:ins/w:del revision mark on a table row (in trPr, before trPrChange)."""
    trpr = tr.get_or_add_trPr() if hasattr(tr, "get_or_add_trPr") else get_or_add(tr, "trPr")
    insert_in_order(trpr, mark)
