"""Rules regexes that cannot hang an extraction.

A backtracking engine (``re``, ``regex``) takes exponential time when a failing text can be matched
in exponentially many ways: ``(\\w+\\s?)+$`` splits a run of letters between the inner and the outer
repeat in 2^n ways before giving up. ``backtracking_problem`` finds such patterns statically, so the
loader refuses them whatever the machine's speed; ``TimedPattern`` matches with a time limit, for what
the check cannot see (backreferences, atomic groups, polynomial blow-ups on huge texts).

The check builds the position (Glushkov) automaton of the parsed pattern, keeping the number of ways
each transition can be taken, and looks for exponential ambiguity (Allauzen, Mohri, Rastogi 2008):
a transition taken in two ways on a cycle, or two different paths with the same text leaving a state
and coming back to it.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]  # what the engine itself backtracks over
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

from .errors import RulesError

MATCH_TIMEOUT = 10.0
"""Seconds one search of a rules pattern may take (the slowest shipped pattern needs milliseconds)."""

UNROLL_LIMIT = 10
"""Bounded repeats up to this many are checked as written; larger ones as unbounded (2^50 is not bounded)."""

MAX_POSITIONS = 1500
MAX_CYCLE = 100
MAX_STEPS = 1_000_000
"""Larger patterns (cycles of more positions, checks of more steps) are not checked, only timed."""

_REPRESENTATIVES = "aAzZ0_9 \t\n\r!.,;:-/()'\"éàÈß\u00a0\u2013€§"
"""Characters standing for the classes a pattern may use, besides its own literals and range ends."""

Matcher = Callable[[str], bool]


@dataclass
class _Fragment:
    """Part of a pattern: ways it matches the empty text; its first and last positions, each with the
    number of ways to reach it (capped at 2: only 'more than one' matters)."""

    empty: int
    first: Counter[int] = field(default_factory=Counter)
    last: Counter[int] = field(default_factory=Counter)


def _cap(counter: Counter[int]) -> Counter[int]:
    return Counter({key: min(count, 2) for key, count in counter.items()})


def _category(code: Any) -> Matcher:
    tests: dict[Any, Matcher] = {
        sre.CATEGORY_DIGIT: str.isdecimal, sre.CATEGORY_SPACE: str.isspace,
        sre.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    }
    negated = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
               sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD}
    if code in negated:
        test = tests[negated[code]]
        return lambda ch: not test(ch)
    return tests.get(code, lambda ch: True)


class _Automaton:
    """The positions of one (sub)pattern, what each matches, and the counted transitions between them."""

    def __init__(self) -> None:
        self.matchers: list[Matcher] = []
        self.follow: dict[int, Counter[int]] = {}
        self.chars: set[str] = set()
        self.lookaheads: list[tuple[Any, bool]] = []

    # -- building ---------------------------------------------------------------------------------------

    def sequence(self, items: Any, icase: bool) -> _Fragment:
        result = _Fragment(empty=1)
        for op, av in items:
            result = self._concat(result, self.item(op, av, icase))
        return result

    def item(self, op: Any, av: Any, icase: bool) -> _Fragment:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.CATEGORY):
            return self._position(self._matcher(op, av), icase)
        if op == sre.SUBPATTERN:
            _group, add, remove, items = av
            return self.sequence(items, (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
        if op == sre.BRANCH:
            return self._union([self.sequence(items, icase) for items in av[1]])
        if op == sre.GROUPREF_EXISTS:
            _group, yes, no = av
            return self._union([self.sequence(yes, icase), self.sequence(no or [], icase)])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, items = av
            if op == sre.POSSESSIVE_REPEAT:
                return self._opaque([(sre.MAX_REPEAT, av)], icase)
            return self._repeat(low, high, lambda: self.sequence(items, icase))
        if op == sre.ATOMIC_GROUP:
            return self._opaque(av, icase)
        if op in (sre.ASSERT, sre.ASSERT_NOT) and av[0] == 1:
            self.lookaheads.append((av[1], icase))  # it backtracks too: checked on its own
        return _Fragment(empty=1)  # anchors, lookarounds, backreferences: no text of their own

    def _matcher(self, op: Any, av: Any) -> Matcher:
        if op == sre.LITERAL:
            self.chars.add(chr(av))
            return lambda ch: ord(ch) == av
        if op == sre.NOT_LITERAL:
            self.chars.add(chr(av))
            return lambda ch: ord(ch) != av
        if op == sre.ANY:
            return lambda ch: ch != "\n"
        if op == sre.CATEGORY:
            return _category(av)
        negate = bool(av) and av[0][0] == sre.NEGATE
        parts = [self._set_member(kind, value) for kind, value in av if kind != sre.NEGATE]
        return lambda ch: any(part(ch) for part in parts) != negate

    def _set_member(self, kind: Any, value: Any) -> Matcher:
        if kind == sre.RANGE:
            low, high = value
            self.chars.update((chr(low), chr(high)))
            return lambda ch: low <= ord(ch) <= high
        return self._matcher(kind, value)

    def _position(self, matcher: Matcher, icase: bool) -> _Fragment:
        if len(self.matchers) >= MAX_POSITIONS:
            raise _TooLarge
        if icase:
            exact = matcher
            matcher = lambda ch: any(exact(v) for v in {ch, ch.lower(), ch.upper()} if len(v) == 1)
        self.matchers.append(matcher)
        index = len(self.matchers) - 1
        self.follow[index] = Counter()
        return _Fragment(empty=0, first=Counter({index: 1}), last=Counter({index: 1}))

    def _opaque(self, items: Any, icase: bool) -> _Fragment:
        """An atomic group or possessive repeat never gives text back: one position matching what it can."""
        inner = _Automaton()
        body = inner.sequence(items, icase)
        self.chars |= inner.chars
        position = self._position(lambda ch: any(m(ch) for m in inner.matchers), icase=False)
        return self._union([position, _Fragment(empty=1)]) if body.empty else position

    def _concat(self, left: _Fragment, right: _Fragment) -> _Fragment:
        self._link(left.last, right.first)
        return _Fragment(empty=min(left.empty * right.empty, 2),
                         first=_cap(left.first + _scaled(right.first, left.empty)),
                         last=_cap(right.last + _scaled(left.last, right.empty)))

    def _union(self, parts: list[_Fragment]) -> _Fragment:
        result = _Fragment(empty=0)
        for part in parts:
            result = _Fragment(empty=min(result.empty + part.empty, 2), first=_cap(result.first + part.first),
                               last=_cap(result.last + part.last))
        return result

    def _repeat(self, low: int, high: int, body: Callable[[], _Fragment]) -> _Fragment:
        if high == sre.MAXREPEAT or high > UNROLL_LIMIT:
            loop = body()
            self._link(loop.last, loop.first)
            return loop if low else _Fragment(empty=1, first=loop.first, last=loop.last)
        result = _Fragment(empty=1)
        for count in range(high):
            copy = body()
            result = self._concat(result, copy if count < low else self._union([copy, _Fragment(empty=1)]))
        return result

    def _link(self, sources: Counter[int], targets: Counter[int]) -> None:
        for source, ways in sources.items():
            for target, more in targets.items():
                self.follow[source][target] = min(self.follow[source][target] + ways * more, 2)

    # -- checking ---------------------------------------------------------------------------------------

    def masks(self) -> tuple[list[int], str]:
        """Each position's characters as a bit mask over the alphabet, and the alphabet (most readable first)."""
        alphabet = _REPRESENTATIVES + "".join(sorted(self.chars - set(_REPRESENTATIVES)))
        masks = [sum(1 << bit for bit, ch in enumerate(alphabet) if matcher(ch)) for matcher in self.matchers]
        return masks, alphabet

    def ambiguous_text(self) -> str | None:
        """Text that a cycle of the automaton reads in two ways (each repetition doubles the ways), if any."""
        masks, alphabet = self.masks()
        for component in _components(list(self.follow), self.follow.__getitem__):
            inside = set(component)
            if len(inside) > MAX_CYCLE:
                raise _TooLarge
            cycle = self._doubled_transition(inside, masks) or self._diverging_cycle(inside, masks)
            if cycle:
                return "".join(_sample(mask, alphabet) for mask in cycle)
        return None

    def _doubled_transition(self, inside: set[int], masks: list[int]) -> list[int]:
        """What a cycle through a transition taken in two ways reads, as masks ([]: there is none)."""
        for source in inside:
            for target, ways in self.follow[source].items():
                if target in inside and ways > 1:
                    path = _path(target, source, lambda p: (q for q in self.follow[p] if q in inside))
                    return [masks[p] for p in path]
        return []

    def _diverging_cycle(self, inside: set[int], masks: list[int]) -> list[int]:
        """What two different paths read when they leave a state of ``inside`` and come back to it, as
        masks ([]: there are none): a component of the product automaton holding (p, p) and (q, r)."""
        steps = 0

        def successors(pair: tuple[int, int]) -> Iterator[tuple[int, int]]:
            nonlocal steps
            steps += len(self.follow[pair[0]]) * len(self.follow[pair[1]])
            if steps > MAX_STEPS:
                raise _TooLarge
            for one in self.follow[pair[0]]:
                for two in self.follow[pair[1]]:
                    if one in inside and two in inside and masks[one] & masks[two]:
                        yield one, two

        for component in _components([(p, p) for p in inside], successors):
            same = next((pair for pair in component if pair[0] == pair[1]), None)
            apart = next((pair for pair in component if pair[0] != pair[1]), None)
            if same and apart:
                return [masks[a] & masks[b] for a, b in _round_trip(same, apart, successors, set(component))]
        return []


