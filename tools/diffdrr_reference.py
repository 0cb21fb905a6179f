#!/usr/bin/env python3
"""Reference numbers for reproducing DiffDRR poses with radon (kernels/geometry/diffdrr_pose.h).

Runs DiffDRR itself (pip package `diffdrr`, checked with 0.6.1 and torch 2.15 on the CPU) on a
small synthetic CT and prints, for a set of poses that covers every supported parameterization,
three Euler conventions, non-zero translations, principal point offsets, both settings of
reverse_x_axis, the orientations AP, PA and None, and center_volume on and off:

  - the X-ray source and the centres of detector pixels (0, 0), (1, 0) and (0, 1), read from
    DiffDRR's own detector (`drr.detector(pose, None)`), in DiffDRR's world and converted to the
    volume's patient LPS frame through DiffDRR's affine (world -> voxel index) and SimpleITK
    (voxel index -> LPS); radon's own code takes no part in the conversion;
  - the pixel where a bright marker cube projects in DiffDRR's image (its brightest pixel and the
    intensity-weighted centroid), rendered with DiffDRR's Siddon renderer in double precision.

The output is the C++ header tests/kernels/diffdrr_reference.h, read by
tests/kernels/test_diffdrr_pose.cpp and tests/recon/test_conventions.cpp. To regenerate:

    python3 -m venv /tmp/ddenv
    /tmp/ddenv/bin/pip install diffdrr          # brings torch, torchio and SimpleITK
    /tmp/ddenv/bin/python tools/diffdrr_reference.py > tests/kernels/diffdrr_reference.h
    clang-format -i tests/kernels/diffdrr_reference.h

The synthetic CT (written as NIfTI with an oblique direction, anisotropic spacing and an origin
away from zero, so that any axis swap, sign error or half-voxel shift shows) is left in
--workdir. Not run by ctest: it needs torch.
"""

import argparse
import math
import os
import sys
import tempfile

import numpy as np
import SimpleITK as sitk
import torch

import diffdrr
from diffdrr.data import read
from diffdrr.drr import DRR
from diffdrr.pose import convert

# The synthetic CT: water (0 HU) with a bone-like marker cube (1000 HU). DiffDRR's
# HU -> density mapping turns this into density 0 everywhere but the cube, density 1 in it.
SIZE = (64, 56, 48)
SPACING = (1.5, 1.25, 2.0)
ORIGIN_LPS = (-40.0, 25.0, -60.0)
MARKER_BEGIN = (40, 12, 30)  # voxel index of the cube's first voxel (i, j, k)
MARKER_SIZE = 5  # voxels along each axis


