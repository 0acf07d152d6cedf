from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from docx import Document

# Users get Indonesian by default. In-process tests assert on the English wording (the
# msgids, stable while translations are polished) unless they ask for Indonesian with
# zi_docgen.i18n.use_language("id"); the console-script tests (test_cli*.py) set the
# user's environment themselves.
os.environ["ZI_DOCGEN_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"


@pytest.fixture(autouse=True, scope="session")
def _ctrl_c_reaches_children():
    """A shell starts a background job (`pytest &`, some CI runners) with SIGINT ignored, and an
    ignored signal stays ignored through exec: the builds the Ctrl-C tests start would never see
    their Ctrl-C (and a build waiting on a stand-in LibreOffice would hang). A handled signal is
    reset to the default in the child, so the children start as from a terminal."""
    import signal

    old = signal.getsignal(signal.SIGINT)
    if old == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


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