class _TooLarge(Exception):
    pass


def _scaled(counter: Counter[int], factor: int) -> Counter[int]:
    return Counter({key: count * factor for key, count in counter.items()}) if factor else Counter()


def _sample(mask: int, alphabet: str) -> str:
    return next((ch for bit, ch in enumerate(alphabet) if mask >> bit & 1), "?")


def _path(start: Any, goal: Any, successors: Callable[[Any], Iterator[Any]]) -> list[Any]:
    """A shortest path from ``start`` to ``goal``, both included (the goal is reachable: same component)."""
    if start == goal:
        return [start]
    previous: dict[Any, Any] = {start: None}
    queue = deque([start])
    while goal not in previous:
        node = queue.popleft()
        for other in successors(node):
            if other not in previous:
                previous[other] = node
                queue.append(other)
    path = [goal]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def _round_trip(start: Any, via: Any, successors: Callable[[Any], Iterator[Any]], members: set[Any]) -> list[Any]:
    """The nodes entered on a shortest cycle from ``start`` through ``via`` back to ``start``, in ``members``."""
    def within(node: Any) -> Iterator[Any]:
        return (other for other in successors(node) if other in members)

    return _path(start, via, within)[1:] + _path(via, start, within)[1:]


def _components(starts: list[Any], successors: Callable[[Any], Any]) -> Iterator[list[Any]]:
    """Strongly connected components (with a cycle) of the graph reachable from ``starts`` (Tarjan,
    iterative: patterns may nest deeply)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    for start in starts:
        if start in index:
            continue
        work = [(start, iter(list(successors(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(list(successors(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in set(successors(node)):
                    yield component


@lru_cache(maxsize=1024)
def backtracking_problem(pattern: str, ignorecase: bool = True) -> str | None:
    """Why matching ``pattern`` can take exponential time, or None. Raises ``re.error`` if it is invalid."""
    parsed = sre_parse.parse(pattern, re.IGNORECASE if ignorecase else 0)
    pending = [(parsed, bool(parsed.state.flags & re.IGNORECASE))]
    while pending:
        items, icase = pending.pop()
        automaton = _Automaton()
        try:
            automaton.sequence(items, icase)
            text = automaton.ambiguous_text()
        except _TooLarge:
            return None
        if text is not None:
            return (f"a repeat can match a text like {(text * 3)[:24]!r} in exponentially many ways (a repeat "
                    "inside a repeat, or alternatives that overlap under one), so a line that almost matches "
                    "takes forever; make the parts exclusive, e.g. '\\w+(?:\\s+\\w+)*' for '(\\w+\\s?)+'")
        pending += automaton.lookaheads
    return None


# -- matching with a time limit ---------------------------------------------------------------------------

_ORIGINS: dict[str, str] = {}


def record_origins(origins: Mapping[str, str]) -> None:
    """Remember where patterns were written ('FILE: key K'), for the message of a timeout."""
    _ORIGINS.update(origins)


class TimedPattern:
    """A compiled rules regex whose every search gives up after ``MATCH_TIMEOUT`` seconds with a
    ``RulesError`` naming the pattern (and its file and key when known). Same methods as ``re.Pattern``."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = regex.IGNORECASE | regex.UNICODE) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled = regex.compile(pattern, flags | regex.VERSION0)

    def __reduce__(self) -> tuple[type[TimedPattern], tuple[str, int]]:
        return TimedPattern, (self.pattern, self.flags)

    def __repr__(self) -> str:
        return f"TimedPattern({self.pattern!r})"

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self._compiled.groupindex

    @property
    def groups(self) -> int:
        return self._compiled.groups

    def search(self, string: str, *args: int) -> Any:
        return self._timed(self._compiled.search, string, *args)

    def match(self, string: str, *args: int) -> Any:
        return self._timed(self._compiled.match, string, *args)

    def fullmatch(self, string: str, *args: int) -> Any:
        return self._timed(self._compiled.fullmatch, string, *args)

    def findall(self, string: str, *args: int) -> list[Any]:
        return self._timed(self._compiled.findall, string, *args)

    def finditer(self, string: str, *args: int) -> Iterator[Any]:
        try:
            yield from self._compiled.finditer(string, *args, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(string) from None

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        try:
            return self._compiled.sub(repl, string, count, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(string) from None

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self._timed(self._compiled.split, string, maxsplit)

    def _timed(self, method: Callable[..., Any], string: str, *args: int) -> Any:
        try:
            return method(string, *args, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(string) from None

    def _timeout(self, string: str) -> RulesError:
        where = _ORIGINS.get(self.pattern, "rules")
        return RulesError(f"{where}: regular expression {self.pattern!r} gave up after {MATCH_TIMEOUT:g} s on a "
                          f"text of {len(string)} characters (catastrophic backtracking): simplify it")
