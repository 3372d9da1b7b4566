"""Read one export file (CSV, Parquet, XLSX) into a frame of raw values, accounting for every row.

Nothing here knows the data model: it turns bytes into columns, says which rows could not be split into
the header's columns (and why), and notes what it had to guess (encoding, delimiter).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from toolkit.errors import DataFileError

DELIMITERS = (",", ";", "\t", "|")
ROW_COLUMN = "_row"  # the row number a person sees in a spreadsheet: the header is row 1
csv.field_size_limit(1 << 30)  # a long field is set aside by the validator with its reason, not a reader crash


@dataclass
class RawTable:
    """A file's rows as read, before any mapping or validation."""

    path: Path
    frame: pd.DataFrame  # one column per header name, plus ROW_COLUMN
    rows_read: int  # data rows in the file (header and blank lines not counted)
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (row, why) rows that could not be split
    notes: list[str] = field(default_factory=list)


def norm_header(header: object) -> str:
    """A header as matched: case, spaces and underscores ignored."""
    return " ".join(str(header).replace("_", " ").split()).casefold()


def read_table(
    path: str | Path,
    sheet: str | int | None = None,
    known_headers: set[str] | frozenset[str] = frozenset(),
    whole_file: bool = True,
) -> RawTable:
    """Read a CSV/TSV, Parquet, XLSX or JSON file, also gzip-compressed or alone in a ZIP archive.

    The format is taken from the file's content where it tells (gzip, ZIP, XLSX, Parquet), else from its
    name. ``sheet`` is the workbook sheet to prefer (default: the sheet holding most data).
    ``known_headers`` (normalised with :func:`norm_header`) help find the header row under a title row.
    ``whole_file`` False: the file is a part of a file (:mod:`toolkit.parts`), so its first row is not the file's
    and cannot be a description of the columns.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found", todo="Check the path, or run without paths to use data/samples/")
    if not path.is_file():
        raise DataFileError(path, "is not a file", expected="a CSV, Parquet or XLSX file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            path, f"cannot be read ({exc.strerror or exc})", todo="Check the file's permissions"
        ) from exc
    notes: list[str] = []
    name, data = _unpack(path, path.name, data, notes)
    suffix = Path(name).suffix.lower()
    try:
        if data.startswith(b"PAR1") or suffix in (".parquet", ".pq"):
            if suffix not in (".parquet", ".pq"):
                notes.append(f"a Parquet file although named {suffix or 'without an ending'}: read as Parquet")
            frame = pd.read_parquet(io.BytesIO(data))
            return _finish(path, frame, [], notes, whole_file)
        if _is_workbook(data) or suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            if suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
                notes.append(f"an Excel workbook although named {suffix or 'without an ending'}: read as a workbook")
            return _read_workbook(path, data, sheet, known_headers, notes)
        if suffix == ".json":
            return _read_json(path, data, notes)
    except DataFileError:
        raise
    except Exception as exc:  # a broken Parquet/XLSX or an unreadable file: name it, say what to do
        raise DataFileError(
            path, f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})", todo="Re-export the file and try again"
        ) from exc
    return read_csv_bytes(path, data, known_headers, notes)


#: how much of a file is looked at to tell whether it can be read in blocks (:func:`csv_layout`)
_LAYOUT_HEAD = 1 << 20


def csv_layout(path: Path, known_headers: set[str] | frozenset[str] = frozenset()) -> tuple[list[str], str] | str:
    """The header and delimiter of a CSV file that :func:`csv_blocks` reads exactly as :func:`read_table` reads it
    whole (plain UTF-8 text, the header on the first line, every row splitting into the header's columns), else
    why it cannot be read in blocks (the file is then read whole)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ""):
        return f"{path.name} is not a CSV file"
    try:
        with path.open("rb") as handle:  # the whole file is scanned for CR and NUL; only its head is kept
            head = handle.read(_LAYOUT_HEAD)
            plain = b"\r" not in head and b"\x00" not in head
            while plain and (block := handle.read(16 << 20)):
                plain = b"\r" not in block and b"\x00" not in block
    except OSError as exc:
        raise DataFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    head = head.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark (Excel's "CSV UTF-8") is read as none
    if head.startswith((_GZIP, _ZIP, b"\xff\xfe", b"\xfe\xff", b"\n")) or any(
        head.startswith(sig) for sig in _BINARY_SIGNATURES
    ):
        return f"{path.name} is compressed, binary, UTF-16 or starts with a blank line"
    if not plain:
        return f"{path.name} has CR line endings or NUL bytes"
    try:  # the lines of the head (its last line may be cut inside a character)
        text = head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return f"{path.name} is not plain UTF-8 CSV throughout"
    lines = _head_lines(text, _HEADER_SEARCH)
    delimiter = _sniff_delimiter("\n".join(lines))
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in lines]
    if _find_header(rows, known_headers):
        return f"{path.name} has lines above its header"
    header = [h.strip() for h in rows[0]] if rows else []
    _check_header(path, header)
    if not header or len({norm_header(h) for h in header}) < len(header):
        return f"{path.name} has an empty column name"
    first = pd.DataFrame([r for r in rows[1:3] if len(r) == len(header)], columns=header)
    if len(_drop_description_row(first.assign(**{ROW_COLUMN: range(2, len(first) + 2)}), [])) < len(first):
        return f"{path.name} has a description of the columns under its header"
    return header, delimiter


