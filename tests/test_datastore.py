"""workflows/datastore: round-trip edits of the data folder (the web editor and import write through it)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from zi_docgen.errors import EditRefused, StaleEdit
from zi_docgen.load.dataset import load_dataset
from zi_docgen.resolve.decree import resolve
from zi_docgen.workflows.datastore import DataStore, dump_yaml, styled_text, _yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


@pytest.fixture()
def gitdata(data: Path) -> Path:
    _git(data, "init", "-q")
    _git(data, "add", "-A")
    _git(data, "-c", "user.name=Setup", "-c", "user.email=s@x", "commit", "-qm", "init")
    return data


def _nodes(obj, seen=None):
    """Every resolved node with an id, in document order."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "id") and isinstance(getattr(obj, "id"), str):
            yield obj
        for f in dataclasses.fields(obj):
            yield from _nodes(getattr(obj, f.name))
    elif isinstance(obj, (tuple, list)):
        for x in obj:
            yield from _nodes(x)


def _doc(data: Path, office: str):
    return resolve(load_dataset(data), 2026, office)


def _by_id(data: Path, office: str) -> dict:
    return {n.id: n for n in _nodes(_doc(data, office))}


def _siblings(obj, iid: str):
    """The tuple of resolved items that holds `iid`."""
    if isinstance(obj, tuple) and any(getattr(x, "id", None) == iid for x in obj):
        return obj
    children = ([getattr(obj, f.name) for f in dataclasses.fields(obj)]
                if dataclasses.is_dataclass(obj) and not isinstance(obj, type) else
                list(obj) if isinstance(obj, (tuple, list)) else [])
    for c in children:
        found = _siblings(c, iid)
        if found is not None:
            return found
    return None


def _changed_lines(data: Path) -> list[str]:
    diff = _git(data, "diff", "HEAD~1", "--unified=0") if (data / ".git").exists() else ""
    return [l for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]


def test_every_shipped_file_round_trips_byte_for_byte():
    for p in sorted(DATA.rglob("*.yaml")):
        text = p.read_text(encoding="utf-8")
        assert dump_yaml(_yaml().load(text)) == text, p


def test_office_only_text_is_a_patch_and_the_diff_shows_only_it(gitdata: Path):
    store = DataStore(gitdata)
    new = "bahwa untuk mewujudkan Zona Integritas di Bengkayang, perlu disusun Rencana Kerja;"
    with store.edit(year=2026, office="kab-bengkayang", editor="Ani Lestari") as e:
        e.set_text("acuan-tim", new)
    assert e.result.files == ["2026/offices/kab-bengkayang.yaml"]
    assert _by_id(gitdata, "kab-bengkayang")["acuan-tim"].text == new
    assert _by_id(gitdata, "kab-sambas")["acuan-tim"].text != new
    raw = (gitdata / "2026/offices/kab-bengkayang.yaml").read_text()
    assert "patch:\n  replace:\n    acuan-tim:\n      text:" in raw
    # git: one commit by the editor naming the item, touching one file
    assert _git(gitdata, "log", "-1", "--format=%an|%s").strip() == \
        "Ani Lestari|ubah text acuan-tim (hanya kab-bengkayang)"
    assert _git(gitdata, "show", "--name-only", "--format=", "HEAD").split() == ["2026/offices/kab-bengkayang.yaml"]
    # setting the shared text again removes the office's own entry (no empty patch left)
    shared = _by_id(gitdata, "kab-sambas")["acuan-tim"]
    ds = load_dataset(gitdata)
    shared_raw = next(m for m in ds.common_raw["keputusan"]["menimbang"] if m["id"] == "acuan-tim")["text"]
    with store.edit(year=2026, office="kab-bengkayang") as e:
        e.set_text("acuan-tim", shared_raw)
    assert "patch" not in (gitdata / "2026/offices/kab-bengkayang.yaml").read_text()
    assert _by_id(gitdata, "kab-bengkayang")["acuan-tim"].text.startswith(shared.text[:40])


