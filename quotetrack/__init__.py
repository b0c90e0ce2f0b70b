"""quotetrack: who said what, and which casualty figures disagree, in news articles.

The library API (the CLI is a thin shell over it)::

    from quotetrack import run, extract_texts
    result = run("seeds/")           # a path or a list of paths: every table as a DataFrame
    result.tables["quotes"], result.tables["claims"], result.tables["disagreements"]
    result = extract_texts(df, text="body", id="url", published="date", outlet="source")
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quotetrack.models import (
        Article,
        Claim,
        Disagreement,
        EventGroup,
        Issue,
        Quote,
        QuoteMatch,
    )
    from quotetrack.pipeline.extractor import Extractor
    from quotetrack.pipeline.ingest import read_inputs
    from quotetrack.pipeline.runner import Result, build_tables, extract, extract_texts, run
    from quotetrack.rulebook.ruleset import load_ruleset
    from quotetrack.tables.reading import read_table

#: where each public name lives; imported on first use, so that ``quotetrack --help`` and
#: ``import quotetrack.cli`` do not load pandas and the pipeline.
_HOMES = {
    **dict.fromkeys(
        ("Article", "Claim", "Disagreement", "EventGroup", "Issue", "Quote", "QuoteMatch"),
        "quotetrack.models",
    ),
    "Extractor": "quotetrack.pipeline.extractor",
    "read_inputs": "quotetrack.pipeline.ingest",
    **dict.fromkeys(
        ("Result", "build_tables", "extract", "extract_texts", "run"), "quotetrack.pipeline.runner"
    ),
    "load_ruleset": "quotetrack.rulebook.ruleset",
    "read_table": "quotetrack.tables.reading",
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'quotetrack' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "Article",
    "Claim",
    "Disagreement",
    "EventGroup",
    "Extractor",
    "Issue",
    "Quote",
    "QuoteMatch",
    "Result",
    "build_tables",
    "extract",
    "extract_texts",
    "load_ruleset",
    "read_inputs",
    "read_table",
    "run",
]
__version__ = "0.1.0"
