"""zi-docgen import and check FILE.docx: hand-typed decrees → the office's data.

The fixtures are made here, by tests/make_handtyped.py, from the transcription of the
signed 2026 decree in tests/fixtures/ and from documents the tool renders itself.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from pathlib import Path

import pytest
import yaml
from docx import Document

from make_handtyped import signed_2026, write_docx
from zi_docgen.ingest.docxread import Para, Table, read_docx
from zi_docgen.ingest.structure import recognise
from zi_docgen.load.dataset import load_dataset
from zi_docgen.workflows.importing import (_plainify, check_docx_findings, import_docx, planned_files,
                                           write_result)

from conftest import DATA, TEMPLATES

OFFICES = [o["id"] for o in yaml.safe_load((DATA / "offices.yaml").read_text(encoding="utf-8"))["offices"]]


def _current_patch(office: str) -> dict:
    f = DATA / "2026" / "offices" / f"{office}.yaml"
    raw = yaml.safe_load(f.read_text(encoding="utf-8")) if f.is_file() else None
    patch = (raw or {}).get("patch") or {}
    return {k: v for k, v in patch.items() if v}


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- round trip

@pytest.mark.parametrize("office", OFFICES)
def test_round_trip_every_office(built, office):
    """import(render(office)) gives back the same data: the office's own patch (none for most), no new values."""
    res = import_docx([built / office / "keputusan.docx", built / office / "lampiran.docx"],
                      satker=office, year=2026, data=DATA)
    got = {k: v for k, v in res.patch.items() if v}
    assert got == _plainify(_current_patch(office))
    assert res.fields == {} and res.officials == {} and res.new_regulations == {}
    kinds = {e.kind for e in res.events}
    assert not kinds & {"unrecognised", "removed", "merged", "repeated", "fixed"}, \
        [e for e in res.events if e.kind in ("unrecognised", "removed", "merged", "repeated", "fixed")]
    assert planned_files(res, DATA) == {}
    assert res.count("matched") > 150


# ---------------------------------------------------------------- the signed 2026 decree

@pytest.fixture(scope="module")
def signed_docs(tmp_path_factory) -> list[Path]:
    return signed_2026(tmp_path_factory.mktemp("signed"))


def test_signed_decree_is_recognised(signed_docs):
    r = recognise([read_docx(p) for p in signed_docs])
    assert (r.number, r.number_year, r.date) == ("5", 2026, dt.date(2026, 1, 5))
    assert r.seat == "Pontianak" and r.is_copy
    assert r.salinan_name == "Deni Trisna Dyah"
    assert [len(r.group(k).units) for k in ("menimbang", "mengingat", "diktum")] == [2, 6, 2]
    # "Undang-" ⏎ "- Undang Nomor 7 Tahun 2023": one citation again
    assert "diubah dengan Undang-Undang Nomor 7 Tahun 2023" in r.group("mengingat").units[0].text
    # "Zona integritas (ZI) :" ⏎ "Adalah …": one definition
    defs = [g for g in r.groups if g.key[-1].upper() == "PENGERTIAN UMUM"][0]
    assert defs.units[0].text.startswith("Zona integritas (ZI) : Adalah predikat")
    # the coordinator sub-list belongs to item e
    area1 = r.group("area", "Manajemen Perubahan", "actions")
    assert [len(u.subs) for u in area1.units].count(6) == 1
    assert len(r.table) == 25 and r.table_kind == "word"
    assert r.unrecognised == []


def _only_komponen_hasil(patch) -> bool:
    """The signed table group VII names the komponen hasil otherwise and in reverse order; the data
    follows PermenPANRB 90/2021 (ERRATA #90), so importing the signed table brings its rows back."""
    return (not patch["replace"] and patch["remove"] == ["hasil-pelayanan-publik"]
            and [a["label"] for a in patch["add"]] == ["Peningkatan Pelayanan Publik"])


