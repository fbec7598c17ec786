"""The HTML report in a real headless Chromium (Debian's, driven by Playwright): it renders, the legend
and highlights are visible, hover shows the probabilities, and an article's <script> never runs."""

import shutil
from pathlib import Path

import pytest

from claimlens.cli import main

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_renders_in_chromium(write, tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    src = write("story.txt", "The port authority denied that fuel leaked. Police said a diver found oil.\n"
                "The cause could not be verified <script>document.title='pwned'</script>.\n")
    out = tmp_path / "report.html"
    # --sentences keeps the markup (the article cleaner would drop a line with a script tag).
    assert main(["predict", str(src), "--sentences", "--model", "rules", "-o", str(out), "-q"]) == 0
    shot = Path(tmp_path / "report.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(out.as_uri())
        assert page.title() == "claimlens report"  # the article's script did not run
        assert page.locator("#legend .chip").count() == 4 and page.locator("#legend").is_visible()
        highlights = page.locator("span.s")
        assert highlights.count() == 2
        labels = [highlights.nth(i).get_attribute("class") for i in range(2)]
        assert labels == ["s label-denied", "s label-unconfirmed"]
        assert page.locator("td.count-denied").first.inner_text() == "1"
        assert "<script>" in highlights.nth(1).inner_text()  # shown as text
        highlights.nth(0).hover()
        assert "denied 1.00" in page.locator("span.s .tip").nth(0).inner_text()
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 5000
