"""Negated predicates: "did not resume", "have not restarted"."""

from __future__ import annotations

from claimcheck import lexicon as lx
from claimcheck.types import Value
from claimcheck.values.tokens import Token

# --- polarity ----------------------------------------------------------------

NEGATORS = {"not", "n't", "never", "no longer", "neither", "nor", "yet to", "failed to", "refused to", "declined to"}
AUXILIARIES = frozenset(
    """be been being is are was were am have has had do does did will would shall should can could may
    might must yet to also ever so even still""".split()
)


def find(tokens: list[Token]) -> list[Value]:
    """Negated verbs: "have not restarted" -> (negated, restart). Affirmative is the default."""
    values = []
    words = [t.word for t in tokens]
    n = 0
    while n < len(tokens):
        w = words[n]
        cue = None
        if w in {"not", "never"} or w.endswith("n't") or w.endswith("n’t"):
            cue = n
        elif (w in {"failed", "refused", "declined"} and n + 1 < len(words) and words[n + 1] == "to") or (
            w == "no" and n + 1 < len(words) and words[n + 1] == "longer"
        ):
            cue = n + 1
        if cue is None:
            n += 1
            continue
        m = cue + 1
        while m + 1 < len(tokens) and words[m] in AUXILIARIES and words[m + 1] not in FUNCTION_WORDS:
            m += 1
        if words[cue] in {"not", "never"} and "to" in words[cue + 1 : m]:
            # "asked not to be named", "dangerous not to be talking": what someone wants, fears
            # or is told not to do, not an event said not to have happened
            n = m + 1
            continue
        if (
            m < len(tokens)
            and tokens[m].text[:1].islower()
            and tokens[m].text.isalpha()
            and words[m] not in FUNCTION_WORDS
            and _verb_form(words, cue, m)
        ):
            verb = tokens[m]
            values.append(
                Value(
                    "polarity",
                    " ".join(t.text for t in tokens[n : m + 1]),
                    "negated",
                    (tokens[n].start, verb.end),
                    role=lx.stem(verb.text),
                )
            )
        n = m + 1
    return values


FUNCTION_WORDS = frozenset(
    """a an the his her their its our my your this that these those him them it me us you he she they we i
    any some no all every each much many more most only just even also yet still ever so very too quite
    enough about from with without into onto for of to in on at by as than then there here""".split()
)
DO_OR_MODAL = frozenset("""do does did will would shall should can could may might must to""".split())


def _verb_form(words: list[str], cue: int, m: int) -> bool:
    """Is words[m] a verb? After "did not"/"will not"/"to" a base form is; otherwise only
    participles are ("has never been better" negates an adjective, not an event)."""
    before = words[max(0, cue - 1) : m]
    if any(
        w in DO_OR_MODAL or (w.endswith(("n't", "n’t")) and w[:-3] in DO_OR_MODAL | {"ca", "wo", "did", "do", "does"})
        for w in before
    ):
        return True
    return words[m].endswith(("ed", "en", "ing"))
