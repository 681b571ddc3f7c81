"""dbt-duckdb plugin: the build lock on the work copy, and the UDFs that publish it.

Declared in profiles.yml (duckdb target):

    plugins:
      - module: lead_scoring.dbt_plugin
        config:
          published_path: "{{ env_var('LEAD_SCORING_DUCKDB_PATH', 'warehouse/lead_scoring.duckdb') }}"

The profile's `path` is the work copy dbt writes. dbt-duckdb creates the plugin when dbt opens its
first connection, before DuckDB opens the file: `initialize` takes the lock `<work copy>.lock` there
(waiting for another build up to LEAD_SCORING_LOCK_TIMEOUT seconds, default 300, or the plugin config's
`lock_timeout`) and keeps it until the process exits. Commands that never
connect (`dbt parse`, `dbt ls`, `dbt deps`, `dbt clean`) take no lock; every command that opens the work
copy does (build, run, seed, test, compile, show, docs generate, debug), as two processes cannot have
one DuckDB file open for writing: without the lock, a `dbt compile` could make a running build fail.

`configure_connection` registers two scalar functions on every DuckDB connection dbt opens:
`lead_scoring_publish()` copies the (checkpointed) work copy over the published file atomically and
returns a log line (lead_scoring.publish.publish); `lead_scoring_published_path()` returns the
published path. The on-run-end macro `publish_warehouse` decides whether to call them.
`lead_scoring_raw_problems(raw_dir, raw_format)` returns '' or the whole-file faults of the raw files
(lead_scoring.raw_files): the on-run-start macro `check_raw_files` stops the run with them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger

from lead_scoring import publish, raw_files

logger = AdapterLogger("lead_scoring")


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        if self.creds is None or not self.creds.path or self.creds.path == ":memory:":
            raise RuntimeError("lead_scoring.dbt_plugin needs a DuckDB target with a file `path`")
        self.work = Path(self.creds.path)
        self.published = Path(str(plugin_config.get("published_path") or publish.DEFAULT_PUBLISHED_PATH))
        if self.work.resolve() == self.published.resolve():
            raise RuntimeError(
                f"the work copy and the published file are both {self.work}: set "
                f"{publish.WORK_PATH_VARIABLE} to another path, or unset it for the default "
                f"{publish.default_work_path(self.published)}"
            )
        if self.work.name != self.published.name:
            logger.warning(
                f"the work copy {self.work.name} and the published file {self.published.name} have "
                "different names: DuckDB names the catalog after the file, so views in the published "
                "copy will not resolve"
            )
        configured = plugin_config.get("lock_timeout")
        timeout = publish.parse_timeout(configured) if configured is not None else publish.lock_timeout()
        lock = publish.lock_path(self.work)
        try:
            taken = publish.acquire_lock(lock, timeout, on_wait=self._log_wait)
        except publish.LockTimeout as error:
            # A RuntimeError: dbt-duckdb reports it as a failed connection with this message.
            raise RuntimeError(f"another dbt process is using the warehouse: {error}") from None
        if taken and not self.work.exists():
            logger.info(
                f"No work copy at {publish.display(self.work)}: this run builds it from scratch "
                "(incremental models too); the published file changes only when a build succeeds"
            )

    def _log_wait(self, holder: str) -> None:
        logger.info(
            f"Waiting for the warehouse lock {publish.display(publish.lock_path(self.work))}: "
            f"held by {holder}"
        )

    def configure_connection(self, conn: Any) -> None:
        conn.create_function(
            "lead_scoring_publish", self._publish, [], "VARCHAR", side_effects=True, null_handling="special"
        )
        conn.create_function(
            "lead_scoring_raw_problems",
            raw_files.raw_problems_text,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            side_effects=True,
            null_handling="special",
        )
        conn.create_function(
            "lead_scoring_published_path",
            self._published_path,
            [],
            "VARCHAR",
            side_effects=True,
            null_handling="special",
        )

    def _publish(self) -> str:
        if not publish.holds_lock(publish.lock_path(self.work)):
            raise publish.PublishError("this process does not hold the warehouse lock: nothing published")
        return publish.publish(self.work, self.published).message(self.work)

    def _published_path(self) -> str:
        return publish.display(self.published)
