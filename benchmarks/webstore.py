"""A generated store for the web benchmark (issue 6): N synthetic articles, analysed and linked.

Run: ``.venv/bin/python benchmarks/webstore.py [--articles 100000] [--force] [--out PATH]``;
:func:`ensure_store` is what ``bench_web.py`` calls. The store is cached in
``benchmarks/.cache/web-<size>.db`` with a ``.json`` sidecar (generator version, build time,
counts) and rebuilt when :data:`GENERATOR_VERSION` changes.

Why it is built the way it is:

* **Through storyline's own store API** (``Store.add``, ``Store.put_analysis``,
  ``Store.save_links``), so the schema, the indexes, the FTS table, the registry and the JSON
  shapes are exactly those the web app reads in production; nothing is written with raw SQL.
* **Analyses are constructed, not computed**: the NER / place / time pipeline runs at a few
  articles a second, far too slow for 100,000. The generator knows what it wrote, so it emits
  the entity spans, resolved places (real gazetteer coordinates), time expressions and the event
  frame directly, as :mod:`storyline.analyse.types` dataclasses.
* **Events and storylines are constructed, not linked**: the generator plans them (events of
  1-12 reports, ~30% of the events continue an earlier storyline), and their summaries come from
  :func:`storyline.link.summary.summarise_event` / :func:`summarise_storyline`, the functions the
  linker uses, so the stored JSON has the real shape. One :class:`LinkUpdate` stores them all.
* **Text** is German or English (50/50 per event, 80% of an event's reports in its language),
  300-600 words: a headline, a lead (often with an agency dateline), 5-11 paragraphs, sometimes
  key points and a subheading, from sentence templates with a slot every few words, so that two
  articles share few word 5-shingles (as two real articles do): the near-duplicate check of
  ``add`` then behaves as on real news. ~1.5% of the reports are near copies of an earlier
  report of their event (the same agency text, another headline and ending), and ~1% are also
  seen at a second outlet (exact copies).
* **Vocabulary** (all written for this file): ~1,100 people, ~500 organisations and ~400 places
  (cities and countries from storyline's gazetteer, German and English names), drawn with a
  Zipf distribution, so a few names are in thousands of articles and most in a handful; general
  news nouns (in 5-30% of the articles), per-event-type nouns, and a long tail of rare words
  (German compounds, less common English nouns) for the search benchmark's rare queries.
* **Deterministic**: every event's articles come from their own seeded RNG, so the same seed and
  size always give the same store, byte for byte in content.
* **Fast enough** (~250-330 articles/s on 2 cores, ~6-7 minutes for 100,000): texts and MinHash
  signatures are made in a worker process while the main process writes, and the writes are
  grouped 2,000 articles per transaction (:func:`grouped_writes`; the store has no bulk API and
  a commit per call costs more the bigger the database gets). What remains is the store's own
  per-article cost, ~1 ms of Python (``to_dict``, JSON, search keys) and ~1.5 ms of SQL.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from storyline.analyse.analyser import ANALYSIS_VERSION  # noqa: E402
from storyline.analyse.types import (  # noqa: E402
    Analysis,
    Entity,
    EventFrame,
    Place,
    TimeExpression,
)
from storyline.clean.dedup import Signature, signature  # noqa: E402
from storyline.compare.features import Bundle  # noqa: E402
from storyline.link.events import event_id_for  # noqa: E402
from storyline.link.stories import storyline_id_for  # noqa: E402
from storyline.link.summary import (  # noqa: E402
    Member,
    event_keys,
    summarise_event,
    summarise_storyline,
)
from storyline.model import Article, Block, article_id, compose_text  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.store.base import LinkUpdate  # noqa: E402

#: Bump whenever the generated content changes: cached stores of another version are rebuilt.
GENERATOR_VERSION = "1"
CACHE_DIR = HERE / ".cache"
SEED = 20240606
#: Publication days: two years.
FIRST_DAY = date(2023, 1, 1)
DAYS = 730
#: Event sizes 1..12 with P(s) ~ s**-0.55: mean ~5 reports, so N articles make ~N/5 events.
SIZES = tuple(range(1, 13))
SIZE_WEIGHTS = tuple(s**-0.55 for s in SIZES)
#: Share of events that continue an earlier storyline (same actors and place, days later).
SEQUEL_SHARE = 0.3
NEAR_COPY_SHARE = 0.015
EXACT_COPY_SHARE = 0.01

# ---------------------------------------------------------------------------------------------
# Vocabulary (written for this benchmark)
# ---------------------------------------------------------------------------------------------


def _w(text: str) -> tuple[str, ...]:
    """Words of a space-separated literal (long vocabularies stay readable)."""
    return tuple(text.split())


FIRST_NAMES = _w(
    "Anna Lena Julia Katrin Sabine Petra Claudia Miriam Jana Nadine Ulrike Franziska Svenja "
    "Heike Ines Carola Doris Greta Hanna Ida Lotte Maren Nora Paula Ricarda Silke Tanja Vera "
    "Thomas Michael Andreas Stefan Markus Jens Tobias Florian Lars Matthias Uwe Jörg Dirk Sven "
    "Holger Ralf Bernd Henrik Jonas Lukas Moritz Niklas Olaf Piotr Tomasz Marek Pavel Jiří Ivan "
    "Sarah Emily Laura Rachel Megan Olivia Grace Chloe Hannah Rebecca Fiona Helen Diane Margaret "
    "James John Robert David Richard Daniel Mark Paul Steven Andrew Kevin Brian George Edward "
    "Ahmed Yusuf Mehmet Leila Amira Fatima Omar Karim Sofia Elena Marco Luca Giulia Pierre "
    "Camille Hugo Chloé Javier Lucía Mateo Ingrid Astrid Erik Sigrid Mikko Aino Kenji Yuki "
    "Priya Arjun Chen Wei Olena Dmytro Oksana Bogdan Zofia Agnieszka"
)

SURNAMES = _w(
    "Berger Hoffmann Krause Lindner Vogt Brandt Scholl Albrecht Wendt Hartmann Kessler Roth "
    "Seidel Pohl Busch Winkler Graf Sauer Ludwig Franke Kühn Lorenz Haas Schubert Baumann "
    "Engel Horn Böhm Kaiser Simon Jäger Voigt Stein Schreiber Dietrich Ziegler Brenner Fuchs "
    "Kraft Thiel Wagner Hauser Lehmann Marquardt Neumeyer Ostermann Pfeiffer Quandt Reuter "
    "Schäfer Tillmann Ulbrich Vollmer Westphal Zander Adler Bachmann Conrad Dressler Eberhardt "
    "Falkner Gehrke Heinemann Imhof Jansen Kortmann Lühr Maibaum Nowak Kowalski Dvořák Horvath "
    "Novak Petrović Ivanova Kovalenko Shevchuk Tkachenko Marchenko Jankowski Wiśniewski "
    "Walker Harper Bennett Fletcher Sullivan Hughes Morgan Reynolds Carter Mitchell Crawford "
    "Ellison Gallagher Holloway Kendall Lawson Mercer Norris Pearson Quinn Radcliffe Sheridan "
    "Thornton Underwood Whitaker Ashford Blackwood Caldwell Donovan Everett Fairbanks Granger "
    "Hastings Ingram Jennings Kingsley Langford Montague Northcott Oakley Prescott Rowntree "
    "Rossi Bianchi Ferraro Moretti Conti Dubois Lefèvre Moreau Girard Fernández Navarro Ortega "
    "Castillo Lindqvist Johansson Virtanen Korhonen Halvorsen Tanaka Sato Nakamura Sharma "
    "Mehta Iyer Okafor Mensah Adeyemi Haddad Nasser Aydın Yılmaz Demir Kaya Öztürk Şahin "
    "Papadopoulos Georgiou Constantin Popescu Ionescu Kovács Szabó Nagy Varga Horák Svoboda"
)

#: (German role, English role) put before a person's first mention.
ROLES = (
    ("Bundeskanzlerin", "Chancellor"),
    ("Außenminister", "Foreign Minister"),
    ("Finanzministerin", "Finance Minister"),
    ("Innenminister", "Interior Minister"),
    ("Gesundheitsministerin", "Health Minister"),
    ("Verteidigungsminister", "Defence Minister"),
    ("Ministerpräsident", "Prime Minister"),
    ("Präsidentin", "President"),
    ("Oppositionsführer", "opposition leader"),
    ("Parteichefin", "party leader"),
    ("Bürgermeister", "Mayor"),
    ("Landrätin", "district head"),
    ("Gewerkschaftschef", "union leader"),
    ("Konzernchefin", "chief executive"),
    ("Vorstandschef", "chief executive"),
    ("Notenbankchef", "central bank governor"),
    ("Generalsekretärin", "Secretary-General"),
    ("Staatsanwalt", "prosecutor"),
    ("Richterin", "judge"),
    ("Trainer", "coach"),
    ("Kapitänin", "captain"),
    ("Stürmer", "striker"),
    ("Virologin", "virologist"),
    ("Klimaforscher", "climate scientist"),
    ("Regisseurin", "director"),
    ("Sprecher", "spokesman"),
    ("Botschafterin", "Ambassador"),
    ("Polizeipräsident", "police chief"),
    ("Abgeordnete", "MP"),
    ("Ökonom", "economist"),
)

ORG_STEMS = _w(
    "Varex Korvin Heliand Norvia Aldera Brightwell Castelo Dunmore Elbrand Fennick Goldvale "
    "Harrow Istria Juvena Kestrel Lumora Merian Nordhafen Ostwind Pellar Quarz Rheinau Solvik "
    "Tessaro Ulmen Valdor Westmark Yarrow Zentris Ambro Belcor Cedra Delmont Estana Farrow "
    "Granit Halden Iberon Jastrow Kalmar Lennox Mosel Nautika Orlen Prisma Rovena Sandor Tavira "
    "Unitas Verdan Wexford Altmark Bodden Carrick Drover Emsland Falkenrath Glenholm Havel "
    "Isarwerk Jadebucht Kellwald Lauterbach Marlow Neckar Oderland Parchim Querfurt Rennsteig "
    "Saalfeld Teutonia Uckermark Vulkan Wendland Zollern Apex Boreal Cygnus Dorian Ember "
    "Fjord Gale Harbor Ionic Juniper Kite Lyra Meridian Nimbus Onyx Pinnacle Quill Radiant"
)

ORG_SUFFIXES = (
    "AG",
    "Bank",
    "Energie",
    "Energy",
    "Group",
    "Holding",
    "Logistik",
    "Motors",
    "Pharma",
    "Telekom",
    "Versicherung",
    "Airlines",
    "Stiftung",
    "Institut",
    "Partei",
    "Union",
    "Werke",
    "Capital",
    "Systems",
    "Verband",
)

#: ISO codes of the countries whose places the articles name (cities by population).
COUNTRIES = _w(
    "DE AT CH FR IT ES PL CZ NL BE DK SE NO FI GB IE US CA UA RU BY TR GR RO HU PT BR MX IN CN "
    "JP KR IL EG NG ZA KE AU SK RS HR"
)

WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "de": _w("Januar Februar März April Mai Juni Juli August September Oktober November Dezember"),
    "en": _w(
        "January February March April May June July August September October November December"
    ),
}

#: General news nouns, common across every kind of event: all singular subjects (German ones
#: feminine or neuter, so nominative and accusative agree), used where the grammar allows.
GENERAL = {
    "de": (
        "die Regierung",
        "die Opposition",
        "die Bevölkerung",
        "die Kommission",
        "die Verwaltung",
        "die Polizei",
        "die Wirtschaft",
        "das Parlament",
        "die Stadtverwaltung",
        "die Gewerkschaft",
        "das Ministerium",
        "die Stadt",
        "die Industrie",
        "die Landesregierung",
        "die Bundesregierung",
        "die Öffentlichkeit",
        "die Koalition",
        "die Justiz",
        "die Fraktion",
        "die Notenbank",
    ),
    "en": (
        "the government",
        "the opposition",
        "the commission",
        "the administration",
        "the city council",
        "the central bank",
        "the economy",
        "parliament",
        "the agency",
        "the union",
        "the ministry",
        "the city",
        "the industry",
        "the regional government",
        "the federal government",
        "the public",
        "the coalition",
        "the court",
        "the party",
        "the treasury",
    ),
}

ADJECTIVES = {
    "de": _w(
        "schwierig ernst angespannt ungewiss entscheidend offen unklar dramatisch stabil "
        "kritisch überraschend vorläufig beispiellos notwendig umstritten dringend"
    ),
    "en": _w(
        "difficult serious tense uncertain decisive open unclear dramatic stable critical "
        "surprising provisional unprecedented necessary contested urgent"
    ),
}

QUOTES = {
    "de": (
        "Wir werden das nicht einfach hinnehmen",
        "Das ist ein wichtiger Schritt in die richtige Richtung",
        "Niemand hat mit einer solchen Entwicklung gerechnet",
        "Wir brauchen jetzt schnelle und klare Entscheidungen",
        "Die Menschen erwarten zu Recht Antworten",
        "Es gibt noch viel zu tun, aber wir sind auf einem guten Weg",
        "Das Vertrauen ist beschädigt",
        "Wir stehen erst am Anfang",
        "So kann es nicht weitergehen",
        "Wir haben alles getan, was möglich war",
        "Die Lage ist ernster, als viele glauben",
        "Das war ein guter Tag",
        "Wir lassen uns nicht unter Druck setzen",
        "Am Ende zählt nur das Ergebnis",
        "Die Zahlen sprechen eine deutliche Sprache",
        "Wir prüfen alle Optionen",
    ),
    "en": (
        "We will not simply accept this",
        "This is an important step in the right direction",
        "Nobody expected things to move this fast",
        "We need quick and clear decisions now",
        "People rightly expect answers",
        "There is a lot left to do, but we are on the right track",
        "Trust has been damaged",
        "We are only at the beginning",
        "This cannot go on",
        "We did everything we could",
        "The situation is more serious than many think",
        "It was a good day",
        "We will not be pressured",
        "In the end only the result counts",
        "The numbers speak for themselves",
        "We are looking at all options",
    ),
}

#: German rare words: compounds of a first part and a feminine head ("die {X}" works in the
#: nominative and accusative), so the tail of the distribution is long.
COMPOUND_PARTS = _w(
    "Hafen Wasser Schul Miet Kohle Wind Bahn Kranken Renten Grund Sicherheits Agrar Milch "
    "Brücken Fernwärme Abwasser Deich Forst Jagd Kita Pflege Sozial Strom Tarif Verkehrs Wald "
    "Wohnungs Zoll Fischerei Getreide Heiz Kanal Lärm Müll Nahverkehrs Parkplatz Radweg Schienen "
    "Sperr Tourismus Ufer Vereins Weinbau Ziegel Bau Grenz Hochwasser Glasfaser Klinik Dünger "
    "Lotsen Moor Quellen Salz Torf Wärme Stau"
)
COMPOUND_HEADS = _w(
    "behörde kommission verordnung abgabe pflicht strategie initiative planung förderung reform "
    "prüfung versorgung leitung anlage grenze quote zulage debatte krise bilanz"
)

#: English rare words: less common nouns (the tail of the English vocabulary).
RARE_EN = _w(
    "levy moratorium ordinance dredging turbine pipeline embankment aqueduct annexe bylaw "
    "caucus dossier easement floodgate gantry hangar inquest jetty kiln lockkeeper mooring "
    "nursery orchard paddock quarry reservoir sluice tannery underpass viaduct warehouse "
    "yardstick zoning allotment boatyard causeway distillery estuary foundry granary "
    "heathland incinerator junction kerbside landfill marina netting outfall pylon quayside "
    "rookery substation tollbooth upland vineyard watermill abattoir bandstand colliery depot "
    "ferryman grazier hatchery ironworks jamboree knackery lido millrace nave overpass pier "
    "ropewalk silo tramline wharf arbitration bailiff covenant deposition encumbrance "
    "forfeiture garnishee injunction jurisprudence lien mandamus notary ombudsman probate "
    "quorum rescission subpoena tribunal usufruct veto waiver audit bursary consortium "
    "debenture escrow franchise gilt hedge insolvency ledger margin nominee overdraft "
    "prospectus receivership surety tranche underwriter voucher yield"
)

SUBHEADINGS = {
    "de": ("Wie es weitergeht", "Kritik aus der Opposition", "Die Hintergründe", "Reaktionen"),
    "en": ("What happens next", "Criticism from the opposition", "Background", "Reactions"),
}

# Event types: German nouns, English nouns, headline and type-specific sentence templates.
TypeVocab = dict[str, tuple[str, ...]]

TYPES: dict[str, TypeVocab] = {
    "meeting": {
        "de_nouns": ("Gipfeltreffen", "Staatsbesuch", "Gespräche", "Verhandlungsrunde", "Treffen"),
        "en_nouns": ("summit", "state visit", "talks", "negotiations", "meeting"),
        "de_head": ("{P} trifft {P} in {L}", "Gipfel in {L}: {P} setzt auf Gespräche"),
        "en_head": ("{P} meets {P} in {L}", "{L} summit: {P} bets on talks"),
        "de_body": (
            "Bei dem Treffen in {L} ging es nach Angaben von {O} vor allem um {X}.",
            "{RP} und {RP} kamen am {WD} zu einem {A}en Gespräch zusammen.",
        ),
        "en_body": (
            "The meeting in {L} focused mainly on the {X}, according to {O}.",
            "{RP} and {RP} held {A} talks on {WD}.",
        ),
    },
    "statement": {
        "de_nouns": ("Erklärung", "Rede", "Interview", "Warnung", "Ankündigung"),
        "en_nouns": ("statement", "speech", "interview", "warning", "announcement"),
        "de_head": ("{P} warnt vor {X}", "{P}: „{Q}“"),
        "en_head": ("{P} warns over {X}", "{P}: '{Q}'"),
        "de_body": (
            "In einer Rede vor {N} Gästen in {L} warnte {P} vor den Folgen für {G}.",
            "{P} kündigte an, die {X} bis zum {DATE2} vorzulegen.",
        ),
        "en_body": (
            "In a speech to {N} guests in {L}, {P} warned of the consequences for {G}.",
            "{P} announced that the {X} would be presented by {DATE2}.",
        ),
    },
    "agreement": {
        "de_nouns": ("Abkommen", "Einigung", "Vertrag", "Waffenruhe", "Koalitionsvertrag"),
        "en_nouns": ("agreement", "deal", "treaty", "ceasefire", "coalition agreement"),
        "de_head": ("Einigung in {L}: {O} und {O} unterzeichnen Abkommen", "{P} lobt Abkommen"),
        "en_head": ("{O} and {O} sign deal in {L}", "{P} hails agreement"),
        "de_body": (
            "Das Abkommen sieht nach Angaben von {O} Investitionen von {MONEY} vor.",
            "Unterzeichnet wurde der Vertrag am {WD} in {L} im Beisein von {RP}.",
        ),
        "en_body": (
            "The agreement foresees investments of {MONEY}, according to {O}.",
            "The treaty was signed on {WD} in {L} in the presence of {RP}.",
        ),
    },
    "protest": {
        "de_nouns": ("Demonstration", "Kundgebung", "Streik", "Protestmarsch", "Blockade"),
        "en_nouns": ("demonstration", "rally", "strike", "protest march", "blockade"),
        "de_head": ("Tausende protestieren in {L} gegen die {X}", "Streik legt {L} lahm"),
        "en_head": ("Thousands protest in {L} against the {X}", "Strike paralyses {L}"),
        "de_body": (
            "Nach Schätzungen der Polizei zogen {NB} Menschen durch die Innenstadt von {L}.",
            "{O} rief für {WD} zu einem Warnstreik auf, der den Verkehr in {L} stark behinderte.",
        ),
        "en_body": (
            "Police estimated that {NB} people marched through the centre of {L}.",
            "{O} called a warning strike for {WD}, which heavily disrupted traffic in {L}.",
        ),
    },
    "election": {
        "de_nouns": ("Wahl", "Abstimmung", "Stichwahl", "Referendum", "Umfrage"),
        "en_nouns": ("election", "vote", "runoff", "referendum", "poll"),
        "de_head": ("Wahl in {CY}: {P} liegt vorn", "{O} gewinnt Abstimmung in {L}"),
        "en_head": ("{CY} election: {P} takes the lead", "{O} wins vote in {L}"),
        "de_body": (
            "Nach Auszählung fast aller Stimmen kam {O} auf {PCT}, die Wahlbeteiligung lag bei "
            "{PCT}.",
            "{RP} sprach am Wahlabend in {L} von einem {A}en Ergebnis.",
        ),
        "en_body": (
            "With almost all votes counted, {O} won {PCT}, on a turnout of {PCT}.",
            "{RP} called the result {A} on election night in {L}.",
        ),
    },
    "legal": {
        "de_nouns": ("Prozess", "Urteil", "Anklage", "Ermittlungen", "Festnahme"),
        "en_nouns": ("trial", "verdict", "indictment", "investigation", "arrest"),
        "de_head": ("Urteil in {L}: {N} Jahre Haft für Manager von {O}", "Razzia bei {O}"),
        "en_head": ("{L} court jails {O} manager for {N} years", "Police raid {O} offices"),
        "de_body": (
            "Das Landgericht {L} sah es als erwiesen an, dass {MONEY} veruntreut wurden.",
            "{RP} erhob am {WD} Anklage wegen des Verdachts auf Betrug im Zusammenhang mit der "
            "{X}.",
        ),
        "en_body": (
            "The court in {L} found it proven that {MONEY} had been embezzled.",
            "{RP} filed charges on {WD} on suspicion of fraud linked to the {X}.",
        ),
    },
    "economic": {
        "de_nouns": ("Inflation", "Haushalt", "Quartalszahlen", "Übernahme", "Stellenabbau"),
        "en_nouns": ("inflation", "budget", "quarterly results", "takeover", "job cuts"),
        "de_head": ("{O} streicht {NB} Stellen", "{O} übernimmt {O} für {MONEY}"),
        "en_head": ("{O} to cut {NB} jobs", "{O} buys {O} for {MONEY}"),
        "de_body": (
            "Der Umsatz von {O} stieg im Quartal um {PCT}, der Gewinn sank auf {MONEY}.",
            "Analysten in {L} hatten mit einem Rückgang um {PCT} gerechnet.",
        ),
        "en_body": (
            "Revenue at {O} rose {PCT} in the quarter while profit fell to {MONEY}.",
            "Analysts in {L} had expected a decline of {PCT}.",
        ),
    },
    "disaster": {
        "de_nouns": ("Hochwasser", "Waldbrand", "Sturm", "Erdbeben", "Zugunglück"),
        "en_nouns": ("flood", "wildfire", "storm", "earthquake", "train crash"),
        "de_head": ("Hochwasser in {L}: {N} Orte evakuiert", "Unglück bei {L}: {N} Verletzte"),
        "en_head": ("Floods in {L}: {N} towns evacuated", "{N} injured in accident near {L}"),
        "de_body": (
            "Rettungskräfte aus {L2} und {L2} waren die ganze Nacht im Einsatz.",
            "Der Pegel stieg bis {WD} auf {N} Zentimeter über dem Normalwert.",
        ),
        "en_body": (
            "Rescue workers from {L2} and {L2} worked through the night.",
            "By {WD} the water level had risen {N} centimetres above normal.",
        ),
    },
    "sport": {
        "de_nouns": ("Spiel", "Turnier", "Finale", "Meisterschaft", "Transfer"),
        "en_nouns": ("match", "tournament", "final", "championship", "transfer"),
        "de_head": ("{P} schießt {O} zum Sieg", "Finale in {L}: {O} gewinnt {N}:{N}"),
        "en_head": ("{P} fires {O} to victory", "{L} final: {O} win {N}-{N}"),
        "de_body": (
            "Vor {NB} Zuschauern in {L} traf {P} in der {N}. Minute zur Führung.",
            "{RP} lobte nach dem Spiel die Moral seiner Mannschaft.",
        ),
        "en_body": (
            "In front of {NB} fans in {L}, {P} scored in the {N}th minute.",
            "{RP} praised the team's spirit after the match.",
        ),
    },
    "health": {
        "de_nouns": ("Impfkampagne", "Klinikreform", "Grippewelle", "Ärztemangel", "Studie"),
        "en_nouns": ("vaccination drive", "hospital reform", "flu wave", "doctor shortage"),
        "de_head": ("{P} will {X} reformieren", "Grippewelle: Kliniken in {L} am Limit"),
        "en_head": ("{P} plans overhaul of {X}", "Flu wave: {L} hospitals at the limit"),
        "de_body": (
            "In den Krankenhäusern von {L} werden derzeit {NB} Patienten behandelt.",
            "{RP} kündigte an, die {X} mit {MONEY} zu unterstützen.",
        ),
        "en_body": (
            "Hospitals in {L} are currently treating {NB} patients.",
            "{RP} pledged {MONEY} to support the {X}.",
        ),
    },
    "science": {
        "de_nouns": ("Forschung", "Raumfahrt", "Studie", "Entdeckung", "Satellit"),
        "en_nouns": ("research", "space flight", "study", "discovery", "satellite"),
        "de_head": ("Forscher in {L} melden Durchbruch", "{O} startet Satelliten"),
        "en_head": ("Researchers in {L} report breakthrough", "{O} launches satellite"),
        "de_body": (
            "Das Team um {RP} veröffentlichte die Ergebnisse nach {N} Monaten Arbeit.",
            "{O} will bis {YEAR} weitere {N} Satelliten ins All bringen.",
        ),
        "en_body": (
            "The team led by {RP} published its results after {N} months of work.",
            "{O} plans to put {N} more satellites into orbit by {YEAR}.",
        ),
    },
    "culture": {
        "de_nouns": ("Festival", "Ausstellung", "Premiere", "Preisverleihung", "Konzert"),
        "en_nouns": ("festival", "exhibition", "premiere", "award ceremony", "concert"),
        "de_head": ("{P} gewinnt Preis in {L}", "Festival in {L} zieht {NB} Besucher an"),
        "en_head": ("{P} wins award in {L}", "{L} festival draws {NB} visitors"),
        "de_body": (
            "Die Ausstellung in {L} ist noch bis zum {DATE2} zu sehen.",
            "{RP} nahm die Auszeichnung am {WD} in {L} entgegen.",
        ),
        "en_body": (
            "The exhibition in {L} runs until {DATE2}.",
            "{RP} accepted the award on {WD} in {L}.",
        ),
    },
}
EVENT_TYPE_NAMES = tuple(TYPES)

#: Generic sentences (slots every few words, so few word 5-shingles repeat across articles).
GENERIC = {
    "de": (
        "{RP} sagte am {WD} in {L}, die Lage sei {A}.",
        "Nach Angaben von {O} betrifft die {X} rund {NB} Menschen in {CY}.",
        "{G} reagierte {A} auf die Pläne von {P} zur {X}.",
        "Wie {O} mitteilte, sollen bis {YEAR} insgesamt {MONEY} in die {X} fließen.",
        "Kritik kam von {RP}: {G} verschleppe die {X} seit Monaten.",
        "In {L} und {L2} beobachtet {G} die Entwicklung seit Wochen mit Sorge.",
        "{P} verwies auf eine Umfrage von {O}, nach der {PCT} der Befragten die {X} ablehnen.",
        "Bereits im {MONTH} hatte {P} in {L2} über das Thema {T} gesprochen.",
        "Ein Sprecher von {O} wollte sich am {WD} nicht zu Einzelheiten äußern.",
        "Die Entscheidung über die {X} soll nun bis {MONTH} fallen, hieß es aus {L}.",
        "{G} will die {X} nach Informationen von {O} noch in diesem Jahr beschließen.",
        "Seit {YEAR} ist die Zahl der Fälle in {CY} um {PCT} gestiegen.",
        "{RP} forderte, {G} müsse beim Thema {T} schneller handeln.",
        "Beobachter in {L2} rechnen damit, dass die {X} {A} bleibt.",
        "Auch {O} und {O} kündigten an, sich an der {X} zu beteiligen.",
        "{P} betonte, {G} habe die {X} seit {N} Monaten vorbereitet.",
        "Die Kosten für die {X} schätzt {O} auf {MONEY}.",
        "Bis zum {DATE2} sollen weitere Gespräche mit {P} in {L} folgen.",
        "Nach Ansicht von {RP} ist die {X} für {CY} {A}.",
        "{G} in {L2} zeigte sich von der Entscheidung {A} überrascht.",
        "Am Rande des Termins in {L} traf {P} auch Vertreter von {O}.",
        "Das Thema {T} beschäftigt {G} in {CY} schon seit {N} Jahren.",
        "{N} Vertreter von {O} reisten eigens aus {L2} an.",
        "Ob die {X} tatsächlich kommt, hängt nach Einschätzung von {P} am Geld ab.",
        "Mit {PCT} Zustimmung rechnet {O} in einer ersten Hochrechnung für {L}.",
        "{P} räumte am {WD} Fehler bei der {X} ein.",
        "Für Mittwoch lud {O} zu einer Sitzung nach {L2} ein, bei der es um {T} gehen soll.",
        "Laut {O} wurden im vergangenen Jahr in {CY} {NB} Anträge zur {X} gestellt.",
    ),
    "en": (
        "{RP} said in {L} on {WD} that the situation was {A}.",
        "According to {O}, the {X} affects around {NB} people in {CY}.",
        "{G} reacted in a {A} way to the plans by {P} for the {X}.",
        "{O} said a total of {MONEY} would go into the {X} by {YEAR}.",
        "Criticism came from {RP}, who accused {G} of stalling the {X}.",
        "In {L} and {L2}, {G} has watched the situation with concern for weeks.",
        "{P} pointed to a poll by {O} in which {PCT} of those asked rejected the {X}.",
        "As early as {MONTH}, {P} had spoken about the {T} in {L2}.",
        "A spokesperson for {O} declined to give details on {WD}.",
        "A decision on the {X} is now expected by {MONTH}, officials in {L} said.",
        "{G} wants to approve the {X} this year, {O} reported.",
        "Since {YEAR}, the number of cases in {CY} has risen by {PCT}.",
        "{RP} said {G} had to move faster on the {T}.",
        "Observers in {L2} expect the {X} to remain {A}.",
        "{O} and {O} also said they would take part in the {X}.",
        "{P} stressed that {G} had spent {N} months preparing the {X}.",
        "{O} puts the cost of the {X} at {MONEY}.",
        "Further talks with {P} in {L} are due before {DATE2}.",
        "In the view of {RP}, the {X} is {A} for {CY}.",
        "{G} in {L2} said it was surprised by the {A} decision.",
        "On the sidelines of the visit to {L}, {P} also met representatives of {O}.",
        "The {T} has occupied {G} in {CY} for {N} years.",
        "{N} representatives of {O} travelled from {L2} for the occasion.",
        "Whether the {X} will happen depends on {G}, according to {P}.",
        "{O} expects {PCT} approval in a first projection for {L}.",
        "{P} admitted mistakes over the {X} on {WD}.",
        "{O} has called a meeting in {L2} on Wednesday to discuss the {T}.",
        "According to {O}, {NB} applications related to the {X} were filed in {CY} last year.",
    ),
}

#: Sentences without names: real reports have stretches of explanation between mentions.
LIGHT = {
    "de": (
        "Die Entscheidung gilt in Fachkreisen als {A}.",
        "Viele Fragen sind nach wie vor offen.",
        "Die Debatte über die {X} dürfte sich in den kommenden Wochen weiter zuspitzen.",
        "Der Zeitplan gilt als {A}.",
        "Insgesamt geht es um {MONEY}.",
        "Fachleute halten die {X} für {A}.",
        "Eine Einigung ist bislang nicht in Sicht.",
        "Die Zahl der Betroffenen liegt nach vorläufigen Schätzungen bei {NB}.",
        "{G} hat bislang keine Stellungnahme abgegeben.",
        "Über das Thema {T} wird seit Langem gestritten.",
        "Im Vergleich zum Vorjahr entspricht das einem Plus von {PCT}.",
        "Weitere Einzelheiten sollen in den nächsten Tagen bekannt werden.",
        "Ob der Plan aufgeht, ist offen.",
        "Die Kosten der {X} sind seit {YEAR} um {PCT} gestiegen.",
    ),
    "en": (
        "People familiar with the matter describe the decision as {A}.",
        "Many questions remain open.",
        "The debate over the {X} is likely to intensify in the coming weeks.",
        "The timetable is considered {A}.",
        "In total, {MONEY} is at stake.",
        "Specialists consider the {X} {A}.",
        "No agreement is in sight so far.",
        "Preliminary estimates put the number of people affected at {NB}.",
        "{G} has not yet commented.",
        "The {T} has been disputed for a long time.",
        "Compared with the previous year, that is an increase of {PCT}.",
        "Further details are expected in the coming days.",
        "Whether the plan will work is an open question.",
        "The cost of the {X} has risen by {PCT} since {YEAR}.",
    ),
}

LEADS = {
    "de": (
        "{RP} hat am {WD} in {L} das Thema {T} in den Mittelpunkt gestellt.",
        "Im Streit um die {X} hat {RP} in {L} eine Entscheidung angekündigt.",
        "In {L} sorgt das Thema {T} für Aufsehen: {O} und {P} sind sich uneins.",
    ),
    "en": (
        "{RP} put the {T} at the centre of attention in {L} on {WD}.",
        "In the dispute over the {X}, {RP} announced a decision in {L}.",
        "The {T} has caused a stir in {L}, with {O} and {P} at odds.",
    ),
}

QUOTE_FRAMES = {
    "de": ("„{Q}“, sagte {P}.", "„{Q}“, sagte {RP} in {L}.", "{P} sagte: „{Q}.“"),
    "en": ("“{Q},” {P} said.", "“{Q},” {RP} said in {L}.", "{P} said: “{Q}.”"),
}

OUTLETS = {
    "de": (
        ("Rheinblatt", "rheinblatt.de"),
        ("Tagesecho", "tagesecho.de"),
        ("Hanse-Anzeiger", "hanse-anzeiger.de"),
        ("Alpenpost", "alpenpost.at"),
        ("Mittelland Zeitung", "mittelland-zeitung.ch"),
        ("Spreekurier", "spreekurier.de"),
        ("Weser-Rundschau", "weser-rundschau.de"),
        ("Nachrichtenwerk", "nachrichtenwerk.de"),
        ("Isar-Bote", "isar-bote.de"),
        ("Ostseewelle", "ostseewelle.de"),
        ("Main-Journal", "main-journal.de"),
        ("Elbspiegel", "elbspiegel.de"),
    ),
    "en": (
        ("The Daily Ledger", "dailyledger.co.uk"),
        ("Harbour Times", "harbourtimes.com"),
        ("Northern Courier", "northerncourier.co.uk"),
        ("The Continental", "thecontinental.eu"),
        ("Metro Dispatch", "metrodispatch.com"),
        ("Atlantic Wire", "atlanticwire.news"),
        ("The Evening Record", "eveningrecord.com"),
        ("Capital Observer", "capitalobserver.com"),
        ("Riverside Post", "riversidepost.com"),
        ("Global Bulletin", "globalbulletin.org"),
        ("The Sentinel Online", "sentinel-online.com"),
        ("Market Street Journal", "marketstreetjournal.com"),
    ),
}
AGENCIES = {"de": ("dpa", "AFP", "Reuters", "KNA", "epd"), "en": ("Reuters", "AP", "AFP", "PA")}

# ---------------------------------------------------------------------------------------------
# The world: people, organisations, places, Zipf samplers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    role: int

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Loc:
    """A gazetteer place: ``name`` per language, English ``en`` as the canonical entity name."""

    en: str
    de: str
    country: str
    lat: float
    lon: float
    kind: str
    geonameid: int | None


class Zipf:
    """Draws items with probability ~ ``1 / (rank + offset)``: a few are everywhere, most rare."""

    def __init__(self, items: Sequence[Any], offset: float = 2.0, power: float = 1.0) -> None:
        self.items = list(items)
        weights = [1.0 / (r + offset) ** power for r in range(1, len(self.items) + 1)]
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


@dataclass
class World:
    """Everything articles are made of, built once from the seed."""

    people: Zipf
    orgs: Zipf
    cities: Zipf
    countries: dict[str, Loc]
    rare_de: Zipf
    rare_en: Zipf


def _people(rng: random.Random, n: int) -> list[Person]:
    names = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    rng.shuffle(names)
    seen_last: dict[str, int] = {}
    out = []
    for f, s in names:
        # at most seven people per surname, so "Berger" alone is sometimes ambiguous, as in life
        if seen_last.get(s, 0) >= 7:
            continue
        seen_last[s] = seen_last.get(s, 0) + 1
        out.append(Person(f, s, rng.randrange(len(ROLES))))
        if len(out) == n:
            break
    return out


def _orgs(rng: random.Random, n: int) -> list[str]:
    names = [f"{stem} {suffix}" for stem in ORG_STEMS for suffix in ORG_SUFFIXES]
    rng.shuffle(names)
    return names[:n]


def _places(n_cities: int) -> tuple[list[Loc], dict[str, Loc]]:
    """The biggest cities of :data:`COUNTRIES` (round-robin by population) and the countries."""
    from storyline.analyse.gazetteer import gazetteer

    gaz = gazetteer()
    by_country: dict[str, list[Loc]] = {cc: [] for cc in COUNTRIES}
    countries: dict[str, Loc] = {}
    rows = []
    for i in range(len(gaz)):
        r = gaz.row(i)
        if r.cc not in by_country:
            continue
        if r.kind == "country":
            countries[r.cc] = Loc(r.en, r.de or r.en, r.cc, r.lat, r.lon, r.kind, r.gid or None)
        elif r.kind == "city":
            rows.append(r)
    rows.sort(key=lambda r: -r.pop)
    for r in rows:
        loc = Loc(r.en, r.de or r.en, r.cc, round(r.lat, 5), round(r.lon, 5), "city", r.gid)
        by_country[r.cc].append(loc)
    cities: list[Loc] = []
    seen: set[str] = set()
    # interleave: the biggest cities of every country first, weighted toward DE and the US
    order = ["DE", "DE", "DE", "US", "GB", "AT", "CH", "FR", *COUNTRIES]
    idx = dict.fromkeys(COUNTRIES, 0)
    while len(cities) < n_cities and any(idx[c] < len(by_country[c]) for c in COUNTRIES):
        for cc in order:
            if idx[cc] < len(by_country[cc]) and len(cities) < n_cities:
                loc = by_country[cc][idx[cc]]
                idx[cc] += 1
                if loc.en not in seen:
                    seen.add(loc.en)
                    cities.append(loc)
    return cities, countries


def make_world(seed: int = SEED) -> World:
    """People (~1,100), organisations (~500), cities (~360) + countries (40): ~2,000 names."""
    rng = random.Random(seed)
    cities, countries = _places(360)
    rare_de = [p + h for p in COMPOUND_PARTS for h in COMPOUND_HEADS]
    rng.shuffle(rare_de)
    rare_en = list(RARE_EN)
    rng.shuffle(rare_en)
    return World(
        people=Zipf(_people(rng, 1100), offset=8),
        orgs=Zipf(_orgs(rng, 500), offset=5),
        cities=Zipf(cities, offset=3),
        countries=countries,
        rare_de=Zipf(rare_de, offset=5),
        rare_en=Zipf(rare_en, offset=5),
    )


# ---------------------------------------------------------------------------------------------
# Event plan
# ---------------------------------------------------------------------------------------------


@dataclass
class EventPlan:
    """One event before its articles are written: when, what, who, where, how many reports."""

    index: int
    day: int  # days after FIRST_DAY
    type: str
    language: str
    people: list[Person]
    orgs: list[str]
    place: Loc
    size: int
    story: int  # index of the storyline's first event
    topic: int  # index into the type's nouns

    @property
    def date(self) -> date:
        return FIRST_DAY + timedelta(days=self.day)


def _new_event(world: World, rng: random.Random, index: int, day: int, size: int) -> EventPlan:
    people: list[Person] = []
    while len(people) < 1 + min(2, int(rng.expovariate(1.2))):
        p = world.people.draw(rng)
        if p not in people:
            people.append(p)
    orgs: list[str] = []
    while len(orgs) < 1 + (rng.random() < 0.5):
        o = world.orgs.draw(rng)
        if o not in orgs:
            orgs.append(o)
    return EventPlan(
        index=index,
        day=day,
        type=rng.choice(EVENT_TYPE_NAMES),
        language="de" if rng.random() < 0.5 else "en",
        people=people,
        orgs=orgs,
        place=world.cities.draw(rng),
        size=size,
        story=index,
        topic=rng.randrange(5),
    )


def _sequel(prev: EventPlan, rng: random.Random, index: int, day: int, size: int) -> EventPlan:
    """The next event of ``prev``'s storyline: same actors, place and kind, another moment."""
    return EventPlan(
        index=index,
        day=day,
        type=prev.type,
        language=prev.language if rng.random() < 0.8 else ("en" if prev.language == "de" else "de"),
        people=list(prev.people),
        orgs=list(prev.orgs),
        place=prev.place,
        size=size,
        story=prev.story,
        topic=rng.randrange(5),
    )


