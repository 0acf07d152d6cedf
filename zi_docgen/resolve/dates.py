"""Indonesian dates, through Babel's CLDR data for the "id" locale."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date

# The target table heads its columns with the abbreviations used in KPU
# documents; CLDR abbreviates August as "Agu", the documents write "Agt".
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des")


def long_date(d: dt.date) -> str:
    """5 Januari 2026."""
    return format_date(d, "d MMMM y", locale="id")


def day_name(d: dt.date) -> str:
    """Rabu."""
    return format_date(d, "EEEE", locale="id")


def month_names() -> list[str]:
    return [format_date(dt.date(2000, m, 1), "MMMM", locale="id") for m in range(1, 13)]
