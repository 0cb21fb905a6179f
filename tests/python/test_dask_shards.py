"""The sharding example of docs/PYTHON.md, run as written: a pose list spread over a local Dask
cluster of two workers, each rendering its shard through the Python API into its own file,
merged, equals one `radon drr-batch` of the whole list, bit for bit."""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import radon

distributed = pytest.importorskip("dask.distributed")

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "PYTHON.md")


def example_code():
    text = open(DOC, encoding="utf-8").read()
    section = text[text.index("## Beyond one machine"):]
    return re.findall(r"```python\n(.*?)```", section, re.S)[0]


def radon_cli():
    for candidate in (os.path.join(os.path.dirname(sys.executable), "radon"),
                      shutil.which("radon")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("the radon command-line tool is not installed next to this Python")


def test_sharded_render_on_two_workers_equals_one_batch(tmp_path):
    cli = radon_cli()
    ct = radon.phantom("thorax", size=(48, 48, 24), spacing=(7.5, 7.5, 13.9))
    volume_path = str(tmp_path / "ct.mha")
    radon.write_volume(volume_path, ct)
    poses = [{"primary": float(a), "secondary": float(b)}
             for a, b in zip(range(-90, 91, 15), [0, 10, -10, 20, -20, 5, 0, 15, -5, 25, -25, 30,
                                                  -30])]
    assert len(poses) == 13

    namespace = {}
    exec(compile(example_code(), DOC, "exec"), namespace)
    out_dir = tmp_path / "shards"
    out_dir.mkdir()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        files = namespace["render_on_cluster"](client, volume_path, poses, 5, str(out_dir),
                                               height=32, delx=8.0)
        workers = {w for w in client.run(os.getpid).values()}
    assert len(workers) == 2
    assert [os.path.basename(f) for f in files] == [f"shard-{i:05d}.npy" for i in range(5)]
    merged = namespace["merge_shards"](files)
    assert merged.shape == (13, 32, 32)

    poses_file = tmp_path / "poses.json"
    poses_file.write_text(json.dumps(poses))
    stack_path = tmp_path / "whole.mha"
    run = subprocess.run([cli, "drr-batch", volume_path, "--poses", str(poses_file), "--height",
                          "32", "--delx", "8", "--device", "cpu", "-o", str(stack_path),
                          "--quiet"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    whole = radon.read_volume(stack_path)
    assert whole.array.shape == (13, 32, 32)
    assert len({float(np.abs(f).sum()) for f in whole.array}) == 13  # every frame differs
    assert np.array_equal(merged, whole.array)

    # The shards the CLI makes are the same split.
    for i in range(5):
        start, stop = radon.shard_range(13, i, 5)
        shard_path = tmp_path / f"cli-{i}.mha"
        run = subprocess.run([cli, "drr-batch", volume_path, "--poses", str(poses_file),
                              "--height", "32", "--delx", "8", "--device", "cpu", "--shard",
                              f"{i}/5", "-o", str(shard_path), "--quiet"],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert np.array_equal(radon.read_volume(shard_path).array, merged[start:stop])
