"""Every message exists in Indonesian and English, and the shipped catalogs are up to date."""
from __future__ import annotations

import importlib.util
import string
import sys
from pathlib import Path

import pytest

from zi_docgen import i18n

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("zi_i18n_tool", ROOT / "tools" / "i18n.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


TOOL = _tool()
TEMPLATE = TOOL.extract()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _strings(msg) -> list[str]:
    return list(msg.string) if isinstance(msg.string, tuple) else [msg.string]


def test_extraction_sees_every_translated_literal():
    """A _("...") written inside an f-string is invisible to Babel (before Python 3.12): never translated."""
    import ast

    seen = {m.id if isinstance(m.id, str) else m.id[0] for m in TEMPLATE if m.id}
    hidden = []
    for path in sorted((ROOT / "zi_docgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "gettext", "ngettext") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.args[0].value not in seen):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert not hidden, "move these out of the f-string so tools/i18n.py extracts them: " + "; ".join(hidden)


def test_the_code_has_messages():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in TEMPLATE if m.id}
    assert "Building documents" in ids and len(ids) > 40


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated(lang):
    from babel.messages.pofile import read_po

    with TOOL.po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=i18n.DOMAIN)
    missing, wrong_fields = [], []
    for msg in TEMPLATE:
        if not msg.id:
            continue
        found = catalog.get(msg.id, msg.context)
        if found is None or not all(_strings(found)) or found.fuzzy:
            missing.append(msg.id)
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        for text in _strings(found):
            if _fields(text) != _fields(ids[0]):
                wrong_fields.append((msg.id, text))
    assert not missing, f"{lang}: untranslated (edit {TOOL.po_path(lang).relative_to(ROOT)}, then run tools/i18n.py): {missing}"
    assert not wrong_fields, f"{lang}: {{placeholders}} differ from the English: {wrong_fields}"


def test_catalogs_and_compiled_files_are_up_to_date():
    stale = []
    for lang in i18n.LANGUAGES:
        catalog = TOOL.updated(lang, TEMPLATE)
        po = TOOL.po_path(lang)
        if po.read_bytes() != TOOL.po_bytes(catalog):
            stale.append(po)
        if po.with_suffix(".mo").read_bytes() != TOOL.mo_bytes(catalog):
            stale.append(po.with_suffix(".mo"))
    assert not stale, f"run: python tools/i18n.py (out of date: {stale})"


def test_indonesian_is_the_default_and_english_on_request():
    assert i18n.language_from_env({}) == "id"
    assert i18n.language_from_env({"LANG": "C.UTF-8"}) == "id"
    assert i18n.language_from_env({"LANG": "id_ID.UTF-8"}) == "id"
    assert i18n.language_from_env({"LANG": "en_US.UTF-8"}) == "en"
    assert i18n.language_from_env({"LC_MESSAGES": "en_GB", "LANG": "id_ID"}) == "en"
    assert i18n.language_from_env({"LANGUAGE": "en_AU:en", "LANG": "id_ID.UTF-8"}) == "en"
    assert i18n.language_from_env({"LANGUAGE": "id", "LANG": "en_US.UTF-8"}) == "id"
    assert i18n.language_from_env({"LC_ALL": "C", "LANG": "en_US.UTF-8"}) == "en"
    assert i18n.language_from_env({"ZI_DOCGEN_LANG": "en", "LANG": "id_ID"}) == "en"


def test_translation_follows_the_chosen_language():
    with i18n.use_language("id"):
        assert i18n._("Building documents") == "Membuat dokumen"
    with i18n.use_language("en"):
        assert i18n._("Building documents") == "Building documents"
    with i18n.use_language("id"):
        text = i18n.ngettext("wrote {n} document for {k} satker to {out}",
                             "wrote {n} documents for {k} satker to {out}", 3)
        assert text.startswith("{n} dokumen")
