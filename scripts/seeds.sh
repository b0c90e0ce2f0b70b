#!/usr/bin/env bash
# Set up (first time) and run quotetrack on the seed articles; the tables land in out/.
# Installs quotetrack and what it needs to run, without the test tools (scripts/test.sh adds them).
QUOTETRACK_EXTRAS="" . "$(dirname "${BASH_SOURCE[0]}")/env.sh"
quotetrack run seeds/ --out out/
echo "tables: $(pwd)/out/ (articles, quotes, claims, quote_matches, event_groups, disagreements, article_pairs, incidents, issues .csv)"
