"""The world map behind ``/map``: country outlines and where a place goes on them.

Why this is so small: the map page must work offline and leak nothing to third parties, so it
uses no tile server, no CDN and no JavaScript map library. The server writes the map as
inline SVG instead. The country outlines ship inside the package (``static/world.json``, built
by ``training/build_world_map.py`` from Natural Earth 1:110m via world-atlas; see
``static/world.NOTICE``) as ready-made SVG path strings in equirectangular coordinates:
x = longitude, y = -latitude, viewBox :data:`VIEWBOX`. Putting a place on that map is one
negation (:func:`project`), so there is no projection code either.

Draw the paths with ``fill-rule="evenodd"`` (country holes such as Lesotho in South Africa are
separate rings of the same path) and, since the viewBox is in degrees, a stroke width of a
fraction of a unit (about 0.2) or ``vector-effect="non-scaling-stroke"``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

#: The SVG viewBox of the map: longitude -180..180 left to right, latitude 90..-90 top down.
VIEWBOX = "-180 -90 360 180"


@cache
def _load() -> tuple[dict[str, str], ...]:
    text = files("storyline.web").joinpath("static/world.json").read_text(encoding="utf-8")
    return tuple(
        {"id": c["id"], "name": c["name"], "d": c["d"]} for c in json.loads(text)["countries"]
    )


def world_paths() -> list[dict[str, str]]:
    """Every country as ``{"id", "name", "d"}``, sorted by name.

    ``id`` is the ISO 3166-1 numeric code as a string (``"276"`` is Germany; ``""`` for the
    few territories without one, e.g. Kosovo), ``d`` the SVG path in :data:`VIEWBOX`
    coordinates. The file is read once per process; the dicts are shared, so do not modify
    them.
    """
    return list(_load())


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG (x, y) of a place on the map: (lon, -lat), clamped to the viewBox.

    Clamping keeps a bad coordinate on the map's edge instead of drawing it off the picture.
    """
    x = min(max(lon, -180.0), 180.0)
    y = min(max(-lat, -90.0), 90.0)
    return x, y
