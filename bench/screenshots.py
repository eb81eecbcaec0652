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

from browser.live import (
    LAPTOP,
    PHONE,
    LiveServer,
    launch,
    new_context,
    sign_in,
    temporary_folder,
)

#: What the contact form is filled with before its picture: the physician visit's required facts (and a
#: phrase the linter flags, so the preview shows a finding). Repeating groups get one item each.
FORM_FIELDS = [
    ("encounter.date", "2026-12-01"),
    ("encounter.start_time", "09:30"),
    ("encounter.end_time", "10:15"),
    ("encounter.location", "Austin Orthopedic Associates"),
    ("Add provider", None),
    ("providers[0].name", "Alan Lee"),
    ("providers[0].credentials", "MD"),
    ("subjective", "She c/o pain at night, 4/10 at rest and 7/10 when reaching overhead."),
    ("work_status.status", "modified-duty"),
    ("work_status.effective", "2026-12-02"),
    ("work_status.set_by", "Dr. Lee"),
    ("Add restriction", None),
    ("work_status.restrictions[0]", "no lifting over 10 lb with the right arm"),
]


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")


def _fill_form(page) -> None:
    """Fill the contact form as a person would (buttons add a group's item), then let the preview catch up."""
    _settled(page)
    for name, value in FORM_FIELDS:
        if value is None:
            page.get_by_role("button", name=name).first.click()
            continue
        field = page.locator(f'#contact-form [name="{name}"]').first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("#preview .finding, #preview mark, #preview p").first.wait_for(state="visible")
    _settled(page)
    page.wait_for_timeout(800)  # the preview's lint answers after a pause in typing


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
                print(f"{target}: {target.stat().st_size // 1024} KB")
            browser.close()
    finally:
        server.stop()
    leaked = server.phi_in_log()
    server.log_path.unlink(missing_ok=True)
    if leaked:
        sys.exit(f"the server's log holds seeded PHI: {leaked}")


if __name__ == "__main__":
    main()
