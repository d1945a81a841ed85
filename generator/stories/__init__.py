"""Story stage: from a week's fund facts, the stories the numbers support and which one leads.

Each story type is one module here and one `StoryType` record in `REGISTRY`: a typed story
model holding the figures its template needs (derived comparisons included, so templates do no
arithmetic), an `angle` that picks the headline and opening, and a newsworthiness score. The
command line, the blog categories, `check`, the methodology page and the tests all read the
registry, so adding a story touches its own module, template and phrasebook section only. The
rule for which story leads is documented on the methodology page: the highest score leads; on a
tie, the story registered first.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, SerializeAsAny

from ..calendar import Window
from ..config import Settings
from ..facts import EventFact, Fact, FundFacts
from . import bonds, drawdown, havens, international, leveraged, market, sectors, small_caps
from .base import Story, StoryType, honest_ratio
from .drawdown import DrawdownStory
from .leveraged import Decay, LeveragedStory
from .sectors import SectorsStory
from .small_caps import SmallCapsStory, small_caps_story

REGISTRY: tuple[StoryType, ...] = (
    market.STORY,
    small_caps.STORY,
    sectors.STORY,
    drawdown.STORY,
    leveraged.STORY,
    bonds.STORY,
    havens.STORY,
    international.STORY,
)
"""Every story type, in tie-break order."""
STORY_TYPES: dict[str, StoryType] = {story.name: story for story in REGISTRY}
STORY_NAMES: tuple[str, ...] = tuple(STORY_TYPES)
StoryName = str
"""A registered story type's name (one of `STORY_NAMES`)."""

__all__ = [
    "REGISTRY",
    "STORY_NAMES",
    "STORY_TYPES",
    "Decay",
    "DrawdownStory",
    "LeveragedStory",
    "SectorsStory",
    "SmallCapsStory",
    "Story",
    "StoryName",
    "StoryScore",
    "StoryType",
    "WeekFacts",
    "honest_ratio",
    "rank",
    "small_caps_story",
    "week_facts",
]


class StoryScore(Fact):
    name: StoryName
    score: float


class WeekFacts(Fact):
    """Everything one week's articles may say, and why the lead story leads."""

    as_of: date
    window: Window
    data_through: date
    """The newest session in the data the article was written from."""
    source: str
    funds: dict[str, FundFacts]
    events: list[EventFact] = Field(default_factory=list)
    """The week's events from the editors' events file, the most newsworthy first: named as context, never as cause."""
    upcoming: list[EventFact] = Field(default_factory=list)
    """Scheduled events of the days ahead, for the forward look."""
    stories: dict[StoryName, SerializeAsAny[Story]] = Field(default_factory=dict)
    """Each story the week's data supports, by name."""
    ranking: list[StoryScore] = Field(default_factory=list)
    """Every story with its score, the lead first."""
    published: list[StoryName] = Field(default_factory=list)
    """The lead, and up to two more stories whose score reaches `second_story_score`."""

    @property
    def lead(self) -> StoryName:
        return self.ranking[0].name

    def story(self, name: StoryName) -> Story:
        return self.stories[name]


def rank(found: list[Story]) -> list[StoryScore]:
    """Stories by score, highest first; ties keep the registry's order."""
    order = {name: position for position, name in enumerate(STORY_NAMES)}
    ordered = sorted(found, key=lambda story: (-round(story.score, 9), order[story.name]))
    return [StoryScore(name=story.name, score=story.score) for story in ordered]


def week_facts(
    funds: dict[str, FundFacts],
    window: Window,
    data_through: date,
    source: str,
    settings: Settings,
    events: list[EventFact] | None = None,
    upcoming: list[EventFact] | None = None,
) -> WeekFacts:
    found = {story.name: story.build(funds, settings) for story in REGISTRY}
    supported = {name: story for name, story in found.items() if story is not None}
    ranking = rank(list(supported.values()))
    others = [score.name for score in ranking[1:] if score.score >= settings.thresholds.second_story_score][:2]
    return WeekFacts(
        as_of=window.end,
        window=window,
        data_through=data_through,
        source=source,
        funds=funds,
        events=events or [],
        upcoming=upcoming or [],
        stories=supported,
        ranking=ranking,
        published=[ranking[0].name, *others] if ranking else [],
    )
