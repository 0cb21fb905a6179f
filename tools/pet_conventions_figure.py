#!/usr/bin/env python3
"""The PET picture of docs/CONVENTIONS.md, drawn from the documented formulas.

Writes docs/images/conventions_pet.svg (standard library only, no plotting package):
  left:  one ring of the demo scanner (resources/scanners/demo.json) seen from the patient's
         feet, in the LPS transaxial plane: crystal numbers, the centre LOR of view 0 (crystals
         0 -> N/2, p1 -> p2), a LOR of view 0 at t = +8, the centre LOR of a later view (views
         turn with the crystal numbers), and the TOF bins along view 0's centre LOR (positive
         bins toward p2);
  right: ring pairs (r1 of p1, r2 of p2) of a 5-ring scanner at span 3, each labelled with its
         plane number and shaded by segment (segment order 0, -1, +1).

Crystal positions follow the regular-polygon rule of kernels/pet/scanner_geometry.h: face f at
azimuth 2 pi f / sides, crystals along the face at the pitch, the ring turned so that crystal 0
lies at first_crystal_azimuth_deg, azimuths measured from +x (patient left) toward +y
(posterior). The picture is a check of the documentation, not of the code: the tests in
tests/kernels/test_pet_geometry.cpp compare the code with the same statements.

Usage: python3 tools/pet_conventions_figure.py [--out docs/images/conventions_pet.svg]
"""

import argparse
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def crystals(spec):
    face = spec["inner_radius_mm"] + spec["average_doi_mm"]
    sides, per_side, pitch = spec["sides"], spec["crystals_per_side"], spec["crystal_pitch_mm"]
    offsets = [(j - 0.5 * (per_side - 1)) * pitch for j in range(per_side)]
    turn = math.radians(spec["first_crystal_azimuth_deg"]) - math.atan2(offsets[0], face)
    out = []
    for f in range(sides):
        a = 2 * math.pi * f / sides + turn
        for o in offsets:
            out.append((face * math.cos(a) - o * math.sin(a), face * math.sin(a) + o * math.cos(a)))
    return out