def test_signed_decree_gives_no_patch_and_reports_its_typos(signed_docs):
    res = import_docx(signed_docs, satker="prov-kalbar", year=2026, data=DATA)
    assert res.patch_is_empty or _only_komponen_hasil(res.patch), res.patch
    assert res.fields == {} and res.officials == {}
    details = "\n".join(d for e in res.events if e.kind == "fixed" for d in e.details)
    for typo in ("'pemabngunan' → 'pembangunan' (spelling)", "'efesien' → 'efisien' (spelling)",
                 "'resiko' → 'risiko' (spelling)", "'survey' → 'survei' (spelling)",
                 "'Pendatangan' → 'Penandatanganan' (spelling)", "'di mulai' → 'dimulai' (spacing)",
                 "'konkrit' → 'konkret' (spelling)", "(nothing) → 'dari' (ERRATA #46)"):
        assert typo in details
    assert res.count("fixed") >= 40
    assert res.count("repeated") == 1 and res.count("merged") == 1  # TPI twice; d. holds two definitions
    assert res.count("unrecognised") == 0
    # every report line names the paragraph it comes from
    assert all(re.match(r"^(keputusan|lampiran)\.docx:¶\d+$", e.where) for e in res.events if e.kind == "fixed")


def test_one_file_typed_table_and_word_numbering(tmp_path):
    """The decree in one file, the target table typed with tabs, two lists numbered by Word."""
    docs = signed_2026(tmp_path, one_file=True, table="tabs", word_numbering=True)
    r = recognise([read_docx(p) for p in docs])
    assert r.table_kind == "tabs" and len(r.table) == 25
    area2 = r.group("area", "Penataan Tatalaksana", "actions")
    assert [u.label for u in area2.units[1:]] == [f"{i}." for i in range(1, 10)]
    assert "\t" not in Document(docs[0]).paragraphs[area2.units[1].n - 1].text[:3]  # the label is Word's
    res = import_docx(docs, satker="prov-kalbar", year=2026, data=DATA)
    assert (res.patch_is_empty or _only_komponen_hasil(res.patch)) and res.count("unrecognised") == 0


def test_word_numbering_restarts_and_levels(tmp_path):
    lines = ["BAB I", "PENDAHULUAN", "A. Latar Belakang", "1. satu.", "2. dua.", "B. Dasar Hukum", "1. tiga."]
    doc = write_docx(lines, tmp_path / "n.docx")
    # Number the two lists with Word numbering instead of typed labels, each list restarting at 1.
    from make_handtyped import _numbering, _set_num

    d = Document(doc)
    new_list = _numbering(d)
    first, second = new_list(), new_list()
    for p in d.paragraphs:
        m = re.match(r"^(\d)\.\s*", p.text)
        if m:
            _set_num(p, first if p.text.strip() != "1.\ttiga." else second)
            for r in p.runs:
                r.text = ""
            p.runs[-1].text = p.text or "x"
    d.save(doc)
    labels = [b.generated_label for b in read_docx(doc).blocks if isinstance(b, Para) and b.generated_label]
    assert labels == ["1.", "2.", "1."]


# ---------------------------------------------------------------- a kabupaten with its own text

def _typed_lines(paths: list[Path]) -> list[str]:
    """A rendered decree as a typist would have it: one line per paragraph, the table as tab rows."""
    out: list[str] = []
    for p in paths:
        for b in read_docx(p).blocks:
            if isinstance(b, Table):
                out += ["\t".join(cells) for cells in b.rows]
                out.append("")
            else:
                out.append(b.text.strip())
    return out


def _sub(lines: list[str], old: str, new: str | None, count: int = 1) -> list[str]:
    hits = [i for i, ln in enumerate(lines) if old in ln]
    assert len(hits) >= count, old
    out = list(lines)
    for i in hits[:count] if count else hits:
        out[i] = None if new is None else out[i].replace(old, new)  # type: ignore[call-overload]
    return [ln for ln in out if ln is not None]


def _paras(path: Path) -> list[str]:
    d = Document(path)
    texts = [re.sub(r"^\s*(?:[a-z]\.|\d+\.|\d+\))\s+", "", p.text.replace("\t", " ").strip()) for p in d.paragraphs]
    for t in d.tables:
        texts += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return [t for t in texts if t]