def plan_events(world: World, n_articles: int, seed: int = SEED) -> list[EventPlan]:
    """Events in day order whose sizes add up to ``n_articles`` exactly."""
    rng = random.Random(seed + 1)
    sizes: list[int] = []
    total = 0
    while total < n_articles:
        s = min(rng.choices(SIZES, SIZE_WEIGHTS)[0], n_articles - total)
        sizes.append(s)
        total += s
    days = sorted(rng.randrange(DAYS - 3) for _ in sizes)
    plans: list[EventPlan] = []
    first = 0  # first plan within the sequel window (3-45 days back)
    for i, (size, day) in enumerate(zip(sizes, days, strict=True)):
        while first < len(plans) and plans[first].day < day - 45:
            first += 1
        window = [p for p in plans[first:] if p.day <= day - 3] if plans else []
        if window and rng.random() < SEQUEL_SHARE:
            plans.append(_sequel(rng.choice(window[-200:]), rng, i, day, size))
        else:
            plans.append(_new_event(world, rng, i, day, size))
    return plans


# ---------------------------------------------------------------------------------------------
# Writing one article (text and its analysis together, so every span is exact)
# ---------------------------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class Writer:
    """Fills templates for one article and records what it wrote: entities, places, times."""

    world: World
    plan: EventPlan
    language: str
    rng: random.Random
    published: date
    offset: int = 0  # where the current part starts in the article text
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)
    _person_turn: int = 0
    _last: str = ""  # the last person or organisation filled: "X meets X" is avoided

    # -- slots ---------------------------------------------------------------------------------

    def fill(self, template: str, start: int = 0) -> str:
        """The template with every slot filled; spans are recorded relative to the article."""
        out: list[str] = []
        pos = start
        last = 0
        for m in _SLOT.finditer(template):
            lit = template[last : m.start()]
            out.append(lit)
            pos += len(lit)
            text = self._slot(m.group(1), pos)
            out.append(text)
            pos += len(text)
            last = m.end()
        out.append(template[last:])
        return "".join(out)

    def _slot(self, name: str, pos: int) -> str:
        fn = getattr(self, "_s_" + name)
        return str(fn(pos))

    def _person(self, pos: int, with_role: bool) -> str:
        people = self.plan.people
        person = people[self._person_turn % len(people)]
        self._person_turn += 1 if self.rng.random() < 0.5 else 0
        while self.rng.random() < 0.15 or person.name == self._last:
            person = self.world.people.draw(self.rng)  # someone from outside the event
        self._last = person.name
        lang = 0 if self.language == "de" else 1
        prefix = ""
        if with_role or person.name not in self.mentioned:
            surface = person.name
            if with_role:
                prefix = ROLES[person.role][lang] + " "
        else:
            surface = person.last
        self.mentioned.add(person.name)
        start = pos + len(prefix)
        self.entities.append(
            Entity(surface, "PER", start, start + len(surface), canonical=person.name)
        )
        return prefix + surface

    def _s_P(self, pos: int) -> str:
        return self._person(pos, with_role=False)

    def _s_RP(self, pos: int) -> str:
        return self._person(pos, with_role=True)

    def _s_O(self, pos: int) -> str:
        name = self.rng.choice(self.plan.orgs)
        while self.rng.random() < 0.25 or name == self._last:
            name = self.world.orgs.draw(self.rng)
        self._last = name
        self.entities.append(Entity(name, "ORG", pos, pos + len(name), canonical=name))
        return name

    def _place(self, loc: Loc, pos: int, *, dateline: bool = False) -> str:
        surface = loc.de if self.language == "de" else loc.en
        self.entities.append(Entity(surface, "LOC", pos, pos + len(surface), canonical=loc.en))
        self.places.append(
            Place(
                text=surface,
                name=surface,
                country=loc.country,
                lat=loc.lat,
                lon=loc.lon,
                kind=loc.kind,
                start=pos,
                end=pos + len(surface),
                geonameid=loc.geonameid,
                via="dateline" if dateline else "name",
                dateline=dateline,
            )
        )
        return surface

    def _s_L(self, pos: int) -> str:
        return self._place(self.plan.place, pos)

    def _s_DL(self, pos: int) -> str:
        return self._place(self.plan.place, pos, dateline=True)

    def _s_L2(self, pos: int) -> str:
        return self._place(self.world.cities.draw(self.rng), pos)

    def _s_CY(self, pos: int) -> str:
        loc = self.world.countries.get(self.plan.place.country)
        return self._place(loc, pos) if loc else self._s_L2(pos)

    def _s_X(self, pos: int) -> str:
        rare = self.world.rare_de if self.language == "de" else self.world.rare_en
        return str(rare.draw(self.rng))

    def _s_T(self, pos: int) -> str:
        nouns = TYPES[self.plan.type][f"{self.language}_nouns"]
        i = self.plan.topic if self.rng.random() < 0.6 else self.rng.randrange(len(nouns))
        return nouns[i % len(nouns)]

    def _s_G(self, pos: int) -> str:
        return self.rng.choice(GENERAL[self.language])

    def _s_A(self, pos: int) -> str:
        return self.rng.choice(ADJECTIVES[self.language])

    def _s_Q(self, pos: int) -> str:
        return self.rng.choice(QUOTES[self.language])

    def _s_N(self, pos: int) -> str:
        return str(self.rng.randint(2, 90))

    def _s_NB(self, pos: int) -> str:
        n = self.rng.choice((1200, 3500, 8000, 15000, 40000, 120000))
        n = int(n * self.rng.uniform(0.7, 1.4)) // 100 * 100
        return f"{n:,}".replace(",", "." if self.language == "de" else ",")

    def _s_PCT(self, pos: int) -> str:
        v = f"{self.rng.uniform(1, 70):.1f}"
        return f"{v.replace('.', ',')} Prozent" if self.language == "de" else f"{v} percent"

    def _s_MONEY(self, pos: int) -> str:
        n = self.rng.choice((12, 45, 90, 180, 340, 760))
        if self.language == "de":
            return f"{n} Millionen Euro"
        return f"€{n} million"

    def _s_YEAR(self, pos: int) -> str:
        return str(self.published.year + self.rng.randint(1, 6))

    def _s_MONTH(self, pos: int) -> str:
        return MONTHS[self.language][self.rng.randrange(12)]

    def _s_WD(self, pos: int) -> str:
        day = self.plan.date
        word = WEEKDAYS[self.language][day.weekday()]
        self.times.append(
            TimeExpression(word, "DATE", day.isoformat(), pos, pos + len(word), anchored=True)
        )
        return word

    def _s_DATE2(self, pos: int) -> str:
        day = self.plan.date + timedelta(days=self.rng.randint(7, 90))
        if self.language == "de":
            text = f"{day.day}. {MONTHS['de'][day.month - 1]}"
        else:
            text = f"{MONTHS['en'][day.month - 1]} {day.day}"
        self.times.append(
            TimeExpression(text, "DATE", day.isoformat(), pos, pos + len(text), anchored=True)
        )
        return text


