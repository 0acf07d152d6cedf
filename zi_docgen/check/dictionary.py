"""The spelling dictionary: Hunspell id_ID as a pre-expanded word set, and the project lexicon.

id_ID (LibreOffice dictionaries, LGPL-3, vendored in ``zi_docgen/dictionaries``, see
``LICENSE-id_ID.txt``) is expanded once into every form its affix rules generate
(~304,000 words, :func:`expand_hunspell`), shipped gzipped as
``dictionaries/id_ID.words.gz`` and headed by the sha256 of the .aff/.dic pair it came
from. If that does not match the dictionary in use, the set is rebuilt with spylls
(~8 s, once) and cached in the user cache directory. Regenerate the shipped file with
``python -m zi_docgen.check.spelling build-wordlist``.
"""
from __future__ import annotations

import bisect
import functools
import gzip
import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Set as AbstractSet
from pathlib import Path
from typing import Iterable, Optional

from .tokens import _is_title

log = logging.getLogger("zi_docgen.check.spelling")

DICTIONARY_DIR = Path(__file__).resolve().parent.parent / "dictionaries"
DICTIONARY_NAME = "id_ID"
LEXICON_PATH = DICTIONARY_DIR / "lexicon.txt"
WORDLIST_PATH = DICTIONARY_DIR / f"{DICTIONARY_NAME}.words.gz"
_WORDLIST_MAGIC = "#zi_docgen-wordlist v1 sha256="


def expand_hunspell(dictionary) -> set[str]:
    """All word forms accepted by a spylls ``Dictionary`` without compounding.

    Mirrors ``spylls.hunspell.algo.lookup.Lookup.is_good_form``: a form is
    ``[prefix] + stem + [inner suffix] + [outer suffix]`` where the outer
    suffix must be licensed by the inner one's continuation flags, the prefix
    and the inner suffix by the stem's, the other affix's or their own flags,
    prefix+suffix combinations need cross-product on all affixes, CIRCUMFIX
    affixes must pair up and NEEDAFFIX stems/affixes need another affix.
    Word breaking at hyphens (BREAK) is not expanded; it is done at lookup.
    Not supported (asserted): compounding and COMPLEXPREFIXES, which id_ID
    does not use.
    """
    aff = dictionary.aff
    if aff.COMPLEXPREFIXES or aff.COMPOUNDFLAG or aff.COMPOUNDRULE or aff.COMPOUNDBEGIN:
        raise NotImplementedError("compounding / COMPLEXPREFIXES are not supported")
    need, circ = aff.NEEDAFFIX, aff.CIRCUMFIX
    forbidden, onlyincompound = aff.FORBIDDENWORD, aff.ONLYINCOMPOUND
    sfx_by_flag, pfx_by_flag = aff.SFX, aff.PFX
    prefix_cont = frozenset().union(*(p.flags for ps in pfx_by_flag.values() for p in ps))
    empty: frozenset = frozenset()

    def add_suffix(sfx, stem: str) -> Optional[str]:
        if stem.endswith(sfx.strip) and sfx.cond_regexp.search(stem):
            return stem[: len(stem) - len(sfx.strip)] + sfx.add
        return None

    def add_prefix(pfx, stem: str) -> Optional[str]:
        if stem.startswith(pfx.strip) and pfx.cond_regexp.search(stem):
            return pfx.add + stem[len(pfx.strip):]
        return None

    out: set[str] = set()
    for entry in dictionary.dic.words:
        root, root_flags = entry.stem, frozenset(entry.flags)
        if forbidden and forbidden in root_flags:
            continue
        chains = [(root, None, None)]  # (text, inner suffix, outer suffix)
        for flag in root_flags | prefix_cont:
            for inner in sfx_by_flag.get(flag, ()):
                text1 = add_suffix(inner, root)
                if text1 is None:
                    continue
                chains.append((text1, inner, None))
                for flag2 in inner.flags:
                    for outer in sfx_by_flag.get(flag2, ()):
                        text2 = add_suffix(outer, text1)
                        if text2 is not None:
                            chains.append((text2, inner, outer))
        for text, inner, outer in chains:
            suffixes = [a for a in (inner, outer) if a is not None]
            inner_flags = inner.flags if inner is not None else empty
            prefixes = [None] + [p for f in root_flags | inner_flags for p in pfx_by_flag.get(f, ())]
            for pfx in prefixes:
                if pfx is None:
                    form, pfx_flags = text, empty
                else:
                    if suffixes and not (pfx.crossproduct and all(s.crossproduct for s in suffixes)):
                        continue
                    form = add_prefix(pfx, text)
                    if form is None:
                        continue
                    pfx_flags = pfx.flags
                all_flags = root_flags | pfx_flags | inner_flags
                if pfx is not None and pfx.flag not in all_flags:
                    continue
                if inner is not None and inner.flag not in all_flags:
                    continue
                affixes = ([pfx] if pfx is not None else []) + suffixes
                if need:
                    if need in root_flags and not affixes:
                        continue
                    if affixes and all(need in a.flags for a in affixes):
                        continue
                if circ:
                    if bool(inner is not None and circ in inner.flags) != bool(pfx is not None and circ in pfx.flags):
                        continue
                if onlyincompound and onlyincompound in all_flags:
                    continue
                out.add(form)
    out.discard("")
    return out


