"""Tests of the synthetic raw-data generator (``lead_scoring.generate``) at small scale."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lead_scoring import generate as gen

LEADS = 2_000
END = pd.Timestamp("2026-06-30")
DAYS = 365
RAW = (
    "crm_leads",
    "crm_lead_attributes",
    "web_events",
    "email_events",
    "crm_activities",
    "opportunities",
    "sales_feedback",
)
S, TS, B, F, I64 = pa.string(), pa.timestamp("us"), pa.bool_(), pa.float64(), pa.int64()
CONTRACT = {  # docs/raw_contract.md
    "crm_leads": {
        "lead_id": S, "email": S, "first_name": S, "last_name": S, "job_title": S, "company_name": S,
        "company_domain": S, "industry": S, "employee_count": I64, "annual_revenue": F, "country": S,
        "lead_source": S, "owner_id": S, "created_at": TS, "updated_at": TS, "is_deleted": B,
        "deleted_at": TS,
    },
    "crm_lead_attributes": {"lead_id": S, "attribute_name": S, "attribute_value": S, "updated_at": TS},
    "web_events": {
        "event_id": S, "lead_id": S, "anonymous_id": S, "event_type": S, "url_path": S, "referrer": S,
        "user_agent": S, "ip_address": S, "occurred_at": TS,
    },
    "email_events": {
        "event_id": S, "lead_id": S, "campaign_id": S, "event_type": S, "url": S, "user_agent": S,
        "occurred_at": TS,
    },
    "crm_activities": {"activity_id": S, "lead_id": S, "activity_type": S, "subject": S, "occurred_at": TS},
    "opportunities": {
        "opportunity_id": S, "lead_id": S, "created_at": TS, "stage": S, "is_closed": B, "is_won": B,
        "closed_at": TS, "amount": F,
    },
    "sales_feedback": {
        "feedback_id": S, "lead_id": S, "rep_id": S, "rating": pa.int32(), "disqualification_reason": S,
        "created_at": TS,
    },
}  # fmt: skip
ENUMS = {
    ("web_events", "event_type"): {
        "page_view",
        "form_submit",
        "content_download",
        "pricing_page_view",
        "demo_request",
        "careers_page_view",
        "webinar_page_view",
    },
    ("email_events", "event_type"): {"delivered", "open", "click", "bounce", "unsubscribe", "spam_report"},
    ("crm_activities", "activity_type"): {
        "meeting",
        "call",
        "webinar_registered",
        "webinar_attended",
        "event_attended",
    },
    ("opportunities", "stage"): {"qualification", "proposal", "negotiation", "closed_won", "closed_lost"},
    ("sales_feedback", "disqualification_reason"): {
        "no_budget",
        "student",
        "competitor",
        "wrong_contact",
        "duplicate",
    },
}
FREE_MAIL = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "web.de"}
COMPETITORS = {"competitor-one.com", "rivalsoft.io", "leadscorer.example"}
BOT_TOKENS = ("Googlebot/2.1", "bingbot/2.0", "HeadlessChrome/120.0", "python-requests/2.31", "curl/8.4.0")


def _generate(root: Path, **kwargs: object) -> dict[str, int]:
    return gen.generate(root / "raw", root / "truth", **kwargs)  # type: ignore[arg-type]


def _read_all(root: Path) -> dict[str, pd.DataFrame]:
    frames = {name: pd.read_parquet(root / "raw" / f"{name}.parquet") for name in RAW}
    frames["lead_truth"] = pd.read_parquet(root / "truth" / "lead_truth.parquet")
    return frames


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict[str, pd.DataFrame]]:
    root = tmp_path_factory.mktemp("gen")
    counts = _generate(root, leads=LEADS, seed=7)
    return root, counts, _read_all(root)


@pytest.fixture(scope="module")
def d(dataset: tuple[Path, dict[str, int], dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    return dataset[2]


@pytest.fixture(scope="module")
def leads(d: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per lead id (latest export), with the normalised email and its domain."""
    latest = d["crm_leads"].sort_values("updated_at").drop_duplicates("lead_id", keep="last")
    norm = latest["email"].str.strip().str.lower()
    return latest.assign(norm=norm, domain=norm.str.split("@").str[1]).set_index("lead_id")


