"""Append one day of new raw data to an existing data set (``lead-scoring generate --append-day``).

A daily load, as a CRM and tracking export would deliver it: new files beside the existing ones, named
``<entity>-YYYY-MM-DD.parquet`` (the raw contract reads every ``<entity>*.parquet``), for

* ``web_events``, ``email_events`` and ``crm_activities``: about ``share`` (default 1 %) of the existing
  event rows, all dated in the calendar day after the latest existing event (and after that event);
* ``crm_leads``: a few new leads created that day (about ``NEW_LEADS_PER_SHARE`` x ``share`` of the
  existing lead rows), each identifying on a web form; some browse anonymously first.

Existing leads are picked with a weight that favours recently created ones; deleted leads stay quiet.
Event types, paths, referrers, user agents and links come from the generator's vocabularies
(``lead_scoring.generate``), with the same kinds of dirt: bot and internal web traffic, privacy-proxy
opens and scanner clicks. Ids carry the day (``W-20260630-000001``, ``L-20260630-0001``), so they never
collide with the generator's ids (``W000000001``) nor with another appended day's.

Deterministic: the random stream is ``SeedSequence(seed, spawn_key=(APPEND_STREAM, day number))``, so
the same data set, seed and share give byte-identical files. Appending again adds the next day.
Everything is vectorised (numpy / pyarrow); only the existing files' footers, the event row counts and
``crm_leads`` are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lead_scoring import generate as gen

APPEND_STREAM = 0xA99E  # spawn-key namespace of appended days (the generator uses small chunk numbers)
EVENT_ENTITIES = ("web_events", "email_events", "crm_activities")
DEFAULT_SHARE = 0.01
NEW_LEADS_PER_SHARE = 0.3  # new leads per day = this x share x existing lead rows (10k leads: 30)
RECENCY_DAYS = 120.0  # a lead created this many days ago is e^-1 as likely to be active as a new one
RECENCY_FLOOR = 0.15
WEB_BOT_SHARE, WEB_INTERNAL_SHARE, WEB_ANONYMOUS_SHARE = 0.02, 0.01, 0.06
# share of each web category (WEB_CATEGORIES order) for identified visitors
WEB_CATEGORY_P = np.array([0.78, 0.06, 0.03, 0.015, 0.04, 0.05, 0.01, 0.015])
OPEN_RATE, CLICK_RATE, BOUNCE_RATE = 0.25, 0.06, 0.01
UNSUBSCRIBE_RATE, SPAM_RATE = 0.004, 0.0005
PROXY_OPEN_RATE, SCANNER_CLICK_RATE = 0.15, 0.04
ACTIVITY_P = np.array([0.15, 0.55, 0.15, 0.10, 0.05])  # ACTIVITY_TYPES order


@dataclass
class _Existing:
    """What the append needs to know about the data set already there."""

    latest_event: int  # microseconds since the epoch
    event_rows: dict[str, int]
    leads: pa.Table  # active (not deleted) lead rows: lead_id, email, created_at


def _entity_files(raw_dir: Path, entity: str) -> list[Path]:
    return sorted(p for p in raw_dir.glob(f"{entity}*.parquet") if p.is_file())


def _max_timestamp(path: Path, column: str) -> int | None:
    """Largest value of a timestamp column from the row-group statistics (the data if there are none)."""
    meta = pq.ParquetFile(path).metadata
    if meta.num_rows == 0:
        return None
    index = meta.schema.to_arrow_schema().get_field_index(column)
    best: int | None = None
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(index).statistics
        if stats is None or not stats.has_min_max:
            values = pq.read_table(path, columns=[column]).column(column)
            top = pc.max(values.cast(gen.TS)).value
            return None if top is None else int(np.datetime64(top, "us").astype(np.int64))
        value = stats.max
        us = int(np.datetime64(value, "us").astype(np.int64))
        best = us if best is None else max(best, us)
    return best


def _existing(raw_dir: Path) -> _Existing:
    latest, rows = None, {}
    for entity in EVENT_ENTITIES:
        files = _entity_files(raw_dir, entity)
        rows[entity] = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
        for path in files:
            top = _max_timestamp(path, "occurred_at")
            if top is not None and (latest is None or top > latest):
                latest = top
    lead_files = _entity_files(raw_dir, "crm_leads")
    if latest is None or not lead_files:
        raise ValueError(f"{raw_dir}: no events or no crm_leads to append a day to")
    leads = pa.concat_tables(
        pq.read_table(p, columns=["lead_id", "email", "created_at", "is_deleted"]).cast(
            pa.schema(
                [("lead_id", gen.STR), ("email", gen.STR), ("created_at", gen.TS), ("is_deleted", pa.bool_())]
            )
        )
        for p in lead_files
    )
    keep = pc.and_(pc.invert(pc.fill_null(leads["is_deleted"], False)), pc.is_valid(leads["lead_id"]))
    leads = leads.filter(keep).select(["lead_id", "email", "created_at"])
    if leads.num_rows == 0:
        raise ValueError(f"{raw_dir}: no active leads to append a day to")
    return _Existing(latest_event=latest, event_rows=rows, leads=leads)


def _day_ids(prefix: str, day: str, n: int, width: int) -> pa.Array:
    """Ids such as ``W-20260630-000001``: the day makes them unique across appended days."""
    return gen._decimal_ids(f"{prefix}-{day.replace('-', '')}-", np.arange(1, n + 1, dtype=np.int64), width)


def _times(rng: np.random.Generator, lo: int, hi: int, n: int) -> gen.I64:
    """Uniform microsecond timestamps in ``[lo, hi)``."""
    return lo + (rng.random(n) * (hi - lo)).astype(np.int64)


def _pick_leads(rng: np.random.Generator, created: gen.I64, day_start: int, n: int) -> gen.IntArr:
    """Indices of active leads, recently created ones more likely."""
    age_days = np.maximum(day_start - created, 0) / gen.DAY
    weight = RECENCY_FLOOR + np.exp(-age_days / RECENCY_DAYS)
    cum = np.cumsum(weight)
    return np.searchsorted(cum, rng.random(n) * cum[-1], side="right").astype(np.intp)


def _new_leads(
    rng: np.random.Generator, raw_dir: Path, day: str, n: int, lo: int, hi: int
) -> tuple[pa.Table, gen.I64]:
    """``n`` new lead rows modelled on random existing ones (new id, email, creation time)."""
    template_rows = pa.concat_tables(pq.read_table(p) for p in _entity_files(raw_dir, "crm_leads"))
    template_rows = template_rows.select(gen.SCHEMAS["crm_leads"].names).cast(gen.SCHEMAS["crm_leads"])
    template = template_rows.take(pa.array(rng.integers(0, template_rows.num_rows, n)))
    ids = _day_ids("L", day, n, 4)
    created = np.sort(_times(rng, lo, hi, n))
    address = pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(template["email"], "")))
    domain = pc.replace_substring_regex(address, "^.*@", "")
    valid = pc.match_substring_regex(domain, r"^[a-z0-9-]+([.][a-z0-9-]+)+$")
    domain = pc.if_else(pc.and_(pc.match_substring(address, "@"), valid), domain, "example.com")
    email = pc.binary_join_element_wise(pc.utf8_lower(ids), domain, "@")
    replacements = {
        "lead_id": ids,
        "email": email,
        "created_at": gen._ts(created),
        "updated_at": gen._ts(created),
        "is_deleted": pa.array(np.zeros(n, dtype=bool)),
        "deleted_at": gen._ts(np.zeros(n, dtype=np.int64), mask=np.ones(n, dtype=bool)),
    }
    for name, values in replacements.items():
        template = template.set_column(template.schema.get_field_index(name), name, values)
    return template, created


def _web_events(
    rng: np.random.Generator,
    day: str,
    n: int,
    lead_ids: pa.Array,
    lead_pick: gen.IntArr,
    new_ids: pa.Array,
    new_created: gen.I64,
    lo: int,
    hi: int,
) -> pa.Table:
    """Web events: identified visitors (a new device cookie per lead), new leads' first visits, bots."""
    k = len(new_ids)
    # new leads: 0-3 anonymous page views before the identifying form_submit
    before = rng.integers(0, 4, k)
    new_lead = np.concatenate([np.repeat(np.arange(k), before), np.arange(k)])
    new_is_form = np.concatenate([np.zeros(before.sum(), dtype=bool), np.ones(k, dtype=bool)])
    new_t = np.concatenate(
        [gen._between(rng, np.full(before.sum(), lo), new_created[np.repeat(np.arange(k), before)] + 1),
         new_created]
    )  # fmt: skip
    m = max(n - new_lead.size, 0)
    kind = rng.random(m)
    anonymous = kind < WEB_ANONYMOUS_SHARE
    bot = (kind >= WEB_ANONYMOUS_SHARE) & (kind < WEB_ANONYMOUS_SHARE + WEB_BOT_SHARE)
    internal = (kind >= WEB_ANONYMOUS_SHARE + WEB_BOT_SHARE) & (
        kind < WEB_ANONYMOUS_SHARE + WEB_BOT_SHARE + WEB_INTERNAL_SHARE
    )
    known = ~anonymous & ~bot
    old_lead = lead_pick[:m]
    category = gen._choose(rng, WEB_CATEGORY_P, m)
    category[anonymous | bot] = np.where(rng.random((anonymous | bot).sum()) < 0.8, gen.GENERAL, gen.PRICING)
    category = np.concatenate([category, np.where(new_is_form, gen.FORM, gen.GENERAL)])
    total = m + new_lead.size
    path = gen._pick_paths(rng, category)
    type_code = gen.CATEGORY_TYPE_CODE[category]
    t = np.concatenate([_times(rng, lo, hi, m), new_t])
    # one cookie per identified lead this day, per anonymous visitor, per new lead
    cookie = rng.integers(0, np.iinfo(np.int64).max, total, dtype=np.int64).astype(np.uint64)
    lead_cookie = rng.integers(0, np.iinfo(np.int64).max, len(lead_ids), dtype=np.int64).astype(np.uint64)
    new_cookie = rng.integers(0, np.iinfo(np.int64).max, k, dtype=np.int64).astype(np.uint64)
    cookie[:m] = np.where(known, lead_cookie[old_lead], cookie[:m])
    cookie[m:] = new_cookie[new_lead]
    ua = np.where(
        np.concatenate([bot, np.zeros(new_lead.size, dtype=bool)]),
        gen.BOT_UA0 + rng.integers(0, len(gen.BOT_UAS), total),
        gen._choose(rng, gen.BROWSER_UA_P, total),
    )
    ip = gen._public_ips(rng, total)
    office = np.concatenate([internal, np.zeros(new_lead.size, dtype=bool)])
    ip[office] = np.uint32(gen.OFFICE_NET) | rng.integers(0, 1 << 16, office.sum(), dtype=np.uint32)
    referrer = np.where(
        rng.random(total) < gen.DIRECT_TRAFFIC_RATE, -1, gen._choose(rng, gen.REFERRER_P, total)
    )
    lead_ref = pa.concat_arrays(
        [
            gen._take(lead_ids, old_lead, mask=~known),
            gen._take(new_ids, new_lead, mask=~new_is_form),
        ]
    )
    order = np.argsort(t, kind="stable")
    return pa.table(
        {
            "event_id": _day_ids("W", day, total, 6),
            "lead_id": lead_ref.take(pa.array(order)),
            "anonymous_id": gen._hex_ids("anon_", cookie[order]),
            "event_type": gen._take(gen.V_WEB_TYPE, type_code[order]),
            "url_path": gen._take(gen.V_PATH, path[order]),
            "referrer": gen._take(gen.V_REFERRER, np.maximum(referrer[order], 0), mask=referrer[order] < 0),
            "user_agent": gen._take(gen.V_UA, ua[order]),
            "ip_address": gen._ip_strings(ip[order]),
            "occurred_at": gen._ts(t[order]),
        },
        schema=gen.SCHEMAS["web_events"],
    )


