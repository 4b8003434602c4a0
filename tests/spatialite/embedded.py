"""Running the app on an embedded database (SQLite + SpatiaLite) in processes of its own, as
`make run` does: the flask CLI, or a script that builds the app from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def embedded_environment(database: Path) -> dict:
    """The environment of an app on the SQLite file `database`, with the development settings
    (as `make run` sets them)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "FLASK_APP": "wsgi",
        "PALIER_CONFIG": "development",
    }
    env.pop("TEST_DATABASE_URL", None)
    return env


def run(environment, *command):
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def flask(environment, *arguments):
    return run(environment, sys.executable, "-m", "flask", *arguments)


def run_script(environment, script: str) -> str:
    """Run a Python script with the environment; its last line printed (no request log comes
    after it)."""
    output = run({**environment, "LOG_LEVEL": "WARNING"}, sys.executable, "-c", script)
    return output.strip().splitlines()[-1]
