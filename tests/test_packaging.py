"""Templates must work from an installed wheel, not only from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import EXAMPLES, ROOT


def test_wheel_ships_templates_and_renders_from_them(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist, ROOT],
        check=True, capture_output=True,
    )
    wheel = next(dist.glob("noteassist-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "noteassist/templates/notes/physician-visit.md.j2" in names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
                   check=True, capture_output=True)
    code = (
        "import noteassist, sys\n"
        "from noteassist.facts import load_facts\n"
        "from noteassist.render import render_note\n"
        f"note = render_note(load_facts({str(EXAMPLES / 'physician-visit-modified-duty.yaml')!r}))\n"
        "print(noteassist.__file__)\n"
        "print('## Work Status' in note)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True)
    module_file, rendered = out.stdout.strip().splitlines()[-2:]
    assert module_file.startswith(str(site))
    assert rendered == "True"
