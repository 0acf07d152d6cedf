"""Spelling checker for Indonesian decree text.

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
Regenerate the shipped file with ``python -m zi_docgen.spelling build-wordlist``.

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
import gzip
import hashlib
import logging
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

__all__ = [
    "Misspelling",
    "SpellChecker",
    "default_checker",
    "expand_hunspell",
    "build_wordlist",
]

log = logging.getLogger(__name__)

DICTIONARY_DIR = Path(__file__).resolve().parent.parent / "dictionaries"
DICTIONARY_NAME = "id_ID"
LEXICON_PATH = DICTIONARY_DIR / "lexicon.txt"
WORDLIST_PATH = DICTIONARY_DIR / f"{DICTIONARY_NAME}.words.gz"
_WORDLIST_MAGIC = "#zi_docgen-wordlist v1 sha256="

MAX_SUGGESTIONS = 5
# Suggestions are searched only for words of ordinary length: the suggester's work grows
# much faster than the word (a pasted 2,000-character token took seconds, a megabyte never
# finished). Indonesian words, reduplications included, stay well below this.
MAX_SUGGEST_LENGTH = 40
# A hyphenated word is correct when it splits into correct pieces; a piece spans at most
# this many hyphen-separated parts (aba-aba, Undang-Undang), which keeps the check linear.
MAX_PIECE_PARTS = 4

# Very frequent words of Indonesian official texts.  They are not needed for
# *checking* (id_ID has them); they only help rank suggestions, since Hunspell
# dictionaries carry no word frequencies.
_COMMON_WORDS = frozenset(
    """
    ada adalah agar akan antara apabila atas atau bagi bagian bahwa baik
    bersama berdasarkan berikut berlaku bidang dalam dan dapat dari dengan
    di hal hanya hari harus hasil ini itu jika juga kami kepada ke kembali
    lain lainnya lebih maka masing-masing melalui menjadi mengenai menurut
    mulai namun oleh pada paling para per perlu saat salah sampai satu
    sebagai sebagaimana secara sehingga sejak sekurang-kurangnya selaku
    selanjutnya seluruh semua serta sesuai setiap setelah tahun tanggal
    telah tentang terhadap terkait tersebut tetap tiap untuk wajib yaitu
    yakni yang
    acuan administrasi akuntabilitas anggaran anggota aparatur bebas
    berkala bersih birokrasi dokumen efektif efektivitas efisien efisiensi
    evaluasi gratifikasi integritas jabatan kabupaten kebijakan kegiatan
    kepegawaian keputusan kerja ketua kinerja komisi komprehensif konkret
    korupsi kota laporan lembaran lingkungan manajemen massal masyarakat
    melaksanakan melayani memperbarui menetapkan menteri menuju nomor
    pakta pegawai pelaksanaan pelayanan pembangunan pemerintahan pemilihan
    penanggung penetapan pengawasan peningkatan perubahan peraturan
    perencanaan program provinsi publik rencana republik risiko sekretaris
    serentak standar survei target tim tugas umum undang-undang wilayah
    zona
    """.split()
)


# ---------------------------------------------------------------------------
# Public data type
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Misspelling:
    word: str  # as it appears in the text
    start: int  # character offset in the text given
    suggestions: tuple[str, ...]  # best first, at most 5; may be empty


# ---------------------------------------------------------------------------
# Hunspell expansion (build time) and word-set loading
# ---------------------------------------------------------------------------


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


def _read_wordlist(path: Path, digest: str) -> Optional[frozenset[str]]:
    """The word set in ``path``, or None if missing, unreadable or stale."""
    try:
        with gzip.open(path, "rb") as gz:
            text = gz.read().decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    header, _, body = text.partition("\n")
    if header != _WORDLIST_MAGIC + digest:
        return None
    # Strip the text rather than remove "" from the set: that would copy 300k entries.
    return frozenset(body.strip("\n").split("\n")) if body.strip("\n") else frozenset()


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
    def __init__(self, words: frozenset[str], digest: str):
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
    return _WordSet(words, digest)


def read_lexicon(path: Path = LEXICON_PATH) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


# ---------------------------------------------------------------------------
# Tokenisation
# ---------------------------------------------------------------------------

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'", "\u02bc": "'"})
_SPAN_RE = re.compile(r"\S+")
_TOKEN_RE = re.compile(r"\w+(?:[-\u2010\u2011'\u2019]\w+)*")
_URL_RE = re.compile(r"(?:^|[(\[<\"'])(?:[a-z][a-z0-9+.\-]*://|www\.)|\w@\w", re.IGNORECASE)
_ID_SEPARATORS = re.compile(r"[/.:_#\\]")
_EDGE_PUNCT = "()[]{}<>\"'“”‘’«»,;:!?.…*"
# PUEBI: a prefix before a capitalised word takes a hyphen (se-Indonesia)
_CAPITAL_PREFIX_RE = re.compile(r"(?i:se|non|pan|pra|pro|anti|pasca|antar)-(?=[^\W\d_])")
_ROMAN_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _is_title(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _is_roman(token: str) -> bool:
    if token.isupper():
        return bool(_ROMAN_RE.fullmatch(token))
    if token.islower() and len(token) <= 4:  # list markers i, ii, iv, ...
        return bool(_ROMAN_RE.fullmatch(token.upper()))
    return False


def _is_dotted_abbreviation(span: str) -> bool:
    """S.H., M.Si., Tk.I, a.n., u.p., S.Kom -- but not 'berlaku.Dengan'."""
    pieces = span.rstrip(".").split(".")
    if len(pieces) < 2 or not all(p.isalpha() and len(p) <= 4 for p in pieces):
        return False
    return all(p[0].isupper() for p in pieces) or all(len(p) <= 2 for p in pieces)


def iter_words(text: str) -> Iterator[tuple[str, int]]:
    """Words of ``text`` to spell-check, with their offsets.

    Skipped: URLs, e-mail addresses, identifiers such as decree numbers
    (``3/PP.01.2-Kpt/05/Prov/2024``), dotted abbreviations (``S.H.``,
    ``M.Si.``), numbers, words containing digits or underscores, single
    letters and roman numerals.  Slashes separate words (``Kabupaten/Kota``);
    hyphens and apostrophes inside a word keep it together (``Undang-Undang``).
    """
    for span_match in _SPAN_RE.finditer(text):
        span = span_match.group()
        core = span.strip(_EDGE_PUNCT)
        if not core:
            continue
        if _URL_RE.search(span):
            continue
        has_digit = any(c.isdigit() for c in core)
        if has_digit and _ID_SEPARATORS.search(core) and any(c.isalpha() for c in core):
            continue
        if "." in core and _is_dotted_abbreviation(core):
            continue
        base = span_match.start()
        for m in _TOKEN_RE.finditer(span):
            token = m.group()
            if len(token) < 2 or "_" in token or any(c.isdigit() for c in token):
                continue
            if _is_roman(token):
                continue
            yield token, base + m.start()


# ---------------------------------------------------------------------------
# Edit distance for suggestion ranking
# ---------------------------------------------------------------------------


def _osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance, or ``limit + 1`` if above limit."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: Optional[list[int]] = None
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= limit else limit + 1


def _match_case(candidate: str, like: str) -> str:
    if "-" in candidate and candidate.count("-") == like.count("-"):
        return "-".join(_match_case(c, l) if c and l else c for c, l in zip(candidate.split("-"), like.split("-")))
    if like.isupper() and len(like) > 1:
        return candidate.upper()
    if like[:1].isupper() and candidate[:1].islower():
        return candidate[:1].upper() + candidate[1:]
    return candidate


# ---------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------


class _SpyllsLookupProxy:
    """Stands in for spylls' ``Lookup`` inside its ``Suggest``: candidate
    checks become set look-ups instead of affix analysis."""

    def __init__(self, checker: "SpellChecker") -> None:
        self._checker = checker

    def good_forms(self, word, *, capitalization=True, allow_nosuggest=True, affix_forms=True, compound_forms=True):
        if not affix_forms:  # id_ID has no compounding
            return ()
        if capitalization:
            return (True,) if self._checker._in_wordlist(word) else ()
        return (True,) if self._checker._has_exact(word) else ()

    def __call__(self, word, *, capitalization=True, allow_nosuggest=True):
        return self._checker._in_wordlist(word)


def _make_suggester(checker: "SpellChecker"):
    """spylls' Hunspell suggestion algorithm, adapted for speed.

    * candidate checks go to our word set (:class:`_SpyllsLookupProxy`);
    * it starts from the .aff alone; the .dic (0.35 s to parse) is loaded
      only for n-gram suggestions, which run only when the edit-based
      suggestions found nothing (Hunspell runs them unless it found a REP /
      case fix, but next to an edit-distance-1 word they are nearly always
      noise, and they cost ~0.13 s per word).
    """
    from spylls.hunspell.algo.suggest import Suggest
    from spylls.hunspell.data.dic import Dic

    aff_path, dic_path = checker._aff_path, checker._dic_path

    class _Suggest(Suggest):
        _full_dic_loaded = False

        def ngram_suggestions(self, word, handled):
            if handled:
                return
            if not self._full_dic_loaded:
                dictionary = _hunspell(aff_path, dic_path)
                fresh = Suggest(dictionary.aff, dictionary.dic, self.lookup)
                self.dic, self.words_for_ngram = fresh.dic, fresh.words_for_ngram
                self._full_dic_loaded = True
            yield from super().ngram_suggestions(word, handled)

    return _Suggest(_hunspell_aff(aff_path), Dic(words=[]), _SpyllsLookupProxy(checker))


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


def _unique(items: Iterable[str], casefold: bool = False) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower() if casefold else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _prefer_reduplication(suggestions: list[str]) -> list[str]:
    """Hunspell offers 'serendah rendahnya' before 'serendah-rendahnya';
    for Indonesian reduplications the hyphenated form is the right one."""
    out = list(suggestions)
    for i, sug in enumerate(out):
        if " " in sug:
            left, _, right = sug.partition(" ")
            hyphenated = f"{left}-{right}"
            stem = left[-4:]
            if hyphenated in out[i + 1:] and len(stem) == 4 and stem.lower() in right.lower():
                out.remove(hyphenated)
                out.insert(i, hyphenated)
    return out


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
