"""Arrays cross into radon in place and come back without copies; bad arrays are refused with a
Python exception that names the argument (never a crash)."""

import gc
import weakref

import numpy as np
import pytest

import radon
from conftest import rng_array

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def op(shepp):
    v, _ = shepp
    g = radon.carm_geometry(primary=20, height=24, delx=8.0, isocenter=v.grid.center)
    return radon.drr_operator([g], v.grid)


def test_out_is_written_in_place_numpy(op):
    x = rng_array(op.in_shape)
    out = np.full(op.out_shape, -1.0, np.float32)
    address = out.ctypes.data
    result = op(x, out=out)
    assert result is out
    assert out.ctypes.data == address
    assert np.array_equal(out, op(x))


def test_out_is_written_in_place_torch(op):
    x = torch.from_numpy(rng_array(op.in_shape))
    out = torch.full(op.out_shape, -1.0)
    pointer = out.data_ptr()
    result = op(x, out=out)
    assert result is out
    assert out.data_ptr() == pointer
    assert torch.equal(out, op(x))


def test_input_is_read_in_place(op):
    # A NumPy view of a torch tensor and the tensor give the same result: both alias one buffer.
    t = torch.from_numpy(rng_array(op.in_shape))
    a = t.numpy()
    assert np.array_equal(op(a), op(t).numpy())
    t.mul_(2.0)  # changing the tensor changes what radon reads through the NumPy view
    assert np.allclose(op(a), 2.0 * op(t.div(2.0)).numpy(), rtol=1e-6, atol=1e-6)


def test_output_follows_the_input_library(op):
    x = rng_array(op.in_shape)
    assert isinstance(op(x), np.ndarray)
    y = op(torch.from_numpy(x))
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32 and y.device.type == "cpu"
    assert isinstance(op.adjoint(y), torch.Tensor)


def test_numpy_and_torch_give_identical_results(op):
    x = rng_array(op.in_shape, seed=3)
    assert np.array_equal(op(x), op(torch.from_numpy(x)).numpy())
    y = rng_array(op.out_shape, seed=4)
    assert np.array_equal(op.adjoint(y), op.adjoint(torch.from_numpy(y)).numpy())


def test_buffer_protocol_input(op):
    x = rng_array(op.in_shape)
    assert np.array_equal(op(memoryview(x)), op(x))


def test_output_outlives_the_operator(shepp):
    v, mu = shepp
    g = radon.carm_geometry(height=16, delx=10.0, isocenter=v.grid.center)
    op = radon.drr_operator([g], v.grid)
    y = op(mu)
    expected = y.copy()
    ref = weakref.ref(op)
    del op
    gc.collect()
    assert ref() is None
    big = [np.ones(1 << 16, np.float32) for _ in range(64)]  # reuse freed memory, if any
    assert np.array_equal(y, expected)
    del big


def test_renderer_keeps_its_volume_alive(shepp):
    v, mu = shepp
    volume = mu.copy()
    ref = weakref.ref(volume)
    renderer = radon.DrrRenderer(volume, v.grid, device="cpu")
    g = radon.carm_geometry(height=16, delx=10.0, isocenter=v.grid.center)
    before = renderer.render(g)
    del volume
    gc.collect()
    assert ref() is not None, "the renderer must hold the volume it reads"
    assert renderer.volume is ref()
    assert np.array_equal(renderer.render(g), before)
    del renderer
    gc.collect()
    assert ref() is None


def test_renderer_sees_changes_after_volume_changed(shepp):
    v, mu = shepp
    volume = mu.copy()
    renderer = radon.DrrRenderer(volume, v.grid, device="cpu")
    g = radon.carm_geometry(height=16, delx=10.0, isocenter=v.grid.center)
    before = renderer.render(g)
    volume *= 2.0
    renderer.volume_changed()
    assert np.allclose(renderer.render(g), 2.0 * before, rtol=1e-5)


def test_batch_axis(op):
    x = np.stack([rng_array(op.in_shape, seed=s) for s in range(3)])
    y = op(x)
    assert y.shape == (3,) + op.out_shape
    for k in range(3):
        assert np.array_equal(y[k], op(x[k]))
    assert op.adjoint(y).shape == (3,) + op.in_shape


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda s: np.zeros(s, np.float64), TypeError, ["x", "float32", "float64"]),
        (lambda s: np.zeros(s, np.int16), TypeError, ["x", "float32", "int16"]),
        (lambda s: np.zeros(s[::-1], np.float32).T, ValueError, ["x", "C-contiguous"]),
        (lambda s: np.zeros((s[0], s[1] * 2, s[2]), np.float32)[:, ::2], ValueError,
         ["x", "C-contiguous"]),
        (lambda s: np.zeros((3, 4), np.float32), ValueError, ["x", "expected shape", "(3, 4)"]),
        (lambda s: None, TypeError, ["x", "None"]),
        (lambda s: [1.0, 2.0], TypeError, ["x", "list"]),
        (lambda s: torch.zeros(s, requires_grad=True), TypeError, ["x", "requires grad"]),
        (lambda s: torch.zeros(s, dtype=torch.float64), TypeError, ["x", "float64"]),
    ],
)
def test_bad_inputs_raise(op, make, error, words):
    with pytest.raises(error) as e:
        op(make(op.in_shape))
    for w in words:
        assert w in str(e.value), str(e.value)


def test_bad_outputs_raise(op):
    x = rng_array(op.in_shape)
    with pytest.raises(ValueError, match="out: expected shape"):
        op(x, out=np.zeros((2, 2), np.float32))
    read_only = np.zeros(op.out_shape, np.float32)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="out: the array is read-only"):
        op(x, out=read_only)
    with pytest.raises(TypeError, match="out: expected dtype float32"):
        op(x, out=np.zeros(op.out_shape, np.float64))


def test_out_overlapping_the_input_is_refused(small_grid):
    # An operator whose input and output have the same element count, so out=x is possible.
    op = radon.ct_projector(radon.CtGeometry.circular("parallel", [0.0, 90.0], columns=6,
                                                      rows=10), small_grid)
    assert np.prod(op.in_shape) == np.prod(op.out_shape)
    x = rng_array(op.in_shape)
    with pytest.raises(ValueError, match="out: shares memory with x"):
        op(x, out=x.reshape(op.out_shape))


@pytest.mark.skipif(radon.built_with_cuda(), reason="this build has CUDA")
def test_cuda_tensor_on_a_build_without_cuda(op):
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device to make a CUDA tensor on")
    with pytest.raises(ValueError, match="no CUDA"):
        op(torch.zeros(op.in_shape, device="cuda"))


def test_cuda_tensors_match_the_cpu(op):
    if not (radon.built_with_cuda() and torch.cuda.is_available()):
        pytest.skip("needs a CUDA build and a CUDA device")
    x = torch.from_numpy(rng_array(op.in_shape))
    y_gpu = op(x.cuda())
    assert y_gpu.device.type == "cuda"
    assert torch.allclose(y_gpu.cpu(), op(x), rtol=1e-4, atol=1e-4)


def test_cupy_matches_numpy(op):
    cupy = pytest.importorskip("cupy")
    x = rng_array(op.in_shape)
    assert np.allclose(cupy.asnumpy(op(cupy.asarray(x))), op(x), rtol=1e-4, atol=1e-4)
