"""Citations of regulations, computed from the catalogue (data/regulations.yaml).

The form follows Lampiran II UU 12/2011: designation, title, then the official
gazette (LN/TLN for UU and PP, BN for ministerial and KPU regulations), then
the amendment clause with the last amendment cited the same way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..load.model import Regulation

KIND_NAME = {
    "UUD": "Undang-Undang Dasar Negara Republik Indonesia",
    "UU": "Undang-Undang",
    "PERPPU": "Peraturan Pemerintah Pengganti Undang-Undang",
    "PP": "Peraturan Pemerintah",
    "PERPRES": "Peraturan Presiden",
    "PERMEN": "Peraturan {issuer}",
    "PKPU": "Peraturan Komisi Pemilihan Umum",
    "KEPUTUSAN": "Keputusan {issuer}",
}

# Hierarchy of Pasal 7 and 8 UU 12/2011; ministerial and KPU regulations share a rank.
RANK = {"UUD": 0, "UU": 1, "PERPPU": 1, "PP": 2, "PERPRES": 3, "PERMEN": 4, "PKPU": 4, "KEPUTUSAN": 5}

NEEDS_LN_TLN = {"UU", "PERPPU", "PP"}
NEEDS_BN = {"PERMEN", "PKPU"}


@dataclass(frozen=True)
class Cited:
    """A regulation with its per-office values filled in (number, year, date as text)."""

    id: str
    reg: Regulation
    number: str
    year: int
    date: dt.date | None
    date_text: str | None   # as cited ("5 Januari 2026", or a placeholder)
    issuer: str | None
    title: str
    year_in_number: bool = False   # a naskah dinas number ("…/I/2026") already holds the year

    def sort_key(self):
        num = int(self.number) if self.number.isdigit() else 0
        return (RANK[self.reg.kind], self.year, self.date or dt.date(self.year, 12, 31), num, self.id)


def designation(c: Cited) -> str:
    name = KIND_NAME[c.reg.kind].format(issuer=c.issuer or "")
    if c.reg.kind == "UUD":
        return f"{name} Tahun {c.year}"
    out = f"{name} Nomor {c.number}"
    if not (c.reg.year_in_number or c.year_in_number):
        out += f" Tahun {c.year}"
    if c.reg.cite_date and c.date_text:
        out += f" tanggal {c.date_text}"
    return f"{out} tentang {c.title}"


def gazette(reg: Regulation) -> str:
    g = reg.gazette
    if g is None:
        return ""
    parts = []
    if g.ln:
        parts.append(f"Lembaran Negara Republik Indonesia Tahun {g.ln.year} Nomor {g.ln.number}")
    if g.tln:
        parts.append(f"Tambahan Lembaran Negara Republik Indonesia Nomor {g.tln}")
    if g.bn:
        parts.append(f"Berita Negara Republik Indonesia Tahun {g.bn.year} Nomor {g.bn.number}")
    return f" ({', '.join(parts)})" if parts else ""


def cite(c: Cited, amendments: list[Cited]) -> str:
    """The full citation, without the closing ';'."""
    out = designation(c) + gazette(c.reg)
    if amendments:
        total = c.reg.amendments or len(amendments)
        clause = ("sebagaimana telah diubah dengan" if total == 1
                  else "sebagaimana telah beberapa kali diubah terakhir dengan")
        last = amendments[-1]
        out += f" {clause} {designation(last)}{gazette(last.reg)}"
    return out