def _email_events(
    rng: np.random.Generator, day: str, n: int, lead_ids: pa.Array, lead_pick: gen.IntArr, lo: int, hi: int
) -> pa.Table:
    """One campaign sent that day: deliveries, opens (human and privacy proxy), clicks (and scanners)."""
    rows_per_send = 1 + OPEN_RATE + PROXY_OPEN_RATE + CLICK_RATE + SCANNER_CLICK_RATE + BOUNCE_RATE
    sends = max(1, round(n / rows_per_send))
    lead = np.unique(lead_pick[:sends])  # one send per lead
    m = lead.size
    t_send = lo + int(rng.random() * 0.25 * (hi - lo)) + rng.integers(0, gen.MINUTE, m)
    campaign = f"cmp_{day.replace('-', '')}_newsletter_d01"

    def react(lo_us: float, hi_us: float) -> gen.I64:
        return t_send + (rng.random(m) * (hi_us - lo_us) + lo_us).astype(np.int64)

    u = rng.random((6, m))
    link = rng.integers(0, len(gen.EMAIL_LINKS), m)
    # (mask, event type, time, link or -1, user agent or -1)
    rows = (
        (np.ones(m, dtype=bool), gen.DELIVERED, t_send, -1, -1),
        (u[0] < BOUNCE_RATE, gen.BOUNCE, react(gen.SECOND, 60 * gen.SECOND), -1, -1),
        (u[1] < OPEN_RATE, gen.OPEN, react(10 * gen.MINUTE, 0.7 * (hi - t_send.max())), -1,
         gen.MAIL_UA0 + rng.integers(0, len(gen.MAIL_CLIENT_UAS), m)),
        (u[2] < PROXY_OPEN_RATE, gen.OPEN, react(gen.MINUTE, 15 * gen.MINUTE), -1, gen.PROXY_UA),
        (u[1] < CLICK_RATE, gen.CLICK, react(20 * gen.MINUTE, 0.75 * (hi - t_send.max())), link,
         gen._choose(rng, gen.BROWSER_UA_P, m)),
        (u[3] < SCANNER_CLICK_RATE, gen.CLICK, react(gen.SECOND, 20 * gen.SECOND), link,
         gen.SCANNER_UA0 + rng.integers(0, len(gen.SCANNER_UAS), m)),
        (u[4] < UNSUBSCRIBE_RATE, gen.UNSUBSCRIBE, react(gen.HOUR, 2 * gen.HOUR), -1, -1),
        (u[5] < SPAM_RATE, gen.SPAM, react(gen.HOUR, 2 * gen.HOUR), -1, -1),
    )  # fmt: skip
    sel, typ, tt, lk, uu = [], [], [], [], []
    for mask, code, times, links, uas in rows:
        times = np.minimum(np.broadcast_to(times, (m,)), hi - 1)
        idx = np.flatnonzero(mask)
        sel.append(idx)
        typ.append(np.full(idx.size, code))
        tt.append(times[idx])
        lk.append(np.broadcast_to(links, (m,))[idx])
        uu.append(np.broadcast_to(uas, (m,))[idx])
    idx, typ_a, t, link_a, ua_a = (np.concatenate(x) for x in (sel, typ, tt, lk, uu))
    order = np.argsort(t, kind="stable")
    idx, typ_a, t, link_a, ua_a = idx[order], typ_a[order], t[order], link_a[order], ua_a[order]
    link_urls = gen._take(gen.V_LINK_URL, np.maximum(link_a, 0), mask=link_a < 0)
    return pa.table(
        {
            "event_id": _day_ids("E", day, idx.size, 6),
            "lead_id": gen._take(lead_ids, lead[idx]),
            "campaign_id": pa.repeat(pa.scalar(campaign, gen.STR), idx.size),
            "event_type": gen._take(gen.V_EMAIL_TYPE, typ_a),
            "url": pc.binary_join_element_wise(link_urls, pa.scalar(campaign), ""),
            "user_agent": gen._take(gen.V_UA, np.maximum(ua_a, 0), mask=ua_a < 0),
            "occurred_at": gen._ts(t),
        },
        schema=gen.SCHEMAS["email_events"],
    )