@dataclass
class Draft:
    """One generated report: the article, its analysis, and what the event summary needs."""

    article: Article
    analysis: Analysis
    vector: np.ndarray
    copy_uri: str | None = None  # a second outlet that ran the exact same text


def _sentence(w: Writer, rng: random.Random, start: int) -> str:
    lang = w.language
    r = rng.random()
    if r < 0.1:
        template = rng.choice(QUOTE_FRAMES[lang]).replace("{Q}", rng.choice(QUOTES[lang]))
    elif r < 0.25:
        template = rng.choice(TYPES[w.plan.type][f"{lang}_body"])
    elif r < 0.55:
        template = rng.choice(LIGHT[lang])
    else:
        template = rng.choice(GENERIC[lang])
    return _cap(w.fill(template, start))


def _cap(text: str) -> str:
    """Sentence case: "die Regierung ...", "chief executive ..." open sentences too."""
    return text[:1].upper() + text[1:]


def _paragraphs(w: Writer, rng: random.Random, start: int, n_sentences: int) -> list[Block]:
    """``n_sentences`` sentences in paragraphs of 2-5, starting at article offset ``start``."""
    blocks: list[Block] = []
    pos = start
    left = n_sentences
    while left > 0:
        if len(blocks) == 4 and rng.random() < 0.3:
            head = rng.choice(SUBHEADINGS[w.language])
            blocks.append(Block(head, "subheading"))
            pos += len(head) + 2
        sentences: list[str] = []
        for _ in range(min(left, rng.randint(2, 5))):
            s = _sentence(w, rng, pos)
            sentences.append(s)
            pos += len(s) + 1
        left -= len(sentences)
        blocks.append(Block(" ".join(sentences)))
        pos += 1  # the last sentence has no trailing space; the "\n\n" separator adds 2
    return blocks