def test_kabupaten_with_its_own_text(built, data_copy, tmp_path):
    office = "kab-ketapang"
    src = [built / office / "keputusan.docx", built / office / "lampiran.docx"]
    lines = _typed_lines(src)
    lines = _sub(lines, "NOMOR [Nomor Keputusan] TAHUN 2026", "NOMOR 12 TAHUN 2026", 0)
    lines = _sub(lines, "[Tanggal penetapan]", "9 Januari 2026", 0)
    lines = _sub(lines, "[NAMA KETUA KPU KABUPATEN KETAPANG]", "HENDRA WIJAYA", 0)
    lines = _sub(lines, "[Nama Ketua KPU Kabupaten Ketapang]", "Hendra Wijaya", 0)
    # a replaced paragraph, a removed action, an added action
    lines = _sub(lines, "sebagaimana target yang tertuang dalam", "sebagaimana target bersama yang tertuang dalam")
    lines = _sub(lines, "Menyediakan sarana layanan terpadu.", None)
    i = next(k for k, ln in enumerate(lines) if ln.endswith("Membuat inovasi pelayanan."))
    lines.insert(i + 1, "10.\tMenyediakan layanan jemput bola bagi pemilih penyandang disabilitas.")
    # changed target cells: Tim Kerja 50% in March, Penerapan SPIP blank in December
    i = next(k for k, ln in enumerate(lines) if ln.startswith("1\tTim Kerja\t"))
    cells = lines[i].split("\t")
    cells[2 + 2] = "50%"
    lines[i] = "\t".join(cells)
    i = next(k for k, ln in enumerate(lines) if "\tPenerapan SPIP\t" in ln)
    cells = lines[i].split("\t")
    cells[2 + 11] = ""
    lines[i] = "\t".join(cells)
    k = next(k for k, ln in enumerate(lines) if ln == "LAMPIRAN")
    typed = [write_docx(lines[:k], tmp_path / "typed" / "keputusan.docx"),
             write_docx(lines[k:], tmp_path / "typed" / "lampiran.docx")]

    before = _tree_digest(data_copy)
    res = import_docx(typed, satker=office, year=2026, data=data_copy)
    assert res.fields == {"number": 12, "date": dt.date(2026, 1, 9)}
    assert res.officials == {"ketua.name": "Hendra Wijaya"}
    assert set(res.patch["replace"]) == {"lb-sasaran", "mp-tim-kerja", "pw-spip"}
    assert "target bersama" in res.patch["replace"]["lb-sasaran"]["text"]
    assert "{{ office.short_name }}" in res.patch["replace"]["lb-sasaran"]["text"]
    assert res.patch["replace"]["mp-tim-kerja"] == {"months": {"mar": 50, "apr": 100}}
    assert "des" not in res.patch["replace"]["pw-spip"]["months"]
    assert res.patch["remove"] == ["pl-layanan-terpadu"]
    (added,) = res.patch["add"]
    assert added["after"] == "pl-inovasi" and "jemput bola" in added["text"]
    assert res.count("unrecognised") == 0

    write_result(res, data_copy)
    after = _tree_digest(data_copy)
    changed = {k for k in after if before.get(k) != after[k]}
    # officials are data of the year: only the office's year file changes, not the registry
    assert changed == {"2026/offices/kab-ketapang.yaml"}
    assert "ketua:\n  name: Hendra Wijaya" in (data_copy / "2026/offices/kab-ketapang.yaml").read_text(encoding="utf-8")

    # The rebuilt documents contain exactly those changes.
    from zi_docgen.workflows.build import build

    out = tmp_path / "out"
    build(data_copy, out, TEMPLATES, satkers=[office], jobs=1, draft=True)
    old = _paras(src[0]) + _paras(src[1])
    new = _paras(out / "2026" / office / "keputusan.docx") + _paras(out / "2026" / office / "lampiran.docx")
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    removed = [t for op, i1, i2, _, _ in sm.get_opcodes() if op in ("delete", "replace") for t in old[i1:i2]]
    added_t = [t for op, _, _, j1, j2 in sm.get_opcodes() if op in ("insert", "replace") for t in new[j1:j2]]
    assert all(re.search(r"Nomor Keputusan|Tanggal penetapan|KETUA KPU KABUPATEN KETAPANG|Ketua KPU Kabupaten"
                         r"|Menyediakan sarana layanan terpadu|sebagaimana target yang|Tim Kerja|Penerapan SPIP", t)
               for t in removed), removed
    joined = "\n".join(added_t)
    for want in ("NOMOR 12 TAHUN 2026", "pada tanggal 9 Januari 2026", "HENDRA WIJAYA", "Hendra Wijaya",
                 "Ketapang, 9 Januari 2026", "sebagaimana target bersama yang tertuang dalam",
                 "Menyediakan layanan jemput bola bagi pemilih penyandang disabilitas.",
                 "1 | Tim Kerja |  |  | 50% | 100% |"):
        assert want in joined, want
    assert not any("Menyediakan sarana layanan terpadu" in t for t in new)
    spip = next(t for t in new if "| Penerapan SPIP |" in t)
    assert spip.endswith("100% | ")


