#!/usr/bin/env python3
"""CT reconstruction on the CPU side by side: ASTRA, RTK and `radon ct recon`.

Three problems, each reconstructed from the same exact (analytic) projections of a Shepp-Logan
phantom written once as MetaImage files, so both sides read the same numbers:

  fbp   2D parallel FBP (ram-lak), 512 x 512 pixels of 1 mm from 720 views over 180 degrees of
        768 detector pixels of 1 mm; ASTRA's CPU FBP with its 'linear' projector.
  sirt  2D parallel SIRT, 50 iterations, 256 x 256 from 180 views of 384 pixels;
        ASTRA's CPU SIRT with its 'linear' projector.
  fdk   3D cone-beam FDK (ram-lak), 256^3 voxels of 1 mm from 360 projections over 360 degrees
        of 256 x 256 pixels of 1.6 mm, source-isocentre 1000 mm, source-detector 1500 mm;
        rtk.FDKConeBeamReconstructionFilter on the CPU.

The 2D phantom is the modified Shepp-Logan of Toft (MATLAB's phantom), the 3D one its 3D
extension (Schabel's phantom3d, modified contrasts), both scaled so [-1, 1] spans the grid. The
projections are exact line integrals through the ellipses/ellipsoids; the reference for the PSNR
is the phantom averaged over each pixel (4 x 4 samples in 2D, 2 x 2 x 2 in 3D) on the
reconstruction grid, PSNR = 10 log10(range^2 / MSE) over the whole grid.

Each peer runs in its own subprocess (ASTRA's GPU calls crash on a machine without a driver, so
only its CPU algorithms are used), reads the projections, reconstructs --runs times and reports
the time of each run (reconstruction only, data already in memory). Radon Studio runs the built
`radon` binary (`radon ct recon`) --runs times; its time is the reconstruction time it prints for
itself (reading and writing files excluded, as for the peers), the process time is given too.
G voxel updates/s = voxels x views / time, for the back-projection methods (FBP, FDK).

Usage (the peers' interpreter is the virtual environment holding astra-toolbox and itk-rtk):
  /work/venv-peers/bin/python benchmarks/ct_peers.py [--radon build/app/radon/radon]
      [--problems fbp,sirt,fdk] [--runs 5] [--fdk-runs 3] [--work DIR] [--csv FILE] [--small]
Without --radon only the peers are timed.
"""

import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

# ---------------------------------------------------------------------------------------------
# Phantoms: (value, semi-axes, centre, rotation about z in degrees), in the [-1, 1] frame.

SHEPP_LOGAN_2D_MODIFIED = [
    (1.0, (0.69, 0.92), (0.0, 0.0), 0.0),
    (-0.8, (0.6624, 0.8740), (0.0, -0.0184), 0.0),
    (-0.2, (0.1100, 0.3100), (0.22, 0.0), -18.0),
    (-0.2, (0.1600, 0.4100), (-0.22, 0.0), 18.0),
    (0.1, (0.2100, 0.2500), (0.0, 0.35), 0.0),
    (0.1, (0.0460, 0.0460), (0.0, 0.1), 0.0),
    (0.1, (0.0460, 0.0460), (0.0, -0.1), 0.0),
    (0.1, (0.0460, 0.0230), (-0.08, -0.605), 0.0),
    (0.1, (0.0230, 0.0230), (0.0, -0.606), 0.0),
    (0.1, (0.0230, 0.0460), (0.06, -0.605), 0.0),
]

SHEPP_LOGAN_3D_MODIFIED = [
    (1.0, (0.6900, 0.920, 0.810), (0.0, 0.0, 0.0), 0.0),
    (-0.8, (0.6624, 0.874, 0.780), (0.0, -0.0184, 0.0), 0.0),
    (-0.2, (0.1100, 0.310, 0.220), (0.22, 0.0, 0.0), -18.0),
    (-0.2, (0.1600, 0.410, 0.280), (-0.22, 0.0, 0.0), 18.0),
    (0.1, (0.2100, 0.250, 0.410), (0.0, 0.35, -0.15), 0.0),
    (0.1, (0.0460, 0.046, 0.050), (0.0, 0.1, 0.25), 0.0),
    (0.1, (0.0460, 0.046, 0.050), (0.0, -0.1, 0.25), 0.0),
    (0.1, (0.0460, 0.023, 0.050), (-0.08, -0.605, 0.0), 0.0),
    (0.1, (0.0230, 0.023, 0.020), (0.0, -0.606, 0.0), 0.0),
    (0.1, (0.0230, 0.046, 0.020), (0.06, -0.605, 0.0), 0.0),
]


