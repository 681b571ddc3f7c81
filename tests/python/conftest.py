"""Shared helpers: the project root, what a project copy leaves out, running dbt in a project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COPY_IGNORE = shutil.ignore_patterns(
    ".venv*",
    ".git",
    "target",
    "target_*",
    "logs",
    "warehouse",
    "data",
    "build",  # benchmark, byod and cross-engine warehouses: gigabytes at scale M
    "reports",
    "__pycache__",
    "*.egg-info",
)


def dbt_executable() -> str:
    """The dbt next to the running Python (the project's virtualenv), else the one on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    project_dir: Path, args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run dbt in `project_dir` with telemetry off and the project's profiles; capture output."""
    full_env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project_dir),
        **(env or {}),
    }
    return subprocess.run(
        [dbt_executable(), *args],
        cwd=project_dir,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
