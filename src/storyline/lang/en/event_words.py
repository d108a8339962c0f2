"""English cue words of the event taxonomy (see ``storyline.analyse.types.EVENT_TYPES``).

Patterns are matched case-insensitively against words: ``*`` at the end admits any ending
("strike*" -> "strikes", "striking" is listed apart); English rarely compounds in one word, so a
leading ``*`` is used only for true compounds ("*quake").
"""

TRIGGERS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "met", "meet", "meets", "meeting*", "summit*", "visit", "visits", "visited", "visiting",
        "talks", "hosted", "hosts",
        "conference*", "negotiat*", "trip", "received",
    ),
    "statement": (
        "said", "says", "stated", "statement*", "warned", "warns", "criticis*", "criticiz*",
        "called for", "urged", "interview*", "speech*", "announced", "announces", "insisted",
        "stressed", "appeal*",
    ),
    "agreement": (
        "agreement*", "agreed", "deal", "deals", "treaty", "treaties", "signed", "accord*",
        "ceasefire*", "truce", "compromise*", "settle*",
    ),
    "military": (
        "troops", "army", "armies", "military", "soldiers", "forces", "offensive", "missile*",
        "tanks", "drill*", "exercise*", "nato", "war", "warship*", "deploy*",
    ),
    "attack": (
        "attack*", "bomb*", "explosion*", "shooting*", "shot dead", "killed", "gunmen",
        "assassinat*", "terror*", "shelling", "airstrike*", "struck",
    ),
    "protest": (
        "protest*", "demonstrat*", "rally", "rallies", "strike", "strikes", "striking",
        "walkout*", "riot*", "unrest", "blockade*", "march*",
    ),
    "election": (
        "election*", "elected", "vote", "votes", "voted", "voting", "ballot*", "referendum*",
        "poll", "polls", "candidate*", "re-elected", "runoff",
    ),
    "legal": (
        "court*", "trial*", "verdict*", "sentenced", "convicted", "charged", "arrest*",
        "investigat*", "prosecutor*", "lawsuit*", "law", "laws", "ban", "banned", "ruling*",
        "judge*", "indict*", "approved", "approves", "passed", "bill", "legislation",
    ),
    "economic": (
        "wage*", "pay", "salar*", "price*", "inflation", "economy", "economic*", "compan*",
        "shares", "stock*", "market*", "budget*", "billion", "million", "revenue*", "profit*",
        "export*", "import*", "tariff*", "sanction*", "invest*", "jobs", "insolven*",
        "bankrupt*", "aid package*", "reconstruction aid", "flood aid", "relief fund*",
    ),
    "disaster": (
        "flood*", "storm*", "*quake*", "fire", "fires", "wildfire*", "blaze", "landslide*",
        "mudslide*", "avalanche*", "accident*", "crash*", "disaster*", "evacuat*", "drought*",
        "heatwave*", "aground", "stranded", "debris flow*", "refloat*", "salvag*", "derail*",
        "hurricane*", "typhoon*", "cyclone*",
    ),
    "sport": (
        "championship*", "tournament*", "league", "match", "matches", "marathon*", "race",
        "races", "won", "victory", "final", "finals", "olympic*", "cup", "coach*", "goal",
        "goals", "medal*", "season",
    ),
    "health": (
        "pandemic*", "epidemic*", "virus*", "hospital*", "clinic*", "vaccin*", "infection*",
        "health", "patients", "doctors", "outbreak*",
    ),
    "science": (
        "researchers", "study", "scientist*", "science", "space", "satellite*", "discover*",
        "technology", "artificial intelligence",
    ),
    "culture": (
        "festival*", "exhibition*", "museum*", "concert*", "film*", "movie*", "theatre*",
        "theater*", "award*", "book*", "opera*",
    ),
}  # fmt: skip
