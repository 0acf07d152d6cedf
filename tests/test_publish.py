"""The publication transaction (publish/transaction.py) on small hand-made files, and the build's use of it."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import DATA, ROOT, TEMPLATES
from zi_docgen.errors import OutputError
from zi_docgen.publish import transaction as tx
from zi_docgen.publish.transaction import ManifestEntry, Publication, verify


def entry(office: str, name: str, data: bytes, ext: str = "docx") -> ManifestEntry:
    return ManifestEntry(office, name, f"{office}/{name}.{ext}", tx.sha256_bytes(data), "final", 0)


def publish(out: Path, files: dict[str, bytes], offices=None, **kw) -> tx.Published:
    with Publication(out, 2026, **kw) as pub:
        entries = []
        for rel, data in files.items():
            office, name = rel.split("/")
            pub.write(rel, data)
            entries.append(entry(office, name.split(".")[0], data, name.split(".")[1]))
        return pub.commit(entries, offices if offices is not None else {e.office for e in entries})


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


OLD = {"a/keputusan.docx": b"a-k-1", "a/lampiran.docx": b"a-l-1", "b/keputusan.docx": b"b-k-1",
       "b/lampiran.docx": b"b-l-1"}
NEW = {"a/keputusan.docx": b"a-k-2", "a/lampiran.docx": b"a-l-2", "b/keputusan.docx": b"b-k-2",
       "b/lampiran.docx": b"b-l-2"}


def test_commit_publishes_everything_with_a_matching_manifest(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    assert verify(out / "2026") == []
    assert {k: v for k, v in tree(out / "2026").items() if k != "manifest.json"} == OLD
    publish(out, NEW)
    assert verify(out / "2026") == []
    assert {k: v for k, v in tree(out / "2026").items() if k != "manifest.json"} == NEW
    # Nothing of the machinery is left beside the year folder but the lock file.
    assert sorted(p.name for p in out.iterdir()) == [".zi-docgen-2026.lock", "2026"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_an_error_before_commit_leaves_the_year_folder_byte_for_byte(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(tx, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    publish(out, OLD)
    before = tree(out / "2026")
    with pytest.raises(RuntimeError):
        with Publication(out, 2026) as pub:
            pub.write("a/keputusan.docx", b"half")
            raise RuntimeError("boom")
    assert tree(out / "2026") == before
    assert sorted(p.name for p in out.iterdir()) == [".zi-docgen-2026.lock", "2026"]


def test_two_renames_swap(tmp_path, monkeypatch):
    monkeypatch.setattr(tx, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    publish(out, OLD)
    publish(out, NEW)
    assert verify(out / "2026") == []
    assert tree(out / "2026")["a/keputusan.docx"] == b"a-k-2"
    assert not (out / ".zi-docgen-2026.commit").exists() and not (out / ".zi-docgen-2026.old").exists()


_CRASH = textwrap.dedent('''
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from zi_docgen.publish import transaction as tx
    from test_publish import publish, NEW
    tx._exchange = lambda a, b: False
    real = os.rename
    calls = []
    def rename(a, b):
        calls.append(1)
        if len(calls) == {n}:
            os._exit(9)   # killed between the renames of the swap
        return real(a, b)
    os.rename = rename
    publish(Path({out!r}), NEW)
''')


@pytest.mark.parametrize("n, expect", [(1, OLD), (2, NEW)], ids=["before-first-rename", "between-renames"])
def test_a_build_killed_during_the_two_rename_swap_is_recovered(tmp_path, n, expect):
    out = tmp_path / "out"
    publish(out, OLD)
    code = _CRASH.format(tests=str(ROOT / "tests"), out=str(out), n=n)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    if n == 2:
        assert not (out / "2026").exists()   # the window the next build must repair
    notes = []
    with Publication(out, 2026, note=notes.append):
        pass  # entering recovers
    assert {k: v for k, v in tree(out / "2026").items() if k != "manifest.json"} == expect
    assert verify(out / "2026") == []
    assert any("interrupted" in n or "stopped" in n for n in notes), notes
    assert sorted(p.name for p in out.iterdir()) == [".zi-docgen-2026.lock", "2026"]


def test_partial_build_keeps_the_other_offices(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    done = publish(out, {"a/keputusan.docx": b"a-k-2"}, offices={"a"})
    files = tree(out / "2026")
    assert files["a/keputusan.docx"] == b"a-k-2"
    assert "a/lampiran.docx" not in files      # office a was rebuilt: its old files are gone
    assert files["b/keputusan.docx"] == b"b-k-1" and files["b/lampiran.docx"] == b"b-l-1"
    assert done.kept == 2
    assert verify(out / "2026") == []
    offices = {d["office"] for d in json.loads(files["manifest.json"])["documents"]}
    assert offices == {"a", "b"}


def test_files_the_build_did_not_write_are_set_aside_not_lost(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    (out / "2026" / "a" / "catatan.txt").write_bytes(b"my notes")
    (out / "2026" / "b" / "keputusan.docx").write_bytes(b"edited in Word")
    done = publish(out, NEW)
    assert verify(out / "2026") == []
    assert done.set_aside is not None and set(done.set_aside_files) == {"a/catatan.txt", "b/keputusan.docx"}
    assert (done.set_aside / "a" / "catatan.txt").read_bytes() == b"my notes"
    assert (done.set_aside / "b" / "keputusan.docx").read_bytes() == b"edited in Word"


def test_a_changed_file_of_an_untouched_office_is_not_listed_any_more(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    (out / "2026" / "b" / "lampiran.docx").write_bytes(b"edited")
    done = publish(out, {"a/keputusan.docx": b"a-k-2"}, offices={"a"})
    assert verify(out / "2026") == []
    assert not (out / "2026" / "b" / "lampiran.docx").exists()
    assert (done.set_aside / "b" / "lampiran.docx").read_bytes() == b"edited"


@pytest.mark.skipif(os.name != "posix", reason="umask is POSIX")
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_permissions_follow_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        publish(tmp_path / "out", OLD)
    finally:
        os.umask(old)
    year = tmp_path / "out" / "2026"
    for p in [year, year / "a", year / "a" / "keputusan.docx", year / "manifest.json"]:
        want = (0o777 if p.is_dir() else 0o666) & ~mask
        assert stat.S_IMODE(p.stat().st_mode) == want, p


@pytest.mark.parametrize("rel", ["../x.docx", "/etc/x", "a/../../x", "a\\b.docx", "manifest.json", "c:/x"])
def test_unsafe_names_are_refused(tmp_path, rel):
    with Publication(tmp_path / "out", 2026) as pub:
        with pytest.raises(OutputError):
            pub.write(rel, b"x")


def test_a_file_where_the_output_folder_should_be(tmp_path):
    target = tmp_path / "out"
    target.write_text("a file")
    with pytest.raises(OutputError, match="--out"):
        Publication(target, 2026).__enter__()
    assert target.read_text() == "a file"


def test_empty_output_folder_is_refused():
    with pytest.raises(OutputError, match="empty"):
        Publication("", 2026)


_HOLD = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from zi_docgen.publish.transaction import Publication
    with Publication(Path({out!r}), 2026):
        print("held", flush=True)
        time.sleep({secs})
''')


def test_a_live_lock_is_waited_for_with_a_message(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD.format(out=str(out), secs=3)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "held"
    notes = []
    try:
        with pytest.raises(OutputError, match="another build"):
            with Publication(out, 2026, note=notes.append, wait=0.2):
                pass
        assert notes and "waiting" in notes[0] and str(holder.pid) in notes[0]
        notes.clear()
        with Publication(out, 2026, note=notes.append):   # waits until the holder is done
            pass
        assert "waiting" in notes[0]
    finally:
        holder.wait(timeout=60)


def test_a_lock_whose_owner_died_is_taken_over_with_a_note(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", _HOLD.format(out=str(out), secs=0).replace(
        'time.sleep(0)', 'import os; os._exit(9)')], stdout=subprocess.PIPE, text=True)
    proc.communicate(timeout=60)
    assert proc.returncode == 9
    notes = []
    with Publication(out, 2026, note=notes.append):
        pass
    assert any("no longer running" in n and str(proc.pid) in n for n in notes), notes
    assert not any("waiting" in n for n in notes)


# ---------------------------------------------------------------- through the build

def test_build_with_a_relative_out_and_stale_files(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "zi_docgen", "build", "--data", str(DATA), "--templates",
                                     str(TEMPLATES), "--jobs", "1", "--satker", "prov-kalbar", *a],
                                    cwd=tmp_path, capture_output=True, text=True, env={**os.environ,
                                                                                       "ZI_DOCGEN_LANG": "en"})
    proc = run("--out", "rel")
    assert proc.returncode == 0, proc.stderr
    year = tmp_path / "rel" / "2026"
    assert verify(year) == []
    stale = year / "prov-kalbar" / "keputusan.pdf"
    stale.write_bytes(b"%PDF- an old PDF")
    proc = run("--out", "rel")
    assert proc.returncode == 0, proc.stderr
    assert verify(year) == [] and not stale.exists()   # moved aside, not left among the documents
    assert "set-aside" in proc.stdout


@pytest.mark.parametrize("args, says", [(["--year", "0"], "unknown year 0"), (["--year", "2026.0"], "2026.0"),
                                        (["--out", ""], "empty"), (["--out", "  "], "empty")])
def test_bad_year_and_out_are_refused(tmp_path, args, says):
    proc = subprocess.run([sys.executable, "-m", "zi_docgen", "build", "--data", str(DATA), "--templates",
                           str(TEMPLATES), *args], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "ZI_DOCGEN_LANG": "en"})
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_failed_build_message_says_nothing_changed(tmp_path, data_copy):
    from zi_docgen.workflows.build import BuildRefused, build

    text = (data_copy / "common/lampiran.yaml").read_text(encoding="utf-8")
    (data_copy / "common/lampiran.yaml").write_text(text.replace("penilaian risiko", "penilaian resiko", 1),
                                                     encoding="utf-8")
    with pytest.raises(BuildRefused, match="nothing was changed"):
        build(data_copy, tmp_path / "out", TEMPLATES, satkers=["prov-kalbar"], jobs=1)
    assert not (tmp_path / "out").exists()