def delimiter_notes(delimiter: str) -> list[str]:
    """What the reader notes of a file's delimiter (nothing for a comma)."""
    return [f"delimiter {delimiter!r} detected"] if delimiter != "," else []


def csv_blocks(path: Path, header: list[str], delimiter: str, block_size: int = 16 << 20) -> Iterator[pa.RecordBatch]:
    """The rows of a CSV file (laid out as :func:`csv_layout` found) in blocks of raw strings, each with its row
    number (:data:`ROW_COLUMN`, as :func:`read_table` numbers them). Raises ValueError at a row that does not split
    into the header's columns or text that is not UTF-8: such a file is read whole, where each row is accounted for.
    """

    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    row = 2
    try:  # the first block is read at opening
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=block_size),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=True, null_values=[""]
            ),
        )
        for batch in reader:
            if invalid:
                break
            numbers = pa.array(range(row, row + batch.num_rows), pa.int64())
            row += batch.num_rows
            yield pa.RecordBatch.from_arrays([*batch.columns, numbers], names=[*header, ROW_COLUMN])
        if invalid:  # its text is not repeated: it may hold personal data
            raise ValueError(f"{path.name} has a row that does not split into the header's columns")
    except pa.ArrowInvalid as exc:  # pyarrow's message, never the row's text: it may hold personal data
        why = "is not plain UTF-8 CSV throughout" if "UTF8" in str(exc) else "has a row longer than a block"
        raise ValueError(f"{path.name} {why}") from None


_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"


def _is_workbook(data: bytes) -> bool:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return True
    if not data.startswith(_ZIP):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names or any(n.startswith(("xl/", "content.xml")) for n in names)


def _unpack(path: Path, name: str, data: bytes, notes: list[str]) -> tuple[str, bytes]:
    """Undo gzip and a ZIP archive holding one export; return the inner file's name and bytes."""
    if data.startswith(_GZIP):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFileError(
                path, f"is a gzip file that cannot be decompressed ({exc})", todo="Download the export again"
            ) from None
        name = name[:-3] if name.lower().endswith(".gz") else name
        notes.append("gzip-compressed: decompressed")
    if data.startswith(_ZIP) and not _is_workbook(data):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir()
                and not m.filename.startswith("__MACOSX/")
                and not Path(m.filename).name.startswith(".")
            ]
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataFileError(path, f"is a damaged ZIP archive ({exc})", todo="Download the export again") from None
        if len(members) != 1:
            listed = ", ".join(m.filename for m in members[:5]) + (", ..." if len(members) > 5 else "")
            what = f"{len(members)} files ({listed})" if members else "no files"
            raise DataFileError(
                path, f"is a ZIP archive with {what}", todo="Unzip it and give one of them" if members else ""
            )
        try:
            data = archive.read(members[0])
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error) as exc:
            raise DataFileError(
                path, f"cannot be unzipped ({exc})", todo="Unzip it yourself and give the file"
            ) from None
        name = members[0].filename
        notes.append(f"read {name} from the ZIP archive")
        return _unpack(path, name, data, notes) if data.startswith(_GZIP) else (name, data)
    return name, data


