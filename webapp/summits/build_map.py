"""Build the world map's country outlines (webapp/static/world-map.json) from Natural Earth.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m webapp.summits.build_map package/countries-110m.json

The outlines are Natural Earth's Admin 0 countries at 1:110m (public domain), as the npm package
`world-atlas` (ISC licence, Mike Bostock) redistributes them in TopoJSON. This script decodes
the TopoJSON, projects it with the Equal Earth projection (equal-area, so large countries do
not look more important than they are) and writes one SVG path per ISO 3166 alpha-2 code, in
whole units of a 1000-wide view box, relative moves only: small enough to inline in the page.
The page draws the map itself, so that it makes no request to anyone else.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycountry

OUTPUT = Path(__file__).resolve().parent.parent / "static" / "world-map.json"
WIDTH = 1000
SOURCE = ("Natural Earth Admin 0 countries 1:110m (public domain, naturalearthdata.com), "
          "as TopoJSON from the npm package world-atlas 2.0.2 (ISC licence, "
          "Copyright 2013-2019 Michael Bostock)")
# Not drawn: it would take a fifth of the map's height and no one writes letters from there.
LEFT_OUT = {"010"}  # Antarctica
# Natural Earth gives these no ISO numeric code. Kosovo has the code CLDR and Babel use; the
# others are drawn as land with no country of their own (their ISO country's colour would
# take a side in a dispute).
NO_NUMERIC = {"Kosovo": "XK"}

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Projected (x, y) of a point in degrees, y growing northwards."""
    theta = math.asin(_M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (2 * math.sqrt(3) * math.radians(longitude) * math.cos(theta)
         / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (its quantised, delta-encoded positions decoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: Sequence[int], arcs: list[list[tuple[float, float]]]
                ) -> list[tuple[float, float]]:
    """A ring's points from its arc indexes (~i: arc i reversed), each joint once."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        points.extend(arc[1:] if points else arc)
    return points


def _clip(ring: list[tuple[float, float]], boundary: float, keep_below: bool
          ) -> list[tuple[float, float]]:
    """The part of a ring on one side of the meridian `boundary` (Sutherland-Hodgman)."""
    def inside(point: tuple[float, float]) -> bool:
        return point[0] <= boundary if keep_below else point[0] >= boundary

    clipped: list[tuple[float, float]] = []
    for number, current in enumerate(ring):
        previous = ring[number - 1]
        if inside(current) != inside(previous):
            share = (boundary - previous[0]) / (current[0] - previous[0])
            clipped.append((boundary, previous[1] + share * (current[1] - previous[1])))
        if inside(current):
            clipped.append(current)
    return clipped


def split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses 180° (Fiji, Chukotka) as its pieces on either side of the map.

    The data's rings jump from +180 to -180 there; drawn as they are, they cross the map.
    Made continuous (longitudes beyond ±180), each copy shifted by a turn is cut to the map.
    """
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:], strict=False)):
        return [ring]
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    pieces = []
    for turn in (-360, 0, 360):
        shifted = [(lon + turn, lat) for lon, lat in unwrapped]
        piece = _clip(_clip(shifted, 180, keep_below=True), -180, keep_below=False)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def polygons(geometry: dict) -> Iterable[Sequence[Sequence[int]]]:
    if geometry["type"] == "Polygon":
        yield geometry["arcs"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["arcs"]


def country_code(geometry: dict) -> str | None:
    numeric = geometry.get("id")
    if numeric:
        country = pycountry.countries.get(numeric=numeric)
        return country.alpha_2 if country else None
    return NO_NUMERIC.get(geometry.get("properties", {}).get("name", ""))


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data: an absolute move to each ring's start, then relative lines."""
    parts = []
    for ring in rings:
        (x0, y0), rest = ring[0], ring[1:]
        steps = []
        x, y = x0, y0
        for px, py in rest:
            steps.append(f"{px - x} {py - y}")
            x, y = px, py
        parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    # Negative numbers need no separator in path data: "1 -2" may be "1-2".
    return "".join(parts).replace(" -", "-")


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    projected: list[tuple[str | None, list[list[tuple[float, float]]]]] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in LEFT_OUT:
            continue
        rings = [[equal_earth(lon, lat) for lon, lat in piece]
                 for polygon in polygons(geometry) for ring in polygon
                 for piece in split_at_antimeridian(ring_points(ring, arcs))]
        projected.append((country_code(geometry), rings))
    xs = [x for _, rings in projected for ring in rings for x, _y in ring]
    ys = [y for _, rings in projected for ring in rings for _x, y in ring]
    scale = WIDTH / (max(xs) - min(xs))
    left, top = min(xs), max(ys)
    height = math.ceil((max(ys) - min(ys)) * scale)

    def place(ring: list[tuple[float, float]]) -> list[tuple[int, int]]:
        placed: list[tuple[int, int]] = []
        for x, y in ring:
            point = (round((x - left) * scale), round((top - y) * scale))
            if not placed or placed[-1] != point:
                placed.append(point)
        if len(placed) > 1 and placed[0] == placed[-1]:
            placed.pop()  # "z" closes it
        return placed

    countries: dict[str, list[str]] = {}
    unassigned: list[str] = []
    for code, rings in projected:
        kept = [ring for ring in map(place, rings) if len(ring) >= 3]  # too small to see: gone
        if not kept:
            continue
        data = path_data(kept)
        if code is None:
            unassigned.append(data)
        else:
            countries.setdefault(code, []).append(data)
    return {
        "source": SOURCE,
        "projection": "Equal Earth",
        "viewBox": f"0 0 {WIDTH} {height}",
        "countries": {code: "".join(parts) for code, parts in sorted(countries.items())},
        "unassigned": unassigned,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path, help="countries-110m.json from world-atlas")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    world = build(json.loads(args.topojson.read_text(encoding="utf-8")))
    args.output.write_text(json.dumps(world, separators=(",", ":"), ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(f"{len(world['countries'])} countries, {args.output.stat().st_size} bytes: "
          f"{args.output}")


if __name__ == "__main__":
    main()
