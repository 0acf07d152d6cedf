"""zi-docgen check: the shipped data is clean, each rule fires on a mutated copy with the
right file and line, exit codes and formats, and the rules on raw text."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from zi_docgen.check import Finding, check_decree, check_text, data_findings, run_check
from zi_docgen.check.findings import RULES
from zi_docgen.errors import DataError, Src, ZiError
from zi_docgen.load.dataset import load_dataset
from zi_docgen.resolve.decree import resolve

from conftest import DATA

MUTATIONS = yaml.safe_load((Path(__file__).parent / "mutations" / "data.yaml").read_text(encoding="utf-8"))


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=300, highlight=False, soft_wrap=True), buf


@pytest.fixture(scope="module")
def shipped():
    ds = load_dataset(DATA)
    return ds, {oid: check_decree(resolve(ds, 2026, oid), ds) for oid in ds.offices}


# ---------------------------------------------------------------- the shipped data

def test_shipped_data_has_no_errors_or_warnings(shipped):
    _, by_office = shipped
    assert len(by_office) == 15
    # The one warning left on purpose: Perpres 81/2010 (Grand Design 2010-2025) is cited in 2026.
    # The signed text is not changed silently; the legal staff decide (issue 12).
    problems = [f.format() for fs in by_office.values() for f in fs
                if f.severity in ("error", "warning") and f.rule != "regulation-status"]
    assert problems == []
    lapsed = {f.message for fs in by_office.values() for f in fs if f.rule == "regulation-status"}
    assert lapsed and all("Peraturan Presiden Nomor 81 Tahun 2010" in m and "2025" in m for m in lapsed)
    assert all("successor" in m for m in lapsed)   # it says what the catalogue knows, invents nothing


def test_unverified_catalogue_entries_are_listed_as_notes(shipped):
    ds, by_office = shipped
    notes = {f.message for f in by_office["prov-kalbar"] if f.rule == "regulation-source"}
    assert any("Undang-Undang Nomor 7 Tahun 2017" in m and "unverified" in m for m in notes)
    assert all(f.severity == "note" for f in by_office["prov-kalbar"] if f.rule == "regulation-source")


def test_placeholders_reported_for_the_kabupaten_kota(shipped):
    ds, by_office = shipped
    for oid, fs in by_office.items():
        # the JDIH record's four fields are written nowhere in the shipped data, for every office
        jdih = {f.field for f in fs if f.severity == "placeholder" and f.rule == "jdih"}
        assert jdih == {"jdih.abstrak", "jdih.subjek", "jdih.bidang_hukum", "jdih.sumber"}, oid
        ph = [f for f in fs if f.severity == "placeholder" and f.rule != "jdih"]
        if oid == "prov-kalbar":
            assert ph == []
        else:
            assert ph, oid
            assert all(f.rule == "placeholder" and f.office == oid for f in ph)
            texts = " ".join(f.message for f in ph)
            assert "[Nama Ketua" in texts and "[Nomor Keputusan]" in texts


# ---------------------------------------------------------------- the mutation corpus

def _line_col(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


DATA_MUTATIONS = [m for m in MUTATIONS if "file" in m]
RAW_MUTATIONS = [m for m in MUTATIONS if "raw" in m]
MUTATIONS_DIR = Path(__file__).parent / "mutations"


def _mutate(text: str, m: dict) -> str:
    for old, new in m["sub"]:
        assert old in text, f"mutation {m['id']}: {old!r} not in {m.get('file') or m.get('raw')}"
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("m", DATA_MUTATIONS, ids=[m["id"] for m in DATA_MUTATIONS])
def test_mutation_is_found(m, data_copy):
    path = data_copy / m["file"]
    path.write_text(_mutate(path.read_text(encoding="utf-8"), m), encoding="utf-8")
    at = data_copy / m.get("in", m["file"])  # the file the finding points into
    line, col = _line_col(at.read_text(encoding="utf-8"), m["at"])

    ds = load_dataset(data_copy, tolerant=True)  # a mistake in the data is a finding too (rule "data")
    findings = data_findings(ds.errors) + check_decree(resolve(ds, 2026, m.get("office", "prov-kalbar")), ds)
    same_rule = [f for f in findings if f.rule == m["rule"] and f.severity == m["severity"]]
    assert same_rule, f"no {m['severity']} {m['rule']}; got: " + "; ".join(f.format() for f in findings)
    here = [f for f in same_rule if f.src and Path(f.src.file).resolve() == at.resolve() and f.src.line == line]
    assert here, f"expected {m.get('in', m['file'])}:{line}; got: " + "; ".join(f.format() for f in same_rule)
    if m.get("col", True):
        assert col in [f.src.col for f in here], "; ".join(f.format() for f in here)


def test_raw_mutation_base_is_clean():
    for name in {m["raw"] for m in RAW_MUTATIONS}:
        assert check_text((MUTATIONS_DIR / name).read_text(encoding="utf-8"), name) == []


@pytest.mark.parametrize("m", RAW_MUTATIONS, ids=[m["id"] for m in RAW_MUTATIONS])
def test_raw_mutation_is_found(m):
    text = _mutate((MUTATIONS_DIR / m["raw"]).read_text(encoding="utf-8"), m)
    line, col = _line_col(text, m["at"])
    findings = check_text(text, m["raw"])
    same_rule = [f for f in findings if f.rule == m["rule"] and f.severity == m["severity"]]
    assert same_rule, f"no {m['severity']} {m['rule']}; got: " + "; ".join(f.format() for f in findings)
    assert (line, col) in [(f.src.line, f.src.col) for f in same_rule], \
        f"expected {line}:{col}; got: " + "; ".join(f.format() for f in same_rule)


def test_mutations_table_ids_are_unique():
    ids = [m["id"] for m in MUTATIONS]
    assert len(ids) == len(set(ids))


def _rule_ids_in_code() -> set[str]:
    """Every rule id the checker can report: the literal after a severity in check/*.py."""
    import zi_docgen.check as pkg

    ids = set()
    for path in Path(pkg.__file__).parent.glob("*.py"):
        for m in re.finditer(r'"(?:error|warning|note|placeholder)",\s*"([a-z][a-z-]*)"', path.read_text(encoding="utf-8")):
            ids.add(m.group(1))
    return ids - {"warning", "note", "placeholder"} | {"placeholder"}


def test_every_rule_has_a_mutation():
    in_code = _rule_ids_in_code()
    assert len(in_code) > 30  # the scan finds the rules
    assert in_code - {m["rule"] for m in MUTATIONS} == set()
    assert {m["rule"] for m in MUTATIONS} - in_code == set()  # no case for a rule that is gone
    assert in_code == set(RULES)  # and each one is described


def test_shared_text_reported_once_for_all_offices(data_copy, tmp_path):
    path = data_copy / "common" / "lampiran.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("penilaian risiko", "penilaian resiko", 1), encoding="utf-8")
    console, buf = _console()
    assert run_check(data_copy, year=None, satkers=[], fmt="json", console=console) == 1
    found = [f for f in json.loads(buf.getvalue()) if f["rule"] == "confusion"]
    assert len(found) == 1
    assert found[0]["office"] is None  # in every office's text: reported once


# ---------------------------------------------------------------- run_check

def test_run_check_exit_0_and_summary():
    console, buf = _console()
    assert run_check(DATA, year=2026, satkers=["prov-kalbar", "kab-sambas"], fmt="text", console=console) == 0
    out = buf.getvalue()
    # the three warnings: Perpres 81/2010 (period ended 2025) in Mengingat, Dasar Hukum and Bab I A
    assert "0 error(s), 3 warning(s)" in out
    assert out.count("regulation-status") == 3 and "Peraturan Presiden Nomor 81 Tahun 2010" in out
    assert "legal base(s) unverified" in out and "Undang-Undang Nomor 7 Tahun 2017" in out  # one line of notes
    assert "Placeholders (not filled in yet" in out
    assert "[Nama Ketua KPU Kabupaten Sambas]" in out  # printed literally, not as rich markup
    assert "in 2 satker, 2026" in out


def test_run_check_exit_1_on_errors(data_copy):
    path = data_copy / "common" / "keputusan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("bahwa untuk", "untuk", 1), encoding="utf-8")
    console, buf = _console()
    assert run_check(data_copy, year=None, satkers=["prov-kalbar"], fmt="text", console=console) == 1
    line = next(l for l in buf.getvalue().splitlines() if "menimbang-bahwa" in l)
    assert line.split(":")[0].endswith("keputusan.yaml")
    assert ": error menimbang-bahwa: " in line


def test_warnings_alone_exit_0(data_copy):
    path = data_copy / "common" / "lampiran.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Penataan Tatalaksana", "name: Penataan Tata Laksana"),
                    encoding="utf-8")
    console, buf = _console()
    assert run_check(data_copy, year=None, satkers=["prov-kalbar"], fmt="text", console=console) == 0
    assert "warning area-name" in buf.getvalue()


@pytest.mark.parametrize("kwargs", [
    {"data": "missing-folder"},
    {"year": 1999},
    {"satkers": ["kab-sambs"]},
])
def test_run_check_could_not_run_raises(kwargs, tmp_path):
    args = {"data": DATA, "year": None, "satkers": [], "fmt": "text", "console": _console()[0]}
    args.update(kwargs)
    if args["data"] == "missing-folder":
        args["data"] = tmp_path / "nope"
    with pytest.raises(ZiError):
        run_check(args.pop("data"), **args)


def test_broken_yaml_is_exit_2_through_the_cli(data_copy, capsys):
    from zi_docgen.cli import main

    (data_copy / "common" / "keputusan.yaml").write_text("keputusan: [\n", encoding="utf-8")
    console, buf = _console()
    assert run_check(data_copy, year=None, satkers=[], fmt="text", console=console) == 2
    assert "keputusan.yaml:2:1: error data: malformed YAML" in buf.getvalue()
    with pytest.raises(SystemExit) as exc:
        main(["check", "--data", str(data_copy)])
    assert exc.value.code == 2  # mistakes in the data: not 1 (findings only)
    captured = capsys.readouterr()
    assert "keputusan.yaml:2" in captured.out + captured.err and "Traceback" not in captured.err


def test_json_format(data_copy):
    path = data_copy / "common" / "lampiran.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Melakukan survei", "Melakukan survey", 1), encoding="utf-8")
    console, buf = _console()
    code = run_check(data_copy, year=2026, satkers=["prov-kalbar", "kab-sambas"], fmt="json", console=console)
    assert code == 1
    items = json.loads(buf.getvalue())
    assert isinstance(items, list)
    assert set(items[0]) == {"file", "line", "col", "severity", "rule", "message", "suggestion", "office", "field",
                             "file_missing"}
    survey = next(f for f in items if f["rule"] == "confusion")
    assert survey["file"].endswith("lampiran.yaml") and survey["line"] > 0 and survey["suggestion"] == "survei"
    assert {f["severity"] for f in items} <= {"error", "warning", "note", "placeholder"}
    assert any(f["severity"] == "placeholder" and f["office"] == "kab-sambas" for f in items)


def test_finding_format():
    f = Finding(Src("data/common/lampiran.yaml", 12, 5), "error", "confusion", "'resiko': not the KBBI standard form",
                "risiko")
    assert f.format() == "data/common/lampiran.yaml:12:5: error confusion: 'resiko': not the KBBI standard form (risiko)"
    assert Finding(None, "warning", "x", "m", office="kab-sambas").format() == "kab-sambas: warning x: m"


# ---------------------------------------------------------------- raw text
# Short excerpts transcribed from the hand-typed 2026 decree (with its errors).

EXCERPT = """\
- Menimbang : a. bahwa untuk mewujudkan pelaksanaan Pembangunan Zona Integritas menuju Wilayah Bebas Korupsi dan Wilayah Birokrasi Bersih dan Melayani;
- b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan;
- Mengingat : 1. Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik Indonesia Tahun 2017 Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor 6109) sebagaimana telah diubah dengan Undang-

- Undang Nomor 7 Tahun 2023 tentang Penetapan (Lembaran Negara Republik Indonesia Tahun 2023 Nomor 54, Tambahan Lembaran Negara Republik Indonesia Nomor 6863);

MEMUTUSKAN:

Komitmen melaksanakan Pembangunan Zona Intgritas melalui program pencegahan korupsi yang lebih efesien, efektif dan komperhensif.
- f. Tim Penilai Internal (TPI) adalah tim yang dibentuk oleh pimpinan instansi pemerintah yang mempunyai tugas melakukan penilaian unit kerja.
- g. Tim Penilai Internal (TPI) adalah tim yang dibentuk oleh pimpinan instansi pemerintah yang mempunyai tugas melakukan penilaian unit kerja.
2. Pencanaan Pembangunan Zona Integritas dilakukan oleh pimpinan. Pendatangan dokumen Pakta Integritas dapat dilakukan secara masal/serentak, dapat melanjutkan/melengkapi setelah perencanaan pembangunan Zona Integritas;
4. Melakukan penilaian resiko atas pelaksanaan kebijakan atau kegiatan.
Tujuan dari peningkatan kualitas pelayanan publik adalah meningkatkan kualitas pelayanan publik di KPU Provinsi Kalimantan Barat . Rencana aksi dalam komponen peningkatan kualitas pelayanan publik ini adalah :
yang telah dicanangkan secara serentak pada hari Kamis tanggal 9 Maret 2022, dan pembangunan zona integritas.
"""


def _rules(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.rule, []).append(f)
    return out


def test_raw_text_rules():
    fs = check_text(EXCERPT, "ref.txt")
    by = _rules(fs)
    lines = EXCERPT.splitlines()

    def at(rule: str, word: str) -> Finding:
        for f in by.get(rule, []):
            line = lines[f.src.line - 1]
            if line[f.src.col - 1:].startswith(word):
                return f
        raise AssertionError(f"no {rule} at '{word}': " + "; ".join(f.format() for f in fs))

    assert all(f.src.file == "ref.txt" for f in fs)
    at("term", "Wilayah Bebas Korupsi")
    at("undang-undang", "Undang-")
    for typo in ("Intgritas", "efesien", "komperhensif"):
        assert at("spelling", typo).severity == "error"
    assert at("spelling", "efesien").suggestion.startswith("efisien")
    at("confusion", "Pencanaan")
    assert at("confusion", "Pendatangan").suggestion == "Penandatanganan"
    assert at("confusion", "masal").suggestion == "massal"
    assert at("confusion", "perencanaan").suggestion == "pencanangan"
    assert at("confusion", "resiko").suggestion == "risiko"
    dup = by["duplicate"]
    assert [f.src.line for f in dup] == [11]
    assert at("spacing", " .") and at("spacing", " :")
    assert at("day-name", "Kamis").suggestion == "Rabu"
    at("term-case", "zona integritas")
    # the konsiderans are right: a. and b. start with "bahwa", end with ";", b. cites a.
    assert not any(r.startswith("menimbang") for r in by)
    assert "mengingat-gazette" not in by


def test_raw_menimbang_rules():
    text = ("Menimbang : a. bahwa satu;\n"
            "b. dua;\n"
            "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan\n"
            "Mengingat : 1. Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum;\n")
    by = _rules(check_text(text, "t.txt"))
    assert [f.src.line for f in by["menimbang-bahwa"]] == [2]
    assert [f.src.line for f in by["menimbang-end"]] == [3]
    assert by["menimbang-refs"][0].suggestion == "huruf a dan huruf b"
    assert [f.src.line for f in by["mengingat-gazette"]] == [4, 4]  # neither LN nor TLN


def test_raw_areas_and_table():
    text = ("A. AREA I – Manajemen Perubahan\n"
            "e. Menyelenggarakan rapat masing-masing koordinator, yaitu:\n"
            "1) Koordinator Manajemen Perubahan;\n"
            "2) Koordinator Penguatan Pengawasan;\n"
            "B. AREA II – Penataan Tatalaksana\n"
            "Rencana aksi dalam komponen penataan tatalaksana adalah:\n"
            "I.\tManagemen Perubahan\t\t100%\n"
            "II.\tPenataan Sistem Managemen SDM\t120%\n")
    by = _rules(check_text(text, "t.txt"))
    assert by["area-order"][0].src.line == 4
    assert by["area-consistency"][0].src.line == 8
    assert by["target-range"][0].src.line == 8
    assert {f.src.line for f in by["confusion"]} == {7, 8}
    assert "area-intro" not in by


def test_raw_titles_and_dates():
    text = ("KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT\n\n"
            "NOMOR 5 TAHUN 2026\n\nTENTANG\n\n"
            "RENCANA KERJA DI LINGKUNGAN KOMISI PEMILIHAN UMUM\nPROVINSI KALIMANTAN BARAT TAHUN 2026\n\n"
            "KETUA KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT,\n\n"
            "Menetapkan : KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT TENTANG RENCANA KERJA DI "
            "LINGKUNGAN KOMISI PEMILIHAN UMUM KALIMANTAN BARAT TAHUN 2026.\n\n"
            "Ditetapkan di Pontianak\npada tanggal 5 Januari 2026\n\n"
            "LAMPIRAN\nKEPUTUSAN KOMISI PEMILIHAN UMUM\nPROVINSI KALIMANTAN BARAT\nNOMOR 5 TAHUN 2026\n"
            "TENTANG RENCANA KERJA DI LINGKUNGAN\nKOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT TAHUN 2026\n\n"
            "Pontianak, 6 Januari 2026\n")
    by = _rules(check_text(text, "t.txt"))
    assert "PROVINSI" in by["menetapkan"][0].message and by["menetapkan"][0].src.line == 12
    assert "lampiran-header" not in by
    assert by["date-agree"][0].src.line == 24


def test_raw_end_punctuation():
    text = ("1. Meningkatnya komitmen seluruh jajaran dan pegawai dalam membangun Zona Integritas.\n"
            "2. Terjadinya perubahan pola pikir dan budaya kerja sesuai usulan sebagai Zona Integritas\n"
            "3. Melakukan pemantauan dan evaluasi pembangunan WBK/WBBM;\n")
    by = _rules(check_text(text, "t.txt"))
    assert [(f.src.line, f.severity) for f in by["end-punct"]] == [(2, "warning")]


def test_raw_foreign_passage_is_one_warning():
    text = "The image shows a blue circular official stamp of the Provincial Election Commission of West Kalimantan.\n"
    by = _rules(check_text(text, "t.txt"))
    assert "spelling" not in by and len(by["foreign-text"]) == 1


def test_raw_italics_are_not_spell_checked():
    by = _rules(check_text("Melakukan *public campaign wibbly* tentang pengendalian gratifikasi.\n", "t.txt"))
    assert "spelling" not in by


def test_raw_rules_on_a_long_text():
    # 5,000 lines: every rule walks the text once (a rule that rescans the rest of the
    # text for each line would not finish); the findings are the ones of each line
    line = "2. Melakukan survey kepuasan masyarakat terhadap pelayanan publik setiap tahun\n"
    by = _rules(check_text(line * 5_000, "long.txt"))
    assert len(by["confusion"]) == 5_000
    assert len(by["end-punct"]) == 5_000
    assert len(by["duplicate"]) == 4_999  # every line after the first repeats it


def test_shared_text_is_checked_once_per_run(monkeypatch):
    """15 offices share most of their text: the spell checker reads it once, not 15 times
    (each office's own name is masked, so texts that differ only by it are the same)."""
    from zi_docgen.check import check_offices
    from zi_docgen.check.spelling import SpellChecker
    import zi_docgen.check.textrules as tr

    seen: list[str] = []
    real = SpellChecker.check_texts

    def spy(self, texts):
        texts = list(texts)
        seen.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(SpellChecker, "check_texts", spy)
    monkeypatch.setattr(tr, "_SPELLED", type(tr._SPELLED)())  # nothing from earlier tests
    ds = load_dataset(DATA)
    check_offices(ds, 2026, ["prov-kalbar"])
    one = len(seen)
    seen.clear()
    monkeypatch.setattr(tr, "_SPELLED", type(tr._SPELLED)())
    ds = load_dataset(DATA)
    check_offices(ds, 2026, list(ds.offices))
    assert len(seen) == len(set(seen))  # no text twice
    assert one > 100 and len(seen) < 1.5 * one  # kabupaten/kota text is mostly the province's


def test_office_values_mask_and_map_back():
    """Texts that differ only by the office's own name read the same to the word rules,
    and an offset in the masked text maps back to the same word in the office's text."""
    from hypothesis import given, strategies as st

    from zi_docgen.check.decree import _OfficeValues

    class _Office:
        name, short_name, region, seat, province = ("Komisi Pemilihan Umum Kabupaten Sambas", "KPU Kabupaten Sambas",
                                                    "Kabupaten Sambas", "Sambas", "Kalimantan Barat")

    class _Decree:
        office, placeholders = _Office(), ()

    values = _OfficeValues(_Decree())
    words = st.sampled_from(["di", "Lingkungan", "dlaam", "KPU Kabupaten Sambas", "Sambas", "se-Kalimantan Barat",
                             "Komisi Pemilihan Umum Kabupaten Sambas", "Kalimantan Barat", "tahun", ","])

    @given(st.lists(words, max_size=12))
    def check(parts):
        text = " ".join(parts)
        normal, shifts = values.normalise(text)
        assert "Sambas" not in normal.replace("se-Kalimantan", "")
        for i, w in enumerate(normal.split(" ")):
            if w == "dlaam":
                start = sum(len(x) + 1 for x in normal.split(" ")[:i])
                back = values.back(start, shifts)
                assert text[back:back + 5] == "dlaam"

    check()


def test_spelling_cache_belongs_to_its_checker():
    """Cached spelling hits are the checker's own: a checker built later (which may reuse
    a dropped checker's id()) does not get the dropped one's verdicts."""
    import gc

    import zi_docgen.check.textrules as tr
    from zi_docgen.check.spelling import SpellChecker

    text = "Ketua Wibblesworth hadir."
    first = SpellChecker(extra_words=["Wibblesworth"])
    assert tr.spelling(first, [text]) == [[]]
    del first
    gc.collect()
    for _ in range(3):  # give a new checker every chance to land on the old id
        other = SpellChecker()
        (hits,) = tr.spelling(other, [text])
        assert [h.message for h in hits] == ["unknown word 'Wibblesworth'"]
        del other
        gc.collect()


def test_a_source_makes_an_entry_verified(data_copy):
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.resolve.decree import resolve

    f = data_copy / "regulations.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "    title: Pemilihan Umum\n", "    title: Pemilihan Umum\n    source: https://jdih.example/uu-7-2017\n", 1),
        encoding="utf-8")
    ds = load_dataset(data_copy)
    notes = [f.message for f in check_decree(resolve(ds, 2026, "prov-kalbar"), ds) if f.rule == "regulation-source"]
    assert notes and not any("Undang-Undang Nomor 7 Tahun 2017:" in m for m in notes)


def test_a_revoked_regulation_names_its_successor(data_copy):
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.resolve.decree import resolve

    f = data_copy / "regulations.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "    title: Strategi Nasional Pencegahan Korupsi\n",
        "    title: Strategi Nasional Pencegahan Korupsi\n    status: dicabut\n    revoked_by: uu-7-2023\n"
        "    successor: uu-7-2023\n", 1), encoding="utf-8")
    ds = load_dataset(data_copy)
    msgs = [f.message for f in check_decree(resolve(ds, 2026, "prov-kalbar"), ds) if f.rule == "regulation-status"
            and "54 Tahun 2018" in f.message]
    assert msgs and all("revoked in 2023" in m and "successor: Undang-Undang Nomor 7 Tahun 2023" in m for m in msgs)
    # a decree for a year before the revocation is not warned
    assert resolve(ds, 2026, "prov-kalbar").year == 2026
