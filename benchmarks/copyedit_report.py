"""Copy-editing faults over a generated archive: how many sentences break each rule of generator/verify/style.py.

    .venv/bin/python benchmarks/copyedit_report.py [--posts DIR] [--examples N]

The posts come from a generated docs dir (content/posts by default, as `python -m generator site`
writes it). It prints, per rule, the faulty sentences and the articles they sit in, with up to N
examples each. Every count should be 0. The exit status is 0 whatever the counts; 2 when there
are no posts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def main() -> int:
    from generator.render import PHRASEBOOK_FILE, load_phrasebook
    from generator.verify.style import prose, rules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=Path, default=ROOT / "content" / "posts", help="a folder of articles (default: content/posts)")
    parser.add_argument("--examples", type=int, default=2, help="faulty sentences to print per rule (default: 2)")
    args = parser.parse_args()
    posts = sorted(args.posts.glob("*.md"))
    if not posts:
        print(f"no articles in {args.posts}", file=sys.stderr)
        return 2
    checks = rules(load_phrasebook(ROOT / PHRASEBOOK_FILE))
    faults: dict[str, list[tuple[str, str]]] = {name: [] for name in checks}
    for post in posts:
        sentences = prose(post.read_text(encoding="utf-8"))
        for name, rule in checks.items():
            faults[name] += [(post.name, sentence) for sentence in rule(sentences)]
    print(f"{len(posts)} articles in {args.posts}")
    print(f"{'rule':<20} {'sentences':>9} {'articles':>9}")
    for name, found in faults.items():
        print(f"{name:<20} {len(found):>9} {len({post for post, _ in found}):>9}")
    for name, found in faults.items():
        for post, sentence in found[: args.examples]:
            print(f"  {name}: {post}: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
