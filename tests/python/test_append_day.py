"""`lead-scoring generate --append-day`: one day of new raw data beside an existing data set."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from lead_scoring import raw_files
from lead_scoring.append_day import EVENT_ENTITIES, append_day
from lead_scoring.cli import main
from lead_scoring.generate import generate

ID_COLUMNS = {
    "crm_leads": "lead_id",
    "web_events": "event_id",
    "email_events": "event_id",
    "crm_activities": "activity_id",
}
DAY = np.timedelta64(1, "D")


def read_column(raw_dir: Path, pattern: str, column: str) -> pa.ChunkedArray:
    tables = [pq.read_table(p, columns=[column]) for p in sorted(raw_dir.glob(pattern))]
    return pa.concat_tables(tables).column(column)


def latest_event(raw_dir: Path) -> np.datetime64:
    return max(
        np.datetime64(pc.max(read_column(raw_dir, f"{e}*.parquet", "occurred_at")).as_py(), "us")
        for e in EVENT_ENTITIES
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("append")
    generate(work / "raw", work / "truth", leads=800, events_per_lead=30, seed=5)
    return work / "raw"


@pytest.fixture(scope="module")
def appended(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    raw = tmp_path_factory.mktemp("appended") / "raw"
    shutil.copytree(base, raw)
    return raw, append_day(raw, seed=5)


def test_new_files_sit_beside_the_old_ones(base: Path, appended: tuple[Path, dict[str, int]]) -> None:
    raw, counts = appended
    day = str(np.datetime64(latest_event(base), "D") + DAY)
    for entity in ID_COLUMNS:
        assert (raw / f"{entity}.parquet").read_bytes() == (base / f"{entity}.parquet").read_bytes()
        new = raw / f"{entity}-{day}.parquet"
        assert new.exists(), new
        assert pq.ParquetFile(new).metadata.num_rows == counts[entity] > 0


def test_about_one_percent_of_the_events(base: Path, appended: tuple[Path, dict[str, int]]) -> None:
    _, counts = appended
    for entity in EVENT_ENTITIES:
        existing = pq.ParquetFile(base / f"{entity}.parquet").metadata.num_rows
        assert 0.005 * existing <= counts[entity] <= 0.02 * existing, (entity, counts[entity], existing)


def test_timestamps_fall_in_the_day_after_the_latest_event(
    base: Path, appended: tuple[Path, dict[str, int]]
) -> None:
    raw, _ = appended
    previous = latest_event(base)
    day_start = np.datetime64(previous, "D") + DAY
    for entity, column in [*((e, "occurred_at") for e in EVENT_ENTITIES), ("crm_leads", "created_at")]:
        times = read_column(raw, f"{entity}-*.parquet", column).to_numpy().astype("datetime64[us]")
        assert times.min() > previous, entity
        assert times.min() >= day_start, entity
        assert times.max() < day_start + DAY, entity
        assert times.max() - previous < 2 * DAY, entity


def test_ids_do_not_collide(base: Path, appended: tuple[Path, dict[str, int]]) -> None:
    raw, _ = appended
    for entity, column in ID_COLUMNS.items():
        old = set(read_column(base, f"{entity}*.parquet", column).to_pylist())
        new = read_column(raw, f"{entity}-*.parquet", column).to_pylist()
        assert len(set(new)) == len(new), entity
        assert not old & set(new), entity


def test_new_events_refer_to_known_or_new_leads(appended: tuple[Path, dict[str, int]]) -> None:
    raw, _ = appended
    leads = set(read_column(raw, "crm_leads*.parquet", "lead_id").to_pylist())
    for entity in EVENT_ENTITIES:
        referred = set(read_column(raw, f"{entity}-*.parquet", "lead_id").drop_null().to_pylist())
        assert referred and referred <= leads, entity
    new_leads = set(read_column(raw, "crm_leads-*.parquet", "lead_id").to_pylist())
    identified = set(read_column(raw, "web_events-*.parquet", "lead_id").drop_null().to_pylist())
    assert new_leads <= identified  # every new lead identified on a web form that day


def test_same_call_gives_identical_bytes(
    base: Path, appended: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    raw, _ = appended
    again = tmp_path / "raw"
    shutil.copytree(base, again)
    assert main(["generate", "--append-day", "--out", str(again), "--seed", "5"]) == 0
    new_files = sorted(p.name for p in again.glob("*-*.parquet"))
    assert new_files == sorted(p.name for p in raw.glob("*-*.parquet"))
    for name in new_files:
        assert (again / name).read_bytes() == (raw / name).read_bytes(), name


def test_another_seed_gives_other_data(
    base: Path, appended: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    raw, _ = appended
    other = tmp_path / "raw"
    shutil.copytree(base, other)
    append_day(other, seed=6)
    name = next(raw.glob("web_events-*.parquet")).name
    assert (other / name).read_bytes() != (raw / name).read_bytes()


def test_check_raw_accepts_the_directory(appended: tuple[Path, dict[str, int]]) -> None:
    raw, _ = appended
    report = raw_files.inspect_raw_dir(raw)
    assert raw_files.check_raw_dir(raw) == [], report
    assert main(["check-raw", "--raw-dir", str(raw)]) == 0


def test_appending_again_adds_the_next_day(appended: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    raw, _ = appended
    twice = tmp_path / "raw"
    shutil.copytree(raw, twice)
    first_day = np.datetime64(latest_event(raw), "D")
    append_day(twice, seed=5)
    assert (twice / f"web_events-{first_day + DAY}.parquet").exists()
    assert np.datetime64(latest_event(twice), "D") == first_day + DAY
