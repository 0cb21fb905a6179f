"""radon.DRR against DiffDRR 0.6.1 itself: the same CT file, the same arguments and poses, image
by image.

DiffDRR renders in double precision (its module and pose tensors in float64, as
tools/diffdrr_parity.py does), radon in float32, so the images differ by float32 rounding only.
Measured (DiffDRR 0.6.1, torch 2.15 CPU, the 96x96x40 thorax phantom below, 64-pixel detector):
max |diff| / DiffDRR's image range 5.5e-6 .. 5.4e-5 (the largest for the quaternion pose),
mean |diff| / range 2.0e-7 .. 7.2e-7, over every Siddon comparison here (the trilinear test
states its own). The thresholds sit two to three times above.
A pose or detector error moves whole structures: the mirrored image of
test_a_mirrored_detector_fails_the_thresholds is off by 0.82 of the range at worst, 0.18 on
average.

    PYTHONPATH=build-py/python/package python -m pytest tests/python/test_diffdrr.py
"""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffdrr")

import radon  # noqa: E402
from diffdrr.data import read  # noqa: E402
from diffdrr.drr import DRR as DiffDRR  # noqa: E402
from diffdrr.pose import convert  # noqa: E402

# DiffDRR reads NIfTI; radon writes it when built with ITK.
pytestmark = pytest.mark.skipif(not radon.writable_volume_extension(".nii.gz"),
                                reason="this radon build writes no NIfTI (built without ITK)")

MAX_REL = 1e-4  # measured at most 5.4e-5
MEAN_REL = 2e-6  # measured at most 7.2e-7

# A detector that sees the whole phantom (96x96x40 voxels of 3.5x3.5x8 mm: 336x336x320 mm).
DETECTOR = dict(sdd=1020.0, height=64, delx=6.0)
F64 = torch.float64


def t64(*rows):
    return torch.tensor(rows, dtype=F64)


def radians(*degrees):
    return t64([math.radians(d) for d in degrees])


@pytest.fixture(scope="module")
def ct(tmp_path_factory):
    """The thorax phantom, small enough for DiffDRR to render in a fraction of a second."""
    path = tmp_path_factory.mktemp("diffdrr") / "thorax.nii.gz"
    radon.write_volume(path, radon.phantom("thorax", size=(96, 96, 40), spacing=(3.5, 3.5, 8.0)))
    return str(path)


@pytest.fixture(scope="module")
def oblique_ct(tmp_path_factory):
    """The same voxels on an oblique grid far from the origin, so that center_volume, the
    direction cosines and DiffDRR's RAS/LPS flip all change where the rays go."""
    path = tmp_path_factory.mktemp("diffdrr") / "oblique.nii.gz"
    volume = radon.phantom("thorax", size=(96, 96, 40), spacing=(3.5, 3.5, 8.0))
    a, b = math.radians(20), math.radians(-10)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    grid = radon.VolumeGrid(volume.grid.size, volume.grid.spacing, (-40.0, 25.0, -160.0),
                            (rz @ rx).tolist())
    radon.write_volume(path, volume.array, grid)
    return str(path)


def relative_difference(expected, actual):
    """(max, mean) |actual - expected| over expected's range, after checking shape and dtype."""
    assert actual.dtype == torch.float32
    assert actual.shape == expected.shape
    e = expected.detach().numpy().astype(np.float64)
    a = actual.numpy().astype(np.float64)
    span = e.max() - e.min()
    # The phantom must be in view, or matching images would prove nothing.
    assert span > 10.0, f"DiffDRR's image is nearly flat (range {span})"
    diff = np.abs(a - e)
    return diff.max() / span, diff.mean() / span


def q_pose():
    q = t64([0.9, 0.1, -0.3, 0.2])
    return q / q.norm()


def matrix_pose():
    # A 4x4 camera-to-world transform given as is (DiffDRR ignores the translation argument).
    return convert(radians(20, 10, -25), t64([5.0, 860.0, -10.0]),
                   parameterization="euler_angles", convention="ZYX").matrix


AP = t64([0.0, 850.0, 0.0])

