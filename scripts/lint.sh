#!/usr/bin/env bash
# Style and type gate: ruff (lint and format) and mypy, as configured in pyproject.toml.
# Run by scripts/test.sh (and so by CI) before the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then
  . .venv/bin/activate
fi
ruff check .
ruff format --check .
mypy
