import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from zi_docgen.publish import pdf as pdf
from zi_docgen.publish.pdf import PdfError, convert_to_pdf, install_hint, pdf_page_count, preview

needs_soffice = pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice (soffice) not installed")
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdfinfo") and shutil.which("pdffonts") and shutil.which("pdftoppm")),
    reason="poppler-utils not installed",
)

MM_PER_PT = 25.4 / 72


def _set_font(doc, name: str) -> None:
    style = doc.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(12)
    # python-docx sets only ascii/hAnsi; Word-made decrees set all four.
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _make_docx(path: Path, *, title: str, paragraphs: int, f4: bool = False, bookman: bool = False) -> Path:
    doc = Document()
    if f4:
        section = doc.sections[0]
        section.page_width = Mm(215)
        section.page_height = Mm(330)
    if bookman:
        _set_font(doc, "Bookman Old Style")
    doc.add_paragraph().add_run(title).bold = True
    for i in range(paragraphs):
        doc.add_paragraph(f"Diktum {i + 1}. " + "Pembangunan Zona Integritas menuju WBK dan WBBM. " * 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    docs = [
        _make_docx(root / "2026" / "prov-kalbar" / "keputusan.docx", title="PROVINSI KALIMANTAN BARAT", paragraphs=3, f4=True, bookman=True),
        _make_docx(root / "2026" / "kab-sambas" / "keputusan.docx", title="KABUPATEN SAMBAS", paragraphs=40),
        _make_docx(root / "lampiran.docx", title="LAMPIRAN", paragraphs=1),
    ]
    pdfs = convert_to_pdf(docs, workers=2, timeout=180)
    return docs, pdfs


def _pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def _pdffonts(path: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        # name ... emb sub uni objnum gen: emb is the 5th column from the end
        if len(cols) >= 6:
            rows.append((cols[0], cols[-5]))
    return rows


@needs_soffice
def test_pdfs_next_to_their_docx_in_input_order(converted):
    docs, pdfs = converted
    assert pdfs == [d.resolve().with_suffix(".pdf") for d in docs]
    for p in pdfs:
        assert p.is_file()
        assert p.read_bytes().startswith(b"%PDF-")
    # Same basename in different folders: each PDF is its own document.
    kalbar, sambas = pdfs[0].read_bytes(), pdfs[1].read_bytes()
    assert kalbar != sambas


@needs_soffice
@needs_poppler
def test_page_counts(converted):
    _, pdfs = converted
    assert pdf_page_count(pdfs[0]) == 1
    assert pdf_page_count(pdfs[1]) >= 3
    assert pdf_page_count(pdfs[2]) == 1
    for p in pdfs:
        m = re.search(r"^Pages:\s+(\d+)", _pdfinfo(p), re.MULTILINE)
        assert int(m.group(1)) == pdf_page_count(p)


@needs_soffice
def test_page_count_without_poppler(converted, monkeypatch):
    _, pdfs = converted
    expected = [pdf_page_count(p) for p in pdfs]
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert [pdf_page_count(p) for p in pdfs] == expected


@needs_soffice
@needs_poppler
def test_f4_page_size(converted):
    _, pdfs = converted
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _pdfinfo(pdfs[0]), re.MULTILINE)
    assert m, "pdfinfo printed no page size"
    w_mm, h_mm = float(m.group(1)) * MM_PER_PT, float(m.group(2)) * MM_PER_PT
    assert w_mm == pytest.approx(215, abs=1)
    assert h_mm == pytest.approx(330, abs=1)


@needs_soffice
@needs_poppler
def test_fonts_embedded_and_bookman_substituted(converted):
    _, pdfs = converted
    fonts = _pdffonts(pdfs[0])
    assert fonts, "no fonts in the PDF"
    assert all(emb == "yes" for _, emb in fonts), fonts
    names = [name.split("+", 1)[-1].lower() for name, _ in fonts]
    assert any("bonum" in n or "bookman" in n for n in names), names
    for p in pdfs[1:]:
        assert all(emb == "yes" for _, emb in _pdffonts(p))


@needs_soffice
@needs_poppler
def test_preview_pages_are_not_blank(converted, tmp_path):
    _, pdfs = converted
    pngs = preview(pdfs[1], tmp_path / "prev", dpi=40)
    assert len(pngs) == pdf_page_count(pdfs[1])
    assert [p.name for p in pngs] == sorted(p.name for p in pngs)
    for png in pngs:
        img = Image.open(png).convert("L")
        lo, hi = img.getextrema()
        assert hi > 200 and lo < 128, f"{png.name} looks blank"
    # A second render replaces the first instead of piling up.
    again = preview(pdfs[1], tmp_path / "prev", dpi=40)
    assert again == pngs


def test_missing_soffice_gives_install_hint(tmp_path, monkeypatch):
    docx = _make_docx(tmp_path / "a.docx", title="A", paragraphs=1)
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with pytest.raises(PdfError) as info:
        convert_to_pdf([docx])
    msg = str(info.value)
    assert "LibreOffice" in msg
    assert install_hint() in msg
    assert "\n" not in msg


def test_install_hint_mentions_debian_and_windows():
    hint = install_hint()
    assert "apt-get install libreoffice-writer-nogui fonts-texgyre" in hint
    assert "libreoffice.org" in hint
    assert "winget install TheDocumentFoundation.LibreOffice" in hint


def test_missing_input_file(tmp_path):
    with pytest.raises(PdfError, match="does not exist"):
        convert_to_pdf([tmp_path / "nope.docx"])


def test_empty_input_needs_no_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    assert convert_to_pdf([]) == []


def test_missing_pdftoppm(tmp_path, monkeypatch):
    fake = tmp_path / "x.pdf"
    fake.write_bytes(b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(PdfError, match="poppler"):
        preview(fake, tmp_path / "out")


# A stand-in for soffice: lets the batching, retry and timeout logic be tested
# quickly and without LibreOffice. Each input's text decides what it does.
FAKE_SOFFICE = r'''#!{python}
import os, sys, time
from pathlib import Path
args = sys.argv[1:]
log = Path({log!r})
outdir = Path(args[args.index("--outdir") + 1])
inputs = [a for a in args[args.index("--outdir") + 2:]]
profile = [a for a in args if a.startswith("-env:UserInstallation=file:///")]
with log.open("a") as fh:
    fh.write(repr((profile[0] if profile else None, [Path(i).name for i in inputs])) + "\n")
for inp in inputs:
    text = Path(inp).read_text()
    if "HANG" in text:
        time.sleep(60)
    if "FAIL" in text:
        print("Error: source file could not be loaded", file=sys.stderr)
        continue
    body = b"%PDF-1.4\n% " + text.encode() + b"\n" + b"x" * 100 + b"\n%%EOF\n"
    (outdir / (Path(inp).stem + ".pdf")).write_bytes(body)
'''


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    import sys

    if sys.platform == "win32":
        pytest.skip("fake soffice is a POSIX script")
    log = tmp_path / "calls.log"
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log)))
    script.chmod(0o755)
    monkeypatch.setattr(pdf, "find_soffice", lambda: str(script))

    def calls():
        if not log.exists():
            return []
        import ast

        return [ast.literal_eval(line) for line in log.read_text().splitlines()]

    return calls


