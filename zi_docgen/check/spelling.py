"""Spelling checker for Indonesian decree text.

Modules: dictionary.py loads the word set and the lexicon, tokens.py finds the words
of a text, suggest.py finds and ranks corrections; this module holds the checker.

Word list
---------
The checker uses the Indonesian Hunspell dictionary ``id_ID`` from the
LibreOffice dictionaries (LGPL-3, vendored in ``zi_docgen/dictionaries``,
see ``LICENSE-id_ID.txt``) plus the project lexicon
``zi_docgen/dictionaries/lexicon.txt`` and any ``extra_words`` given by the
caller.

Speed
-----
spylls (pure-Python Hunspell) needs ~0.35 s to load id_ID and then 0.1-5 ms
per affixed word, because every lookup re-analyses the Indonesian prefix,
suffix and circumfix combinations; that is too slow for a ~1,500-unique-word
decree within a 1 s budget.  Spylls' suggestion search is even slower (up to
6 s per word) for the same reason: it checks thousands of candidates with
that lookup.

So lookups use a *pre-expanded* word set: every form the affix rules of
id_ID generate (~304,000 words), computed by :func:`expand_hunspell` with the
same rules spylls applies when checking (prefix/suffix conditions, two-level
suffixes, cross-product, CIRCUMFIX, NEEDAFFIX).  It ships gzipped in the
package as ``dictionaries/id_ID.words.gz`` (loads in ~0.1 s); its first line
records the sha256 of the .aff/.dic pair it came from.  If that does not
match the dictionary actually in use, the set is rebuilt with spylls (~8 s,
once) and cached in the user cache directory under that sha256.
Regenerate the shipped file with ``python -m zi_docgen.check.spelling build-wordlist``.

spylls itself is loaded lazily, only when a word is not in the set: to
confirm the verdict (cheap insurance against an expansion bug) and to
compute suggestions.  Suggestions use spylls' Hunspell algorithm, but with
our word set as the lookup it calls for candidate checking (~0.1-0.2 s per
wrong word instead of seconds), combined with an edit-distance search over a
small vocabulary of common/project words and the words of the document being
checked (spylls has no word frequencies and would rank, e.g., "melabuai"
above "melalui" for "melauai").

What id_ID says about KBBI non-standard forms
----------------------------------------------
Checked with spylls 0.1.7 against the vendored id_ID (LibreOffice 7.5):

* ``resiko``        -- rejected; suggests resik, risiko, ... (standard: risiko)
* ``survey``        -- rejected; suggests survei
* ``efektifitas``   -- rejected; suggests efektivitas
* ``konkrit``       -- rejected; suggests konkret
* ``memperbaharui`` -- ACCEPTED (as is the standard memperbarui): this one is
  only caught by the "known confusions" rule, not by spelling
* ``masal``         -- rejected, but id_ID suggests only amsal, malas,
  nasal, masak, asal; "massal" comes from our common-word vocabulary

The "known confusions" rule handles all of them regardless.
"""

from __future__ import annotations

import functools
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .dictionary import (WORDLIST_PATH, _dictionary_digest, _dictionary_paths, _load_wordset, _mixed_lower,
                         _write_wordlist, build_wordlist, expand_hunspell, read_lexicon)
from .suggest import _COMMON_WORDS, _make_suggester, _match_case, _osa_distance, _prefer_reduplication, _unique
from .tokens import _CAPITAL_PREFIX_RE, _DASHES, _is_title, iter_words

__all__ = [
    "Misspelling",
    "SpellChecker",
    "default_checker",
    "expand_hunspell",
    "build_wordlist",
    "iter_words",
]

MAX_SUGGESTIONS = 5
# Suggestions are searched only for words of ordinary length: the suggester's work grows
# much faster than the word (a pasted 2,000-character token took seconds, a megabyte never
# finished). Indonesian words, reduplications included, stay well below this.
MAX_SUGGEST_LENGTH = 40
# A hyphenated word is correct when it splits into correct pieces; a piece spans at most
# this many hyphen-separated parts (aba-aba, Undang-Undang), which keeps the check linear.
MAX_PIECE_PARTS = 4


@dataclass(frozen=True)
class Misspelling:
    word: str  # as it appears in the text
    start: int  # character offset in the text given
    suggestions: tuple[str, ...]  # best first, at most 5; may be empty


