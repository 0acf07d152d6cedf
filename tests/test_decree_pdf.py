"""The real decree on paper: F4, fonts embedded, the table landscape, no blank page (needs LibreOffice)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from PIL import Image

from conftest import DATA, TEMPLATES
from zi_docgen.publish.pdf import find_soffice, pdf_page_count, preview

pytestmark = pytest.mark.skipif(find_soffice() is None or shutil.which("pdfinfo") is None
                                or shutil.which("pdffonts") is None,
                                reason="LibreOffice and poppler-utils are not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from zi_docgen.workflows.build import build

    out = tmp_path_factory.mktemp("pdf")
    build(DATA, out, TEMPLATES, satkers=["prov-kalbar", "kab-sambas"], jobs=2, pdf=True)
    return out / "2026"


def _page_sizes(pdf) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def _mm(pts: float) -> float:
    return pts / 72 * 25.4


def test_manifest_lists_the_pdfs(pdfs):
    docs = json.loads((pdfs / "manifest.json").read_text())["documents"]
    names = {"keputusan", "lampiran", "keputusan-salinan", "lampiran-salinan"}
    assert {d["document"] for d in docs} == names | {f"{n}.pdf" for n in names} | {"jdihn.json"}


def test_keputusan_is_f4_with_embedded_fonts(pdfs):
    pdf = pdfs / "prov-kalbar" / "keputusan.pdf"
    sizes = _page_sizes(pdf)
    assert len(sizes) == pdf_page_count(pdf) == 3
    for w, h in sizes:
        assert abs(_mm(w) - 215) < 1 and abs(_mm(h) - 330) < 1
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    assert any("Bonum" in line or "Bookman" in line for line in fonts)


def test_lampiran_table_is_landscape_and_no_page_is_blank(pdfs, tmp_path):
    pdf = pdfs / "prov-kalbar" / "lampiran.pdf"
    sizes = _page_sizes(pdf)
    assert 12 <= len(sizes) <= 24
    landscape = [i for i, (w, h) in enumerate(sizes) if w > h]
    assert landscape and all(abs(_mm(sizes[i][0]) - 330) < 1 for i in landscape)
    assert landscape == list(range(landscape[0], landscape[-1] + 1))  # one landscape section
    assert sizes[-1][0] < sizes[-1][1]  # the Penutup and the signature are portrait again
    pages = preview(pdf, tmp_path, dpi=30)
    assert len(pages) == len(sizes)
    for png in pages:
        # A blank page has nothing below the header (page number, DRAFT mark).
        im = Image.open(png).convert("L")
        body = im.crop((0, int(im.height * 0.08), im.width, im.height))
        dark = sum(body.histogram()[:160])
        assert dark > 40, f"{png.name} looks blank"


def test_draft_is_marked_on_every_page(pdfs):
    pdf = pdfs / "kab-sambas" / "keputusan.pdf"
    n = pdf_page_count(pdf)
    for page in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        assert "DRAFT" in text
    final = subprocess.run(["pdftotext", str(pdfs / "prov-kalbar" / "keputusan.pdf"), "-"],
                           capture_output=True, text=True).stdout
    assert "DRAFT" not in final


def test_every_page_but_the_first_is_numbered(pdfs):
    for name in ("keputusan", "lampiran"):
        pdf = pdfs / "prov-kalbar" / f"{name}.pdf"
        for page in range(1, pdf_page_count(pdf) + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  capture_output=True, text=True).stdout
            numbered = re.search(rf"^-\s*{page}\s*-$", text, re.M) is not None
            assert numbered == (page > 1), (name, page)