def rotation_z(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def rotation_x(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rotation_y(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


# Columns: LPS directions of the i, j, k axes (the ITK direction matrix).
DIRECTION = rotation_z(math.radians(20)) @ rotation_x(math.radians(-10)) @ rotation_y(math.radians(15))

# A detector with an odd height and an even width (DiffDRR offsets them differently), non-square
# pixels and a principal point offset, for the geometry checks.
GEOMETRY_DETECTOR = dict(sdd=1020.0, height=61, width=80, delx=1.5, dely=1.25, x0=7.5, y0=-4.0)
# A detector that sees the whole volume, for the marker renders.
RENDER_DETECTOR = dict(sdd=1020.0, height=48, width=64, delx=2.5, dely=2.5, x0=0.0, y0=0.0)


def euler_matrix(angles_deg, convention):
    m = np.eye(3)
    for axis, angle in zip(convention, angles_deg):
        m = m @ {"X": rotation_x, "Y": rotation_y, "Z": rotation_z}[axis](math.radians(angle))
    return m


# (name, parameterization, rotation values, convention, translation, orientation,
#  reverse_x_axis, center_volume). Angles in degrees (radon's CLI unit); DiffDRR gets radians.
# A translation of None is filled in for center_volume=False so that the central ray meets the
# volume centre.
CASES = [
    ("euler_zxy_identity_ap", "euler_angles", (0.0, 0.0, 0.0), "ZXY", (0.0, 850.0, 0.0), "AP", True, True),
    ("euler_zxy_ap", "euler_angles", (25.0, -15.0, 10.0), "ZXY", (12.0, 870.0, -20.0), "AP", True, True),
    ("euler_zxy_ap_not_reversed", "euler_angles", (25.0, -15.0, 10.0), "ZXY", (12.0, 870.0, -20.0), "AP", False, True),
    ("euler_zxy_identity_pa_volume_behind_source", "euler_angles", (0.0, 0.0, 0.0), "ZXY", (0.0, 850.0, 0.0), "PA", True, True),
    ("euler_xyz_pa", "euler_angles", (-20.0, 30.0, 5.0), "XYZ", (-10.0, -860.0, 15.0), "PA", True, True),
    ("euler_zyx_pa_not_reversed", "euler_angles", (35.0, 10.0, -25.0), "ZYX", (0.0, -850.0, 30.0), "PA", False, True),
    ("euler_zyz_none", "euler_angles", (40.0, 60.0, -30.0), "ZYZ", (5.0, 8.0, -900.0), None, False, True),
    ("axis_angle_ap", "axis_angle", (20.0, -10.0, 35.0), None, (-6.0, 840.0, 9.0), "AP", True, True),
    ("quaternion_pa", "quaternion", (0.9, 0.1, -0.3, 0.2), None, (4.0, -880.0, -7.0), "PA", True, True),
    ("matrix_ap", "matrix", (10.0, 20.0, 30.0), "ZXY", (15.0, 830.0, -12.0), "AP", True, True),
    ("euler_zxy_ap_uncentred", "euler_angles", (-30.0, 12.0, 0.0), "ZXY", None, "AP", True, False),
]


def write_volume(path, background=0.0):
    image = sitk.Image(list(SIZE), sitk.sitkFloat32)
    image.SetSpacing(SPACING)
    image.SetOrigin(ORIGIN_LPS)
    image.SetDirection(DIRECTION.flatten().tolist())
    voxels = np.full(SIZE[::-1], background, dtype=np.float32)  # numpy view is (k, j, i)
    i0, j0, k0 = MARKER_BEGIN
    n = MARKER_SIZE
    voxels[k0 : k0 + n, j0 : j0 + n, i0 : i0 + n] = 1000.0
    marked = sitk.GetImageFromArray(voxels)
    marked.CopyInformation(image)
    sitk.WriteImage(marked, path)
    return sitk.ReadImage(path)


def pose_for(case, subject):
    name, parameterization, values, convention, translation, orientation, _, center = case
    if translation is None:
        # Aim the uncentred case at the volume centre: the source 850 mm from it along the
        # central ray of the rotated C-arm (DiffDRR's source sits at R t, rays leave along
        # R * reorient * (0, 0, 1)).
        r = euler_matrix(values, convention)
        centre = np.array(subject.volume.get_center())
        reorient = subject.reorient.numpy()[:3, :3].astype(np.float64)
        central = r @ reorient @ np.array([0.0, 0.0, 1.0])
        source = centre - 850.0 * central
        translation = tuple(float(x) for x in r.T @ source)
    t = torch.tensor([translation], dtype=torch.float64)
    if parameterization == "euler_angles":
        rot = torch.tensor([[math.radians(v) for v in values]], dtype=torch.float64)
        pose = convert(rot, t, parameterization="euler_angles", convention=convention)
    elif parameterization == "axis_angle":
        rot = torch.tensor([[math.radians(v) for v in values]], dtype=torch.float64)
        pose = convert(rot, t, parameterization="axis_angle")
    elif parameterization == "quaternion":
        rot = torch.tensor([values], dtype=torch.float64)
        pose = convert(rot, t, parameterization="quaternion")
    elif parameterization == "matrix":
        # A 4x4 given as is: DiffDRR ignores the translation argument for "matrix".
        m = np.eye(4)
        m[:3, :3] = euler_matrix(values, convention)
        m[:3, 3] = m[:3, :3] @ np.array(translation)  # aimed like the other cases
        values = tuple(m.flatten())
        translation = (0.0, 0.0, 0.0)
        pose = convert(torch.tensor(m[None], dtype=torch.float64), parameterization="matrix")
    else:
        raise ValueError(parameterization)
    return pose, values, translation


def dd_to_lps(points, affine_dd, image):
    """DiffDRR world -> voxel index (DiffDRR's affine) -> LPS (SimpleITK)."""
    inverse = np.linalg.inv(affine_dd)
    out = []
    for p in points:
        index = inverse @ np.append(p, 1.0)
        out.append(np.array(image.TransformContinuousIndexToPhysicalPoint(index[:3].tolist())))
    return out


HEADER_TEMPLATE = """#pragma once

// DiffDRR's own ray geometry and marker images for a set of poses: the ground truth that
// tests/kernels/test_diffdrr_pose.cpp and tests/recon/test_conventions.cpp hold radon to.
// Generated by tools/diffdrr_reference.py ({versions}); regenerate with
//     /tmp/ddenv/bin/python tools/diffdrr_reference.py > tests/kernels/diffdrr_reference.h
// and run clang-format on it. Positions are in the marker CT's patient LPS frame, mm.

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/diffdrr_pose.h"

namespace radon::test {{

// The synthetic CT DiffDRR read (a NIfTI file written through SimpleITK): water, 0 HU, with a
// cube of marker_size^3 voxels at 1000 HU starting at voxel marker_begin.
struct DiffDrrMarkerCt {{
    std::array<int64_t, 3> size;
    Vec3 spacing;
    Vec3 origin;
    std::array<double, 9> direction;  // row-major; columns are the i, j, k axes in LPS
    std::array<int64_t, 3> marker_begin;
    int64_t marker_size;
}};

inline const DiffDrrMarkerCt kDiffDrrMarkerCt = {{{size}, {spacing}, {origin},
                                                 {direction},
                                                 {marker_begin}, {marker_size}}};

// DRR(subject, sdd, height, width, delx, dely, x0, y0) of the geometry checks (odd height, even
// width, non-square pixels, principal point offset) and of the marker renders; reverse_x_axis
// varies with the case.
inline const DiffDrrDetector kDiffDrrGeometryDetector = {geometry_detector};
inline const DiffDrrDetector kDiffDrrRenderDetector = {render_detector};

// Where DiffDRR's rays go: source, centre of pixel (col 0, row 0), and the world step to the next
// column and to the next row.
struct DiffDrrRays {{
    Vec3 source;
    Vec3 first_pixel;
    Vec3 column_step;
    Vec3 row_step;
}};

struct DiffDrrReferenceCase {{
    const char* name;
    const char* parameterization;  // as drr(..., parameterization=...) takes it
    // Degrees for euler_angles and axis_angle (DiffDRR got radians), (w, x, y, z) for quaternion,
    // a row-major 4x4 for matrix.
    std::vector<double> rotation;
    const char* convention;  // Euler convention, or empty
    Vec3 translation;
    DiffDrrOrientation orientation;
    bool reverse_x_axis;
    bool center_volume;
    DiffDrrRays geometry;  // with kDiffDrrGeometryDetector
    DiffDrrRays render;    // with kDiffDrrRenderDetector
    // DiffDRR's image of the marker CT on kDiffDrrRenderDetector: brightest pixel, the
    // intensity-weighted centroid (pixels), and the two largest values (to judge ties).
    int64_t marker_col;
    int64_t marker_row;
    double centroid_col;
    double centroid_row;
    double brightest;
    double second_brightest;
}};

inline const std::vector<DiffDrrReferenceCase>& diffdrr_reference_cases() {{
    static const std::vector<DiffDrrReferenceCase> cases = {{
{cases}
    }};
    return cases;
}}

}}  // namespace radon::test"""


def cxx(v):
    return "{" + ", ".join(f"{x:.17g}" for x in v) + "}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", default=tempfile.mkdtemp(prefix="diffdrr_reference_"))
    parser.add_argument("--images", action="store_true",
                        help="also save DiffDRR's marker images (NAME.npy) and the CT in air")
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    os.makedirs(args.workdir, exist_ok=True)
    path = os.path.join(args.workdir, "marker_ct.nii.gz")
    image = write_volume(path)
    if args.images:
        # The same CT in air, for radon's water-linear HU model to see the marker alone, as
        # DiffDRR's density does.
        write_volume(os.path.join(args.workdir, "marker_ct_air.nii.gz"), background=-1000.0)

    # The file must hold the grid we meant, and DiffDRR (torchio) must read the RAS+ form of it.
    assert np.allclose(image.GetDirection(), DIRECTION.flatten(), atol=1e-6)
    affine_ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ np.block(
        [[DIRECTION @ np.diag(SPACING), np.array(ORIGIN_LPS)[:, None]], [np.zeros((1, 3)), np.ones((1, 1))]]
    )

    lines = []
    for case in CASES:
        name, parameterization, _, convention, _, orientation, reverse, center = case
        subject = read(path, orientation=orientation, center_volume=center)
        raw = read(path, orientation=orientation, center_volume=False)
        assert np.allclose(raw.volume.affine, affine_ras, atol=1e-5), raw.volume.affine
        affine_dd = np.array(subject.volume.affine, dtype=np.float64)
        pose, values, translation = pose_for(case, subject)
        results = {}
        for label, det in (("geometry", GEOMETRY_DETECTOR), ("render", RENDER_DETECTOR)):
            drr = DRR(subject, reverse_x_axis=reverse, **det).double()
            source, target = drr.detector(pose, None)
            source = source[0, 0].numpy()
            target = target[0].numpy()
            w = det["width"]
            s, p00, p10, p01 = dd_to_lps([source, target[0], target[1], target[w]], affine_dd, image)
            results[label] = (s, p00, p10 - p00, p01 - p00)
            if label == "render":
                img = drr(pose)[0, 0].numpy()
                assert img.max() > 0, f"{name}: the marker is not in view"
                row, col = np.unravel_index(np.argmax(img), img.shape)
                rows, cols = np.indices(img.shape)
                total = img.sum()
                centroid = ((cols * img).sum() / total, (rows * img).sum() / total)
                order = np.sort(img.flatten())[::-1]
                results["marker"] = (col, row, centroid, order[0], order[1])
                if args.images:
                    np.save(os.path.join(args.workdir, f"{name}.npy"), img)
        g = results["geometry"]
        r = results["render"]
        col, row, centroid, top, second = results["marker"]
        orient = {"AP": "AP", "PA": "PA", None: "None"}[orientation]
        lines += [
            f'    {{"{name}", "{parameterization}", {cxx(values)}, "{convention or ""}",',
            f"     {cxx(translation)}, DiffDrrOrientation::{orient}, {str(reverse).lower()}, {str(center).lower()},",
            f"     {{{cxx(g[0])}, {cxx(g[1])},",
            f"      {cxx(g[2])}, {cxx(g[3])}}},",
            f"     {{{cxx(r[0])}, {cxx(r[1])},",
            f"      {cxx(r[2])}, {cxx(r[3])}}},",
            f"     {col}, {row}, {centroid[0]:.17g}, {centroid[1]:.17g}, {top:.17g}, {second:.17g}}},",
        ]

    def detector(d):
        return f"{{{d['sdd']!r}, {d['height']}, {d['width']}, {d['delx']!r}, {d['dely']!r}, {d['x0']!r}, {d['y0']!r}}}"

    version = getattr(diffdrr, "__version__", "?")
    print(HEADER_TEMPLATE.format(
        versions=f"diffdrr {version}, torch {torch.__version__.split('+')[0]}, SimpleITK {sitk.Version.VersionString()}",
        size=cxx(SIZE), spacing=cxx(SPACING), origin=cxx(ORIGIN_LPS), direction=cxx(DIRECTION.flatten()),
        marker_begin=cxx(MARKER_BEGIN), marker_size=MARKER_SIZE,
        geometry_detector=detector(GEOMETRY_DETECTOR), render_detector=detector(RENDER_DETECTOR),
        cases="\n".join(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
