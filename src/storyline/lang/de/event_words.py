"""German cue words of the event taxonomy (see ``storyline.analyse.types.EVENT_TYPES``).

Patterns are matched case-insensitively against words: ``*`` at the start admits a compound
head in front ("Bahn*streik*"), ``*`` at the end any ending ("streik*" -> "Streiks",
"streikten"). German builds compounds, so most nouns carry a leading ``*``; short stems that
would hit unrelated words ("wahl" in "Auswahl") do not.
"""

TRIGGERS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "*treffen", "traf", "trafen", "getroffen", "*gipfel*", "*besuch*", "empfing", "empfangen",
        "*gespräch", "*gespräche*", "*konferenz*", "*verhandlung*", "verhandel*", "*visite",
        "*reise", "reiste*", "kam* zusammen", "zusammenkunft",
    ),
    "statement": (
        "sagte*", "erklärte*", "*erklärung*", "warnte*", "kritisierte*", "forderte*",
        "betonte*", "*interview*", "*rede", "*ansprache", "kündigte* an", "teilte* mit",
        "*mitteilung*", "äußerte*", "bekräftigte*", "appellierte*", "*appell*",
    ),
    "agreement": (
        "*einigung*", "*abkommen*", "*vertrag*", "*verträge*", "unterzeichne*", "*vereinbarung*",
        "vereinbart*", "*waffenruhe*", "*waffenstillstand*", "*kompromiss*", "*tarifabschluss*",
        "einigte*", "geeinigt",
    ),
    "military": (
        "*truppen*", "*manöver*", "*militär*", "*armee*", "*soldaten*", "*streitkräfte*",
        "*offensive*", "*bundeswehr*", "*nato*", "*rakete*", "*raketen*", "*panzer*",
        "*waffenlieferung*", "*aufrüstung*", "*krieg*",
    ),
    "attack": (
        "*anschlag*", "*angriff*", "*attentat*", "*explosion*", "*beschuss*", "*schüsse*",
        "erschossen", "getötet", "*bombe*", "*terror*", "attackiert*", "angegriffen",
    ),
    "protest": (
        "*protest*", "*demonstration*", "*demonstrant*", "demonstrierte*", "*kundgebung*",
        "*streik*", "streikt*", "*ausstand*", "*blockade*", "*krawalle*", "*unruhen*",
    ),
    "election": (
        "*wahl", "*wahlen", "wahl*", "gewählt", "*abstimmung*", "*referendum*", "*stichwahl*",
        "*umfrage*", "*kandidat*", "wiedergewählt", "*volksabstimmung*",
    ),
    "legal": (
        "*gericht*", "*urteil*", "*prozess", "*prozesses", "*anklage*", "angeklagt*",
        "verurteilt*", "*festnahme*", "festgenommen", "*verhaftet*", "*ermittlung*",
        "ermittel*", "*staatsanwalt*", "*klage*", "*gesetz*", "*verbot*", "*haftstrafe*",
        "beschließt", "beschlossen", "verabschiede*",
    ),
    "economic": (
        "*tarif*", "*lohn*", "*löhne*", "*gehalt*", "*preise*", "*inflation*", "*konjunktur*",
        "*wirtschaft*", "*unternehmen*", "*konzern*", "*aktie*", "*börse*", "*haushalt*",
        "*milliarden*", "*millionen*", "*umsatz*", "*gewinn*", "*export*", "*import*",
        "*zölle*", "*sanktionen*", "*investition*", "*arbeitsplätze*", "*insolvenz*",
        "*aufbauhilfe*", "*hilfspaket*", "*soforthilfe*", "*hilfsfonds*",
    ),
    "disaster": (
        "*hochwasser*", "*überschwemmung*", "*flut*", "*unwetter*", "*sturm*", "*erdbeben*",
        "*brand*", "*feuer*", "*waldbrand*", "*lawine*", "*murgang*", "*erdrutsch*", "*unfall*",
        "*unglück*", "*katastrophe*", "*pegel*", "*evakuier*", "*dürre*", "*havarie*",
        "*gestrandet*", "*entgleis*", "*hitzewelle*",
    ),
    "sport": (
        "*meisterschaft*", "*weltmeister*", "*turnier*", "*bundesliga*", "*spiel", "*spiele",
        "*marathon*", "*rennen", "*sieg", "siegte*", "*finale*", "*olympi*", "*pokal*",
        "*trainer*", "*tor", "*tore", "*medaille*", "*weltcup*", "*saison*",
    ),
    "health": (
        "*pandemie*", "*epidemie*", "*virus*", "*krankenhaus*", "*klinik*", "*impf*",
        "*infektion*", "*gesundheit*", "*patienten*", "*ärzte*",
    ),
    "science": (
        "*forscher*", "*studie*", "*wissenschaft*", "*raumfahrt*", "*satellit*", "*raumstation*",
        "*entdeckung*", "*technologie*", "künstliche intelligenz",
    ),
    "culture": (
        "*festival*", "*ausstellung*", "*museum*", "*konzert*", "*film*", "*theater*",
        "*preisverleihung*", "*buch*", "*oper*",
    ),
}  # fmt: skip
