"""resolve() on a small hand-made data set, read through the document tree."""
from __future__ import annotations

import pytest

from zi_docgen.errors import DataError
from zi_docgen.load.dataset import load_dataset
from zi_docgen.resolve.decree import resolve
from zi_docgen.resolve.document import split_address

import tiny_data


@pytest.fixture
def tiny(tmp_path):
    return tiny_data.write(tmp_path)


def _decree(data, office="prov-x"):
    return resolve(load_dataset(data), 2026, office)


def test_addresses_are_office_part_and_ids(tiny):
    d = _decree(tiny)
    paths = [n.path for n in d.walk()]
    assert paths[0] == ""  # the root
    assert len(paths) == len(set(paths))
    assert d.address("keputusan/title") == "prov-x:keputusan/title"
    node = d.find("prov-x:lampiran/bab-aksi/manajemen-perubahan/manajemen-perubahan-actions/mp-tim")
    assert (node.kind, node.label, node.text) == ("item", "2.", "Membentuk tim.")
    assert d.find(node.path) is node
    assert d.address(node) == "prov-x:" + node.path
    assert split_address(d.address(node)) == ("prov-x", node.path)
    with pytest.raises(KeyError):
        d.find("kab-y:keputusan/title")  # another office's address
    assert d.get("keputusan/nope") is None


def test_reading_order(tiny):
    d = _decree(tiny)
    top = [n.path for n in d.walk() if n.path.count("/") == 1]
    assert top == ["keputusan/title", "keputusan/nomor", "keputusan/tanggal", "keputusan/tempat",
                   "keputusan/menimbang", "keputusan/mengingat", "keputusan/diktum", "keputusan/penandatangan-jabatan",
                   "keputusan/penandatangan",
                   "keputusan/salinan-jabatan", "keputusan/salinan-nama", "lampiran/cover",
                   "lampiran/kata-pengantar", "lampiran/bab-satu", "lampiran/bab-aksi", "lampiran/penutup",
                   "lampiran/targets"]
    chapters = [n for n in d.walk() if n.kind == "chapter"]
    assert [(c.label, c.text) for c in chapters] == [("I", "PENDAHULUAN"), ("II", "RENCANA AKSI"), ("III", "PENUTUP")]


def test_labels_refs_and_variables(tiny):
    d = _decree(tiny)
    menimbang = d.find("keputusan/menimbang").children
    assert [m.label for m in menimbang] == ["a.", "b."]
    assert "dalam huruf a, perlu" in menimbang[1].text
    assert menimbang[1].text.endswith("tentang Rencana Kerja di Lingkungan Komisi Pemilihan Umum Provinsi Contoh "
                                      "Tahun 2026;")
    assert [n.label for n in d.find("keputusan/diktum").children] == ["KESATU", "KEDUA"]
    assert d.find("keputusan/nomor").text == "5" and d.find("keputusan/tanggal").text == "5 Januari 2026"
    assert d.find("lampiran/cover/cover-2").text == "KPU PROVINSI CONTOH"
    assert d.find("lampiran/targets").text == "Target Capaian Tahun 2026"


def test_legal_bases_are_sorted_and_marked_generated(tiny):
    d = _decree(tiny)
    mengingat = d.find("keputusan/mengingat").children
    # written PKPU first; the hierarchy puts the UU first
    assert [(m.id, m.label) for m in mengingat] == [("uu-7-2017", "1."), ("pkpu-8-2019", "2.")]
    assert {(m.generated, m.role) for m in mengingat} == {("mengingat", "legal-basis")}
    assert "Lembaran Negara Republik Indonesia Tahun 2017 Nomor 182" in mengingat[0].text
    dasar = d.find("lampiran/bab-satu/dasar/dasar-list")
    assert (dasar.kind, dasar.generated, dasar.role) == ("list", "dasar_hukum", "legal-bases")
    assert [c.role for c in dasar.children] == ["legal-basis", "legal-basis"]
    # a block with an id ending in "-daftar" is not a legal-bases list by its name
    assert all(n.role != "legal-bases" for n in d.walk() if n is not dasar)


