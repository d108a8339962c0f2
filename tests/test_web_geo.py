"""The packaged world map: outlines load, stay inside the viewBox, and places project onto it."""

from __future__ import annotations

import re
from itertools import pairwise

from storyline.web.geo import VIEWBOX, project, world_paths

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def test_world_paths_load():
    countries = world_paths()
    assert len(countries) > 150
    assert {"id", "name", "d"} <= set(countries[0])
    assert world_paths() == countries  # cached, same content on every call


def test_paths_are_svg_and_inside_the_viewbox():
    assert VIEWBOX == "-180 -90 360 180"
    for country in world_paths():
        d = country["d"]
        assert d.startswith("M"), country["name"]
        assert d.endswith("Z"), country["name"]
        assert set(d) <= set("MLZ0123456789.- "), country["name"]
        numbers = [float(n) for n in NUMBER.findall(d)]
        assert numbers and len(numbers) % 2 == 0, country["name"]
        xs, ys = numbers[0::2], numbers[1::2]
        assert all(-180 <= x <= 180 for x in xs), country["name"]
        assert all(-90 <= y <= 90 for y in ys), country["name"]


def test_no_streaks_across_the_antimeridian():
    # Consecutive points of a ring never jump half the world apart (Russia, Fiji), except along
    # the map's top or bottom edge, where Antarctica's ring is closed via the South Pole.
    for country in world_paths():
        for ring in re.findall(r"M([^Z]*)Z", country["d"]):
            points = [tuple(map(float, NUMBER.findall(p))) for p in ring.split("L")]
            for (x0, y0), (x1, y1) in pairwise(points):
                assert abs(x1 - x0) < 180 or abs(y0) == abs(y1) == 90, country["name"]


def test_germany_is_there():
    germany = [c for c in world_paths() if c["id"] == "276"]
    assert len(germany) == 1
    assert germany[0]["name"] == "Germany"


def test_project():
    assert project(52.52, 13.40) == (13.4, -52.52)
    assert project(-33.87, 151.21) == (151.21, 33.87)
    assert project(95.0, 200.0) == (180.0, -90.0)
    assert project(-95.0, -200.0) == (-180.0, 90.0)