# (id, DRR(...) arguments, read(...) arguments, pose arguments, forward(...) arguments)
CASES = [
    ("euler_zxy_degrees", {}, {}, lambda: (t64([30.0, -15.0, 10.0]), AP),
     dict(parameterization="euler_angles", convention="ZXY", degrees=True)),
    ("euler_zxy_radians", {}, {}, lambda: (radians(30, -15, 10), AP),
     dict(parameterization="euler_angles", convention="ZXY")),
    ("euler_xyz_radians", {}, {}, lambda: (radians(-20, 30, 5), t64([-10.0, 860.0, 15.0])),
     dict(parameterization="euler_angles", convention="XYZ")),
    ("euler_zyx_degrees", {}, {}, lambda: (t64([35.0, 10.0, -25.0]), t64([0.0, 850.0, 30.0])),
     dict(parameterization="euler_angles", convention="ZYX", degrees=True)),
    ("axis_angle", {}, {}, lambda: (radians(20, -10, 35), t64([-6.0, 840.0, 9.0])),
     dict(parameterization="axis_angle")),
    ("quaternion", {}, {}, lambda: (q_pose(), t64([4.0, 880.0, -7.0])),
     dict(parameterization="quaternion")),
    ("matrix", {}, {}, lambda: (matrix_pose(), torch.zeros(1, 3, dtype=F64)),
     dict(parameterization="matrix")),
    ("rigid_transform", {}, {},
     lambda: (convert(radians(30, -15, 10), AP, parameterization="euler_angles",
                      convention="ZXY"),), {}),
    ("batch_of_four", {}, {},
     lambda: (torch.tensor([[0, 0, 0], [30, -15, 10], [90, 0, 0], [-45, 20, -5]], dtype=F64),
              torch.tensor([[0, 850, 0], [10, 870, -20], [0, 850, 0], [-5, 830, 15]],
                           dtype=F64)),
     dict(parameterization="euler_angles", convention="ZXY", degrees=True)),
    ("principal_point_rectangular", dict(width=80, dely=5.0, x0=12.5, y0=-7.0), {},
     lambda: (radians(25, -15, 10), t64([12.0, 870.0, -20.0])),
     dict(parameterization="euler_angles", convention="ZXY")),
    ("not_reversed", dict(reverse_x_axis=False), {},
     lambda: (radians(25, -15, 10), t64([12.0, 870.0, -20.0])),
     dict(parameterization="euler_angles", convention="ZXY")),
    ("pa", {}, dict(orientation="PA"), lambda: (radians(-20, 30, 5), t64([-10.0, -860.0, 15.0])),
     dict(parameterization="euler_angles", convention="XYZ")),
    ("pa_identity", {}, dict(orientation="PA"), lambda: (radians(0, 0, 0), AP),
     dict(parameterization="euler_angles", convention="ZXY")),
    ("orientation_none", {}, dict(orientation=None),
     lambda: (radians(40, 60, -30), t64([5.0, 8.0, -900.0])),
     dict(parameterization="euler_angles", convention="ZYZ")),
    ("patches", dict(patch_size=32), {}, lambda: (radians(30, -15, 10), AP),
     dict(parameterization="euler_angles", convention="ZXY")),
    ("bone_multiplier", {}, dict(bone_attenuation_multiplier=2.0),
     lambda: (radians(30, -15, 10), AP), dict(parameterization="euler_angles", convention="ZXY")),
    ("not_reshaped", dict(reshape=False, width=48), {},
     lambda: (radians(30, -15, 10), AP), dict(parameterization="euler_angles", convention="ZXY")),
]


def expected_shape(detector, batch):
    h = detector["height"]
    w = detector.get("width", h)
    return (batch, 1, h, w) if detector.get("reshape", True) else (batch, 1, h * w)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_radon_drr_gives_diffdrrs_image(ct, case):
    _, drr_args, read_args, pose, forward_args = case
    detector = dict(DETECTOR, **drr_args)
    subject = read(ct, **read_args)
    expected = DiffDRR(subject, **detector).double()(*pose(), **forward_args)
    batch = len(expected)
    assert expected.shape == expected_shape(detector, batch)
    # From the file, with read()'s arguments given to radon.DRR, and from DiffDRR's Subject.
    for source, extra in ((ct, read_args), (subject, {})):
        actual = radon.DRR(source, **detector, **extra)(*pose(), **forward_args)
        worst, mean = relative_difference(expected, actual)
        assert worst < MAX_REL and mean < MEAN_REL, (type(source).__name__, worst, mean)


