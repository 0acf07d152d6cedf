import gzip
import random

import pytest

from zi_docgen.check import dictionary
from zi_docgen.check import spelling as spelling
from zi_docgen.check.spelling import SpellChecker, default_checker, iter_words

SAMPLE = (
    "bahwa untuk mewujudkan pelaksanaan Pembangunan Zona Integritas menuju Wilayah Bebas dari "
    "Korupsi dan Wilayah Birokrasi Bersih dan Melayani di Lingkungan Komisi Pemilihan Umum Provinsi "
    "Kalimantan Barat, perlu disusun Rencana Kerja sebagai acuan pelaksanaan tugas Tim Pembangunan "
    "Zona Integritas; Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara "
    "Republik Indonesia Tahun 2017 Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor "
    "6109) sebagaimana telah diubah dengan; Peraturan Menteri Pendayagunaan Aparatur Negara dan "
    "Reformasi Birokrasi; Melakukan penilaian risiko atas pelaksanaan kebijakan; Meningkatnya "
    "efisiensi dan efektivitas proses manajemen pemerintahan; Melakukan survei kepuasan masyarakat; "
    "bersifat konkret; Memperbarui Tim; secara massal/serentak; Penandatanganan dokumen Pakta "
    "Integritas; Pencanangan Pembangunan Zona Integritas; Menyusun kebutuhan pegawai dengan mengacu "
    "pada peta jabatan dan analisis beban kerja; Memutakhirkan data informasi kepegawaian secara "
    "berkala; Penyampaian Laporan Harta Kekayaan; Menindaklanjuti hasil evaluasi; "
    "serendah-rendahnya eselon III; Memaklumkan standar pelayanan; operasionalisasi; keterbukaan "
    "informasi publik; gratifikasi; benturan kepentingan; Tusi; komprehensif; efisien; kontinu; "
    "dicanangkan; serentak; KPU Kabupaten/Kota se-Kalimantan Barat"
)

TYPOS = {
    "pemabngunan": "pembangunan",
    "Intgritas": "Integritas",
    "dlaam": "dalam",
    "Wilyah": "Wilayah",
    "melauai": "melalui",
    "efesien": "efisien",
    "komperhensif": "komprehensif",
    "Ketertlibatan": "Keterlibatan",
    "Managemen": "Manajemen",
    "TERGET": "TARGET",
    "serendahrendahnya": "serendah-rendahnya",
    "pencaanangan": "pencanangan",
}


@pytest.fixture(scope="module")
def checker():
    return default_checker()


def test_extra_words_are_right_only_for_the_checker_given_them(checker):
    # a name from the office registry is right by definition, but not for everyone
    assert not checker.is_correct("Wibblesworth")
    assert SpellChecker(extra_words=["Wibblesworth"]).is_correct("Wibblesworth")
    assert checker.check_text("Ketua Wibblesworth hadir.")[0].word == "Wibblesworth"


def test_sample_text_has_no_findings(checker):
    assert checker.check_text(SAMPLE) == []


@pytest.mark.parametrize("typo,expected", sorted(TYPOS.items()))
def test_typo_found_with_suggestion(checker, typo, expected):
    text = f"Rencana kerja {typo} tahun ini."
    (finding,) = checker.check_text(text)
    assert finding.word == typo
    assert finding.start == text.index(typo)
    assert expected in finding.suggestions[:5]
    assert len(finding.suggestions) <= 5
    assert not checker.is_correct(typo)
    assert expected in checker.suggest(typo)


def test_typos_inside_sample(checker):
    text = SAMPLE + " " + " ".join(TYPOS)
    found = checker.check_text(text)
    assert [m.word for m in found] == list(TYPOS)
    for m in found:
        assert text[m.start:m.start + len(m.word)] == m.word
        assert TYPOS[m.word] in m.suggestions


def test_document_words_help_suggestions(checker):
    # "melalui" appears elsewhere in the document: offered first
    text = "Koordinasi melalui rapat. Laporan disampaikan melauai surat."
    (finding,) = checker.check_text(text)
    assert finding.word == "melauai"
    assert finding.suggestions[0] == "melalui"


