"""quotetrack: who said what, and which casualty figures disagree, in news articles.

The library API (the CLI is a thin shell over it)::

    from quotetrack import run, extract_texts
    result = run("seeds/")           # a path or a list of paths: every table as a DataFrame
    result.tables["quotes"], result.tables["claims"], result.tables["disagreements"]
    result = extract_texts(df, text="body", id="url", published="date", outlet="source")
"""

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
