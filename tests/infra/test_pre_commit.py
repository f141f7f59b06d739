"""The pre-commit hooks run the linters CI runs (tests/run.sh), from the repository's own installs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CI_LINTERS = (
    "ruff check",
    "ruff format --check",
    "mypy lambda/drs_orchestration local",
    "npm run --silent lint",
    "npm run --silent format:check",
    "npm run --silent check:api",
)


def hooks() -> list[dict[str, object]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_every_linter_ci_runs_is_a_hook() -> None:
    ci = (ROOT / "tests" / "run.sh").read_text()
    entries = [str(hook["entry"]) for hook in hooks()]

    for linter in CI_LINTERS:
        assert linter in ci, f"tests/run.sh no longer runs {linter!r}: update this list"
        assert any(linter in entry for entry in entries), f"no hook runs {linter!r}"
    assert any(entry.startswith(".venv/bin/cfn-lint") for entry in entries)


def test_hooks_fetch_nothing_and_use_the_repositorys_tools() -> None:
    for hook in hooks():
        assert hook["language"] == "system", hook["id"]
        command = shlex.split(str(hook["entry"]))[0]
        assert command == "bash" or re.match(r"^\.venv/bin/[\w-]+$", command), hook["id"]
        if command != "bash":  # a tool the pinned development requirements install
            assert command.split("/")[-1] in (ROOT / "requirements-dev.txt").read_text(), hook["id"]
