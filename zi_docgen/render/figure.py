"""The Zona Integritas component model figure for the decree's Lampiran.

Drawn with Pillow from the component names, so the figure always matches the
data and needs no image files beyond the two vendored fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw, ImageFont

from ..errors import DataError
from ..i18n import _
from ..resolve.zona import AREAS_90_2021, HASIL_90_2021

__all__ = ["component_model_png", "DEFAULT_PENGUNGKIT", "DEFAULT_HASIL"]

DEFAULT_PENGUNGKIT: tuple[str, ...] = AREAS_90_2021
DEFAULT_HASIL: tuple[str, ...] = HASIL_90_2021

_FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
_REGULAR = "texgyrebonum-regular.otf"
_BOLD = "texgyrebonum-bold.otf"

# Drawn larger and scaled down: Pillow draws lines and polygons without
# anti-aliasing, which looks jagged in print. The scale-down is a plain
# average of each 3×3 block (Image.reduce): that is exactly the pixel
# coverage supersampling is meant to give, and costs ~0.01 s, where a
# LANCZOS resize cost ~0.35 s and only added a slight sharpening halo.
# 3 rather than 2: 2× saves under 0.01 s, gives edges 5 grey levels instead
# of 10, and would round the font pixel sizes differently (other wraps).
_SUPERSAMPLE = 3

# Layout in millimetres for a 150 mm wide figure; other widths scale it, so
# the figure keeps its proportions (and point sizes relative to the page
# width) when placed at that width in the document.
_DESIGN_WIDTH = 150.0
_MARGIN = 1.0
_LEFT_W = 62.0
_RIGHT_W = 50.0
_HEAD_H = 9.0
_HEAD_GAP = 4.0
_BOX_GAP = 3.0
_MIN_LEFT_H = 10.5
_PAD_X = 3.0
_PAD_Y = 2.2
_RADIUS = 1.6
_LINE = 0.30
_BOX_LINE = 0.35
_ARROW_LEN = 2.8
_ARROW_HALF = 1.3
_BODY_PT = 10.0
_HASIL_PT = 10.5
_HEAD_PT = 9.5
_MIN_PT = 6.0
_LEADING = 1.18

# Every colour is a neutral grey, so the figure is drawn in mode "L" (one
# byte per pixel): a third of the bytes of RGB to fill, reduce and compress,
# and a smaller PNG in every Lampiran (65 KiB, was 228 KiB as RGB). Word and
# LibreOffice embed a greyscale PNG as it is.
_MODE = "L"
_INK = 34
_WHITE = 255
_FILL_PENGUNGKIT = 242
_FILL_HASIL = 226
_FILL_HEAD = 64


@lru_cache(maxsize=64)
def _font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    path = _FONT_DIR / (_BOLD if bold else _REGULAR)
    # BASIC layout: raqm may or may not be installed, and the two engines
    # place glyphs differently, which would break byte-for-byte determinism.
    return ImageFont.truetype(str(path), size_px, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    # _balance re-wraps the same words ~20 times; measuring each trial line
    # once makes the layout ~5× cheaper (~0.05 s of the figure). Fonts are the
    # cached _font objects, so they hash by identity and stay alive here.
    return font.getlength(text)


@dataclass
class _Text:
    lines: list[str]
    font: ImageFont.FreeTypeFont
    line_h: float

    @property
    def height(self) -> float:
        return self.line_h * len(self.lines)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_w: float) -> list[str] | None:
    """Greedy word wrap; None if one word alone is wider than max_w."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if _length(font, word) > max_w:
            return None
        trial = f"{current} {word}" if current else word
        if _length(font, trial) <= max_w:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _layout_text(text: str, bold: bool, pt: float, max_w: float, px_per_pt: float) -> _Text:
    # Shrink only when a single word does not fit the box width; boxes grow
    # in height for extra lines instead, so normal names keep one size.
    size = pt
    while True:
        size_px = max(1, round(size * px_per_pt))
        font = _font(bold, size_px)
        lines = _wrap(text, font, max_w)
        if lines is not None or size <= _MIN_PT:
            if lines is None:
                lines = [text]
            return _Text(lines, font, size_px * _LEADING)
        size -= 0.5


