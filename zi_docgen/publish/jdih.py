"""The JDIH record of a decree: jdihn.json beside its documents, with the fields of the JDIHN
integration feed, so that the legal staff publish the decree on their JDIH without retyping.

Everything comes from the data. What the data does not say (the abstract, the subject, the
field of law) is a placeholder "[…]" and the record is marked as a draft: nothing is made up.
"""
from __future__ import annotations

import json

from ..resolve.decree import Decree, plain

#: The fields of the JDIHN feed, in its order.
FIELDS = ("idData", "judul", "jenis", "singkatanJenis", "noPeraturan", "tahun_pengundangan",
          "tanggal_pengundangan", "tempatTerbit", "sumber", "subjek", "status", "bahasa", "teuBadan",
          "bidangHukum", "fileDownload", "abstrak")


def jdih_record(decree: Decree, document: str = "keputusan-salinan") -> dict:
    """The record for one office-year; `document` is the file published (the certified copy)."""
    info = decree.jdih
    missing: list[str] = []

    def given(value: str | None, what: str) -> str:
        if value and value.strip():
            return " ".join(value.split())
        missing.append(what)
        return f"[{what}]"

    number = decree.number_line.replace("NOMOR:", "Nomor").replace("NOMOR", "Nomor").replace("TAHUN", "Tahun")
    base = (info.url.rstrip("/") + "/") if info and info.url else ""
    record = {
        "idData": f"{decree.office.id}-{decree.year}-{decree.number}".replace("/", "-").replace(" ", "-"),
        "judul": f"Keputusan {decree.office.name} {number} tentang {plain(decree.title)}",
        "jenis": "Keputusan",
        "singkatanJenis": "KEP",
        "noPeraturan": decree.number,
        "tahun_pengundangan": str(decree.year),
        "tanggal_pengundangan": decree.date.isoformat() if decree.date else f"[{decree.date_text.strip('[]')}]",
        "tempatTerbit": decree.office.seat,
        "sumber": given(info.sumber if info else None, "sumber"),
        "subjek": given(info.subjek if info else None, "subjek"),
        "status": "Berlaku",
        "bahasa": "Indonesia",
        "teuBadan": decree.office.name,
        "bidangHukum": given(info.bidang_hukum if info else None, "bidang hukum"),
        "fileDownload": f"{base}{decree.office.id}/{document}.pdf",
        "abstrak": given(info.abstrak if info else None, "abstrak"),
    }
    if decree.date is None:
        missing.append("tanggal penetapan")
    draft = bool(missing) or decree.is_draft
    return {**record, "draft": draft, "missing": missing}


def jdih_json(decree: Decree) -> bytes:
    return (json.dumps(jdih_record(decree), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