def test_identifiers_numbers_and_abbreviations_are_not_words():
    text = "Nomor 3/PP.01.2-Kpt/05/Prov/2024 oleh Budi, S.H., M.Si. lihat www.kpu.go.id untuk Kabupaten/Kota IV"
    assert [w for w, _ in iter_words(text)] == ["Nomor", "oleh", "Budi", "lihat", "untuk", "Kabupaten", "Kota"]
    for word, start in iter_words(text):
        assert text[start:start + len(word)] == word


# ---------------------------------------------------------------- long inputs (issue 15)
# These assert what the checker answers for inputs far beyond a decree's; that it answers
# at all is the point (a pasted 2,000-character token used to take seconds, 1 MB never ended).

def test_a_very_long_unknown_word_is_reported_without_suggestions(checker):
    word = "ab" * 1000  # 2,000 characters
    (found,) = checker.check_text(f"Rencana {word} kerja.")
    assert found.word == word and found.suggestions == ()
    assert checker.suggest(word) == ()
    long_typo = "pemabngunan" * 4  # 44 characters: beyond ordinary words
    assert len(long_typo) > spelling.MAX_SUGGEST_LENGTH
    assert checker.check_text(long_typo)[0].suggestions == ()


def test_a_megabyte_word_and_a_megabyte_text(checker):
    huge = "x" * 1_000_000
    (found,) = checker.check_text(huge)
    assert (found.word, found.start, found.suggestions) == (huge, 0, ())
    text = "Rencana kerja pembangunan dlaam tahun ini. " * 5_000  # ~200 KB, one typo repeated
    found = checker.check_text(text)
    assert len(found) == 5_000 and {m.word for m in found} == {"dlaam"}
    assert "dalam" in found[0].suggestions


def test_a_word_of_many_hyphenated_parts(checker):
    # pieces span at most a few parts, so a long chain is checked piece by piece
    assert checker.is_correct("-".join(["dan"] * 20_000))
    assert not checker.is_correct("-".join(["dan"] * 1000 + ["dlaam"] + ["dan"] * 1000))


@pytest.mark.parametrize(
    "word",
    [
        "Undang-Undang", "UNDANG-UNDANG", "undang-undang", "masing-masing", "Masing-Masing",
        "serendah-rendahnya", "selambat-lambatnya", "e-office", "E-Office", "se-Kalimantan",
        "perundang-undangan", "sebaik-baiknya",
    ],
)
def test_hyphenated_words(checker, word):
    assert checker.is_correct(word)
    assert checker.check_text(f"Sesuai {word} yang berlaku.") == []


def test_hyphenated_typo_is_reported_whole_with_fixed_suggestion(checker):
    text = "sesuai Undang-Undnag dan masing-maisng unit"
    found = checker.check_text(text)
    assert [(m.word, m.start) for m in found] == [
        ("Undang-Undnag", text.index("Undang-Undnag")),
        ("masing-maisng", text.index("masing-maisng")),
    ]
    assert found[0].suggestions[0] == "Undang-Undang"
    assert found[1].suggestions[0] == "masing-masing"


def test_case_rules(checker):
    for word in ("pembangunan", "Pembangunan", "PEMBANGUNAN", "KPU", "PermenPANRB", "PERMENPANRB",
                 "Kalimantan", "KALIMANTAN", "KEPUTUSAN", "MEMUTUSKAN"):
        assert checker.is_correct(word), word
    # ALL-CAPS lexicon abbreviations and proper nouns do not accept other casings
    assert not checker.is_correct("Kpu")
    assert not checker.is_correct("kpu")
    assert not checker.is_correct("kalimantan")
    assert not checker.is_correct("pEMBANGUNAN")
    assert checker.suggest("kpu")[0] == "KPU"


def test_all_caps_heading(checker):
    text = ("KEPUTUSAN KETUA KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT TENTANG RENCANA KERJA "
            "PEMBANGUNAN ZONA INTEGRITAS MENUJU WILAYAH BEBAS DARI KORUPSI DAN WILAYAH BIROKRASI "
            "BERSIH DAN MELAYANI")
    assert checker.check_text(text) == []
    (finding,) = checker.check_text(text + " TERGET")
    assert finding.suggestions[0] == "TARGET"


