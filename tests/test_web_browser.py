"""The web editor end to end, in Debian's Chromium driven by Playwright.

Every test has its own copy of the data folder and its own server, so any one of
them runs alone and in any order; the browser process is shared (each test gets a
fresh context). Waits are on conditions (an element, a text, a finished job),
never on time.

Set ZI_DOCGEN_SCREENSHOTS=1 to also write the README's screenshots to docs/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from docx import Document

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed (/usr/bin/chromium); "
                                "CI installs Debian's chromium package")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "screenshots"
NEW_ACTION = "Mengadakan lomba inovasi pelayanan publik setiap triwulan."


@pytest.fixture()
def server(tmp_path):
    """A server of its own on a private copy of the shipped data (with one misspelling to fix)."""
    import uvicorn

    from zi_docgen.web.app import create_app

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    kp = data / "common/lampiran.yaml"
    kp.write_text(kp.read_text(encoding="utf-8").replace(
        "berdasarkan Lembar Kerja Evaluasi", "berdasarkan resiko Lembar Kerja Evaluasi", 1), encoding="utf-8")
    app = create_app(data, ROOT / "templates", git=False, out_dir=tmp_path / "jobs")
    # The socket listens before the server thread starts: the browser's first request waits in
    # the backlog instead of racing the start-up.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a guard against a server that never starts, not a timing
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", data, app
    srv.should_exit = True
    thread.join(30)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True, locale="id-ID")
    pg = ctx.new_page()
    pg.set_default_timeout(60000)
    yield pg
    ctx.close()


def shot(page, tmp_path: Path, name: str) -> Path:
    out = tmp_path / f"{name}.png"
    page.screenshot(path=str(out))
    if os.environ.get("ZI_DOCGEN_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, DOCS / f"{name}.png")
    assert out.stat().st_size > 10_000
    return out


def menimbang_labels(page) -> list[str]:
    return page.locator("section.menimbang .it > .lbl").all_inner_texts()


def test_open_edit_menimbang_labels_and_cross_reference_follow(server, page, tmp_path):
    url, data, _app = server
    page.goto(f"{url}/doc/2026/kab-sambas")
    assert page.locator("h1.center").inner_text().startswith("KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN SAMBAS")
    assert menimbang_labels(page) == ["a.", "b."]
    last = page.locator("section.menimbang .it").last
    assert "huruf a;" in last.inner_text() or "huruf a," in last.inner_text()
    page.wait_for_selector("#findings ul, #findings p")

    # Edit the first Menimbang for this office only
    page.locator("#edit-acuan-tim").click()
    box = page.locator("form#edit-acuan-tim textarea")
    box.wait_for()
    shot(page, tmp_path, "editor-edit")
    box.fill("bahwa untuk mewujudkan Zona Integritas di Lingkungan {{ office.name }}, perlu disusun Rencana Kerja;")
    page.locator("form#edit-acuan-tim button.primary").click()
    page.wait_for_selector("#edit-acuan-tim.own")
    assert "Zona Integritas di Lingkungan Komisi Pemilihan Umum Kabupaten Sambas, perlu disusun Rencana Kerja;" \
        in page.locator("#edit-acuan-tim").inner_text()

    # Add a Menimbang after it: labels and the last item's cross-reference follow
    page.locator("#edit-acuan-tim").click()
    page.locator("form#edit-acuan-tim input[name=new_text]").fill("bahwa Kabupaten Sambas perlu rencana sendiri;")
    page.locator("form#edit-acuan-tim button.add-after").click()
    page.wait_for_function("document.querySelectorAll('section.menimbang .it').length === 3")
    assert menimbang_labels(page) == ["a.", "b.", "c."]
    assert "huruf a dan huruf b" in page.locator("section.menimbang .it").last.inner_text()
    assert "rencana sendiri" in (data / "2026/offices/kab-sambas.yaml").read_text(encoding="utf-8")


def test_fix_a_misspelling_by_its_suggestion(server, page, tmp_path):
    url, data, _app = server
    page.goto(f"{url}/doc/2026/prov-kalbar?part=lampiran")
    button = page.locator("#f-n-lampiran__kata-pengantar__kp-rencana-kerja button.apply, "
                          ".fnd button.apply:has-text('risiko')").first
    button.wait_for()
    assert "risiko" in button.inner_text()
    button.scroll_into_view_if_needed()
    shot(page, tmp_path, "editor-finding")
    button.click()
    page.wait_for_function("!document.body.innerText.includes('berdasarkan resiko')")
    assert "berdasarkan risiko Lembar Kerja" in page.locator("article.page").inner_text()
    assert "resiko" not in (data / "common/lampiran.yaml").read_text(encoding="utf-8")


def test_add_an_action_for_one_kabupaten_only(server, page, tmp_path):
    url, data, _app = server
    page.goto(f"{url}/doc/2026/kab-bengkayang?part=lampiran")
    page.locator("#edit-mp-sosialisasi-pegawai").click()
    form = page.locator("form#edit-mp-sosialisasi-pegawai")
    assert form.locator("input[value=office]").is_checked()
    form.locator("input[name=new_text]").fill("Mengadakan lomba inovasi pelayanan publik setiap triwulan.")
    form.locator("button.add-after").click()
    page.wait_for_selector("text=Mengadakan lomba inovasi pelayanan publik setiap triwulan.")
    new = page.locator(".txt.own", has_text="Mengadakan lomba inovasi")
    assert new.count() == 1
    page.goto(f"{url}/doc/2026/kab-sambas?part=lampiran")
    page.wait_for_selector("article.page")
    assert "Mengadakan lomba inovasi" not in page.locator("article.page").inner_text()


def test_build_download_the_docx_and_read_it_back(server, page, tmp_path):
    url, data, _app = server
    # This office's own action, written the way the editor writes it, to be found in the DOCX.
    from zi_docgen.workflows.datastore import DataStore

    with DataStore(data, git=False).edit(year=2026, office="kab-bengkayang", editor="test") as e:
        e.add_item("mp-sosialisasi-pegawai", {"text": NEW_ACTION}, scope="office")
    page.goto(f"{url}/doc/2026/kab-bengkayang/build")
    page.locator("input[name=draft]").check()
    page.locator("#build-one").click()
    link = page.locator("ul.downloads a[data-file$='/keputusan.docx']")
    link.wait_for(timeout=600000)
    shot(page, tmp_path, "editor-build")
    with page.expect_download() as dl:
        link.click()
    path = tmp_path / "keputusan.docx"
    dl.value.save_as(str(path))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG" in text
    with page.expect_download() as dl:
        page.locator("ul.downloads a[data-file$='/lampiran.docx']").click()
    lpath = tmp_path / "lampiran.docx"
    dl.value.save_as(str(lpath))
    body = "\n".join(p.text for p in Document(str(lpath)).paragraphs)
    assert NEW_ACTION in body


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; the PDF "
                    "option needs it")
def test_build_with_pdf_and_download_it(server, page, tmp_path):
    url, _data, _app = server
    page.goto(f"{url}/doc/2026/kab-sambas/build")
    page.locator("input[name=pdf]").check()
    page.locator("input[name=draft]").check()
    page.locator("#build-one").click()
    link = page.locator("ul.downloads a[data-file$='/keputusan.pdf']")
    link.wait_for(timeout=600000)
    with page.expect_download() as dl:
        link.click()
    path = tmp_path / "keputusan.pdf"
    dl.value.save_as(str(path))
    import pikepdf

    assert path.read_bytes().startswith(b"%PDF-")
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 1


def test_edit_a_chapter_title_and_a_defined_term_in_place(server, page, tmp_path):
    url, data, _app = server
    page.goto(f"{url}/doc/2026/kab-sambas?part=lampiran")
    title = page.locator("#edit-pendahuluan--title")
    assert title.inner_text() == "PENDAHULUAN"
    title.click()
    box = page.locator("form#edit-pendahuluan--title input[name=title]")
    box.wait_for()
    assert box.input_value() == "Pendahuluan"
    assert page.locator("form#edit-pendahuluan--title input[value=office]").is_checked()
    shot(page, tmp_path, "editor-title")
    box.fill("Pendahuluan Umum")
    page.locator("form#edit-pendahuluan--title button.primary").click()
    page.wait_for_selector("#edit-pendahuluan--title.own")
    assert page.locator("#edit-pendahuluan--title").inner_text() == "PENDAHULUAN UMUM"
    office = (data / "2026/offices/kab-sambas.yaml").read_text(encoding="utf-8")
    assert "title: Pendahuluan Umum" in office
    # A defined term: the term and its definition in one editor.
    page.locator("#edit-def-menteri").click()
    form = page.locator("form#edit-def-menteri")
    form.locator("input[name=term]").fill("Menteri PANRB")
    form.locator("button.primary").click()
    page.wait_for_selector("#edit-def-menteri.own")
    assert page.locator("#edit-def-menteri b").inner_text() == "Menteri PANRB"
    # Computed text says where it is changed instead of opening an editor.
    page.goto(f"{url}/doc/2026/kab-sambas")
    citation = page.locator("section.mengingat .items .computed").first
    assert "katalog peraturan" in citation.get_attribute("title")
    assert citation.locator("a.computed-link").get_attribute("href") == "/doc/2026/kab-sambas/legal"
