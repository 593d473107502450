"""The explorer page as a planner uses it: `plankg serve` with the bundled examples, headless
Chromium (Debian's package, driven by Playwright; Playwright's own browser download cannot work
here). Set PLANKG_UPDATE_SCREENSHOT=1 to refresh docs/explorer.png from the run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VENDOR = ROOT / "api" / "static" / "vendor" / "cytoscape.min.js"
SCREENSHOT = ROOT / "docs" / "explorer.png"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plankg(*args: str) -> list[str]:
    return [sys.executable, "-m", "api", *args]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert VENDOR.exists(), f"{VENDOR} is missing: run `make web` (npm) before the browser tests"
    store = str(tmp_path_factory.mktemp("browser") / "s.plankg")
    examples = sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    loaded = subprocess.run(_plankg("load", *examples, "--store", store), capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "serve.log").open("w")
    proc = subprocess.Popen(_plankg("serve", "--port", str(port), "--store", store), cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"plankg serve exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(base + "health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("plankg serve did not answer /health within 30 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # a 404 answer to a lookup is shown to the user, not a script error
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    pg.set_default_timeout(15000)
    pg.goto(server)
    yield pg
    context.close()
    assert errors == [], f"errors in the page: {errors}"


def _search(page: Page, text: str) -> None:
    page.fill("#search", text)
    page.click("#search-form button[type=submit]")


def test_home_lists_the_plans_and_downloads_a_task_table(page: Page, tmp_path: Path) -> None:
    import openpyxl

    page.wait_for_selector("#plan-table")
    assert "阿荣旗“科技兴旗”三年行动实施方案" in page.inner_text("#plans")
    assert page.title() == "plankg 规划协同查询"
    row = page.locator("#plan-table tr", has_text="阿荣旗“科技兴旗”三年行动实施方案")
    with page.expect_download() as info:
        row.locator("a[download]").click()
    saved = tmp_path / "table.xlsx"
    info.value.save_as(saved)
    assert info.value.suggested_filename.endswith(".xlsx")
    ws = openpyxl.load_workbook(saved)["任务分工表"]
    sources = {r[7] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(sources) == 1 and "科技兴旗" in next(iter(sources))


def test_department_search_to_task_and_source_sentence(page: Page, tmp_path: Path) -> None:
    _search(page, "农牧局")
    page.wait_for_selector("#co-leads .chip")
    assert page.inner_text("#entity-title").startswith("农牧局")
    co_leads = page.inner_text("#co-leads")
    assert "教科体局" in co_leads
    assert page.locator("#lead-tasks a.task-link").count() >= 5
    assert page.locator("#support-tasks a.task-link").count() >= 1
    assert "教科体局" in page.inner_text("#partners")
    # the neighbourhood graph is drawn: cytoscape's canvases and more than the focus node
    page.wait_for_function("Number(document.getElementById('graph').dataset.nodes) > 5")
    assert page.locator("#graph canvas").count() >= 1
    shot = tmp_path / "explorer.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("PLANKG_UPDATE_SCREENSHOT"):
        from PIL import Image  # matplotlib's dependency; a palette keeps the PNG small

        Image.open(shot).convert("RGB").quantize(colors=128).save(SCREENSHOT, optimize=True)

    link = page.locator("#lead-tasks a.task-link").first
    title, task_id = link.inner_text(), link.get_attribute("data-task")
    link.click()
    page.wait_for_selector("#source blockquote.sentence")
    assert unquote(page.url.split("#task/", 1)[1]) == task_id
    assert page.inner_text("#entity-title").startswith(title)
    sentence = page.inner_text("#source blockquote.sentence")
    assert sentence.strip()
    # the sentence is marked inside the task's own text, which names its lead departments
    assert page.inner_text("#source-sentence") == sentence
    assert "农牧局" in page.inner_text("#task-lead")
    # back to the department through the lead chips
    page.click("#task-lead a.chip >> text=农牧局")
    page.wait_for_selector("#co-leads .chip")
    assert page.inner_text("#entity-title").startswith("农牧局")


def test_search_by_alias_and_by_industry_chain(page: Page) -> None:
    # a department the plans wrote in another form too (e.g. 旗委组织部 for 组织部)
    found = page.evaluate("""async () => {
        const r = await fetch('departments?limit=500');
        const all = (await r.json()).data;
        const names = new Set(all.map((d) => d.name));
        for (const d of all) {
          const alias = d.aliases.find((a) => a !== d.name && !names.has(a));
          if (alias) return { name: d.name, alias };
        }
        return null; }""")
    assert found, "the bundled examples should yield at least one department alias"
    _search(page, found["alias"])
    page.wait_for_selector("#co-leads")
    assert page.inner_text("#entity-title").startswith(found["name"])
    assert found["alias"] in page.inner_text("#view .meta")

    _search(page, "乳业")
    page.wait_for_selector("#chain-leads")
    assert page.inner_text("#entity-title").startswith("乳业")
    assert "农牧局" in page.inner_text("#chain-leads")
    assert page.locator("#chain-tasks a.task-link").count() >= 1


def test_graph_nodes_are_clickable(page: Page) -> None:
    _search(page, "农牧局")
    page.wait_for_selector("#co-leads .chip")
    page.wait_for_function("Number(document.getElementById('graph').dataset.nodes) > 5")
    # where cytoscape drew 教科体局, in page coordinates
    point = page.evaluate("""() => {
        const n = cy.nodes().filter((x) => x.data('label') === '教科体局')[0];
        const p = n.renderedPosition();
        const box = document.getElementById('graph').getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y }; }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function("decodeURIComponent(location.hash).startsWith('#dept/') && "
                           "decodeURIComponent(location.hash).endsWith('/教科体局') && "
                           "document.getElementById('view').getAttribute('aria-busy') === 'false'")
    assert page.inner_text("#entity-title").startswith("教科体局")
    assert "农牧局" in page.inner_text("#co-leads")


def test_unknown_names_say_so(page: Page) -> None:
    _search(page, "不存在的部门")
    page.wait_for_selector("#found-departments")
    assert "没有匹配的部门" in page.inner_text("#view")
    page.goto(page.url.split("#", 1)[0] + "#dept/" + "不存在的部门")
    page.wait_for_selector(".error")
    assert "未找到" in page.inner_text(".error")
