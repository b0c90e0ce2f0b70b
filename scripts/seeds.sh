#!/usr/bin/env bash
# Set up (first time) and run quotetrack on the seed articles; the tables land in out/.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
quotetrack run seeds/ --out out/
echo "tables: $(pwd)/out/ (articles, quotes, claims, quote_matches, event_groups, disagreements, article_pairs, issues .csv)"