@pytest.mark.parametrize("read_args", [dict(), dict(center_volume=False),
                                       dict(orientation="PA", bone_attenuation_multiplier=1.5)],
                         ids=["centred", "not_centred", "pa_bone_multiplier"])
def test_an_oblique_ct_away_from_the_origin(oblique_ct, read_args):
    subject = read(oblique_ct, **read_args)
    pa = read_args.get("orientation") == "PA"
    pose = (radians(30, -15, 10), t64([0.0, -850.0 if pa else 850.0, 0.0]))
    forward = dict(parameterization="euler_angles", convention="ZXY")
    expected = DiffDRR(subject, **DETECTOR).double()(*pose, **forward)
    for source, extra in ((oblique_ct, read_args), (subject, {})):
        worst, mean = relative_difference(
            expected, radon.DRR(source, **DETECTOR, **extra)(*pose, **forward))
        assert worst < MAX_REL and mean < MEAN_REL, (type(source).__name__, worst, mean)


def test_a_subject_read_with_a_transform(oblique_ct):
    # read(transform=...) keeps no file behind the Subject: radon.DRR takes its voxels and affine.
    transform = convert(radians(10, -5, 15), t64([10.0, -20.0, 30.0]),
                        parameterization="euler_angles", convention="ZXY")
    subject = read(oblique_ct, transform=transform, center_volume=False)
    pose = (radians(30, -15, 10), t64([0.0, 850.0, 0.0]))
    forward = dict(parameterization="euler_angles", convention="ZXY")
    expected = DiffDRR(subject, **DETECTOR).double()(*pose, **forward)
    worst, mean = relative_difference(expected, radon.DRR(subject, **DETECTOR)(*pose, **forward))
    assert worst < MAX_REL and mean < MEAN_REL, (worst, mean)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torchio, about DiffDRR's read()
def test_a_subject_read_with_labels(ct, tmp_path):
    # read(labelmap=, labels=) masks the density: only the bone label (2) is rendered.
    volume = radon.read_volume(ct)
    labels = np.where(volume.array > 300, 2.0, np.where(volume.array > -500, 1.0, 0.0))
    radon.write_volume(tmp_path / "labels.nii.gz", labels.astype(np.float32), volume.grid)
    subject = read(ct, labelmap=str(tmp_path / "labels.nii.gz"), labels=[2])
    pose = (radians(30, -15, 10), AP)
    forward = dict(parameterization="euler_angles", convention="ZXY")
    expected = DiffDRR(subject, **DETECTOR).double()(*pose, **forward)
    worst, mean = relative_difference(expected, radon.DRR(subject, **DETECTOR)(*pose, **forward))
    assert worst < MAX_REL and mean < MEAN_REL, (worst, mean)
    unmasked, _ = relative_difference(expected, radon.DRR(ct, **DETECTOR)(*pose, **forward))
    assert unmasked > 0.1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torchio, about DiffDRR's read()
def test_mask_to_channels(ct, tmp_path):
    # One channel per label 0 to the largest, as DiffDRR: label 2 is absent on purpose, so its
    # channel is zero in both; the channels add up to the whole DRR. Measured: 8.8e-5 of the
    # range at most (one pixel), 1.6e-7 on average; channels against the whole 2.5e-6.
    volume = radon.read_volume(ct)
    labels = np.where(volume.array > 300, 3.0, np.where(volume.array > -500, 1.0, 0.0))
    labels_path = tmp_path / "mask.nii.gz"
    radon.write_volume(labels_path, labels.astype(np.float32), volume.grid)
    subject = read(ct, labelmap=str(labels_path))
    pose = (t64([0.0, 0.0, 0.0], [30.0, -10.0, 5.0]), t64([0.0, 850.0, 0.0], [0.0, 850.0, 0.0]))
    forward = dict(parameterization="euler_angles", convention="ZXY", degrees=True,
                   mask_to_channels=True)
    expected = DiffDRR(subject, **DETECTOR).double()(*pose, **forward)
    for ours in (radon.DRR(subject, **DETECTOR), radon.DRR(ct, labelmap=labels_path, **DETECTOR)):
        channels = ours(*pose, **forward)
        assert channels.shape == expected.shape == (2, 4, 64, 64)
        worst, mean = relative_difference(expected, channels)
        assert worst < 2 * MAX_REL and mean < MEAN_REL, (worst, mean)
        assert float(channels[:, 2].abs().max()) == 0.0
        whole = ours(*pose, parameterization="euler_angles", convention="ZXY", degrees=True)
        assert torch.allclose(channels.sum(1), whole[:, 0], rtol=1e-5,
                              atol=1e-5 * float(whole.max()))
    with pytest.raises(ValueError, match="no label map"):
        radon.DRR(ct, **DETECTOR)(*pose, **forward)