def test_shared_edit_keeps_comments_folding_and_changes_one_line(gitdata: Path):
    store = DataStore(gitdata)
    before = (gitdata / "common/keputusan.yaml").read_text()
    with store.edit(year=2026, office="prov-kalbar", editor="Deni") as e:
        e.set_text("penetapan", "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam {{ refs.preceding }}, "
                   "perlu menetapkan Keputusan {{ office.name }} tentang {{ decree.title }} ini;", scope="shared")
    after = (gitdata / "common/keputusan.yaml").read_text()
    assert after.splitlines()[:5] == before.splitlines()[:5]  # the header comment
    assert "    - id: penetapan\n      text: >-\n" in after
    assert _changed_lines(gitdata) == [
        "-        Keputusan {{ office.name }} tentang {{ decree.title }};",
        "+        Keputusan {{ office.name }} tentang {{ decree.title }} ini;",
    ]
    for office in ("prov-kalbar", "kab-sambas"):
        assert _by_id(gitdata, office)["penetapan"].text.endswith(" ini;")


def test_invalid_edit_is_refused_with_file_line_and_nothing_written(data: Path):
    store = DataStore(data, git=False)
    before = {p: p.read_text() for p in data.rglob("*.yaml")}
    with pytest.raises(EditRefused) as err:
        with store.edit(year=2026, office="kab-sambas") as e:
            e.set_text("acuan-tim", "bahwa {{ office.nama }} perlu;")
    assert "office.nama" in err.value.message
    assert err.value.src.file.endswith("2026/offices/kab-sambas.yaml") and err.value.src.line > 0
    assert str(data) in str(Path(err.value.src.file).resolve())  # the real file, not the scratch copy
    assert {p: p.read_text() for p in data.rglob("*.yaml")} == before
    # removing a shared item an office's patch refers to is refused too
    with pytest.raises(EditRefused, match="mp-sosialisasi-pegawai"):
        with store.edit(year=2026) as e:
            e.remove_item("mp-sosialisasi-pegawai", scope="shared")
    assert {p: p.read_text() for p in data.rglob("*.yaml")} == before
    assert not list(data.rglob("*.tmp"))


def test_save_based_on_an_old_version_is_refused_with_the_other_text(data: Path):
    store = DataStore(data, git=False)
    seen = store.item_version(2026, "kab-sambas", "kp-penutup")
    with store.edit(year=2026, office="kab-sambas") as e:  # tab 1
        e.expect_item("kp-penutup", seen)
        e.set_text("kp-penutup", "Akhir kata, terima kasih.")
    with pytest.raises(StaleEdit) as err:
        with store.edit(year=2026, office="kab-sambas") as e:  # tab 2, opened before tab 1 saved
            e.expect_item("kp-penutup", seen)
            e.set_text("kp-penutup", "Akhir kata, salam.")
    assert err.value.current == "Akhir kata, terima kasih."
    assert _by_id(data, "kab-sambas")["kp-penutup"].text == "Akhir kata, terima kasih."
    # with the new version it goes through
    with store.edit(year=2026, office="kab-sambas") as e:
        e.expect_item("kp-penutup", store.item_version(2026, "kab-sambas", "kp-penutup"))
        e.set_text("kp-penutup", "Akhir kata, salam.")
    assert _by_id(data, "kab-sambas")["kp-penutup"].text == "Akhir kata, salam."


def test_revert_to_shared_text_removes_the_patch_entry(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026, office="kab-sambas") as e:
        e.revert("kp-penutup")
    raw = (data / "2026/offices/kab-sambas.yaml").read_text()
    assert "replace" not in raw and "kp-penutup" not in raw
    assert "sambas-apel-integritas" in raw  # the add stays
    # the comment that introduced the next block is kept
    assert "# Add one action of its own to Area I" in raw
    assert "seluruh pegawai" not in _by_id(data, "kab-sambas")["kp-penutup"].text


def test_add_for_one_office_only_and_labels_follow(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026, office="kab-bengkayang") as e:
        iid = e.add_item("mp-sosialisasi-pegawai", {"text": "Menyelenggarakan lomba inovasi pelayanan."})
    beng = _by_id(data, "kab-bengkayang")
    assert beng[iid].text == "Menyelenggarakan lomba inovasi pelayanan."
    assert iid not in _by_id(data, "kab-sambas")
    # the new action takes the next label and the following one moves down
    other = _siblings(_doc(data, "kab-kapuas-hulu"), "mp-sosialisasi-pegawai")
    mine = _siblings(_doc(data, "kab-bengkayang"), "mp-sosialisasi-pegawai")
    at = [n.id for n in other].index("mp-sosialisasi-pegawai")
    assert [n.id for n in mine] == [n.id for n in other][:at + 1] + [iid] + [n.id for n in other][at + 1:]
    assert [n.label for n in mine][:len(other)] == [n.label for n in other]  # labels follow positions
    assert mine[at + 2].label == other[at + 2].label and mine[at + 2].id == other[at + 1].id
    raw = (data / "2026/offices/kab-bengkayang.yaml").read_text()
    assert raw.startswith("# KPU Kabupaten Bengkayang, 2026")
    assert f"  add:\n    - after: mp-sosialisasi-pegawai\n      id: {iid}\n" in raw
    # removing the office's own item deletes its add entry
    with store.edit(year=2026, office="kab-bengkayang") as e:
        e.remove_item(iid)
    assert iid not in _by_id(data, "kab-bengkayang")
    assert "patch" not in (data / "2026/offices/kab-bengkayang.yaml").read_text()