def _fake_docs(root: Path, texts: dict[str, str]) -> list[Path]:
    out = []
    for rel, text in texts.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        out.append(p)
    return out


def test_batches_not_one_process_per_document(tmp_path, fake_soffice):
    docs = _fake_docs(tmp_path, {f"d{i}/keputusan.docx": f"doc {i}" for i in range(7)})
    pdfs = convert_to_pdf(docs, workers=2)
    calls = fake_soffice()
    assert len(calls) == 2
    assert sorted(len(files) for _, files in calls) == [3, 4]
    # every worker has its own profile
    assert len({profile for profile, _ in calls}) == 2
    for i, p in enumerate(pdfs):
        assert p == docs[i].resolve().with_suffix(".pdf")
        assert f"doc {i}".encode() in p.read_bytes()


def test_duplicates_converted_once(tmp_path, fake_soffice):
    (a,) = _fake_docs(tmp_path, {"a.docx": "A"})
    pdfs = convert_to_pdf([a, a, tmp_path / "." / "a.docx"], workers=2)
    assert len(set(pdfs)) == 1 and len(pdfs) == 3
    assert sum(len(files) for _, files in fake_soffice()) == 1


def test_failing_file_retried_once_then_named(tmp_path, fake_soffice):
    docs = _fake_docs(tmp_path, {"ok1.docx": "fine", "bad.docx": "FAIL", "ok2.docx": "fine too"})
    with pytest.raises(PdfError) as info:
        convert_to_pdf(docs, workers=1, retries=1)
    assert "bad.docx" in str(info.value)
    assert "could not be loaded" in str(info.value)
    calls = fake_soffice()
    assert len(calls) == 2
    assert calls[1][1] == ["00001.docx"]  # only the failed file is retried
    assert (tmp_path / "ok1.pdf").is_file() and (tmp_path / "ok2.pdf").is_file()
    assert not (tmp_path / "bad.pdf").exists()


def test_hanging_batch_killed_and_retried(tmp_path, fake_soffice):
    docs = _fake_docs(tmp_path, {"a.docx": "fine", "hang.docx": "HANG", "c.docx": "after"})
    with pytest.raises(PdfError) as info:
        convert_to_pdf(docs, workers=1, timeout=1, retries=1)
    msg = str(info.value)
    assert "hang.docx" in msg and "longer than 1 s" in msg
    calls = fake_soffice()
    assert len(calls) == 2
    # the culprit goes last on the retry, so the file after it still converts
    assert calls[1][1] == ["00002.docx", "00001.docx"]
    assert (tmp_path / "a.pdf").is_file() and (tmp_path / "c.pdf").is_file()
