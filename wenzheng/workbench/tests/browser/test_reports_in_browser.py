"""A supervisor opens the reports page for the demo ledger, downloads the monthly bulletin and the
weekly digest as PDF, and the first page of each is rendered to PNG under artifacts/."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from wenzheng.accounts.models import OrgUnit
from wenzheng.core import clock
from wenzheng.demo.loader import do_load_demo
from wenzheng.insight.metrics.rollup import rebuild
from wenzheng.insight.reports.periods import week_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> OrgUnit:
    # One rebuild instead of a statistics job after each of the demo's ~1,000 events.
    monkeypatch.setattr("wenzheng.insight.metrics.tasks.refresh_case", lambda case_id: None)
    do_load_demo(messages=120, days=60, seed=7)
    city = OrgUnit.objects.get(code="QL")
    rebuild(city)
    return city


def _download(page: Any, kind: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click(f'button[data-kind="{kind}"]')
    info.value.save_as(str(target))
    return target.read_bytes()


def _exe(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} (poppler-utils) is needed"
    return path


def _first_page_png(pdf: Path, png_stem: Path) -> Path:
    subprocess.run(  # noqa: S603 - fixed executable, our own files
        [_exe("pdftoppm"), "-png", "-f", "1", "-l", "1", "-r", "80", "-singlefile", str(pdf), str(png_stem)],
        check=True,
    )
    return png_stem.with_suffix(".png")


def test_a_supervisor_downloads_the_bulletin_and_the_digest(
    browser: Any, live_server: Any, artifacts: Path, demo: OrgUnit
) -> None:
    today = clock.now().astimezone(clock.local_tz()).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    month, week = f"{last_month.year}-{last_month.month:02d}", week_of(today - timedelta(days=7))
    context = browser.new_context(
        locale="zh-CN", accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/workbench/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", settings.WENZHENG_DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/workbench/")
    page.click('nav a[href="/workbench/reports/"]')
    page.wait_for_url("**/workbench/reports/")
    assert page.locator("#report-org option").all_inner_texts() == [demo.name]
    page.fill("#report-month", month)
    page.fill("#report-week", week)
    page.screenshot(path=str(artifacts / "reports-page.png"), full_page=True)

    bulletin = _download(page, "bulletin.pdf", artifacts / "bulletin.pdf")
    digest = _download(page, "digest.pdf", artifacts / "digest.pdf")
    context.close()
    assert bulletin.startswith(b"%PDF-")
    assert digest.startswith(b"%PDF-")

    for name in ("bulletin", "digest"):
        png = _first_page_png(artifacts / f"{name}.pdf", artifacts / f"{name}-first-page")
        assert png.exists()
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert len(data) > 20_000, f"{png} looks empty ({len(data)} bytes)"
    text = subprocess.run(  # noqa: S603 - fixed executable, our own files
        [_exe("pdftotext"), "-f", "1", "-l", "1", str(artifacts / "bulletin.pdf"), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert f"{demo.name}网络问政工作通报" in "".join(text.split())
