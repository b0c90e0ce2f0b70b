"""``python -m quotetrack``: the same as the ``quotetrack`` command."""

from quotetrack.cli import main

main()
