"""Read one export file (CSV, Parquet, XLSX) into a frame of raw values, accounting for every row.

Nothing here knows the data model: it turns bytes into columns, says which rows could not be split into
the header's columns (and why), and notes what it had to guess (encoding, delimiter).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from toolkit.errors import DataFileError

DELIMITERS = (",", ";", "\t", "|")
ROW_COLUMN = "_row"  # the row number a person sees in a spreadsheet: the header is row 1


@dataclass
class RawTable:
    """A file's rows as read, before any mapping or validation."""

    path: Path
    frame: pd.DataFrame  # one column per header name, plus ROW_COLUMN
    rows_read: int  # data rows in the file (header and blank lines not counted)
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (row, why) rows that could not be split
    notes: list[str] = field(default_factory=list)


def read_table(path: str | Path, sheet: str | int | None = None) -> RawTable:
    """Read a CSV, TSV, Parquet or XLSX file; the format is taken from the file name's ending."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found", todo="Check the path, or run without paths to use data/samples/")
    if not path.is_file():
        raise DataFileError(path, "is not a file", expected="a CSV, Parquet or XLSX file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
            return _finish(path, frame, [], [])
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str, engine="calamine")
            return _finish(path, frame, [], [])
        data = path.read_bytes()
    except DataFileError:
        raise
    except Exception as exc:  # a broken Parquet/XLSX or an unreadable file: name it, say what to do
        raise DataFileError(
            path, f"cannot be read ({type(exc).__name__}: {exc})", todo="Re-export the file and try again"
        ) from exc
    return read_csv_bytes(path, data)


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an XLSX (zip) file",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
}


def read_csv_bytes(path: Path, data: bytes) -> RawTable:
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise DataFileError(
                path,
                f"is {kind}, not CSV text",
                expected="a CSV file",
                todo="Give the file its right ending or re-export it as CSV",
            )
    notes: list[str] = []
    text = _decode(path, data, notes)
    if "\x00" in text:
        notes.append(f"removed {text.count(chr(0))} NUL byte(s)")
        text = text.replace("\x00", "")
    if not text.strip():
        raise DataFileError(path, "file is empty", expected="a header row and data rows", todo="Re-export the file")
    delimiter = _sniff_delimiter(text)
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r} detected")
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter))
    header = [h.strip() for h in header]
    _check_header(path, header)
    frame, malformed = _parse_fast(text, header, delimiter)
    if frame is None:
        frame, malformed = _parse_exact(text, header, delimiter)
    return _finish(path, frame, malformed, notes)


def _decode(path: Path, data: bytes, notes: list[str]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append("UTF-16 text (a spreadsheet's 'Unicode text' export)")
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        notes.append(f"not UTF-8 (first bad byte at offset {exc.start}); read as {encoding}: check accented letters")
        return text


def _sniff_delimiter(text: str) -> str:
    """The candidate that splits the header into most fields (and the first data row alike)."""
    lines = text.lstrip("\n").split("\n", 2)[:2]
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter), [])) for line in lines]
        if counts[0] > best_fields and (len(counts) == 1 or counts[1] >= counts[0] or counts[1] == 0):
            best, best_fields = delimiter, counts[0]
    return best


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            raise DataFileError(path, "the header names a column twice", column=name, todo="Rename one of them")
        seen.add(name)


def _parse_fast(text: str, header: list[str], delimiter: str) -> tuple[pd.DataFrame | None, list]:
    """pyarrow's parser: fast, but it cannot say which rows it skipped, so any bad row sends us to _parse_exact."""
    bad: list[object] = []

    def on_invalid(row: object) -> str:
        bad.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=64 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=True, null_values=[""]
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None, []
    if bad:
        return None, []
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=float("nan"))}.get), []


def _parse_exact(text: str, header: list[str], delimiter: str) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The standard library's parser, row by row: slower, but it knows each row's number."""
    csv.field_size_limit(1 << 30)
    rows: list[list[str]] = []
    numbers: list[int] = []
    malformed: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_number = 1
    try:
        next(reader)
        for record in reader:
            if not record:
                continue  # a blank line is no row
            row_number += 1
            if len(record) == len(header):
                rows.append(record)
                numbers.append(row_number)
            else:
                malformed.append((row_number, f"has {len(record)} fields, the header has {len(header)}"))
    except csv.Error as exc:
        malformed.append((row_number + 1, f"cannot be split into fields ({exc}); the rest of the file is unreadable"))
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in header]
    frame = pd.DataFrame({h: pd.array(col, dtype="str") for h, col in zip(header, columns, strict=True)})
    frame = frame.replace("", pd.NA) if len(frame) else frame
    frame[ROW_COLUMN] = numbers
    return frame, malformed


def _finish(path: Path, frame: pd.DataFrame, malformed: list[tuple[int, str]], notes: list[str]) -> RawTable:
    frame.columns = [str(c).strip() for c in frame.columns]
    if ROW_COLUMN not in frame.columns:
        frame[ROW_COLUMN] = range(2, len(frame) + 2)
    if not len(frame) and not malformed:
        notes.append("the file has a header but no data rows")
    return RawTable(path, frame, rows_read=len(frame) + len(malformed), malformed=malformed, notes=notes)
