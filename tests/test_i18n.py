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
        text = i18n.ngettext("wrote {n} file for {k} satker to {out}",
                             "wrote {n} files for {k} satker to {out}", 3)
        assert text.startswith("{n} berkas")


# ---------------------------------------------------------------- messages not wrapped in _()

def _is_bare_text(node) -> bool:
    """An English text written in the code and shown as it is: a literal with letters, an
    f-string, "...".format(...) or a concatenation holding one, not passed through _()/N_()."""
    import ast

    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        # f"'{word}': {why}" shows `why` as it is: only a translated whole is safe
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_bare_text(node.func.value)
    if isinstance(node, ast.BinOp):
        return _is_bare_text(node.left) or _is_bare_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_bare_text(node.body) or _is_bare_text(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_is_bare_text(v) for v in node.values)
    return False


def _callee(node) -> str:
    import ast

    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


# Raise sites that a user can never see: a programming mistake inside the package, not a
# data or usage mistake. (file, start of the message) -- keep this list short.
INTERNAL_RAISES = {
    ("zi_docgen/check/dictionary.py", "compounding / COMPLEXPREFIXES"),  # the shipped .aff has none
    ("zi_docgen/i18n.py", "unsupported language"),                 # the CLI's --lang is a fixed choice
    ("zi_docgen/resolve/decree.py", "{addr}: this decree is of"),  # KeyError of a lookup by the code
    ("zi_docgen/render/figure.py", "width_mm and dpi must be positive"),  # the renderer's own constants
}


def _user_messages(tree):
    """(node, message) for every text that reaches the user as an error or a finding."""
    import ast

    from zi_docgen import errors

    error_classes = {n for n, c in vars(errors).items() if isinstance(c, type) and issubclass(c, errors.ZiError)}
    raised = {id(n.exc) for n in ast.walk(tree) if isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        if id(node) in raised or name in error_classes:
            # ZiError(message, src, hint); ValueError(message) in a validator becomes a DataError
            args = [a for i, a in enumerate(node.args) if i in (0, 2)]
            args += [k.value for k in node.keywords if k.arg in ("message", "hint", "msg")]
            for a in args:
                yield node, a
        elif name == "Hit" and len(node.args) >= 5:
            yield node, node.args[4]  # Hit(start, end, severity, rule, message, suggestion)
        elif len(node.args) >= 4 and (name == "Finding" or (
                name == "add" and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ("error", "warning", "info"))):
            yield node, node.args[3]  # Finding / add(where, severity, rule, message, suggestion)


def test_every_user_message_goes_through_gettext():
    """An error or finding whose text is a bare literal or f-string stays English for everyone."""
    import ast

    bare = []
    for path in sorted((ROOT / "zi_docgen").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for call, arg in _user_messages(ast.parse(path.read_text(encoding="utf-8"))):
            if not _is_bare_text(arg):
                continue
            text = ast.unparse(arg)
            if any(rel == f and start in text for f, start in INTERNAL_RAISES):
                continue
            bare.append(f"{rel}:{call.lineno}: {text[:90]}")
    assert not bare, (f"{len(bare)} message(s) not wrapped in _() (write _('... {{name}} ...').format(name=...) "
                      "and translate it in locale/id):\n" + "\n".join(bare))


def test_the_message_scan_finds_bare_messages():
    import ast

    code = (
        "raise DataError(f'unknown {x}', src, 'fix it')\n"
        "raise DataError(_('unknown {x}').format(x=x), src, _('fix it'))\n"
        "errors.add(EditRefused('no such item'))\n"
        "t.add(0, 'error', 'rule', f'{a} differs', None)\n"
        "out.append(Hit(0, 4, 'error', 'rule', 'the diktum names it', 'x'))\n"
        "raise ValueError(N_('an item needs text'))\n"
    )
    found = sorted((c.lineno, _is_bare_text(a)) for c, a in _user_messages(ast.parse(code)))
    assert found == [(1, True), (1, True), (2, False), (2, False), (3, True), (4, True), (5, True), (6, False)]


def test_no_function_hides_gettext_behind_a_local_underscore():
    """`for x, _ in ...` makes `_` a local of the whole function: a _("...") there then calls
    the loop's value (TypeError or UnboundLocalError) instead of translating."""
    import ast

    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp, ast.ClassDef)

    def own(scope):
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            n = stack.pop()
            yield n
            if not isinstance(n, scopes):
                stack.extend(ast.iter_child_nodes(n))

    def binds(scope) -> bool:
        args = [a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)] if hasattr(scope, "args") else []
        return "_" in args or any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                                  for n in own(scope))

    hidden = []
    for path in sorted((ROOT / "zi_docgen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
            if not binds(scope):
                continue
            calls = [n.lineno for n in ast.walk(scope)
                     if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"]
            if calls:
                hidden.append(f"{path.relative_to(ROOT)}:{getattr(scope, 'lineno', 1)} (calls _() at {calls})")
    assert not hidden, "rename the throwaway `_` variable in: " + "; ".join(hidden)
