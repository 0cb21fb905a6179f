"""Every projector from Python: exact values where they are known, <A x, y> = <x, A^T y>, and
the DRR operator against the DRR renderer."""

import numpy as np
import pytest

import radon
from conftest import dot, rng_array


def adjoint_mismatch(op, seed=0):
    x = rng_array(op.in_shape, seed)
    y = rng_array(op.out_shape, seed + 1)
    lhs, rhs = dot(op(x), y), dot(x, op.adjoint(y))
    return abs(lhs - rhs) / max(abs(lhs), abs(rhs))


def box_volume():
    """20 mm of 0.01/mm along every axis in a 40^3 grid of 1 mm voxels centred on the origin."""
    grid = radon.VolumeGrid.centered((40, 40, 40), (1.0, 1.0, 1.0))
    mu = np.zeros(grid.shape, np.float32)
    mu[10:30, 10:30, 10:30] = 0.01
    return grid, mu


@pytest.mark.parametrize("algorithm", ["siddon", "trilinear"])
def test_drr_through_a_box_is_its_chord(algorithm):
    grid, mu = box_volume()
    # AP through the centre: the central pixel's ray crosses 20 mm of the box.
    g = radon.carm_geometry(height=5, delx=0.1, sad=500, sdd=1000)
    img = radon.DrrRenderer(mu, grid, device="cpu", algorithm=algorithm, step=0.25).render(g)
    tolerance = 1e-6 if algorithm == "siddon" else 2e-3
    assert img[2, 2] == pytest.approx(0.2, abs=tolerance)


def test_ct_parallel_through_a_box_is_its_chord():
    grid, mu = box_volume()
    geo = radon.CtGeometry.circular("parallel", [0.0, 45.0], columns=3, rows=3,
                                    pixel_u=0.5)
    p = radon.ct_projector(geo, grid)(mu)
    assert p.shape == (2, 3, 3)
    assert p[0, 1, 1] == pytest.approx(0.2, rel=1e-6)
    assert p[1, 1, 1] == pytest.approx(0.2 * np.sqrt(2.0), rel=1e-6)  # the box's diagonal


def test_drr_operator_equals_the_renderer(shepp):
    v, mu = shepp
    geometries = [radon.carm_geometry(primary=a, secondary=b, height=32, delx=6.0,
                                      isocenter=v.grid.center)
                  for a, b in [(0, 0), (35, -10), (-90, 20)]]
    op = radon.drr_operator(geometries, v.grid)
    assert op.in_shape == v.grid.shape and op.out_shape == (3, 32, 32)
    rendered = radon.DrrRenderer(mu, v.grid, device="cpu").render_batch(geometries)
    projected = op(mu)
    assert np.max(np.abs(projected - rendered)) <= 1e-5 * np.max(rendered)


@pytest.mark.parametrize("beam, rows", [("parallel", 1), ("cone", 1), ("parallel", 6),
                                        ("cone", 6)])
def test_ct_adjoint(beam, rows):
    grid = radon.VolumeGrid.centered((12, 10, 8 if rows > 1 else 1), (1.0, 1.1, 1.3))
    geo = radon.CtGeometry.circular(beam, list(np.linspace(0, 300, 7)), sid=60, sdd=120,
                                    columns=14, rows=rows, pixel_u=1.5)
    op = radon.ct_projector(geo, grid)
    assert op.out_shape == geo.shape == (7, rows, 14)
    assert adjoint_mismatch(op) < 1e-5


def test_ct_from_vectors_equals_circular():
    grid = radon.VolumeGrid.centered((10, 10, 6), (1.0, 1.0, 1.0))
    circular = radon.CtGeometry.circular("cone", [0.0, 70.0, 200.0], sid=50, sdd=90,
                                         columns=9, rows=7)
    vectors = radon.CtGeometry.from_vectors("cone", circular.vectors(), 9, 7)
    x = rng_array(grid.shape)
    assert np.array_equal(radon.ct_projector(circular, grid)(x),
                          radon.ct_projector(vectors, grid)(x))


def test_drr_adjoint(shepp):
    v, _ = shepp
    geometries = [radon.carm_geometry(primary=a, height=12, delx=12.0, isocenter=v.grid.center)
                  for a in (0, 60)]
    assert adjoint_mismatch(radon.drr_operator(geometries, v.grid)) < 1e-5


@pytest.mark.parametrize("tof, model", [(False, "joseph"), (True, "joseph"),
                                        (False, "siddon")])
def test_pet_adjoint(tof, model):
    scanner = radon.PetScanner.load("demo")
    sinogram = scanner.sinogram(tof=tof, span=3)
    grid = sinogram.image_grid()
    op = radon.pet_projector(sinogram, grid, model=model)
    assert op.in_shape == grid.shape
    assert op.out_shape == sinogram.shape
    assert ("tof" in op.out_axes) == tof
    assert adjoint_mismatch(op) < 1e-5


