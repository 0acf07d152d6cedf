"""The data model: what the YAML files may contain.

Pydantic validates the merged raw data; unknown keys are errors (extra="forbid").
Every model instance remembers where it and each of its fields were written, so
that later stages (check, diff) can point at file:line.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from ..errors import Invalid, Src
from ..i18n import N_

# Ids are stable names, not positions: lowercase words joined by "-".  The same
# pattern keeps office ids safe to use as folder names (no "/", "..", spaces).
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Level = Literal["provinsi", "kabupaten", "kota"]
Numbering = Literal["letter", "number", "paren"]


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)

    _src: Src | None = PrivateAttr(default=None)
    # A default, not default_factory=dict: pydantic copies an empty default per instance, but
    # inspects a factory's signature for every instance made (a sixth of loading the data).
    _key_src: dict[str, Src] = PrivateAttr(default={})

    @model_validator(mode="wrap")
    @classmethod
    def _remember_source(cls, data: Any, handler):
        # The loader's dicts and lists carry their positions (src, key_src, item_src);
        # read them by name, so that the model does not depend on the parser.
        obj = handler(data)
        key_src = getattr(data, "key_src", None)
        if isinstance(obj, Node) and isinstance(key_src, dict):
            obj._src = getattr(data, "src", None)
            obj._key_src = dict(key_src)
            # A mapping inside a node (a target row's months) keeps its keys' places too,
            # as "field.key", so that a finding can point at one month's cell.
            for key, value in data.items():
                inner = getattr(value, "key_src", None)
                if isinstance(inner, dict):
                    obj._key_src.update({f"{key}.{k}": s for k, s in inner.items()})
        return obj

    @property
    def src(self) -> Src | None:
        return self._src

    def src_of(self, field: str) -> Src | None:
        """Where the value of `field` was written (falls back to the item itself);
        "field.key" for an entry of a mapping field."""
        # Read from pydantic's store of private values directly: resolve asks this some
        # 700 times per office, and each attribute access otherwise goes through
        # BaseModel.__getattr__.
        private = self.__pydantic_private__
        if private is None:
            return self._key_src.get(field, self._src)
        return private["_key_src"].get(field, private["_src"])


class Placeholder(Node):
    """A value not known yet. It renders visibly as [text] and makes the document a draft."""

    placeholder: Annotated[str, StringConstraints(min_length=1)]

    def __str__(self) -> str:
        return f"[{self.placeholder}]"


MaybeText = Union[str, Placeholder]


# ---------------------------------------------------------------- offices

class Official(Node):
    """The ketua who signs the decree, for one year.

    jabatan: how the signer is styled when it is not the ketua himself
    ("Plh. Ketua"); to_confirm: carried forward by `new-year` and not confirmed
    yet (the documents stay DRAFT until someone removes the flag).
    """

    name: MaybeText
    jabatan: str = "Ketua"
    to_confirm: bool = False


class CopyCertifier(Node):
    """The official who certifies copies ("Salinan sesuai dengan aslinya"), for one year."""

    jabatan: MaybeText
    name: MaybeText
    nip: str | None = None
    to_confirm: bool = False


class ElectronicSignature(Node):
    """The office signs electronically (TTE): the statement its practice prescribes, line by line."""

    statement: list[Annotated[str, StringConstraints(min_length=1)]] = Field(min_length=1)


#: How the decree number is written in the heading.
#:   peraturan     NOMOR 5 TAHUN 2026 (number: 5)
#:   naskah_dinas  NOMOR: 1/HK.03.1-Kpt/61/Prov/I/2027 (number: the whole code, its last part the year)
NumberStyle = Literal["peraturan", "naskah_dinas"]


class Office(Node):
    """The registry: what does not change from year to year (officials are per year)."""

    id: Id
    level: Level
    name: str = Field(description="official name, e.g. Komisi Pemilihan Umum Kabupaten Sambas")
    short_name: str
    seat: str
    province: str
    number_style: NumberStyle = "peraturan"
    logo: str | None = None          # an image for the heading, relative to the data folder

    @model_validator(mode="before")
    @classmethod
    def _officials_moved(cls, data: Any):
        if isinstance(data, dict):
            for key in ("ketua", "salinan"):
                if key in data:
                    raise Invalid(N_("'{key}' is data of the year now: move it to <year>/offices/{id}.yaml"),
                                  key=key, id=data.get("id", "<id>"))
        return data

    @model_validator(mode="after")
    def _name_shape(self):
        if not self.name.startswith(BODY + " "):
            raise Invalid(N_("name must start with '{body} '"), body=BODY)
        return self

    @property
    def body(self) -> str:
        return BODY

    @property
    def region(self) -> str:
        return self.name[len(BODY) + 1:]


BODY = "Komisi Pemilihan Umum"


class OfficesFile(Node):
    offices: list[Office]


# ---------------------------------------------------------------- regulations

RegulationKind = Literal["UUD", "UU", "PERPPU", "PP", "PERPRES", "PERMEN", "PKPU", "KEPUTUSAN"]


class GazetteRef(Node):
    year: int
    number: int


class Gazette(Node):
    ln: GazetteRef | None = None     # Lembaran Negara
    tln: int | None = None           # Tambahan Lembaran Negara
    bn: GazetteRef | None = None     # Berita Negara


class Regulation(Node):
    kind: RegulationKind
    issuer: str | None = None        # for PERMEN and KEPUTUSAN: who issued it
    number: str | int | None = None
    year: int | None = None
    year_in_number: bool = False     # "Nomor 314/ORT.07-Kpt/01/KPU/V/2021": no "Tahun"
    date: dt.date | None = None      # cited as "tanggal …" when cite_date is set; also orders within a year
    cite_date: bool = False
    title: str
    gazette: Gazette | None = None
    amended_by: list[Id] = []
    amendments: int | None = None    # total number of amendments, when not all are listed
    per_office: Literal["team_decree"] | None = None  # number/date come from the office's year file
    # Whether it still holds. The checker warns when a decree cites one that no longer does;
    # the citation itself is never changed here (the legal staff decide).
    status: Literal["berlaku", "diubah", "dicabut"] = "berlaku"
    revoked_by: Id | None = None     # the catalogue entry that revoked it
    revoked_year: int | None = None  # when revoked_by is not in the catalogue (or to be explicit)
    period_end: int | None = None    # the last year it covers (a plan "2010-2025" ends in 2025)
    successor: Id | None = None      # what replaces it, when the catalogue knows it
    note: str | None = None          # what is known about its status, shown with the warning
    source: str | None = None        # the JDIH / peraturan.go.id page where its numbers were checked
    unverified: bool = False         # added by `zi-docgen import` from a typed citation: check it, then drop this

    @model_validator(mode="after")
    def _shape(self):
        if self.per_office is None and (self.number is None or self.year is None):
            raise ValueError(N_("number and year are required"))
        if self.status == "dicabut" and self.revoked_by is None and self.revoked_year is None:
            raise ValueError(N_("status dicabut needs revoked_by (a catalogue id) or revoked_year"))
        if self.amendments is not None and self.amendments < len(self.amended_by):
            raise ValueError(N_("amendments is smaller than the number of amended_by entries"))
        return self


class RegulationsFile(Node):
    regulations: dict[Id, Regulation]


# ---------------------------------------------------------------- text items

class ListItem(Node):
    id: Id
    only: list[Level] | None = None
    term: str | None = None          # a defined term, e.g. "Zona Integritas (ZI)"
    text: str = ""
    numbering: Numbering | None = None  # numbering of the sub-items
    items: list["ListItem"] = []
    generate: Literal["coordinators"] | None = None  # sub-items computed from the areas

    @model_validator(mode="after")
    def _shape(self):
        if not self.text and not self.term:
            raise ValueError(N_("an item needs text"))
        if (self.items or self.generate) and not self.numbering:
            raise ValueError(N_("an item with sub-items needs 'numbering' (letter, number or paren)"))
        return self


class Block(Node):
    """One piece of a section: a paragraph, a list, or generated content."""

    id: Id
    only: list[Level] | None = None
    text: str | None = None
    numbering: Numbering | None = None
    items: list[ListItem] | None = None
    generate: Literal["dasar_hukum", "component_model"] | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("text", "items", "generate") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(N_("a block has exactly one of: text, items, generate"))
        if self.items is not None and not self.numbering:
            raise ValueError(N_("a list block needs 'numbering' (letter, number or paren)"))
        if self.generate == "dasar_hukum" and not self.numbering:
            raise ValueError(N_("a generated list needs 'numbering'"))
        return self


class Section(Node):
    id: Id
    only: list[Level] | None = None
    title: str
    blocks: list[Block] = []


class Chapter(Node):
    id: Id
    title: str
    blocks: list[Block] = []         # text before the first section
    sections: list[Section] = []
    generate: Literal["areas"] | None = None  # sections computed from the areas


class Area(Node):
    id: Id
    name: str
    kind: Literal["pengungkit", "hasil"] = "pengungkit"
    targets: list[ListItem] = []
    intro: str | None = None
    numbering: Numbering = "number"
    actions: list[ListItem] = []


class Keputusan(Node):
    title: str
    menimbang: list[ListItem]
    diktum: list[ListItem]


class Lampiran(Node):
    cover: list[str]                # lines of the cover page
    kata_pengantar: list[Block]
    chapters: list[Chapter]
    penutup: Chapter
    areas: list[Area]
    targets_title: str


class CommonDoc(Node):
    keputusan: Keputusan
    lampiran: Lampiran


# ---------------------------------------------------------------- year and office-year

MONTHS = ("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agt", "sep", "okt", "nov", "des")
Percent = Annotated[int, Field(ge=0, le=100, strict=True)]  # strict: a boolean is not a number


class TargetRow(Node):
    id: Id
    only: list[Level] | None = None
    label: str
    cumulative: bool = False
    months: dict[Literal[MONTHS], Percent] = {}  # type: ignore[valid-type]


class TargetGroup(Node):
    area: Id
    rows: list[TargetRow]


class CitationChanges(Node):
    """One office's own changes to a list of legal bases: catalogue ids added or removed.

    The order is not given: it is computed (hierarchy, then date) as for the year's list."""

    add: list[Id] = []
    remove: list[Id] = []