# ---------------------------------------------------------------- writing

def test_dry_run_writes_nothing_and_a_run_writes_only_the_office(data_copy, signed_docs, capsys):
    from zi_docgen.cli import main

    before = _tree_digest(data_copy)
    with pytest.raises(SystemExit) as exc:
        main(["import", *map(str, signed_docs), "--satker", "kab-sambas", "--data", str(data_copy), "--dry-run"])
    assert exc.value.code in (0, 1)
    assert _tree_digest(data_copy) == before
    out = capsys.readouterr().out
    assert "lampiran.docx:¶" in out and "--dry-run" in out

    import json

    with pytest.raises(SystemExit):
        main(["import", *map(str, signed_docs), "--satker", "kab-sambas", "--data", str(data_copy),
              "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["satker"] == "kab-sambas" and report["events"]
    changed = {k for k, v in _tree_digest(data_copy).items() if before.get(k) != v}
    assert changed <= {"2026/offices/kab-sambas.yaml", "offices.yaml"}
    assert load_dataset(data_copy).year(2026).office_files["kab-sambas"].number == 5


def test_only_the_keputusan_keeps_the_office_lampiran_patch(built, data_copy):
    res = import_docx([built / "kab-sambas" / "keputusan.docx"], satker="kab-sambas", year=2026, data=data_copy)
    assert {k: v for k, v in res.patch.items() if v} == _plainify(_current_patch("kab-sambas"))
    assert planned_files(res, data_copy) == {}


# ---------------------------------------------------------------- check FILE.docx

def test_check_docx_finds_the_typos_of_the_signed_decree(signed_docs, capsys):
    found = check_docx_findings(signed_docs)
    words = {f.message for _, _, f in found}
    for typo in ("pemabngunan", "Intgritas", "efesien", "dlaam", "Ketertlibatan"):
        assert any(typo in m for m in words), typo
    assert all(file in ("keputusan.docx", "lampiran.docx") and n > 0 for file, n, _ in found)

    from zi_docgen.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["check", *map(str, signed_docs)])
    assert exc.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(re.match(r"^lampiran\.docx:¶\d+: error spelling: unknown word 'pemabngunan'", ln) for ln in lines)


def test_check_docx_clean_on_the_rendered_decree(built):
    found = check_docx_findings([built / "prov-kalbar" / "keputusan.docx", built / "prov-kalbar" / "lampiran.docx"],
                                ("Syarifuddin", "Deni", "Trisna", "Dyah"))
    assert [f for *_, f in found if f.severity == "error"] == []


def test_not_a_docx_is_one_line(tmp_path, capsys):
    from zi_docgen.cli import main

    bad = tmp_path / "x.docx"
    bad.write_text("not a zip")
    with pytest.raises(SystemExit) as exc:
        main(["check", str(bad)])
    assert exc.value.code == 2
    assert "x.docx" in capsys.readouterr().err


def test_a_citation_not_in_the_catalogue_is_added_unverified(tmp_path, data_copy):
    from make_handtyped import signed_lines, split_parts

    kep, lam = split_parts(signed_lines())
    i = next(k for k, ln in enumerate(kep) if ln.startswith("6. Keputusan Komisi Pemilihan Umum Nomor 314"))
    kep.insert(i + 1, "7. Peraturan Komisi Pemilihan Umum Nomor 5 Tahun 2024 tentang Pedoman Pengelolaan Arsip "
                      "(Berita Negara Republik Indonesia Tahun 2024 Nomor 100);")
    docs = [write_docx(kep, tmp_path / "keputusan.docx"), write_docx(lam, tmp_path / "lampiran.docx")]
    res = import_docx(docs, satker="prov-kalbar", year=2026, data=data_copy)
    assert res.new_regulations == {"pkpu-5-2024": {"kind": "PKPU", "number": 5, "year": 2024,
                                                   "title": "Pedoman Pengelolaan Arsip", "unverified": True,
                                                   "gazette": {"bn": {"year": 2024, "number": 100}}}}
    (ev,) = [e for e in res.events if e.target == "pkpu-5-2024"]
    assert ev.kind == "added" and ev.where == "keputusan.docx:¶32" and "unverified" in ev.message
    # cited by this office: its own Mengingat gets it, the year's list (every office's) does not
    assert res.patch["mengingat"] == {"add": ["pkpu-5-2024"]}
    rest = {**res.patch, "mengingat": {}}
    assert not any(rest.values()) or _only_komponen_hasil(rest)
    write_result(res, data_copy)
    ds = load_dataset(data_copy)
    reg = ds.regulations["pkpu-5-2024"]
    assert reg.unverified and reg.title == "Pedoman Pengelolaan Arsip" and reg.gazette.bn.number == 100
    assert "pkpu-5-2024" not in ds.year(2026).file.mengingat


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path, capsys):
    """The reader is ooxml's bounded one: a part that would expand far beyond a decree is refused."""
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (120 * 2**20))
    from zi_docgen.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["import", str(bomb), "--satker", "kab-sambas", "--data", str(DATA), "--dry-run"])
    assert exc.value.code == 2
    assert "bomb.docx" in capsys.readouterr().err


