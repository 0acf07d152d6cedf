"""`build --pdf`: PDF/A-2b with the document's properties, identical bytes from identical runs, a relative
--out, and no stale PDFs after a build without --pdf (needs LibreOffice)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, TEMPLATES
from zi_docgen.publish.pdf import find_soffice
from zi_docgen.publish.transaction import verify

pikepdf = pytest.importorskip("pikepdf")

pytestmark = pytest.mark.skipif(find_soffice() is None or shutil.which("pdffonts") is None,
                                reason="LibreOffice and poppler-utils are not installed")

OFFICE = "prov-kalbar"


def _build(cwd: Path, out: str, *extra: str, epoch: str = "1767571200") -> subprocess.CompletedProcess:
    env = {**os.environ, "ZI_DOCGEN_LANG": "en", "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run([sys.executable, "-m", "zi_docgen", "build", "--data", str(DATA), "--templates",
                           str(TEMPLATES), "--satker", OFFICE, "--out", out, "--jobs", "2", *extra],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Two identical `build --pdf` runs, each with a relative --out, in two folders."""
    runs = []
    for name in ("a", "b"):
        cwd = tmp_path_factory.mktemp(name)
        proc = _build(cwd, "output", "--pdf")
        assert proc.returncode == 0, proc.stderr
        runs.append(cwd / "output" / "2026")
    return runs


def test_relative_out_lists_the_pdfs(two_runs):
    year = two_runs[0]
    assert verify(year) == []
    docs = json.loads((year / "manifest.json").read_text())["documents"]
    files = {d["file"] for d in docs}
    assert f"{OFFICE}/keputusan.pdf" in files and f"{OFFICE}/lampiran.pdf" in files
    assert {f for f in files if f.endswith(".pdf")} == {f[:-5] + ".pdf" for f in files if f.endswith(".docx")}


