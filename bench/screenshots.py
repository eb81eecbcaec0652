"""The README's pictures of the web page, for `make screenshots`: docs/screenshots/*.png.

A seeded server (tests/browser/seed.py: alice's example claim, an overdue follow-up, a draft with flagged
words, a signed note) on loopback, and Debian's chromium under Playwright at laptop (1280 px) and phone
(390 px) widths. Each picture is the visible window, not the whole page, so the files stay small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests")]

from browser.live import LAPTOP, PHONE, LiveServer, launch, new_context, sign_in, temporary_folder

#: What the contact form is filled with before its picture: enough for the preview to draft a paragraph.
FORM_FIELDS = {
    "encounter.date": "2026-12-01",
    "encounter.start_time": "9:30",
    "encounter.end_time": "10:15",
    "encounter.location": "Capital Orthopedics, Austin",
    "visit.provider.name": "Dr. Anita Lee",
}


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")


def _fill_form(page) -> None:
    """Type into the contact form's fields by name (those it has), then let the preview catch up."""
    _settled(page)
    for name, value in FORM_FIELDS.items():
        field = page.locator(f'[name="{name}"]')
        if field.count() and field.first.is_editable():
            field.first.fill(value)
    _settled(page)
    page.wait_for_timeout(800)  # the preview re-drafts after a pause in typing


def _card_open(page) -> None:
    finding = page.locator("#note-editor .finding").first
    finding.wait_for(state="visible")
    _settled(page)
    finding.hover()
    finding.focus()
    page.locator(f"#{finding.get_attribute('aria-describedby')}").wait_for(state="visible")


#: file name -> (viewport, path from the seeded ids, preparation)
SHOTS = {
    "day": (LAPTOP, lambda ids: "/", _settled),
    "contact-form": (LAPTOP, lambda ids: f"/claims/{ids['claims']['alice']}/contacts/new?template=physician-visit",
                     _fill_form),
    "draft-findings": (LAPTOP, lambda ids: f"/drafts/{ids['drafts']['findings']}", _card_open),
    "note": (LAPTOP, lambda ids: f"/notes/{ids['notes']['signed']}", _settled),
    "phone-day": (PHONE, lambda ids: "/", _settled),
    "phone-capture": (PHONE, lambda ids: "/capture", _settled),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=list(SHOTS), help="take these pictures only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    server = LiveServer(temporary_folder("na-screenshots-"))
    server.start()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            contexts = {}
            for name, (viewport, path_of, prepare) in SHOTS.items():
                if args.only and name not in args.only:
                    continue
                key = viewport["width"]
                if key not in contexts:
                    contexts[key] = new_context(browser, server, viewport, phone=viewport is PHONE)
                    sign_in(contexts[key].new_page(), server, "alice").close()
                page = contexts[key].new_page()
                page.goto(path_of(server.seeded))
                prepare(page)
                target = args.out / f"{name}.png"
                page.screenshot(path=str(target), animations="disabled", caret="hide")
                page.close()
                print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
            browser.close()
    finally:
        server.stop()
    leaked = server.phi_in_log()
    server.log_path.unlink(missing_ok=True)
    if leaked:
        sys.exit(f"the server's log holds seeded PHI: {leaked}")


if __name__ == "__main__":
    main()