def test_skipped_tokens():
    text = ("Nomor 3/PP.01.2-Kpt/05/Prov/2024 tanggal 12 Januari 2024, Pasal 5 ayat (1) huruf a, "
            "BAB IV, angka iii, golongan IV/a, Dr. H. Syarifuddin, S.H., M.Si. Tk.I lihat "
            "https://jdih.kpu.go.id/detail?x=1 atau kpu@kalbar.go.id, Covid-19, SP4N-LAPOR, x_y")
    words = [w for w, _ in iter_words(text)]
    assert words == ["Nomor", "tanggal", "Januari", "Pasal", "ayat", "huruf", "BAB", "angka",
                     "golongan", "Dr", "Syarifuddin", "lihat", "atau"]
    assert default_checker().check_text(text) == []


def test_offsets_and_slashes():
    text = "(Kabupaten/Kota) dan massal/serentak."
    assert list(iter_words(text)) == [
        ("Kabupaten", 1), ("Kota", 11), ("dan", 17), ("massal", 21), ("serentak", 28)
    ]


def test_extra_words():
    text = "Tim Sosdiklihparmas dan Budiyanto bekerja."
    assert [m.word for m in default_checker().check_text(text)] == ["Sosdiklihparmas", "Budiyanto"]
    custom = SpellChecker(extra_words=["Sosdiklihparmas", "Budiyanto"])
    assert custom.check_text(text) == []
    assert custom.is_correct("SOSDIKLIHPARMAS")


def test_lexicon_words_are_suggested():
    checker = default_checker()
    assert checker.suggest("Kalimantn")[0] == "Kalimantan"
    assert "Pontianak" in checker.suggest("Pontianka")
    assert "e-office" in checker.suggest("e-ofice")


def test_kbbi_non_standard_forms_documented(checker):
    # What id_ID itself says (see the module docstring); the "known
    # confusions" rule is responsible for these.
    assert checker.is_correct("memperbaharui")
    for wrong, right in [("resiko", "risiko"), ("survey", "survei"), ("efektifitas", "efektivitas"),
                         ("konkrit", "konkret"), ("masal", "massal")]:
        assert not checker.is_correct(wrong)
        assert right in checker.suggest(wrong)


