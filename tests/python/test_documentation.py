"""Every model and seed, and every column they produce, is documented (read from dbt's manifest
and the warehouse `make test` has just built), and every model states its grain."""

from __future__ import annotations

import json

import pytest

from conftest import PROJECT_ROOT

MANIFEST = PROJECT_ROOT / "target" / "manifest.json"
DATABASE = PROJECT_ROOT / "warehouse" / "lead_scoring.duckdb"

pytestmark = pytest.mark.skipif(
    not (MANIFEST.exists() and DATABASE.exists()),
    reason="no manifest or warehouse: run `make build` (make test does) first",
)


def documented_nodes() -> list[dict]:
    manifest = json.loads(MANIFEST.read_text())
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "lead_scoring"
    ]


def test_every_model_and_seed_has_a_description() -> None:
    missing = [node["name"] for node in documented_nodes() if not node["description"].strip()]
    assert not missing


def test_every_model_description_states_its_grain() -> None:
    models = [node for node in documented_nodes() if node["resource_type"] == "model"]
    assert models
    missing = [node["name"] for node in models if "one row per" not in node["description"].lower()]
    assert not missing


def test_every_built_column_is_documented() -> None:
    import duckdb

    undocumented: list[str] = []
    with duckdb.connect(str(DATABASE), read_only=True) as connection:
        for node in documented_nodes():
            columns = connection.execute(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ?",
                [node["schema"], node["alias"]],
            ).fetchall()
            assert columns, f"{node['schema']}.{node['alias']} was not built"
            documented = {
                name.lower() for name, column in node["columns"].items() if column["description"].strip()
            }
            undocumented += [
                f"{node['name']}.{name}" for (name,) in columns if name.lower() not in documented
            ]
    assert not undocumented, "\n".join(undocumented)
