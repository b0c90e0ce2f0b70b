"""The rule engine: the only code that reads rule files (TOML) and regex source.

``ruleset`` loads and validates ``rules/*.toml`` (pydantic schemas, examples checked),
``contract`` declares what the code looks up in each file by name, ``regex_cache`` compiles
patterns once, ``source`` is the one reader of regex source, ``keywords`` reads literals out of
patterns and scans lexicons, ``scan`` pre-filters lexicon patterns, ``shortcuts`` says which
speed shortcuts the rules allow, ``claim_rules`` holds the schemas of the claim rule files.
"""