class CountingChecker(SpellChecker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []

    def _lookup(self, word):
        self.calls.append(word)
        return super()._lookup(word)


def test_each_unique_word_checked_once():
    checker = CountingChecker()
    texts = ["Rencana kerja dan rencana aksi dlaam tahun ini.", "Rencana kerja dlaam tahun depan; kerja!"]
    results = checker.check_texts(texts)
    assert len(checker.calls) == len(set(checker.calls))
    assert sorted(checker.calls) == sorted(
        {"Rencana", "kerja", "dan", "rencana", "aksi", "dlaam", "tahun", "ini", "depan"}
    )
    assert [[m.word for m in r] for r in results] == [["dlaam"], ["dlaam"]]
    assert results[1][0].start == texts[1].index("dlaam")
    # a second pass and single-word calls hit the memo only
    checker.check_text(texts[0])
    checker.is_correct("kerja")
    assert len(checker.calls) == 9


def test_suggestions_are_cached(monkeypatch):
    checker = SpellChecker()
    calls = []
    original = checker._hunspell_suggestions

    def counting(word, *args, **kwargs):
        calls.append(word)
        return original(word, *args, **kwargs)

    monkeypatch.setattr(checker, "_hunspell_suggestions", counting)
    checker.check_texts(["dlaam dlaam", "dlaam rencana"])
    checker.suggest("dlaam")
    assert calls == ["dlaam"]
    # correct words never trigger suggestions
    checker.check_text(SAMPLE)
    assert calls == ["dlaam"]


def test_osa_distance():
    d = spelling._osa_distance
    assert d("dalam", "dalam") == 0
    assert d("dlaam", "dalam") == 1
    assert d("melauai", "melalui") == 2
    assert d("abc", "xyzuvw") == 3


# --- the shipped word list ---------------------------------------------------


def test_shipped_wordlist_matches_dictionary():
    aff, dic = dictionary._dictionary_paths()
    digest = dictionary._dictionary_digest(aff, dic)
    with gzip.open(dictionary.WORDLIST_PATH, "rt", encoding="utf-8") as fh:
        assert fh.readline().strip() == dictionary._WORDLIST_MAGIC + digest
    words = dictionary._read_wordlist(dictionary.WORDLIST_PATH, digest)
    assert words is not None and len(words) > 100_000
    # membership is a binary search over the file's lines: they must be sorted and unique
    listed = list(words)
    assert listed == sorted(set(listed))
    assert "kinerja" in words and "kinerjaa" not in words and "" not in words


def test_stale_wordlist_is_rejected(tmp_path):
    path = tmp_path / "w.gz"
    dictionary._write_wordlist(path, ["b", "a"], "0" * 64)
    assert dictionary._read_wordlist(path, "0" * 64) == frozenset({"a", "b"})
    assert list(dictionary._read_wordlist(path, "0" * 64)) == ["a", "b"]   # written sorted
    assert dictionary._read_wordlist(path, "1" * 64) is None
    assert dictionary._read_wordlist(tmp_path / "missing.gz", "0" * 64) is None


def test_wordlist_rebuilt_into_cache_when_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("ZI_DOCGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(dictionary, "WORDLIST_PATH", tmp_path / "nonexistent.gz")
    monkeypatch.setattr(dictionary, "build_wordlist", lambda aff, dic: frozenset({"kata", "Bebas"}))
    dictionary._load_wordset.cache_clear()
    try:
        aff, dic = dictionary._dictionary_paths()
        ws = dictionary._load_wordset(aff, dic)
        assert ws.words == {"kata", "Bebas"}
        cached = list(tmp_path.glob("id_ID-*.words.gz"))
        assert len(cached) == 1
        dictionary._load_wordset.cache_clear()
        monkeypatch.setattr(dictionary, "build_wordlist", lambda aff, dic: pytest.fail("rebuilt"))
        assert dictionary._load_wordset(aff, dic).words == {"kata", "Bebas"}
    finally:
        dictionary._load_wordset.cache_clear()


@pytest.fixture(scope="module")
def hunspell():
    aff, dic = dictionary._dictionary_paths()
    return dictionary._hunspell(aff, dic)


def test_word_set_agrees_with_spylls(hunspell, checker):
    """The expanded set gives spylls' verdicts: a sample of its words, and
    a sample of over-generated (mostly wrong) affix combinations."""
    base = SpellChecker.__new__(SpellChecker)
    base.__dict__.update(checker.__dict__)
    base._extra = frozenset()
    base._mixed_lower = dictionary._load_wordset(*dictionary._dictionary_paths()).mixed_lower
    rng = random.Random(1234)
    words = sorted(checker._words)
    for word in rng.sample(words, 300):
        assert hunspell.lookup(word), word
    aff = hunspell.aff
    suffixes = [s for ss in aff.SFX.values() for s in ss]
    prefixes = [p for ps in aff.PFX.values() for p in ps]
    candidates = set()

    def combine(p, root, s):
        if p is not None and not root.startswith(p.strip):
            return
        if s is not None and not root.endswith(s.strip):
            return
        start = len(p.strip) if p is not None else 0
        end = len(root) - len(s.strip) if s is not None else len(root)
        if start < end:
            candidates.add((p.add if p else "") + root[start:end] + (s.add if s else ""))

    for entry in rng.sample(hunspell.dic.words, 80):
        # the root's own affixes, ignoring conditions, cross-product and
        # circumfix rules (a mix of right and wrong forms) ...
        own_p = [None] + [p for f in entry.flags for p in aff.PFX.get(f, ())]
        own_s = [None] + [s for f in entry.flags for s in aff.SFX.get(f, ())]
        for p in own_p:
            for s in own_s:
                combine(p, entry.stem, s)
        # ... and random ones (mostly wrong)
        for p in rng.sample(prefixes, 3):
            for s in rng.sample(suffixes, 3):
                combine(p, entry.stem, s)
    candidates = sorted(candidates)
    sample = rng.sample(candidates, min(400, len(candidates)))
    verdicts = [bool(hunspell.lookup(w)) for w in sample]
    assert 50 < sum(verdicts) < len(sample) - 50  # both verdicts well represented
    for word, verdict in zip(sample, verdicts):
        assert base._in_wordlist(word) == verdict, word
    for word in ["Undang-Undang", "masing-masing", "aba-aba", "KEPUTUSAN", "Kpu"]:
        assert base._in_wordlist(word) == bool(hunspell.lookup(word)), word
    # deliberate extension over Hunspell: PUEBI "se-" + capitalised word
    assert base._in_wordlist("se-Indonesia") and not hunspell.lookup("se-Indonesia")
