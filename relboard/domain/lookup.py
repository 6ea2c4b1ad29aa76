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

    # Past this many symptoms a full WRatio pass per keystroke gets slow: go through the words.
    WORD_INDEX_FROM = 500

    def __init__(self, entries: Sequence[Troubleshooting]) -> None:
        self.entries = list(entries)
        self._symptoms = [utils.default_process(e.symptom) for e in self.entries]
        self._postings: dict[str, list[int]] = {}
        if len(self.entries) >= self.WORD_INDEX_FROM:
            for index, symptom in enumerate(self._symptoms):
                for word in set(symptom.split()):
                    self._postings.setdefault(word, []).append(index)
        self._vocabulary = list(self._postings)

    def _candidates(self, query: str, wanted: int) -> list[tuple[str, float, int]]:
        if not self._postings:
            return process.extract(
                query, self._symptoms, scorer=fuzz.WRatio, processor=None, limit=wanted, score_cutoff=MIN_SCORE
            )
        # Each query word finds the words it resembles (typos forgiven), each word its symptoms;
        # the symptoms that gather most of the query's words are scored in full.
        votes: dict[int, float] = {}
        for word in query.split()[:12]:
            for _, score, at in process.extract(word, self._vocabulary, scorer=fuzz.ratio, limit=25, score_cutoff=70):
                for index in self._postings[self._vocabulary[at]]:
                    votes[index] = votes.get(index, 0.0) + score
        best = sorted(votes, key=lambda index: (-votes[index], index))[: wanted * 2]
        scored = ((self._symptoms[i], fuzz.WRatio(query, self._symptoms[i]), i) for i in best)
        return [item for item in scored if item[1] >= MIN_SCORE]

    def search(self, query: str, limit: int = 20) -> list[Match]:
        query = utils.default_process(query[:MAX_QUERY])
        if not query:
            return [Match(e, 100.0) for e in self.entries[:limit]]
        # WRatio (in C, over every symptom) finds candidates; re-ranking the few with word-level
        # scores puts "conector fail upgrade" on "Connector fails after upgrade", not on any
        # sentence that merely ends in "upgrade".
        candidates = self._candidates(query, max(limit * 3, 30))
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
