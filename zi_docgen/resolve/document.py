"""The resolved decree as one tree of addressable nodes.

check, the render contexts, diff, the web editor and import read a resolved
decree through this tree, so that they agree on what an item is, where it stands
and where it was written.

Address format (one format, used everywhere)
--------------------------------------------
An address names one node of one office's decree:

    <office-id>:<part>/<id>/<id>/…

* ``<office-id>`` is the office registry id, e.g. ``kab-sambas``;
* ``<part>`` is ``keputusan`` or ``lampiran``;
* the ids are the data's own stable ids (never positions), from the outermost
  container to the node, the way Laws.Africa's Indigo builds eIds.

The part after the colon is the node's ``path``: it is the same for every
office and every year, so it aligns an item across years and offices.
Examples::

    prov-kalbar:keputusan/title
    prov-kalbar:keputusan/menimbang/pelaksanaan-zi
    prov-kalbar:keputusan/mengingat/uu-7-2017           (a regulation id)
    kab-sambas:lampiran/bab-iii/manajemen-perubahan/manajemen-perubahan-actions/mp-4
    kab-sambas:lampiran/targets/manajemen-perubahan/mp-keterlibatan

Nodes the data does not write as items get fixed ids: the Keputusan's fields
(``title``, ``nomor``, ``tanggal``, ``tempat``, ``penandatangan``,
``salinan-jabatan``, ``salinan-nama``), the three lists of the Keputusan
(``menimbang``, ``mengingat``, ``diktum``), the Lampiran's ``cover`` (lines
``cover-1``, ``cover-2``, …), ``kata-pengantar`` and ``targets``. Generated
nodes (the coordinator sub-items, the area sections and their blocks) carry the
ids resolve gives them and say what generated them (``Node.generated``).

What a node *is for* is its ``role`` (e.g. ``legal-bases`` for the Dasar Hukum
list, ``coordinators`` for the item whose sub-items name the areas,
``area-intro``): rules read the role, never the spelling of an id.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Literal

from ..errors import Src

Part = Literal["keputusan", "lampiran"]

Kind = Literal[
    "document",        # the root (path "")
    "part",            # keputusan, lampiran
    "field",           # a value of the Keputusan: title, nomor, tanggal, tempat, signatures
    "menimbang", "mengingat", "diktum",  # the lists of the Keputusan
    "cover",           # the Lampiran's cover page
    "line",            # one line of the cover
    "kata-pengantar",  # the foreword: blocks without a chapter
    "chapter",         # BAB I, II, …
    "section",         # A., B., … within a chapter
    "para", "heading", "list", "figure",  # blocks
    "item",            # an item of a list (Menimbang, Mengingat, diktum or a Lampiran list)
    "targets",         # the target table (text: its title)
    "target-group",    # one area of the table
    "target-row",      # one row: twelve monthly cells
]
BlockKind = Literal["para", "heading", "list", "figure"]

# What computed a node, when the data does not write it as such.
Generated = Literal[
    "",                # written in the data
    "mengingat",       # a citation computed from the regulation catalogue
    "dasar_hukum",     # the Dasar Hukum list and its citations
    "coordinators",    # one coordinator per area (a sub-item)
    "areas",           # an area's section and its fixed headings/lists
    "component_model",  # the figure of the components
]

# What a node is for; rules find things by role.
Role = Literal[
    "",
    "legal-bases",     # a list of citations (Dasar Hukum); its items have role "legal-basis"
    "legal-basis",     # one citation (Mengingat or Dasar Hukum item)
    "coordinators",    # an item whose sub-items name the coordinator of each area
    "coordinator",     # one of those sub-items
    "area",            # a section that is one area of change
    "area-targets-heading", "area-targets", "area-actions-heading", "area-intro", "area-actions",
    "component-model",
    "penutup",         # the Lampiran's closing chapter (always the last chapter)
]


@dataclass(frozen=True, eq=False)
class Node:
    """One addressable node of the resolved decree."""

    kind: Kind
    id: str
    path: str                        # "<part>/<id>/…" (see the module docstring); "" for the root
    label: str = ""                  # as printed: "a.", "1.", "KESATU", "I", "A."
    text: str = ""                   # final text with *italics* markup; a title for containers
    src: Src | None = None           # where the text (or the node) was written
    generated: Generated = ""
    role: Role = ""
    term: str = ""                   # a defined term before the text ("Zona Integritas (ZI)")
    term_src: Src | None = None
    cells: tuple[str, ...] | None = None  # target rows: twelve cells ("" or "25%")
    cell_srcs: tuple[Src | None, ...] = ()  # target rows: where each cell's value is written
    children: tuple["Node", ...] = ()

    @property
    def part(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def parent_path(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def full_text(self) -> str:
        """Term and text as printed ("Zona Integritas (ZI) adalah …")."""
        return f"{self.term} {self.text}" if self.term else self.text

    @property
    def plain(self) -> str:
        """The text without *markup*."""
        from .markup import to_plain

        return to_plain(self.text)

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, in reading order."""
        yield self
        for c in self.children:
            yield from c.walk()