def _outlet(language: str, rng: random.Random) -> tuple[str, str]:
    return rng.choice(OUTLETS[language])


def _slug(title: str) -> str:
    words = re.findall(r"[^\W_]+", title.casefold())
    return "-".join(words[:8]) or "article"


def write_article(world: World, plan: EventPlan, k: int, rng: random.Random) -> Draft:
    """Report ``k`` of ``plan``: headline, lead, paragraphs, and their exact analysis."""
    lang = plan.language if rng.random() < 0.8 else ("en" if plan.language == "de" else "de")
    published = plan.date + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 3)))
    w = Writer(world, plan, lang, rng, published)
    vocab = TYPES[plan.type]
    title = _cap(w.fill(rng.choice(vocab[f"{lang}_head"]), 0))
    pos = len(title) + 2
    agency = rng.choice(AGENCIES[lang]) if rng.random() < 0.35 else None
    lead = ""
    if agency:
        lead = w.fill("{DL}", pos) + f" ({agency}) – "
    lead += _cap(w.fill(rng.choice(LEADS[lang]), pos + len(lead)))
    pos += len(lead) + 2
    key_points: list[str] = []
    if rng.random() < 0.2:
        for _ in range(rng.randint(2, 3)):
            point = _sentence(w, rng, pos)
            key_points.append(point)
            pos += len(point) + 2
    body = _paragraphs(w, rng, pos, rng.randint(28, 42))
    text = compose_text(title, lead, key_points, body)
    name, domain = _outlet(lang, rng)
    aid = article_id(text)
    slug = _slug(title)
    uri = f"https://www.{domain}/{published:%Y/%m/%d}/{slug}-{aid[:6]}"
    article = Article(
        id=aid,
        source_uri=uri,
        text=text,
        language=lang,
        title=title,
        byline=None if agency else f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        source=name,
        agencies=[agency] if agency else [],
        dateline=(plan.place.de if lang == "de" else plan.place.en) if agency else None,
        published=published.isoformat(),
        lead=lead,
        body=body,
        key_points=key_points,
        url=uri,
    )
    analysis = _analysis(w, article, plan, rng)
    vector = np.asarray([rng.gauss(0, 0.3) for _ in range(16)], dtype=np.float32)
    copy_uri = None
    if rng.random() < EXACT_COPY_SHARE:
        other, other_domain = _outlet(lang, rng)
        if other != name:
            copy_uri = f"https://www.{other_domain}/{published:%Y/%m/%d}/{slug}-{aid[6:12]}"
    return Draft(article, analysis, vector, copy_uri)


