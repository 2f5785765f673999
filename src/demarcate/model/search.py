"""Answer "who is responsible for X?" by ranking the model's duties against a question."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from demarcate.model.schema import Duty, Model, Service

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "be",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "does",
        "do",
        "did",
        "i",
        "we",
        "you",
        "my",
        "our",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "with",
        "by",
        "at",
        "from",
        "should",
        "must",
        "responsible",
        "responsibility",
        "job",
        "duty",
        "task",
        "handle",
        "handles",
        "handling",
        "takes",
        "care",
    ]
)
SYNONYMS = {
    "os": ["operating", "system"],
    "acl": ["access", "control", "list"],
    "acls": ["access", "control", "list"],
    "nacl": ["network", "acl"],
    "nacls": ["network", "acl"],
    "mfa": ["multi", "factor", "authentication"],
    "tls": ["ssl"],
    "https": ["ssl", "transit"],
    "sg": ["security", "group"],
    "ddos": ["denial", "service"],
    "db": ["database"],
    "vm": ["instance"],
    "patching": ["patch"],
    "updates": ["patch"],
    "update": ["patch"],
    "updating": ["patch"],
}


SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A light stemmer: encrypt/encrypted/encryption/encrypting all become 'encrypt'."""
    if word.endswith("ss"):
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]  # logging -> log, mapping -> map
            return base
    return word


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for raw in re.findall(r"[a-z0-9]+", text.lower()):
        if raw in STOPWORDS:
            continue
        out.append(stem(raw))
        out.extend(stem(s) for s in SYNONYMS.get(raw, []))
    return out


@dataclass(frozen=True)
class Match:
    service: Service
    duty: Duty
    score: float


def _duty_text(svc: Service, duty: Duty) -> tuple[list[str], list[list[str]]]:
    words = tokens(f"{duty.title} {duty.description}")
    phrases = [tokens(k) for k in duty.keywords]
    for phrase in phrases:
        words.extend(phrase)
    return words, [p for p in phrases if p]


def rank(model: Model, question: str, services: list[str] | None = None) -> list[Match]:
    """Duties ranked by relevance to the question, best first (ties keep model order)."""
    query = tokens(question)
    if not query:
        return []
    pool = [
        (svc, duty)
        for svc in model.services
        for duty in svc.duties
        if not services or svc.id in services
    ]
    docs = [(_duty_text(svc, duty), svc, duty) for svc, duty in pool]
    # Inverse document frequency over the whole model, so rare words weigh more.
    df: Counter[str] = Counter()
    for svc in model.services:
        for duty in svc.duties:
            df.update(set(_duty_text(svc, duty)[0]))
    total = sum(len(s.duties) for s in model.services) or 1
    qset = set(query)
    matches: list[Match] = []
    for (words, phrases), svc, duty in docs:
        wset = set(words)
        hit = qset & wset
        if not hit:
            continue
        score = sum(math.log(1 + total / (1 + df[w])) for w in hit)
        # A keyword phrase wholly present in the question is strong evidence.
        for phrase in phrases:
            if set(phrase) <= qset:
                score += 2.0 * len(phrase)
        # Prefer duties whose own words the question covers (less unexplained text).
        score *= 0.5 + 0.5 * len(hit) / max(len(qset), 1)
        matches.append(Match(svc, duty, round(score, 4)))
    matches.sort(key=lambda m: -m.score)
    return matches


@dataclass(frozen=True)
class Verdict:
    """The answer: one owner, or "depends" with the services on each side."""

    owner: str  # aws | customer | shared | depends
    best: Match
    by_owner: dict[str, list[str]]


def verdict(matches: list[Match], closeness: float = 0.6) -> Verdict:
    """One owner when the strong matches agree; otherwise say it depends on the service."""
    best = matches[0]
    strong = [m for m in matches if m.score >= closeness * best.score]
    by_owner: dict[str, list[str]] = {}
    for m in strong:
        names = by_owner.setdefault(m.duty.owner, [])
        if m.service.name not in names:
            names.append(m.service.name)
    owners = set(by_owner)
    if len(owners) > 1 and len({m.service.id for m in strong}) > 1:
        return Verdict("depends", best, by_owner)
    return Verdict(best.duty.owner, best, by_owner)