class SpellChecker:
    """Indonesian spelling checker (id_ID + project lexicon + extra words)."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._aff_path, self._dic_path = _dictionary_paths()
        wordset = _load_wordset(self._aff_path, self._dic_path)
        self._words = wordset.words
        self._extra = frozenset(w.strip() for w in (*read_lexicon(), *extra_words) if w and w.strip())
        self._wordset = wordset
        self._vocabulary = frozenset(_COMMON_WORDS | self._extra)  # for suggestion ranking
        self._memo: dict[str, bool] = {}
        self._suggest_memo: dict[str, tuple[str, ...]] = {}
        self._suggester = None
        self._lock = threading.Lock()

    @functools.cached_property
    def _mixed_lower(self) -> frozenset[str]:
        return self._wordset.mixed_lower | _mixed_lower(self._extra)

    # -- lookup -------------------------------------------------------------

    def _has_exact(self, word: str) -> bool:
        return word in self._words or word in self._extra

    def _known_cased(self, word: str) -> bool:
        """``word`` is a dictionary word in one of its allowed casings."""
        if self._has_exact(word):
            return True
        if word.islower():
            return False
        if word.isupper():
            lower = word.lower()
            return (
                self._has_exact(lower)
                or self._has_exact(word[0] + lower[1:])
                or lower in self._mixed_lower
            )
        if _is_title(word):
            return self._has_exact(word.lower())
        if word[:1].isupper() and self._has_exact(word[0].lower() + word[1:]):
            return True
        # Title-Case hyphenated words (E-Office, Masing-Masing)
        if "-" in word and all(_is_title(p) or p.islower() or p.isupper() for p in word.split("-") if p):
            return self._has_exact(word.lower())
        return False

    def _in_wordlist(self, word: str) -> bool:
        """Set-based verdict: case variants and Hunspell's default BREAK
        (``-``): a word is correct if it splits at hyphens into correct
        pieces (a piece may itself contain hyphens: aba-aba)."""
        word = word.translate(_DASHES)
        if self._known_cased(word):
            return True
        if "-" not in word:
            return False
        word = word.strip("-")
        if not word:
            return True
        m = _CAPITAL_PREFIX_RE.match(word)
        if m and word[m.end()].isupper():  # se-Kalimantan, non-ASN (PUEBI: prefix + capitalised word)
            return self._in_wordlist(word[m.end():])
        parts = word.split("-")
        n = len(parts)
        ok = [False] * (n + 1)  # ok[i]: parts[:i] splits into correct pieces
        ok[0] = True
        for end in range(1, n + 1):
            for start in range(max(0, end - MAX_PIECE_PARTS), end):
                if ok[start]:
                    piece = "-".join(parts[start:end])
                    if not piece or self._known_cased(piece):
                        ok[end] = True
                        break
        return ok[n]

    def _lookup(self, word: str) -> bool:
        """The underlying (uncached) check of one word.

        The expanded word set gives the same verdicts as spylls' lookup of
        id_ID (tests compare them), so spylls is not consulted here.
        """
        if not word or word.isdigit():
            return True
        return self._in_wordlist(word)

    def is_correct(self, word: str) -> bool:
        try:
            return self._memo[word]
        except KeyError:
            pass
        result = self._lookup(word)
        self._memo[word] = result
        return result

    # -- suggestions --------------------------------------------------------

    def _hunspell_suggestions(self, word: str, limit: int = 8) -> list[str]:
        with self._lock:
            if self._suggester is None:
                self._suggester = _make_suggester(self)
        result: list[str] = []
        for suggestion in self._suggester(word.translate(_DASHES)):
            if suggestion not in result:
                result.append(suggestion)
            if len(result) >= limit:
                break
        return _prefer_reduplication(result)

    def _base_suggestions(self, word: str) -> tuple[str, ...]:
        try:
            return self._suggest_memo[word]
        except KeyError:
            pass
        result = tuple(self._hunspell_suggestions(word))
        if "-" in word.strip("-"):
            result = tuple(_unique([*self._hyphen_part_suggestions(word), *result]))
        self._suggest_memo[word] = result
        return result

    def _hyphen_part_suggestions(self, word: str) -> list[str]:
        """Masing-maisng -> masing-masing: fix the first wrong piece."""
        parts = word.split("-")
        for i, part in enumerate(parts):
            if part and len(part) > 1 and not self._in_wordlist(part):
                out = []
                for sug in self._base_suggestions(part)[:MAX_SUGGESTIONS]:
                    if " " in sug:
                        continue
                    candidate = "-".join([*parts[:i], sug, *parts[i + 1:]])
                    if self._in_wordlist(candidate):
                        out.append(candidate)
                return out
        return []

    def _rank(
        self,
        word: str,
        hunspell: tuple[str, ...],
        vocabulary: Iterable[str],
        document: frozenset[str] = frozenset(),
    ) -> tuple[str, ...]:
        """Merge spylls' suggestions with close words from ``vocabulary``.

        Order: vocabulary words at distance <= 1, (up to two) words of the
        document being checked at distance 2, spylls' best guess, other
        vocabulary words at distance 2, the rest of spylls' list.
        """
        key = word.translate(_DASHES).lower()
        from_hunspell = {h.lower() for h in hunspell}
        close: list[tuple[int, bool, bool, str, str]] = []
        key_chars = frozenset(key)
        for cand in vocabulary:
            cl = cand.lower()
            if cand == word or abs(len(cl) - len(key)) > 2:
                continue
            if len(key_chars.symmetric_difference(cl)) > 4:  # > 2 edits for sure
                continue
            d = _osa_distance(key, cl, 2)
            if d <= 2:
                # prefer: smaller distance, also found by Hunspell, not a
                # lexicon-only word (names, abbreviations), alphabetical
                close.append((d, cl not in from_hunspell, cand in self._extra and cand not in _COMMON_WORDS, cl, cand))
        close.sort()
        near = [_match_case(c[-1], word) for c in close if c[0] <= 1]
        far_doc = [_match_case(c[-1], word) for c in close if c[0] == 2 and c[-1] in document]
        far = [_match_case(c[-1], word) for c in close if c[0] == 2 and c[-1] not in document]
        merged = _unique([*near, *far_doc[:2], *hunspell[:1], *far, *far_doc[2:], *hunspell[1:]], casefold=True)
        return tuple(merged[:MAX_SUGGESTIONS])

    def _dictionary_form(self, word: str) -> str:
        """'Pembangunan' at a sentence start -> 'pembangunan'."""
        if word.islower() or self._has_exact(word):
            return word
        for form in (word.lower(), word[:1].lower() + word[1:]):
            if self._in_wordlist(form):
                return form
        return word

    def suggest(self, word: str) -> tuple[str, ...]:
        if len(word) > MAX_SUGGEST_LENGTH:
            return ()
        return self._rank(word, self._base_suggestions(word), self._vocabulary)

    # -- texts --------------------------------------------------------------

    def check_text(self, text: str) -> list[Misspelling]:
        return self.check_texts([text])[0]

    def check_texts(self, texts: Iterable[str]) -> list[list[Misspelling]]:
        tokenised = [list(iter_words(text)) for text in texts]
        unique = dict.fromkeys(word for words in tokenised for word, _ in words)
        wrong = [word for word in unique if not self.is_correct(word)]
        if not wrong:
            return [[] for _ in tokenised]
        wrong_set = set(wrong)
        # words spelled correctly elsewhere in these texts are likely targets
        document = frozenset(self._dictionary_form(w) for w in unique if w not in wrong_set and len(w) > 2)
        vocabulary = self._vocabulary | document
        suggestions = {w: self._rank(w, self._base_suggestions(w), vocabulary, document)
                       if len(w) <= MAX_SUGGEST_LENGTH else () for w in wrong}
        return [
            [Misspelling(word, start, suggestions[word]) for word, start in words if word in wrong_set]
            for words in tokenised
        ]


@functools.lru_cache(maxsize=None)
def default_checker() -> SpellChecker:
    return SpellChecker()


# ---------------------------------------------------------------------------
# Command line: python -m zi_docgen.spelling build-wordlist | check FILE...
# ---------------------------------------------------------------------------


def _main(argv: list[str]) -> int:
    if argv[:1] == ["build-wordlist"]:
        aff_path, dic_path = _dictionary_paths()
        words = build_wordlist(aff_path, dic_path)
        _write_wordlist(WORDLIST_PATH, words, _dictionary_digest(aff_path, dic_path))
        print(f"wrote {len(words)} words to {WORDLIST_PATH}")
        return 0
    if argv[:1] == ["check"] and len(argv) > 1:
        checker = default_checker()
        texts = [Path(p).read_text(encoding="utf-8") for p in argv[1:]]
        for path, found in zip(argv[1:], checker.check_texts(texts)):
            for m in found:
                print(f"{path}:{m.start}: {m.word} -> {', '.join(m.suggestions) or '?'}")
        return 0
    print("usage: python -m zi_docgen.spelling build-wordlist | check FILE...", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
