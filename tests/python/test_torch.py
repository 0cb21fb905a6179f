"""radon.torch: autograd through every operator. The Jacobian of A x is A; backward applies
A^T, so gradcheck compares the adjoint against finite differences of the forward projector.
radon computes in float32: gradcheck runs on float64 inputs with eps 1e-2 (A is linear, so a
large step costs no accuracy and keeps float32 rounding of the outputs, about 1e-6 of values near
10, small against it) and tolerances
atol = rtol = 1e-3, which float32 rounding of the differences stays well inside (as
parallelproj states tolerances for its single-precision projectors)."""

import numpy as np
import pytest

import radon

torch = pytest.importorskip("torch")
import radon.torch as rt  # noqa: E402

TOLERANCES = dict(eps=1e-2, atol=1e-3, rtol=1e-3)


def small_ct(beam="cone"):
    grid = radon.VolumeGrid.centered((6, 5, 4), (1.0, 1.2, 1.5))
    geo = radon.CtGeometry.circular(beam, [0.0, 50.0, 130.0], sid=40, sdd=80, columns=6,
                                    rows=5, pixel_u=1.5)
    return radon.ct_projector(geo, grid)


def small_drr():
    grid = radon.VolumeGrid.centered((5, 6, 4), (2.0, 2.0, 2.0))
    geometries = [radon.carm_geometry(primary=a, height=4, width=5, delx=3.0, sad=100, sdd=200)
                  for a in (0, 45)]
    return radon.drr_operator(geometries, grid)


def small_pet(tof):
    sinogram = radon.PetScanner.load("demo").sinogram(tof=tof, span=3, radial_bins=9,
                                                       view_mashing=8, max_ring_difference=1)
    grid = sinogram.image_grid(voxels=(4, 4, 3))
    return radon.pet_projector(sinogram, grid)


def small_lors():
    grid = radon.VolumeGrid.centered((4, 5, 3), (2.0, 2.0, 2.0))
    start = np.array([[-20.0, 0.5, 0.3], [0.7, -20.0, -1.0], [-20.0, -20.0, 1.5]], np.float32)
    end = np.array([[20.0, 0.5, -0.3], [-0.7, 20.0, 1.0], [20.0, 20.0, -1.5]], np.float32)
    return radon.lor_projector(start, end, grid, tof_bins=3, tof_bin_width_mm=8.0,
                               tof_fwhm_mm=12.0)


OPERATORS = {
    "lor-tof": small_lors,
    "ct-cone": lambda: small_ct("cone"),
    "ct-parallel": lambda: small_ct("parallel"),
    "drr": small_drr,
    "pet": lambda: small_pet(False),
    "pet-tof": lambda: small_pet(True),
}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_gradcheck_forward(name):
    op = OPERATORS[name]()
    x = torch.rand(op.in_shape, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: rt.apply(op, v), (x,), **TOLERANCES)


@pytest.mark.parametrize("name", ["ct-cone", "drr", "pet-tof"])
def test_gradcheck_adjoint(name):
    op = OPERATORS[name]()
    y = torch.rand(op.out_shape, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: rt.adjoint(op, v), (y,), **TOLERANCES)


def test_batch_dimension_and_modules():
    op = small_ct()
    layer = rt.Projection(op)
    back = rt.AdjointProjection(op)
    x = torch.rand((3,) + op.in_shape, requires_grad=True)
    y = layer(x)
    assert y.shape == (3,) + op.out_shape and y.dtype == torch.float32
    loss = (back(y) ** 2).sum()
    loss.backward()
    # d/dx ||A^T A x||^2 = 2 A^T A A^T A x, item by item.
    with torch.no_grad():
        expected = 2 * op.adjoint(op(op.adjoint(op(x.detach()))))
    assert torch.allclose(x.grad, expected, rtol=1e-4, atol=1e-4 * float(expected.abs().max()))
    assert "CT" in repr(layer) or "projector" in repr(layer).lower()


def test_fitting_a_volume_through_the_drr():
    # A few steps of gradient descent on ||A x - b||^2 through radon.torch.drr reduce the loss.
    grid = radon.VolumeGrid.centered((8, 8, 8), (2.0, 2.0, 2.0))
    geometries = [radon.carm_geometry(primary=a, height=8, delx=4.0, sad=150, sdd=300)
                  for a in (0, 60, 120)]
    truth = torch.zeros(grid.shape)
    truth[2:6, 2:6, 2:6] = 0.02
    target = rt.drr(truth, geometries, grid)
    x = torch.zeros(grid.shape, requires_grad=True)
    optimizer = torch.optim.Adam([x], lr=0.005)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = ((rt.drr(x, geometries, grid) - target) ** 2).sum()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


def test_wrong_dtype_is_refused():
    op = small_ct()
    with pytest.raises(TypeError, match="float32 or float64"):
        rt.apply(op, torch.zeros(op.in_shape, dtype=torch.int32))
