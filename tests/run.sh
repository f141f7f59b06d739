#!/usr/bin/env bash
# The project's one test command. On a fresh machine it installs everything it needs
# (Python virtual environments, npm packages, Debian tools) and runs every suite:
# lint and types, pytest (unit, integration, infra, e2e) and the console's checks and tests.
# Arguments are passed to pytest; with arguments, the console suite is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# Install a Debian package when its command is missing.
need_deb() {
  local command=$1 package=$2
  command -v "$command" >/dev/null 2>&1 && return 0
  step "installing $package (Debian)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${apt_updated:-}" ]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null
}

# Create or refresh a virtual environment when its requirement files changed.
venv_install() {
  local venv=$1
  shift
  local want
  want=$(cat "$@" pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ]; then
    step "creating virtual environment $(basename "$venv")"
    python3 -m venv "$venv"
  fi
  if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]; then
    step "installing Python dependencies into $(basename "$venv")"
    "$venv/bin/pip" install --quiet --upgrade pip
    local file
    for file in "$@"; do "$venv/bin/pip" install --quiet -r "$file"; done
    echo "$want" >"$venv/.installed"
  fi
}

need_deb shellcheck shellcheck
need_deb chromium chromium   # the console's browser tests drive Debian's Chromium
before=$(cat "$root/.venv/.installed" 2>/dev/null || true)
venv_install "$root/.venv" requirements-dev.txt requirements.txt   # the hash covers both files
if [ "$before" != "$(cat "$root/.venv/.installed")" ] || ! "$root/.venv/bin/pip" show --quiet drs-orchestration >/dev/null 2>&1; then
  "$root/.venv/bin/pip" install --quiet --no-deps -e .   # lambda/ and local/ packages, editable
fi
# checkov's dependencies clash with the project's pins: it lives in a venv of its own.
venv_install "$root/.venv-tools" tests/infra/requirements-checkov.txt
# The deploy/cleanup script tests drive the AWS CLI; its botocore clashes with our pins, so when the
# machine has no `aws` it gets a venv of its own.
if ! command -v aws >/dev/null 2>&1; then
  venv_install "$root/.venv-awscli" tests/infra/requirements-awscli.txt
  export PATH="$PATH:$root/.venv-awscli/bin"
fi
export PATH="$root/.venv/bin:$PATH"

step "ruff"
ruff check lambda local tests bench
ruff format --check lambda local tests bench

step "mypy (strict)"
mypy lambda/drs_orchestration local

if [ $# -eq 0 ] && [ -f frontend/package.json ]; then
  step "console: npm ci, lint, format, API types, typecheck, build, unit tests"
  (
    cd frontend
    if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.package-lock.json.installed; then
      npm ci --no-audit --no-fund --loglevel=error
      cp package-lock.json node_modules/.package-lock.json.installed
    fi
    npm run --silent lint
    npm run --silent format:check
    npm run --silent check:api
    npm run --silent build
    npm test --silent
  )
fi

step "pytest"
pytest -n 2 --dist loadgroup -q --durations=15 "$@"
