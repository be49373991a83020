"""Rules of the layout: domain packages stay free of Flask, and the code passes the linter."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_domain_packages_do_not_import_flask():
    code = (
        "import sys, letters.rendering, letters.compose, letters.salutations, "
        "representatives.directory, representatives.store, representatives.importers\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], capture_output=True,
                            text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
