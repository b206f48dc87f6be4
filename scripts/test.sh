#!/usr/bin/env bash
# The whole test suite, from a clean clone: a fresh virtualenv, the package with
# its test extras, ruff, mypy, and pytest with coverage (fails under 90%), one worker per
# core (pytest-xdist; a test file stays on one worker, so its module fixtures run once).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e '.[test]'
echo "== ruff"
"$VENV/bin/ruff" check .
echo "== mypy"
"$VENV/bin/mypy"
echo "== pytest"
"$VENV/bin/python" -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile --cov --cov-report=term "$@"
