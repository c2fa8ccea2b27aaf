"""Make the documentation's screenshots (docs/img/*.png) again from the running demo.

    make demo                                   # in one terminal (serves on :8000)
    uv run python scripts/screenshots.py        # in another; --url for another address

Each picture is one persona on one page, in Chinese (the product's default), at the
README's size (1280 × 1000). Chromium comes from the system (as in tests/browser): set
CHROMIUM if it is not /usr/bin/chromium. Look at every picture before committing it.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# file name → (login, page): what the README shows.
SHOTS = {
    "dashboard.png": ("mayor", "/monitor/nanyang-2026/"),
    "plan.png": ("duchashi", "/plans/nanyang-2026/"),
}
SIZE = {"width": 1280, "height": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"), help="where to write")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for name, (login, path) in SHOTS.items():
            context = browser.new_context(viewport=SIZE, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{args.url}/accounts/login/")
            page.fill("#id_username", login)
            page.fill("#id_password", "demo")
            page.click("button[type=submit].primary")
            page.wait_for_url(f"{args.url}/")
            page.goto(f"{args.url}{path}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # the charts' opening animation
            page.screenshot(path=str(out / name))
            print(f"wrote {out / name}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
