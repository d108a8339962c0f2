"""Build ``web/static/world.json``: the country outlines the web UI's ``/map`` page draws.

Run: ``npm install --prefix /tmp/worldatlas world-atlas@2`` once, then
``.venv/bin/python training/build_world_map.py`` (under a second; ``--topojson PATH`` points
at another copy of ``countries-110m.json``).

Why a prebuilt file: the map page must work offline and without third parties, so it cannot
fetch tiles from a tile server or a JavaScript map library from a CDN. Instead the server
writes the map as inline SVG, and the package ships the country outlines as ready-made SVG
path strings in plain equirectangular coordinates (x = longitude, y = -latitude, viewBox
``-180 -90 360 180``): no projection library at run time, and a place is put on the map with
one subtraction (:func:`storyline.web.geo.project`).

Why decode TopoJSON here: the source, the npm package ``world-atlas`` 2.x (ISC licence; its
data is Natural Earth 1:110m Admin 0 countries, public domain), is TopoJSON, and decoding it
takes forty lines of Python (delta-encoded quantized arcs, then arcs stitched into rings), so
the build needs no new dependency either.

What the build does to the geometry:

* Arcs are decoded with the topology's transform and stitched into closed rings (a reversed
  arc ``~i`` is arc ``i`` backwards; the shared end point of consecutive arcs is kept once).
* The antimeridian: world-atlas 2.x is in spherical coordinates, so the rings of Russia
  (Chukotka) and Fiji jump from +180° to -180° longitude, and Antarctica's ring goes once
  round the South Pole. Drawn as they are, these jumps would be streaks across the whole map.
  Each ring is therefore unwrapped (a step of more than 180° in longitude is taken as the
  short way round), a ring that circles a pole is closed along the map's top or bottom edge,
  and the unwrapped ring is clipped to the strips ``[-180, 180]``, ``[180, 540]``, ... and
  each piece shifted back into the map.
* Coordinates are rounded to 0.1° (about 11 km, finer than 1:110m data), consecutive duplicate
  points are dropped, and rings that collapse to fewer than three points (islands smaller than
  the rounding) are dropped.

Output: compact UTF-8 JSON, one country per line so that a rebuild diffs readably::

    {"source": "...", "licence": "...", "countries": [
    {"id": "276", "name": "Germany", "d": "M14.1 -53.8L14.4 -53.2L...Z"},
    ...]}

``id`` is the ISO 3166-1 numeric code as a string (as world-atlas gives it); the three
territories without one (Kosovo, N. Cyprus, Somaliland) get ``""``. Paths use absolute
``M``/``L`` commands and close every ring with ``Z``; draw them with ``fill-rule="evenodd"``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "storyline" / "web" / "static" / "world.json"
DEFAULT_TOPOJSON = Path("/tmp/worldatlas/node_modules/world-atlas/countries-110m.json")

SOURCE = (
    "Natural Earth 1:110m Admin 0 countries (naturalearthdata.com), via the npm package "
    "world-atlas {version} (countries-110m.json, github.com/topojson/world-atlas)"
)
LICENCE = (
    "Natural Earth data: public domain. world-atlas: ISC licence, Copyright 2013-2019 "
    "Michael Bostock. See world.NOTICE."
)

Point = tuple[float, float]
Ring = list[Point]


def decode_arcs(topology: dict) -> list[Ring]:
    """Decode the topology's arcs to lists of (lon, lat) points.

    A quantized topology stores each arc as integer deltas; the running sum times the
    transform's scale plus its translate is the position. Without a transform the arcs hold
    absolute coordinates already.
    """
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: Ring = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch(arc_ids: Iterable[int], arcs: Sequence[Ring]) -> Ring:
    """Join a ring's arcs into one closed list of points.

    Arc ``~i`` (a negative index) is arc ``i`` reversed. Consecutive arcs share their end point,
    which is kept once.
    """
    ring: Ring = []
    for arc_id in arc_ids:
        points = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def geometry_rings(geometry: dict, arcs: Sequence[Ring]) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon geometry."""
    kind = geometry["type"]
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []  # null geometries, points and lines draw no country
    return [stitch(ring, arcs) for polygon in polygons for ring in polygon]


def unwrap(ring: Ring) -> Ring:
    """Make the ring's longitudes continuous, closing a pole-circling ring along the pole.

    A step of more than 180° in longitude is the short way across the antimeridian, so it is
    undone by adding or subtracting 360°. A ring that circles a pole then ends 360° away from
    where it started; it is closed via the pole (latitude ±90, the map's top or bottom edge),
    which is where an equirectangular map draws the polar region's edge.
    """
    if not ring:
        return []
    out: Ring = [ring[0]]
    offset = 0.0
    for (lon0, _), (lon1, lat1) in pairwise(ring):
        step = lon1 - lon0
        if step > 180:
            offset -= 360
        elif step < -180:
            offset += 360
        out.append((lon1 + offset, lat1))
    first_lon, last_lon = out[0][0], out[-1][0]
    if abs(last_lon - first_lon) > 180:  # circles a pole
        pole = -90.0 if sum(lat for _, lat in out) < 0 else 90.0
        out += [(last_lon, pole), (first_lon, pole)]
    return out


