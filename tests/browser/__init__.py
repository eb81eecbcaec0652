"""Browser tests: Playwright driving Debian's chromium against a real, seeded `noteassist serve` on loopback.

A package (like tests/service), so its conftest is `browser.conftest`, never the top-level `conftest`."""
