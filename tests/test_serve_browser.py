"""`checklist serve` in a real browser: Debian's Chromium driven by Playwright, nothing downloaded.

A clerk's visit: upload the sample workbook, see the matrix, download the 自查报告, mark an 整改
item 整改中, upload the ledger again after the missing 通报 was held, and see that item closed.
Screenshots stay in .artifacts/serve/ (gitignored) to be looked at.
"""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
from pathlib import Path

import docx
import pytest

from checklist.serve import create_app
from checklist.serve.store import Store
from tests.serve_support import EDU, SAMPLE, fixed_ledger

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / ".artifacts" / "serve"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    store = Store(f"sqlite:///{(tmp_path_factory.mktemp('db') / 'serve.db').as_posix()}")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package `chromium`)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def test_a_clerks_visit(server, browser, tmp_path):
    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    outside: list[str] = []
    context.route("**/*", lambda route: _local_only(route, base, outside))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "上传台账，查看核查结果"
    page.screenshot(path=str(ARTIFACTS / "1-start.png"), full_page=True)

    page.set_input_files("#files", str(SAMPLE))
    page.fill("#year", "2024")
    page.fill("#as_of", "2024-12-31")
    page.click("#go")
    page.wait_for_selector("#matrix")
    # Three units have rows in the sample workbook: three matrix rows.
    assert page.locator("#matrix tbody tr").count() == 3
    assert page.locator("#matrix tbody tr", has_text=EDU).locator("td.cell.violation").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "2-verdict.png"), full_page=True)

    with page.expect_download() as waiting:
        page.click("#dl-docx")
    report = waiting.value
    assert report.suggested_filename.endswith("自查报告.docx")
    saved = tmp_path / "report.docx"
    report.save_as(saved)
    assert "自查报告" in "\n".join(p.text for p in docx.Document(io.BytesIO(saved.read_bytes())).paragraphs)

    # The 通报 item of 县教育局党组 (held on 26 November, outside the year-end window): mark it 整改中.
    briefing = next(i for i in store.items([EDU]) if i["rule"] == "year-end-briefing")
    row = page.locator(f"#item-{briefing['id']}")
    row.locator("select[name=status]").select_option("整改中")
    row.locator("input[name=owner]").fill("陈刚")
    row.locator("button").click()
    page.wait_for_load_state()
    row = page.locator(f"#item-{briefing['id']}")
    assert row.locator("select[name=status]").input_value() == "整改中"
    assert row.locator("input[name=owner]").input_value() == "陈刚"

    page.goto(base + "/")
    page.set_input_files("#files", str(fixed_ledger(tmp_path / "sample_ledger.xlsx")))
    page.fill("#year", "2024")
    page.fill("#as_of", "2024-12-31")
    page.click("#go")
    page.wait_for_selector("#matrix")
    assert "销号1项" in page.locator("#changes").inner_text()
    row = page.locator(f"#item-{briefing['id']}")
    assert "closed" in (row.get_attribute("class") or "")
    assert row.locator("select[name=status]").input_value() == "已销号"
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "3-closed.png"), full_page=True)

    page.goto(base + "/units/" + EDU)
    page.screenshot(path=str(ARTIFACTS / "4-unit.png"), full_page=True)
    assert outside == [] and errors == []
    context.close()


def _local_only(route, base: str, outside: list[str]) -> None:
    """Every request the page makes must go to the local server; anything else is recorded and refused."""
    if route.request.url.startswith(base) or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        outside.append(route.request.url)
        route.abort()
