"""A working folder anywhere: `init`, shipped templates, and a non-editable install from an empty folder."""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from docx import Document
from setuptools import find_packages

from test_cli import ROOT_DIR, run, user_env

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


def text_of(path: Path) -> str:
    doc = Document(path)
    return "\n".join(p.text for p in doc.paragraphs)


def test_every_subpackage_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = set(find_packages(where=str(ROOT_DIR), include=["zi_docgen*"]))
    assert found <= listed, f"add to [tool.setuptools].packages in pyproject.toml: {sorted(found - listed)}"


def test_init_then_build_from_the_new_folder(tmp_path):
    r = run(["init", "kerja"], tmp_path)
    assert r.returncode == 0, r
    ws = tmp_path / "kerja"
    assert (ws / "data" / "offices.yaml").is_file()
    assert sorted(p.name for p in (ws / "templates").iterdir()) == ["keputusan.docx", "lampiran.docx"]
    assert (ws / "templates" / "keputusan.docx").read_bytes() == (ROOT_DIR / "templates" / "keputusan.docx").read_bytes()
    assert "/output/" in (ws / ".gitignore").read_text(encoding="utf-8").split()
    assert "kerja" in r.stdout and "zi-docgen build" in r.stdout
    r = run(["build", "--satker", "prov-kalbar", "--jobs", "1"], ws)
    assert r.returncode == 0, r
    assert "Traceback" not in r.stdout + r.stderr
    assert "KEPUTUSAN" in text_of(ws / "output" / "2026" / "prov-kalbar" / "keputusan.docx")


def test_init_never_overwrites_a_working_folder(tmp_path):
    (tmp_path / "kerja" / "data").mkdir(parents=True)
    (tmp_path / "kerja" / "data" / "mine.yaml").write_text("x: 1\n", encoding="utf-8")
    r = run(["init", "kerja"], tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "data/" in r.stderr and "tidak ada yang diubah" in r.stderr
    assert [p.name for p in (tmp_path / "kerja").iterdir()] == ["data"]


def test_a_folder_with_only_data_uses_the_shipped_templates(tmp_path):
    shutil.copytree(ROOT_DIR / "data", tmp_path / "data")
    r = run(["build", "--satker", "kab-sambas", "--jobs", "1"], tmp_path)
    assert r.returncode == 0, r
    assert (tmp_path / "output" / "2026" / "kab-sambas" / "lampiran.docx").is_file()


def test_a_folder_without_data_says_what_to_do(tmp_path):
    r = run(["check"], tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "zi-docgen init" in r.stderr and "folder data tidak ditemukan" in r.stderr


def _fresh_venv(tmp_path: Path) -> Path:
    """A new venv that sees this environment's third-party packages but not its zi_docgen."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies come from this environment (offline, and the same versions the
    # rest of the suite tests); zi_docgen itself must come from the new install.
    ours = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]} if Path(p).is_dir()]
    Path(purelib, "zz_test_deps.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return py


def test_non_editable_install_works_from_an_empty_folder(tmp_path):
    src = tmp_path / "src"
    # What git tracks or would track (no build/ or egg-info leftovers), as in a clone.
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT_DIR,
                           capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        if (ROOT_DIR / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT_DIR / rel, src / rel)
    py = _fresh_venv(tmp_path)
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--quiet",
                        str(src)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    shutil.rmtree(src)  # nothing may come from the source tree any more
    where = subprocess.run([str(py), "-c", "import zi_docgen; print(zi_docgen.__file__)"], capture_output=True,
                           text=True, check=True, cwd=tmp_path).stdout.strip()
    assert Path(where).resolve().is_relative_to((tmp_path / "venv").resolve()), where
    script = py.parent / ("zi-docgen.exe" if os.name == "nt" else "zi-docgen")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = user_env()

    def zi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    r = zi("init", "kerja", cwd=empty)
    assert r.returncode == 0, r
    ws = empty / "kerja"
    r = zi("build", "--satker", "prov-kalbar", "--jobs", "1", cwd=ws)
    assert r.returncode == 0, r
    assert "ditulis ke" in r.stdout
    assert "KEPUTUSAN" in text_of(ws / "output" / "2026" / "prov-kalbar" / "keputusan.docx")
    # Without ./templates the wheel's own copies are used.
    shutil.rmtree(ws / "templates")
    r = zi("build", "--satker", "kab-sambas", "--jobs", "1", cwd=ws)
    assert r.returncode == 0, r
    assert "Pelayanan Publik" in "\n".join(
        c.text for t in Document(ws / "output" / "2026" / "kab-sambas" / "lampiran.docx").tables
        for row in t.rows for c in row.cells) + text_of(ws / "output" / "2026" / "kab-sambas" / "lampiran.docx")
    r = zi("--version", cwd=empty)
    assert r.returncode == 0 and r.stdout.startswith("zi-docgen ")
