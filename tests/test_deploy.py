"""The Procfile's and the README's `flask ...` commands work as written: no FLASK_APP set."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def _clean_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("FLASK_")}
    env["PYTHONPATH"] = ""
    return env


def _procfile_flask_commands() -> dict[str, list[str]]:
    commands = {}
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        words = shlex.split(command)
        if words and words[0] == "flask":
            # The variable parts (${WORKER_THREADS:-16}) do not matter to --help.
            commands[name] = [w for w in words[1:] if not w.startswith(("-", "$"))]
    return commands


def test_the_procfile_starts_flask_commands_that_exist_without_flask_app():
    commands = _procfile_flask_commands()
    assert {"release", "worker", "sweep"} <= set(commands)
    for name, words in commands.items():
        result = subprocess.run([sys.executable, "-m", "flask", *words, "--help"],
                                cwd=PROJECT_ROOT, env=_clean_env(), capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
        assert "Usage:" in result.stdout


def test_the_readme_commands_find_the_app_from_the_project_folder():
    result = subprocess.run([sys.executable, "-m", "flask", "reps", "import", "--help"],
                            cwd=PROJECT_ROOT, env=_clean_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
