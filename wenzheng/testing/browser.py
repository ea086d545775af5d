"""Fixtures of the browser tests: real headless Chromium (Debian's package) driven by Playwright
for Python, and axe-core (from npm) for accessibility checks. Loaded by the root conftest.

Run with the rest of the suite. Without a Chromium on the machine they are skipped with the reason
(`.ci/run` installs it: apt-get install chromium).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WENZHENG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags for a closed network: no background traffic, no component updates (see env docs).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the test also reads the database
# directly, which Django refuses inside a loop unless told it is safe (it is: one thread, no awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: Chromium is missing (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(
                "CI must run the accessibility checks: axe-core is missing (.ci/run runs npm install)"
            )
        pytest.skip("axe-core is not installed (npm install); .ci/run installs it")
    return AXE.read_text(encoding="utf-8")


def axe_violations(
    page: object, source: str, *, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict]:
    """Run axe-core in the page; the violations of the given impacts, with their nodes' selectors."""
    # The pages' Content-Security-Policy refuses inline scripts, so axe is not added as a <script>
    # tag: it runs as a function called through the DevTools protocol, which the policy does not cover.
    page.evaluate("() => {\n" + source + "\n}")  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")  # type: ignore[attr-defined]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
