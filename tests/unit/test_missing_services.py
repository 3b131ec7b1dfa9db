"""A missing service skips its tests on a developer's machine and fails them under CI=true."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(tmp_path, ci: str | None) -> subprocess.CompletedProcess:
    probe = tmp_path / "test_probe.py"
    probe.write_text(textwrap.dedent("""
        from tests.conftest import closed_port, require_service

        def test_needs_a_database_that_is_not_there():
            with closed_port() as port:  # bound, never listening: refused
                require_service("PostgreSQL", "127.0.0.1", port)
    """))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = ROOT
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           "-c", os.devnull, str(probe)], cwd=tmp_path, env=env, capture_output=True, text=True)


def test_an_unreachable_service_is_skipped_locally(tmp_path):
    result = _run(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_an_unreachable_service_fails_the_run_under_ci(tmp_path):
    result = _run(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "under CI=true a missing service is a failure" in result.stdout
