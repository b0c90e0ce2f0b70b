"""Spotting CSV rows that an unterminated quote merged into one record.

A quote that is never closed makes the reader take every following line, up to the end of the
file, into one field. Such a field runs to the end of the file and holds lines shaped like rows
of the header's width; ``swallowed_rows`` counts them so that ingest can report the record.
"""

from __future__ import annotations

import csv


def swallowed_rows(row: list[str], width: int) -> int:
    """How many lines inside ``row``'s fields (after a field's first line) parse as CSV rows of
    ``width`` fields with a non-empty first cell."""
    count = 0
    for field in row:
        if "\n" not in field:
            continue
        for line in field.split("\n")[1:]:
            if not line.strip():
                continue
            try:
                cells = next(csv.reader([line]))
            except (csv.Error, StopIteration):
                continue
            count += len(cells) == width and bool(cells[0].strip())
    return count