# ---------------------------------------------------------------- an office's own legal bases

def _mengingat(path: Path) -> list[str]:
    """The Mengingat items of a Keputusan as read back: 'N. citation'."""
    lines = _typed_lines([path])
    i = next(k for k, ln in enumerate(lines) if ln.startswith("Mengingat"))
    j = next(k for k, ln in enumerate(lines) if ln.startswith("MEMUTUSKAN"))
    items = [lines[i].split("\t", 2)[2], *lines[i + 1:j]]
    return [" ".join(it.split("\t")) for it in items if it]


UU_28 = ("Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggaraan Negara yang Bersih dan Bebas dari Korupsi, "
         "Kolusi, dan Nepotisme (Lembaran Negara Republik Indonesia Tahun 1999 Nomor 75, Tambahan Lembaran "
         "Negara Republik Indonesia Nomor 3851);")
PKPU_5 = ("Peraturan Komisi Pemilihan Umum Nomor 5 Tahun 2024 tentang Pedoman Pengelolaan Arsip "
          "(Berita Negara Republik Indonesia Tahun 2024 Nomor 100);")


def test_an_office_cites_its_own_legal_bases(built, data_copy, tmp_path):
    """A kabupaten's decree cites a regulation of the catalogue the year does not list, one that is not in
    the catalogue, and leaves out one the year lists: its data says so, and only its decree changes."""
    office = "kab-ketapang"
    src = [built / office / "keputusan.docx", built / office / "lampiran.docx"]
    lines = _typed_lines(src)
    lines = _sub(lines, "Peraturan Presiden Nomor 81 Tahun 2010 tentang", None)   # not cited by this office
    i = next(k for k, ln in enumerate(lines) if ln.startswith("MEMUTUSKAN"))
    lines[i:i] = ["6.\t" + UU_28, "7.\t" + PKPU_5]                              # typed at the end, out of order
    k = next(k for k, ln in enumerate(lines) if ln == "LAMPIRAN")
    typed = [write_docx(lines[:k], tmp_path / "typed" / "keputusan.docx"),
             write_docx(lines[k:], tmp_path / "typed" / "lampiran.docx")]

    res = import_docx(typed, satker=office, year=2026, data=data_copy)
    assert res.patch["mengingat"] == {"add": ["uu-28-1999", "pkpu-5-2024"], "remove": ["perpres-81-2010"]}
    assert res.patch["dasar_hukum"] == {}
    assert res.new_regulations == {"pkpu-5-2024": {
        "kind": "PKPU", "number": 5, "year": 2024, "title": "Pedoman Pengelolaan Arsip", "unverified": True,
        "gazette": {"bn": {"year": 2024, "number": 100}}}}
    events = {e.target: e for e in res.events if e.target in ("uu-28-1999", "pkpu-5-2024", "perpres-81-2010")
              and not e.where.startswith("lampiran")}   # the Lampiran's Dasar Hukum cites UU 28/1999 too
    assert events["uu-28-1999"].kind == "added" and events["uu-28-1999"].where.startswith("keputusan.docx:¶")
    assert events["pkpu-5-2024"].kind == "added" and "unverified" in events["pkpu-5-2024"].message
    assert events["perpres-81-2010"].kind == "removed"
    write_result(res, data_copy)
    text = (data_copy / "2026/offices/kab-ketapang.yaml").read_text(encoding="utf-8")
    assert "mengingat:" in text and "uu-28-1999" in text and "perpres-81-2010" in text

    # Rebuilt: the office's Mengingat cites them in hierarchy and date order, with the catalogue's
    # LN/TLN and BN; the other offices' decrees do not change.
    from zi_docgen.workflows.build import build

    out = tmp_path / "out"
    build(data_copy, out, TEMPLATES, satkers=[office, "kab-sambas"], jobs=1, draft=True)
    got = _mengingat(out / "2026" / office / "keputusan.docx")
    before = _mengingat(built / office / "keputusan.docx")
    assert [ln.split(" ", 1)[0] for ln in got] == [f"{n}." for n in range(1, 8)]
    cites = [ln.split(" ", 1)[1] for ln in got]
    assert cites[0] == UU_28 and cites[1].startswith("Undang-Undang Nomor 7 Tahun 2017")
    pkpu = [c for c in cites if c.startswith("Peraturan Komisi Pemilihan Umum")]
    assert [c.split(" tentang")[0] for c in pkpu] == [
        "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019", "Peraturan Komisi Pemilihan Umum Nomor 14 Tahun 2020",
        "Peraturan Komisi Pemilihan Umum Nomor 5 Tahun 2024"]
    assert PKPU_5 in cites
    assert not any("Nomor 81 Tahun 2010" in c for c in cites)
    # everything else is cited as before
    assert {c for c in cites if c not in (UU_28, PKPU_5)} == {ln.split(" ", 1)[1] for ln in before
                                                              if "Nomor 81 Tahun 2010" not in ln}
    assert cites[-1].endswith(".") is False and all(c.endswith(";") for c in cites)
    assert _mengingat(out / "2026" / "kab-sambas" / "keputusan.docx") == _mengingat(built / "kab-sambas" / "keputusan.docx")
    # and importing the rebuilt decree gives the same data back (nothing more to patch)
    again = import_docx([out / "2026" / office / "keputusan.docx"], satker=office, year=2026, data=data_copy)
    assert again.patch["mengingat"] == res.patch["mengingat"] and again.new_regulations == {}


def test_an_office_list_change_is_checked(data_copy):
    """patch: mengingat: is validated: known keys, known ids, a removal of what the year lists."""
    from zi_docgen.errors import DataErrors, ZiError

    f = data_copy / "2026/offices/kab-sambas.yaml"
    base = f.read_text(encoding="utf-8")
    for extra, message in (("  mengingat:\n    add: [uu-28-1999]\n    order: 1\n", "unknown key 'order'"),
                           ("  mengingat:\n    add: [uu-28]\n", "unknown regulation 'uu-28' in mengingat"),
                           ("  dasar_hukum:\n    remove: [uu-7-2023]\n", "'uu-7-2023' is not in dasar_hukum"),
                           ("  mengingat:\n    add: [uu-7-2017]\n", "'uu-7-2017' is in mengingat already")):
        f.write_text(base + extra, encoding="utf-8")
        with pytest.raises(ZiError) as info:
            ds = load_dataset(data_copy)
            ds.year(2026)
            ds.problems.raise_if_any()
        assert message in str(info.value) and "kab-sambas.yaml:" in str(info.value), str(info.value)
    del DataErrors