def address(office_id: str, node_or_path: Node | str) -> str:
    path = node_or_path.path if isinstance(node_or_path, Node) else node_or_path
    return f"{office_id}:{path}"


def split_address(addr: str) -> tuple[str | None, str]:
    """(office id or None, path) of an address or a bare path."""
    if ":" in addr:
        office, path = addr.split(":", 1)
        return office, path
    return None, addr


# ---------------------------------------------------------------- building

def _join(parent: str, nid: str) -> str:
    return f"{parent}/{nid}" if parent else nid


def _items(parent: str, items: tuple[Any, ...]) -> tuple[Node, ...]:
    out = []
    for it in items:
        path = _join(parent, it.id)
        out.append(Node("item", it.id, path, it.label, it.text, it.src, it.generated, it.role, it.term,
                        it.term_src, children=_items(path, it.items)))
    return tuple(out)


def _blocks(parent: str, blocks: tuple[Any, ...]) -> tuple[Node, ...]:
    out = []
    for b in blocks:
        path = _join(parent, b.id)
        out.append(Node(b.kind, b.id, path, "", b.text, b.src, b.generated, b.role,
                        children=_items(path, b.items)))
    return tuple(out)


def _chapter(ch: Any, role: Role = "") -> Node:
    path = f"lampiran/{ch.id}"
    sections = []
    for s in ch.sections:
        spath = _join(path, s.id)
        sections.append(Node("section", s.id, spath, s.label, s.title, s.src, s.generated, s.role,
                             children=_blocks(spath, s.blocks)))
    return Node("chapter", ch.id, path, ch.label, ch.title, ch.src, role=role,
                children=(*_blocks(path, ch.blocks), *sections))


def build_tree(d: Any) -> Node:
    """The tree of a resolved decree.Decree (Decree.tree caches it)."""
    s = d.srcs
    office = d.office

    def field(fid: str, text: str, src: Src | None) -> Node:
        return Node("field", fid, f"keputusan/{fid}", "", text, src)

    def klist(kind: Kind, items: tuple[Any, ...]) -> Node:
        path = f"keputusan/{kind}"
        return Node(kind, kind, path, children=_items(path, items))

    keputusan = Node("part", "keputusan", "keputusan", children=(
        field("title", d.title, s.get("title")),
        field("nomor", d.number, s.get("number")),
        field("tanggal", d.date_text, s.get("date")),
        field("tempat", office.seat, office.src_of("seat")),
        klist("menimbang", d.menimbang),
        klist("mengingat", d.mengingat),
        klist("diktum", d.diktum),
        field("penandatangan-jabatan", d.signer_jabatan, s.get("ketua")),
        field("penandatangan", d.signer_name, s.get("ketua")),
        field("salinan-jabatan", d.salinan_jabatan, s.get("salinan")),
        field("salinan-nama", d.salinan_name, s.get("salinan")),
    ))
    cover = Node("cover", "cover", "lampiran/cover", children=tuple(
        Node("line", f"cover-{i + 1}", f"lampiran/cover/cover-{i + 1}", "", line, s.get("cover"))
        for i, line in enumerate(d.cover)))
    kp = Node("kata-pengantar", "kata-pengantar", "lampiran/kata-pengantar",
              children=_blocks("lampiran/kata-pengantar", d.kata_pengantar))
    groups = []
    for g in d.targets:
        gpath = f"lampiran/targets/{g.area_id}"
        rows = tuple(Node("target-row", r.id, f"{gpath}/{r.id}", r.no, r.label, r.src, cells=r.cells,
                          cell_srcs=r.month_srcs)
                     for r in g.rows)
        groups.append(Node("target-group", g.area_id, gpath, g.label, g.name, g.src, children=rows))
    targets = Node("targets", "targets", "lampiran/targets", "", d.targets_title, s.get("targets_title"),
                   children=tuple(groups))
    lampiran = Node("part", "lampiran", "lampiran", children=(
        cover, kp, *(_chapter(ch) for ch in d.chapters), _chapter(d.penutup, "penutup"), targets))
    return Node("document", office.id, "", children=(keputusan, lampiran))


def index(nodes: Iterable[Node]) -> dict[str, Node]:
    """Nodes by path. Ids are unique in the data, so a path names one node; should two
    generated nodes ever meet, the first in reading order keeps the path."""
    out: dict[str, Node] = {}
    for n in nodes:
        out.setdefault(n.path, n)
    return out
