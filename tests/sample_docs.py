"""Small decree-like DOCX files for the document-diff and redline tests."""
from __future__ import annotations

from pathlib import Path

from docx import Document

DELETED = "Paragraf yang akan dihapus sepenuhnya dari keputusan ini."


def decree_docx(path: Path, *, new: bool, mengingat_old: str, mengingat_new: str,
                blank_before_memutuskan: bool = False) -> Path:
    """OLD or NEW of a pair: one reworded, one inserted, one deleted paragraph, one cell changed."""
    doc = Document()
    doc.add_paragraph().add_run("KEPUTUSAN KEPALA DINAS").bold = True
    p = doc.add_paragraph()
    p.add_run("Menimbang").bold = True
    p.add_run("\t:\ta. bahwa dalam rangka mewujudkan birokrasi yang bersih;")
    p = doc.add_paragraph()
    p.add_run("Mengingat").bold = True
    p.add_run("\t:\t")
    p.add_run(mengingat_new if new else mengingat_old)
    if not new:
        doc.add_paragraph(DELETED)
    if blank_before_memutuskan:
        doc.add_paragraph("")
    doc.add_paragraph().add_run("MEMUTUSKAN:").bold = True
    if new:
        p = doc.add_paragraph()
        p.add_run("KESATU").bold = True
        p.add_run("\t:\tMembentuk Tim Zona Integritas.")
    table = doc.add_table(rows=3, cols=4)
    rows = [
        ["No", "Kegiatan", "Waktu", "Penanggung Jawab"],
        ["1", "Pembentukan tim", "Januari", "Sekretaris"],
        ["2", "Sosialisasi" + (" dan evaluasi" if new else ""), "Februari", "Ketua Tim"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    doc.add_paragraph("Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    doc.save(path)
    return path
