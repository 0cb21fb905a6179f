"""Reconstruction from Python: FDK, SIRT, CGLS and OSEM recover known images within stated
bounds, and their histories move the right way."""

import numpy as np
import pytest

import radon


def relative_error(a, b, mask=None):
    if mask is not None:
        a, b = a[mask], b[mask]
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.fixture(scope="module")
def ct_problem():
    v = radon.phantom("shepp-logan", size=(40, 40, 40), spacing=(2.0, 2.0, 2.0))
    mu = radon.hu_to_attenuation(v.array)
    geo = radon.CtGeometry.circular("cone", list(np.arange(0, 360, 4.0)), sid=400, sdd=800,
                                    columns=80, rows=80, pixel_u=2.0)
    projections = radon.ct_projector(geo, v.grid)(mu)
    return v.grid, mu, geo, projections


def test_fdk_recovers_the_phantom(ct_problem):
    grid, mu, geo, p = ct_problem
    image, _ = radon.reconstruct_ct(geo, grid, p, method="fdk")
    assert image.shape == grid.shape
    centre = np.zeros(grid.shape, bool)
    centre[12:28, 8:32, 8:32] = True  # the central slab, away from the cone's edge
    # Measured 0.070 on the central slab (the sharp skull edges on 2 mm voxels); bound 0.15.
    assert relative_error(image, mu, centre) < 0.15


def test_sirt_and_cgls_reduce_the_residual(ct_problem):
    grid, mu, geo, p = ct_problem
    op = radon.ct_projector(geo, grid)
    x_sirt, r_sirt = radon.sirt(op, p, iterations=6, lower=0.0)
    x_cgls, r_cgls = radon.cgls(op, p, iterations=6)
    assert len(r_sirt) == 7 and len(r_cgls) == 7
    assert all(b < a for a, b in zip(r_sirt, r_sirt[1:]))
    assert all(b <= a * (1 + 1e-6) for a, b in zip(r_cgls, r_cgls[1:]))
    assert r_cgls[-1] < 0.2 * r_cgls[0]  # measured 0.045 after 6 iterations
    assert x_sirt.min() >= 0.0
    assert relative_error(x_cgls, mu) < relative_error(np.zeros_like(mu), mu)


def test_pet_osem_increases_the_likelihood():
    scanner = radon.PetScanner.load("demo")
    sinogram = scanner.sinogram(tof=False)
    grid = sinogram.image_grid()
    truth = np.zeros(grid.shape, np.float32)
    nz, ny, nx = grid.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    disc = (yy - ny / 2 + 0.5) ** 2 + (xx - nx / 2 + 0.5) ** 2 < (0.3 * nx) ** 2
    truth[:, disc] = 1.0
    truth[:, ny // 2 - 1:ny // 2 + 1, nx // 2 - 1:nx // 2 + 1] = 4.0
    op = radon.pet_projector(sinogram, grid)
    y = op(truth)
    image, log_likelihood = radon.pet_osem(sinogram, grid, y, subsets=4, iterations=5)
    assert all(b >= a for a, b in zip(log_likelihood, log_likelihood[1:]))
    assert image.min() >= 0.0
    hot = image[:, ny // 2 - 1:ny // 2 + 1, nx // 2 - 1:nx // 2 + 1].mean()
    warm = image[:, disc].mean()
    assert hot > 2.0 * warm  # the hot spot stands out (4:1 in truth)
    # MLEM on the operator itself: the same update with one subset.
    x1, ll1 = radon.mlem(op, y, iterations=2)
    x2, ll2 = radon.pet_osem(sinogram, grid, y, subsets=1, iterations=2)
    assert np.allclose(x1, x2, rtol=1e-5, atol=1e-6)


def test_bad_recon_arguments(ct_problem):
    grid, mu, geo, p = ct_problem
    op = radon.ct_projector(geo, grid)
    with pytest.raises(ValueError, match="measured: expected shape"):
        radon.sirt(op, p[:-1].copy())
    with pytest.raises(ValueError, match="method"):
        radon.reconstruct_ct(geo, grid, p, method="art")
    with pytest.raises(ValueError):
        radon.cgls(op, p, iterations=2, x0=np.zeros(3, np.float32))