def test_identical_runs_give_identical_pdfs_and_manifest(two_runs):
    a, b = two_runs
    for rel in (f"{OFFICE}/keputusan.pdf", f"{OFFICE}/lampiran.pdf", "manifest.json"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_pdf_a_2b_with_embedded_fonts(two_runs):
    for name in ("keputusan", "lampiran"):
        path = two_runs[0] / OFFICE / f"{name}.pdf"
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
            assert "/OutputIntents" in pdf.Root
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts   # the "emb" column


def test_document_properties_and_fixed_dates(two_runs):
    path = two_runs[0] / OFFICE / "keputusan.pdf"
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        meta = pdf.open_metadata()
        # Title names the decree and its number; subject is what it is about (the DOCX's core properties).
        assert "Keputusan" in str(info["/Title"]) and "Nomor 5 Tahun 2026" in str(info["/Title"])
        assert str(info["/Author"]) == "Komisi Pemilihan Umum Provinsi Kalimantan Barat"
        assert "Zona Integritas" in str(info["/Subject"]) and "Keputusan" in str(info["/Keywords"])
        assert meta["dc:title"] == str(info["/Title"])      # PDF/A: XMP and document info agree
        # SOURCE_DATE_EPOCH 1767571200 is 2026-01-05 00:00 UTC.
        assert str(info["/CreationDate"]).startswith("D:20260105000000")
        assert meta["xmp:CreateDate"].startswith("2026-01-05T00:00:00")
        ids = pdf.trailer.ID
        assert bytes(ids[0]) == bytes(ids[1])


def test_a_build_without_pdf_leaves_no_stale_pdf(two_runs, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(two_runs[0].parent, out)
    proc = _build(tmp_path, str(out), "--draft")
    assert proc.returncode == 0, proc.stderr
    year = out / "2026"
    assert verify(year) == []
    assert not list(year.rglob("*.pdf"))
    docs = json.loads((year / "manifest.json").read_text())["documents"]
    assert not [d for d in docs if d["file"].endswith(".pdf")]


def _listing(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}


def test_preview_leaves_the_documents_folder_as_it_found_it(two_runs, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copyfile(two_runs[0] / OFFICE / "keputusan.docx", docs / "decree.docx")
    (docs / "decree.pdf").write_bytes(b"%PDF- the user's own, signed PDF")
    (docs / "decree-07.png").write_bytes(b"the user's picture")
    before = _listing(docs)
    pages = tmp_path / "pages"
    run = lambda *a: subprocess.run([sys.executable, "-m", "zi_docgen", "preview", *a], cwd=docs,
                                    capture_output=True, text=True, env={**os.environ, "ZI_DOCGEN_LANG": "en"},
                                    timeout=600)
    proc = run("decree.docx", "--out", str(pages), "--dpi", "20")
    assert proc.returncode == 0, proc.stderr
    assert _listing(docs) == before and [p.name for p in docs.iterdir() if p.is_dir()] == []
    pngs = sorted(p.name for p in pages.glob("*.png"))
    assert pngs and all(p.startswith("decree-") for p in pngs)
    # Again into the same folder: its own pages are replaced, a stranger's file never.
    assert run("decree.docx", "--out", str(pages), "--dpi", "20").returncode == 0
    (pages / pngs[0]).unlink()
    (pages / pngs[0]).write_bytes(b"someone else's")
    proc = run("decree.docx", "--out", str(pages), "--dpi", "20")
    assert proc.returncode == 2 and "did not write" in proc.stderr, proc.stderr
    assert (pages / pngs[0]).read_bytes() == b"someone else's"
    # Without --out: nothing beside the document either, and the pages' folder is removed (below).
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.run([sys.executable, "-m", "zi_docgen", "preview", "decree.docx", "--dpi", "20", "--no-open"],
                          cwd=docs, capture_output=True, text=True, input="\n", timeout=600,
                          env={**os.environ, "ZI_DOCGEN_LANG": "en", "TMPDIR": str(tmp)})
    assert proc.returncode == 0, proc.stderr
    assert _listing(docs) == before and [p.name for p in docs.iterdir() if p.is_dir()] == []
    printed = [Path(line) for line in proc.stdout.splitlines() if line.endswith(".png")]
    assert len(printed) == len(pngs) and all(tmp in p.parents for p in printed)
    assert list(tmp.iterdir()) == []


class _Preview:
    """`zi-docgen preview` without --out, run as a user would, answered line by line."""

    def __init__(self, document: Path, tmp: Path):
        import queue
        import threading

        self.proc = subprocess.Popen([sys.executable, "-m", "zi_docgen", "preview", str(document), "--dpi", "20",
                                      "--no-open"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True,
                                     env={**os.environ, "ZI_DOCGEN_LANG": "en", "TMPDIR": str(tmp)})
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(x) for x in self.proc.stdout] + [self.lines.put(None)],
                         daemon=True).start()

    def until_prompt(self) -> list[Path]:
        """The pages printed before the prompt (a generous bound, so that a hang fails instead of blocking)."""
        pages = []
        while True:
            line = self.lines.get(timeout=600)
            assert line is not None, self.proc.stderr.read()
            if "Press Enter" in line:
                return pages
            if line.strip().endswith(".png"):
                pages.append(Path(line.strip()))

    def finish(self, answer: str | None = None, sig: int | None = None) -> tuple[int, str, str]:
        if answer is not None:
            self.proc.stdin.write(answer)
            self.proc.stdin.flush()
        if sig is not None:
            os.killpg(self.proc.pid, sig)
        rest = []
        while (line := self.lines.get(timeout=120)) is not None:
            rest.append(line)
        self.proc.wait(timeout=120)
        return self.proc.returncode, "".join(rest), self.proc.stderr.read()


def test_preview_without_out_keeps_the_pages_while_they_are_looked_at_then_removes_them(two_runs, tmp_path):
    import signal

    pdf = tmp_path / "docs" / "decree.pdf"
    pdf.parent.mkdir()
    shutil.copyfile(two_runs[0] / OFFICE / "keputusan.pdf", pdf)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # Things in the temporary folder that are not this preview's: never touched.
    (tmp / "zi-docgen-preview-someone").mkdir()
    (tmp / "zi-docgen-preview-someone" / "decree-1.png").write_bytes(b"not ours")
    (tmp / "decree-1.png").write_bytes(b"not ours either")
    strangers = {p.relative_to(tmp) for p in tmp.rglob("*")}

    view = _Preview(pdf, tmp)
    pages = view.until_prompt()
    assert pages and all(p.is_file() and p.read_bytes().startswith(b"\x89PNG") for p in pages)
    folder = pages[0].parent
    assert folder.parent == tmp and (folder / "index.html").is_file()
    assert all(p.name in (folder / "index.html").read_text() for p in pages)
    code, out, err = view.finish("\n")
    assert code == 0, err
    assert "removed" in out and not folder.exists()
    assert {p.relative_to(tmp) for p in tmp.rglob("*")} == strangers
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["decree.pdf"]

    # Ctrl-C while the pages are shown: removed too.
    view = _Preview(pdf, tmp)
    folder = view.until_prompt()[0].parent
    code, _, err = view.finish(sig=signal.SIGINT)
    assert code == 2 and "interrupted" in err and "Traceback" not in err, err
    assert not folder.exists()

    # kill -9 leaves the folder behind; the next preview clears it, and only it.
    view = _Preview(pdf, tmp)
    killed = view.until_prompt()[0].parent
    view.finish(sig=signal.SIGKILL)
    assert killed.is_dir()
    view = _Preview(pdf, tmp)
    folder = view.until_prompt()[0].parent
    assert not killed.exists() and folder.is_dir()
    assert view.finish("\n")[0] == 0
    assert {p.relative_to(tmp) for p in tmp.rglob("*")} == strangers
