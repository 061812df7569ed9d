"""Dates, normalised to ISO forms at the granularity the text gives."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from claimcheck.types import Value

# --- dates --------------------------------------------------------------------

MONTHS = {m.lower(): n for n, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): n for n, m in enumerate(calendar.month_abbr) if m}
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): n for n, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501 - a regex reads best on one line
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PART = r"(?:(?P<part>early|mid|late|end of|beginning of|the end of)[\s-]+)?"
DATE_PATTERNS = [
    re.compile(rf"\b{_PART}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_PART}{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:])", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b", re.I),
    re.compile(
        rf"(?:(?<=\bin )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bfrom )|(?<=\bduring )|(?<=\bbefore )|(?<=\bafter )|(?<=\bof )|(?<=\bthrough ))(?:{_PART}){_YEAR}\b(?![-–]\d|\s*(?:%|percent))"  # noqa: E501 - a regex reads best on one line
    ),
    re.compile(rf"\b{_PART}{_YEAR}\b(?=\s*[,:]|\s+(?:and|to)\s+(?:19|20)\d\d)"),
    re.compile(rf"(?<=\bthe ){_YEAR}(?= [a-z])"),  # "the 2005 ceremony"
    # a month on its own: "in March", "by early April" (capitalised, so not the verb "march")
    re.compile(
        r"(?:(?<=\bin )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bfrom )|(?<=\bduring )|(?<=\bbefore )"
        r"|(?<=\bafter )|(?<=\bor )|(?<=\band )|(?<=\blast )|(?<=\bnext )|(?<=\bthis ))"
        rf"{_PART}(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)\b"
        r"(?!\s+\d)"
    ),
    re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    re.compile(
        r"\b(?P<relative>yesterday|today|tomorrow|(?:late |early )?(?:last|next|this) (?:week|month|year))\b", re.I
    ),
]
# A time of day: "1:30 a.m.", "8.40pm", "3 am", "2045 GMT", "shortly before midnight". Its zone,
# when written, is part of what it is ("8 p.m. ET" and "5 p.m. PT" are one moment), so times
# in different zones, or one with a zone and one without, are never set against each other.
_ZONE = r"(?:\s+(?P<zone>[ECMP][SD]?T|GMT|UTC|BST)\b)?"
_AFTER_PREPOSITION = "|".join(rf"(?<=\b{w} )" for w in "at by before after around about until past".split())
TIME_PATTERNS = [
    re.compile(
        rf"\b(?P<hour>1[0-2]|0?[1-9])(?:[:.](?P<minute>[0-5]\d))?\s?(?P<ampm>[ap])(?:\.m\b\.?|m\b){_ZONE}", re.I
    ),
    re.compile(r"\b(?P<hour24>[01]\d|2[0-3]):?(?P<minute>[0-5]\d)\s?(?P<zone>GMT|UTC|BST|hrs)\b"),
    re.compile(rf"(?:{_AFTER_PREPOSITION})(?P<midday>midnight|noon)\b", re.I),  # "midnight" alone may be a name
]
# "about 1:30 a.m.", "shortly before midnight": marked approximate, so a time a few minutes
# off agrees (conflicts/pairwise.py)
APPROXIMATE_TIME = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|shortly (?:before|after)|just (?:before|after))\s+(?:at\s+)?$",
    re.I,
)

# "may" and "march" are verbs far more often than months when lowercase.
_AMBIGUOUS_MONTHS = {"may", "march", "jan", "june", "july", "aug", "sept", "oct", "nov", "dec", "mar", "apr", "feb"}


def find(text: str, published: dt.date | None) -> list[Value]:
    values: list[Value] = []
    taken: list[tuple[int, int]] = []
    for pattern in (*TIME_PATTERNS, *DATE_PATTERNS):  # times first: "2045 GMT" is no year
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            read = _time(text, m) if pattern in TIME_PATTERNS else _date(m.groupdict(), published)
            if read is None:
                continue
            normalized, role, parents = read
            taken.append((m.start(), m.end()))
            values.append(Value("date", m.group(), normalized, (m.start(), m.end()), role=role, parents=parents))
    return values


def _time(text: str, m: re.Match[str]) -> tuple[str, str, tuple[str, ...]]:
    """A time of day: its 24-hour form, "time" and its zone as role, and whether it is approximate."""
    normalized, zone = _normalize_time(m.groupdict())
    approximate = ("about",) if APPROXIMATE_TIME.search(text[max(0, m.start() - 25) : m.start()]) else ()
    return normalized, f"time {zone}".strip(), approximate


def _date(groups: dict[str, str | None], published: dt.date | None) -> tuple[str, str, tuple[str, ...]] | None:
    month_word = (groups.get("month") or "").rstrip(".")
    if month_word and month_word.lower() in _AMBIGUOUS_MONTHS and not month_word[0].isupper():
        return None
    value = _normalize_date(groups, published)
    return None if value is None else (*value, ())


def _normalize_time(groups: dict[str, str | None]) -> tuple[str, str]:
    """ "T20:45" on a 24-hour clock, and the zone ("" when none is written; "hrs" is none)."""
    midday, hour24 = groups.get("midday"), groups.get("hour24")
    if midday:
        hour, minute = (0 if midday.lower() == "midnight" else 12), 0
    elif hour24:
        hour, minute = int(hour24), int(groups["minute"] or 0)
    else:
        hour, minute = int(groups["hour"] or 0) % 12, int(groups["minute"] or 0)
        hour += 12 if (groups["ampm"] or "").lower() == "p" else 0
    zone = (groups.get("zone") or "").lower()
    return f"T{hour:02d}:{minute:02d}", "" if zone == "hrs" else zone


def _normalize_date(groups: dict[str, str | None], published: dt.date | None) -> tuple[str, str] | None:
    g = {k: v for k, v in groups.items() if v}
    year = int(g["year"]) if "year" in g else None
    month = MONTHS.get(g["month"].lower().rstrip(".")) if "month" in g else None
    day = int(g["day"]) if "day" in g else None
    if "weekday" in g:
        weekday = WEEKDAYS[g["weekday"].lower()]
        if published:
            # News reports past events: "Friday" is the last Friday on or before publication.
            back = (published.weekday() - weekday) % 7
            return (published - dt.timedelta(days=back)).isoformat(), "day"
        return g["weekday"].lower(), "weekday"
    if "relative" in g:
        return _relative(g["relative"].lower(), published)
    if month and day and year is None:
        if published:
            year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
        else:
            return f"--{month:02d}-{day:02d}", "monthday"
    if year and month and day:
        try:
            return dt.date(year, month, day).isoformat(), "day"
        except ValueError:
            return None
    if year and month:
        return f"{year}-{month:02d}", "month"
    if year:
        return f"{year}", "year"
    if month and day is None:
        return f"--{month:02d}", "month"
    return None


def _relative(phrase: str, published: dt.date | None) -> tuple[str, str] | None:
    if published is None:
        return None
    unit = phrase.split()[-1]
    if unit in {"yesterday", "today", "tomorrow"}:
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[unit]
        return (published + dt.timedelta(days=shift)).isoformat(), "day"
    step = -1 if "last" in phrase else 1 if "next" in phrase else 0
    if unit == "year":
        return f"{published.year + step}", "year"
    if unit == "month":
        m = published.month - 1 + step
        return f"{published.year + m // 12}-{m % 12 + 1:02d}", "month"
    return None  # weeks have no written form to compare with
