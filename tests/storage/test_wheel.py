"""The migrations ship in the wheel (script.py.mako too) and run from the installed package, with no alembic.ini."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_an_installed_wheel_migrates_a_new_database(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist, ROOT],
        check=True, capture_output=True,
    )
    wheel = next(dist.glob("noteassist-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("noteassist/storage/migrations/env.py", "noteassist/storage/migrations/script.py.mako",
                    "noteassist/storage/migrations/versions/0001_initial.py"):
        assert shipped in names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
                   check=True, capture_output=True)
    code = (
        "import noteassist.storage as st\n"
        f"url = 'sqlite:///{tmp_path / 'w.db'}'\n"
        "st.upgrade(url)\n"
        "print(st.MIGRATIONS if hasattr(st, 'MIGRATIONS') else st.migrate.MIGRATIONS)\n"
        "print(st.current_revision(url))\n"
    )
    work = tmp_path / "elsewhere"
    work.mkdir()  # no alembic.ini, no checkout: only the installed package
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, check=True)
    location, revision = out.stdout.strip().splitlines()[-2:]
    assert location.startswith(str(site))
    assert revision == "0003"  # the newest migration ships in the wheel too
