"""How much the fact check catches: every built article mutated by each operator of tests/mutations.py, and checked.

    .venv/bin/python benchmarks/mutations.py [--docs DIR] [--weeks N] [--store PATH] [--missed N]

The articles come from a built docs dir (content/ by default, as `python -m generator site`
writes it); with --weeks, from N weeks spread evenly over it. Prices, fund facts, phrasebook and
settings are read the way `python -m generator verify` reads them. It prints, per mutation class,
how many mutants the check caught out of how many, then the time taken. Every class should be
caught in full except `whitespace`, the negative control, which should be caught never. The exit
status is 0 whatever the figures; 2 when the inputs are missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def sampled_weeks(docs: Path, count: int | None) -> set[date] | None:
    """`count` week folders spread evenly over the docs dir's weeks, or None for all of them."""
    if count is None:
        return None
    weeks = sorted(date.fromisoformat(folder.name) for folder in (docs / "weeks").iterdir() if folder.is_dir())
    if count >= len(weeks):
        return set(weeks)
    step = (len(weeks) - 1) / max(count - 1, 1)
    return {weeks[round(i * step)] for i in range(count)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "content", help="a built docs dir (default: content/)")
    parser.add_argument("--weeks", type=int, help="check this many weeks, spread evenly over the archive (default: every week)")
    parser.add_argument("--store", type=Path, help="the price store the articles were written from (default: the bundled sample)")
    parser.add_argument("--missed", type=int, default=0, metavar="N", help="list up to N mutants per class the check got wrong")
    args = parser.parse_args()

    from mutations import NEGATIVE_CONTROLS, Archive, FactCheck, PriceTruth, combined, load_articles, measure

    from generator.config import load_settings
    from generator.errors import GeneratorError
    from generator.load import SAMPLE_STORE, read_store
    from generator.render import PHRASEBOOK_FILE, load_phrasebook
    from generator.universe import FUNDS_FILE, load_universe

    if not any((args.docs / "posts").glob("*.md")) or not (args.docs / "weeks").is_dir():
        print(f"{args.docs}: no built articles (posts/ and weeks/); build them first with `python -m generator site --no-build`")
        return 2
    started = time.perf_counter()
    try:
        tidy = read_store(ROOT / (args.store or SAMPLE_STORE))
        universe, phrasebook, settings = load_universe(ROOT / FUNDS_FILE), load_phrasebook(ROOT / PHRASEBOOK_FILE), load_settings(ROOT)
    except GeneratorError as error:
        print(error)
        return 2
    articles = load_articles(args.docs, PriceTruth(tidy), sampled_weeks(args.docs, args.weeks))
    archive = Archive.of(articles, universe, phrasebook, settings)
    fact_check = FactCheck(tidy, universe, phrasebook, settings)
    loaded = time.perf_counter()
    results = [measure(article, archive, fact_check) for article in articles]
    checked = time.perf_counter()

    failing = [(article, result.baseline) for article, result in zip(articles, results, strict=True) if result.baseline]
    tallies = combined(result for result in results if not result.baseline)
    weeks = len({article.week for article in articles})
    print(f"{len(articles) - len(failing)} articles of {weeks} weeks from {args.docs}\n")
    print(f"{'class':<12} {'caught':>7} {'total':>7} {'share':>7}  {'expected':<8}  note")
    for kind, tally in tallies.items():
        share = f"{tally.caught / tally.total:.0%}" if tally.total else "-"
        note = f"{tally.raised} only because the check raised an error" if tally.raised else ""
        print(f"{kind:<12} {tally.caught:>7} {tally.total:>7} {share:>7}  {'none' if kind in NEGATIVE_CONTROLS else 'all':<8}  {note}")
    print(f"\n{sum(t.total for t in tallies.values())} mutants checked in {checked - loaded:.1f} s (loading {loaded - started:.1f} s)")
    for article, problems in failing:
        print(f"not measured, the built article fails the fact check: {article.post}: {problems[0]}")
    if args.missed:
        for kind, tally in tallies.items():
            for line in tally.missed[: args.missed]:
                print(f"{'failed' if kind in NEGATIVE_CONTROLS else 'let through'} ({kind}): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
