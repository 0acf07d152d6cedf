"""Data tables of the checker: known confusions, the official area names, fixed terms.

Kept as plain literals so that adding a case is one line; the rules that read
them live in textrules.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_

from ..resolve.zona import AREAS_90_2021  # noqa: F401  (the checker reads it from here)


@dataclass(frozen=True)
class Confusion:
    """A word that is wrong here although a reader may not notice.

    wrong   regex for the wrong word(s); matched on word boundaries, case-insensitively
            unless `case` is set; the replacement copies the case of the match
    right   what to write instead
    why     a few words for the message (English, marked N_(): translated where it is shown)
    before  regex that must match the text just before (a lookbehind, evaluated on the
            last 60 characters), e.g. r"setelah\\s+$"
    after   regex that must match the text just after, e.g. r"^\\s+(dokumen|pakta)"
    case    match case-sensitively (for "sdm" → "SDM")
    """

    wrong: str
    right: str
    why: str
    before: str | None = None
    after: str | None = None
    case: bool = False


NON_STANDARD = N_("not the KBBI standard form")

CONFUSIONS: tuple[Confusion, ...] = (
    # Non-standard forms (KBBI / PUEBI). Hunspell id_ID accepts some of them.
    Confusion("resiko", "risiko", NON_STANDARD),
    Confusion("survey", "survei", NON_STANDARD),
    Confusion("efektifitas", "efektivitas", NON_STANDARD),
    Confusion("aktifitas", "aktivitas", NON_STANDARD),
    Confusion("produktifitas", "produktivitas", NON_STANDARD),
    Confusion("konkrit", "konkret", NON_STANDARD),
    Confusion("memperbaharui", "memperbarui", NON_STANDARD),
    Confusion("diperbaharui", "diperbarui", NON_STANDARD),
    Confusion("pembaharuan", "pembaruan", NON_STANDARD),
    Confusion("masal", "massal", NON_STANDARD),
    Confusion("standarisasi", "standardisasi", NON_STANDARD),
    Confusion("mengkomunikasikan", "mengomunikasikan", NON_STANDARD),
    Confusion("mengkoordinasikan", "mengoordinasikan", NON_STANDARD),
    Confusion("mensosialisasikan", "menyosialisasikan", NON_STANDARD),
    Confusion("managemen", "manajemen", NON_STANDARD),
    Confusion("obyek", "objek", NON_STANDARD),
    Confusion("sdm", "SDM", N_("an abbreviation, written in capitals"), case=True),
    Confusion("masing masing", "masing-masing", N_("a reduplication takes a hyphen")),
    Confusion("dibidang", "di bidang", N_("'di' before a place or field is a separate word")),
    Confusion("di (mulai|laksanakan|lakukan|tetapkan|susun|bentuk|canangkan)", "di{0}",
              N_("the passive prefix 'di-' is joined to the verb")),
    # Misreadings that produce another (or no) word, wrong in context.
    Confusion("pencanaan", "pencanangan", N_("misspelling of 'pencanangan' (declaration), not 'perencanaan'")),
    Confusion("pendatangan", "penandatanganan", N_("'pendatangan' means bringing in; the signing is 'penandatanganan'")),
    Confusion("perencanaan", "pencanangan",
              N_("the declaration of the Zona Integritas is its 'pencanangan'; 'perencanaan' is planning"),
              before=r"(?:setelah|sesudah|sebelum|tindak\s+lanjut|saat|pada\s+saat)\s+$"),
    Confusion("perencanaan", "pencanangan",
              N_("the declaration of the Zona Integritas is its 'pencanangan'; 'perencanaan' is planning"),
              after=r"^\s+pembangunan\s+zona\s+integritas\s+(?:adalah|dilakukan|dilaksanakan|dengan)\b"),
)

# PermenPANRB 90/2021's six areas (zi_docgen/zona.py) and the names they had before.
# Accepted short forms (the regulation itself writes "Penguatan Akuntabilitas" in places).
AREA_ALIASES: dict[str, str] = {
    "Penguatan Akuntabilitas": "Penguatan Akuntabilitas Kinerja",
}
# Names seen in older regulations or earlier decrees: warn and name the current one.
AREA_OUTDATED: dict[str, str] = {
    "Penataan Manajemen SDM": "Penataan Sistem Manajemen SDM",
    "Penataan Sistem Manajemen Sumber Daya Manusia": "Penataan Sistem Manajemen SDM",
    "Penataan Tata Laksana": "Penataan Tatalaksana",
    "Penguatan Kualitas Pelayanan Publik": "Peningkatan Kualitas Pelayanan Publik",
    "Kualitas Penguatan Pelayanan Publik": "Peningkatan Kualitas Pelayanan Publik",
    "Peningkatan Kualitas Pelayanan": "Peningkatan Kualitas Pelayanan Publik",
    "Penguatan Akuntabilitas Kinerja Instansi": "Penguatan Akuntabilitas Kinerja",
}

# Fixed terms: capitalised exactly so in running text (ALL CAPS is fine in headings).
FIXED_TERMS: tuple[str, ...] = (
    "Zona Integritas",
    "Wilayah Bebas dari Korupsi",
    "Wilayah Birokrasi Bersih dan Melayani",
)
# Mangled forms of the fixed terms: (regex, correct form, why).
TERM_FORMS: tuple[tuple[str, str, str], ...] = (
    (r"Wilayah\s+Bebas\s+Korupsi", "Wilayah Bebas dari Korupsi", N_("missing 'dari'")),
    (r"Wilayah\s+Birokrasi\s+Bersih\s+Melayani", "Wilayah Birokrasi Bersih dan Melayani", N_("missing 'dan'")),
)

# Labels of the konsiderans/diktum columns: "Menimbang :" in a transcript is a column, not a typo.
COLUMN_LABELS = (
    "Menimbang", "Mengingat", "Memperhatikan", "Menetapkan", "KESATU", "KEDUA", "KETIGA", "KEEMPAT",
    "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN", "KESEPULUH", "Nomor", "Lampiran", "Tanggal",
)

RAHMAT = "DENGAN RAHMAT TUHAN YANG MAHA ESA"
