#!/usr/bin/env python3
"""Side-by-side CPU DRR timing of `radon drr` and `plastimatch drr -A cpu -i exact`.

Both tools render the same CT volume (the thorax phantom on the 512x512x133 grid of
0.703125x0.703125x2.5 mm, written once as MetaImage) from the same AP geometry: SAD 850 mm,
SID 1020 mm, a 400 mm square detector at several resolutions. For each size each tool runs
--runs times; the table gives medians of the render time each tool reports for itself and of
the whole-process wall time (which includes reading the volume), and their ratios.

Usage: benchmarks/compare_plastimatch.py [--radon build/app/radon/radon] [--runs 5]
           [--sizes 200,500,1000,1500] [--work DIR] [--csv FILE]
"""

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return wall, proc.stdout + proc.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--radon", default="build/app/radon/radon")
    ap.add_argument("--plastimatch", default="plastimatch")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="200,500,1000,1500")
    ap.add_argument("--field", type=float, default=400.0, help="detector width in mm")
    ap.add_argument("--threads", type=int, default=0, help="radon threads (0: all)")
    ap.add_argument("--work", default=None, help="folder for the volume and outputs")
    ap.add_argument("--csv", default=None)
    args = ap.parse_args()

    radon = os.path.abspath(args.radon)
    if shutil.which(args.plastimatch) is None:
        sys.exit("plastimatch not found: apt-get install plastimatch")
    work = args.work or tempfile.mkdtemp(prefix="radon-vs-plastimatch-")
    os.makedirs(work, exist_ok=True)
    volume = os.path.join(work, "thorax.mha")
    if not os.path.exists(volume):
        timed([radon, "phantom", "--phantom", "thorax", "-o", volume], work)

    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print(f"volume: {volume}; AP view, SAD 850 mm, SID 1020 mm, {args.field:g} mm detector; "
          f"medians of {args.runs} runs")
    header = (f"{'size':>6} {'plastimatch s':>14} {'radon s':>9} {'ratio':>7} "
              f"{'pm wall s':>10} {'radon wall s':>13} {'ratio':>7}")
    print(header)
    for n in sizes:
        pitch = args.field / n
        pm_render, pm_wall, rd_render, rd_wall = [], [], [], []
        for _ in range(args.runs):
            wall, out = timed([args.plastimatch, "drr", "-A", "cpu", "-i", "exact", "-t", "raw",
                               "--sad", "850", "--sid", "1020", "-n", "0 -1 0", "--vup", "0 0 1",
                               "-r", f"{n} {n}", "-z", f"{args.field} {args.field}",
                               "-O", os.path.join(work, "pm"), volume], work)
            m = re.search(r"Total time:\s*([0-9.eE+-]+)", out)
            if not m:
                sys.exit(f"could not read plastimatch's render time from:\n{out}")
            pm_render.append(float(m.group(1)))
            pm_wall.append(wall)

            cmd = [radon, "drr", volume, "-o", os.path.join(work, "radon.nrrd"),
                   "--height", str(n), "--delx", repr(pitch), "--sad", "850", "--sdd", "1020"]
            if args.threads:
                cmd += ["--threads", str(args.threads)]
            wall, out = timed(cmd, work)
            m = re.search(r"in ([0-9.]+) ms", out)
            if not m:
                sys.exit(f"could not read radon's render time from:\n{out}")
            rd_render.append(float(m.group(1)) / 1000.0)
            rd_wall.append(wall)
        row = {
            "size": n,
            "plastimatch_render_s": statistics.median(pm_render),
            "radon_render_s": statistics.median(rd_render),
            "plastimatch_wall_s": statistics.median(pm_wall),
            "radon_wall_s": statistics.median(rd_wall),
        }
        row["render_ratio"] = row["plastimatch_render_s"] / row["radon_render_s"]
        row["wall_ratio"] = row["plastimatch_wall_s"] / row["radon_wall_s"]
        rows.append(row)
        print(f"{n:>6} {row['plastimatch_render_s']:>14.3f} {row['radon_render_s']:>9.3f} "
              f"{row['render_ratio']:>6.1f}x {row['plastimatch_wall_s']:>10.3f} "
              f"{row['radon_wall_s']:>13.3f} {row['wall_ratio']:>6.1f}x", flush=True)

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        print(f"wrote {args.csv}")


if __name__ == "__main__":
    main()
