#!/usr/bin/env python3
"""Writes tests/data/ct: CT geometries written by the peers themselves, for the import tests.

- rtk_cone.xml, rtk_parallel.xml: rtk.ThreeDCircularProjectionGeometry filled with AddProjection
  (source and projection offsets, out-of-plane and in-plane angles, some values constant and so
  written once at the top, some per projection) and written by RTK's
  ThreeDCircularProjectionGeometryXMLFileWriter, with the 3x4 matrix RTK computes for each
  projection. The tests import the parameters and must reproduce those matrices.
- astra_cone_vec.txt, astra_parallel3d_vec.txt: astra.geom_2vec of ASTRA's own circular 'cone' and
  'parallel3d' geometries (CONE and PARALLEL below), one view of 12 numbers per line
  (numpy.savetxt). The tests read them and compare with radon's circular trajectory.

Usage (the files are committed; run again only to change them):
    python3 -m venv /work/venv-peers
    /work/venv-peers/bin/pip install itk-rtk==2.7.* astra-toolbox==2.5.* numpy
    /work/venv-peers/bin/python tools/make_ct_geometry_fixtures.py tests/data/ct

With a second argument, an RTK XML file: reads it with RTK (whose reader refuses a file whose
matrices disagree with its parameters by more than 0.001) and prints its parameters and matrices,
to check a file `radon ct geometry` wrote:
    /work/venv-peers/bin/python tools/make_ct_geometry_fixtures.py --check FILE.xml

With --rays, RTK's own projector checks the pixel convention: RTK projects a small sphere
(rtk.RayEllipsoidIntersectionImageFilter) with the XML radon wrote onto projection images of
COLSxROWS pixels of SU,SV mm with the centred origin, and the sphere's centroid in each view is
compared with where radon's view vectors (written by the same command) put the sphere's centre:
    radon ct geometry ... -o g.xml -o g.txt
    /work/venv-peers/bin/python tools/make_ct_geometry_fixtures.py --rays g.xml g.txt 96x64 2,3
"""

import os
import sys

import numpy as np

# ASTRA's circular geometries: detector spacing (columns, rows), rows, columns, angles (radians),
# source to origin, origin to detector.
CONE = dict(spacing=(0.8, 1.2), rows=6, columns=10, angles_deg=[0, 30, 95, 180, 271.5],
            source_origin=600.0, origin_detector=400.0)
PARALLEL = dict(spacing=(0.5, 0.7), rows=4, columns=9, angles_deg=[0, 45, 90, 200])


def rtk_geometries():
    from itk import RTK as rtk

    cone = rtk.ThreeDCircularProjectionGeometry.New()
    # sid, sdd, gantry, projection offset x, y, out-of-plane, in-plane, source offset x, y
    # (degrees, mm): SID and the source offsets constant, the rest changing.
    for i, gantry in enumerate([0.0, 40.0, 95.0, 181.5, 260.0, 330.0, -20.0]):
        cone.AddProjection(600.0, 1200.0 + 10 * i, gantry, 5.0 - 2 * i, -3.0 + i,
                           (-1) ** i * 12.5 + i, 7.0 if i < 4 else -33.0, 20.0, 15.0)

    parallel = rtk.ThreeDCircularProjectionGeometry.New()
    for i, gantry in enumerate([0.0, 72.0, 144.0, 216.0, 288.0]):
        parallel.AddProjection(800.0, 0.0, gantry, 3.5 * i, -1.25, 10.0 - 4 * i, 25.0)
    return {"rtk_cone.xml": cone, "rtk_parallel.xml": parallel}


def write_rtk(folder):
    from itk import RTK as rtk

    for name, geometry in rtk_geometries().items():
        writer = rtk.ThreeDCircularProjectionGeometryXMLFileWriter.New()
        writer.SetFilename(os.path.join(folder, name))
        writer.SetObject(geometry)
        writer.WriteFile()


def write_astra(folder):
    import astra

    cone = astra.create_proj_geom("cone", CONE["spacing"][0], CONE["spacing"][1], CONE["rows"],
                                  CONE["columns"], np.deg2rad(CONE["angles_deg"]),
                                  CONE["source_origin"], CONE["origin_detector"])
    np.savetxt(os.path.join(folder, "astra_cone_vec.txt"), astra.geom_2vec(cone)["Vectors"],
               fmt="%.17g")
    parallel = astra.create_proj_geom("parallel3d", PARALLEL["spacing"][0],
                                      PARALLEL["spacing"][1], PARALLEL["rows"],
                                      PARALLEL["columns"], np.deg2rad(PARALLEL["angles_deg"]))
    np.savetxt(os.path.join(folder, "astra_parallel3d_vec.txt"),
               astra.geom_2vec(parallel)["Vectors"], fmt="%.17g")