def ellipsoids(table, half):
    """The table in world mm: (value, semi-axes, centre, R) with R's columns the own axes."""
    out = []
    for value, axes, centre, phi in table:
        c, s = math.cos(math.radians(phi)), math.sin(math.radians(phi))
        rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        axes3 = np.array(list(axes) + [1e30] * (3 - len(axes))) * half
        centre3 = np.array(list(centre) + [0.0] * (3 - len(centre))) * half
        out.append((value, axes3, centre3, rot))
    return out


def phantom_values(ells, points):
    """Phantom value at world points (..., 3)."""
    v = np.zeros(points.shape[:-1])
    for value, axes, centre, rot in ells:
        local = (points - centre) @ rot / axes
        v += value * (np.einsum("...i,...i->...", local, local) <= 1.0)
    return v


def chord_lengths(ells, origins, directions):
    """Integral of the phantom along lines origin + t direction (all t), directions unit."""
    total = np.zeros(origins.shape[:-1])
    for value, axes, centre, rot in ells:
        o = (origins - centre) @ rot / axes
        d = directions @ rot / axes
        a = np.einsum("...i,...i->...", d, d)
        b = np.einsum("...i,...i->...", o, d)
        c = np.einsum("...i,...i->...", o, o) - 1.0
        disc = b * b - a * c
        total += value * np.where(disc > 0, 2.0 * np.sqrt(np.maximum(disc, 0)) / a, 0.0)
    return total


def reference_image(ells, shape_zyx, spacing, origin, samples):
    """The phantom averaged over each voxel (samples^dims points), array [z, y, x]."""
    nz, ny, nx = shape_zyx
    offsets = (np.arange(samples) + 0.5) / samples - 0.5
    out = np.zeros(shape_zyx)
    ys, xs = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    z_offsets = offsets if nz > 1 else [0.0]
    for k in range(nz):
        acc = np.zeros((ny, nx))
        for dz in z_offsets:
            for dy in offsets:
                for dx in offsets:
                    p = np.stack([origin[0] + (xs + dx) * spacing[0],
                                  origin[1] + (ys + dy) * spacing[1],
                                  np.full(xs.shape, origin[2] + (k + dz) * spacing[2])], axis=-1)
                    acc += phantom_values(ells, p)
        out[k] = acc / (len(z_offsets) * samples * samples)
    return out


def psnr(image, reference):
    mse = float(np.mean((image.astype(np.float64) - reference) ** 2))
    peak = float(reference.max() - reference.min())
    return 10.0 * math.log10(peak * peak / mse) if mse > 0 else float("inf")


# ---------------------------------------------------------------------------------------------
# MetaImage (uncompressed, LOCAL data), so the data files need no library on either side.

def write_mha(path, array_zyx, spacing, origin):
    nz, ny, nx = array_zyx.shape
    header = ("ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
              "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\n"
              f"Offset = {origin[0]!r} {origin[1]!r} {origin[2]!r}\n"
              "CenterOfRotation = 0 0 0\nAnatomicalOrientation = RAI\n"
              f"ElementSpacing = {spacing[0]!r} {spacing[1]!r} {spacing[2]!r}\n"
              f"DimSize = {nx} {ny} {nz}\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n")
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(header.encode())
        f.write(np.ascontiguousarray(array_zyx, dtype="<f4").tobytes())
    os.replace(tmp, path)


