"""Bad input: one line naming file:line and what to do, exit 2, no traceback, nothing half-written."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ROOT, TEMPLATES
from zi_docgen.cli import main


def run(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a data file; return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def one_error_line(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def build_args(data: Path, out: Path, *extra: str) -> list[str]:
    return ["build", "--data", str(data), "--out", str(out), "--templates", str(TEMPLATES), "--jobs", "1", *extra]


# Each case: (file to edit, old text, new text, expected message fragment, expected hint fragment)
CASES = [
    ("malformed-yaml", "2026/decree.yaml", "mengingat:\n  - uu-7-2017", "mengingat:\n  - uu-7-2017\n   - x: [",
     "malformed YAML", "indentation"),
    ("wrong-type", "2026/decree.yaml", "months: {apr: 100}", "months: {apr: seratus}",
     "must be 0–100 %, got 'seratus'", "whole number"),
    ("out-of-range", "2026/decree.yaml", "months: {apr: 100}", "months: {apr: 150}",
     'target for April, row "Tim Kerja" (Manajemen Perubahan), must be 0–100 %, got 150', None),
    ("unknown-key", "common/keputusan.yaml", "  menimbang:", "  menimbng:", "unknown key 'menimbng'",
     "did you mean 'menimbang'?"),
    ("unknown-month", "2026/decree.yaml", "months: {apr: 100}", "months: {april: 100}", "unknown month 'april'",
     "did you mean 'apr'?"),
    ("missing-field", "offices.yaml", "    seat: Pontianak\n", "", "missing required key 'seat'", "add 'seat:'"),
    ("duplicate-id", "common/lampiran.yaml", "id: def-menteri", "id: def-zi", "id 'def-zi' is used twice",
     "own id"),
    ("duplicate-key", "offices.yaml", "    seat: Pontianak\n", "    seat: Pontianak\n    seat: Sambas\n",
     "key 'seat' is written twice", None),
    ("unknown-variable", "common/keputusan.yaml", "{{ office.name }}, perlu", "{{ office.nama }}, perlu",
     "unknown variable '{{ office.nama }}'", "{{ office.name }}"),
    ("unknown-regulation", "2026/decree.yaml", "  - perpres-81-2010", "  - perpres-81-2011",
     "unknown regulation 'perpres-81-2011'", "did you mean 'perpres-81-2010'?"),
    ("office-id-with-path", "offices.yaml", "id: kab-sambas", "id: ../sambas", "'../sambas' is not a valid id", "lowercase"),
    ("unsafe-yaml-tag", "2026/offices/prov-kalbar.yaml", "number: 5", "number: !!python/object/apply:os.system [echo]",
     "cannot read this value", "tags"),
    ("control-character", "common/keputusan.yaml", "perlu disusun", "perlu\\x07 disusun", None, None),
    ("patch-unknown-id", "2026/offices/kab-sambas.yaml", "after: mp-sosialisasi-pegawai",
     "after: mp-sosialisasi-pegawe", "no item with id 'mp-sosialisasi-pegawe'", "did you mean"),
    ("date-wrong-year", "2026/offices/prov-kalbar.yaml", "date: 2026-01-05", "date: 2025-12-31",
     "is not in 2026", None),
]


@pytest.mark.parametrize("name,file,old,new,msg,hint", CASES, ids=[c[0] for c in CASES])
def test_bad_data_gives_one_line_with_file_and_line(name, file, old, new, msg, hint, data_copy, tmp_path, capsys):
    path = data_copy / file
    if name == "control-character":
        # A YAML escape is the only way to get an invisible character into a value.
        text = path.read_text(encoding="utf-8")
        line = edit(path, "perlu disusun", "perlu disusun")
        text = text.replace("      text: >-\n        bahwa untuk mewujudkan",
                            '      text: "bahwa \\x07untuk"\n      term: >-\n        bahwa untuk mewujudkan', 1)
        path.write_text(text, encoding="utf-8")
        msg = "control character"
    else:
        line = edit(path, old, new)
        line += new.count("\n") if name == "malformed-yaml" else 0
    out = tmp_path / "out"
    code, _, err = run(build_args(data_copy, out), capsys)
    assert code == 2
    first = one_error_line(err)
    assert str(Path(file)) in first.split(": error:")[0], first
    m = re.match(r"^(.+?):(\d+)(?::(\d+))?: error: ", first)
    assert m, first
    if name not in ("missing-field", "control-character"):
        assert abs(int(m.group(2)) - line) <= 1, (first, line)
    if msg:
        assert msg in first, first
    if hint:
        assert hint in first, first
    assert not out.exists() or not any(out.rglob("*.docx")), "bad data must not write documents"


def test_unknown_office_and_year(capsys, tmp_path):
    code, _, err = run(build_args(DATA, tmp_path, "--satker", "kab-sambass"), capsys)
    assert code == 2 and "unknown office 'kab-sambass'" in one_error_line(err) and "kab-sambas" in err
    code, _, err = run(build_args(DATA, tmp_path, "--satker", "../../etc"), capsys)
    assert code == 2 and "unknown office" in one_error_line(err)
    code, _, err = run(build_args(DATA, tmp_path, "--year", "2031"), capsys)
    assert code == 2 and "unknown year 2031" in one_error_line(err) and "2026" in err


def test_missing_and_corrupt_templates(tmp_path, capsys):
    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "keputusan.docx").write_bytes((TEMPLATES / "keputusan.docx").read_bytes())
    code, _, err = run(build_args(DATA, tmp_path / "o", "--satker", "prov-kalbar")[:-2] + ["--templates", str(tpl)]
                       + ["--satker", "prov-kalbar"], capsys)
    assert code == 2 and "lampiran.docx" in err and "template not found" in one_error_line(err)
    (tpl / "lampiran.docx").write_bytes(b"this is not a zip file")
    code, _, err = run(["build", "--data", str(DATA), "--out", str(tmp_path / "o"), "--templates", str(tpl),
                        "--satker", "prov-kalbar"], capsys)
    assert code == 2 and "not a .docx file" in one_error_line(err)
    assert not (tmp_path / "o" / "2026" / "prov-kalbar").exists()


def test_template_with_jinja_syntax_error(tmp_path, capsys):
    import io
    import zipfile

    tpl = tmp_path / "templates"
    tpl.mkdir()
    (tpl / "lampiran.docx").write_bytes((TEMPLATES / "lampiran.docx").read_bytes())
    src = zipfile.ZipFile(TEMPLATES / "keputusan.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ seat }}", b"{{ seat }")
            z.writestr(info, data)
    (tpl / "keputusan.docx").write_bytes(buf.getvalue())
    code, _, err = run(["build", "--data", str(DATA), "--out", str(tmp_path / "o"), "--templates", str(tpl),
                        "--satker", "prov-kalbar"], capsys)
    assert code == 2
    line = one_error_line(err)
    assert "keputusan.docx" in line and "template error" in line


def test_output_path_is_a_file(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("I am a file")
    code, _, err = run(build_args(DATA, target, "--satker", "prov-kalbar"), capsys)
    assert code == 2 and "--out" in one_error_line(err)
    assert target.read_text() == "I am a file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_output_unwritable(tmp_path, capsys):
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    try:
        code, _, err = run(build_args(DATA, target, "--satker", "prov-kalbar"), capsys)
        assert code == 2 and "permission" in one_error_line(err)
    finally:
        target.chmod(0o700)


def _first_build(tmp_path) -> tuple[Path, dict[Path, bytes]]:
    from zi_docgen.workflows.build import build

    out = tmp_path / "out"
    build(DATA, out, TEMPLATES, satkers=["prov-kalbar", "kab-sambas"], jobs=1)
    files = {p: p.read_bytes() for p in (out / "2026").rglob("*") if p.is_file()}
    return out, files


def test_full_disk_keeps_earlier_outputs(tmp_path, capsys, monkeypatch, data_copy):
    import errno

    out, before = _first_build(tmp_path)
    edit(data_copy / "common/keputusan.yaml", "mulai berlaku", "mulai berlaku")  # same data, new run
    real_fsync = os.fsync
    calls = {"n": 0}

    def full(fd):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = run(build_args(data_copy, out, "--satker", "prov-kalbar", "--satker", "kab-sambas"), capsys)
    assert code == 2 and "disk is full" in one_error_line(err)
    after = {p: p.read_bytes() for p in (out / "2026").rglob("*") if p.is_file()}
    assert after == before  # whole old files, no temp files left


def test_interrupted_build_keeps_earlier_outputs(tmp_path, capsys, monkeypatch):
    out, before = _first_build(tmp_path)
    from zi_docgen.render import renderer as render

    real = render.Renderer.render
    calls = {"n": 0}

    def interrupted(self, decree, name):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, decree, name)

    monkeypatch.setattr(render.Renderer, "render", interrupted)
    code, _, err = run(build_args(DATA, out, "--satker", "prov-kalbar", "--satker", "kab-sambas"), capsys)
    assert code == 2 and "interrupted" in one_error_line(err)
    after = {p: p.read_bytes() for p in (out / "2026").rglob("*") if p.is_file()}
    assert after == before


def test_ctrl_c_wrapped_by_python_is_still_an_interruption(tmp_path, capsys, monkeypatch):
    """A Ctrl-C that lands while Python makes a class (a lazy import) reaches us as a RuntimeError
    about __set_name__ (seen in the fault tests): it is an interruption, not an internal error."""
    out, before = _first_build(tmp_path)
    from zi_docgen.render import renderer as render

    def wrapped(self, decree, name, **kw):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ki:
            raise RuntimeError("Error calling __set_name__ on 'cached_property' instance 'data'") from ki

    monkeypatch.setattr(render.Renderer, "render", wrapped)
    code, _, err = run(build_args(DATA, out, "--satker", "prov-kalbar"), capsys)
    line = one_error_line(err)
    assert code == 2 and "interrupted" in line and "internal error" not in line, err
    assert {p: p.read_bytes() for p in (out / "2026").rglob("*") if p.is_file()} == before


def test_debug_shows_the_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "zi_docgen", "--debug", "build", "--data", str(DATA), "--out",
                           str(tmp_path), "--satker", "nope"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_two_builds_at_once_do_not_corrupt_each_other(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "zi_docgen", "build", "--data", str(DATA), "--out", str(out), "--templates",
           str(TEMPLATES), "--jobs", "1"]
    procs = [subprocess.Popen(cmd + ["--satker", s], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for s in ("prov-kalbar", "kab-sambas", "prov-kalbar")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    manifest = json.loads((out / "2026" / "manifest.json").read_text())
    offices = sorted({d["office"] for d in manifest["documents"]})
    assert offices == ["kab-sambas", "prov-kalbar"]
    import hashlib
    for d in manifest["documents"]:
        assert hashlib.sha256((out / "2026" / d["file"]).read_bytes()).hexdigest() == d["sha256"]
    assert not list((out / "2026").rglob("*.tmp")) and not (out / "2026" / ".manifest.lock").exists()


def test_check_errors_stop_the_build_unless_draft(data_copy, tmp_path, capsys):
    line = edit(data_copy / "common/lampiran.yaml", "penilaian risiko", "penilaian resiko")
    out = tmp_path / "out"
    code, _, err = run(build_args(data_copy, out, "--satker", "prov-kalbar"), capsys)
    assert code == 1
    first = one_error_line(err)
    assert f"common/lampiran.yaml:{line}:" in first and "resiko" in first and "--draft" in first
    assert not any(out.rglob("*.docx"))
    code, _, _ = run(build_args(data_copy, out, "--satker", "prov-kalbar", "--draft"), capsys)
    assert code == 0
    manifest = json.loads((out / "2026" / "manifest.json").read_text())
    assert {d["status"] for d in manifest["documents"]} == {"draft"}
    from docx import Document
    header = Document(out / "2026" / "prov-kalbar" / "keputusan.docx").sections[0].first_page_header
    assert "DRAFT" in "".join(p.text for p in header.paragraphs)


def test_final_refuses_placeholders(tmp_path, capsys):
    code, _, err = run(build_args(DATA, tmp_path, "--satker", "kab-sambas", "--final"), capsys)
    assert code == 1 and "placeholder" in one_error_line(err)
    assert not any(tmp_path.rglob("*.docx"))
    code, _, _ = run(build_args(DATA, tmp_path, "--satker", "prov-kalbar", "--final"), capsys)
    assert code == 0
