"""What a value is of, from the parse: a claim's predicates with their subjects and objects
(Frames), and for each value the predicate it hangs from and the slot it fills there. Two
values of one kind are one fact told two ways only when they fill the same slot of the same
(or a synonymous) predicate: the number killed and the number injured, the date of a vote
and the date it was announced, are different slots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.lexicon import SYNONYM_GROUPS, stem
from claimcheck.nlp import Parsed, Word
from claimcheck.types import Frame, Value

# where a place is: one slot, whichever of these words introduces it
LOCATIVE = frozenset({"in", "at", "inside", "near", "outside", "across", "throughout", "within", "on"})
# the patient of a passive is the object of the active: "12 people were killed" = "killed 12 people"
SAME_ROLE = {"nsubjpass": "dobj", "agent": "nsubj", "attr": "dobj", "oprd": "dobj", "acomp": "dobj"}
NEGATIONS = frozenset({"not", "never", "n't", "no"})
# prepositions whose object is what a verb with no direct object acts on ("checked into")
ARGUMENT_PREPOSITIONS = frozenset({"into", "onto", "with", "against"})
# words a value passes through to reach its slot: a number's noun, a name's compound head
PASS_THROUGH = frozenset({"nummod", "compound", "amod", "poss", "quantmod", "nmod", "appos", "det", "case"})


def _children(parsed: Parsed) -> dict[int, list[int]]:
    """Each word's dependents, by index."""
    children: dict[int, list[int]] = {}
    for n, w in enumerate(parsed.words):
        if w.head != n:
            children.setdefault(w.head, []).append(n)
    return children


def frames(parsed: Parsed, children: dict[int, list[int]]) -> tuple[list[Frame], dict[int, int]]:
    """The claim's frames, and for each word that heads one, the frame's index. Every verb
    heads a frame, and so does the root of a clause without one ("the 12 victims of …")."""
    found: list[Frame] = []
    index: dict[int, int] = {}
    for n, w in enumerate(parsed.words):
        if not (w.pos == "VERB" or w.head == n or (w.pos == "AUX" and w.dep in ("ROOT", "ccomp", "conj"))):
            continue
        kids = [parsed.words[k] for k in children.get(n, [])]
        negated = any(k.dep == "neg" or k.lemma in NEGATIONS for k in kids)
        # the active subject, and the object whether active or passive ("the quake killed
        # people" and "people were killed" share the object)
        subject = next((k.lemma for k in kids if k.dep == "nsubj"), "")
        obj = next((k.lemma for k in kids if k.dep in ("dobj", "attr", "nsubjpass")), "")
        if w.dep == "xcomp" and not subject:
            # "he is expected to be indicted", "talks are set to resume": the event's argument
            # is the governing verb's subject, its patient when the event is passive
            head = children.get(w.head, [])
            raised = next((parsed.words[k].lemma for k in head if parsed.words[k].dep in ("nsubj", "nsubjpass")), "")
            if not any(k.dep == "auxpass" for k in kids):
                subject = raised
            elif not obj:
                obj = raised
        index[n] = len(found)
        found.append(
            Frame(
                predicate=w.lemma,
                negated=negated,
                subject=subject,
                object=obj or _prepositional_object(parsed, children, n),
                status=_status(parsed, w, kids),
                span=(w.start, w.end),
            )
        )
    return found, index


# what makes an event expected, alleged or denied rather than reported as having happened
MODALS = frozenset({"will", "would", "shall", "should", "may", "might", "could"})
EXPECTING = frozenset(
    """expect plan schedule set intend aim hope prepare due likely poised propose threaten vow pledge
    promise seek want""".split()
)
ALLEGING = frozenset({"allege", "accuse", "suspect", "claim"})
HEARSAY = frozenset({"allegedly", "reportedly", "purportedly", "supposedly", "apparently"})
DENYING = frozenset({"deny", "reject", "dispute", "refute"})


def _status(parsed: Parsed, w: Word, kids: Sequence[Word]) -> str:
    """Not negated: expected ("will resume", "is expected to be indicted", "plans to"),
    alleged ("allegedly took", "accused of taking"), denied ("denied taking"), or happened."""
    if any(k.dep == "aux" and k.lemma in MODALS for k in kids):
        return "expected"
    if any(k.dep == "advmod" and k.lemma in HEARSAY for k in kids):
        return "alleged"
    if w.dep == "acl" and any(k.dep == "aux" and k.lemma == "to" for k in kids):
        # "plans to resume", "their quest to sign him": an aim the noun names, not an event
        return "expected"
    head = parsed.words[w.head]
    if w.dep == "pcomp" and head.dep == "prep":  # "accused of taking": through the preposition
        head = parsed.words[head.head]
    elif w.dep not in ("xcomp", "ccomp", "dobj"):
        return "happened"
    if head is w:
        return "happened"
    if head.lemma in EXPECTING and w.dep == "xcomp":
        return "expected"
    if head.lemma in ALLEGING:
        return "alleged"
    if head.lemma in DENYING:
        return "denied"
    return "happened"


def _prepositional_object(parsed: Parsed, children: dict[int, list[int]], n: int) -> str:
    """What a verb with no direct object is about: "checked into Betty Ford" -> "ford"."""
    for k in children.get(n, []):
        # only prepositions that take the verb's argument: "due to", "in 2022" are adjuncts
        if parsed.words[k].dep == "prep" and parsed.words[k].lemma in ARGUMENT_PREPOSITIONS:
            for j in children.get(k, []):
                if parsed.words[j].dep == "pobj":
                    return parsed.words[j].lemma
    return ""