def _analysis(w: Writer, article: Article, plan: EventPlan, rng: random.Random) -> Analysis:
    who = list(dict.fromkeys(e.canonical or e.text for e in w.entities if e.label == "PER"))[:3]
    place = plan.place.de if w.language == "de" else plan.place.en
    event = EventFrame(
        type=plan.type if rng.random() < 0.8 else "other",
        who=who,
        where=place if rng.random() < 0.75 else None,
        country=plan.place.country,
        when=plan.date.isoformat() if rng.random() < 0.55 else None,
        trigger=TYPES[plan.type][f"{w.language}_nouns"][plan.topic % 4],
        key_points=article.key_points[:2] or [(article.lead or "").split(" – ")[-1]],
    )
    return Analysis(
        article_id=article.id,
        language=w.language,
        published=article.published,
        entities=w.entities,
        places=w.places,
        times=w.times,
        event=event,
    )


def near_copy(world: World, plan: EventPlan, source: Draft, rng: random.Random) -> Draft:
    """Another outlet's edit of ``source``: new headline, last paragraph dropped, same body."""
    art = source.article
    lang = art.language or plan.language
    w = Writer(world, plan, lang, rng, date.fromisoformat(art.published or "2023-01-01"))
    title = _cap(w.fill(rng.choice(TYPES[plan.type][f"{lang}_head"]), 0))
    shift = len(title) - len(art.title or "")
    body = art.body[:-1] if len(art.body) >= 7 else art.body
    text = compose_text(title, art.lead, art.key_points, body)
    cut = len(text)
    ents = w.entities + [
        Entity(e.text, e.label, e.start + shift, e.end + shift, e.canonical)
        for e in source.analysis.entities
        if e.start >= len(art.title or "") and e.end + shift <= cut
    ]
    places = w.places + [
        Place(**{**p.__dict__, "start": p.start + shift, "end": p.end + shift})
        for p in source.analysis.places
        if p.start >= len(art.title or "") and p.end + shift <= cut
    ]
    name, domain = _outlet(lang, rng)
    aid = article_id(text)
    uri = f"https://www.{domain}/{art.published.replace('-', '/')}/{_slug(title)}-{aid[:6]}"
    article = Article(
        **{
            **art.__dict__,
            "id": aid,
            "source_uri": uri,
            "url": uri,
            "text": text,
            "title": title,
            "body": body,
            "source": name,
        }
    )
    src = source.analysis
    analysis = Analysis(
        article_id=aid,
        language=src.language,
        published=src.published,
        entities=ents,
        places=places,
        times=[
            TimeExpression(**{**t.__dict__, "start": t.start + shift, "end": t.end + shift})
            for t in src.times
            if t.start >= len(art.title or "") and t.end + shift <= cut
        ],
        event=src.event,
    )
    vector = source.vector + np.float32(0.01)
    return Draft(article, analysis, vector)


