from hypothesis import given, strategies as st

from zi_docgen.resolve import labels as labels


def test_diktum_ordinals_use_the_cardinal():
    assert [labels.diktum(n) for n in (1, 2, 3, 10, 11, 12, 21)] == [
        "KESATU", "KEDUA", "KETIGA", "KESEPULUH", "KESEBELAS", "KEDUA BELAS", "KEDUA PULUH SATU"]


def test_letters_roman_and_item_labels():
    assert [labels.letter(n) for n in (1, 2, 26, 27, 28)] == ["a", "b", "z", "aa", "bb"]
    assert [labels.roman(n) for n in (1, 4, 6, 7, 9, 14)] == ["I", "IV", "VI", "VII", "IX", "XIV"]
    assert labels.item_label("letter", 3) == "c."
    assert labels.item_label("number", 3) == "3."
    assert labels.item_label("paren", 3) == "3)"


def test_cross_references_name_every_preceding_item():
    assert labels.preceding_refs("letter", 1) == "huruf a"
    assert labels.preceding_refs("letter", 2) == "huruf a dan huruf b"
    assert labels.preceding_refs("letter", 3) == "huruf a, huruf b, dan huruf c"
    assert labels.preceding_refs("number", 2) == "angka 1 dan angka 2"


@given(st.integers(min_value=1, max_value=3999))
def test_roman_round_trip(n):
    value = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    s = labels.roman(n)
    total = sum(-value[a] if value[a] < value[b] else value[a] for a, b in zip(s, s[1:])) + value[s[-1]]
    assert total == n


@given(st.integers(min_value=2, max_value=60))
def test_refs_list_every_letter_once(n):
    text = labels.preceding_refs("letter", n)
    assert text.count("huruf ") == n
    assert (" dan " in text) and text.endswith(f"huruf {labels.letter(n)}")


def test_cardinal_words_agree_with_num2words():
    from num2words import num2words

    from zi_docgen.resolve.labels import cardinal

    for n in (*range(1, 1200), 1999, 2000, 2026, 10_000, 11_111, 100_001, 999_999):
        assert cardinal(n) == num2words(n, lang="id"), n
