"""Stream the lines of a plain, zipped or gzipped text file, numbered, in Arrow batches.

Nothing here holds a whole file in memory: pyarrow's streaming CSV reader cuts the bytes
into blocks, and with no quoting and a delimiter that never occurs every line is one row,
so a row's position is its line number. Lines that are not valid UTF-8 are reported with
their number and left out of the batch's text (their row is kept as a null).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

BLOCK_SIZE = 16 << 20   # bytes per block handed to the parser
_NO_DELIMITER = "\x1f"  # ASCII unit separator: never in the event files panmun reads
# zip members and plain files are IO[bytes]; gzip streams are BufferedIOBase
BinaryStream: TypeAlias = "IO[bytes] | io.BufferedIOBase"


@dataclass(frozen=True)
class LineBatch:
    """Consecutive lines of one file: 1-based numbers, text (None where not UTF-8), raw bytes."""

    lines: pa.Array        # int64
    text: pa.Array         # string, null for lines that are not UTF-8
    bad_utf8: list[tuple[int, bytes]]
    nbytes: int


@contextmanager
def open_members(path: Path) -> Iterator[list[tuple[str, BinaryStream]]]:
    """The binary streams of a file: itself, its gzip content, or every file in a zip.

    Each comes with the name to report in rejects (``archive.zip:member.tsv``).
    """
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
            streams: list[tuple[str, BinaryStream]] = [
                (f"{path}:{name}", archive.open(name)) for name in names]
            try:
                yield streams
            finally:
                for _, stream in streams:
                    stream.close()
        return
    with open(path, "rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            with gzip.open(raw) as stream:
                yield [(str(path), stream)]
        else:
            yield [(str(path), raw)]


def line_batches(stream: BinaryStream, block_size: int = BLOCK_SIZE) -> Iterator[LineBatch]:
    """Numbered lines of a binary stream, one Arrow batch per block."""
    reader = pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(column_names=["text"], block_size=block_size),
        parse_options=pacsv.ParseOptions(delimiter=_NO_DELIMITER, quote_char=False,
                                         escape_char=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={"text": pa.binary()}),
    )
    first = 1
    for batch in reader:
        raw = batch.column(0)
        n = len(raw)
        lines = pa.array(np.arange(first, first + n, dtype=np.int64))
        text, bad = _as_text(raw, first)
        yield LineBatch(lines, text, bad, int(pc.sum(pc.binary_length(raw)).as_py() or 0) + n)
        first += n


def _as_text(raw: pa.Array, first: int) -> tuple[pa.Array, list[tuple[int, bytes]]]:
    """Cast binary lines to UTF-8 text; lines that are not UTF-8 become null and are listed."""
    try:
        return raw.cast(pa.string()), []
    except pa.ArrowInvalid:
        pass
    values, bad = [], []
    for i, item in enumerate(raw.to_pylist()):
        try:
            values.append(item.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(None)
            bad.append((first + i, item))
    return pa.array(values, type=pa.string()), bad