def test_a_mirrored_detector_fails_the_thresholds(ct):
    # The comparison above can fail: radon's image with reverse_x_axis flipped, against DiffDRR's.
    pose = (radians(25, -15, 10), t64([12.0, 870.0, -20.0]))
    forward = dict(parameterization="euler_angles", convention="ZXY")
    expected = DiffDRR(read(ct), **DETECTOR).double()(*pose, **forward)
    mirrored = radon.DRR(ct, **DETECTOR, reverse_x_axis=False)(*pose, **forward)
    worst, _ = relative_difference(expected, mirrored)
    assert worst > 100 * MAX_REL


def test_a_float32_pose_gives_a_float32_image_on_the_cpu(ct):
    image = radon.DRR(ct, **DETECTOR)(torch.zeros(3, 3), AP.float().repeat(3, 1),
                                      parameterization="euler_angles", convention="ZXY")
    assert image.dtype == torch.float32 and image.shape == (3, 1, 64, 64)
    assert image.device.type == "cpu"


def test_a_pose_that_requires_grad_is_refused(ct):
    drr = radon.DRR(ct, **DETECTOR)
    rotation = radians(30, -15, 10).requires_grad_()
    with pytest.raises(NotImplementedError, match="pose"):
        drr(rotation, AP, parameterization="euler_angles", convention="ZXY")
    pose = convert(rotation, AP, parameterization="euler_angles", convention="ZXY")
    with pytest.raises(NotImplementedError, match="pose"):
        drr(pose)


def test_p_subsample_is_refused(ct):
    with pytest.raises(ValueError, match="p_subsample"):
        radon.DRR(ct, **DETECTOR, p_subsample=0.5)


def test_an_unsupported_parameterization_names_the_supported_ones(ct):
    drr = radon.DRR(ct, **DETECTOR)
    with pytest.raises(ValueError, match="rotation_6d") as error:
        drr(torch.zeros(1, 6, dtype=F64), AP, parameterization="rotation_6d")
    for name in ("euler_angles", "axis_angle", "quaternion", "matrix"):
        assert name in str(error.value)


def test_a_calibration_is_refused_rather_than_ignored(ct):
    drr = radon.DRR(ct, **DETECTOR)
    with pytest.raises(ValueError, match="calibration"):
        drr(radians(0, 0, 0), AP, parameterization="euler_angles", convention="ZXY",
            calibration=convert(torch.eye(4, dtype=F64)[None], parameterization="matrix"))


def test_trilinear_is_close_to_diffdrrs_trilinear(ct):
    # Not the same sampling (radon.DRR's docstring): DiffDRR takes 500 samples per ray over the
    # span all rays share and sees half a voxel of zero padding outside the volume, radon samples
    # `step` voxels apart inside it. Measured here: mean |diff| / range 1.2e-3 (1.6e-3 at another
    # pose, with a max of 0.17 in the rows whose rays pass just outside the volume), where
    # DiffDRR's own Siddon and Trilinear differ by 1.2e-2 on average.
    pose = (radians(30, -15, 10), AP)
    forward = dict(parameterization="euler_angles", convention="ZXY")
    subject = read(ct)
    expected = DiffDRR(subject, **DETECTOR, renderer="trilinear").double()(*pose, **forward)
    siddon = DiffDRR(subject, **DETECTOR).double()(*pose, **forward)
    actual = radon.DRR(ct, **DETECTOR, renderer="trilinear")(*pose, **forward)
    _, mean = relative_difference(expected, actual)
    _, renderers_apart = relative_difference(expected, siddon.float())
    assert mean < 3e-3 < renderers_apart
