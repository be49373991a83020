"""Rules of the layout: domain packages stay free of Flask, and the code passes the linter and
the type checker."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

DOMAIN_PACKAGES = ("letters", "representatives")
WEB_FRAMEWORK = ("flask", "werkzeug")

# Run in a fresh interpreter, where nothing else has imported Flask yet. walk_packages imports
# each package to look inside it; a module that fails to import must fail the test, not vanish
# from the list, hence `onerror`.
_IMPORT_EVERY_MODULE = """
import importlib, json, pkgutil, sys

def fail(name):
    raise

found = []
for package in sys.argv[1:]:
    found.append(importlib.import_module(package).__name__)
    for module in pkgutil.walk_packages(sys.modules[package].__path__, package + ".",
                                        onerror=fail):
        importlib.import_module(module.name)
        found.append(module.name)
print(json.dumps({"imported": found, "loaded": sorted(sys.modules)}))
"""


def _modules_on_disk(package: str) -> set[str]:
    names = set()
    for path in (PROJECT_ROOT / package).rglob("*.py"):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_domain_packages_do_not_import_flask():
    result = subprocess.run([sys.executable, "-c", _IMPORT_EVERY_MODULE, *DOMAIN_PACKAGES],
                            capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    expected = set().union(*(_modules_on_disk(package) for package in DOMAIN_PACKAGES))
    # Every module, found by the walk: an empty or partial walk would prove nothing.
    assert len(expected) > len(DOMAIN_PACKAGES)
    assert set(report["imported"]) == expected
    web = [name for name in report["loaded"] if name.split(".")[0] in WEB_FRAMEWORK]
    assert web == []


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], capture_output=True,
                            text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    # What to check and how strictly: [tool.mypy] in pyproject.toml.
    result = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True,
                            cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
