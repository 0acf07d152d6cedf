from __future__ import annotations

from pathlib import Path

from docx import Document
from sample_docs import DELETED, decree_docx

from zi_docgen.compare.align import WordOp, word_diff
from zi_docgen.compare.docxdiff import Block, BlockChange, diff_docx, docx_blocks

MENGINGAT_OLD = "1. Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggaraan Negara yang Bersih;"
MENGINGAT_NEW = (
    "1. Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggara Negara yang Bersih "
    "dan Bebas dari Korupsi;"
)
INSERTED = "KESATU\t:\tMembentuk Tim Zona Integritas."


def build(path: Path, *, new: bool) -> Path:
    return decree_docx(path, new=new, mengingat_old=MENGINGAT_OLD, mengingat_new=MENGINGAT_NEW,
                       blank_before_memutuskan=True)


def pair(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path / "old.docx", new=False), build(tmp_path / "new.docx", new=True)


def test_docx_blocks_body_order_and_cell_keys(tmp_path):
    old, _ = pair(tmp_path)
    blocks = docx_blocks(old)
    keys = [b.key for b in blocks]
    assert keys[:6] == ["p0", "p1", "p2", "p3", "p4", "p5"]
    # The table sits between p5 and the closing paragraph, cell by cell.
    assert keys[6:10] == ["t0.r0.c0.p0", "t0.r0.c1.p0", "t0.r0.c2.p0", "t0.r0.c3.p0"]
    assert keys[-1] == "p6"
    assert len(blocks) == 7 + 12
    assert blocks[1].text == "Menimbang\t:\ta. bahwa dalam rangka mewujudkan birokrasi yang bersih;"
    assert blocks[4] == Block("p4", "")
    assert Block("t0.r2.c1.p0", "Sosialisasi") in blocks


def test_diff_docx_finds_exactly_the_changes(tmp_path):
    old, new = pair(tmp_path)
    changes = diff_docx(old, new)
    assert [(c.kind, c.old and c.old.key, c.new and c.new.key) for c in changes] == [
        ("changed", "p2", "p2"),
        ("deleted", "p3", None),
        ("inserted", None, "p5"),
        ("changed", "t0.r2.c1.p0", "t0.r2.c1.p0"),
    ]
    reworded, deleted, inserted, cell = changes
    assert reworded.words == (
        WordOp("equal", "Mengingat\t:\t1. Undang-Undang Nomor 28 Tahun 1999 tentang "),
        WordOp("delete", "Penyelenggaraan"),
        WordOp("insert", "Penyelenggara"),
        WordOp("equal", " Negara yang Bersih"),
        WordOp("insert", " dan Bebas dari Korupsi"),
        WordOp("equal", ";"),
    )
    assert deleted == BlockChange("deleted", Block("p3", DELETED), None, ())
    assert inserted == BlockChange("inserted", None, Block("p5", INSERTED), ())
    assert cell.words == (WordOp("equal", "Sosialisasi"), WordOp("insert", " dan evaluasi"))


def test_diff_docx_identical_and_whitespace_only(tmp_path):
    old, new = pair(tmp_path)
    assert diff_docx(old, old) == []
    doc = Document(str(old))
    doc.paragraphs[6].runs[0].text = "Keputusan ini  mulai berlaku pada tanggal ditetapkan. "
    doc.add_paragraph("   ")
    spaced = tmp_path / "spaced.docx"
    doc.save(spaced)
    assert diff_docx(old, spaced) == []


def test_dissimilar_replacement_is_delete_plus_insert(tmp_path):
    a = Document()
    a.add_paragraph("Satu dua tiga empat lima.")
    a.save(tmp_path / "a.docx")
    b = Document()
    b.add_paragraph("Sesuatu yang sama sekali berbeda di sini.")
    b.save(tmp_path / "b.docx")
    kinds = [c.kind for c in diff_docx(tmp_path / "a.docx", tmp_path / "b.docx")]
    assert kinds == ["deleted", "inserted"]


def test_word_diff_reconstructs_both_sides():
    cases = [
        ("", ""),
        ("", "baru"),
        ("lama", ""),
        ("a\tb, c", "a  b; c d"),
        ("Pasal 1 ayat (2) huruf a", "Pasal 2 ayat (3) huruf b dan c"),
    ]
    for a, b in cases:
        ops = word_diff(a, b)
        assert "".join(o.text for o in ops if o.op != "insert") == a
        assert "".join(o.text for o in ops if o.op != "delete") == b
        assert all(o.text for o in ops)
        assert all(x.op != y.op for x, y in zip(ops, ops[1:]))


def test_word_diff_is_word_level():
    assert word_diff("tim kerja", "tim kerja baru") == (
        WordOp("equal", "tim kerja"),
        WordOp("insert", " baru"),
    )
    # A changed word is replaced whole, not patched letter by letter.
    assert word_diff("kepala dinas", "kepala badan") == (
        WordOp("equal", "kepala "),
        WordOp("delete", "dinas"),
        WordOp("insert", "badan"),
    )


def test_diff_of_600_paragraphs_finds_every_edit(tmp_path):
    # How long it takes is measured in bench/run.py, not asserted here.
    def make(path: Path, edit: bool) -> Path:
        doc = Document()
        for i in range(600):
            text = f"{i}.\tKetentuan nomor {i} mengenai pelaksanaan zona integritas unit {i % 7}."
            if edit and i % 25 == 0:
                text = text.replace("mengenai", "tentang")
            if edit and i % 97 == 3:
                continue
            doc.add_paragraph(text)
        doc.save(path)
        return path

    old, new = make(tmp_path / "o.docx", False), make(tmp_path / "n.docx", True)
    changes = diff_docx(old, new)
    # Paragraph 100 is both edited and deleted, so it counts once, as deleted.
    assert sum(c.kind == "changed" for c in changes) == 23
    assert sum(c.kind == "deleted" for c in changes) == 7
    assert not any(c.kind == "inserted" for c in changes)