def test_remove_and_move_for_one_office(data: Path):
    store = DataStore(data, git=False)
    order = lambda o: [n.id for n in _doc(data, o).menimbang]  # noqa: E731
    assert order("kab-sambas") == ["acuan-tim", "penetapan"]
    with store.edit(year=2026, office="kab-sambas") as e:
        e.move_item("penetapan", -1)
    assert order("kab-sambas") == ["penetapan", "acuan-tim"]
    assert order("kab-bengkayang") == ["acuan-tim", "penetapan"]
    doc = _doc(data, "kab-sambas")
    assert [m.label for m in doc.menimbang] == ["a.", "b."]
    with store.edit(year=2026, office="kab-sambas") as e:
        e.remove_item("lb-sasaran")
    assert "lb-sasaran" not in _by_id(data, "kab-sambas")
    assert "lb-sasaran" in _by_id(data, "kab-bengkayang")
    with store.edit(year=2026, office="kab-sambas") as e:
        e.revert("lb-sasaran")
    assert "lb-sasaran" in _by_id(data, "kab-sambas")


def test_shared_move_and_add_edit_common(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026) as e:
        e.move_item("acuan-tim", 1, scope="shared")
    text = (data / "common/keputusan.yaml").read_text()
    assert text.index("id: penetapan") < text.index("id: acuan-tim")
    assert "{{ office.name }};\n\n  diktum:" in text  # the blank line before diktum stays
    with store.edit(year=2026) as e:
        iid = e.add_item("acuan-tim", {"text": "bahwa perlu ditetapkan pula hal lain;"}, where="before", scope="shared")
    assert [m.id for m in _doc(data, "kab-sambas").menimbang] == ["penetapan", iid, "acuan-tim"]


def test_menimbang_cross_reference_follows_an_added_item(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026, office="kab-sambas") as e:
        e.add_item("acuan-tim", {"text": "bahwa Kabupaten Sambas perlu rencana sendiri;"})
    last = _doc(data, "kab-sambas").menimbang[-1]
    assert last.label == "c." and "huruf a dan huruf b" in last.text


def test_targets_shared_and_for_one_office(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026) as e:
        e.set_target("mp-tim-kerja", "mar", 40)
    text = (data / "2026/decree.yaml").read_text()
    assert "        months: {mar: 40, apr: 100}\n" in text
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_target("mp-tim-kerja", "mei", 50, scope="office")
    raw = (data / "2026/offices/kab-sambas.yaml").read_text()
    assert "    mp-tim-kerja:\n      months: {mar: 40, apr: 100, mei: 50}\n" in raw
    rows = {r.id: r for g in _doc(data, "kab-sambas").targets for r in g.rows}
    assert "50" in " ".join(rows["mp-tim-kerja"].cells)
    with pytest.raises(EditRefused):
        with store.edit(year=2026) as e:
            e.set_target("mp-tim-kerja", "mar", 140)
    # back to the shared value: the office entry goes
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_target("mp-tim-kerja", "mei", None, scope="office")
    assert "mp-tim-kerja" not in (data / "2026/offices/kab-sambas.yaml").read_text()