def check(path):
    import itk
    from itk import RTK as rtk

    reader = rtk.ThreeDCircularProjectionGeometryXMLFileReader.New()
    reader.SetFilename(path)
    reader.GenerateOutputInformation()
    g = reader.GetOutputObject()
    n = len(g.GetGantryAngles())
    import xml.etree.ElementTree as ElementTree

    written = [np.array(m.text.split(), dtype=float).reshape(3, 4)
               for m in ElementTree.parse(path).getroot().iter("Matrix")]
    worst = max(np.abs(w - itk.array_from_matrix(g.GetMatrix(i))).max() / np.abs(w).max()
                for i, w in enumerate(written))
    print(f"{path}: {n} projections read by RTK; the matrices written and those RTK computes from "
          f"the parameters differ by {worst:.3g} of the largest entry at most")
    deg = 180 / np.pi
    for i in range(n):
        print(f"projection {i}: SID {g.GetSourceToIsocenterDistances()[i]:.15g} "
              f"SDD {g.GetSourceToDetectorDistances()[i]:.15g} "
              f"gantry {deg * g.GetGantryAngles()[i]:.15g} "
              f"out-of-plane {deg * g.GetOutOfPlaneAngles()[i]:.15g} "
              f"in-plane {deg * g.GetInPlaneAngles()[i]:.15g} "
              f"projection offset ({g.GetProjectionOffsetsX()[i]:.15g}, "
              f"{g.GetProjectionOffsetsY()[i]:.15g}) "
              f"source offset ({g.GetSourceOffsetsX()[i]:.15g}, {g.GetSourceOffsetsY()[i]:.15g})")
        print(itk.array_from_matrix(g.GetMatrix(i)))


def rays(xml, vectors, panel, spacing):
    import itk
    from itk import RTK as rtk

    cols, rows = (int(x) for x in panel.split("x"))
    su, sv = (float(x) for x in spacing.split(","))
    reader = rtk.ThreeDCircularProjectionGeometryXMLFileReader.New()
    reader.SetFilename(xml)
    reader.GenerateOutputInformation()
    g = reader.GetOutputObject()
    n = len(g.GetGantryAngles())
    image = itk.Image[itk.F, 3]
    source = rtk.ConstantImageSource[image].New()
    source.SetSize([cols, rows, n])
    source.SetSpacing([su, sv, 1.0])
    source.SetOrigin([-(cols - 1) / 2 * su, -(rows - 1) / 2 * sv, 0.0])
    source.SetConstant(0.0)
    centre = np.array([30.0, -20.0, 25.0])
    sphere = rtk.RayEllipsoidIntersectionImageFilter[image, image].New()
    sphere.SetInput(source.GetOutput())
    sphere.SetGeometry(g)
    sphere.SetDensity(1.0)
    sphere.SetAxis([4.0, 4.0, 4.0])
    sphere.SetCenter(centre.tolist())
    sphere.Update()
    projections = itk.array_from_image(sphere.GetOutput())  # [view, row, column]
    views = np.atleast_2d(np.loadtxt(vectors))
    worst = 0.0
    for k in range(n):
        p = projections[k]
        r, c = np.indices(p.shape)
        row, col = (r * p).sum() / p.sum(), (c * p).sum() / p.sum()
        s, d, u, v = views[k, 0:3], views[k, 3:6], views[k, 6:9], views[k, 9:12]
        normal = np.cross(u, v)
        magnification = np.dot(d - s, normal) / np.dot(centre - s, normal)
        hit = s + magnification * (centre - s) - d
        ci, ri = np.linalg.lstsq(np.stack([u, v], axis=1), hit, rcond=None)[0]
        ci, ri = ci + (cols - 1) / 2, ri + (rows - 1) / 2
        radius = 4.0 * magnification / min(np.linalg.norm(u), np.linalg.norm(v)) + 1
        if min(ci, ri, cols - 1 - ci, rows - 1 - ri) < radius:
            print(f"view {k}: the sphere's shadow at ({ci:.3f}, {ri:.3f}) is cut by the panel's "
                  "edge: not compared")
            continue
        worst = max(worst, abs(ci - col), abs(ri - row))
        print(f"view {k}: RTK's sphere centroid ({col:.3f}, {row:.3f}), radon's centre "
              f"({ci:.3f}, {ri:.3f})")
    print(f"largest difference: {worst:.3g} pixels")


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--rays":
        rays(*sys.argv[2:])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    write_rtk(folder)
    write_astra(folder)


if __name__ == "__main__":
    main()
