"""Preflight of the raw directory (`lead-scoring check-raw`): a corpus of whole-file faults.

Every case starts from a small generated data set (Parquet, and CSV copies written with pyarrow: the
generator writes Parquet only), breaks one file and asserts one problem naming that file and the fault.
No dbt runs: the whole module takes a few seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from lead_scoring import cli, raw_files
from lead_scoring.generate import RAW_FILES, generate
from lead_scoring.raw_files import RawFileProblem, check_raw_dir, format_problems, raw_problems_text


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{'parquet': dir, 'csv': dir}: 200 generated leads, Parquet as written, CSV copies of the same."""
    root = tmp_path_factory.mktemp("raw_files")
    generate(root / "parquet", root / "truth", leads=200, events_per_lead=20)
    (root / "csv").mkdir()
    for path in sorted((root / "parquet").glob("*.parquet")):
        pacsv.write_csv(pq.read_table(path), root / "csv" / f"{path.stem}.csv")
    return {"parquet": root / "parquet", "csv": root / "csv"}


def copy_of(clean: dict[str, Path], raw_format: str, tmp_path: Path) -> Path:
    raw_dir = tmp_path / "raw"
    shutil.copytree(clean[raw_format], raw_dir)
    return raw_dir


# --------------------------------------------------------------------------------------------------------
# Ways to break a file
# --------------------------------------------------------------------------------------------------------
def rewrite_parquet(entity: str, change: Callable[[pa.Table], pa.Table], name: str | None = None):
    def mutate(raw_dir: Path) -> None:
        table = pq.read_table(raw_dir / f"{entity}.parquet")
        pq.write_table(change(table), raw_dir / (name or f"{entity}.parquet"))

    return mutate


def rewrite_csv(entity: str, change: Callable[[str], bytes | str]):
    def mutate(raw_dir: Path) -> None:
        path = raw_dir / f"{entity}.csv"
        changed = change(path.read_text(encoding="utf-8"))
        path.write_bytes(changed.encode("utf-8") if isinstance(changed, str) else changed)

    return mutate


def csv_with_delimiter(entity: str, delimiter: str):
    def mutate(raw_dir: Path) -> None:
        table = pacsv.read_csv(raw_dir / f"{entity}.csv")
        pacsv.write_csv(table, raw_dir / f"{entity}.csv", pacsv.WriteOptions(delimiter=delimiter))

    return mutate


def with_column_type(column: str, values: Callable[[pa.ChunkedArray], pa.Array]):
    def change(table: pa.Table) -> pa.Table:
        return table.set_column(table.column_names.index(column), column, values(table[column]))

    return change


def renamed(old: str, new: str):
    return lambda table: table.rename_columns([new if name == old else name for name in table.column_names])


def remove(name: str):
    return lambda raw_dir: (raw_dir / name).unlink()


def write_bytes(name: str, data: bytes | Callable[[bytes], bytes]):
    def mutate(raw_dir: Path) -> None:
        path = raw_dir / name
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)

    return mutate


def header_only(text: str) -> str:
    return text.split("\n", 1)[0] + "\n"


def latin1_name(text: str) -> bytes:
    """A CRM export written in Latin-1 (the generated names already have accents; one more)."""
    lines = text.split("\n")
    lines[3] = lines[3].replace(',"', ',"Müller ', 1)
    return "\n".join(lines).encode("latin-1", errors="replace")


def latin1_near_the_end(text: str) -> bytes:
    lines = text.rstrip("\n").split("\n")
    lines[-2] = lines[-2].replace(',"', ',"café ', 1)
    return ("\n".join(lines) + "\n").encode("latin-1")


@dataclass(frozen=True)
class Case:
    id: str
    raw_format: str
    mutate: Callable[[Path], None]
    path: str  # the file (or pattern) the problem must name, relative to the raw directory
    fragments: tuple[str, ...]  # words the sentence must contain
    severity: str = "error"


