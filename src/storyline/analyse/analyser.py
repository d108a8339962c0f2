"""One article in, one :class:`~storyline.analyse.types.Analysis` out: the analysis stage.

The order is fixed by what each step reads: entities (model) -> canonical names (rules over the
article) -> places (entities + gazetteer + dateline) -> times (against the document creation time)
-> the publication date the text supports (only when none was declared) -> the event frame
(reads all of the above). The function is pure (no store, no globals beyond lazily loaded
models), so a Dask worker or a second process runs it unchanged.
"""

from __future__ import annotations

from datetime import date

from storyline.analyse.types import Analysis
from storyline.model import Article

#: Bumped whenever the analysis of the same article would change meaningfully (new model, new
#: rules): stored analyses of an older version are redone by ``storyline analyse``.
ANALYSIS_VERSION = "1"


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def analyse_article(article: Article, *, published: str | date | None = None) -> Analysis:
    """Entities, places, times, inferred publication date and event frame of ``article``.

    ``published`` overrides the article's own publication date as the document creation time
    (``--published``). Without either, relative times stay underspecified and no year is
    invented; the text may still support a publication date (``published_inferred``).
    """
    from storyline.analyse import canonical, ner, times
    from storyline.analyse.event import event_frame
    from storyline.analyse.language import detect_language
    from storyline.analyse.sentences import split_sentences

    text = article.text
    language = article.language or detect_language(text)[0]
    dct = _as_date(published) or _as_date(article.published)
    # canonical location names need the resolved places: one pass gives both
    entities, found_places = canonical.canonicalise_with_places(
        text, ner.find_entities(text, language), language, article.dateline
    )
    found_times = times.find_times(text, language, dct)
    guess = None if dct else times.infer_published(text, language, found_times)
    frame = event_frame(
        text=text,
        title=article.title,
        lead=article.lead,
        language=language,
        entities=entities,
        places=found_places,
        times=found_times,
        sentences=split_sentences(text),
        article_points=article.key_points,
        exclude=[*article.agencies, *([article.source] if article.source else [])],
        published=dct.isoformat() if dct else None,
    )
    return Analysis(
        article_id=article.id,
        language=language,
        published=dct.isoformat() if dct else None,
        entities=entities,
        places=found_places,
        times=found_times,
        event=frame,
        published_inferred=guess,
    )
