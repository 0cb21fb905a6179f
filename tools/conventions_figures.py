#!/usr/bin/env python3
"""Pictures for docs/CONVENTIONS.md, made by radon itself.

Writes a small marker phantom (a water body with a spine, and lead letters "R" and "L" on the
patient's right and left chest, readable by someone facing the patient), renders it with
`radon drr` at the presets, and draws with matplotlib:

  docs/images/conventions_presets.png   the phantom at AP, PA, LAT-L and LAO 30 / CRAN 20, each
                                        edge labelled with the patient direction it faces, read
                                        from the geometry radon writes next to the image;
  docs/images/conventions_carm.png      the C-arm frame in LPS at AP and at LAO 30 / CRAN 20:
                                        source, detector, central ray, column and row directions;
  docs/images/conventions_diffdrr.png   DiffDRR's AP orientation next to radon's AP preset, and
                                        (with --diffdrr-image) DiffDRR's image of the worked
                                        example beside radon's.

Usage (after building radon; needs numpy and matplotlib):
    python3 tools/conventions_figures.py --radon build/app/radon/radon --out docs/images \
        [--diffdrr-image /tmp/ddref/euler_zxy_ap.npy --marker-ct /tmp/ddref/marker_ct_air.nii.gz]
The two optional files come from `tools/diffdrr_reference.py --workdir /tmp/ddref --images`.
"""

import argparse
import json
import os
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# 5 x 7 glyphs, as seen by someone facing the patient: row 0 at the top, column 0 at their left.
GLYPHS = {
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
}

SIZE = 128  # voxels per axis
SPACING = 2.5  # mm


def marker_phantom():
    """HU volume indexed [k, j, i] (z, y, x), centred on the world origin, identity direction."""
    c = (np.arange(SIZE) - (SIZE - 1) / 2) * SPACING
    z, y, x = np.meshgrid(c, c, c, indexing="ij")
    hu = np.full((SIZE, SIZE, SIZE), -1000.0, dtype=np.float32)
    body = (x / 140.0) ** 2 + (y / 95.0) ** 2 <= 1.0
    body &= np.abs(z) <= 140.0
    hu[body] = 0.0
    spine = ((x / 16.0) ** 2 + ((y - 55.0) / 16.0) ** 2 <= 1.0) & (np.abs(z) <= 140.0)
    hu[spine] = 800.0
    # Letters 4 mm thick, just inside the anterior skin (LPS -y), centred at z = +60 mm.
    stroke = 7.5
    for letter, x_centre in (("R", -60.0), ("L", 60.0)):
        glyph = GLYPHS[letter]
        for row, line in enumerate(glyph):
            for col, ch in enumerate(line):
                if ch != "#":
                    continue
                # Facing the patient, the viewer's right is the patient's left (+x), up is +z.
                x0 = x_centre + (col - 2) * stroke
                z0 = 60.0 + (3 - row) * stroke
                block = (np.abs(x - x0) <= stroke / 2) & (np.abs(z - z0) <= stroke / 2)
                block &= (y >= -92.0) & (y <= -86.0)
                hu[block] = 3000.0
    return hu


def write_nrrd(path, hu):
    origin = -(SIZE - 1) / 2 * SPACING
    header = (
        "NRRD0004\n"
        "type: float\n"
        "dimension: 3\n"
        "space: left-posterior-superior\n"
        f"sizes: {SIZE} {SIZE} {SIZE}\n"
        f"space directions: ({SPACING},0,0) (0,{SPACING},0) (0,0,{SPACING})\n"
        "kinds: domain domain domain\n"
        "endian: little\n"
        "encoding: raw\n"
        f"space origin: ({origin},{origin},{origin})\n\n"
    )
    with open(path, "wb") as f:
        f.write(header.encode())
        f.write(hu.astype("<f4").tobytes())


def render(radon, volume, out_png, pose, extra=()):
    cmd = [radon, "drr", volume, *pose, "--height", "240", "--delx", "1.6", "--quiet",
           "-o", out_png, *extra]
    subprocess.run(cmd, check=True)
    with open(os.path.splitext(out_png)[0] + ".json") as f:
        return json.load(f)


DIRECTION_NAMES = {(0, 1): "L", (0, -1): "R", (1, 1): "P", (1, -1): "A", (2, 1): "S", (2, -1): "I"}


def facing(step):
    """Patient direction a world step points to most: L, R, P, A, S or I."""
    v = np.asarray(step, dtype=float)
    axis = int(np.argmax(np.abs(v)))
    return DIRECTION_NAMES[(axis, 1 if v[axis] > 0 else -1)]


def label_edges(ax, geometry):
    right = facing(geometry["column_step"])
    down = facing(geometry["row_step"])
    opposite = {"L": "R", "R": "L", "A": "P", "P": "A", "S": "I", "I": "S"}
    style = dict(color="yellow", fontsize=13, fontweight="bold", ha="center", va="center",
                 transform=ax.transAxes)
    ax.text(0.96, 0.5, right, **style)
    ax.text(0.04, 0.5, opposite[right], **style)
    ax.text(0.5, 0.95, opposite[down], **style)
    ax.text(0.5, 0.05, down, **style)


