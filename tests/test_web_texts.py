"""Every text the preview shows is editable in place where the data holds it (titles, defined
terms, area names and intros, target row labels, the Keputusan's title, the cover, the target
table's title); computed text says where it comes from instead."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from zi_docgen.load.dataset import load_dataset  # noqa: E402
from zi_docgen.resolve.decree import resolve  # noqa: E402
from zi_docgen.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SAMBAS = "2026/offices/kab-sambas.yaml"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d)
    return d


@pytest.fixture()
def client(data: Path) -> TestClient:
    return TestClient(create_app(data, TEMPLATES, git=False), raise_server_exceptions=False)


def csrf_of(c: TestClient) -> str:
    return re.search(r'"X-CSRF-Token": "([^"]+)"', c.get("/doc/2026/kab-sambas").text).group(1)


def form(c: TestClient, office: str, key: str, fields: str, part: str = "lampiran") -> dict:
    """What the editor of a text shows: its version and its current values."""
    r = c.get(f"/doc/2026/{office}/item/{key}/edit?part={part}&fields={fields}")
    assert r.status_code == 200, r.text
    out = {"version": re.search(r'name="version" value="([^"]+)"', r.text).group(1), "html": r.text}
    for f in fields.split(","):
        m = re.search(rf'<input class="line" name="{f}" value="([^"]*)"', r.text) or \
            re.search(rf'<textarea name="{f}"[^>]*>([^<]*)</textarea>', r.text, re.S)
        out[f] = m.group(1)
    return out


def save(c: TestClient, office: str, key: str, values: dict, *, scope: str, version: str, part: str = "lampiran"):
    return c.post(f"/doc/2026/{office}/item/{key}", data={
        "csrf": csrf_of(c), "version": version, "fields": ",".join(values), "scope": scope, "part": part, **values})


def text(data: Path, rel: str) -> str:
    return (data / rel).read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    return ([l[1:] for l in diff if l.startswith("-") and not l.startswith("---")],
            [l[1:] for l in diff if l.startswith("+") and not l.startswith("+++")])


def lampiran(data: Path, office: str):
    return resolve(load_dataset(data), 2026, office).tree.children[1]


def test_preview_offers_every_held_text_and_marks_computed_text(client: TestClient):
    lam = client.get("/doc/2026/kab-sambas?part=lampiran").text
    for key, fields in (("pendahuluan", "title"), ("latar-belakang", "title"), ("def-zi", "term,text"),
                        ("manajemen-perubahan", "name"), ("manajemen-perubahan", "intro"),
                        ("mp-tim-kerja", "label"), ("penutup", "title"), ("common:lampiran.cover", "0"),
                        ("common:lampiran", "targets_title")):
        assert f'/item/{key}/edit?part=lampiran&fields={fields}"' in lam, (key, fields)
    kep = client.get("/doc/2026/kab-sambas").text
    assert '/item/common:keputusan/edit?part=keputusan&fields=title"' in kep
    # Citations are computed from the catalogue: no editor, a hint and a way to the catalogue form.
    mengingat = kep.split('class="consider mengingat"')[1].split("</section>")[0]
    assert "hx-get" not in mengingat
    assert "katalog peraturan" in mengingat and "/doc/2026/kab-sambas/legal" in mengingat
    assert "dihitung otomatis" in kep  # labels say so
    assert "halaman Nomor, tanggal, pejabat" in kep  # number, date, signature


def test_chapter_title_for_one_office_then_revert(client: TestClient, data: Path):
    before = text(data, SAMBAS)
    common = text(data, "common/lampiran.yaml")
    f = form(client, "kab-sambas", "pendahuluan", "title")
    assert f["title"] == "Pendahuluan" and "hanya satker ini" in f["html"]
    r = save(client, "kab-sambas", "pendahuluan", {"title": "Pendahuluan Umum"}, scope="office", version=f["version"])
    assert r.status_code == 200 and "PENDAHULUAN UMUM" in r.text
    assert re.search(r'class="editable[^"]*\bown\b[^"]*" id="edit-pendahuluan--title"', r.text)
    removed, added = changed_lines(before, text(data, SAMBAS))
    assert removed == [] and [a.strip() for a in added] == ["pendahuluan:", "title: Pendahuluan Umum"]
    assert text(data, "common/lampiran.yaml") == common
    assert lampiran(data, "kab-sambas").children[2].text == "PENDAHULUAN UMUM"
    assert lampiran(data, "kab-bengkayang").children[2].text == "PENDAHULUAN"
    # the same version again: refused, the saved text shown
    r = save(client, "kab-sambas", "pendahuluan", {"title": "Lain"}, scope="office", version=f["version"])
    assert r.status_code == 409 and r.headers["HX-Retarget"] == "#edit-pendahuluan--title"
    assert "Pendahuluan Umum" in r.text and 'value="Lain"' in r.text
    # revert to the shared title: the office's file is as it was
    f = form(client, "kab-sambas", "pendahuluan", "title")
    assert "Kembalikan ke teks bersama" in f["html"]
    r = client.post("/doc/2026/kab-sambas/item/pendahuluan/revert",
                    data={"csrf": csrf_of(client), "fields": "title", "part": "lampiran"})
    assert r.status_code == 200 and text(data, SAMBAS) == before


def test_defined_term_alone_for_one_office_and_definition_for_everyone(client: TestClient, data: Path):
    before = text(data, SAMBAS)
    f = form(client, "kab-sambas", "def-zi", "term,text")
    assert f["term"] == "Zona Integritas (ZI)" and f["text"].startswith("adalah predikat")
    r = save(client, "kab-sambas", "def-zi", {"term": "Zona Integritas", "text": f["text"]}, scope="office",
             version=f["version"])
    assert r.status_code == 200 and "<b>Zona Integritas</b> adalah predikat" in r.text
    _removed, added = changed_lines(before, text(data, SAMBAS))
    assert [a.strip() for a in added] == ["def-zi:", "term: Zona Integritas"]  # the untouched text is not copied
    # the definition for every office: common/lampiran.yaml changes in those lines only, comments kept
    common = text(data, "common/lampiran.yaml")
    f = form(client, "kab-sambas", "def-zi", "term,text")
    new = f["text"].replace("kepada instansi pemerintah", "kepada setiap instansi pemerintah")
    r = save(client, "kab-sambas", "def-zi", {"term": f["term"], "text": new}, scope="shared", version=f["version"])
    assert r.status_code == 200
    after = text(data, "common/lampiran.yaml")
    removed, added = changed_lines(common, after)
    assert len(removed) == len(added) <= 3 and all(l.startswith("                    ") for l in added)
    assert "kepada setiap instansi" in " ".join(added)
    assert [l for l in common.splitlines() if l.lstrip().startswith("#")] == \
        [l for l in after.splitlines() if l.lstrip().startswith("#")]
    assert "Zona Integritas (ZI)" in after  # the shared term was not touched
    zi = [n for n in lampiran(data, "kab-bengkayang").walk() if n.id == "def-zi"][0]
    assert zi.term == "Zona Integritas (ZI)" and "kepada setiap instansi" in zi.text


def test_area_name_and_intro(client: TestClient, data: Path):
    token_area = form(client, "kab-sambas", "manajemen-perubahan", "intro")
    assert token_area["intro"].startswith("Tahap pertama")
    r = save(client, "kab-sambas", "manajemen-perubahan", {"intro": "Rencana aksi {{ office.short_name }} adalah:"},
             scope="office", version=token_area["version"])
    assert r.status_code == 200 and "Rencana aksi KPU Kabupaten Sambas adalah:" in r.text
    assert "intro: 'Rencana aksi {{ office.short_name }} adalah:'" in text(data, SAMBAS) or \
        "intro: Rencana aksi {{ office.short_name }} adalah:" in text(data, SAMBAS)
    # the area's name for everyone (province): the heading, and the computed target group follow
    f = form(client, "prov-kalbar", "manajemen-perubahan", "name")
    r = save(client, "prov-kalbar", "manajemen-perubahan", {"name": "Manajemen Perubahan Organisasi"},
             scope="shared", version=f["version"])
    assert r.status_code == 200 and "AREA I – Manajemen Perubahan Organisasi" in r.text
    groups = [n.text for n in lampiran(data, "kab-bengkayang").walk() if n.kind == "target-group"]
    assert groups[0] == "Manajemen Perubahan Organisasi"


def test_target_row_label_for_one_office(client: TestClient, data: Path):
    f = form(client, "kab-sambas", "mp-tim-kerja", "label")
    assert f["label"] == "Tim Kerja"
    r = save(client, "kab-sambas", "mp-tim-kerja", {"label": "Tim Kerja ZI"}, scope="office", version=f["version"])
    assert r.status_code == 200 and "Tim Kerja ZI" in r.text
    assert "label: Tim Kerja ZI" in text(data, SAMBAS)
    assert "Tim Kerja ZI" not in text(data, "2026/decree.yaml")


@pytest.mark.parametrize("key,field,old,new,rel", [
    ("common:keputusan", "title", "Rencana Kerja Pembangunan", "Rencana Kerja Baru Pembangunan",
     "common/keputusan.yaml"),
    ("penutup", "title", "Penutup", "Penutup dan Harapan", "common/lampiran.yaml"),
    ("common:lampiran.cover", "0", "Rencana Kerja", "Rencana Kerja Tahunan", "common/lampiran.yaml"),
    ("common:lampiran", "targets_title", "Target Capaian Pembangunan", "Target Capaian Tahunan Pembangunan",
     "common/lampiran.yaml"),
])
def test_text_held_under_a_key_is_shared_only(client: TestClient, data: Path, key, field, old, new, rel):
    before = text(data, rel)
    office_before = text(data, SAMBAS)
    f = form(client, "kab-sambas", key, field)
    assert "sama untuk semua satker" in f["html"] and "hanya satker ini" not in f["html"]
    value = f[field].replace(old, new, 1)
    assert value != f[field]
    # "this office only" cannot be written: no patch can name it
    r = save(client, "kab-sambas", key, {field: value}, scope="office", version=f["version"])
    assert r.status_code == 422 and "teks ini sama untuk semua satker; satu satker tidak dapat" in r.text
    assert text(data, rel) == before and text(data, SAMBAS) == office_before
    r = save(client, "kab-sambas", key, {field: value}, scope="shared", version=f["version"])
    assert r.status_code == 200, r.text
    after = text(data, rel)
    removed, added = changed_lines(before, after)
    assert 1 <= len(removed) <= len(added) <= 3
    assert new.split()[-2] in " ".join(added)
    assert all(l.count("{{") == l.count("}}") for l in added)  # folded between words, never inside a variable
    assert [l for l in before.splitlines() if l.lstrip().startswith("#")] == \
        [l for l in after.splitlines() if l.lstrip().startswith("#")]
    assert text(data, SAMBAS) == office_before
    # empty is refused, nothing written
    f = form(client, "kab-sambas", key, field)
    r = save(client, "kab-sambas", key, {field: "  "}, scope="shared", version=f["version"])
    assert r.status_code == 422 and text(data, rel) == after


def test_invalid_title_refused_nothing_written(client: TestClient, data: Path):
    before = text(data, SAMBAS)
    f = form(client, "kab-sambas", "latar-belakang", "title")
    r = save(client, "kab-sambas", "latar-belakang", {"title": "Latar {{ office.nama }}"}, scope="office",
             version=f["version"])
    assert r.status_code == 422 and "office.nama" in r.text and 'id="edit-latar-belakang--title"' in r.text
    assert text(data, SAMBAS) == before


def test_kabupaten_account_cannot_edit_shared_only_text(data: Path, tmp_path: Path):
    from zi_docgen.web.auth import Accounts

    users = tmp_path / "users.toml"
    Accounts(users).add("sambas", "rahasia-sambas-1", "kab-sambas")
    c = TestClient(create_app(data, TEMPLATES, git=False, multi=True, users_file=users),
                   raise_server_exceptions=False)
    c.post("/login", data={"csrf": re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1),
                           "user": "sambas", "password": "rahasia-sambas-1", "next": "/"})
    before = text(data, "common/keputusan.yaml")
    f = form(c, "kab-sambas", "common:keputusan", "title", part="keputusan")
    assert "Simpan" not in f["html"]
    r = save(c, "kab-sambas", "common:keputusan", {"title": "Judul lain"}, scope="shared", version=f["version"],
             part="keputusan")
    assert r.status_code == 403 and text(data, "common/keputusan.yaml") == before


def test_title_save_is_a_git_commit_with_history(data: Path):
    def git(*a):
        return subprocess.run(["git", "-C", str(data), *a], capture_output=True, text=True, check=True).stdout

    git("init", "-q")
    git("-c", "user.name=Setup", "-c", "user.email=s@x", "add", "-A")
    git("-c", "user.name=Setup", "-c", "user.email=s@x", "commit", "-qm", "start")
    c = TestClient(create_app(data, TEMPLATES, git=True), raise_server_exceptions=False)
    f = form(c, "kab-sambas", "maksud-tujuan", "title")
    r = save(c, "kab-sambas", "maksud-tujuan", {"title": "Maksud, Tujuan dan Sasaran"}, scope="office",
             version=f["version"])
    assert r.status_code == 200
    log = git("log", "-1", "--format=%s|%an", "--name-only")
    assert "maksud-tujuan" in log and SAMBAS in log
    assert git("status", "--porcelain") == ""
    h = c.get("/doc/2026/kab-sambas/item/maksud-tujuan/history?fields=title").text
    assert "Maksud, Tujuan dan Sasaran" in h and "Maksud dan Tujuan" in h


@pytest.mark.parametrize("office", ["prov-kalbar", "kab-sambas"])
def test_every_text_the_data_holds_opens_an_editor(client: TestClient, data: Path, office: str):
    """Walk the whole resolved decree: each node showing text the data holds has an editor that
    opens with that text; the rest is computed (citations, coordinators, the area headings)."""
    from zi_docgen.web.app import spot_of

    decree = resolve(load_dataset(data), 2026, office)
    held = computed = 0
    for n in decree.tree.walk():
        if not (n.text or n.term) or n.kind in ("document", "part", "target-group"):
            continue
        sp = spot_of(n)
        if n.kind == "field" and n.id != "title":
            assert sp is None  # number, date, place, officials: the settings page
            continue
        if n.generated or n.role in ("legal-basis", "coordinator"):
            assert sp is None or n.role == "area", n.path
            computed += sp is None
            if sp is None:
                continue
        assert sp is not None, n.path
        part = n.path.split("/")[0]
        r = client.get(f"/doc/2026/{office}/item/{sp.key}/edit?part={part}&fields={sp.query}")
        assert r.status_code == 200, (n.path, r.text[:200])
        f = sp.fields[-1]
        m = re.search(rf'<input class="line" name="{f}" value="([^"]*)"', r.text) or \
            re.search(rf'<textarea name="{f}"[^>]*>([^<]*)</textarea>', r.text)
        assert m and m.group(1).strip(), n.path
        held += 1
    assert held > 80 and computed > 10


def test_a_suggestion_in_a_title_or_a_term_is_applied_to_that_field(data: Path):
    kp = data / "common/lampiran.yaml"
    kp.write_text(kp.read_text(encoding="utf-8").replace("title: Latar Belakang", "title: Latar Belakang dan Resiko", 1)
                  .replace("term: Unit Kerja", "term: Unit Kerja dan resiko", 1), encoding="utf-8")
    c = TestClient(create_app(data, TEMPLATES, git=False), raise_server_exceptions=False)
    before = text(data, "common/lampiran.yaml")
    fnd = c.get("/doc/2026/kab-sambas/findings?part=lampiran").text
    buttons = re.findall(r'hx-post="(/doc/2026/kab-sambas/item/[^"]+/apply)"[^>]*hx-vals=\'([^\']+)\'', fnd)
    import json

    by_key = {url.split("/")[-2]: json.loads(html_unescape(vals)) for url, vals in buttons}
    assert by_key["latar-belakang"]["fields"] == "title" and by_key["def-unit-kerja"]["fields"] == "term,text"
    assert 'id="f-n-lampiran__pendahuluan__latar-belakang" hx-swap-oob' in fnd
    for key in ("latar-belakang", "def-unit-kerja"):
        vals = by_key[key]
        r = c.post(f"/doc/2026/kab-sambas/item/{key}/apply", data={"csrf": csrf_of(c), **vals})
        assert r.status_code == 200, r.text
    # a misspelling in shared text is fixed in the shared text, in those two lines only
    removed, added = changed_lines(before, text(data, "common/lampiran.yaml"))
    assert [a.strip() for a in added] == ["title: Latar Belakang dan Risiko", "term: Unit Kerja dan risiko"]
    assert len(removed) == 2


def html_unescape(s: str) -> str:
    import html

    return html.unescape(s)


def test_a_title_held_under_a_key_is_not_stale_after_another_text_changed(client: TestClient, data: Path):
    f = form(client, "prov-kalbar", "common:keputusan", "title", part="keputusan")
    m = form(client, "prov-kalbar", "acuan-tim", "text", part="keputusan")
    r = save(client, "prov-kalbar", "acuan-tim", {"text": m["text"].replace("perlu disusun", "perlu segera disusun")},
             scope="shared", version=m["version"], part="keputusan")
    assert r.status_code == 200
    r = save(client, "prov-kalbar", "common:keputusan", {"title": f["title"].replace("Rencana Kerja", "Rencana Kerja Baru")},
             scope="shared", version=f["version"], part="keputusan")
    assert r.status_code == 200 and "RENCANA KERJA BARU" in r.text
    # but the same title form again is stale: the title changed
    r = save(client, "prov-kalbar", "common:keputusan", {"title": "Judul lain"}, scope="shared", version=f["version"],
             part="keputusan")
    assert r.status_code == 409 and "Rencana Kerja Baru" in r.text


def test_a_chapter_title_is_not_stale_after_a_paragraph_inside_changed(client: TestClient, data: Path):
    f = form(client, "prov-kalbar", "penutup", "title")
    m = form(client, "prov-kalbar", "penutup-semoga", "text")
    r = save(client, "prov-kalbar", "penutup-semoga", {"text": "Semoga bermanfaat."}, scope="shared",
             version=m["version"])
    assert r.status_code == 200
    f2 = form(client, "prov-kalbar", "pendahuluan", "title")
    m2 = form(client, "prov-kalbar", "lb-sasaran", "text")
    r = save(client, "prov-kalbar", "lb-sasaran", {"text": m2["text"] + " Demikian."}, scope="shared",
             version=m2["version"])
    assert r.status_code == 200
    for key, form_ in (("penutup", f), ("pendahuluan", f2)):
        r = save(client, "prov-kalbar", key, {"title": form_["title"] + " Baru"}, scope="shared",
                 version=form_["version"])
        assert r.status_code == 200, key


def test_a_finding_in_the_other_part_links_to_that_part(data: Path):
    kp = data / "common/lampiran.yaml"
    kp.write_text(kp.read_text(encoding="utf-8").replace(
        "berdasarkan Lembar Kerja Evaluasi", "berdasarkan resiko Lembar Kerja Evaluasi", 1), encoding="utf-8")
    c = TestClient(create_app(data, TEMPLATES, git=False), raise_server_exceptions=False)
    on_kep = c.get("/doc/2026/prov-kalbar/findings?part=keputusan").text
    assert 'href="/doc/2026/prov-kalbar?part=lampiran#n-lampiran__kata-pengantar__kp-rencana-kerja"' in on_kep
    on_lam = c.get("/doc/2026/prov-kalbar/findings?part=lampiran").text
    assert 'href="#n-lampiran__kata-pengantar__kp-rencana-kerja"' in on_lam