def in_ring_pair(view, t, n):
    # floor division as in SinogramDescriptor::in_ring_pair
    return (view + t // 2) % n, (view - (t + 1) // 2 + n // 2) % n


class Svg:
    def __init__(self, width, height):
        self.parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                      f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
                      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                      'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                      '<path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>',
                      f'<rect width="{width}" height="{height}" fill="white"/>']

    def line(self, a, b, color="black", width=1.5, arrow=False, dash=None):
        extra = ' marker-end="url(#arrow)"' if arrow else ""
        if dash:
            extra += f' stroke-dasharray="{dash}"'
        self.parts.append(f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
                          f'stroke="{color}" stroke-width="{width}"{extra}/>')

    def circle(self, c, r, fill="black"):
        self.parts.append(f'<circle cx="{c[0]:.1f}" cy="{c[1]:.1f}" r="{r}" fill="{fill}"/>')

    def rect(self, x, y, w, h, fill):
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                          f'fill="{fill}" stroke="#888" stroke-width="0.5"/>')

    def text(self, p, s, color="black", anchor="middle", size=12, bold=False):
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{p[0]:.1f}" y="{p[1]:.1f}" fill="{color}" '
                          f'text-anchor="{anchor}" font-size="{size}"{weight}>{s}</text>')

    def path(self, d, color, width=1.5, arrow=True):
        extra = ' marker-end="url(#arrow)"' if arrow else ""
        self.parts.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{extra}/>')

    def save(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.parts + ["</svg>"]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "images", "conventions_pet.svg"))
    args = parser.parse_args()
    with open(os.path.join(ROOT, "resources", "scanners", "demo.json")) as f:
        spec = json.load(f)
    pos = crystals(spec)
    n = len(pos)

    svg = Svg(980, 580)
    # Left panel: the transaxial plane seen from the feet: +x (patient left) to the right of the
    # screen, +y (posterior) down: screen = centre + scale * (x, y).
    cx, cy, scale = 280, 290, 1.45

    def screen(p):
        return (cx + scale * p[0], cy + scale * p[1])

    svg.text((280, 24), "One ring seen from the patient's feet (LPS: +x left, +y posterior)", bold=True)
    for i, p in enumerate(pos):
        svg.circle(screen(p), 3, "#1f4e9c" if i else "#d62728")
        if i % 8 == 0 or i == n // 2:
            r = math.hypot(*p)
            q = (p[0] * (r + 16) / r, p[1] * (r + 16) / r)
            svg.text((screen(q)[0], screen(q)[1] + 4), str(i), size=11)
    # Axes, in a corner so that they do not hide the LORs.
    svg.line((510, 56), (570, 56), "#444", 1.5, arrow=True)
    svg.text((576, 60), "+x (L)", anchor="start", size=11)
    svg.line((510, 56), (510, 116), "#444", 1.5, arrow=True)
    svg.text((516, 126), "+y (P)", anchor="start", size=11)
    svg.text((20, 40), "crystal 0 anterior (top); the patient's left on the right", anchor="start",
             size=11, color="#666")

    # View 0, centre bin: crystal 0 -> N/2 (p1 -> p2), with TOF bin centres.
    a, b = in_ring_pair(0, 0, n)
    p1, p2 = pos[a], pos[b]
    svg.line(screen(p1), screen(p2), "#d62728", 2.2, arrow=True)
    svg.text((screen(p1)[0] + 8, screen(p1)[1] + 30), "p1 (crystal 0)", "#d62728", "start")
    svg.text((screen(p2)[0] - 8, screen(p2)[1] - 22), f"p2 (crystal {n // 2})", "#d62728", "end")
    tof = spec["tof"]
    width_mm = tof["bin_width_ps"] * 0.299792458 / 2
    bins = tof["bins"]
    ux, uy = (p2[0] - p1[0]), (p2[1] - p1[1])
    length = math.hypot(ux, uy)
    ux, uy = ux / length, uy / length
    mid = ((p1[0] + p2[0]) / 2, (p1[1] + p2[1]) / 2)
    for k in range(bins):
        s = (k - (bins - 1) / 2) * width_mm
        c = (mid[0] + s * ux, mid[1] + s * uy)
        svg.line((screen(c)[0] - 6, screen(c)[1]), (screen(c)[0] + 6, screen(c)[1]), "#d62728", 1.5)
        svg.text((screen(c)[0] - 10, screen(c)[1] + 4), f"k={k}", "#d62728", "end", 10)
    svg.text((screen(mid)[0] + 14, screen(mid)[1] + 60),
             "TOF bins: k above the centre lie toward p2", "#d62728", "start", 11)

    # View 0 at t = +8: moved toward the patient's left.
    a, b = in_ring_pair(0, 8, n)
    svg.line(screen(pos[a]), screen(pos[b]), "#ff7f0e", 1.6, arrow=True, dash="6,3")
    svg.text((screen(pos[a])[0] + 4, screen(pos[a])[1] + 40), f"view 0, t=+8: {a} -> {b}",
             "#ff7f0e", "start", 11)

    # A later view: centre bin of view n/8 (turned by 45 degrees, with the crystal numbers).
    v = n // 8
    a, b = in_ring_pair(v, 0, n)
    svg.line(screen(pos[a]), screen(pos[b]), "#2ca02c", 1.6, arrow=True)
    label = screen((0.75 * pos[a][0] + 0.25 * pos[b][0], 0.75 * pos[a][1] + 0.25 * pos[b][1]))
    svg.text((label[0] + 8, label[1] + 4), f"view {v}, t=0: {a} -> {b}", "#2ca02c", "start", 11)
    # Turn direction: an arc from view 0 toward view v.
    r_arc = 120
    a0, a1 = math.radians(90), math.radians(90 + 45)
    start = screen((r_arc * math.cos(a0), r_arc * math.sin(a0)))
    end = screen((r_arc * math.cos(a1), r_arc * math.sin(a1)))
    svg.path(f"M {start[0]:.1f} {start[1]:.1f} A {scale * r_arc:.1f} {scale * r_arc:.1f} 0 0 1 "
             f"{end[0]:.1f} {end[1]:.1f}", "#2ca02c")
    svg.text((280, 570), "Crystal numbers and views turn clockwise on this view (anterior -> left -> posterior)",
             size=11)

    # Right panel: ring pairs -> planes, 5 rings, span 3: segment 0 = d in [-1, 1], -1 = [-4, -2],
    # +1 = [2, 4]; plane = first plane of the segment + (r1 + r2 - min|d|).
    rings, x0, y0, cell = 5, 640, 110, 54
    svg.text((x0 + cell * rings / 2 + 20, 24), "Planes of 5 rings, span 3", bold=True)
    svg.text((x0 + cell * rings / 2 + 20, 42), "segments stored 0, -1, +1; d = r2 - r1", size=11)
    first = {0: 0, -1: 9, 1: 14}
    colors = {0: "#d9e7f7", -1: "#f7dede", 1: "#def2de"}
    for r1 in range(rings):
        for r2 in range(rings):
            d = r2 - r1
            seg = 0 if abs(d) <= 1 else (-1 if d < 0 else 1)
            min_abs = 0 if seg == 0 else 2
            plane = first[seg] + (r1 + r2 - min_abs)
            x, y = x0 + r2 * cell, y0 + r1 * cell
            svg.rect(x, y, cell, cell, colors[seg])
            svg.text((x + cell / 2, y + cell / 2 + 4), str(plane), size=13)
    for r in range(rings):
        svg.text((x0 + r * cell + cell / 2, y0 - 8), str(r), size=11)
        svg.text((x0 - 10, y0 + r * cell + cell / 2 + 4), str(r), anchor="end", size=11)
    svg.text((x0 + cell * rings / 2, y0 - 26), "r2 (ring of p2)", size=11)
    svg.text((x0 - 34, y0 + cell * rings / 2), "r1", anchor="end", size=11)
    ly = y0 + cell * rings + 30
    for i, (seg, label) in enumerate([(0, "segment 0: d in [-1, 1], planes 0-8"),
                                      (-1, "segment -1: d in [-4, -2], planes 9-13"),
                                      (1, "segment +1: d in [2, 4], planes 14-18")]):
        svg.rect(x0, ly + 22 * i - 12, 14, 14, colors[seg])
        svg.text((x0 + 22, ly + 22 * i), label, anchor="start", size=11)
    svg.text((x0, ly + 80), "ring pairs with the same r1 + r2 share a plane", anchor="start", size=11)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    svg.save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
