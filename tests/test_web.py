"""The web editor over HTTP (ASGI test client): pages, edits, safety, build, accounts."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from zi_docgen.load.dataset import load_dataset  # noqa: E402
from zi_docgen.resolve.decree import resolve  # noqa: E402
from zi_docgen.web.app import create_app  # noqa: E402
from zi_docgen.web.auth import Accounts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


@pytest.fixture()
def client(data: Path) -> TestClient:
    return TestClient(create_app(data, TEMPLATES, git=False), raise_server_exceptions=False)


def csrf_of(c: TestClient, url: str = "/doc/2026/kab-sambas") -> str:
    html = c.get(url).text
    return re.search(r'"X-CSRF-Token": "([^"]+)"', html).group(1)


def menimbang(data: Path, office: str):
    return resolve(load_dataset(data), 2026, office).menimbang


def snapshot(data: Path) -> dict:
    return {p: p.read_bytes() for p in data.rglob("*.yaml")}


def test_home_preview_and_404s(client: TestClient):
    r = client.get("/")
    assert r.status_code == 200 and r.url.path == "/doc/2026/prov-kalbar"
    assert "Menimbang" in r.text and "MEMUTUSKAN" in r.text and "KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI" in r.text
    assert 'hx-get="/doc/2026/prov-kalbar/item/acuan-tim/edit' in r.text
    lam = client.get("/doc/2026/kab-sambas?part=lampiran").text
    assert "BAB I" in lam and "sambas-apel-integritas" in lam
    for bad in ("/nope", "/doc/2026/kab-nope", "/doc/20x6/kab-sambas", "/doc/1999/kab-sambas",
                "/doc/2026/kab-sambas/item/no-such-item/edit", "/jobs/xyz", "/doc/2026/kab-sambas?part=x",
                "/compare?a=2026/nope&b=2026/kab-sambas", "/static/nope.js"):
        r = client.get(bad)
        assert r.status_code == 404, bad
        assert "Traceback" not in r.text
    assert "Halaman tidak ditemukan" in client.get("/nope").text


def test_htmx_is_vendored_with_its_license(client: TestClient):
    r = client.get("/static/htmx.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:200]
    assert "Zero-Clause BSD" in (ROOT / "zi_docgen/web/static/LICENSE-htmx.txt").read_text()
    assert "https://" not in re.sub(r"<!--.*?-->", "", client.get("/doc/2026/kab-sambas").text.split("<main>")[0])


def test_english_switch(client: TestClient):
    assert "Satuan kerja" in client.get("/doc/2026/kab-sambas").text
    r = client.get("/lang?to=en&back=/doc/2026/kab-sambas")
    assert r.url.path == "/doc/2026/kab-sambas" and "Office" in r.text and "Satuan kerja" not in r.text
    assert "Page not found" in client.get("/nope").text


def test_edit_menimbang_for_one_office_updates_labels_and_reference(client: TestClient, data: Path):
    token = csrf_of(client)
    edit = client.get("/doc/2026/kab-sambas/item/acuan-tim/edit")
    version = re.search(r'name="version" value="([^"]+)"', edit.text).group(1)
    assert "hanya satker ini" in edit.text and "{{ office.name }}" in edit.text
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim/add",
                    data={"csrf": token, "new_text": "bahwa Sambas perlu rencana sendiri;", "scope": "office"})
    assert r.status_code == 200
    labels = re.findall(r'<span class="lbl"[^>]*>([a-z]\.)</span>', r.text)
    assert labels[:3] == ["a.", "b.", "c."]
    assert "huruf a dan huruf b" in r.text
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim", data={
        "csrf": token, "version": version, "field": "text", "scope": "office",
        "text": "bahwa Kabupaten Sambas membangun Zona Integritas;"})
    assert r.status_code == 200 and "bahwa Kabupaten Sambas membangun Zona Integritas;" in r.text
    assert [m.text for m in menimbang(data, "kab-sambas")][0] == "bahwa Kabupaten Sambas membangun Zona Integritas;"
    assert menimbang(data, "kab-bengkayang")[0].text != "bahwa Kabupaten Sambas membangun Zona Integritas;"
    # the same version again: refused, the saved text shown, nothing lost
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim", data={
        "csrf": token, "version": version, "field": "text", "scope": "office", "text": "bahwa lain;"})
    assert r.status_code == 409 and r.headers["HX-Retarget"] == "#edit-acuan-tim"
    assert "bahwa Kabupaten Sambas membangun Zona Integritas;" in r.text and "bahwa lain;" in r.text
    # revert to the shared text
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim/revert", data={"csrf": token})
    assert r.status_code == 200
    assert menimbang(data, "kab-sambas")[0].text == menimbang(data, "kab-bengkayang")[0].text.replace(
        "Bengkayang", "Sambas")


def test_invalid_text_is_refused_beside_the_field(client: TestClient, data: Path):
    token = csrf_of(client)
    before = snapshot(data)
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim", data={
        "csrf": token, "field": "text", "scope": "office", "text": "bahwa {{ office.nama }};"})
    assert r.status_code == 422 and "office.nama" in r.text and 'id="edit-acuan-tim"' in r.text
    assert snapshot(data) == before


def test_post_without_csrf_is_refused(client: TestClient, data: Path):
    before = snapshot(data)
    client.get("/")
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim", data={"text": "bahwa x;", "scope": "office"})
    assert r.status_code == 403
    r = client.post("/doc/2026/kab-sambas/item/acuan-tim", data={"text": "bahwa x;", "csrf": "forged"})
    assert r.status_code == 403
    assert snapshot(data) == before


def test_add_action_for_one_kabupaten_only(client: TestClient, data: Path):
    token = csrf_of(client)
    r = client.post("/doc/2026/kab-bengkayang/item/mp-sosialisasi-pegawai/add",
                    data={"csrf": token, "new_text": "Mengadakan lomba inovasi pelayanan.", "scope": "office",
                          "part": "lampiran"})
    assert r.status_code == 200 and "Mengadakan lomba inovasi pelayanan." in r.text
    assert "Mengadakan lomba inovasi pelayanan." not in client.get("/doc/2026/kab-sambas?part=lampiran").text
    raw = (data / "2026/offices/kab-bengkayang.yaml").read_text()
    assert "after: mp-sosialisasi-pegawai" in raw


def test_move_and_remove(client: TestClient, data: Path):
    token = csrf_of(client)
    r = client.post("/doc/2026/kab-sambas/item/penetapan/move", data={"csrf": token, "step": "up", "scope": "office"})
    assert r.status_code == 200
    assert [m.id for m in menimbang(data, "kab-sambas")] == ["penetapan", "acuan-tim"]
    r = client.post("/doc/2026/kab-sambas/item/lb-sasaran/remove", data={"csrf": token, "scope": "office",
                                                                          "part": "lampiran"})
    assert r.status_code == 200 and "lb-sasaran" in r.text  # listed as removed, with a revert button
    assert "lb-sasaran" not in {n.id for n in resolve(load_dataset(data), 2026, "kab-sambas").walk()}


def test_findings_next_to_item_and_apply_suggestion(client: TestClient, data: Path):
    path = data / "common/keputusan.yaml"
    path.write_text(path.read_text().replace("perlu disusun Rencana", "perlu disusun resiko Rencana"))
    token = csrf_of(client)
    r = client.get("/doc/2026/kab-sambas/findings")
    assert r.status_code == 200
    assert 'id="f-n-keputusan__menimbang__acuan-tim" hx-swap-oob="true"' in r.text
    m = re.search(r'hx-post="(/doc/2026/kab-sambas/item/acuan-tim/apply)"[^>]*hx-vals=\'([^\']+)\'', r.text)
    assert m, r.text[:2000]
    import html
    import json
    vals = json.loads(html.unescape(m.group(2)))
    assert vals["wrong"] == "resiko" and vals["right"] == "risiko" and vals["scope"] == "shared"
    r = client.post(m.group(1), data={**vals, "csrf": token})
    assert r.status_code == 200
    assert "resiko" not in path.read_text() and "perlu disusun risiko Rencana" in path.read_text()


def test_target_grid_number_date_officials(client: TestClient, data: Path):
    token = csrf_of(client)
    grid = client.get("/doc/2026/kab-sambas/targets").text
    assert 'data-row="mp-tim-kerja" data-month="apr"' in grid
    r = client.post("/doc/2026/kab-sambas/targets", data={"csrf": token, "row": "mp-tim-kerja", "month": "mei",
                                                          "value": "50", "scope": "office"})
    assert r.status_code == 200
    assert "months: {apr: 100, mei: 50}" in (data / "2026/offices/kab-sambas.yaml").read_text()
    r = client.post("/doc/2026/kab-sambas/targets", data={"csrf": token, "row": "mp-tim-kerja", "month": "mei",
                                                          "value": "500", "scope": "office"})
    assert r.status_code == 422
    page = client.get("/doc/2026/kab-sambas/settings").text
    v_oy = re.search(r'name="v_oy" value="([^"]+)"', page).group(1)
    v_off = re.search(r'name="v_off" value="([^"]+)"', page).group(1)
    r = client.post("/doc/2026/kab-sambas/settings", data={
        "csrf": token, "v_oy": v_oy, "v_off": v_off, "number": "12", "date": "2026-02-03", "team_number": "",
        "team_date": "", "ketua": "Budi Santoso", "salinan_jabatan": "", "salinan_name": ""})
    assert r.status_code == 200 and "Tersimpan" in r.text
    d = resolve(load_dataset(data), 2026, "kab-sambas")
    assert d.number == "12" and d.signer_name == "Budi Santoso" and "Februari 2026" in d.date_text
    # the same form again (old versions): refused
    r = client.post("/doc/2026/kab-sambas/settings", data={
        "csrf": token, "v_oy": v_oy, "v_off": v_off, "number": "13", "date": "2026-02-03", "ketua": "X"})
    assert r.status_code == 409


def test_legal_bases_from_the_catalogue(client: TestClient, data: Path):
    token = csrf_of(client)
    hits = client.get("/doc/2026/prov-kalbar/catalogue?q=28 1999").text
    assert "uu-28-1999" in hits and "pkpu-8-2019" not in hits
    r = client.post("/doc/2026/prov-kalbar/legal", data={"csrf": token, "list": "mengingat", "id": "uu-28-1999",
                                                         "op": "add"})
    assert r.status_code == 200
    assert "uu-28-1999" in [m.id for m in resolve(load_dataset(data), 2026, "prov-kalbar").mengingat]
    r = client.post("/doc/2026/prov-kalbar/regulation", data={
        "csrf": token, "id": "pkpu-99-2025", "kind": "PKPU", "number": "99", "year": "2025",
        "title": "Tata Kerja Uji", "g_year": "2025", "g_number": "7"})
    assert r.status_code == 200 and "pkpu-99-2025" in (data / "regulations.yaml").read_text()


def finished_job(client: TestClient, started: str) -> str:
    """The job page once the build thread has finished (a generous guard against a hang, not a timing)."""
    jid = re.search(r'/jobs/([0-9a-f]+)', started).group(1)
    assert client.app.state.jobs[jid].finished.wait(900), "the build never finished"
    return client.get(f"/jobs/{jid}").text


def test_build_and_download_docx(client: TestClient):
    token = csrf_of(client)
    r = client.post("/doc/2026/prov-kalbar/build", data={"csrf": token, "all": "0"})
    assert r.status_code == 200
    page = finished_job(client, r.text)
    assert "Gagal" not in page, page
    links = re.findall(r'href="(/jobs/[0-9a-f]+/file/\d+)"', page)
    # The original and the certified copy of the Keputusan and the Lampiran, and the JDIH record.
    assert len(links) == 5
    for name in ("keputusan.docx", "lampiran.docx", "keputusan-salinan.docx", "lampiran-salinan.docx", "jdihn.json"):
        assert name in page, name
    r = client.get(links[0])
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT" in text


def test_compare_and_redline(client: TestClient, data: Path):
    r = client.get("/compare?a=2026/kab-sambas&b=2026/kab-bengkayang")
    assert r.status_code == 200 and "Bengkayang" in r.text
    r = client.get("/compare/redline?a=2026/kab-sambas&b=2026/kab-bengkayang&doc=keputusan")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    import zipfile
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml  # tracked changes: Sambas out, Bengkayang in
    assert "Bengkayang" in xml and "Sambas" in xml


def test_new_year_form(client: TestClient, data: Path):
    token = csrf_of(client)
    assert "2027" in client.get("/new-year").text
    r = client.post("/new-year", data={"csrf": token, "old": "2026", "new": "2027"})
    assert r.status_code == 200 and (data / "2027/decree.yaml").exists()
    assert '<input type="checkbox">' in r.text
    assert client.get("/doc/2027/kab-sambas").status_code == 200


# ---------------------------------------------------------------- several offices, accounts

@pytest.fixture()
def multi(data: Path, tmp_path: Path) -> TestClient:
    users = tmp_path / "users.json"
    acc = Accounts(users)
    acc.add("sambas", "rahasia-sambas", "kab-sambas")
    acc.add("prov", "rahasia-prov", "prov-kalbar")
    return TestClient(create_app(data, TEMPLATES, multi=True, users_file=users, git=False),
                      raise_server_exceptions=False)


def login(c: TestClient, user: str, password: str):
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    return c.post("/login", data={"csrf": token, "user": user, "password": password, "next": "/"})


def test_accounts_file_keeps_argon2_hashes_only(tmp_path: Path):
    users = tmp_path / "u.json"
    Accounts(users).add("ani", "kata-sandi-panjang", "kab-sambas")
    text = users.read_text()
    assert "$argon2" in text and "kata-sandi-panjang" not in text
    assert Accounts(users).verify("ani", "kata-sandi-panjang").office == "kab-sambas"
    assert Accounts(users).verify("ani", "salah") is None


def test_anonymous_sees_only_the_login_page(multi: TestClient, data: Path):
    before = snapshot(data)
    for url in ("/", "/doc/2026/kab-sambas", "/doc/2026/kab-sambas/findings", "/doc/2026/kab-sambas/targets",
                "/compare", "/new-year", "/jobs/x", "/nope"):
        r = multi.get(url)
        assert r.status_code == 401 and 'action="/login"' in r.text, url
        assert "Menimbang" not in r.text and "Sambas" not in r.text
    token = re.search(r'name="csrf" value="([^"]+)"', multi.get("/login").text).group(1)
    r = multi.post("/doc/2026/kab-sambas/item/acuan-tim", data={"csrf": token, "text": "bahwa x;"})
    assert r.status_code == 401 and 'action="/login"' in r.text
    assert snapshot(data) == before
    r = login(multi, "sambas", "salah-sandi")
    assert r.status_code == 401 and "salah" in r.text


def test_kabupaten_account_cannot_touch_another_office(multi: TestClient, data: Path):
    r = login(multi, "sambas", "rahasia-sambas")
    assert r.status_code == 200 and r.url.path == "/doc/2026/kab-sambas"
    cookie = r.history[0].headers.get("set-cookie", "")  # set by the login answer (a redirect)
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    token = csrf_of(multi)
    before = snapshot(data)
    # another office, by the UI's own URLs or by posting directly
    assert multi.get("/doc/2026/kab-bengkayang").status_code == 403
    for url, form in (
        ("/doc/2026/kab-bengkayang/item/acuan-tim", {"text": "bahwa x;", "scope": "office"}),
        ("/doc/2026/kab-bengkayang/item/acuan-tim/remove", {"scope": "office"}),
        ("/doc/2026/kab-bengkayang/item/mp-sosialisasi-pegawai/add", {"new_text": "X.", "scope": "office"}),
        ("/doc/2026/kab-bengkayang/targets", {"row": "mp-tim-kerja", "month": "mei", "value": "5"}),
        ("/doc/2026/kab-bengkayang/settings", {"number": "9"}),
        # the shared text, even from its own office's page
        ("/doc/2026/kab-sambas/item/acuan-tim", {"text": "bahwa x;", "scope": "shared"}),
        ("/doc/2026/kab-sambas/targets", {"row": "mp-tim-kerja", "month": "mei", "value": "5", "scope": "shared"}),
        ("/doc/2026/kab-sambas/legal", {"list": "mengingat", "id": "uu-28-1999", "op": "add"}),
        ("/doc/2026/kab-sambas/regulation", {"id": "x-1", "kind": "UU", "number": "1", "year": "2000", "title": "X"}),
        ("/new-year", {"old": "2026", "new": "2027"}),
    ):
        r = multi.post(url, data={"csrf": token, **form})
        assert r.status_code == 403, url
    assert snapshot(data) == before
    # its own office: allowed, written as its own patch
    edit = multi.get("/doc/2026/kab-sambas/item/acuan-tim/edit").text
    assert 'value="shared"' not in edit
    r = multi.post("/doc/2026/kab-sambas/item/acuan-tim", data={"csrf": token, "text": "bahwa Sambas;",
                                                                "scope": "office"})
    assert r.status_code == 200
    assert "bahwa Sambas;" in (data / "2026/offices/kab-sambas.yaml").read_text()


def test_province_account_edits_everything(multi: TestClient, data: Path):
    login(multi, "prov", "rahasia-prov")
    token = csrf_of(multi, "/doc/2026/kab-bengkayang")
    r = multi.post("/doc/2026/kab-bengkayang/item/acuan-tim", data={"csrf": token, "text": "bahwa semua;",
                                                                    "scope": "shared"})
    assert r.status_code == 200 and "bahwa semua;" in (data / "common/keputusan.yaml").read_text()
    r = multi.post("/logout", data={"csrf": token})
    assert multi.get("/doc/2026/kab-sambas").status_code == 401


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; the PDF "
                    "option needs it")
def test_build_with_pdf_for_one_office_downloads_real_pdfs(client: TestClient, tmp_path: Path):
    import subprocess

    import pikepdf

    token = csrf_of(client, "/doc/2026/kab-bengkayang/build")
    r = client.post("/doc/2026/kab-bengkayang/build", data={"csrf": token, "all": "0", "pdf": "1", "draft": "1"})
    assert r.status_code == 200
    page = finished_job(client, r.text)
    assert "Gagal" not in page, page
    links = dict((name, href) for href, name in re.findall(
        r'href="(/jobs/[0-9a-f]+/file/\d+)" download data-file="([^"]+)"', page))
    assert "Keputusan (asli), PDF" in page and "Lampiran (salinan), DOCX" in page
    pdfs = [n for n in links if n.endswith(".pdf")]
    assert "kab-bengkayang/keputusan.pdf" in pdfs and "kab-bengkayang/lampiran.pdf" in pdfs, page
    r = client.get(links["kab-bengkayang/keputusan.pdf"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="kab-bengkayang-keputusan.pdf"' in r.headers["content-disposition"]
    assert r.content.startswith(b"%PDF-") and b"%%EOF" in r.content[-1024:]
    path = tmp_path / "keputusan.pdf"
    path.write_bytes(r.content)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) >= 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG" in " ".join(text.split())
    json_link = next(href for n, href in links.items() if n.endswith(".json"))
    assert client.get(json_link).headers["content-type"] == "application/json"


def test_findings_follow_the_language_switch(data: Path):
    """The checker keeps findings with their words: the English screen must not get the
    Indonesian ones computed a moment before for the same text (and back)."""
    kp = data / "common/lampiran.yaml"
    kp.write_text(kp.read_text(encoding="utf-8").replace(
        "berdasarkan Lembar Kerja Evaluasi", "berdasarkan resiko Lembar Kerja Evaluasi", 1), encoding="utf-8")
    c = TestClient(create_app(data, TEMPLATES, git=False), raise_server_exceptions=False)
    assert "resiko&#39;: bukan bentuk baku menurut KBBI" in c.get("/doc/2026/prov-kalbar/findings").text
    c.get("/lang?to=en&back=/")
    en = c.get("/doc/2026/prov-kalbar/findings").text
    assert "resiko&#39;: not the KBBI standard form" in en and "bukan bentuk baku" not in en
    c.get("/lang?to=id&back=/")
    assert "resiko&#39;: bukan bentuk baku menurut KBBI" in c.get("/doc/2026/prov-kalbar/findings").text
