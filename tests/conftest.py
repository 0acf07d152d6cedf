from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """One build of every office for the shipped data, shared by the read-back tests."""
    from zi_docgen.workflows.build import build

    out = tmp_path_factory.mktemp("out")
    build(DATA, out, TEMPLATES, jobs=2)
    return out / "2026"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the shipped data that a test may edit."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(path).paragraphs]


def body_text(path: Path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)
