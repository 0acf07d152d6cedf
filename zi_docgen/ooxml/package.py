"""Deterministic DOCX (zip) writing: the same parts give the same bytes on every OS.

Every entry gets the same timestamp (from SOURCE_DATE_EPOCH, see `fixed_datetime`),
mode 0644 and "made by Unix", entries are deflated at zlib's default level, and
[Content_Types].xml comes first (some consumers sniff it there).

The zip is written here rather than with zipfile so that an entry deflated once
can be copied into many documents (`EntryCache`): most of a rendered document is
the template's unchanged parts (styles.xml alone is ~400 kB). The layout of each
entry is what zipfile.ZipFile.writestr writes (tests/test_ooxml.py checks it).
"""
from __future__ import annotations

import datetime as dt
import os
import struct
import zipfile
import zlib
from typing import Iterable

from ..errors import ZiError
from ..i18n import _

CONTENT_TYPES = "[Content_Types].xml"
DEFAULT_EPOCH = dt.datetime(2000, 1, 1, 0, 0, 0)


def fixed_datetime() -> dt.datetime:
    """The timestamp written into documents: SOURCE_DATE_EPOCH (UTC, naive) or 2000-01-01.

    See https://reproducible-builds.org/specs/source-date-epoch/ ; a malformed value
    is an error rather than silently ignored, as that spec asks.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_EPOCH
    try:
        return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise ZiError(_("SOURCE_DATE_EPOCH={value} is not a number of seconds since 1970").format(value=repr(raw)),
                      None, _("unset it, or set it to e.g. {example}").format(
                          example="$(git log -1 --format=%ct)")) from None


def w3cdtf(stamp: dt.datetime) -> str:
    """2000-01-01T00:00:00Z, as Word writes w:date of a revision."""
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dos_stamp(stamp: dt.datetime) -> tuple[int, int]:
    # The DOS date holds 1980..2107 with 2-second steps; clamp rather than fail.
    y = min(max(stamp.year, 1980), 2107)
    if y != stamp.year:
        stamp = dt.datetime(y, 1, 1)
    date = ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day
    time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    return date, time


_VERSION = 20                        # 2.0: deflate
_MADE_BY_UNIX = 3
_EXTERNAL_ATTR = 0o100644 << 16      # a regular file, rw-r--r--
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def deflate(data: bytes) -> tuple[int, bytes]:
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), c.compress(data) + c.flush()


class EntryCache:
    """Deflated data by content: parts that are the same in many documents are compressed once.

    Keyed by the bytes themselves; a template's shared parts are the very same
    bytes objects every time, so the lookup is a hash already computed and an
    identity check. Other large repeated blobs (the figure PNG) are added as they
    come, up to a bound, since a new office may bring a new figure.
    """

    def __init__(self, blobs: Iterable[bytes] = (), limit: int = 16):
        self._fixed = {b: deflate(b) for b in blobs}
        self._extra: dict[bytes, tuple[int, bytes]] = {}
        self._limit = limit
        self._memo: dict[tuple, bytes] = {}

    def memo(self, key: tuple, make) -> bytes:
        """Small generated XML ([Content_Types].xml, .rels) by what determines it."""
        xml = self._memo.get(key)
        if xml is None:
            if len(self._memo) >= 256:   # never reached by real templates; only a bound
                self._memo.clear()
            xml = self._memo[key] = make()
        return xml

    def get(self, data: bytes) -> tuple[int, bytes]:
        hit = self._fixed.get(data) or self._extra.get(data)
        if hit is None:
            hit = deflate(data)
            # Only media are worth keeping: the XML that changes is different in every document.
            if len(data) >= 32768 and not data.startswith(b"<?xml"):
                if len(self._extra) >= self._limit:
                    self._extra.pop(next(iter(self._extra)))
                self._extra[data] = hit
        return hit


class ZipWriter:
    """The one zip writer for DOCX output: `put` entries in order, then `finish()` for the bytes."""

    def __init__(self, cache: EntryCache | None = None, stamp: dt.datetime | None = None):
        self._cache = cache
        self._date, self._time = _dos_stamp(stamp or fixed_datetime())
        self._chunks: list[bytes] = []
        self._central: list[bytes] = []
        self._offset = 0

    def put(self, name: str, data: bytes) -> None:
        crc, packed = self._cache.get(data) if self._cache is not None else deflate(data)
        fname = name.lstrip("/").encode("ascii")   # part names are ASCII by the OPC spec
        local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, zipfile.ZIP_DEFLATED, self._time, self._date,
                            crc, len(packed), len(data), len(fname), 0)
        self._central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _MADE_BY_UNIX, _VERSION, 0, 0,
                                           zipfile.ZIP_DEFLATED, self._time, self._date, crc, len(packed),
                                           len(data), len(fname), 0, 0, 0, 0, _EXTERNAL_ATTR, self._offset)
                             + fname)
        self._chunks += (local, fname, packed)
        self._offset += len(local) + len(fname) + len(packed)

    def finish(self) -> bytes:
        central = b"".join(self._central)
        n = len(self._central)
        end = _END.pack(b"PK\x05\x06", 0, 0, n, n, len(central), self._offset, 0)
        return b"".join(self._chunks) + central + end


def write_entries(entries: Iterable[tuple[str, bytes]], cache: EntryCache | None = None) -> bytes:
    """A zip of (name, data) entries, [Content_Types].xml first, the rest in the order given."""
    entries = sorted(entries, key=lambda e: e[0].lstrip("/") != CONTENT_TYPES)
    zw = ZipWriter(cache)
    for name, data in entries:
        zw.put(name, data)
    return zw.finish()


def package_bytes(package, cache: EntryCache | None = None) -> bytes:
    """Serialise a python-docx package deterministically.

    python-docx's own save stamps the current time on every zip entry; writing the
    parts here also avoids compressing the whole package twice. `cache` holds
    entries already deflated (a template's unchanged parts, the figure).
    """
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    memo = cache.memo if cache is not None else lambda key, make: make()
    zw = ZipWriter(cache)
    zw.put(CONTENT_TYPES_URI, memo(("types",) + tuple((str(p.partname), p.content_type) for p in parts),
                                   lambda: _ContentTypesItem.from_parts(parts).blob))
    zw.put(PACKAGE_URI.rels_uri, _rels_xml(package.rels, memo))
    for part in parts:
        zw.put(part.partname, part.blob)
        if len(part.rels):
            zw.put(part.partname.rels_uri, _rels_xml(part.rels, memo))
    return zw.finish()


def _rels_xml(rels, memo) -> bytes:
    # The relationships of a template's parts are the same in every document (the
    # figure adds one); building the XML element each time costs more than this key.
    key = ("rels",) + tuple((r.rId, r.reltype, r.target_ref, r.is_external) for r in rels.values())
    return memo(key, lambda: rels.xml)