def read_mha(path):
    """(array [z, y, x] float32, spacing, origin, direction 3x3) of an uncompressed .mha/.mhd."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = {}, 0
    while True:
        end = data.index(b"\n", pos)
        key, _, value = data[pos:end].decode().partition("=")
        fields[key.strip()] = value.strip()
        pos = end + 1
        if key.strip() == "ElementDataFile":
            break
    if fields.get("CompressedData", "False") == "True":
        raise SystemExit(f"{path}: compressed MetaImage: write it uncompressed")
    dims = [int(v) for v in fields["DimSize"].split()] + [1] * (3 - len(fields["DimSize"].split()))
    types = {"MET_FLOAT": "<f4", "MET_DOUBLE": "<f8", "MET_SHORT": "<i2", "MET_USHORT": "<u2"}
    dtype = np.dtype(types[fields["ElementType"]])
    if fields["ElementDataFile"] == "LOCAL":
        raw = data[pos:]
    else:
        with open(os.path.join(os.path.dirname(path), fields["ElementDataFile"]), "rb") as f:
            raw = f.read()
    count = dims[0] * dims[1] * dims[2]
    array = np.frombuffer(raw[:count * dtype.itemsize], dtype=dtype).reshape(dims[::-1])
    spacing = [float(v) for v in fields.get("ElementSpacing", "1 1 1").split()] + [1.0]
    origin = [float(v) for v in fields.get("Offset", "0 0 0").split()] + [0.0]
    direction = np.array([float(v) for v in fields.get("TransformMatrix",
                                                        "1 0 0 0 1 0 0 0 1").split()])
    return array.astype(np.float32), spacing[:3], origin[:3], direction.reshape(3, 3)[:3, :3]


# ---------------------------------------------------------------------------------------------
# The problems: geometry as per-view vectors (ASTRA's cone_vec / parallel3d_vec rows: source or
# ray direction, detector centre, u, v), the reconstruction grid, and the sizes.

def problem_specs(small):
    if small:
        return {
            "fbp": dict(n=128, views=180, det=192, arc=180.0),
            "sirt": dict(n=64, views=60, det=96, arc=180.0, iterations=50),
            "fdk": dict(n=64, views=90, det=64, pixel=6.4, sid=1000.0, sdd=1500.0),
        }
    return {
        "fbp": dict(n=512, views=720, det=768, arc=180.0),
        "sirt": dict(n=256, views=180, det=384, arc=180.0, iterations=50),
        "fdk": dict(n=256, views=360, det=256, pixel=1.6, sid=1000.0, sdd=1500.0),
    }


def parallel_vectors(views, arc):
    """ASTRA's 2D parallel geometry with angles i * arc / views, detector pixels of 1 mm:
    ray (sin a, -cos a), detector centre 0, u = (cos a, sin a); z is the slice axis."""
    rows = []
    for i in range(views):
        a = math.radians(arc * i / views)
        rows.append([math.sin(a), -math.cos(a), 0, 0, 0, 0,
                     math.cos(a), math.sin(a), 0, 0, 0, 1])
    return np.array(rows)


def cone_vectors(views, sid, sdd, pixel):
    """RTK's ThreeDCircularProjectionGeometry, AddProjection(sid, sdd, angle) with angles
    i * 360 / views (rotation about y; at 0 the source on +z, u along x, v along y)."""
    rows = []
    for i in range(views):
        a = math.radians(360.0 * i / views)
        s, c = math.sin(a), math.cos(a)
        rows.append([sid * s, 0, sid * c, -(sdd - sid) * s, 0, -(sdd - sid) * c,
                     pixel * c, 0, -pixel * s, 0, pixel, 0])
    return np.array(rows)


def make_data(name, spec, work):
    """Writes NAME_proj.mha (views x rows x columns), NAME_vectors.txt and NAME_ref.npy once."""
    proj_path = os.path.join(work, f"{name}_proj.mha")
    vec_path = os.path.join(work, f"{name}_vectors.txt")
    ref_path = os.path.join(work, f"{name}_ref.npy")
    meta_path = os.path.join(work, f"{name}.json")
    if all(os.path.exists(p) for p in (proj_path, vec_path, ref_path, meta_path)):
        return json.load(open(meta_path))
    n = spec["n"]
    start = time.perf_counter()
    if name in ("fbp", "sirt"):
        ells = ellipsoids(SHEPP_LOGAN_2D_MODIFIED, n / 2.0)
        vec = parallel_vectors(spec["views"], spec["arc"])
        det = spec["det"]
        t = np.arange(det) - (det - 1) / 2.0
        sino = np.zeros((spec["views"], 1, det))
        for i, row in enumerate(vec):
            ray, centre, u = row[0:3], row[3:6], row[6:9]
            points = centre + t[:, None] * u
            sino[i, 0] = chord_lengths(ells, points, np.broadcast_to(ray, points.shape))
        grid = dict(size=[n, n, 1], spacing=[1.0, 1.0, 1.0],
                    origin=[-(n - 1) / 2.0, -(n - 1) / 2.0, 0.0])
        ref = reference_image(ells, (1, n, n), grid["spacing"], grid["origin"], 4)
    else:
        ells = ellipsoids(SHEPP_LOGAN_3D_MODIFIED, n / 2.0)
        vec = cone_vectors(spec["views"], spec["sid"], spec["sdd"], spec["pixel"])
        det = spec["det"]
        t = np.arange(det) - (det - 1) / 2.0
        sino = np.zeros((spec["views"], det, det))
        for i, row in enumerate(vec):
            src, centre, u, v = row[0:3], row[3:6], row[6:9], row[9:12]
            pix = centre + t[None, :, None] * u + t[:, None, None] * v
            d = pix - src
            d /= np.linalg.norm(d, axis=-1, keepdims=True)
            sino[i] = chord_lengths(ells, np.broadcast_to(src, d.shape), d)
        grid = dict(size=[n, n, n], spacing=[1.0, 1.0, 1.0],
                    origin=[-(n - 1) / 2.0] * 3)
        ref = reference_image(ells, (n, n, n), grid["spacing"], grid["origin"], 2)
    # The stack's own grid: column and row pitch as the vectors say (1 mm for 2D).
    pitch = spec.get("pixel", 1.0)
    write_mha(proj_path, sino.astype(np.float32), [pitch, pitch, 1.0],
              [-(det - 1) / 2.0 * pitch, -(sino.shape[1] - 1) / 2.0 * pitch, 0.0])
    np.savetxt(vec_path, vec, fmt="%.17g")
    np.save(ref_path, ref.astype(np.float32))
    meta = dict(spec, grid=grid, beam="parallel" if name != "fdk" else "cone",
                seconds_to_make=time.perf_counter() - start)
    json.dump(meta, open(meta_path, "w"), indent=1)
    return meta


# ---------------------------------------------------------------------------------------------
# Peers, each in its own process: `--peer NAME` reconstructs and prints one JSON line.

def peer_astra(name, meta, work, runs):
    import astra
    n, views, det = meta["n"], meta["views"], meta["det"]
    sino, _, _, _ = read_mha(os.path.join(work, f"{name}_proj.mha"))
    sino = np.ascontiguousarray(sino[:, 0, :])
    vec = np.loadtxt(os.path.join(work, f"{name}_vectors.txt"))
    angles = np.linspace(0, math.radians(meta["arc"]), views, endpoint=False)
    proj_geom = astra.create_proj_geom("parallel", 1.0, det, angles)
    # The data were made from the vectors: check that ASTRA's geometry is the same.
    astra_vec = astra.geom_2vec(proj_geom)["Vectors"]
    if not np.allclose(astra_vec, vec[:, [0, 1, 3, 4, 6, 7]], atol=1e-9):
        raise SystemExit("ASTRA's parallel geometry differs from the data's vectors")
    vol_geom = astra.create_vol_geom(n, n)
    proj_id = astra.create_projector("linear", proj_geom, vol_geom)
    sino_id = astra.data2d.create("-sino", proj_geom, sino)
    rec_id = astra.data2d.create("-vol", vol_geom, 0)
    times = []
    for _ in range(runs):
        astra.data2d.store(rec_id, 0)
        cfg = astra.astra_dict("FBP" if name == "fbp" else "SIRT")
        cfg["ProjectorId"] = proj_id
        cfg["ProjectionDataId"] = sino_id
        cfg["ReconstructionDataId"] = rec_id
        if name == "fbp":
            cfg["FilterType"] = "ram-lak"
        start = time.perf_counter()
        alg_id = astra.algorithm.create(cfg)
        astra.algorithm.run(alg_id, 1 if name == "fbp" else meta["iterations"])
        rec = astra.data2d.get(rec_id)
        times.append(time.perf_counter() - start)
        astra.algorithm.delete(alg_id)
    # ASTRA's row 0 is the top of the image (largest y): flip to y increasing.
    np.save(os.path.join(work, f"{name}_astra.npy"), rec[::-1, :][None].astype(np.float32))
    return dict(times=times, tool=f"ASTRA {astra.__version__} CPU "
                + ("FBP ram-lak" if name == "fbp" else f"SIRT {meta['iterations']} it")
                + ", 'linear' projector")


def peer_rtk(name, meta, work, runs):
    import itk
    from itk import RTK as rtk
    n, views, det, pixel = meta["n"], meta["views"], meta["det"], meta["pixel"]
    vec = np.loadtxt(os.path.join(work, f"{name}_vectors.txt"))
    geometry = rtk.ThreeDCircularProjectionGeometry.New()
    for i in range(views):
        geometry.AddProjection(meta["sid"], meta["sdd"], 360.0 * i / views)
    # The data were made from the vectors: check that RTK's geometry is the same.
    for i in range(views):
        src = np.array(geometry.GetSourcePosition(i))[:3]
        m = itk.array_from_matrix(geometry.GetProjectionCoordinatesToFixedSystemMatrix(i))
        got = np.concatenate([src, m[:3, 3], m[:3, 0] * pixel, m[:3, 1] * pixel])
        if not np.allclose(got, vec[i], atol=1e-6):
            raise SystemExit(f"RTK's geometry differs from the data's vectors at view {i}")
    stack, spacing, origin, _ = read_mha(os.path.join(work, f"{name}_proj.mha"))
    ImageType = itk.Image[itk.F, 3]
    projections = itk.image_from_array(np.ascontiguousarray(stack))
    projections.SetSpacing(spacing)
    projections.SetOrigin(origin)
    grid = meta["grid"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        source = rtk.ConstantImageSource[ImageType].New()
        source.SetOrigin(grid["origin"])
        source.SetSpacing(grid["spacing"])
        source.SetSize(grid["size"])
        source.SetConstant(0.0)
        fdk = rtk.FDKConeBeamReconstructionFilter[ImageType].New()
        fdk.SetInput(0, source.GetOutput())
        fdk.SetInput(1, projections)
        fdk.SetGeometry(geometry)
        fdk.GetRampFilter().SetTruncationCorrection(0.0)
        fdk.GetRampFilter().SetHannCutFrequency(0.0)
        fdk.Update()
        rec = itk.array_from_image(fdk.GetOutput())
        times.append(time.perf_counter() - start)
    np.save(os.path.join(work, f"{name}_rtk.npy"), rec.astype(np.float32))
    return dict(times=times, tool=f"RTK {rtk_version()} CPU FDK ram-lak "
                f"({itk.MultiThreaderBase.GetGlobalDefaultNumberOfThreads()} threads)")


def rtk_version():
    try:
        from importlib.metadata import version
        return version("itk-rtk")
    except Exception:
        return "?"


# ---------------------------------------------------------------------------------------------
# Radon Studio: `radon ct recon` on the same files, timed as it reports itself.

RADON_METHOD = {"fbp": "fbp", "sirt": "sirt", "fdk": "fdk"}


def run_radon(radon, name, meta, work, runs, threads):
    grid = meta["grid"]
    out = os.path.join(work, f"{name}_radon.mha")
    cmd = [radon, "ct", "recon", os.path.join(work, f"{name}_proj.mha"),
           "--geometry", os.path.join(work, f"{name}_vectors.txt"), "--beam", meta["beam"],
           "--method", RADON_METHOD[name],
           "--size", ",".join(str(v) for v in grid["size"]),
           "--spacing", ",".join(str(v) for v in grid["spacing"]),
           "--centre", "0,0,0", "-o", out]
    if name == "sirt":
        cmd += ["--iterations", str(meta["iterations"])]
    else:
        cmd += ["--filter", "ram-lak"]
    if threads:
        cmd += ["--threads", str(threads)]
    times, walls = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                             f"{proc.stdout}{proc.stderr}")
        found = re.search(r"reconstructed in ([0-9.]+) s", proc.stdout)
        if not found:
            raise SystemExit(f"no 'reconstructed in S s' line from radon:\n{proc.stdout}")
        times.append(float(found.group(1)))
    rec, spacing, origin, direction = read_mha(out)
    if (list(rec.shape[::-1]) != grid["size"] or not np.allclose(origin, grid["origin"])
            or not np.allclose(direction, np.eye(3))):
        raise SystemExit(f"{out}: not on the grid asked for ({rec.shape[::-1]}, {origin})")
    version = subprocess.run([radon, "--version"], capture_output=True, text=True).stdout.strip()
    return dict(times=times, walls=walls, array=rec, tool=f"{version} ({' '.join(cmd[1:4])} ...)",
                command=" ".join(cmd))


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--radon", default=None, help="the radon binary (omit: peers only)")
    ap.add_argument("--problems", default="fbp,sirt,fdk")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--fdk-runs", type=int, default=3, help="runs for fdk (RTK takes a minute)")
    ap.add_argument("--threads", type=int, default=0, help="radon threads (0: all)")
    ap.add_argument("--work", default=None, help="folder for the data and outputs (reused)")
    ap.add_argument("--csv", default=None)
    ap.add_argument("--small", action="store_true", help="small sizes, for a quick check")
    ap.add_argument("--peer", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    specs = problem_specs(args.small)
    if args.peer:  # the subprocess of one peer
        name = args.peer
        meta = json.load(open(os.path.join(args.work, f"{name}.json")))
        result = (peer_rtk if name == "fdk" else peer_astra)(name, meta, args.work, args.runs)
        print("RESULT " + json.dumps(result))
        return

    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="radon-ct-peers-"))
    os.makedirs(work, exist_ok=True)
    radon = os.path.abspath(args.radon) if args.radon else None
    print(f"work folder {work}; load average {os.getloadavg()[0]:.2f}, "
          f"{os.cpu_count()} CPUs")
    rows = []
    for name in args.problems.split(","):
        if name not in specs:
            raise SystemExit(f"--problems: unknown problem '{name}': expected fbp, sirt or fdk")
        meta = make_data(name, specs[name], work)
        runs = args.fdk_runs if name == "fdk" else args.runs
        ref = np.load(os.path.join(work, f"{name}_ref.npy"))
        voxels = int(np.prod(meta["grid"]["size"]))
        updates = voxels * meta["views"] if name != "sirt" else None
        load_before = os.getloadavg()[0]
        peer_name = "RTK" if name == "fdk" else "ASTRA"
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer", name,
                               "--work", work, "--runs", str(runs)]
                              + (["--small"] if args.small else []),
                              capture_output=True, text=True)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode != 0 or not line:
            raise SystemExit(f"{peer_name} ({name}) failed ({proc.returncode}):\n"
                             f"{proc.stdout}{proc.stderr}")
        peer = json.loads(line[0][len("RESULT "):])
        peer_rec = np.load(os.path.join(work, f"{name}_{peer_name.lower()}.npy"))
        row = dict(problem=name, views=meta["views"], grid="x".join(map(str, meta["grid"]["size"])),
                   peer=peer["tool"], peer_s=statistics.median(peer["times"]),
                   peer_psnr=psnr(peer_rec, ref), updates=updates, load=load_before)
        if radon:
            ours = run_radon(radon, name, meta, work, runs, args.threads)
            row.update(radon=ours["tool"], radon_s=statistics.median(ours["times"]),
                       radon_wall_s=statistics.median(ours["walls"]),
                       radon_psnr=psnr(ours["array"], ref), radon_command=ours["command"])
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items()}), flush=True)

    names = [r["problem"] for r in rows]
    runs_text = (f"{args.runs} runs" if "fdk" not in names else
                 f"{args.fdk_runs} runs" if names == ["fdk"] else
                 f"{args.runs} runs ({args.fdk_runs} for fdk)")
    print(f"\nmedians of {runs_text}; load average now {os.getloadavg()[0]:.2f}")
    header = (f"{'problem':<8} {'grid':<12} {'views':>5}  {'peer':<6} {'peer s':>8} "
              f"{'peer dB':>8} {'peer Gvu/s':>10}")
    if radon:
        header += f" {'radon s':>8} {'radon dB':>8} {'radon Gvu/s':>11} {'speed-up':>8} {'process s':>9}"
    print(header)
    for r in rows:
        gvu = (lambda s: f"{r['updates'] / s / 1e9:.3f}" if r["updates"] else "-")
        peer_name = "RTK" if r["problem"] == "fdk" else "ASTRA"
        line = (f"{r['problem']:<8} {r['grid']:<12} {r['views']:>5}  {peer_name:<6} "
                f"{r['peer_s']:>8.3f} {r['peer_psnr']:>8.2f} {gvu(r['peer_s']):>10}")
        if radon:
            line += (f" {r['radon_s']:>8.3f} {r['radon_psnr']:>8.2f} {gvu(r['radon_s']):>11} "
                     f"{r['peer_s'] / r['radon_s']:>7.1f}x {r['radon_wall_s']:>9.3f}")
        print(line)
    for r in rows:
        print(f"{r['problem']}: {r['peer']}" + (f"; radon: {r['radon_command']}" if radon else ""))
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=sorted({k for r in rows for k in r}))
            w.writeheader()
            w.writerows(rows)
        print(f"wrote {args.csv}")


if __name__ == "__main__":
    main()
