"""Reading the CSV files core banking and Chinese Excel write: UTF-8 (with or without a BOM) or GB18030."""

import codecs
import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any


class FileRefused(ValueError):
    """The whole file cannot be read as a CSV export; the message says why, in one line."""


@lru_cache(maxsize=8)
def _encoding(path: Path, mtime_ns: int, size: int) -> str:
    head = path.read_bytes()[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or CSV (GB18030/GBK)"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRefused("the file is neither UTF-8 nor GB18030/GBK; save it as 'CSV UTF-8' and import it again")


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without a BOM) or GB18030 (a superset of GBK, what Chinese Excel writes)."""
    stat = path.stat()
    return _encoding(path.resolve(), stat.st_mtime_ns, stat.st_size)


def rows_of(path: Path) -> Iterator[tuple[int, dict[str | Any, Any]]]:
    """Each row by column name, with the line it starts on."""
    with path.open(encoding=encoding_of(path), newline="") as handle:
        reader = csv.DictReader(handle)
        start = 2
        for raw in reader:
            yield start, raw
            start = reader.line_num + 1


def header(path: Path) -> list[str]:
    """The file's column names (empty for an empty file)."""
    with path.open(encoding=encoding_of(path), newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]