def _balance(text: _Text, max_w: float) -> _Text:
    # Greedy wrap leaves a long first line and a stub; spread the words over
    # the same number of lines with the narrowest width that still fits.
    if len(text.lines) < 2:
        return text
    words = " ".join(text.lines)
    lo, hi = 1.0, max_w
    best = text.lines
    for _ in range(20):
        mid = (lo + hi) / 2
        lines = _wrap(words, text.font, mid)
        if lines is not None and len(lines) <= len(text.lines):
            best, hi = lines, mid
        else:
            lo = mid
    return _Text(best, text.font, text.line_h)


def _draw_text(draw: ImageDraw.ImageDraw, text: _Text, box: tuple[float, float, float, float], fill) -> None:
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2
    # Centre on the font's ascent/descent rather than on each line's ink, so
    # lines with and without descenders sit on a common baseline grid.
    ascent, descent = text.font.getmetrics()
    gap = text.line_h - (ascent + descent)
    top = (y0 + y1) / 2 - text.height / 2 + gap / 2
    for i, line in enumerate(text.lines):
        draw.text((cx, top + i * text.line_h), line, font=text.font, fill=fill, anchor="ma")


def _arrow(draw: ImageDraw.ImageDraw, x0: float, x1: float, y: float, width: int, length: float, half: float) -> None:
    draw.line([(x0, y), (x1 - length * 0.6, y)], fill=_INK, width=width)
    draw.polygon([(x1, y), (x1 - length, y - half), (x1 - length, y + half)], fill=_INK)