def test_pet_point_source_lands_on_its_sinusoid():
    scanner = radon.PetScanner.load("demo")
    sinogram = scanner.sinogram(tof=False)
    grid = sinogram.image_grid()
    image = np.zeros(grid.shape, np.float32)
    centre = tuple(n // 2 for n in grid.shape)
    image[centre] = 1.0
    y = radon.pet_projector(sinogram, grid)(image)
    axes = sinogram.axes
    # A point at the scanner centre projects onto the central radial bin in every view.
    per_radial = y.sum(axis=tuple(i for i, a in enumerate(axes) if a != "radial"))
    assert int(np.argmax(per_radial)) == sinogram.radial_bins // 2


def test_pet_scanner_description():
    names = radon.scanner_presets()
    assert "siemens_biograph_mct" in names
    s = radon.PetScanner.load("siemens_biograph_mct")
    centres = s.crystal_centres()
    assert centres.shape == (s.crystal_count, 3)
    radii = np.hypot(centres[:, 0] - centres[:, 0].mean(), centres[:, 1] - centres[:, 1].mean())
    assert radii.min() > 400 and radii.max() < 460  # mCT: 427.6 mm to the crystal front faces
    again = radon.PetScanner.from_json(s.json, "round trip")
    assert again.crystal_count == s.crystal_count
    with pytest.raises(ValueError, match="unknown"):
        radon.PetScanner.load("no such scanner")
    with pytest.raises(ValueError):
        radon.PetScanner.from_json('{"model": "block"}', "broken.json")


def test_geometry_conversions():
    m = radon.euler_to_matrix([0.3, -0.2, 0.1], "ZXY")
    assert np.allclose(radon.matrix_to_euler(m, "ZXY"), [0.3, -0.2, 0.1])
    q = radon.matrix_to_quaternion(m)
    assert np.allclose(radon.quaternion_to_matrix(q), m)
    assert np.allclose(radon.axis_angle_to_matrix(radon.matrix_to_axis_angle(m)), m)
    t = radon.carm_to_world(primary=30, secondary=-15, roll=5, isocenter=[1, 2, 3])
    back = radon.carm_angles(t, isocenter=[1, 2, 3])
    assert back["primary"] == pytest.approx(30) and back["secondary"] == pytest.approx(-15)
    assert back["roll"] == pytest.approx(5)
    a = radon.carm_geometry(primary=30, secondary=-15, roll=5, isocenter=[1, 2, 3])
    b = radon.rigid_geometry(t)
    assert np.allclose(a.source, b.source) and np.allclose(a.first_pixel, b.first_pixel)
    p = np.array(a.projection_matrix())
    h = p @ np.array(list(a.first_pixel) + [1.0])
    assert np.allclose(h[:2] / h[2], [0, 0], atol=1e-9)
    with pytest.raises(ValueError, match="convention"):
        radon.euler_to_matrix([0, 0, 0], "ABC")
    with pytest.raises(ValueError):
        radon.carm_geometry(sad=900, sdd=800)


def test_lor_projector_line_through_voxel_centres():
    # parallelproj's joseph3d check: a LOR along x through a row of voxel centres of an image of
    # ones sums the voxels it crosses times their length along it.
    grid = radon.VolumeGrid.centered((10, 10, 10), (2.0, 2.0, 2.0))
    start = np.array([[-50.0, 1.0, -1.0], [1.0, -50.0, 3.0]], np.float32)
    end = np.array([[50.0, 1.0, -1.0], [1.0, 50.0, 3.0]], np.float32)
    op = radon.lor_projector(start, end, grid)
    assert op.out_shape == (2,)
    assert np.allclose(op(np.ones(grid.shape, np.float32)), [20.0, 20.0], rtol=1e-6)
    assert adjoint_mismatch(op) < 1e-5
    tof = radon.lor_projector(start, end, grid, tof_bins=5, tof_bin_width_mm=20.0,
                              tof_fwhm_mm=30.0)
    assert tof.out_shape == (2, 5)
    assert adjoint_mismatch(tof) < 1e-5
    with pytest.raises(ValueError, match="end: expected shape"):
        radon.lor_projector(start, end[:1].copy(), grid)


def test_label_channels_add_up_to_the_drr(shepp):
    v, mu = shepp
    labels = np.zeros(v.grid.shape, np.float32)
    labels[mu > 0] = 1.0
    labels[v.array > 500] = 7.0  # the skull
    renderer = radon.LabelDrrRenderer(mu, labels, v.grid, device="cpu")
    assert renderer.present == [0, 1, 7]
    g = radon.carm_geometry(primary=25, height=24, delx=8.0, isocenter=v.grid.center)
    channels = renderer.render_channels(g)
    assert channels.shape == (3, 24, 24)
    whole = radon.DrrRenderer(mu, v.grid, device="cpu").render(g)
    assert np.allclose(channels.sum(axis=0), whole, rtol=1e-5, atol=1e-5 * whole.max())
    assert channels[2].max() > 0 and channels[0].max() == 0.0  # label 0 is air here
    with pytest.raises(ValueError, match="label 3 does not occur"):
        renderer.render_channels(g, [3])
    with pytest.raises(ValueError, match="labels: expected shape"):
        radon.LabelDrrRenderer(mu, labels[:-1].copy(), v.grid)
    bad = labels.copy()
    bad[0, 0, 0] = 0.5
    with pytest.raises(ValueError, match="labels"):
        radon.LabelDrrRenderer(mu, bad, v.grid)