def write_event(world: World, plan: EventPlan, seed: int = SEED) -> list[Draft]:
    """Every report of one event, from the event's own RNG (order- and process-independent)."""
    rng = random.Random(seed * 1_000_003 + plan.index)
    centre = np.asarray([rng.gauss(0, 1) for _ in range(16)], dtype=np.float32)
    drafts: list[Draft] = []
    ids: set[str] = set()
    for k in range(plan.size):
        d = None
        # 80% of the reports have an earlier one in their event: ~NEAR_COPY_SHARE of all
        if drafts and rng.random() < NEAR_COPY_SHARE * 1.25:
            d = near_copy(world, plan, rng.choice(drafts), rng)
        if d is None or d.article.id in ids:  # a copy that drew its source's own headline
            d = write_article(world, plan, k, rng)
            d.vector = d.vector + centre
        ids.add(d.article.id)
        drafts.append(d)
    return drafts


# ---------------------------------------------------------------------------------------------
# Events, storylines, the LinkUpdate
# ---------------------------------------------------------------------------------------------


@dataclass
class Linked:
    """What the LinkUpdate is assembled from while articles are added, event by event."""

    members: list[tuple[str, str, int]] = field(default_factory=list)
    pairs: list[tuple[str, str, float, bool]] = field(default_factory=list)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)  # plan index -> summary
    story_events: dict[int, list[int]] = field(default_factory=dict)  # story -> plan indexes
    changes: list[tuple[str, str, list[str], str | None]] = field(default_factory=list)
    redirects: list[tuple[str, str, str]] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)  # article ids, for negative pairs