def component_model_png(
    pengungkit: Sequence[str],
    hasil: Sequence[str],
    *,
    title_pengungkit: str = "KOMPONEN PENGUNGKIT",
    title_hasil: str = "KOMPONEN HASIL",
    width_mm: float = 150,
    dpi: int = 300,
) -> bytes:
    """PNG bytes, deterministic (same input → same bytes: no timestamps/metadata that vary)."""
    pengungkit = [" ".join(str(p).split()) for p in pengungkit]
    hasil = [" ".join(str(h).split()) for h in hasil]
    if not pengungkit or not hasil:
        raise DataError(_("the component model figure needs at least one komponen pengungkit and one komponen hasil"),
                        None, _("check the areas of the Lampiran (their kind and only:)"))
    if width_mm <= 0 or dpi <= 0:
        raise ValueError("width_mm and dpi must be positive")

    out_w = max(1, round(width_mm / 25.4 * dpi))
    px_per_mm = out_w / width_mm * _SUPERSAMPLE
    # Design millimetres -> supersampled pixels.
    k = width_mm / _DESIGN_WIDTH * px_per_mm
    px_per_pt = k * 25.4 / 72

    def mm(v: float) -> float:
        return v * k

    line_w = max(1, round(mm(_LINE)))
    box_line_w = max(1, round(mm(_BOX_LINE)))

    left_x0 = mm(_MARGIN)
    left_x1 = left_x0 + mm(_LEFT_W)
    right_x1 = mm(_DESIGN_WIDTH - _MARGIN)
    right_x0 = right_x1 - mm(_RIGHT_W)
    bus_x = (left_x1 + right_x0) / 2

    left_inner = mm(_LEFT_W - 2 * _PAD_X)
    right_inner = mm(_RIGHT_W - 2 * _PAD_X)
    left_texts = [_balance(_layout_text(t, False, _BODY_PT, left_inner, px_per_pt), left_inner) for t in pengungkit]
    right_texts = [_balance(_layout_text(t, True, _HASIL_PT, right_inner, px_per_pt), right_inner) for t in hasil]
    head_l = _layout_text(title_pengungkit, True, _HEAD_PT, left_inner, px_per_pt)
    head_r = _layout_text(title_hasil, True, _HEAD_PT, right_inner, px_per_pt)

    head_h = max(mm(_HEAD_H), head_l.height + mm(2 * _PAD_Y * 0.7), head_r.height + mm(2 * _PAD_Y * 0.7))
    # One height for all pengungkit boxes reads as a list of equals.
    left_h = max(mm(_MIN_LEFT_H), max(t.height for t in left_texts) + mm(2 * _PAD_Y))
    gap = mm(_BOX_GAP)
    body_top = mm(_MARGIN) + head_h + mm(_HEAD_GAP)
    left_stack = len(pengungkit) * left_h + (len(pengungkit) - 1) * gap

    # Each hasil box is centred on an equal share of the pengungkit column.
    segment = left_stack / len(hasil)
    need_r = max(t.height for t in right_texts) + mm(2 * _PAD_Y)
    right_h = max(need_r, min(segment - gap, 2 * left_h + gap))
    body_h = max(left_stack, len(hasil) * right_h + (len(hasil) - 1) * gap)
    left_top = body_top + (body_h - left_stack) / 2
    if right_h * len(hasil) + gap * (len(hasil) - 1) <= left_stack:
        right_centres = [left_top + segment * (i + 0.5) for i in range(len(hasil))]
    else:
        right_centres = [body_top + right_h / 2 + i * (right_h + gap) for i in range(len(hasil))]

    total_h = body_top + body_h + mm(_MARGIN)
    out_h = max(1, round(total_h / _SUPERSAMPLE))
    canvas = Image.new(_MODE, (out_w * _SUPERSAMPLE, out_h * _SUPERSAMPLE), _WHITE)
    draw = ImageDraw.Draw(canvas)
    radius = mm(_RADIUS)

    def box(x0, y0, x1, y1, fill, text: _Text, text_fill=_INK):
        draw.rounded_rectangle((x0, y0, x1, y1), radius=radius, fill=fill, outline=_INK, width=box_line_w)
        _draw_text(draw, text, (x0, y0, x1, y1), text_fill)

    head_top = mm(_MARGIN)
    box(left_x0, head_top, left_x1, head_top + head_h, _FILL_HEAD, head_l, _WHITE)
    box(right_x0, head_top, right_x1, head_top + head_h, _FILL_HEAD, head_r, _WHITE)

    left_centres = []
    for i, text in enumerate(left_texts):
        y0 = left_top + i * (left_h + gap)
        box(left_x0, y0, left_x1, y0 + left_h, _FILL_PENGUNGKIT, text)
        left_centres.append(y0 + left_h / 2)

    # Every pengungkit feeds every hasil: connectors join on one vertical
    # bus, and arrows leave it towards each hasil box.
    for y in left_centres:
        draw.line([(left_x1, y), (bus_x, y)], fill=_INK, width=line_w)
    ys = left_centres + right_centres
    half_w = line_w / 2
    draw.rectangle((bus_x - half_w, min(ys) - half_w, bus_x + half_w, max(ys) + half_w), fill=_INK)
    for y in right_centres:
        _arrow(draw, bus_x, right_x0, y, line_w, mm(_ARROW_LEN), mm(_ARROW_HALF))

    for y, text in zip(right_centres, right_texts):
        box(right_x0, y - right_h / 2, right_x1, y + right_h / 2, _FILL_HASIL, text)

    image = canvas.reduce(_SUPERSAMPLE)   # exact: the canvas is out_w × out_h times the factor
    buf = io.BytesIO()
    # Only the pHYs chunk is added (so Word sizes the image right); Pillow
    # writes no time or text chunks unless asked. zlib level 6 rather than 9:
    # ~0.04 s instead of ~0.17 s for a file 5 % larger (65 KiB vs 62 KiB).
    # zlib's output is fixed by its version and level: still deterministic.
    image.save(buf, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return buf.getvalue()
