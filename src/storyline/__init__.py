"""storyline: turn raw news articles into clean articles, events and storylines.

The public API mirrors the CLI (sqlite-utils style)::

    import storyline
    storyline.ingest(["examples/"])          # read, clean, store
    storyline.clean(page_text)               # one page -> Article, nothing stored
    storyline.articles(), storyline.search("Putin"), storyline.show(article_id)
    storyline.analyse_article(article)       # entities, places, times, event frame
    storyline.entities(), storyline.entity("Lukashenko"), storyline.compare(a, b)
    storyline.events(entity="Putin"), storyline.event(id), storyline.stories(), storyline.story(id)
    storyline.add_feed(url), storyline.poll(), storyline.feeds()   # follow outlets

Names are imported lazily so that ``import storyline.model`` (e.g. in a Dask worker or a
training script) does not pull in the store, trafilatura and the classifier.
"""

from __future__ import annotations

from storyline.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "analyse": "storyline.api",
    "analyse_article": "storyline.analyse.analyser",
    "analyse_file": "storyline.api",
    "entities": "storyline.api",
    "entity": "storyline.api",
    "event": "storyline.api",
    "events": "storyline.api",
    "link_articles": "storyline.api",
    "relink": "storyline.api",
    "stories": "storyline.api",
    "story": "storyline.api",
    "show_analysis": "storyline.api",
    "articles": "storyline.api",
    "compare": "storyline.compare",
    "export": "storyline.api",
    "ingest": "storyline.api",
    "search": "storyline.api",
    "show": "storyline.api",
    "stats": "storyline.api",
    "clean": "storyline.clean",
    "add_feed": "storyline.api_feeds",
    "feeds": "storyline.api_feeds",
    "feed": "storyline.api_feeds",
    "remove_feed": "storyline.api_feeds",
    "hosts": "storyline.api_feeds",
    "poll": "storyline.api_feeds",
    "watch": "storyline.api_feeds",
    "StorylineError": "storyline.errors",
    "Article": "storyline.model",
    "Block": "storyline.model",
    "Document": "storyline.model",
    "RemovedLine": "storyline.model",
    "Store": "storyline.store",
    "open_store": "storyline.store",
}


__getattr__, __dir__ = lazy_exports("storyline", _EXPORTS, ["__version__"])


__all__ = sorted(_EXPORTS)