def _read_workbook(
    path: Path, data: bytes, sheet: str | int | None, known: set[str] | frozenset[str], notes: list[str]
) -> RawTable:
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=str, engine="calamine")
    if not sheets:
        raise DataFileError(path, "the workbook has no sheets", todo="Re-export the file")
    names = list(sheets)
    filled = {n: int(f.notna().sum().sum()) for n, f in sheets.items()}
    chosen = sheet if isinstance(sheet, str) and sheet in sheets else None
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        chosen = names[sheet]
    if chosen is None:
        chosen = max(names, key=lambda n: filled[n])
    if len(names) > 1:
        notes.append(f"read sheet '{chosen}' of {len(names)} ({', '.join(names)})")
    grid = sheets[chosen]
    if not filled[chosen]:
        raise DataFileError(
            path, f"sheet '{chosen}' is empty", expected=f"data on one of the sheets {', '.join(names)}"
        )
    grid = grid.dropna(how="all", axis=1)
    rows = [[("" if pd.isna(c) else str(c)) for c in r] for r in grid.head(_HEADER_SEARCH).itertuples(index=False)]
    start = _find_header(rows, known)
    header = [str(h).strip() if pd.notna(h) else "" for h in grid.iloc[start]]
    body = grid.iloc[start + 1 :]
    numbers = [int(i) + 1 for i in body.index]  # the sheet's own row numbers (its first row is 1)
    keep = [i for i, h in enumerate(header) if h]
    frame = pd.DataFrame({header[i]: body.iloc[:, i].astype("str").to_numpy() for i in keep})
    frame = frame.replace({"nan": pd.NA})
    frame.index = range(len(frame))
    blank = frame.isna().all(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    frame[ROW_COLUMN] = [n for n in numbers]
    frame = frame[~blank].reset_index(drop=True)
    _check_header(path, [header[i] for i in keep])
    if start:
        notes.append(
            f"header found on row {start + 1} of sheet '{chosen}' (rows above skipped: {_preview(rows[:start])})"
        )
    return _finish(path, frame, [], notes)


def _read_json(path: Path, data: bytes, notes: list[str]) -> RawTable:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"is not valid JSON ({exc})", todo="Re-export the file") from None
    records = _records(doc)
    if records is None:
        raise DataFileError(path, "holds no list of records", expected="a JSON list of objects (rows)")
    frame = pd.json_normalize(records, sep=".")
    frame = frame.map(lambda v: pd.NA if v is None or (isinstance(v, float) and v != v) else str(v))
    frame = frame.astype("str") if len(frame.columns) else frame
    frame[ROW_COLUMN] = range(1, len(frame) + 1)
    notes.append("JSON records: rows are record numbers")
    return _finish(path, frame, [], notes)


def _records(doc: object) -> list | None:
    """The first list of objects in a JSON document (an API response wraps it, e.g. response.item_comment_list)."""
    if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
        return doc
    if isinstance(doc, list) and not doc:
        return doc
    children = doc.values() if isinstance(doc, dict) else doc if isinstance(doc, list) else []
    for child in children:
        found = _records(child)
        if found is not None:
            return found
    return None


_HEADER_SEARCH = 10


