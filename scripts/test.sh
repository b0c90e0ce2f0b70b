#!/usr/bin/env bash
# Set up (first time) and run the whole test suite, accuracy evaluations included.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
quotetrack rules check
python -m pytest "$@"