def test_roles_of_generated_area_content(tiny):
    d = _decree(tiny)
    areas = [n for n in d.walk() if n.role == "area"]
    assert [(a.id, a.label, a.text, a.generated) for a in areas] == [
        ("manajemen-perubahan", "A.", "AREA I – Manajemen Perubahan", "areas"),
        ("penataan-tatalaksana", "B.", "AREA II – Penataan Tatalaksana", "areas")]
    roles = [b.role for b in areas[0].children]
    assert roles == ["area-targets-heading", "area-targets", "area-actions-heading", "area-intro", "area-actions"]
    # no intro written: no intro node
    assert [b.role for b in areas[1].children] == ["area-targets-heading", "area-targets", "area-actions-heading",
                                                   "area-actions"]
    rapat = next(n for n in d.walk() if n.role == "coordinators")
    assert [(c.label, c.text, c.generated, c.role) for c in rapat.children] == [
        ("1)", "Koordinator Manajemen Perubahan;", "coordinators", "coordinator"),
        ("2)", "Koordinator Penataan Tatalaksana.", "coordinators", "coordinator")]


def test_level_filter_and_placeholders(tiny):
    prov, kab = _decree(tiny), _decree(tiny, "kab-y")
    assert prov.get("lampiran/bab-satu/istilah/definisi/def-kab") is None
    assert kab.find("lampiran/bab-satu/istilah/definisi/def-kab").label == "b."
    assert prov.get("lampiran/bab-aksi/aksi-pengantar") is not None
    assert kab.get("lampiran/bab-aksi/aksi-pengantar") is None
    assert not prov.is_draft
    assert kab.is_draft and kab.find("keputusan/penandatangan").text == "[Nama Ketua KPU Kabupaten Yonder]"
    assert kab.find("keputusan/nomor").text == "[Nomor Keputusan]"
    assert {p.text for p in kab.placeholders} >= {"Nama Ketua KPU Kabupaten Yonder", "Nomor Keputusan", "Tanggal penetapan"}


def test_sources_point_at_the_yaml(tiny):
    d = _decree(tiny)
    item = d.find("lampiran/bab-satu/istilah/definisi/def-zi")
    lines = (tiny / "common" / "lampiran.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[item.src.line - 1][item.src.col - 1:] == "adalah predikat."
    assert lines[item.term_src.line - 1][item.term_src.col - 1:] == "Zona Integritas"
    assert item.full_text == "Zona Integritas adalah predikat."
    row = d.find("lampiran/targets/manajemen-perubahan/mp-row")
    assert row.cells[:3] == ("10%", "20%", "")
    assert row.src.file.endswith("decree.yaml")


def test_target_group_for_unknown_area_is_refused(tiny):
    path = tiny / "2026" / "decree.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("area: manajemen-perubahan", "area: manajemen"),
                    encoding="utf-8")
    with pytest.raises(DataError, match="unknown area 'manajemen'"):
        _decree(tiny)


def test_date_outside_the_year_is_refused(tiny):
    (tiny / "2026" / "offices" / "prov-x.yaml").write_text("number: 5\ndate: 2025-12-30\n", encoding="utf-8")
    with pytest.raises(DataError, match="not in 2026"):
        _decree(tiny)


def test_shipped_offices_nodes_have_unique_paths_and_sources():
    from conftest import DATA

    ds = load_dataset(DATA)
    for oid in ds.offices:
        d = resolve(ds, 2026, oid)
        nodes = list(d.walk())
        assert len({n.path for n in nodes}) == len(nodes), oid
        assert all(d.find(d.address(n)) is n for n in nodes)
        # every text can be traced to the YAML it came from (the editor and check need it)
        assert [n.path for n in nodes if n.text and n.src is None] == [], oid
        assert {n.role for n in nodes} >= {"legal-bases", "coordinators", "area", "area-intro"}