def _bundle(d: Draft) -> Bundle:
    vec = d.vector / (np.linalg.norm(d.vector) or 1.0)
    return Bundle(
        article_id=d.article.id,
        language=d.article.language,
        encoder="use",
        vectors=np.stack([vec, vec]).astype(np.float32),
        title=d.article.title or "",
        published=d.article.published,
        event_when=d.analysis.event.when if d.analysis.event else None,
    )


def link_event(linked: Linked, plan: EventPlan, drafts: list[Draft], rng: random.Random) -> None:
    """Record one event: memberships, scored pairs, its summary and its history."""
    ids = [d.article.id for d in drafts]
    eid = event_id_for(ids[0])
    base = len(linked.members)
    members = [
        Member(d.article, d.analysis, _bundle(d), arrival=base + i) for i, d in enumerate(drafts)
    ]
    linked.members.extend((a, eid, base + i) for i, a in enumerate(ids))
    for i in range(1, len(ids)):
        for j in rng.sample(range(i), min(i, 3)):  # each report scored against <= 3 members
            linked.pairs.append((ids[j], ids[i], round(rng.uniform(0.55, 0.99), 4), False))
        if linked.recent:  # and against two nearby reports of other events (low scores)
            for other in rng.sample(linked.recent, min(2, len(linked.recent))):
                linked.pairs.append((other, ids[i], round(rng.uniform(0.01, 0.4), 4), False))
    linked.recent = (linked.recent + ids)[-400:]
    summary = summarise_event(eid, members)
    summary["seq"] = plan.index
    linked.events[plan.index] = summary
    linked.story_events.setdefault(plan.story, []).append(plan.index)
    linked.changes.append(("event_new", eid, [], ids[0]))
    if len(ids) > 2 and rng.random() < 0.05:  # an event that was two until a report joined them
        old = event_id_for(ids[-1])
        linked.changes.append(("event_merge", eid, [old], ids[-1]))
        linked.redirects.append(("event", old, eid))


def link_update(linked: Linked, based_on: tuple[int, int]) -> LinkUpdate:
    """Storylines over the planned chains, then the whole update in the runner's shapes."""
    storylines = []
    story_changes: list[tuple[str, str, list[str], str | None]] = []
    for seq, (_story, plan_ids) in enumerate(sorted(linked.story_events.items())):
        events = [linked.events[i] for i in plan_ids]
        sid = storyline_id_for(events[0]["id"])
        for ev in events:
            ev["storyline_id"] = sid
        row = summarise_storyline(sid, events)
        row["seq"] = seq
        storylines.append(row)
        story_changes.append(("story_new", sid, [], None))
    events = list(linked.events.values())
    for ev in events:
        ev["keys"] = sorted(event_keys(ev))
    return LinkUpdate(
        members=linked.members,
        pairs=linked.pairs,
        events=events,
        removed_events=[],
        storylines=storylines,
        removed_storylines=[],
        redirects=linked.redirects,
        changes=linked.changes + story_changes,
        story_of={},
        based_on=based_on,
    )


# ---------------------------------------------------------------------------------------------
# Building and caching the store
# ---------------------------------------------------------------------------------------------


