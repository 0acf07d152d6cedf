"""Indonesian first, English on request.

Messages are written in English in the code (`_("...")`, `ngettext(...)`) and
translated through the gettext catalogs in zi_docgen/locale/{id,en}. Every
message must exist in both catalogs (tests/test_i18n.py); tools/i18n.py extracts
and compiles them with Babel.

Language: set_language() (the CLI's --lang), else ZI_DOCGEN_LANG, else the
first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that names Indonesian or English,
else Indonesian. Python's gettext module is used directly (not Babel at run
time), so importing this module is cheap.
"""
from __future__ import annotations

import contextlib
import gettext as _gettext
import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator, Mapping, Optional

DOMAIN = "zi_docgen"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
# Child processes (build workers under spawn) inherit the language through this.
ENV_VAR = "ZI_DOCGEN_LANG"

_chosen: Optional[str] = None
# A per-request override (web server threads) that does not touch the process default.
_override: ContextVar[Optional[str]] = ContextVar("zi_docgen_lang", default=None)
_catalogs: dict[str, _gettext.NullTranslations] = {}


def normalize(value: Optional[str]) -> Optional[str]:
    """'en_US.UTF-8' -> 'en', 'id_ID' -> 'id', 'in' (old code) -> 'id'; None for anything else."""
    if not value:
        return None
    code = value.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code == "in":
        code = "id"
    return code if code in LANGUAGES else None


def language_from_env(environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    explicit = normalize(env.get(ENV_VAR))
    if explicit:
        return explicit
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        # LANGUAGE may list several ("en_GB:en"); take the first we speak.
        for part in (env.get(var) or "").split(":"):
            lang = normalize(part)
            if lang:
                return lang
    return DEFAULT_LANGUAGE


def get_language() -> str:
    global _chosen
    lang = _override.get()
    if lang:
        return lang
    if _chosen is None:
        _chosen = language_from_env()
    return _chosen


def set_language(lang: Optional[str]) -> str:
    """Choose the language for this process and its child processes; None re-reads the environment."""
    global _chosen
    if lang is None:
        os.environ.pop(ENV_VAR, None)
        _chosen = language_from_env()
        return _chosen
    norm = normalize(lang)
    if norm is None:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _chosen = norm
    os.environ[ENV_VAR] = norm
    return norm


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Speak `lang` inside the block only (this thread / task)."""
    norm = normalize(lang) or DEFAULT_LANGUAGE
    token = _override.set(norm)
    try:
        yield norm
    finally:
        _override.reset(token)


def translations(lang: Optional[str] = None) -> _gettext.NullTranslations:
    lang = lang or get_language()
    cat = _catalogs.get(lang)
    if cat is None:
        cat = _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)
        _catalogs[lang] = cat
    return cat


def _(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction; translate it later with _() where it is shown."""
    return message


gettext = _


def reword(text: str, known, flags: int = 0) -> str:
    """A library's English sentence (PyYAML, Jinja) in the user's language when it is one of
    `known`, (regex over the whole text, msgid with the regex's named groups) pairs; any
    other text is returned as it is."""
    text = text.strip()
    for pattern, message in known:
        m = re.fullmatch(pattern, text, flags)
        if m:
            return _(message).format(**m.groupdict())
    return text
