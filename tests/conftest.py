"""Project-wide test wiring: the browser and the rule that CI skips nothing.

Outside CI, tests that need a resource this machine lacks (Redis for the
Celery worker round trip, Chromium for the browser journeys) are deselected
with a notice saying so. With CI set, nothing is deselected: a missing browser,
database or Redis fails the run.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest


def chromium_path() -> str | None:
    return os.environ.get("TASKFORCE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(item: pytest.Item) -> str | None:
    if item.get_closest_marker("integration") and not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set (integration tests need Redis and a Celery worker)"
    if item.get_closest_marker("browser") and not chromium_path():
        return "Chromium is not installed (apt-get install -y chromium)"
    if item.get_closest_marker("postgresql") and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "DATABASE_URL does not point at PostgreSQL"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI"):
        return
    kept, deselected, reasons = [], [], set()
    for item in items:
        reason = _missing(item)
        if reason is None:
            kept.append(item)
        else:
            deselected.append(item)
            reasons.add(reason)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
        config._taskforce_deselected = (len(deselected), sorted(reasons))  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    info = getattr(config, "_taskforce_deselected", None)
    if info:
        count, reasons = info
        terminalreporter.write_sep("!", f"{count} test(s) NOT RUN on this machine; CI runs them", yellow=True)
        for reason in reasons:
            terminalreporter.write_line(f"  - {reason}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is required for browser tests: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