def _activities(
    rng: np.random.Generator, day: str, n: int, lead_ids: pa.Array, lead_pick: gen.IntArr, lo: int, hi: int
) -> pa.Table:
    """Calls, meetings, webinar registrations and attendance, event attendance."""
    kind = gen._choose(rng, ACTIVITY_P, n)
    subject = np.select(
        [kind == gen.MEETING, kind == gen.CALL, kind == gen.EVENT_ATTENDED],
        [
            gen.MEETING_S0 + rng.integers(0, len(gen.MEETING_SUBJECTS), n),
            rng.integers(0, len(gen.CALL_SUBJECTS), n),
            gen.EVENT_S0 + rng.integers(0, len(gen.EVENT_NAMES), n),
        ],
        gen.WEBINAR_S0 + rng.integers(0, len(gen.WEBINAR_TITLES), n),
    )
    t = np.sort(_times(rng, lo, hi, n))
    return pa.table(
        {
            "activity_id": _day_ids("A", day, n, 5),
            "lead_id": gen._take(lead_ids, lead_pick[:n]),
            "activity_type": gen._take(gen.V_ACTIVITY_TYPE, kind),
            "subject": gen._take(gen.V_SUBJECT, subject),
            "occurred_at": gen._ts(t),
        },
        schema=gen.SCHEMAS["crm_activities"],
    )


