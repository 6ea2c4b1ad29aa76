"""Symptom → troubleshooting lookup, tolerant of typos and word order (rapidfuzz)."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from msgspec import Struct
from rapidfuzz import fuzz, process, utils

from relboard.domain.plan import Troubleshooting

MIN_SCORE = 45.0
RESULTS = 20  # matches shown for a query
MAX_QUERY = 200
MAX_QUERY_WORDS = 12


class Match(Struct, frozen=True):
    entry: Troubleshooting
    score: float


class SymptomIndex:
    """Built once per plan; `search` is called on every (debounced) keystroke."""

    # Past this many symptoms a full WRatio pass per keystroke gets slow: go through the words.
    WORD_INDEX_FROM = 500
    # A word found in fewer symptoms keeps a list of them instead of a bit set as long as the index.
    _SET_FROM = 32

    def __init__(self, entries: Sequence[Troubleshooting]) -> None:
        self.entries = list(entries)
        self._symptoms = [utils.default_process(e.symptom) for e in self.entries]
        # Word index: symptoms are numbered shortest first, so that a bit's position is a length rank
        # and the symptoms nearest the query's length are found by walking out from one position.
        self._order: list[int] = []
        self._lengths: list[int] = []
        self._words: dict[str, int | tuple[int, ...]] = {}
        self._vocabulary: list[str] = []
        self._sorted_vocabulary: list[str] = []
        # What token_sort_ratio and partial_token_sort_ratio compare: the words in sorted order.
        self._tokens = [" ".join(sorted(symptom.split())) for symptom in self._symptoms]
        if len(self.entries) >= self.WORD_INDEX_FROM:
            self._build_word_index()

    def _build_word_index(self) -> None:
        self._order = sorted(range(len(self._symptoms)), key=lambda i: (len(self._symptoms[i]), i))
        self._lengths = [len(self._symptoms[i]) for i in self._order]
        postings: dict[str, list[int]] = {}
        for rank, index in enumerate(self._order):
            for word in set(self._symptoms[index].split()):
                postings.setdefault(word, []).append(rank)
        for word, ranks in postings.items():
            if len(ranks) < self._SET_FROM:
                self._words[word] = tuple(ranks)
                continue
            digits = bytearray(b"0") * len(self._order)
            for rank in ranks:
                digits[rank] = 49  # "1"
            self._words[word] = int(digits[::-1], 2)
        self._vocabulary = list(self._words)
        self._sorted_vocabulary = sorted(self._vocabulary)

    def _word_set(self, word: str) -> int:
        """The symptoms holding a word like this one: typos forgiven, a half-typed word completed."""
        similar = process.extract(word, self._vocabulary, scorer=fuzz.ratio, limit=25, score_cutoff=70)
        alike = {self._vocabulary[at] for _, _, at in similar}
        at = bisect_left(self._sorted_vocabulary, word)
        while at < len(self._sorted_vocabulary) and self._sorted_vocabulary[at].startswith(word):
            alike.add(self._sorted_vocabulary[at])
            at += 1
        found = 0
        for known in alike:
            held = self._words[known]
            if isinstance(held, int):
                found |= held
            else:
                for rank in held:
                    found |= 1 << rank
        return found

    def _nearest(self, ranks: int, length: int) -> Iterator[int]:
        """The ranks in a bit set, those whose symptom's length is nearest `length` first."""
        pivot = bisect_left(self._lengths, length)
        above, below = ranks >> pivot, ranks & ((1 << pivot) - 1)
        up = down = -1
        while True:
            if up < 0 and above:
                low = above & -above
                above ^= low
                up = pivot + low.bit_length() - 1
            if down < 0 and below:
                down = below.bit_length() - 1
                below ^= 1 << down
            if up < 0 and down < 0:
                return
            if down < 0 or (up >= 0 and self._lengths[up] - length <= length - self._lengths[down]):
                yield up
                up = -1
            else:
                yield down
                down = -1

    def _candidates(self, query: str, wanted: int) -> list[tuple[int, float | None]]:
        """(index, WRatio if already known) of the symptoms worth scoring in full."""
        if not self._words:
            ranked = process.extract(
                query, self._symptoms, scorer=fuzz.WRatio, processor=None, limit=wanted, score_cutoff=MIN_SCORE
            )
            return [(index, weighted) for _, weighted, index in ranked]
        words = list(dict.fromkeys(query.split()))[:MAX_QUERY_WORDS]
        # at_least[k]: the symptoms holding k or more of the query's words (or words like them).
        at_least = [-1]
        for word in words:
            found = self._word_set(word)
            if not found:
                continue
            at_least.append(0)
            for k in range(len(at_least) - 1, 0, -1):
                at_least[k] |= at_least[k - 1] & found
        at_least[0] = 0
        # The full score rewards sharing a word at all (WRatio's partial token ratio is 100 as soon as
        # one word is shared), then holding more of them and being about as long as the query: pick
        # the symptoms that promise most (a short sentence holding two of three words can beat a long
        # one holding all three) and score only those in full.
        length, heap = len(query), []
        for held in range(len(at_least) - 1, 0, -1):
            exactly = at_least[held] & ~at_least[held + 1] if held + 1 < len(at_least) else at_least[held]
            walk = self._nearest(exactly, length)
            first = next(walk, None)
            if first is not None:
                heap.append((-self._promise(held / len(words), length, first), first, held, walk))
        heapq.heapify(heap)
        chosen: list[int] = []
        while heap and len(chosen) < wanted:
            _, rank, held, walk = heap[0]
            chosen.append(self._order[rank])
            following = next(walk, None)
            if following is None:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (-self._promise(held / len(words), length, following), following, held, walk))
        return [(index, None) for index in chosen]

    def _promise(self, share: float, length: int, rank: int) -> float:
        # A rough guess at the full score: one for sharing a word, plus the share of the query's words
        # held times the token sort ratio's best case for a symptom of this length.
        other = self._lengths[rank]
        return 1 + share * 2 * min(length, other) / (length + other)

    def search(self, query: str, limit: int = RESULTS) -> list[Match]:
        query = utils.default_process(query[:MAX_QUERY])
        if not query:
            return [Match(e, 100.0) for e in self.entries[:limit]]
        # WRatio (a small list) or the word index (a large one) finds candidates; re-ranking them with
        # word-level scores puts "conector fail upgrade" on "Connector fails after upgrade", not on any
        # sentence that merely ends in "upgrade".
        candidates = self._candidates(query, max(limit * 3, 30))
        return [Match(self.entries[index], score) for score, index in self._rank(query, candidates, limit)]

    def _rank(self, query: str, candidates: list[tuple[int, float | None]], limit: int) -> list[tuple[float, int]]:
        """The best `limit` candidates by max(WRatio, partial token sort) / 2 + token sort / 2, best first;
        a candidate whose WRatio is under MIN_SCORE is left out."""
        if limit <= 0:
            return []
        tokens = " ".join(sorted(query.split()))
        bounded = []
        for index, weighted in candidates:
            if weighted is None:
                weighted = _weighted(query, self._symptoms[index])
                if weighted < MIN_SCORE:
                    continue
            theirs = self._tokens[index]
            sort_ratio = fuzz.ratio(tokens, theirs)
            ceiling = max(weighted, _partial_ceiling(tokens, theirs, sort_ratio))
            bounded.append((ceiling * 0.5 + sort_ratio * 0.5, index, weighted, sort_ratio))
        # The partial ratio of two long strings is the costly part: going from the highest ceiling
        # down, it is computed only while a candidate could still enter the results.
        bounded.sort(key=lambda item: (-item[0], item[1]))
        best: list[tuple[float, int]] = []  # a heap of (score, -index): its head is the weakest kept
        for ceiling, index, weighted, sort_ratio in bounded:
            if len(best) == limit and ceiling < best[0][0]:
                break
            if ceiling > weighted * 0.5 + sort_ratio * 0.5:
                weighted = max(weighted, fuzz.partial_ratio(tokens, self._tokens[index]))
            item = (weighted * 0.5 + sort_ratio * 0.5, -index)
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
        return sorted(((score, -negative) for score, negative in best), key=lambda pair: (-pair[0], pair[1]))