def presets_figure(radon, volume, workdir, out):
    views = [
        ("AP (all angles 0)", ["--preset", "AP"]),
        ("PA (primary 180)", ["--preset", "PA"]),
        ("LAT-L (LAO 90)", ["--preset", "LAT-L"]),
        ("LAO 30, CRAN 20", ["--primary", "30", "--secondary", "20"]),
    ]
    fig, axes = plt.subplots(1, len(views), figsize=(4 * len(views), 4.4))
    for ax, (title, pose) in zip(axes, views):
        png = os.path.join(workdir, title.split(" ")[0].replace("-", "") + ".png")
        geometry = render(radon, volume, png, pose)
        ax.imshow(mpimg.imread(png), cmap="gray")
        label_edges(ax, geometry)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("radon drr of the marker phantom: lead letters R and L on the anterior chest; "
                 "edges labelled with the patient direction they face", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(out, dpi=80)
    plt.close(fig)


def draw_view(ax, geometry, title):
    g = {k: np.asarray(v, dtype=float) for k, v in geometry.items() if isinstance(v, list)}
    iso = g["isocenter"]
    w, h = geometry["image"]["width"], geometry["image"]["height"]
    first, du, dv = g["first_pixel_center"], g["column_step"], g["row_step"]
    corners = [first, first + (w - 1) * du, first + (w - 1) * du + (h - 1) * dv,
               first + (h - 1) * dv, first]
    corners = np.array(corners) - iso
    source = g["source"] - iso
    centre = first + 0.5 * (w - 1) * du + 0.5 * (h - 1) * dv - iso
    ax.plot(*corners.T, color="tab:blue")
    ax.plot(*np.array([source, centre]).T, color="tab:orange", linestyle="--")
    ax.scatter(*source, color="tab:red", s=40)
    ax.text(*source, "  source", color="tab:red")
    ax.scatter(*(first - iso), color="tab:blue", s=25)
    ax.text(*(first - iso), " pixel (0,0)", color="tab:blue", fontsize=8)
    scale = 120.0
    for vec, name, colour in ((du, "u (columns)", "tab:green"), (dv, "v (rows)", "tab:purple")):
        d = scale * vec / np.linalg.norm(vec)
        ax.quiver(*centre, *d, color=colour)
        ax.text(*(centre + d), " " + name, color=colour, fontsize=8)
    for axis, name in enumerate(("x = L", "y = P", "z = S")):
        d = np.zeros(3)
        d[axis] = 150.0
        ax.quiver(0, 0, 0, *d, color="black")
        ax.text(*d, " " + name, fontsize=8)
    ax.set_xlim(-500, 500)
    ax.set_ylim(-500, 900)
    ax.set_zlim(-400, 400)
    ax.set_xlabel("x (L) mm")
    ax.set_ylabel("y (P) mm")
    ax.set_zlabel("z (S) mm")
    ax.set_box_aspect((1000, 1400, 800))
    ax.view_init(elev=20, azim=-50)
    ax.set_title(title, fontsize=10)


def carm_figure(radon, volume, workdir, out):
    views = [("AP: source posterior, detector anterior", ["--preset", "AP"]),
             ("LAO 30, CRAN 20", ["--primary", "30", "--secondary", "20"])]
    fig = plt.figure(figsize=(13, 6))
    for n, (title, pose) in enumerate(views):
        geometry = render(radon, volume, os.path.join(workdir, f"carm{n}.png"), pose)
        draw_view(fig.add_subplot(1, 2, n + 1, projection="3d"), geometry, title)
    fig.suptitle("The C-arm frame in patient LPS (isocenter at the origin), from radon's geometry "
                 "JSON", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(out, dpi=80)
    plt.close(fig)


def diffdrr_figure(radon, volume, workdir, out, diffdrr_image, marker_ct):
    dd = ["--diffdrr-rotation", "0,0,0", "--diffdrr-convention", "ZXY",
          "--diffdrr-translation", "0,850,0"]
    worked = ["--diffdrr-rotation", "25,-15,10", "--diffdrr-convention", "ZXY",
              "--diffdrr-translation", "12,870,-20", "--sdd", "1020", "--height", "48",
              "--width", "64", "--delx", "2.5"]
    panels = [("radon --preset AP\n(source posterior)", volume, ["--preset", "AP"]),
              ("DiffDRR orientation AP, t = (0, 850, 0)\n(source anterior)", volume, dd)]
    if diffdrr_image and marker_ct:
        panels.append(("worked example in DiffDRR 0.6.1", None, None))
        panels.append(("worked example in radon (--diffdrr-*)", marker_ct, worked))
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.6))
    for n, (ax, (title, vol, pose)) in enumerate(zip(axes, panels)):
        if vol is None:
            ax.imshow(np.load(diffdrr_image), cmap="gray")
        else:
            png = os.path.join(workdir, f"diffdrr{n}.png")
            extra = [] if vol == volume else ["--height", "48"]
            geometry = render(radon, vol, png, pose, extra) if vol == volume else None
            if geometry is None:
                subprocess.run([radon, "drr", vol, *pose, "--quiet", "-o", png], check=True)
                with open(os.path.splitext(png)[0] + ".json") as f:
                    geometry = json.load(f)
            ax.imshow(mpimg.imread(png), cmap="gray")
            label_edges(ax, geometry)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("DiffDRR's AP puts the source in front of the patient and shows the image as "
                 "seen from the source: it reads like radon's AP, but anterior structures are "
                 "magnified more", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(out, dpi=80)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--radon", default="build/app/radon/radon")
    parser.add_argument("--out", default="docs/images")
    parser.add_argument("--diffdrr-image")
    parser.add_argument("--marker-ct")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="conventions_")
    volume = os.path.join(workdir, "marker_phantom.nrrd")
    write_nrrd(volume, marker_phantom())
    os.makedirs(args.out, exist_ok=True)
    presets_figure(args.radon, volume, workdir, os.path.join(args.out, "conventions_presets.png"))
    carm_figure(args.radon, volume, workdir, os.path.join(args.out, "conventions_carm.png"))
    diffdrr_figure(args.radon, volume, workdir, os.path.join(args.out, "conventions_diffdrr.png"),
                   args.diffdrr_image, args.marker_ct)
    print("wrote", args.out, "(work files in", workdir + ")")


if __name__ == "__main__":
    main()
