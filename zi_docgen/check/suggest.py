"""Suggestions for a misspelt word: spylls' Hunspell algorithm over our word set, ranked by
edit distance against common words and the words of the document being checked."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from .dictionary import _hunspell, _hunspell_aff

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


class _SpyllsLookupProxy:
    """Stands in for spylls' ``Lookup`` inside its ``Suggest``: candidate
    checks become set look-ups instead of affix analysis."""

    def __init__(self, checker: Any) -> None:
        self._checker = checker

    def good_forms(self, word, *, capitalization=True, allow_nosuggest=True, affix_forms=True, compound_forms=True):
        if not affix_forms:  # id_ID has no compounding
            return ()
        if capitalization:
            return (True,) if self._checker._in_wordlist(word) else ()
        return (True,) if self._checker._has_exact(word) else ()

    def __call__(self, word, *, capitalization=True, allow_nosuggest=True):
        return self._checker._in_wordlist(word)


def _make_suggester(checker: Any):
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