@pytest.fixture(scope="module")
def truth(d: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return d["lead_truth"].set_index("lead_id")


# ---------------------------------------------------------------------------------------------------------
# Files, contract, determinism
# ---------------------------------------------------------------------------------------------------------
def test_writes_every_file_and_returns_row_counts(dataset: tuple) -> None:
    root, counts, frames = dataset
    assert set(counts) == {*RAW, "lead_truth"}
    for name in RAW:
        assert (root / "raw" / f"{name}.parquet").is_file()
        assert counts[name] == len(frames[name]) > 0
    assert counts["lead_truth"] == len(frames["lead_truth"])
    assert not (root / "raw" / "lead_truth.parquet").exists(), "truth must not sit next to the raw data"
    assert not list((root / "raw").glob("*.tmp"))


def test_contract_columns_and_types(dataset: tuple) -> None:
    root = dataset[0]
    for name, columns in CONTRACT.items():
        schema = pq.read_schema(root / "raw" / f"{name}.parquet")
        assert dict(zip(schema.names, schema.types, strict=True)) == columns, name
        assert (
            pq.ParquetFile(root / "raw" / f"{name}.parquet").metadata.row_group(0).column(0).compression
            == "ZSTD"
        )


def test_enumerations_follow_the_contract(d: dict[str, pd.DataFrame]) -> None:
    for (name, column), allowed in ENUMS.items():
        assert set(d[name][column].dropna().unique()) == allowed, (name, column)
    ratings = d["sales_feedback"]["rating"].dropna()
    assert ratings.between(1, 5).all() and ratings.nunique() == 5
    feedback = d["sales_feedback"]
    assert (feedback["rating"].isna() != feedback["disqualification_reason"].isna()).all()


def test_id_formats(d: dict[str, pd.DataFrame]) -> None:
    patterns = {
        ("crm_leads", "lead_id"): r"L\d{8}",
        ("web_events", "event_id"): r"W\d{9}",
        ("web_events", "anonymous_id"): r"anon_[0-9a-f]{16}",
        ("email_events", "event_id"): r"E\d{9}",
        ("crm_activities", "activity_id"): r"A\d{7}",
        ("opportunities", "opportunity_id"): r"O\d{7}",
        ("sales_feedback", "feedback_id"): r"F\d{7}",
    }
    for (name, column), pattern in patterns.items():
        assert d[name][column].str.fullmatch(pattern).all(), (name, column)
    for name in ("web_events", "email_events", "crm_activities", "opportunities", "sales_feedback"):
        ids = d[name].iloc[:, 0]
        assert ids.is_unique, name
    originals = {f"L{i:08d}" for i in range(1, LEADS + 1)}
    assert originals <= set(d["crm_leads"]["lead_id"])


def test_same_seed_gives_identical_data_and_other_seed_differs(tmp_path: Path) -> None:
    _generate(tmp_path / "a", leads=400, events_per_lead=20, seed=3)
    _generate(tmp_path / "b", leads=400, events_per_lead=20, seed=3)
    _generate(tmp_path / "c", leads=400, events_per_lead=20, seed=4)
    a, b, c = (_read_all(tmp_path / x) for x in "abc")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    assert not a["crm_leads"].equals(c["crm_leads"])
    assert not a["web_events"].equals(c["web_events"])
    assert not a["lead_truth"]["true_conversion_probability"].equals(
        c["lead_truth"]["true_conversion_probability"]
    )


def test_stale_files_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "web_events.parquet").write_text("stale")
    counts = _generate(tmp_path, leads=100, events_per_lead=10)
    assert pq.read_metadata(tmp_path / "raw" / "web_events.parquet").num_rows == counts["web_events"]


