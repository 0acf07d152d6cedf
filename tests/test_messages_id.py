"""What a user reads when something is wrong: Indonesian by default, with no English left in it.

Each case plants one mistake (in a copy of the shipped data, or in the arguments), catches
what the tool says, and reads it in Indonesian and in English. The Indonesian line must
hold none of the common English words; the English one must differ from it (a message
that is the same in both languages was never translated).
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from zi_docgen import i18n
from zi_docgen.errors import ZiError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"

# Words an Indonesian sentence never needs. Quoted values, paths and YAML keys are taken
# out first (see _prose): they are the user's own words or names the user must type.
ENGLISH = re.compile(r"\b(must|should|not found|unknown|expected|the|cannot|could not|does not|is not|"
                     r"needs|missing|error|warning|invalid|got|write|check that|found|exist|allowed|this|"
                     r"are|file|value|with|for|and|or|did|please|try|give|use)\b", re.I)


def _prose(text: str) -> str:
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]", " ", text)         # quoted values, placeholders
    text = re.sub(r"(?:[\w.-]*/)+[\w.<>-]*|[\w-]+\.(?:yaml|docx|pdf|txt|json)\b", " ", text)  # paths
    text = re.sub(r"\b[a-z]+_[a-z_]+\b|--[\w-]+", " ", text)            # keys (number_style), options
    return text


def _english_words(text: str) -> list[str]:
    return ENGLISH.findall(_prose(text))


def test_the_filter_catches_english_and_spares_indonesian():
    assert _english_words("data/2026/decree.yaml:6:5: error: unknown regulation 'uu-7-2071' in mengingat")
    assert _english_words("galat: the file does not exist")
    assert not _english_words("data/2026/offices/prov-kalbar.yaml:3:7: galat: tanggal 2026-02-30 tidak mungkin: "
                              "tanggal 30 tidak ada di bulan Februari 2026 (tulis tanggal yang ada)")
    assert not _english_words("galat: isi number_style: naskah_dinas untuk satker 'the one' di offices.yaml")


def _said(fn) -> str:
    """What the tool says when `fn` runs: the error line(s) it raises, or what it prints."""
    buf = io.StringIO()
    console = Console(file=buf, width=400, highlight=False, color_system=None)
    try:
        fn(console)
    except ZiError as exc:
        return str(exc)
    return buf.getvalue()


@pytest.fixture
def data(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _plant_data_mistakes(data: Path) -> None:
    _edit(data / "2026" / "decree.yaml", "  - uu-7-2017", "  - uu-7-2071")                  # unknown regulation
    _edit(data / "2026" / "decree.yaml", "des: 100}", "des: 120}")                          # target out of range
    _edit(data / "common" / "lampiran.yaml", "penilaian risiko", "penilaian resiko")        # non-KBBI form
    _edit(data / "2026" / "offices" / "prov-kalbar.yaml", "\ndate: 2026-01-05", "\ndate: 2026-02-30")
    _edit(data / "2026" / "offices" / "kab-sambas.yaml", "after: mp-sosialisasi-pegawai",   # patch anchor
          "after: mp-sosialisasi-pegawaii")
    _edit(data / "offices.yaml", "short_name: KPU Kota Singkawang", "short_nmae: KPU Kota Singkawang")


def _check(data: Path):
    from zi_docgen.check import run_check

    return lambda console: run_check(data, year=2026, satkers=[], fmt="text", console=console)


def _broken_templates(folder: Path) -> Path:
    """The shipped templates with one tag of the Keputusan broken (`{% if %}`), as a careless edit in Word would."""
    import zipfile

    folder.mkdir()
    for name in ("keputusan.docx", "lampiran.docx"):
        with zipfile.ZipFile(TEMPLATES / name) as zin, zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if name == "keputusan.docx" and item.filename == "word/document.xml":
                    assert b"{{" in data
                    data = data.replace(b"{{", b"{% if %}{{", 1)
                zout.writestr(item, data)
    return folder


def _cases(data: Path, tmp_path: Path) -> dict[str, object]:
    from zi_docgen.publish import pdf
    from zi_docgen.workflows.build import build
    from zi_docgen.workflows.diff import run_diff
    from zi_docgen.workflows.newyear import new_year
    from zi_docgen.workflows.preview import preview_document

    def diff(old, new, fmt="text"):
        return lambda c: run_diff(old, new, data=data, satker=None, fmt=fmt, redline=None, templates=TEMPLATES,
                                  console=c)

    broken = _broken_templates(tmp_path / "broken-templates")
    two_years = shutil.copytree(DATA, tmp_path / "two-years")
    shutil.copytree(two_years / "2026", two_years / "2027")
    return {
        "new-year onto its own year": lambda c: new_year(data, 2026, 2026),
        "new-year into an existing year": lambda c: new_year(two_years, 2026, 2027),
        "new-year from an unknown year": lambda c: new_year(data, 2019, 2027),
        "new-year to a silly year": lambda c: new_year(data, 2026, 3026),
        "diff of unknown years": diff("2024", "2025"),
        "diff of a year and a word": diff("2026", "kemarin"),
        "diff in an unknown format": diff("2026", "2026", fmt="xml"),
        "preview of a missing file": lambda c: preview_document(tmp_path / "tidak-ada.docx", tmp_path / "pv"),
        "PDF of a missing file": lambda c: pdf.convert_to_pdf([tmp_path / "tidak-ada.docx"]),
        "build with a broken template folder": lambda c: build(data, tmp_path / "out", tmp_path / "no-templates",
                                                              satkers=["prov-kalbar"], jobs=1),
        "build with a broken template tag": lambda c: build(data, tmp_path / "out", broken, satkers=["prov-kalbar"],
                                                           jobs=1),
        "build of an unknown satker": lambda c: build(data, tmp_path / "out", TEMPLATES, satkers=["kab-sambaz"],
                                                     jobs=1),
    }


def test_planted_data_mistakes_read_in_indonesian(data):
    _plant_data_mistakes(data)
    # English first: what is cached for the shared text (findings carry their message) must not
    # leak into the other language
    with i18n.use_language("en"):
        english = _said(_check(data))
    with i18n.use_language("id"):
        said = _said(_check(data))
    lines = [ln for ln in said.splitlines() if ": galat " in ln]
    # one line each: the regulation, the target, the date, the patch, the misspelt key, the non-standard word
    assert len(lines) == 6, said
    for needle in ("uu-7-2071", "120", "2026-02-30", "mp-sosialisasi-pegawaii", "short_nmae", "resiko"):
        assert any(needle in ln for ln in lines), (needle, said)
    assert "tanggal 30 tidak ada di bulan Februari 2026" in said
    assert "day is out of range" not in said
    assert "'resiko': bukan bentuk baku menurut KBBI" in said
    bad = {ln: _english_words(ln) for ln in lines if _english_words(ln)}
    assert not bad, bad
    assert "error" in english and "unknown regulation" in english and "February 2026 has no day 30" in english


def test_each_refusal_is_one_indonesian_line(data, tmp_path, monkeypatch):
    from zi_docgen.publish import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    bad, same = {}, []
    for name, fn in _cases(data, tmp_path).items():
        with i18n.use_language("id"):
            said = _said(fn).strip()
        with i18n.use_language("en"):
            english = _said(fn).strip()
        assert said and "Traceback" not in said, name
        assert len(said.splitlines()) == 1, (name, said)
        if _english_words(said):
            bad[name] = (said, _english_words(said))
        if said == english:
            same.append((name, said))
    assert not bad, bad
    assert not same, same


def test_pdf_without_libreoffice_says_so_in_indonesian(tmp_path, monkeypatch):
    from zi_docgen.publish import pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    doc = tmp_path / "keputusan.docx"
    doc.write_bytes(b"PK")  # only its existence matters: the missing LibreOffice is found first
    with i18n.use_language("id"):
        said = _said(lambda c: pdf.convert_to_pdf([doc]))
    assert "LibreOffice diperlukan" in said and "Pasang LibreOffice" in said
    assert not _english_words(said), said


@pytest.mark.parametrize("text", ["a: b: c\n", "a:\n  - x\n  b: 1\n", "a: [1, 2\n", "a:\n\t- b\n", "a: 'x\n",
                                  "'a'b: 1\n", "a: ]\n", "a: 1\n---\nb: 2\n"])
def test_yaml_syntax_mistakes_read_in_indonesian(text):
    from zi_docgen.load.yamlsrc import parse_yaml

    with i18n.use_language("id"):
        said = _said(lambda c: parse_yaml(text, "data/2026/decree.yaml"))
    assert said.startswith("data/2026/decree.yaml:") and "galat: " in said and "YAML" in said, said
    assert not _english_words(said), said


def test_the_installed_script_says_planted_mistakes_in_indonesian_then_english(tmp_path):
    """As a user meets it: `zi-docgen check` in a folder with mistakes, no language chosen (LANG=C)."""
    from test_cli import run

    shutil.copytree(DATA, tmp_path / "data")
    _plant_data_mistakes(tmp_path / "data")
    r = run(["check"], tmp_path)
    assert r.returncode == 2, r
    assert "Traceback" not in r.stdout + r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ": galat " in ln]
    assert len(lines) == 6, r.stdout
    assert all(re.match(r"data/[\w/.-]+\.yaml:\d+:\d+: galat ", ln) for ln in lines), lines
    bad = {ln: _english_words(ln) for ln in lines if _english_words(ln)}
    assert not bad, bad
    r = run(["--lang", "en", "check"], tmp_path)
    assert "February 2026 has no day 30" in r.stdout and "unknown regulation 'uu-7-2071'" in r.stdout


def test_system_refusals_and_validator_messages_in_indonesian(data):
    import errno

    from zi_docgen.errors import os_reason
    from zi_docgen.load.dataset import load_dataset

    with i18n.use_language("id"):
        assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "izin ditolak"
        assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "disk penuh"
        assert os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links")) == "galat sistem ELOOP"
    # a validator's message with a value in it (model.py raises Invalid, translated where it is shown)
    _edit(data / "offices.yaml", "name: Komisi Pemilihan Umum Kabupaten Sambas", "name: KPU Kabupaten Sambas")
    with i18n.use_language("id"):
        said = _said(lambda c: load_dataset(data))
    assert "nama harus diawali 'Komisi Pemilihan Umum '" in said, said
    assert not _english_words(said), said
    with i18n.use_language("en"):
        assert "name must start with 'Komisi Pemilihan Umum '" in _said(lambda c: load_dataset(data))


def test_serve_on_a_taken_port_is_one_indonesian_line(tmp_path):
    import socket

    from zi_docgen.web.server import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with i18n.use_language("id"):
            said = _said(lambda c: serve(DATA, port=port, open_browser=False, say=lambda *a: None))
    assert said.startswith(f"galat: port {port} sudah dipakai"), said
    assert f"--port {port + 1}" in said and not _english_words(said), said