def _weighted(query: str, symptom: str) -> float:
    """fuzz.WRatio, leaving out its costly partial_ratio where that cannot change the result."""
    shorter, longer = sorted((len(query), len(symptom)))
    # rapidfuzz aligns a shorter string of up to 64 characters in one pass; past that partial_ratio
    # costs ~0.1 ms a pair, which a pasted paragraph pays on every candidate.
    if shorter <= 64 or longer / shorter < 1.5:
        return fuzz.WRatio(query, symptom, score_cutoff=MIN_SCORE)
    # WRatio for strings of unequal length, as rapidfuzz documents it: the best of the plain ratio,
    # the partial ratio and the partial token ratio, the partial ones scaled down (more past 8x).
    scale = 0.9 if longer / shorter < 8 else 0.6
    plain = fuzz.ratio(query, symptom)
    best = max(plain, fuzz.partial_token_ratio(query, symptom, score_cutoff=plain / (0.95 * scale)) * 0.95 * scale)
    if _partial_ceiling(query, symptom, plain) * scale > best:
        best = max(best, fuzz.partial_ratio(query, symptom) * scale)
    return best


def _partial_ceiling(one: str, other: str, plain_ratio: float) -> float:
    """The most partial_ratio(one, other) can be, given ratio(one, other).

    partial_ratio aligns the shorter string with a stretch of the longer one, so it matches no more
    characters than the common subsequence of the whole strings, which the plain ratio gives."""
    shorter = min(len(one), len(other))
    common = plain_ratio * (len(one) + len(other)) / 200
    return min(100.0, 200 * common / (shorter + common) + 0.01) if shorter + common else 0.0


def related(symptom: str, texts: Sequence[str], cutoff: float = 70.0) -> list[int]:
    """Indexes of the texts (e.g. known issues) that mention the symptom."""
    wanted = utils.default_process(symptom)
    # Two passes in C over the texts (the board shows this for its first symptom as it opens, over every
    # known issue of the window).
    found = {
        i
        for _, _, i in process.extract_iter(
            wanted, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process, score_cutoff=cutoff
        )
    }
    found.update(
        i
        for _, _, i in process.extract_iter(
            wanted, texts, scorer=fuzz.partial_ratio, processor=utils.default_process, score_cutoff=90
        )
    )
    return sorted(found)
