"""Node for the pages' JavaScript unit tests: skip with one line without it, fail under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_TIMEOUT = 120.0  # seconds: the whole JS suite takes about one


def node_path() -> str:
    """The ``node`` program, or skip (fail under CI=true) with one line."""
    path = shutil.which("node") or shutil.which("nodejs")
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node not installed (apt-get install nodejs); required under CI=true")
        pytest.skip("node not installed (apt-get install nodejs): the pages' JavaScript unit tests skipped")
    return path


def run_node(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``node args...`` from the repository's root, with a time limit."""
    return subprocess.run([node_path(), *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          timeout=NODE_TIMEOUT, check=False)
