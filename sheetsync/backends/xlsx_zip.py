"""The new package: every part copied as it was stored, the changed and new ones written.

An unchanged part is copied as its stored bytes (local header and compressed data), never
inflated and deflated again, so it is byte for byte what staff saved, and quick to copy.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO

BATCH = 1 << 20  # bytes handed to the compressor at once
Content = bytes | Iterable[bytes | memoryview]  # a part, whole or as pieces


@dataclass(frozen=True)
class Staged:
    """A new part already compressed (``stage``): its entry, as stored in ``raw``."""

    info: zipfile.ZipInfo
    raw: bytes


def stage(name: str, content: Content) -> Staged:
    """A new part compressed now, exactly as ``write_zip`` would store it, so that only its
    compressed bytes are held until the zip is written (a first History is 50 MB of XML
    and some 3 MB stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as staged:
        info = _new_info(name)
        _write_part(staged, info, content)
    return Staged(info, buffer.getvalue())


def _new_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_zip(source: zipfile.ZipFile, raw: bytes, out: IO[bytes], parts: Mapping[str, Content],
              new_parts: Mapping[str, Content | Staged],
              between: Callable[[], None] = lambda: None) -> None:
    """A zip with every part of ``source`` copied as stored, but those in ``parts`` replaced
    and ``new_parts`` appended. ``raw`` is the bytes ``source`` was opened from; a part
    given as pieces is compressed as it is written, never joined in memory."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, info in enumerate(source.infolist()):
            if n == 1:
                between()
            if info.filename in parts:
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = info.external_attr
                _write_part(dst, copy, parts[info.filename])
                continue
            _copy_stored(dst, info, raw)
        for name, data in new_parts.items():
            if isinstance(data, Staged):
                _copy_stored(dst, data.info, data.raw)
            else:
                _write_part(dst, _new_info(name), data)


def _write_part(dst: zipfile.ZipFile, info: zipfile.ZipInfo, content: Content) -> None:
    if isinstance(content, bytes):
        dst.writestr(info, content)
        return
    batch: list[bytes | memoryview] = []
    size = 0
    with dst.open(info, "w") as entry:
        for piece in content:  # gathered into ~1 MB writes: the pieces may be single rows
            batch.append(piece)
            size += len(piece)
            if size >= BATCH:
                entry.write(b"".join(batch))
                batch, size = [], 0
        if batch:
            entry.write(b"".join(batch))


def _copy_stored(dst: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Copy one entry's local header and compressed data as they are, without inflating."""
    start = info.header_offset
    header = raw[start:start + 30]
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    end = start + 30 + name_len + extra_len + info.compress_size
    if info.flag_bits & 0x08:  # a data descriptor follows the data
        tail = raw[end:end + 4]
        end += (16 if tail == b"PK\x07\x08" else 12) + (8 if info.file_size > 0xFFFFFFFF or
                                                          info.compress_size > 0xFFFFFFFF else 0)
    fp = dst.fp
    assert fp is not None
    with dst._lock:  # type: ignore[attr-defined,unused-ignore]
        fp.seek(dst.start_dir)  # type: ignore[attr-defined,unused-ignore]
        offset = fp.tell()
        shutil.copyfileobj(_View(raw, start, end), fp)
        copy = _clone(info)
        copy.header_offset = offset
        dst.filelist.append(copy)
        dst.NameToInfo[copy.filename] = copy
        dst.start_dir = fp.tell()  # type: ignore[attr-defined,unused-ignore]


class _View:
    def __init__(self, raw: bytes, start: int, end: int) -> None:
        self.view, self.done = memoryview(raw)[start:end], False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return bytes(self.view)


def _clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for slot in ("compress_type", "comment", "extra", "create_system", "create_version",
                 "extract_version", "reserved", "flag_bits", "volume", "internal_attr",
                 "external_attr", "CRC", "compress_size", "file_size"):
        setattr(copy, slot, getattr(info, slot))
    return copy
