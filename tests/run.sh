#!/usr/bin/env bash
# The project's one test command. On a fresh machine it creates the virtual environment,
# installs every pinned dependency and runs every suite: lint, types, and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv="$root/.venv"
stamp="$venv/.installed"
want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)

if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating virtual environment in .venv"
  python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python dependencies"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r requirements-dev.txt
  "$venv/bin/pip" install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"

echo "==> ruff"
ruff check lambda local tests bench
ruff format --check lambda local tests bench

echo "==> mypy (strict)"
mypy lambda/drs_orchestration local

echo "==> pytest"
pytest -n 2 -q "$@"