def _dictionary_paths(directory: Path = DICTIONARY_DIR, name: str = DICTIONARY_NAME) -> tuple[Path, Path]:
    return directory / f"{name}.aff", directory / f"{name}.dic"


def _dictionary_digest(aff_path: Path, dic_path: Path) -> str:
    h = hashlib.sha256()
    h.update(aff_path.read_bytes())
    h.update(b"\0")
    h.update(dic_path.read_bytes())
    return h.hexdigest()


def _write_wordlist(path: Path, words: Iterable[str], digest: str) -> None:
    """Write atomically a gzip word list headed by the dictionary digest."""
    data = (_WORDLIST_MAGIC + digest + "\n" + "\n".join(sorted(words)) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class SortedWords(AbstractSet):
    """A read-only set of words kept as one sorted list: membership by binary search.

    Hashing 300k words into a frozenset took longer than all the lookups of a
    15-office build (each distinct word is looked up once, spelling.py memoises);
    a sorted list costs only the split of the file's text.
    """

    __slots__ = ("_words",)

    def __init__(self, words: list[str]):
        self._words = words   # sorted, no duplicates

    @classmethod
    def of(cls, words: Iterable[str]) -> "SortedWords":
        return cls(sorted(set(words)))

    def __contains__(self, word: object) -> bool:
        i = bisect.bisect_left(self._words, word)
        return i < len(self._words) and self._words[i] == word

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def _read_wordlist(path: Path, digest: str) -> Optional[SortedWords]:
    """The word set in ``path``, or None if missing, unreadable or stale."""
    try:
        with gzip.open(path, "rb") as gz:
            text = gz.read().decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    header, _, body = text.partition("\n")
    if header != _WORDLIST_MAGIC + digest:
        return None
    body = body.strip("\n")
    # Sorted: _write_wordlist, the only writer of these files, sorts them (tests check the
    # shipped one), and the digest header rejects any other list.
    return SortedWords(body.split("\n") if body else [])


def _user_cache_dir() -> Path:
    override = os.environ.get("ZI_DOCGEN_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "zi_docgen" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "zi_docgen"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zi_docgen"


@functools.lru_cache(maxsize=None)
def _hunspell(aff_path: Path, dic_path: Path):
    """spylls Dictionary (~0.35 s to load: only when really needed)."""
    from spylls.hunspell import Dictionary

    assert aff_path.with_suffix("") == dic_path.with_suffix("")
    return Dictionary.from_files(str(aff_path.with_suffix("")))


@functools.lru_cache(maxsize=None)
def _hunspell_aff(aff_path: Path):
    """Just the parsed .aff (~20 ms): enough for edit-based suggestions."""
    from spylls.hunspell import readers
    from spylls.hunspell.readers.file_reader import FileReader

    aff, _context = readers.read_aff(FileReader(str(aff_path)))
    return aff


def build_wordlist(aff_path: Path, dic_path: Path) -> frozenset[str]:
    return frozenset(expand_hunspell(_hunspell(aff_path, dic_path)))


class _WordSet:
    def __init__(self, words: SortedWords, digest: str):
        self.words = words
        self.digest = digest

    @functools.cached_property
    def mixed_lower(self) -> frozenset[str]:
        """Lowercased entries with mixed case (PermenPANRB), for ALL-CAPS lookups.

        Computed on first need: scanning 300k words costs more than a whole check.
        """
        return _mixed_lower(self.words)


def _mixed_lower(words: Iterable[str]) -> frozenset[str]:
    return frozenset(
        w.lower() for w in words if not w.islower() and not w.isupper() and not _is_title(w)
    )


@functools.lru_cache(maxsize=None)
def _load_wordset(aff_path: Path, dic_path: Path) -> _WordSet:
    digest = _dictionary_digest(aff_path, dic_path)
    candidates = []
    if aff_path.parent == WORDLIST_PATH.parent and aff_path.stem == DICTIONARY_NAME:
        candidates.append(WORDLIST_PATH)
    cache_path = _user_cache_dir() / f"{aff_path.stem}-{digest[:20]}.words.gz"
    candidates.append(cache_path)
    for path in candidates:
        words = _read_wordlist(path, digest)
        if words is not None:
            return _WordSet(words, digest)
    log.warning("spelling: no word list for %s (sha256 %s); expanding it with spylls", aff_path, digest[:12])
    words = build_wordlist(aff_path, dic_path)
    try:
        _write_wordlist(cache_path, words, digest)
    except OSError as exc:  # read-only home etc.: keep it in memory only
        log.warning("spelling: cannot cache word list in %s: %s", cache_path, exc)
    return _WordSet(SortedWords.of(words), digest)


def read_lexicon(path: Path = LEXICON_PATH) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words
