#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: the rules check, the style and type gate
# (ruff, mypy), and the tests, accuracy evaluations included.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
quotetrack rules check
bash scripts/lint.sh
python -m pytest "$@"
