"""Volumes: files written by other tools read with their grids, our files read back, phantoms,
HU conversions, and refusals that name the file."""

import numpy as np
import pytest

import radon


def test_write_and_read_back(tmp_path):
    grid = radon.VolumeGrid((7, 6, 5), spacing=(0.5, 0.75, 2.0), origin=(-3.0, 4.0, 10.0))
    array = np.arange(np.prod(grid.shape), dtype=np.float32).reshape(grid.shape)
    path = tmp_path / "v.mha"
    radon.write_volume(path, array, grid)
    v = radon.read_volume(path)
    assert v.unit == "HU"
    assert v.array.shape == (5, 6, 7) and v.array.dtype == np.float32
    assert np.array_equal(v.array, array)
    assert v.grid.spacing == pytest.approx((0.5, 0.75, 2.0))
    assert v.grid.origin == pytest.approx((-3.0, 4.0, 10.0))


def test_reads_nibabel_nifti_with_its_orientation(tmp_path):
    nib = pytest.importorskip("nibabel")
    data = np.zeros((6, 5, 4), np.int16)  # nibabel's (i, j, k) order
    data[1, 2, 3] = 1000
    affine = np.diag([-1.5, -2.0, 3.0, 1.0])  # RAS: i runs to the patient's left, j posterior
    affine[:3, 3] = [10.0, 20.0, -30.0]
    path = tmp_path / "nib.nii.gz"
    nib.save(nib.Nifti1Image(data, affine), str(path))
    if not radon.readable_volume_extension(".nii.gz"):
        pytest.skip("this build reads MetaImage only (no ITK)")
    v = radon.read_volume(path)
    assert v.array.shape == (4, 5, 6)
    assert v.array[3, 2, 1] == 1000.0
    # ITK's LPS: RAS (x, y) negated. Voxel (1, 2, 3) in RAS is 10 - 1.5, 20 - 4, -30 + 9.
    world = v.grid.index_to_world((1, 2, 3))
    assert world == pytest.approx((-(10.0 - 1.5), -(20.0 - 4.0), -30.0 + 9.0))


def test_phantom_and_attenuation():
    v = radon.phantom("thorax", size=(32, 32, 16), spacing=(11.25, 11.25, 20.8))
    assert v.array.shape == (16, 32, 32)
    assert v.array.min() >= -1000.0 and v.array.max() > 500.0  # air to bone
    mu = radon.hu_to_attenuation(v.array, "water", mu_water=0.02)
    assert mu[v.array <= -1000.0].max() == 0.0
    water = np.abs(v.array) < 1e-3
    if water.any():
        assert np.allclose(mu[water], 0.02)
    d = radon.hu_to_attenuation(v.array, "diffdrr")
    assert d.min() == 0.0 and d.max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="mu_water"):
        radon.hu_to_attenuation(v.array, "water", mu_water=-1.0)
    with pytest.raises(ValueError, match="unknown phantom"):
        radon.phantom("cube")


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(ValueError, match="missing.nii"):
        radon.read_volume(tmp_path / "missing.nii")
    broken = tmp_path / "broken.mha"
    broken.write_text("ObjectType = Image\nNDims = 3\nDimSize = 4 4 4\nElementType = MET_FLOAT\n"
                      "ElementDataFile = LOCAL\n")
    with pytest.raises(ValueError, match="broken.mha"):
        radon.read_volume(broken)
    grid = radon.VolumeGrid((2, 2, 2))
    with pytest.raises(ValueError, match="expected shape"):
        radon.write_volume(tmp_path / "x.mha", np.zeros((3, 2, 2), np.float32), grid)
    assert not (tmp_path / "x.mha").exists()


def test_ct_geometry_files_round_trip(tmp_path):
    geo = radon.CtGeometry.circular("cone", [0.0, 30.0, 200.0], sid=500, sdd=900, columns=20,
                                    rows=12, pixel_u=1.5, detector_offset=(3.0, -2.0))
    for name in ("g.json", "g.xml", "g.txt"):
        path = tmp_path / name
        geo.write(str(path))
        back = radon.CtGeometry.read(str(path), columns=20, rows=12, pixel_u=1.5, pixel_v=1.5)
        assert back.shape == geo.shape
        assert np.allclose(back.vectors(), geo.vectors(), atol=1e-6), name
    assert np.allclose(radon.CtGeometry.from_json(geo.to_json()).vectors(), geo.vectors())
    with pytest.raises(ValueError, match="g.unknown"):
        geo.write(str(tmp_path / "g.unknown"))


def test_sinogram_files_round_trip(tmp_path):
    scanner = radon.PetScanner.load("demo")
    sinogram = scanner.sinogram(tof=False)
    data = np.random.default_rng(1).random(sinogram.shape, dtype=np.float32)
    for name in ("s.hs", "s.nrrd"):
        path = str(tmp_path / name)
        radon.write_sinogram(path, scanner, sinogram, data)
        assert np.array_equal(radon.read_sinogram(path, sinogram), data)
    with pytest.raises(ValueError, match="data: expected shape"):
        radon.write_sinogram(str(tmp_path / "t.hs"), scanner, sinogram, data[:1].copy())
    assert not (tmp_path / "t.hs").exists()
