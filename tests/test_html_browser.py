"""The HTML report in a real browser: headless Chromium loads it offline, with no console errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checklist.cli import main

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "fixtures"
BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code = main(
        [
            "evaluate",
            str(FIXTURES / "sample_ledger.csv"),
            "--as-of",
            "2024-12-31",
            "--units",
            str(FIXTURES / "units.csv"),
            "--waivers",
            str(FIXTURES / "waivers.csv"),
            "--format",
            "html",
            "-o",
            str(out),
        ]
    )
    assert code == 1
    return out


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?(?:https?:)?//""", text), "the page must not fetch anything"
    assert "<script" not in text and "@import" not in text
    assert text.count("<tr><th>") >= 5  # one matrix row per unit


@pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_chromium_renders_matrix_and_charts_without_console_errors(report, tmp_path):
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    html = dom.stdout
    assert 'id="matrix"' in html and html.count('class="cell"') >= 20
    assert '<svg id="scores"' in html and html.count('class="timeline"') == 5
    for unit in ("县委宣传部", "县教育局党组", "城关镇党委", "县档案馆", "县文联"):
        assert unit in html
    shot = ROOT / ".artifacts" / "report.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            BROWSER,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1400,1800",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000