def append_day(raw_dir: Path, seed: int = 42, share: float = DEFAULT_SHARE) -> dict[str, int]:
    """Write one day of new events (and a few new leads) beside the files in ``raw_dir``.

    The day is the calendar day after the latest existing event; events fall after that event and
    before the end of the day. Returns the rows written per entity; the files are
    ``<entity>-YYYY-MM-DD.parquet``.
    """
    if share <= 0:
        raise ValueError("share must be positive")
    raw_dir = Path(raw_dir)
    existing = _existing(raw_dir)
    day_start = (existing.latest_event // gen.DAY + 1) * gen.DAY
    day_end = day_start + gen.DAY
    lo = day_start  # the latest event is before it
    day = str(np.datetime64(day_start, "us").astype("datetime64[D]"))
    day_number = day_start // gen.DAY
    streams = np.random.SeedSequence(seed, spawn_key=(APPEND_STREAM, day_number)).spawn(5)
    rng_pick, rng_leads, rng_web, rng_email, rng_activity = (np.random.default_rng(s) for s in streams)

    lead_ids = existing.leads["lead_id"].combine_chunks()
    created = existing.leads["created_at"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    target = {e: max(1, round(share * rows)) for e, rows in existing.event_rows.items()}
    pick = _pick_leads(rng_pick, created, day_start, max(target.values()))
    n_new = max(1, round(NEW_LEADS_PER_SHARE * share * existing.leads.num_rows))
    new_leads, new_created = _new_leads(rng_leads, raw_dir, day, n_new, lo, day_end)
    new_ids = new_leads["lead_id"].combine_chunks()
    tables = {
        "crm_leads": new_leads,
        "web_events": _web_events(
            rng_web, day, target["web_events"], lead_ids, pick, new_ids, new_created, lo, day_end
        ),
        "email_events": _email_events(rng_email, day, target["email_events"], lead_ids, pick, lo, day_end),
        "crm_activities": _activities(
            rng_activity, day, target["crm_activities"], lead_ids, pick, lo, day_end
        ),
    }
    counts = {}
    for entity, table in tables.items():
        path = raw_dir / f"{entity}-{day}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(table, tmp, compression=gen.COMPRESSION)
        tmp.replace(path)
        counts[entity] = table.num_rows
        print(f"{entity:<20} {table.num_rows:>12,} rows  {path}")
    return counts
