"""A team studio in Debian's chromium: the login page, the Team tab for admins only, share links
in the Library (skipped without chromium)."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.test_app_api import connect, free_port, launch, stop
from tests.test_browser import CHROMIUM, FLAGS
from tests.test_team import users

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed")]


def sign_in(browser, base: str, name: str, password: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(base + "/")
    page.get_by_label(re.compile("username", re.I)).fill(name)
    page.get_by_label(re.compile("password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("login", re.I)).click()
    page.get_by_role("tab", name="Create").wait_for(timeout=60_000)
    return page


def up(base: str, timeout: float = 180) -> None:
    """Wait until the app answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the app at {base} did not start in {timeout:.0f} s")


def test_admin_area_and_share_links_in_the_browser(tmp_path, clip_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    home = tmp_path / "home"
    users(home, "add", "alice", "--admin", stdin="alice-password\n")
    users(home, "add", "bob", stdin="bob-password\n")
    from app import build_studio
    from core.settings import Settings

    seeded = build_studio(Settings(VIDEO_STUDIO_HOME=home))
    seeded.import_media(clip_factory("alice.mp4", seconds=1, size="320x240"), owner="alice", title="alice clip")
    seeded.stop()
    port = free_port()
    proc = launch(home, port, {"VIDEO_STUDIO_AUTH": "password"})
    base = f"http://127.0.0.1:{port}"
    try:
        with pytest.raises(Exception):
            connect(port, proc, timeout=20)  # no anonymous client: the app wants a login
        up(base)  # on a busy machine the app may take longer than that to start
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            login_page = browser.new_page()
            login_page.goto(base + "/")
            login_page.get_by_role("button", name=re.compile("login", re.I)).wait_for(timeout=60_000)
            login_page.screenshot(path=str(tmp_path / "login.png"))

            alice = sign_in(browser, base, "alice", "alice-password")
            alice.get_by_text("Signed in as alice (admin)").wait_for(timeout=30_000)
            alice.get_by_role("tab", name="Team").click()
            alice.get_by_text("bob", exact=True).first.wait_for(timeout=30_000)
            alice.get_by_label("Account").first.click()
            alice.get_by_role("option", name="bob").click()
            alice.get_by_label(re.compile("Monthly budget")).fill("7")
            alice.get_by_role("button", name="Save account").click()
            alice.get_by_text("Saved bob.").wait_for(timeout=30_000)
            alice.get_by_role("button", name="Show").click()
            alice.wait_for_function("() => document.body.innerText.split('Account changed').length > 3",
                                    timeout=30_000)  # two accounts added on the command line, bob's change
            alice.screenshot(path=str(tmp_path / "team.png"), full_page=True)

            alice.get_by_role("tab", name="Library").click()
            alice.locator(".thumbnail-item, button.thumbnail-item, .gallery-item").first.click(timeout=60_000)
            alice.locator(".vs-details", has_text="alice clip").wait_for(timeout=60_000)  # the asset is open
            alice.get_by_role("button", name="Create a link").click()
            link = alice.locator("a[href^='/share/']").first
            link.wait_for(timeout=30_000)
            href = link.get_attribute("href")
            alice.screenshot(path=str(tmp_path / "library_links.png"), full_page=True)
            assert httpx.get(base + href).status_code == 200  # no login needed for the link

            bob = sign_in(browser, base, "bob", "bob-password")
            bob.get_by_role("tab", name="Library").click()
            bob.wait_for_timeout(2000)
            assert bob.get_by_role("tab", name="Team").count() == 0  # admins only
            assert bob.get_by_text("Signed in as bob").count() == 1
            assert bob.locator("img[src*='alice']").count() == 0
            bob.screenshot(path=str(tmp_path / "bob_library.png"), full_page=True)
            browser.close()
    finally:
        stop(proc)