def clip_half_plane(ring: Ring, limit: float, keep_below: bool) -> Ring:
    """Sutherland-Hodgman: the part of the ring with lon <= limit (or >= limit).

    A ring that leaves and re-enters the half-plane stays one ring, joined by edges along the
    line ``lon = limit``; at the map's left or right edge those edges are harmless.
    """

    def inside(p: Point) -> bool:
        return p[0] <= limit if keep_below else p[0] >= limit

    out: Ring = []
    count = len(ring)
    for i in range(count):
        cur, nxt = ring[i], ring[(i + 1) % count]
        if inside(cur):
            out.append(cur)
        if inside(cur) != inside(nxt):
            t = (limit - cur[0]) / (nxt[0] - cur[0])
            out.append((limit, cur[1] + t * (nxt[1] - cur[1])))
    return out


def split_at_antimeridian(ring: Ring) -> list[Ring]:
    """Cut an unwrapped ring into pieces that each lie within [-180, 180] longitude."""
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    lons = [lon for lon, _ in ring]
    lo, hi = min(lons), max(lons)
    if lo >= -180 and hi <= 180:
        return [ring]
    pieces: list[Ring] = []
    for shift in range(math.floor((lo + 180) / 360), math.ceil((hi - 180) / 360) + 1):
        left, right = -180 + 360 * shift, 180 + 360 * shift
        piece = clip_half_plane(clip_half_plane(ring, left, False), right, True)
        if piece:
            pieces.append([(lon - 360 * shift, lat) for lon, lat in piece])
    return pieces


def round_ring(ring: Ring) -> Ring | None:
    """Round to 0.1°, drop consecutive duplicates, and drop the ring if it is degenerate."""
    out: Ring = []
    for lon, lat in ring:
        point = (round(min(max(lon, -180.0), 180.0), 1), round(min(max(lat, -90.0), 90.0), 1))
        if not out or point != out[-1]:
            out.append(point)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    if len(set(out)) < 3:
        return None
    return out


def number(value: float) -> str:
    """Shortest text for a 0.1-rounded coordinate: ``13`` rather than ``13.0``, never ``-0``."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def svg_path(rings: Iterable[Ring]) -> str:
    """One SVG path: each ring as ``M x y L x y ... Z`` with x = lon and y = -lat."""
    parts: list[str] = []
    for ring in rings:
        coords = [f"{number(lon)} {number(-lat)}" for lon, lat in ring]
        parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def country_rings(geometry: dict, arcs: Sequence[Ring]) -> list[Ring]:
    """The country's drawable rings: unwrapped, split at the antimeridian, rounded."""
    out: list[Ring] = []
    for ring in geometry_rings(geometry, arcs):
        for piece in split_at_antimeridian(unwrap(ring)):
            rounded = round_ring(piece)
            if rounded is not None:
                out.append(rounded)
    return out


def build(topology: dict, version: str) -> dict:
    """The world.json document for a decoded ``countries-110m.json`` topology."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = country_rings(geometry, arcs)
        if not rings:
            continue
        countries.append(
            {
                "id": str(geometry.get("id", "")),
                "name": geometry.get("properties", {}).get("name", ""),
                "d": svg_path(rings),
            }
        )
    countries.sort(key=lambda c: (c["name"], c["id"]))
    return {
        "source": SOURCE.format(version=version),
        "licence": LICENCE,
        "countries": countries,
    }


def dumps(document: dict) -> str:
    """Compact JSON with one country per line."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = ",".join(f"{compact(k)}:{compact(v)}" for k, v in document.items() if k != "countries")
    rows = ",\n".join(compact(country) for country in document["countries"])
    return "{" + head + ',"countries":[\n' + rows + "\n]}\n"


def package_version(topojson: Path) -> str:
    """world-atlas's version from the package.json next to the TopoJSON file, if there is one."""
    package = topojson.parent / "package.json"
    if package.is_file():
        return "v" + json.loads(package.read_text(encoding="utf-8")).get("version", "2.x")
    return "2.x"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--topojson",
        type=Path,
        default=DEFAULT_TOPOJSON,
        help=f"world-atlas countries-110m.json (default: {DEFAULT_TOPOJSON})",
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default: {OUT})")
    args = parser.parse_args(argv)
    if not args.topojson.is_file():
        parser.error(
            f"{args.topojson} not found; run `npm install --prefix /tmp/worldatlas world-atlas@2`"
        )
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    document = build(topology, package_version(args.topojson))
    text = dumps(document)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8"))
    print(f"{args.out}: {len(document['countries'])} countries, {size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