class Patch(Node):
    replace: dict[Id, dict[str, Any]] = {}
    add: list[dict[str, Any]] = []
    remove: list[Id] = []
    mengingat: CitationChanges | None = None     # the Keputusan's Mengingat
    dasar_hukum: CitationChanges | None = None   # the Lampiran's Dasar Hukum


class TeamDecree(Node):
    number: str | int | Placeholder
    date: dt.date | Placeholder


class JdihInfo(Node):
    """What the JDIH record (jdihn.json) needs beyond the decree itself; written by the legal staff.

    In the office's year file (data/<year>/offices/<id>.yaml, jdih:), as it describes that
    office's decree; the year's decree.yaml may give values shared by every office."""

    abstrak: str | None = None       # never made up: without it the record is a draft
    subjek: str | None = None
    bidang_hukum: str | None = None
    sumber: str | None = None        # where it is published, e.g. "Berita Daerah …" or "-"
    url: str | None = None           # the base address the files are downloaded from, on the JDIH


class YearFile(Node):
    """data/<year>/decree.yaml: what changes every year."""

    mengingat: list[Id]
    dasar_hukum: list[Id]
    targets: list[TargetGroup]
    jdih: JdihInfo | None = None
    patch: Patch = Patch()


class OfficeYear(Node):
    """data/<year>/offices/<office>.yaml: one office's own values for one year."""

    number: str | int | Placeholder | None = None
    date: dt.date | Placeholder | None = None
    team_decree: TeamDecree | None = None
    ketua: Official | None = None
    salinan: CopyCertifier | None = None
    tte: ElectronicSignature | None = None
    jdih: JdihInfo | None = None     # this decree's JDIH record; wins over the year's jdih: key by key
    patch: Patch = Patch()


ListItem.model_rebuild()