def test_truth_dir_must_differ_from_out_dir(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        gen.generate(tmp_path, tmp_path, leads=10)


def test_cli_arguments_delegate_to_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    gen.add_arguments(parser)
    argv = ["--leads", "150", "--events-per-lead", "8", "--days", "90", "--end-date", "2025-01-01"]
    args = parser.parse_args(
        [*argv, "--seed", "1", "--out", str(tmp_path / "r"), "--truth-dir", str(tmp_path / "t")]
    )
    assert gen.run(args) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == len(RAW) + 1
    web = pd.read_parquet(tmp_path / "r" / "web_events.parquet")
    assert web["occurred_at"].max() < pd.Timestamp("2025-01-01")
    assert web["occurred_at"].min() >= pd.Timestamp("2025-01-01") - pd.Timedelta(days=90)


def test_events_per_lead_controls_volume(tmp_path: Path) -> None:
    low = _generate(tmp_path / "low", leads=600, events_per_lead=10)
    high = _generate(tmp_path / "high", leads=600, events_per_lead=40)
    total = {
        k: v["web_events"] + v["email_events"] + v["crm_activities"] for k, v in (("l", low), ("h", high))
    }
    assert 3.0 < total["h"] / total["l"] < 5.0
    assert 0.8 * 40 * 600 < total["h"] < 1.2 * 40 * 600


# ---------------------------------------------------------------------------------------------------------
# Ground truth and outcome
# ---------------------------------------------------------------------------------------------------------
def test_truth_shape(d: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    assert list(d["lead_truth"].columns) == ["lead_id", "true_conversion_probability", "has_converted"]
    assert truth.index.is_unique
    assert set(truth.index) == set(d["crm_leads"]["lead_id"])
    p = truth["true_conversion_probability"]
    assert ((p > 0) & (p < 1)).all()
    assert d["lead_truth"]["has_converted"].dtype == bool


def test_converted_leads_have_exactly_one_opportunity(
    d: dict[str, pd.DataFrame], truth: pd.DataFrame
) -> None:
    opp = d["opportunities"]
    assert opp["lead_id"].is_unique
    assert set(opp["lead_id"]) == set(truth.index[truth["has_converted"]])
    assert (opp["is_closed"] == opp["closed_at"].notna()).all()
    assert (opp["is_won"] == (opp["stage"] == "closed_won")).all()
    assert (opp.loc[opp["is_closed"], "closed_at"] > opp.loc[opp["is_closed"], "created_at"]).all()
    assert 0.2 < opp["is_won"].mean() < 0.5 and (~opp["is_closed"]).any()


def test_conversion_rate_is_plausible(truth: pd.DataFrame) -> None:
    originals = truth.loc[truth.index <= f"L{LEADS:08d}"]
    assert 0.05 < originals["has_converted"].mean() < 0.20


def test_true_probability_orders_the_outcome(truth: pd.DataFrame) -> None:
    p, y = truth["true_conversion_probability"], truth["has_converted"]
    top, bottom = y[p >= p.quantile(0.9)].mean(), y[p <= p.median()].mean()
    assert top > 3 * bottom
    assert top > 0.3


def test_negative_signals_barely_convert(leads: pd.DataFrame, truth: pd.DataFrame) -> None:
    student = leads["domain"].str.endswith(".edu") | leads["domain"].str.startswith("student.")
    student |= leads["domain"].str.endswith(".ac.uk")
    competitor = leads["domain"].isin(COMPETITORS)
    rate = truth["has_converted"].mean()
    assert truth.loc[leads.index[competitor], "has_converted"].sum() == 0
    assert truth.loc[leads.index[student], "true_conversion_probability"].mean() < 0.2 * rate


# ---------------------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------------------
def _timestamps(d: dict[str, pd.DataFrame]) -> list[tuple[str, pd.Series]]:
    out = []
    for name in RAW:
        for column, dtype in CONTRACT[name].items():
            if dtype == TS:
                out.append((f"{name}.{column}", d[name][column].dropna()))
    return out


def test_all_timestamps_lie_in_the_window(d: dict[str, pd.DataFrame]) -> None:
    for label, values in _timestamps(d):
        assert str(values.dtype) == "datetime64[us]", label
        assert values.max() < END, label
        assert values.min() >= END - pd.Timedelta(days=DAYS), label


def test_leads_are_created_uniformly(leads: pd.DataFrame) -> None:
    age = (END - leads["created_at"]).dt.total_seconds() / 86400
    counts = np.histogram(age, bins=4, range=(0, DAYS))[0]
    assert counts.min() > 0.8 * counts.mean()


def test_no_event_before_lead_creation(d: dict[str, pd.DataFrame], leads: pd.DataFrame) -> None:
    created = leads["created_at"]
    web = d["web_events"]
    visitor = web.dropna(subset=["lead_id"]).groupby("anonymous_id")["lead_id"].first()
    stitched = web.assign(lid=web["lead_id"].fillna(web["anonymous_id"].map(visitor))).dropna(subset=["lid"])
    checks = [
        ("web", stitched["lid"], stitched["occurred_at"]),
        ("email", d["email_events"]["lead_id"], d["email_events"]["occurred_at"]),
        ("activities", d["crm_activities"]["lead_id"], d["crm_activities"]["occurred_at"]),
        ("attributes", d["crm_lead_attributes"]["lead_id"], d["crm_lead_attributes"]["updated_at"]),
        ("opportunities", d["opportunities"]["lead_id"], d["opportunities"]["created_at"]),
        ("feedback", d["sales_feedback"]["lead_id"], d["sales_feedback"]["created_at"]),
    ]
    for label, lead_id, at in checks:
        assert lead_id.isin(created.index).all(), label
        assert (at.to_numpy() >= created.loc[lead_id].to_numpy()).all(), label


def test_high_intent_activity_bursts_before_the_opportunity(d: dict[str, pd.DataFrame]) -> None:
    web = d["web_events"].dropna(subset=["lead_id"])
    opp = d["opportunities"].set_index("lead_id")["created_at"]
    lead_web = web[web["lead_id"].isin(opp.index)]
    before = (opp.loc[lead_web["lead_id"]].to_numpy() - lead_web["occurred_at"].to_numpy()) / np.timedelta64(
        1, "D"
    )
    in_burst = ((before > 0) & (before <= 30)).mean()
    assert in_burst > 0.25  # a month is < 10 % of the window, yet holds a large share of converters' activity


# ---------------------------------------------------------------------------------------------------------
# Planted dirt
# ---------------------------------------------------------------------------------------------------------
def test_duplicate_leads_by_email_case_and_whitespace(
    d: dict[str, pd.DataFrame], leads: pd.DataFrame, truth: pd.DataFrame
) -> None:
    planted = leads[leads.index > f"L{LEADS:08d}"]  # duplicate ids are numbered after the original leads
    originals = leads[leads.index <= f"L{LEADS:08d}"]
    assert 0.015 * LEADS <= len(planted) <= 0.025 * LEADS
    assert originals["norm"].is_unique, "only planted duplicates may share an address"
    original_of = originals.reset_index().set_index("norm")["lead_id"].loc[planted["norm"]].to_numpy()
    raw_dup, raw_orig = planted["email"], originals.loc[original_of, "email"]
    assert (raw_dup.to_numpy() != raw_orig.to_numpy()).all()
    assert (raw_dup.str.strip().str.lower().to_numpy() == raw_orig.to_numpy()).all()
    assert (raw_dup != raw_dup.str.strip()).any() and (
        raw_dup.str.strip() != raw_dup.str.strip().str.lower()
    ).all()
    assert (planted["created_at"].to_numpy() > originals.loc[original_of, "created_at"].to_numpy()).all()
    dup_ids = set(planted.index)
    assert d["web_events"]["lead_id"].isin(dup_ids).any()
    assert d["email_events"]["lead_id"].isin(dup_ids).any()
    assert not d["opportunities"]["lead_id"].isin(dup_ids).any()
    assert not truth.loc[planted.index, "has_converted"].any()
    np.testing.assert_array_equal(
        truth.loc[planted.index, "true_conversion_probability"].to_numpy(),
        truth.loc[original_of, "true_conversion_probability"].to_numpy(),
    )


def test_exact_duplicate_lead_rows(d: dict[str, pd.DataFrame]) -> None:
    rows = d["crm_leads"]
    repeated = rows[rows["lead_id"].duplicated(keep=False)]
    assert 1 <= repeated["lead_id"].nunique() <= 0.01 * LEADS
    assert (repeated.groupby("lead_id")["updated_at"].nunique() > 1).all()
    same = repeated.drop(columns=["updated_at"]).drop_duplicates()
    assert same["lead_id"].is_unique  # a re-export: everything but updated_at is equal


def test_email_domain_mix(leads: pd.DataFrame) -> None:
    domain = leads["domain"]
    student = domain.str.endswith(".edu") | domain.str.endswith(".ac.uk") | domain.str.startswith("student.")
    assert 0.08 < domain.isin(FREE_MAIL).mean() < 0.17
    assert 0.015 < student.mean() < 0.05
    assert 0.002 < domain.isin(COMPETITORS).mean() < 0.025
    assert leads.groupby("company_domain").size().between(1, 4).mean() > 0.95
    assert leads["email"].str.strip().str.lower().str.fullmatch(r"[a-z]+\.[a-z]+\d*@[a-z0-9.\-]+").all()


def test_security_scanner_clicks(d: dict[str, pd.DataFrame]) -> None:
    email = d["email_events"]
    delivered = email[email["event_type"] == "delivered"][["lead_id", "campaign_id", "occurred_at"]]
    clicks = email[email["event_type"] == "click"].merge(
        delivered, on=["lead_id", "campaign_id"], suffixes=("", "_delivered")
    )
    lag = (clicks["occurred_at"] - clicks["occurred_at_delivered"]).dt.total_seconds()
    scanner = clicks[(lag >= 1) & (lag <= 20)]
    assert 0.02 < len(scanner) / len(delivered) < 0.07
    ua = scanner["user_agent"]
    assert ua.isna().any() and (ua == "").any()
    assert not ua.dropna().str.contains("Chrome|Safari|Firefox").any()
    human = clicks[lag > 20]
    assert 0.025 < len(human) / len(delivered) < 0.06


def test_privacy_proxy_opens(d: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    email = d["email_events"]
    delivered = email[email["event_type"] == "delivered"][["lead_id", "campaign_id", "occurred_at"]]
    opens = email[email["event_type"] == "open"].merge(
        delivered, on=["lead_id", "campaign_id"], suffixes=("", "_delivered")
    )
    proxy = opens[opens["user_agent"] == "Mozilla/5.0"]
    lag = (proxy["occurred_at"] - proxy["occurred_at_delivered"]).dt.total_seconds()
    assert lag.between(0, 15 * 60).all()
    assert 0.10 < len(proxy) / len(delivered) < 0.20
    human = opens[opens["user_agent"] != "Mozilla/5.0"]
    assert 0.18 < len(human) / len(delivered) < 0.32
    # independent of intent: the proxy-open rate hardly differs between converters and the rest
    conv = truth["has_converted"]
    rate = (
        proxy.groupby(proxy["lead_id"].map(conv)).size()
        / delivered.groupby(delivered["lead_id"].map(conv)).size()
    )
    assert 0.6 < rate[True] / rate[False] < 1.6


def test_internal_traffic_and_bots(d: dict[str, pd.DataFrame]) -> None:
    web = d["web_events"]
    internal = web["ip_address"].str.startswith("10.20.")
    assert 0.005 < internal.mean() < 0.02
    octets = web["ip_address"].str.split(".", expand=True).astype(int)
    assert octets.ge(0).all().all() and octets.le(255).all().all()
    ua = web["user_agent"]
    bots = ua.str.contains("bot|HeadlessChrome|python-requests|curl/", case=False)
    assert 0.01 < bots.mean() < 0.03
    for token in (*BOT_TOKENS, "AhrefsBot/7.0"):
        assert ua.str.contains(token, regex=False).any(), token
    assert web.loc[bots | internal, "lead_id"].notna().any()  # some of it pollutes known leads


def test_deleted_leads(d: dict[str, pd.DataFrame], leads: pd.DataFrame) -> None:
    assert (leads["is_deleted"] == leads["deleted_at"].notna()).all()
    deleted = leads[leads["is_deleted"]]
    assert 0.005 < len(deleted) / LEADS < 0.02
    assert (deleted["deleted_at"] > deleted["created_at"]).all()
    events = pd.concat(
        [d["web_events"][["lead_id", "occurred_at"]], d["email_events"][["lead_id", "occurred_at"]]]
    )
    events = events[events["lead_id"].isin(deleted.index)]
    assert (events["occurred_at"].to_numpy() > deleted.loc[events["lead_id"], "deleted_at"].to_numpy()).any()


def test_anonymous_browsing_and_identification(d: dict[str, pd.DataFrame]) -> None:
    web = d["web_events"].sort_values("occurred_at")
    assert web["anonymous_id"].notna().all()
    known = web.dropna(subset=["lead_id"])
    first_known = known.groupby("anonymous_id").head(1)
    assert (first_known["event_type"] == "form_submit").all()
    identified_at = first_known.set_index("anonymous_id")["occurred_at"]
    visitors = web[web["anonymous_id"].isin(identified_at.index)]
    before = visitors["occurred_at"].to_numpy() < identified_at.loc[visitors["anonymous_id"]].to_numpy()
    assert visitors.loc[before, "lead_id"].isna().all()
    assert 0.15 < before.mean() < 0.35
    never = set(web["anonymous_id"]) - set(identified_at.index)
    assert len(never) > 0.1 * LEADS


def test_attributes_have_superseded_values(d: dict[str, pd.DataFrame]) -> None:
    attrs = d["crm_lead_attributes"]
    assert set(attrs["attribute_name"]) >= {"product_interest", "timeline", "budget_confirmed", "tech_stack"}
    per = attrs.groupby(["lead_id", "attribute_name"])
    twice = per.filter(lambda g: len(g) > 1)
    assert 0.05 < twice[["lead_id", "attribute_name"]].drop_duplicates().shape[0] / per.ngroups < 0.2
    assert (per["updated_at"].nunique() == per.size()).all()
    assert set(attrs.loc[attrs["attribute_name"] == "timeline", "attribute_value"]) == {
        "0-3 months",
        "3-6 months",
        "6-12 months",
        "no timeline",
    }


def test_sales_ratings_follow_the_true_probability(d: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    ratings = d["sales_feedback"].dropna(subset=["rating"])
    p = truth.loc[ratings["lead_id"], "true_conversion_probability"].to_numpy()
    assert np.corrcoef(ratings["rating"].to_numpy(), p)[0, 1] > 0.4
