"""A generated corpus of tiny German and English news files for the Dask and resume tests.

Every sentence here was written for these tests: the people, quotes and events are invented
(real cities only give place resolution something to resolve). Articles of one event share
their city, person, organisation and numbers, so linking groups them; each article picks its
own sentences and order, so texts differ. A JSONL file (several articles in one input), an
exact copy, a file the cleaner rejects and an empty file cover the other outcomes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CITIES = [
    ("Dresden", "Dresden"),
    ("Köln", "Cologne"),
    ("Bremen", "Bremen"),
    ("Graz", "Graz"),
    ("Basel", "Basel"),
    ("Leipzig", "Leipzig"),
    ("Freiburg", "Freiburg"),
    ("Linz", "Linz"),
    ("Kassel", "Kassel"),
    ("Rostock", "Rostock"),
    ("Luzern", "Lucerne"),
    ("Mainz", "Mainz"),
    ("Würzburg", "Würzburg"),
]
PEOPLE = [
    "Jana Obermeier",
    "Lukas Brandstätter",
    "Miriam Achterberg",
    "Tobias Fennhoff",
    "Greta Wallenfels",
    "Anton Krüsemann",
    "Selma Rautenberg",
    "Henrik Ostwald",
    "Paula Dornhagen",
    "Emil Stracke",
    "Ida Lohmeyer",
    "Jonas Pfeilsticker",
    "Wiebke Harms",
]
OUTLETS = [
    "Elbkurier",
    "Rheinblick",
    "Nordstern Zeitung",
    "Alpenecho",
    "Donaupost",
    "City Ledger",
    "Morning Dispatch",
    "Valley Gazette",
]
WEEKDAYS = [("Montag", "Monday"), ("Dienstag", "Tuesday"), ("Mittwoch", "Wednesday")]

# (title, sentences) per language and topic; {c} city, {p} person, {n} number, {d} weekday
TOPICS: dict[str, dict[str, tuple[str, list[str]]]] = {
    "flood": {
        "de": (
            "Hochwasser in {c}: {n} Keller überflutet",
            [
                "Nach tagelangem Regen ist der Fluss in {c} am {d} über die Ufer getreten.",
                "Die Feuerwehr pumpte in der Nacht {n} Keller in der Altstadt leer.",
                "„Vor dem Wochenende sinkt das Wasser nicht“, sagte {p}, Einsatzleiter in {c}.",
                "Die Stadt {c} hat am Ufer mobile Schutzwände aufgebaut.",
                "Mehrere Straßen entlang des Flusses bleiben in {c} vorerst gesperrt.",
                "Helfer füllten am {d} in {c} mehr als {n}0 Sandsäcke.",
            ],
        ),
        "en": (
            "Floods in {c}: {n} basements under water",
            [
                "After days of rain the river burst its banks in {c} on {d}.",
                "Firefighters pumped out {n} basements in the old town overnight.",
                '"The water will not fall before the weekend," said {p}, who leads the response in {c}.',
                "The city of {c} has put up mobile flood walls along the river.",
                "Several riverside streets in {c} remain closed for now.",
                "Volunteers in {c} filled more than {n}0 sandbags on {d}.",
            ],
        ),
    },
    "strike": {
        "de": (
            "Warnstreik legt Busse und Bahnen in {c} lahm",
            [
                "Die Beschäftigten der Verkehrsbetriebe in {c} haben am {d} die Arbeit niedergelegt.",
                "Rund {n}0 Fahrer beteiligten sich nach Angaben der Gewerkschaft am Ausstand.",
                "„Ohne ein besseres Angebot geht es weiter“, sagte Gewerkschaftssprecherin {p} in {c}.",
                "Pendler in {c} wichen auf Fahrräder und Fahrgemeinschaften aus.",
                "Die Verhandlungen sollen in der kommenden Woche in {c} fortgesetzt werden.",
                "Die Verkehrsbetriebe nannten den Streik in {c} unverhältnismäßig.",
            ],
        ),
        "en": (
            "Strike halts buses and trams in {c}",
            [
                "Transit workers in {c} walked off the job on {d}.",
                "About {n}0 drivers joined the strike, according to the union.",
                '"Without a better offer we will continue," union spokeswoman {p} said in {c}.',
                "Commuters in {c} switched to bicycles and car pools.",
                "Talks are due to resume in {c} next week.",
                "The transit operator in {c} called the strike excessive.",
            ],
        ),
    },
    "fire": {
        "de": (
            "Großbrand in Lagerhalle in {c}",
            [
                "In einer Lagerhalle im Hafen von {c} ist am {d} ein Feuer ausgebrochen.",
                "Mehr als {n}0 Einsatzkräfte kämpften bis in den Abend gegen die Flammen.",
                "„Verletzt wurde zum Glück niemand“, sagte Feuerwehrsprecher {p} in {c}.",
                "Die Rauchwolke war über weiten Teilen von {c} zu sehen.",
                "Anwohner in {c} sollten Fenster und Türen geschlossen halten.",
                "Die Polizei in {c} ermittelt zur Ursache des Brandes.",
            ],
        ),
        "en": (
            "Warehouse fire in {c}",
            [
                "A fire broke out in a warehouse at the port of {c} on {d}.",
                "More than {n}0 firefighters battled the flames into the evening.",
                '"Fortunately nobody was hurt," fire service spokesman {p} said in {c}.',
                "The plume of smoke could be seen across much of {c}.",
                "Residents of {c} were told to keep windows and doors shut.",
                "Police in {c} are investigating the cause of the blaze.",
            ],
        ),
    },
    "bridge": {
        "de": (
            "Brücke in {c} wegen Rissen gesperrt",
            [
                "Die Stadt {c} hat am {d} eine Brücke über den Fluss für den Verkehr gesperrt.",
                "Prüfer hatten an den Pfeilern {n} neue Risse entdeckt.",
                "„Die Sicherheit geht vor“, sagte Baudezernentin {p} in {c}.",
                "Täglich fahren in {c} rund {n}000 Autos über die Brücke.",
                "Fußgänger dürfen die Brücke in {c} vorerst weiter nutzen.",
                "Ein Gutachten soll in {c} bis zum Sommer vorliegen.",
            ],
        ),
        "en": (
            "Bridge in {c} closed over cracks",
            [
                "The city of {c} closed a river bridge to traffic on {d}.",
                "Inspectors had found {n} new cracks in its piers.",
                '"Safety comes first," said {p}, head of public works in {c}.',
                "Around {n}000 cars cross the bridge in {c} every day.",
                "Pedestrians in {c} may keep using the bridge for now.",
                "An expert report for {c} is expected by the summer.",
            ],
        ),
    },
    "outage": {
        "de": (
            "Stromausfall in {c}: {n}000 Haushalte ohne Strom",
            [
                "Ein Defekt in einem Umspannwerk hat am {d} Teile von {c} lahmgelegt.",
                "Rund {n}000 Haushalte in {c} waren stundenlang ohne Strom.",
                "„Das Netz ist wieder stabil“, sagte {p} von den Stadtwerken {c}.",
                "Ampeln in {c} fielen aus, die Polizei regelte den Verkehr.",
                "Krankenhäuser in {c} liefen mit Notstrom weiter.",
                "Die Stadtwerke {c} wollen das Umspannwerk nun prüfen lassen.",
            ],
        ),
        "en": (
            "Power cut in {c}: {n},000 homes without electricity",
            [
                "A fault at a substation knocked out power across parts of {c} on {d}.",
                "Around {n},000 households in {c} were without electricity for hours.",
                '"The grid is stable again," said {p} of the {c} municipal utility.',
                "Traffic lights failed in {c} and police directed traffic.",
                "Hospitals in {c} kept running on backup power.",
                "The {c} utility plans to have the substation inspected.",
            ],
        ),
    },
}


#: a sentence naming the person by surname only: which registry entry it joins depends on
#: whether the full name was registered before it, so it makes the order of analyses visible
SURNAME_ONLY = {
    "de": "{s} kündigte für den Abend weitere Informationen an.",
    "en": "{s} promised more information in the evening.",
}


def _article(topic: str, lang: str, event: dict[str, str], rng: random.Random) -> tuple[str, str]:
    title, sentences = TOPICS[topic][lang]
    city = event["city_de"] if lang == "de" else event["city_en"]
    day = event["day_de"] if lang == "de" else event["day_en"]
    surname = event["person"].split()[-1]
    fields = {"c": city, "p": event["person"], "s": surname, "n": event["n"], "d": day}
    picked = rng.sample([*sentences, SURNAME_ONLY[lang]], 4)
    body = [s.format(**fields) for s in picked]
    return title.format(**fields), " ".join(body[:2]) + "\n\n" + "\n\n".join(body[2:])


def _page(outlet: str, lang: str, title: str, text: str) -> str:
    """A browser copy: outlet, menu, title, text, share line (the cleaner removes the furniture)."""
    menu = "Startseite | Region | Politik" if lang == "de" else "Home | Local | Politics"
    share = "Artikel teilen" if lang == "de" else "Share this article"
    return f"{outlet}\n{menu}\n\n{title}\n\n{text}\n\n{share}\n"


def write_corpus(folder: Path, n: int = 300, seed: int = 7) -> list[Path]:
    """``n`` input files in ``folder`` (about 25 events); returns them in discovery order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    events = []
    topics = sorted(TOPICS)
    for i in range(max(1, n // 12)):
        de, en = CITIES[i % len(CITIES)]
        day_de, day_en = WEEKDAYS[i % len(WEEKDAYS)]
        events.append(
            {
                "topic": topics[i % len(topics)],
                "city_de": de,
                "city_en": en,
                "person": PEOPLE[(i * 5) % len(PEOPLE)],
                "n": str(2 + (i * 7) % 9),
                "day_de": day_de,
                "day_en": day_en,
            }
        )
    written: list[Path] = []
    jsonl: list[str] = []
    for k in range(n - 5):
        event = events[k % len(events)]
        lang = "en" if k % 3 == 2 else "de"
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        title, text = _article(event["topic"], lang, event, rng)
        if k % 50 == 10 and len(jsonl) < 5:  # some articles travel in one JSONL file
            record = {
                "title": title,
                "text": text,
                "source": outlet,
                "url": f"https://n{k}.example",
            }
            jsonl.append(json.dumps(record, ensure_ascii=False))
            continue
        path = folder / f"a{k:04d}-{lang}.txt"
        path.write_text(_page(outlet, lang, title, text), encoding="utf-8")
        written.append(path)
    extra = {
        "feed.jsonl": "\n".join(jsonl) + "\n",
        "z-copy.txt": written[3].read_text(encoding="utf-8"),  # the same page again: a copy
        "z-furniture.txt": "Artikel teilen\nWERBUNG\n",  # the cleaner finds no article
        "z-empty.txt": "",  # the reader refuses it
    }
    for name, content in extra.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return sorted(written)


__all__ = ["write_corpus"]
