"""German language pack: cue words of German-language news pages (de, at, ch)."""

from storyline.lang.base import LanguagePack

PACK = LanguagePack.build(
    "de",
    navigation=[
        "Startseite", "Home", "Menü", "Menu", "Suche", "Navigation", "Zurück", "Weiter",
        "Nach oben", "Zum Inhalt", "Zum Inhalt springen", "Hauptmenü", "Anmelden", "Abmelden",
        "Login", "Registrieren", "Abonnieren", "Abo", "Newsletter", "Impressum", "Datenschutz",
        "Kontakt", "AGB", "Mehr", "Alle anzeigen", "Alle Artikel", "Seite drucken", "Drucken",
        "Schließen", "Schliessen", "Close", "Video abspielen", "Audio abspielen", "Vorlesen",
        "Artikel anhören", "Lesezeit", "Mehr anzeigen", "Weniger anzeigen", "Zur Startseite",
        "Ressorts", "Themen", "Podcast", "Podcasts", "Videos", "Bildergalerie", "Galerie",
        "Live", "Ticker", "Top-Themen", "Meistgelesen", "Meist gelesen", "Neueste Artikel",
        "Kommentare", "Kommentar schreiben", "Leserkommentare", "Jetzt kommentieren",
    ],
    related_headers=[
        "Weiterlesen", "Mehr zum Thema", "Zum selben Thema", "Zum Thema", "Das könnte Sie auch "
        "interessieren", "Das könnte dich auch interessieren", "Auch interessant",
        "Ähnliche Artikel", "Verwandte Artikel", "Mehr aus diesem Ressort", "Mehr in News",
        "Mehr aus", "Mehr zu", "Lesen Sie auch", "Lesen Sie mehr", "Empfohlene Artikel",
        "Andere Leser interessierten sich auch für", "Neueste Nachrichten", "Top News",
        "Ebenfalls interessant", "Mehr Nachrichten", "Beliebte Artikel", "Aktuelle Nachrichten",
    ],
    share_contains=[
        "artikel teilen", "teilen auf", "auf facebook teilen", "auf twitter teilen",
        "per e-mail teilen", "per mail versenden", "link kopieren", "zum einbetten",
        "einbetten", "copy to clipboard", "copied", "teilen", "whatsapp", "facebook",
        "twitter", "linkedin", "pinterest", "e-mail senden", "artikel versenden",
        "artikel drucken", "artikel merken", "merken", "close button",
    ],
    advertisement=[
        "Werbung", "Anzeige", "Anzeigen", "Sponsored", "Gesponsert", "Advertisement",
        "Publireportage", "Promotion", "Werbung schließen", "Werbung überspringen",
        "Bezahlte Partnerschaft", "Partnerinhalt",
    ],
    legal_contains=[
        "cookies", "cookie-einstellungen", "datenschutzerklärung", "alle rechte vorbehalten",
        "newsletter abonnieren", "jetzt abonnieren", "zum newsletter", "javascript aktivieren",
        "werbeblocker", "adblocker", "abo abschließen", "plus-artikel", "nur für abonnenten",
    ],
    counter_re=(
        r"^\d[\d.,']*\s*(?:interaktionen?|kommentare?|reaktionen?|likes?|shares?|mal geteilt|"
        r"aufrufe|views?|leser|bewertungen?)$"
    ),
    key_point_headers=[
        "Das Wichtigste in Kürze", "Das Wichtigste in Kürze:", "Das Wichtigste", "In Kürze",
        "Das Wichtigste auf einen Blick", "Auf einen Blick", "Zusammenfassung",
        "Die wichtigsten Punkte", "Kurz und knapp", "Das Wichtigste zusammengefasst",
    ],
    byline_re=(
        r"^(?:von|autor(?:in)?:|text:|ein (?:bericht|kommentar) von)\s+(?P<name>.{2,120})$"
    ),
    byline_joiners=["mit", "und", "sowie", "/", ",", "&"],
    caption_markers=[
        "(archivbild)", "(symbolbild)", "(archiv)", "(symbolfoto)", "(archivfoto)", "foto:",
        "bild:", "(foto:", "(bild:", "quelle:", "© ",
    ],
    credit_prefixes=[
        "Copyright", "©", "Foto:", "Fotos:", "Bild:", "Bilder:", "Quelle:", "Grafik:",
        "Video:", "Illustration:", "Credit:",
    ],
    function_words=[
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "und", "oder", "aber", "nicht", "ist", "sind", "war", "waren", "hat", "haben", "hatte",
        "wird", "werden", "wurde", "wurden", "sich", "sie", "er", "es", "wir", "ich", "mit",
        "von", "zu", "auf", "für", "bei", "nach", "aus", "über", "auch", "dass", "als", "wie",
        "im", "am", "zum", "zur", "vom", "beim", "noch", "schon", "so", "nur", "sei", "seien",
    ],
    months={
        "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
        "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
        "jan.": 1, "feb.": 2, "mär.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
        "sep.": 9, "sept.": 9, "okt.": 10, "nov.": 11, "dez.": 12,
    },
)