def _find_header(rows: list[list[str]], known: set[str] | frozenset[str]) -> int:
    """The row (0-based, among the first few) that is the header: most known header names, else the first wide row."""
    if not rows:
        return 0
    if known:
        hits = [sum(1 for c in r if c and norm_header(c) in known) for r in rows]
        best = max(range(len(rows)), key=lambda i: (hits[i], -i))
        if hits[best] >= 2 and hits[best] > hits[0]:
            return best
        if hits[0]:
            return 0
    filled = [sum(1 for c in r if str(c).strip()) for r in rows]
    wide = max(2, max(filled) // 2)
    return next((i for i, n in enumerate(filled) if n >= wide), 0)


def _preview(rows: list[list[str]]) -> str:
    cells = [c.strip() for r in rows for c in r if c.strip()]
    text = " | ".join(cells)
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an XLSX (zip) file",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
}


def read_csv_bytes(
    path: Path, data: bytes, known_headers: set[str] | frozenset[str] = frozenset(), notes: list[str] | None = None
) -> RawTable:
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise DataFileError(
                path,
                f"is {kind}, not CSV text",
                expected="a CSV file",
                todo="Give the file its right ending or re-export it as CSV",
            )
    notes = notes if notes is not None else []
    text = _decode(path, data, notes)
    # the file's own bytes go to pyarrow when the text is exactly them (no re-encoded copy of a large file)
    same_bytes = not (
        notes or data.startswith(b"\xef\xbb\xbf") or text.startswith("\n") or "\x00" in text or "\r" in text
    )
    if "\x00" in text:
        notes.append(f"removed {text.count(chr(0))} NUL byte(s)")
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # CRLF and old-Mac CR-only line endings
    if not text.strip():
        raise DataFileError(path, "file is empty", expected="a header row and data rows", todo="Re-export the file")
    if _looks_binary(text):
        raise DataFileError(
            path, "is not text (binary data)", expected="a CSV, Parquet or XLSX export", todo="Re-export the file"
        )
    text = text.lstrip("\n")
    lines = _head_lines(text, _HEADER_SEARCH)
    delimiter = _sniff_delimiter("\n".join(lines))
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in lines]
    start = _find_header(rows, known_headers)
    if start:
        delimiter = _sniff_delimiter("\n".join(lines[start:]))
        notes.append(f"header found on line {start + 1} (lines above skipped: {_preview(rows[:start])})")
        text = text[sum(len(line) + 1 for line in lines[:start]) :]
        same_bytes = False
    notes.extend(delimiter_notes(delimiter))
    try:
        header = next(csv.reader(io.StringIO(_head_lines(text, 1)[0]), delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise DataFileError(path, "the header row cannot be read", todo="Re-export the file") from None
    header = [h.strip() for h in header]
    _check_header(path, header)
    if same_bytes:  # the text is exactly the file's bytes decoded: not kept beside them while pyarrow parses
        del text
        frame, malformed = _parse_fast(data, header, delimiter)
        text = data.decode("utf-8") if frame is None else ""
    else:
        frame, malformed = _parse_fast(text.encode("utf-8"), header, delimiter)
    if frame is None:
        frame, malformed = _parse_exact(text, header, delimiter)
    if start:
        if ROW_COLUMN not in frame.columns:
            frame[ROW_COLUMN] = range(2, len(frame) + 2)
        frame[ROW_COLUMN] = frame[ROW_COLUMN] + start
        malformed = [(row + start, why) for row, why in malformed]
    return _finish(path, frame, malformed, notes)


def _looks_binary(text: str) -> bool:
    """Random bytes read as cp1252: control characters other than tab/newline in much of the start."""
    head = text[:4096]
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n")
    return controls > max(8, len(head) // 50)


def _decode(path: Path, data: bytes, notes: list[str]) -> str:
    """UTF-16 by its BOM; else UTF-8, line by line: a line that is not UTF-8 is read as cp1252 and named."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append("UTF-16 text (a spreadsheet's 'Unicode text' export)")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataFileError(path, f"is damaged UTF-16 text ({exc.reason})", todo="Re-export the file") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    bad: list[int] = []
    out = []
    encoding = "cp1252"
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            bad.append(number)
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
                encoding = "cp1252/latin-1"
    shown = ", ".join(map(str, bad[:5])) + (", ..." if len(bad) > 5 else "")
    notes.append(
        f"{len(bad):,} line(s) not UTF-8 (line {shown}); read as {encoding}, the other lines as UTF-8: "
        "check accented letters"
    )
    return "\n".join(out)


def _sniff_delimiter(text: str) -> str:
    """The candidate that splits the header into most fields (and the first data record alike).

    Records, not lines: a quoted field of the first data row may hold a line break.
    """
    sample = text.lstrip("\n")[:65536]
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        counts = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if record:
                    counts.append(len(record))
                if len(counts) == 2:
                    break
        except csv.Error:
            continue
        if counts and counts[0] > best_fields and (len(counts) == 1 or counts[1] >= counts[0]):
            best, best_fields = delimiter, counts[0]
    return best


def _check_header(path: Path, header: list[str]) -> None:
    """Two headers that read as the same column (``rating``, ``Rating ``) are fatal: which one holds the data?"""
    seen: dict[str, str] = {}
    for name in header:
        if not name:
            continue
        key = norm_header(name)
        if key in seen:
            both = f"'{seen[key]}' and '{name}'" if seen[key] != name else f"'{name}'"
            raise DataFileError(
                path,
                f"the header names a column twice ({both})",
                column=name,
                todo="Rename or remove one of them",
            )
        seen[key] = name


def _head_lines(text: str, n: int) -> list[str]:
    """The first ``n`` lines of ``text`` (the last one is the rest when there are fewer), without copying the rest."""
    lines, pos = [], 0
    for _ in range(n):
        end = text.find("\n", pos)
        if end < 0:
            lines.append(text[pos:])
            break
        lines.append(text[pos:end])
        pos = end + 1
    return lines


def _parse_fast(data: bytes, header: list[str], delimiter: str) -> tuple[pd.DataFrame | None, list]:
    """pyarrow's parser: fast, but it cannot say which rows it skipped, so any bad row sends us to _parse_exact."""
    bad: list[object] = []

    def on_invalid(row: object) -> str:
        bad.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
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


def _finish(
    path: Path, frame: pd.DataFrame, malformed: list[tuple[int, str]], notes: list[str], whole_file: bool = True
) -> RawTable:
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_header(path, [c for c in frame.columns if c != ROW_COLUMN])
    if ROW_COLUMN not in frame.columns:
        frame[ROW_COLUMN] = range(2, len(frame) + 2)
    if whole_file:
        frame = _drop_description_row(frame, notes)
    if not len(frame) and not malformed:
        notes.append("the file has a header but no data rows")
    return RawTable(path, frame, rows_read=len(frame) + len(malformed), malformed=malformed, notes=notes)


def _drop_description_row(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """A row under the header that describes the columns (TikTok's XLSX: ``Platform unique order ID.``) is no data.

    It is recognised by its cells: nearly all words without a digit, where data rows carry ids and dates.
    """
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    if len(frame) == 0 or len(columns) < 3:
        return frame

    def prose_share(i: int) -> tuple[float, int]:
        cells = [str(v).strip() for v in frame[columns].iloc[i] if pd.notna(v) and str(v).strip()]
        prose = [c for c in cells if not any(ch.isdigit() for ch in c) and " " in c]
        return (len(prose) / len(cells) if cells else 0.0), len(prose)

    share, count = prose_share(0)
    if share < 0.8 or count < 3 or (len(frame) > 1 and prose_share(1)[0] >= 0.5):
        return frame
    first = [str(v) for v in frame[columns].iloc[0] if pd.notna(v)][:2]
    notes.append(
        f"row {frame[ROW_COLUMN].iloc[0]} is a description of the columns ({', '.join(map(repr, first))}, ...): skipped"
    )
    return frame.iloc[1:].reset_index(drop=True)
