"""The rule engine: the only code that reads rule files (TOML) and regex source.

``ruleset`` loads and validates ``rules/*.toml`` (pydantic schemas, examples checked), ``regex_cache``
compiles patterns once, ``keywords`` reads literals out of patterns and scans lexicons,
``scan`` pre-filters lexicon patterns, ``claim_rules`` holds the schemas of the claim rule files.
"""