def attach(values: Sequence[Value], parsed: Parsed) -> tuple[list[Value], tuple[Frame, ...]]:
    """Each value with its frame and slot, and for places, dates and numbers the named
    agents of their event (spans local to the parsed text)."""
    children = _children(parsed)
    found, index = frames(parsed, children)
    covered = {v: words for v in values if (words := parsed.covering(*v.span))}
    roots = {
        v: next((n for n in words if parsed.words[n].head not in words or parsed.words[n].head == n), words[-1])
        for v, words in covered.items()
    }
    # a person by name, without the title written with it ("President Trump"); an organisation
    # as written, as "Hewlett-Packard" keeps the hyphen that its initials ("HP") need
    named = {
        n: (v.kind, v.normalized if v.kind == "person" else v.text.lower())
        for v, words in covered.items()
        if v.kind in AGENT_KINDS
        for n in words
    }
    out = []
    for v in values:
        if v not in roots:
            out.append(v)
            continue
        frame, slot = _climb(parsed.words, roots[v], index, v.kind)
        agents = _agents(parsed.words, children, roots[v], named) if v.kind in EVENT_KINDS else ()
        out.append(replace(v, frame=frame, slot=slot, agents=agents))
    return out, tuple(found)


AGENT_KINDS = frozenset({"person", "organisation"})
EVENT_KINDS = frozenset({"place", "date", "number"})
# who does what a value is of: the subject, the agent of a passive ("offered by X"), and those
# named doing it together ("talks between X and Y", "met with X"). Not its object: one event
# has many patients and witnesses ("stopped Rahman 44 seconds into the round", "the referee
# stopped the fight 44 seconds into the round"), and sources name different ones.
TAKING_PART = frozenset({"between", "with", "among"})
ARGUMENTS = frozenset({"nsubj", "agent"})


def _agents(
    words: Sequence[Word], children: dict[int, list[int]], n: int, named: dict[int, tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """The people and organisations named as doing what a value is of: the subjects of each
    word on the way from the value up to its clause's verb (and the noun that verb describes:
    "discussions between Hegseth and Dong, held in Kuala Lumpur"), and who is named "between"
    or "with" them."""
    path = [n]
    while words[n].head != n and not (words[n].pos in ("VERB", "AUX") and words[n].dep not in ("acl", "relcl")):
        n = words[n].head
        path.append(n)
    heads: list[int] = []
    for p in path:
        for k in children.get(p, []):
            if words[k].dep in ARGUMENTS:
                heads.append(k)
            elif words[k].dep == "prep" and words[k].lemma in TAKING_PART:
                heads += [j for j in children.get(k, []) if words[j].dep == "pobj"]
    found: set[tuple[str, str]] = set()
    while heads:  # each head with its conjuncts ("Trump and Xi") and what it passes through
        k = heads.pop()
        if k in named:
            found.add(named[k])
        heads += [j for j in children.get(k, []) if words[j].dep in ("conj", "compound", "appos", "pobj")]
    return tuple(sorted(found))


def _climb(words: Sequence[Word], n: int, index: dict[int, int], kind: str) -> tuple[int, str]:
    """From the value's head word up to the nearest frame: its index and the slot the value
    fills there, the dependency of the last step ("dobj"), or the preposition it comes
    through ("of"; "loc" for a place "in", "at" or "near" something)."""
    slot = ""
    for _ in range(len(words)):  # a parse is a tree; the bound only guards against a bad one
        if n in index and (slot or kind == "polarity"):
            break
        w = words[n]
        if w.head == n:  # the clause's root: the value is its head, or hangs from it unlabelled
            if n in index:
                break
            return -1, ""
        if w.dep == "pobj":
            prep = words[w.head]
            slot = "loc" if kind == "place" and prep.lemma in LOCATIVE else prep.lemma
            n = prep.head
        elif w.dep in PASS_THROUGH:
            n = w.head  # "12 people": the number fills the slot that its noun fills
        else:
            slot = SAME_ROLE.get(w.dep, w.dep)
            n = w.head
    else:
        return -1, ""
    if kind == "date":
        slot = "time"  # "on Friday", "Friday", "last week": one slot; since/until are read apart
    return index[n], slot


def same_fact(a: Sequence[Frame], x: Value, b: Sequence[Frame], y: Value) -> bool | None:
    """Whether two values are of the same or a synonymous predicate: None when the parse does
    not tell (either value has no frame). The slot is not compared: the noun a number counts
    and a date's relation to time already align them, and one fact's paraphrases move its
    values between slots ("killed 12 people", "12 people died")."""
    if x.frame < 0 or y.frame < 0 or x.frame >= len(a) or y.frame >= len(b):
        return None
    return same_predicate(a[x.frame].predicate, b[y.frame].predicate)


def contradicts(negated: Frame, other: Frame) -> bool:
    """One frame denies what the other affirms: the same or a synonymous predicate of the same
    subject or object, and no argument that both name differently ("offered a deal" is not
    contradicted by "did not offer details", nor "checked into Betty Ford" by "never checked
    into Morningside")."""
    return negated.negated and not other.negated and same_event(negated, other)


def same_event(x: Frame, y: Frame) -> bool:
    """The same or a synonymous predicate of the same subject or object, and no argument that
    the two name differently: what two claims can state differently (happened, did not, is
    expected, is alleged, is denied)."""
    shared = (x.subject and x.subject == y.subject) or (x.object and x.object == y.object)
    return (
        same_predicate(x.predicate, y.predicate)
        and bool(shared)
        and not (x.subject and y.subject and x.subject != y.subject)
        and not (x.object and y.object and x.object != y.object)
    )


def same_predicate(p: str, q: str) -> bool:
    if p == q:
        return True
    sp, sq = stem(p), stem(q)
    return sp == sq or bool(SYNONYM_GROUPS.get(sp, frozenset()) & SYNONYM_GROUPS.get(sq, frozenset()))