CASES = [
    Case("missing file", "parquet", remove("opportunities.parquet"), "opportunities*.parquet",
         ("no file for opportunities",)),
    Case("missing file, the other format present", "parquet",
         lambda d: (remove("web_events.parquet")(d), shutil.copy(Path(__file__), d / "web_events.csv")),
         "web_events*.parquet", ("found web_events.csv", "LEAD_SCORING_RAW_FORMAT=csv")),
    Case("file name differs in case", "parquet",
         lambda d: (d / "sales_feedback.parquet").rename(d / "Sales_Feedback.parquet"),
         "sales_feedback*.parquet", ("Sales_Feedback.parquet", "case-sensitive")),
    Case("empty parquet (0 bytes)", "parquet", write_bytes("web_events.parquet", b""), "web_events.parquet",
         ("is empty (0 bytes)",)),
    Case("empty daily parquet beside the first export", "parquet",
         write_bytes("web_events-2026-07-01.parquet", b""), "web_events-2026-07-01.parquet",
         ("is empty (0 bytes)",)),
    Case("empty csv (0 bytes)", "csv", write_bytes("email_events.csv", b""), "email_events.csv",
         ("is empty (0 bytes)",)),
    Case("parquet with zero rows (web_events)", "parquet",
         rewrite_parquet("web_events", lambda table: table.slice(0, 0)), "web_events.parquet",
         ("has no rows", "web_events must not be empty")),
    Case("csv with only a header (crm_leads)", "csv", rewrite_csv("crm_leads", header_only), "crm_leads.csv",
         ("has no rows", "crm_leads must not be empty")),
    Case("csv with only a header (sales_feedback): a warning", "csv",
         rewrite_csv("sales_feedback", header_only), "sales_feedback.csv",
         ("has no rows", "no sales feedback yet"), "warning"),
    Case("missing column", "parquet", rewrite_parquet("crm_leads", lambda table: table.drop(["email"])),
         "crm_leads.parquet", ("missing contract column email",)),
    Case("missing columns in a daily file", "parquet",
         rewrite_parquet("web_events", lambda table: table.drop(["occurred_at", "event_type"]),
                         "web_events-2026-07-01.parquet"),
         "web_events-2026-07-01.parquet", ("missing contract columns event_type, occurred_at",)),
    Case("missing column (csv)", "csv",
         rewrite_csv("crm_activities", lambda text: text.replace('"subject"', '"topic"', 1)),
         "crm_activities.csv", ("missing contract column subject",)),
    Case("column only in another case", "parquet",
         rewrite_parquet("crm_leads", renamed("lead_id", "Lead_ID")),
         "crm_leads.parquet", ("'Lead_ID' should be lead_id",)),
    Case("column only with spaces (csv)", "csv",
         rewrite_csv("email_events", lambda text: text.replace('"occurred_at"', '" Occurred At "', 1)),
         "email_events.csv", ("' Occurred At ' should be occurred_at",)),
    Case("timestamp stored as int64", "parquet",
         rewrite_parquet("web_events", with_column_type("occurred_at", lambda c: c.cast(pa.int64()))),
         "web_events.parquet", ("occurred_at has type int64", "epoch")),
    Case("lead id stored as a struct", "parquet",
         rewrite_parquet("crm_activities", with_column_type(
             "lead_id", lambda c: pa.StructArray.from_arrays([c.combine_chunks()], ["id"]))),
         "crm_activities.parquet", ("lead_id has type struct", "nested")),
    Case("boolean stored as a timestamp", "parquet",
         rewrite_parquet("opportunities", with_column_type("is_won", lambda c: c.cast(pa.int64()).cast(
             pa.timestamp("s")))),
         "opportunities.parquet", ("is_won has type timestamp", "boolean")),
    Case("truncated parquet", "parquet",
         write_bytes("email_events.parquet", lambda data: data[: len(data) // 2]),
         "email_events.parquet", ("not a readable Parquet file (truncated or corrupt:", "cut off")),
    Case("csv named .parquet", "parquet",
         lambda d: shutil.copy(Path(__file__), d / "crm_lead_attributes.parquet"),
         "crm_lead_attributes.parquet", ("not a readable Parquet file", "text")),
    Case("parquet named .csv", "csv",
         lambda d: pq.write_table(pa.table({"a": [1]}), d / "opportunities.csv"),
         "opportunities.csv", ("is a Parquet file, not CSV",)),
    Case("semicolon-delimited csv", "csv", csv_with_delimiter("crm_leads", ";"), "crm_leads.csv",
         ("looks ';'-delimited; the contract is comma-separated",)),
    Case("tab-delimited csv", "csv", csv_with_delimiter("web_events", "\t"), "web_events.csv",
         ("looks tab-delimited",)),
    Case("pipe-delimited csv", "csv", csv_with_delimiter("crm_activities", "|"), "crm_activities.csv",
         ("looks '|'-delimited",)),
    Case("latin-1 csv", "csv", rewrite_csv("crm_leads", latin1_name), "crm_leads.csv",
         ("is not UTF-8: byte 0x", "at offset", "(line ", "in Latin-1)", "re-encode")),
    Case("latin-1 byte near the end of a csv", "csv", rewrite_csv("web_events", latin1_near_the_end),
         "web_events.csv", ("is not UTF-8: byte 0xE9", "re-encode")),
    Case("utf-16 csv", "csv",
         rewrite_csv("opportunities", lambda text: text.encode("utf-16")), "opportunities.csv",
         ("is UTF-16 text", "iconv")),
    Case("csv without a header row", "csv",
         rewrite_csv("crm_leads", lambda text: text.split("\n", 1)[1]), "crm_leads.csv",
         ("none of the contract columns", "header row")),
    Case("a directory matching the pattern", "parquet",
         lambda d: (d / "web_events-2026-07-01.parquet").mkdir(), "web_events-2026-07-01.parquet",
         ("is a directory, not a file",)),
    Case("files of the other format are ignored: a warning", "parquet",
         lambda d: shutil.copy(Path(__file__), d / "crm_leads-old.csv"), "crm_leads-old.csv",
         ("ignored: the raw format is parquet",), "warning"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault_names_the_file_and_the_fault(case: Case, clean: dict[str, Path], tmp_path: Path) -> None:
    raw_dir = copy_of(clean, case.raw_format, tmp_path)
    case.mutate(raw_dir)

    problems = check_raw_dir(raw_dir, case.raw_format)

    expected_path = str(raw_dir / case.path)
    matching = [problem for problem in problems if problem.path == expected_path]
    assert matching, f"no problem for {expected_path}:\n{format_problems(problems)}"
    [problem] = matching
    for fragment in case.fragments:
        assert fragment in problem.problem, problem.problem
    assert problem.severity == case.severity
    assert problem.entity and problem.entity in case.path.lower()
    # the fault is reported once, and nothing else is wrong with the copy of the clean data
    assert len(problems) == 1, format_problems(problems)
    assert "\n" not in problem.problem
    text = raw_problems_text(str(raw_dir), case.raw_format)
    if case.severity == "error":
        assert text.startswith(f"{expected_path}: ")
    else:
        assert text == ""


@pytest.mark.parametrize("raw_format", ["parquet", "csv"])
def test_clean_generated_data_has_no_problem(raw_format: str, clean: dict[str, Path]) -> None:
    assert check_raw_dir(clean[raw_format], raw_format) == []
    assert raw_problems_text(str(clean[raw_format]), raw_format) == ""


def test_missing_raw_dir_is_one_problem(tmp_path: Path) -> None:
    problems = check_raw_dir(tmp_path / "nowhere")
    assert [problem.path for problem in problems] == [str(tmp_path / "nowhere")]
    assert "does not exist" in problems[0].problem


def test_unknown_format_is_a_problem(clean: dict[str, Path]) -> None:
    [problem] = check_raw_dir(clean["parquet"], "xlsx")
    assert "unknown raw format 'xlsx'" in problem.problem


def test_every_entity_missing_gives_one_line_each(tmp_path: Path) -> None:
    tmp_path.joinpath("raw").mkdir()
    problems = check_raw_dir(tmp_path / "raw", "csv")
    assert [problem.entity for problem in problems] == list(RAW_FILES)
    assert all(problem.path.endswith("*.csv") for problem in problems)


def test_a_zero_row_daily_file_beside_rows_is_fine(clean: dict[str, Path], tmp_path: Path) -> None:
    raw_dir = copy_of(clean, "parquet", tmp_path)
    rewrite_parquet("web_events", lambda table: table.slice(0, 0), "web_events-2026-07-01.parquet")(raw_dir)
    assert check_raw_dir(raw_dir) == []


def test_text_timestamps_and_numeric_ids_are_accepted(clean: dict[str, Path], tmp_path: Path) -> None:
    raw_dir = copy_of(clean, "parquet", tmp_path)
    to_text = with_column_type("occurred_at", lambda c: c.cast(pa.string()))
    rewrite_parquet("web_events", to_text)(raw_dir)
    rewrite_parquet(
        "crm_activities", with_column_type("activity_id", lambda c: pa.array(range(len(c)), pa.int64()))
    )(raw_dir)
    rewrite_parquet("sales_feedback", with_column_type("rating", lambda c: c.cast(pa.float64())))(raw_dir)
    assert check_raw_dir(raw_dir) == []


def test_non_utf8_offset_and_line_are_exact(clean: dict[str, Path], tmp_path: Path) -> None:
    raw_dir = copy_of(clean, "csv", tmp_path)
    path = raw_dir / "sales_feedback.csv"
    header, first, second = path.read_text().split("\n")[:3]
    path.write_bytes(f"{header}\n{first}\n{second}\n".encode() + b'"F1","L1","R1",,"M\xfcller",2026-01-01\n')
    [problem] = check_raw_dir(raw_dir, "csv")
    offset = len(header) + len(first) + len(second) + 3 + len('"F1","L1","R1",,"M')
    assert problem.problem.startswith(f"is not UTF-8: byte 0xFC at offset {offset:,} (line 4) is invalid")
    assert "(it is 'ü' in Latin-1)" in problem.problem


def test_non_utf8_in_a_big_csv_is_found_in_the_sampled_tail(
    clean: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above FULL_SCAN_BYTES only head, tail and evenly spaced blocks are decoded."""
    monkeypatch.setattr(raw_files, "FULL_SCAN_BYTES", 10_000)
    monkeypatch.setattr(raw_files, "HEAD_BYTES", 4_096)
    monkeypatch.setattr(raw_files, "SAMPLE_BLOCK_BYTES", 1_024)
    raw_dir = copy_of(clean, "csv", tmp_path)
    assert check_raw_dir(raw_dir, "csv") == []  # multi-byte characters cut by a block edge are no fault
    rewrite_csv("web_events", latin1_near_the_end)(raw_dir)
    [problem] = check_raw_dir(raw_dir, "csv")
    assert problem.path == str(raw_dir / "web_events.csv")
    assert "byte 0xE9 at offset" in problem.problem


def test_the_check_reads_nothing_it_should_not_and_changes_nothing(clean: dict[str, Path]) -> None:
    before = {path.name: path.stat().st_mtime_ns for path in clean["parquet"].iterdir()}
    first = raw_problems_text(str(clean["parquet"]), "parquet")
    again = raw_problems_text(str(clean["parquet"]), "parquet")
    assert first == again == ""
    assert {path.name: path.stat().st_mtime_ns for path in clean["parquet"].iterdir()} == before


def test_format_problems_starts_each_line_with_the_path() -> None:
    problems = [
        RawFileProblem("raw/a.csv", "crm_leads", "is empty (0 bytes): re-export it"),
        RawFileProblem("raw/b.csv", "crm_leads", "ignored", "warning"),
    ]
    assert format_problems(problems) == (
        "raw/a.csv: is empty (0 bytes): re-export it\nraw/b.csv: warning: ignored"
    )


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------
def test_cli_ok_prints_the_files_and_rows(clean: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["check-raw", "--raw-dir", str(clean["parquet"])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("raw files OK: 7 parquet files in ")
    assert "crm_leads 1 (" in out and "rows)" in out


def test_cli_problem_exits_1_with_the_message_on_stderr(
    clean: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    raw_dir = copy_of(clean, "csv", tmp_path)
    csv_with_delimiter("crm_leads", ";")(raw_dir)
    write_bytes("web_events.csv", b"")(raw_dir)
    assert cli.main(["check-raw", "--raw-dir", str(raw_dir), "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0] == f"raw files in {raw_dir} cannot be used (2 problems):"
    assert lines[1].startswith(f"{raw_dir / 'crm_leads.csv'}: looks ';'-delimited")
    assert lines[2].startswith(f"{raw_dir / 'web_events.csv'}: is empty (0 bytes)")


def test_cli_defaults_come_from_the_environment(clean: dict[str, Path], tmp_path: Path) -> None:
    raw_dir = copy_of(clean, "csv", tmp_path)
    write_bytes("sales_feedback.csv", lambda data: data[:-10] + b"\xff\n")(raw_dir)
    env = {**os.environ, "LEAD_SCORING_RAW_DIR": str(raw_dir), "LEAD_SCORING_RAW_FORMAT": "csv"}
    result = subprocess.run(
        [sys.executable, "-m", "lead_scoring.cli", "check-raw"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{raw_dir / 'sales_feedback.csv'}: is not UTF-8: byte 0xFF" in result.stderr


def test_load_postgres_fails_before_connecting(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # port 1: a connection attempt would fail differently; the raw check must stop it first
    code = cli.main(
        ["load-postgres", "--raw-dir", str(tmp_path / "nowhere"), "--dsn", "host=127.0.0.1 port=1"]
    )
    assert code == 1
    assert f"{tmp_path / 'nowhere'}: the raw directory does not exist" in capsys.readouterr().err
