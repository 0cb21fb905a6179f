"""Shared fixtures for the Python suites: small volumes and geometries that keep each test to a
fraction of a second on two cores."""

import numpy as np
import pytest

import radon


@pytest.fixture(scope="session")
def shepp():
    """A 48^3 Shepp-Logan head in HU (2.5 mm voxels) and its water-model attenuation."""
    v = radon.phantom("shepp-logan", size=(48, 48, 48), spacing=(2.5, 2.5, 2.5))
    return v, radon.hu_to_attenuation(v.array)


@pytest.fixture(scope="session")
def small_grid():
    return radon.VolumeGrid.centered((6, 5, 4), (1.0, 1.2, 1.5))


def rng_array(shape, seed=0):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def dot(a, b):
    return float(np.dot(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()))
