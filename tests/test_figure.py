import io

import pytest
from PIL import Image, ImageStat

from zi_docgen.render.figure import DEFAULT_HASIL, DEFAULT_PENGUNGKIT, component_model_png

PENGUNGKIT = list(DEFAULT_PENGUNGKIT)
HASIL = list(DEFAULT_HASIL)


@pytest.fixture(scope="module")
def png() -> bytes:
    return component_model_png(PENGUNGKIT, HASIL)


def test_defaults_are_the_eight_components():
    # transcribed from PermenPANRB 90/2021: six areas of change, two results, in its order
    assert DEFAULT_PENGUNGKIT == (
        "Manajemen Perubahan", "Penataan Tatalaksana", "Penataan Sistem Manajemen SDM",
        "Penguatan Akuntabilitas Kinerja", "Penguatan Pengawasan", "Peningkatan Kualitas Pelayanan Publik")
    assert DEFAULT_HASIL == ("Pemerintah yang Bersih dan Akuntabel", "Pelayanan Publik yang Prima")


def test_the_figure_shows_its_names(png):
    # other names draw another figure (the names are drawn, not a fixed picture)
    assert component_model_png(PENGUNGKIT[:5] + ["Penguatan Lain"], HASIL) != png


def test_valid_png_of_requested_width(png):
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(png))
    img.load()
    assert img.format == "PNG"
    # 150 mm at 300 dpi
    assert img.width >= round(150 / 25.4 * 300)
    assert 0.4 < img.height / img.width < 1.2
    dpi = img.info.get("dpi")
    assert dpi is not None and round(dpi[0]) == 300


def test_deterministic_bytes(png):
    assert component_model_png(list(PENGUNGKIT), tuple(HASIL)) == png


def test_no_varying_metadata_chunks(png):
    for chunk in (b"tIME", b"tEXt", b"iTXt", b"zTXt"):
        assert chunk not in png


def test_not_blank_and_has_ink_in_both_columns(png):
    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = img.size
    left = img.crop((0, 0, w * 2 // 5, h))
    right = img.crop((w * 3 // 5, 0, w, h))
    for part in (left, right):
        lo, hi = part.getextrema()
        assert lo < 60 and hi > 240
        # mostly light (print-like), but clearly drawn on
        assert 150 < ImageStat.Stat(part).mean[0] < 250


def test_text_changes_the_image(png):
    other = component_model_png(PENGUNGKIT[:-1] + ["Peningkatan Kualitas Pelayanan"], HASIL)
    assert other != png


def test_long_and_unbreakable_names_still_render():
    data = component_model_png(
        ["Sebuah komponen pengungkit dengan nama yang sangat panjang sekali " * 2, "Supercalifragilistic" * 3],
        ["Hasil"],
        width_mm=100,
        dpi=150,
    )
    img = Image.open(io.BytesIO(data))
    assert img.width == round(100 / 25.4 * 150)
    assert img.convert("L").getextrema()[0] < 60


def test_rejects_empty_columns():
    # a data mistake (no area of one kind left for this office), told as one line, not a traceback
    from zi_docgen.errors import DataError

    with pytest.raises(DataError, match="komponen pengungkit"):
        component_model_png([], HASIL)
    with pytest.raises(DataError, match="komponen hasil"):
        component_model_png(PENGUNGKIT, [])


def test_greyscale_at_exact_print_size(png):
    # Every colour is a grey: one channel is a third of the work and of the
    # file. The canvas is reduced by a whole factor, so the size is exact.
    img = Image.open(io.BytesIO(png))
    assert img.mode == "L"
    assert img.size[0] == round(150 / 25.4 * 300)


def test_edges_are_antialiased(png):
    # The supersampled drawing must still come out smooth after the reduce:
    # the arrowheads (between the bus and the hasil boxes, no text there)
    # have slanted edges, so a fair share of their pixels are in-between grey.
    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = img.size
    hist = img.crop((int(w * 0.56), 0, int(w * 0.655), h)).histogram()
    ink, grey = sum(hist[:80]), sum(hist[80:230])
    assert ink > 0 and grey > ink / 10


def test_same_bytes_with_cold_caches(png):
    # The font and text-width caches only save time: a fresh process (empty
    # caches), as in every build worker, draws the very same figure.
    from zi_docgen.render import figure as figure

    figure._font.cache_clear()
    figure._length.cache_clear()
    assert component_model_png(PENGUNGKIT, HASIL) == png