@dataclass
class BuildInfo:
    """What a build made and how long it took (the sidecar JSON of a cached store)."""

    generator: str
    articles: int
    seed: int
    stored_articles: int = 0
    near_duplicates: int = 0
    copies: int = 0
    events: int = 0
    storylines: int = 0
    entities: int = 0
    seconds: float = 0.0
    seconds_add: float = 0.0
    seconds_analysis: float = 0.0
    seconds_generate: float = 0.0
    seconds_links: float = 0.0
    seconds_commit: float = 0.0
    jobs: int = 0
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def size_label(n: int) -> str:
    """``100000`` -> ``100k``, ``2000`` -> ``2k``, ``1500`` -> ``1500``."""
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def default_path(n_articles: int) -> Path:
    return CACHE_DIR / f"web-{size_label(n_articles)}.db"


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _remove_db(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


#: Articles per grouped transaction while building, and the page cache of the building
#: connection (see :func:`grouped_writes`).
GROUP = 2000
BULK_CACHE_MB = 1024


@contextmanager
def grouped_writes(store: Any) -> Iterator[Callable[[], None]]:
    """Group many store writes into one transaction; yields ``commit()`` to end a group.

    Why: the store commits every ``add`` and ``put_analysis`` on its own (right for ingest,
    where each article must be durable), and the cost of a commit grows with the database
    (each one rewrites every B-tree page it touched: ~1 ms per commit at 10,000 articles, more
    later), which made a 100,000-article build take over 15 minutes. The :class:`Store` has no
    bulk-load API, so this swaps the SQLite store's private ``_write`` for one that reuses an
    open ``BEGIN IMMEDIATE``: every statement is still the store's own, only the transaction
    boundaries move. On any other store (or if the private names change) it does nothing.
    """
    conn_of = getattr(store, "_db", None)
    needed = ("_write", "_lock", "_errors")
    if conn_of is None or not all(hasattr(store, n) for n in needed):
        yield lambda: None
        return
    state = {"open": False}

    @contextmanager
    def write(doing: str) -> Iterator[Any]:
        with store._lock, store._errors(doing):
            if not state["open"]:
                conn_of().execute("BEGIN IMMEDIATE")
                state["open"] = True
            yield conn_of()

    def commit() -> None:
        if state["open"]:
            conn_of().execute("COMMIT")
            state["open"] = False

    conn = conn_of()
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_MB * 1024}")  # the indexes take random keys
    # The build writes a temporary file that is renamed only when complete, so it needs neither
    # fsync nor a journal: every page is written once, to the file, instead of to the WAL and
    # again at each checkpoint. WAL (the store's mode) is switched back on at the end.
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = OFF").fetchone()
    store._write = write
    try:
        yield commit
        commit()
    except BaseException:
        state["open"] = False  # no journal, no rollback: the temporary file is thrown away
        raise
    finally:
        del store._write  # the class's own method again
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")


_WORLD: World | None = None


def _init_worker(seed: int) -> None:
    global _WORLD
    _WORLD = make_world(seed)


def _generate(job: tuple[EventPlan, int]) -> tuple[list[Draft], list[Signature | None]]:
    """One event's drafts and their MinHash signatures (in a worker process)."""
    plan, seed = job
    world = _WORLD if _WORLD is not None else make_world(seed)
    drafts = write_event(world, plan, seed)
    return drafts, [signature(d.article.text) for d in drafts]


Batches = Iterator[tuple[list[Draft], list[Signature | None]]]


@contextmanager
def generated(world: World, plans: list[EventPlan], seed: int, jobs: int) -> Iterator[Batches]:
    """Each event's drafts, made in ``jobs`` worker processes (0: here) while the caller writes.

    Why: writing is single-threaded (SQLite has one writer), so text generation and MinHash
    signatures (~40% of the per-article cost) run alongside it on the second core. Enter this
    before opening the store: the workers are forked without its connection.
    """
    if jobs <= 0:
        yield ((write_event(world, p, seed), [None] * p.size) for p in plans)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(seed,)) as pool:
        yield pool.imap(_generate, ((p, seed) for p in plans), chunksize=32)


def default_jobs() -> int:
    return 1 if (os.cpu_count() or 1) > 1 else 0


def build_store(
    path: Path,
    n_articles: int,
    *,
    seed: int = SEED,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildInfo:
    """Generate ``n_articles`` articles into a fresh store at ``path`` (replaced if present)."""
    t0 = time.perf_counter()
    info = BuildInfo(GENERATOR_VERSION, n_articles, seed)
    world = make_world(seed)
    plans = plan_events(world, n_articles, seed)
    info.jobs = default_jobs() if jobs is None else jobs
    tmp = path.with_name(path.name + ".tmp")
    _remove_db(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 2)
    linked = Linked()
    done = 0
    with generated(world, plans, seed, info.jobs) as batches, open_store(tmp) as store:
        with grouped_writes(store) as commit:
            t = time.perf_counter()
            for plan, (drafts, sigs) in zip(plans, batches, strict=True):
                info.seconds_generate += time.perf_counter() - t
                _add_event(store, drafts, sigs, info)
                t = time.perf_counter()
                link_event(linked, plan, drafts, rng)
                info.seconds_links += time.perf_counter() - t
                if (done + len(drafts)) // GROUP != done // GROUP:
                    t = time.perf_counter()
                    commit()
                    info.seconds_commit += time.perf_counter() - t
                done += len(drafts)
                if progress and (plan.index % 200 == 0 or done == n_articles):
                    progress(done, n_articles)
                t = time.perf_counter()
        t = time.perf_counter()
        store.save_links(link_update(linked, store.link_snapshot().version))
        info.seconds_links += time.perf_counter() - t
        _count(store, linked, info)
    _remove_db(path)
    tmp.replace(path)
    info.seconds = round(time.perf_counter() - t0, 1)
    info.bytes = path.stat().st_size
    for k in ("seconds_add", "seconds_analysis", "seconds_generate", "seconds_links"):
        setattr(info, k, round(getattr(info, k), 1))
    info.seconds_commit = round(info.seconds_commit, 1)
    return info


def _count(store: Any, linked: Linked, info: BuildInfo) -> None:
    stats = store.stats()
    info.stored_articles = stats["articles"]
    info.near_duplicates = stats["near_duplicates"]
    info.copies = stats["copies"]
    info.events = len(linked.events)
    info.storylines = len(linked.story_events)
    info.entities = len(store.entities(limit=100_000))


def _add_event(
    store: Any, drafts: list[Draft], sigs: list[Signature | None], info: BuildInfo
) -> None:
    for d, sig in zip(drafts, sigs, strict=True):
        t = time.perf_counter()
        store.add(d.article, signature=sig)
        if d.copy_uri:
            again = {**d.article.__dict__, "source_uri": d.copy_uri, "url": d.copy_uri}
            store.add(Article(**again), signature=sig)
        t2 = time.perf_counter()
        store.put_analysis(d.analysis, ANALYSIS_VERSION)
        info.seconds_add += t2 - t
        info.seconds_analysis += time.perf_counter() - t2


def ensure_store(
    n_articles: int = 100_000,
    *,
    path: Path | None = None,
    force: bool = False,
    seed: int = SEED,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, BuildInfo, bool]:
    """``(path, build info, built now)``: the cached store, (re)built when missing or stale."""
    path = path or default_path(n_articles)
    side = _sidecar(path)
    if not force and path.exists() and side.exists():
        meta = json.loads(side.read_text(encoding="utf-8"))
        if (
            meta.get("generator") == GENERATOR_VERSION
            and meta.get("articles") == n_articles
            and meta.get("seed") == seed
        ):
            return path, BuildInfo(**meta), False
    info = build_store(path, n_articles, seed=seed, jobs=jobs, progress=progress)
    side.write_text(json.dumps(info.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path, info, True


# ---------------------------------------------------------------------------------------------
# What the benchmark queries
# ---------------------------------------------------------------------------------------------


def query_words(seed: int = SEED) -> dict[str, list[str]]:
    """Search words by how often the generated text uses them.

    ``common``: general and event-type nouns, the most mentioned surnames and cities (in 1-30%
    of the articles); ``rare``: the tail of the rare-word vocabularies and of the people (in a
    handful of articles, or none).
    """
    world = make_world(seed)
    common: list[str] = []
    for lang in ("de", "en"):
        common += [g.split()[-1] for g in GENERAL[lang][:12]]
        for vocab in TYPES.values():
            common += [n for n in vocab[f"{lang}_nouns"] if " " not in n]
    common += [p.last for p in world.people.items[:30]]
    common += [c.en for c in world.cities.items[:20] if " " not in c.en]
    rare = [str(w) for w in world.rare_de.items[-600:]]
    rare += [str(w) for w in world.rare_en.items[-60:]]
    rare += [p.last for p in world.people.items[-200:]]
    return {"common": sorted(set(common)), "rare": sorted(set(rare))}


def _progress(done: int, total: int) -> None:
    print(f"\r  {done:>7,} / {total:,} articles", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=None, help="default: benchmarks/.cache/")
    ap.add_argument("--force", action="store_true", help="rebuild even if cached")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--jobs", type=int, default=None, help="generator processes (default 1)")
    args = ap.parse_args(argv)
    path, info, built = ensure_store(
        args.articles,
        path=args.out,
        force=args.force,
        seed=args.seed,
        jobs=args.jobs,
        progress=_progress,
    )
    state = "built" if built else "cached"
    print(f"{path} ({state}): {json.dumps(info.to_dict())}")
    mb = info.bytes / 1e6
    rate = info.articles / info.seconds if info.seconds else math.nan
    print(f"{info.articles:,} articles in {info.seconds:.0f} s ({rate:.0f}/s), {mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