def test_number_date_and_officials(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_office_year(number=12, date=dt.date(2026, 2, 3))
    doc = _doc(data, "kab-sambas")
    assert doc.number == "12" and doc.date == dt.date(2026, 2, 3)
    raw = (data / "2026/offices/kab-sambas.yaml").read_text()
    assert "\nnumber: 12\ndate: 2026-02-03\npatch:" in raw
    with pytest.raises(EditRefused, match="2025"):
        with store.edit(year=2026, office="kab-sambas") as e:
            e.set_office_year(date=dt.date(2025, 12, 1))
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_official("kab-sambas", "ketua", "name", "Budi Santoso")
    assert _doc(data, "kab-sambas").signer_name == "Budi Santoso"
    # officials are data of the year: the year file changes, the registry does not
    assert "Budi Santoso" not in (data / "offices.yaml").read_text()
    assert "ketua:\n  name: Budi Santoso" in (data / "2026/offices/kab-sambas.yaml").read_text()
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_official("kab-sambas", "ketua", "name", "")
    assert "Nama Ketua" in _doc(data, "kab-sambas").signer_name


def test_legal_bases_and_catalogue(data: Path):
    store = DataStore(data, git=False)
    with store.edit(year=2026) as e:
        e.add_regulation("pkpu-99-2025", {"kind": "PKPU", "number": 99, "year": 2025, "title": "Tata Kerja Uji",
                                          "gazette": {"bn": {"year": 2025, "number": 7}}})
        e.set_legal_bases("mengingat", ["uu-7-2017", "pkpu-99-2025"])
    doc = _doc(data, "prov-kalbar")
    assert len(doc.mengingat) == 2 and "Nomor 99 Tahun 2025" in doc.mengingat[-1].text
    assert "# What changes every year." in (data / "2026/decree.yaml").read_text()
    with pytest.raises(EditRefused, match="unknown"):
        with store.edit(year=2026) as e:
            e.set_legal_bases("mengingat", ["uu-7-2017", "no-such-law"])
    with pytest.raises(EditRefused, match="already"):
        with store.edit(year=2026) as e:
            e.add_regulation("uu-7-2017", {"kind": "UU", "number": 1, "year": 2000, "title": "x"})


def test_history_of_an_item(gitdata: Path):
    store = DataStore(gitdata)
    for who, text in (("Ani", "Akhir kata, satu."), ("Budi", "Akhir kata, dua.")):
        with store.edit(year=2026, office="kab-sambas", editor=who) as e:
            e.set_text("kp-penutup", text)
    with store.edit(year=2026, office="kab-sambas", editor="Cici") as e:
        e.set_text("acuan-tim", "bahwa lain;")  # another item: not in kp-penutup's history
    hist = store.history("kp-penutup", year=2026, office="kab-sambas")
    assert [h.author for h in hist] == ["Budi", "Ani", "Setup"]
    assert [h.text for h in hist[:2]] == ["Akhir kata, dua.", "Akhir kata, satu."]
    assert "seluruh pegawai" in hist[2].text


def test_no_git_no_commit(data: Path):
    store = DataStore(data)
    with store.edit(year=2026, office="kab-sambas") as e:
        e.set_text("kp-penutup", "Akhir kata, salam.")
    assert e.result.commit is None and store.history("kp-penutup", year=2026, office="kab-sambas") == []


def test_folded_text_wraps_at_word_boundaries():
    text = " ".join(f"kata{i}" for i in range(60))
    s = styled_text(text, 8)
    out = dump_yaml({"a": s})
    lines = out.splitlines()[1:]
    assert all(len(line) <= 112 for line in lines)
    assert _yaml().load(out)["a"] == text
    assert styled_text("pendek", 8) == "pendek"
    assert styled_text("dua  spasi " * 20, 8) == "dua  spasi " * 20  # cannot fold: kept as is


def test_entries_added_at_the_end_keep_the_comment_about_what_follows(data: Path):
    """Sambas's file has "# Add one action of its own …" between its replace: and add: blocks:
    new replace entries go above that comment, new add entries below their block, and the comment
    stays right above `add:`."""
    rel = "2026/offices/kab-sambas.yaml"
    store = DataStore(data, git=False)
    with store.edit(year=2026, office="kab-sambas", editor="t") as e:
        e.set_text("acuan-tim", "bahwa Kabupaten Sambas membangun Zona Integritas;", scope="office")
        e.set_text("program-kerja", "Program Kerja Sambas", field="title", scope="office")
        e.set_target("mp-tim-kerja", "mar", 50, scope="office")
        e.add_item("mp-sosialisasi-pegawai", {"text": "Melaksanakan survei kepuasan pemilih."}, scope="office")
    lines = (data / rel).read_text(encoding="utf-8").splitlines()
    comment = next(i for i, l in enumerate(lines) if l.strip().startswith("# Add one action"))
    assert lines[comment + 1].strip() == "add:"
    for needle in ("acuan-tim:", "program-kerja:", "mp-tim-kerja:"):
        assert next(i for i, l in enumerate(lines) if l.strip() == needle) < comment, needle
    assert lines[-1].strip() == "text: Melaksanakan survei kepuasan pemilih."
    doc = _by_id(data, "kab-sambas")
    assert doc["program-kerja"].title.upper() == "PROGRAM KERJA SAMBAS"
