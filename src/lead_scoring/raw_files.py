"""Preflight of a raw directory: whole-file faults, found in milliseconds, before anything is built.

`lead-scoring check-raw` (and `make build`, `load-postgres`, `check-warehouses` before they start) looks at
every file the dbt sources would read (`<raw dir>/<entity>*.parquet` or `*.csv`, docs/raw_contract.md) and
turns each whole-file fault into one plain sentence naming the file, instead of a stack trace or a
confusing error halfway through the build, or worse a build that succeeds on nonsense:

- the directory or an entity's files are missing (files of the other format or with a name differing in
  case are named in the message), a path is a directory, a file is empty (0 bytes);
- Parquet: not readable (truncated or corrupt footer, a column chunk past the end of the file, a CSV file
  named .parquet), a contract column missing (or there only under another case or with spaces), a contract
  column of a type staging cannot cast (e.g. `occurred_at` as int64 epoch numbers, `lead_id` as a struct;
  text is accepted everywhere, staging parses it);
- CSV: not UTF-8 (the byte and its offset; UTF-16 recognised), not comma-separated (`;`, tab or `|`), no
  header, a contract column missing or misnamed, a Parquet file named .csv;
- no rows at all (all files of the entity together): an error for `crm_leads`, `web_events` and
  `email_events` (nothing to score, or every engagement score silently zero), a warning for the other
  entities, which can legitimately be empty (no opportunities, sales feedback or logged activities yet);
  a warning too for web or email events that the import manifest of `lead-scoring import-crm`
  (`import_manifest.json`, `absent_feeds`) declares absent from the imported export.

It reads only what it needs: Parquet footers (schema, row counts, chunk offsets), never data pages; for CSV
the first line, and the bytes for the UTF-8 check: every byte of a file up to `FULL_SCAN_BYTES`, above
that the head, the tail and `SAMPLE_BLOCKS` evenly spaced blocks (so a stray byte in the middle of a
multi-gigabyte file can go unnoticed; the build then still fails on it, less clearly). Values are not
checked here: Great Expectations (`lead-scoring validate-data`) checks casts, value sets and distributions.

Nothing here raises on bad input: every fault becomes a :class:`RawFileProblem`. `raw_problems_text` is
side-effect free and cheap enough to call at the start of every dbt run.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lead_scoring.expectations import RAW_CONTRACT, RAW_ENTITIES

FORMATS = ("parquet", "csv")
DEFAULT_RAW_DIR = "data/raw"
# Entities without which a build gives meaningless scores: no leads, or every web / email point gone.
REQUIRED_ROWS = ("crm_leads", "web_events", "email_events")
# Written by `lead-scoring import-crm` beside the raw files: its `absent_feeds` (web_events,
# email_events) are feeds the imported export does not have, so their zero rows are a warning.
IMPORT_MANIFEST = "import_manifest.json"
# CSV: files up to this size are checked for UTF-8 in full; bigger ones in samples.
FULL_SCAN_BYTES = 64 * 2**20
HEAD_BYTES = 2**20
SAMPLE_BLOCKS = 16
SAMPLE_BLOCK_BYTES = 256 * 2**10
READ_CHUNK_BYTES = 8 * 2**20
OTHER_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'"}
# Text columns that staging casts to text before use (ids, attribute values): integers are fine there.
CAST_TO_TEXT_COLUMNS = ("attribute_value",)
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class RawFileProblem:
    """One fault: the file (or the entity's file pattern), its entity, one sentence: what and what to do."""

    path: str
    entity: str
    problem: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class RawDirReport:
    """What the preflight found: problems, the files read per entity and their rows (None when unknown)."""

    raw_dir: Path
    raw_format: str
    problems: list[RawFileProblem] = field(default_factory=list)
    files: dict[str, list[Path]] = field(default_factory=dict)
    rows: dict[str, int | None] = field(default_factory=dict)

    @property
    def errors(self) -> list[RawFileProblem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[RawFileProblem]:
        return [problem for problem in self.problems if not problem.is_error]

    def summary(self) -> str:
        """`7 parquet files in data/raw: crm_leads 1 (10,220 rows), ...`"""
        parts = []
        for entity, files in self.files.items():
            rows = self.rows.get(entity)
            parts.append(f"{entity} {len(files)}" + (f" ({rows:,} rows)" if rows is not None else ""))
        total = sum(len(files) for files in self.files.values())
        return f"{total} {self.raw_format} files in {self.raw_dir}: " + ", ".join(parts)


# --------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------
def check_raw_dir(raw_dir: Path, raw_format: str = "parquet") -> list[RawFileProblem]:
    """Every whole-file problem of the raw directory (errors and warnings); empty when all is well."""
    return inspect_raw_dir(raw_dir, raw_format).problems


def format_problems(problems: Iterable[RawFileProblem]) -> str:
    """One line per problem, starting with the file path (warnings marked as such)."""
    return "\n".join(
        f"{problem.path}: {'' if problem.is_error else 'warning: '}{problem.problem}" for problem in problems
    )


def raw_problems_text(raw_dir: str, raw_format: str) -> str:
    """'' when the raw files can be built from, else one line per error (warnings left out).

    Meant for a DuckDB UDF called by dbt's on-run-start hook: cheap (footers and headers only, ~10 ms on
    the demo data once pyarrow is imported), no side effects, never raises. A relative `raw_dir` is relative
    to the current directory (dbt's project directory), as for the sources.
    """
    try:
        return format_problems(inspect_raw_dir(Path(raw_dir), raw_format).errors)
    except Exception as error:  # pragma: no cover - a bug here must still read as a sentence
        return f"{raw_dir}: the raw-file check itself failed ({type(error).__name__}: {error})"


def inspect_raw_dir(raw_dir: Path, raw_format: str = "parquet") -> RawDirReport:
    """Check every entity's files; see the module docstring for what is checked."""
    raw_dir = Path(raw_dir)
    report = RawDirReport(raw_dir, raw_format)
    if raw_format not in FORMATS:
        report.problems.append(
            _problem(raw_dir, "", f"unknown raw format '{raw_format}': use parquet or csv")
        )
        return report
    if not raw_dir.exists():
        report.problems.append(
            _problem(
                raw_dir,
                "",
                "the raw directory does not exist: generate data (make data) or point LEAD_SCORING_RAW_DIR "
                "(--raw-dir) at your exports",
            )
        )
        return report
    if not raw_dir.is_dir():
        report.problems.append(
            _problem(raw_dir, "", "is a file, not a directory: point LEAD_SCORING_RAW_DIR at its folder")
        )
        return report
    try:
        names = sorted(entry.name for entry in os.scandir(raw_dir))
    except OSError as error:
        report.problems.append(
            _problem(raw_dir, "", f"cannot be listed ({error.strerror}): check permissions")
        )
        return report
    for entity in RAW_ENTITIES:
        try:
            _check_entity(report, entity, names)
        except Exception as error:  # never raise: an unforeseen fault is a problem too
            report.problems.append(
                _problem(_pattern(raw_dir, entity, raw_format), entity, f"could not be checked: {error}")
            )
    return report


def preflight(raw_dir: Path, raw_format: str = "parquet") -> bool:
    """Check the raw directory and print its problems to stderr; True when it can be built from.

    For commands that read the raw files (`load-postgres`, `check-warehouses`): fail fast, before anything
    else is touched.
    """
    return _print_report(inspect_raw_dir(raw_dir, raw_format))


def _print_report(report: RawDirReport) -> bool:
    """Warnings, then errors under one heading, to stderr; True when there is no error."""
    if report.warnings:
        print(format_problems(report.warnings), file=sys.stderr)
    if not report.errors:
        return True
    count = len(report.errors)
    print(
        f"raw files in {report.raw_dir} cannot be used ({count} problem{'s' if count > 1 else ''}):\n"
        + format_problems(report.errors),
        file=sys.stderr,
    )
    return False


# --------------------------------------------------------------------------------------------------------
# Per entity
# --------------------------------------------------------------------------------------------------------
def _pattern(raw_dir: Path, entity: str, raw_format: str) -> str:
    return str(raw_dir / f"{entity}*.{raw_format}")


def _problem(path: Path | str, entity: str, problem: str, severity: Severity = "error") -> RawFileProblem:
    return RawFileProblem(str(path), entity, problem, severity)


def _matches(name: str, entity: str, extension: str) -> bool:
    """Does a file name match the sources' glob `<entity>*.<extension>` (case-sensitive, like DuckDB)?"""
    return name.startswith(entity) and name.endswith(f".{extension}")


def _check_entity(report: RawDirReport, entity: str, names: Sequence[str]) -> None:
    raw_dir, raw_format = report.raw_dir, report.raw_format
    other_format = "csv" if raw_format == "parquet" else "parquet"
    pattern = _pattern(raw_dir, entity, raw_format)
    files = [raw_dir / name for name in names if _matches(name, entity, raw_format)]
    others = [name for name in names if _matches(name, entity, other_format)]
    report.files[entity] = files
    if not files:
        near = [
            name
            for name in names
            if _matches(name.lower(), entity, raw_format) and not _matches(name, entity, raw_format)
        ]
        hint = "the contract needs one file or more per entity"
        if others:
            hint = (
                f"found {', '.join(others)}: to read them set LEAD_SCORING_RAW_FORMAT={other_format} "
                f"(--format {other_format}, dbt --vars '{{raw_format: {other_format}}}')"
            )
        elif near:
            hint = f"found {', '.join(near)}: file names are case-sensitive, rename it"
        report.problems.append(_problem(pattern, entity, f"no file for {entity}; {hint}"))
        report.rows[entity] = None
        return
    for name in others:
        report.problems.append(
            _problem(
                raw_dir / name,
                entity,
                f"ignored: the raw format is {raw_format}, so only {entity}*.{raw_format} files are read",
                "warning",
            )
        )
    total: int | None = 0
    has_rows = False
    broken = False
    for path in files:
        found, rows = _check_file(path, entity, raw_format)
        report.problems += found
        broken = broken or any(problem.is_error for problem in found)
        if rows is None or total is None:
            total = None
        else:
            total += rows
        has_rows = has_rows or bool(rows) or (rows is None and not found)
    report.rows[entity] = total if raw_format == "parquet" and not broken else None
    if broken or has_rows:
        return
    where = files[0] if len(files) == 1 else pattern
    if entity != "crm_leads" and entity in _declared_absent_feeds(raw_dir):
        report.problems.append(
            _problem(
                where,
                entity,
                f"has no rows: {IMPORT_MANIFEST} declares that the imported export has no "
                f"{entity.replace('_', ' ')}, so their engagement rules score zero",
                "warning",
            )
        )
    elif entity in REQUIRED_ROWS:
        consequence = (
            "nothing can be scored"
            if entity == "crm_leads"
            else "every engagement point from this feed would silently be zero"
        )
        report.problems.append(
            _problem(
                where, entity, f"has no rows ({entity} must not be empty: {consequence}); check the export"
            )
        )
    else:
        report.problems.append(
            _problem(
                where,
                entity,
                f"has no rows: fine if you have no {entity.replace('_', ' ')} yet, else check the export",
                "warning",
            )
        )


def _declared_absent_feeds(raw_dir: Path) -> list[str]:
    """Feeds the import manifest (lead-scoring import-crm) declares absent from the export; [] without one."""
    try:
        manifest = json.loads((raw_dir / IMPORT_MANIFEST).read_text(encoding="utf-8"))
        return [str(feed) for feed in manifest.get("absent_feeds", [])]
    except (OSError, ValueError, AttributeError):
        return []


def _check_file(path: Path, entity: str, raw_format: str) -> tuple[list[RawFileProblem], int | None]:
    """Problems of one file and its rows (None when unknown: big CSV files are not counted)."""
    try:
        if path.is_dir():
            return [
                _problem(
                    path,
                    entity,
                    "is a directory, not a file: copy the files inside it into the raw directory "
                    "(a Spark or Hive output folder must be flattened)",
                )
            ], None
        size = path.stat().st_size
        if size == 0:
            return [
                _problem(
                    path, entity, "is empty (0 bytes): re-export it, or remove it if a copy failed half-way"
                )
            ], None
        if raw_format == "parquet":
            return _check_parquet(path, entity, size)
        return _check_csv(path, entity, size)
    except OSError as error:
        reason = error.strerror or str(error)
        return [
            _problem(path, entity, f"cannot be read ({reason}): check that it exists and is readable")
        ], None


# --------------------------------------------------------------------------------------------------------
# Columns (both formats)
# --------------------------------------------------------------------------------------------------------
def _normalised(name: str) -> str:
    """A column name as a person would read it: `' Lead ID'` -> `lead_id`."""
    return re.sub(r"[\s.\-]+", "_", name.replace("\ufeff", "").strip().strip('"').strip().lower())


def _column_problems(path: Path, entity: str, names: Sequence[str]) -> list[RawFileProblem]:
    """Contract columns missing from a file, naming the ones present under another case or with spaces."""
    present = set(names)
    by_normalised: dict[str, str] = {}
    for name in names:
        by_normalised.setdefault(_normalised(name), name)
    missing, misnamed = [], []
    for column, _ in RAW_CONTRACT[entity]:
        if column in present:
            continue
        if column in by_normalised:
            misnamed.append(f"{by_normalised[column]!r} should be {column}")
        else:
            missing.append(column)
    problems = []
    if missing:
        problems.append(
            _problem(
                path,
                entity,
                f"missing contract column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(see docs/raw_contract.md); add {'them' if len(missing) > 1 else 'it'} to the export",
            )
        )
    if misnamed:
        problems.append(
            _problem(
                path,
                entity,
                f"column name{'s differ' if len(misnamed) > 1 else ' differs'} from the contract in case or "
                f"spaces: {'; '.join(misnamed)}; rename {'them' if len(misnamed) > 1 else 'it'} "
                "(names must match exactly)",
            )
        )
    return problems


# --------------------------------------------------------------------------------------------------------
# Parquet: footer only
# --------------------------------------------------------------------------------------------------------
def _check_parquet(path: Path, entity: str, size: int) -> tuple[list[RawFileProblem], int | None]:
    import pyarrow.parquet as pq

    try:
        parquet_file = pq.ParquetFile(path)
        metadata = parquet_file.metadata
        schema = parquet_file.schema_arrow
    except Exception as error:  # pyarrow raises several types for a bad file
        reason = _parquet_reason(path, error)
        return [
            _problem(
                path,
                entity,
                f"not a readable Parquet file (truncated or corrupt: {reason}); re-export or re-copy it",
            )
        ], None
    try:
        beyond = _chunk_beyond_end(metadata, size)
    finally:
        parquet_file.close()
    if beyond:
        return [
            _problem(
                path,
                entity,
                f"not a readable Parquet file (truncated or corrupt: {beyond}); re-export or re-copy it",
            )
        ], None
    problems = _column_problems(path, entity, schema.names)
    contract = dict(RAW_CONTRACT[entity])
    for column in schema:
        if column.name in contract:
            mismatch = _type_mismatch(column.name, contract[column.name], column.type)
            if mismatch:
                problems.append(_problem(path, entity, mismatch))
    return problems, metadata.num_rows


def _parquet_reason(path: Path, error: Exception) -> str:
    """A short reason for an unreadable Parquet file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError:
        start = b""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "magic bytes not found" in message.lower() or "file size" in message.lower():
        if start == b"PAR1":
            return "no Parquet footer at the end, the file was cut off"
        if start[:1].isascii() and start.isascii() and b"\x00" not in start:
            return "it holds text, not Parquet: a CSV file named .parquet?"
        return "no Parquet header or footer"
    return message if len(message) <= 160 else message[:157] + "..."


def _chunk_beyond_end(metadata, size: int) -> str | None:
    """A column chunk that the footer places (partly) beyond the end of the file, if any."""
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            chunk = group.column(column_index)
            start = chunk.data_page_offset
            if chunk.has_dictionary_page and chunk.dictionary_page_offset:
                start = min(start, chunk.dictionary_page_offset)
            end = start + chunk.total_compressed_size
            if start < 0 or end > size:
                return (
                    f"row group {group_index} column {chunk.path_in_schema} ends at byte {end:,} "
                    f"of a {size:,}-byte file"
                )
    return None


def _type_mismatch(column: str, contract_type: str, arrow_type) -> str | None:
    """Why a Parquet column type cannot be read as the contract type by staging (None when it can).

    Text is fine everywhere (staging casts it); otherwise the cast staging applies must exist in every
    warehouse: numbers for numbers, timestamps or dates for timestamps, booleans or 0/1 for booleans.
    Ids and attribute values are cast to text by staging, so numeric ids are fine too.
    """
    import pyarrow.types as types

    value_type = arrow_type.value_type if types.is_dictionary(arrow_type) else arrow_type
    if types.is_null(value_type) or types.is_string(value_type) or types.is_large_string(value_type):
        return None
    if hasattr(types, "is_string_view") and types.is_string_view(value_type):
        return None
    numeric = types.is_integer(value_type) or types.is_floating(value_type) or types.is_decimal(value_type)
    nested = types.is_nested(value_type)
    if contract_type == "VARCHAR":
        scalar = not nested and not types.is_binary(value_type) and not types.is_large_binary(value_type)
        ok = (column.endswith("_id") and types.is_integer(value_type)) or (
            column in CAST_TO_TEXT_COLUMNS and scalar
        )
        expected = "text"
    elif contract_type == "TIMESTAMP":
        ok = types.is_timestamp(value_type) or types.is_date(value_type)
        expected = "a timestamp (or text such as 2026-06-30 12:00:00)"
    elif contract_type in ("BIGINT", "INTEGER"):
        ok = numeric
        expected = "an integer (or text)"
    elif contract_type == "DOUBLE":
        ok = numeric
        expected = "a number (or text)"
    elif contract_type == "BOOLEAN":
        ok = types.is_boolean(value_type) or types.is_integer(value_type)
        expected = "a boolean (or text true / false)"
    else:  # pragma: no cover - the contract has no other types
        return None
    if ok:
        return None
    if types.is_binary(value_type) or types.is_large_binary(value_type):
        fix = "write it as a UTF-8 string column (binary without the string annotation)"
    elif contract_type == "TIMESTAMP" and numeric:
        fix = "epoch numbers are not converted: write it as a timestamp"
    elif nested:
        fix = "write plain values, not a nested structure"
    else:
        fix = "write it with the contract type"
    shown = str(arrow_type) if len(str(arrow_type)) <= 60 else str(arrow_type)[:57] + "..."
    return f"column {column} has type {shown}, the contract needs {expected}: {fix}"


# --------------------------------------------------------------------------------------------------------
# CSV: first line and UTF-8
# --------------------------------------------------------------------------------------------------------
def _check_csv(path: Path, entity: str, size: int) -> tuple[list[RawFileProblem], int | None]:
    with path.open("rb") as handle:
        head = handle.read(min(size, HEAD_BYTES))
    if head.startswith(b"PAR1"):
        return [
            _problem(path, entity, "is a Parquet file, not CSV: rename it to .parquet or export CSV")
        ], None
    for bom, encoding in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
                          (codecs.BOM_UTF16_BE, "UTF-16")):  # fmt: skip
        if head.startswith(bom):
            return [
                _problem(
                    path,
                    entity,
                    f"is {encoding} text, the contract is UTF-8: re-encode it, "
                    f"e.g. iconv -f {encoding} -t UTF-8",
                )
            ], None
    problems = []
    bad_byte = _utf8_fault(path, size, head)
    if bad_byte:
        problems.append(_problem(path, entity, bad_byte))
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    header, rest = _first_record(text)
    if not header.strip():
        problems.append(
            _problem(path, entity, "has no header line (the first line is blank): export with a header")
        )
        return problems, None
    fields = next(csv.reader([header]))
    names = [name.strip('"') for name in fields]
    contract = [column for column, _ in RAW_CONTRACT[entity]]
    found = sum(_normalised(name) in contract for name in names)
    delimiter = _other_delimiter(header, contract, found)
    if delimiter:
        problems.append(
            _problem(
                path,
                entity,
                f"looks {OTHER_DELIMITERS[delimiter]}-delimited; the contract is comma-separated: "
                "export with ',' as the delimiter",
            )
        )
    elif found == 0:
        problems.append(
            _problem(
                path,
                entity,
                f"the first line has none of the contract columns ({', '.join(contract[:3])}, ...): "
                "the header row is missing or wrong; export with a header row",
            )
        )
    else:
        problems += _column_problems(path, entity, names)
    complete = size <= len(head)
    rows = _count_rows(rest) if complete else None
    return problems, rows


def _first_record(text: str) -> tuple[str, str]:
    """The header record (up to the first line end outside quotes) and the text after it."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            return text[:index].rstrip("\r"), text[index + 1 :]
    return text.rstrip("\r"), ""


def _count_rows(rest: str) -> int:
    return sum(1 for line in rest.splitlines() if line.strip())


def _other_delimiter(header: str, contract: Sequence[str], found_with_comma: int) -> str | None:
    """The delimiter (';', tab or '|') the header really uses, if it is not a comma."""
    best, best_found = None, found_with_comma
    for delimiter in OTHER_DELIMITERS:
        if delimiter not in header:
            continue
        names = next(csv.reader([header], delimiter=delimiter))
        found = sum(_normalised(name) in contract for name in names)
        if found > best_found or (found == best_found == 0 and len(names) > 1 and "," not in header):
            best, best_found = delimiter, found
    return best


def _utf8_fault(path: Path, size: int, head: bytes) -> str | None:
    """The first byte that is not UTF-8 (whole file up to FULL_SCAN_BYTES, else head, samples, tail)."""
    if size <= len(head):
        return _describe_bad_byte(_first_bad_byte(head, 0, final=True), head)
    with path.open("rb") as handle:
        if size <= FULL_SCAN_BYTES:
            return _scan_utf8(handle)
        starts = [0] + [size * k // (SAMPLE_BLOCKS + 1) for k in range(1, SAMPLE_BLOCKS + 1)]
        starts.append(max(size - SAMPLE_BLOCK_BYTES, 0))
        for start in starts:
            handle.seek(start)
            block = handle.read(HEAD_BYTES if start == 0 else SAMPLE_BLOCK_BYTES)
            skip = 0
            while start and skip < 3 and skip < len(block) and 0x80 <= block[skip] <= 0xBF:
                skip += 1  # a block may begin in the middle of a multi-byte character
            bad = _first_bad_byte(block[skip:], start + skip, final=start + len(block) >= size)
            if bad is not None:
                position = bad
                local = position - start
                line = block[:local].count(b"\n") + 1 if start == 0 else None
                return _bad_byte_sentence(position, block[local : local + 4], line)
    return None


def _scan_utf8(handle) -> str | None:
    """Decode a whole file in chunks; the first invalid byte as a sentence, None when it is all UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 0
    while True:
        chunk = handle.read(READ_CHUNK_BYTES)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # error.object is the up to 3 bytes of an unfinished character held back from the last chunk,
            # then this chunk
            held = len(error.object) - len(chunk)
            position = offset - held + error.start
            handle.seek(position)
            line = lines + chunk[: max(error.start - held, 0)].count(b"\n") + 1
            return _bad_byte_sentence(position, handle.read(4), line)
        if not chunk:
            return None
        lines += chunk.count(b"\n")
        offset += len(chunk)


def _first_bad_byte(data: bytes, offset: int, final: bool) -> int | None:
    """Absolute offset of the first invalid UTF-8 byte in data (an unfinished tail is fine unless final)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError as error:
        return offset + error.start
    return None


def _describe_bad_byte(position: int | None, data: bytes) -> str | None:
    if position is None:
        return None
    return _bad_byte_sentence(position, data[position : position + 4], data[:position].count(b"\n") + 1)


def _bad_byte_sentence(position: int, following: bytes, line: int | None) -> str:
    byte = following[0] if following else 0
    where = f"offset {position:,}" + (f" (line {line:,})" if line is not None else "")
    guess = ""
    if byte >= 0xA0:
        guess = f" (it is '{bytes([byte]).decode('latin-1')}' in Latin-1)"
    elif byte >= 0x80:
        guess = f" (it is '{bytes([byte]).decode('cp1252', errors='replace')}' in Windows-1252)"
    return (
        f"is not UTF-8: byte 0x{byte:02X} at {where} is invalid{guess}; "
        "re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8"
    )


# --------------------------------------------------------------------------------------------------------
# Command line: lead-scoring check-raw
# --------------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_RAW_DIR", DEFAULT_RAW_DIR)),
        help="directory of the raw files (default: LEAD_SCORING_RAW_DIR or data/raw)",
    )
    parser.add_argument(
        "--format",
        dest="raw_format",
        choices=FORMATS,
        default=os.environ.get("LEAD_SCORING_RAW_FORMAT", "parquet"),
        help="raw file format (default: LEAD_SCORING_RAW_FORMAT or parquet)",
    )


def run(args: argparse.Namespace) -> int:
    report = inspect_raw_dir(args.raw_dir, args.raw_format)
    if not _print_report(report):
        return 1
    print(f"raw files OK: {report.summary()}")
    return 0
