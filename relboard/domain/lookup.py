"""Symptom → troubleshooting lookup, tolerant of typos and word order (rapidfuzz)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process, utils

from relboard.domain.plan import Troubleshooting

MIN_SCORE = 45.0
MAX_QUERY = 200


@dataclass(frozen=True)
class Match:
    entry: Troubleshooting
    score: float


class SymptomIndex:
    """Built once per plan; `search` is called on every (debounced) keystroke."""

    def __init__(self, entries: Sequence[Troubleshooting]) -> None:
        self.entries = list(entries)
        self._symptoms = [utils.default_process(e.symptom) for e in self.entries]

    def search(self, query: str, limit: int = 20) -> list[Match]:
        query = utils.default_process(query[:MAX_QUERY])
        if not query:
            return [Match(e, 100.0) for e in self.entries[:limit]]
        # WRatio (in C, over every symptom) finds candidates; re-ranking the few with word-level
        # scores puts "conector fail upgrade" on "Connector fails after upgrade", not on any
        # sentence that merely ends in "upgrade".
        candidates = process.extract(
            query,
            self._symptoms,
            scorer=fuzz.WRatio,
            processor=None,
            limit=max(limit * 3, 30),
            score_cutoff=MIN_SCORE,
        )
        scored = [
            (max(score, fuzz.partial_token_sort_ratio(query, symptom)) * 0.5 + fuzz.token_sort_ratio(query, symptom) * 0.5, index)
            for symptom, score, index in candidates
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [Match(self.entries[index], score) for score, index in scored[:limit]]


def related(symptom: str, texts: Sequence[str], cutoff: float = 70.0) -> list[int]:
    """Indexes of the texts (e.g. known issues) that mention the symptom."""
    wanted = utils.default_process(symptom)
    return [
        i
        for i, text in enumerate(texts)
        if fuzz.token_set_ratio(wanted, utils.default_process(text)) >= cutoff
        or fuzz.partial_ratio(utils.default_process(text), wanted) >= 90
    ]
