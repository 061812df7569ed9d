"""Screenshot a report page in headless Chromium (Debian's package, driven by Playwright).

    .venv/bin/python scripts/screenshot.py reports/seeds.html reports/seeds.png

Needs the dev install (bash scripts/setup.sh --dev) and a chromium on PATH, or its path
in CLAIMCHECK_CHROMIUM.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def main(page_path: str, image_path: str) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CLAIMCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("screenshot: no chromium found; install Debian's chromium package or set CLAIMCHECK_CHROMIUM")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(Path(page_path).resolve().as_uri())
        page.screenshot(path=image_path, full_page=False)
        browser.close()
    print(f"wrote {image_path}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
