# Sourced by the other scripts: make (once) and activate the project's virtual environment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${QUOTETRACK_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
# shellcheck disable=SC1091
. "$VENV/bin/activate"
# QUOTETRACK_EXTRAS: the optional dependencies to install too (default: test; "" for none)
EXTRAS="${QUOTETRACK_EXTRAS-test}"
hash="$(sha1sum pyproject.toml | cut -c1-12)"
stamp="$VENV/.installed-$hash"
# a set-up with the test extras holds everything a plain one needs
if [ ! -f "$stamp" ] && { [ -n "$EXTRAS" ] || [ ! -f "$VENV/.installed-run-$hash" ]; }; then
  python -m pip install --quiet --disable-pip-version-check --upgrade pip
  python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
  [ -n "$EXTRAS" ] && touch "$stamp" || touch "$VENV/.installed-run-$hash"
fi
