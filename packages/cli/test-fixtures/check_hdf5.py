"""Checks a shotline HDF5 export against the stored values, with Debian's h5py and numpy.

    python3 check_hdf5.py <export.h5> <reference stem>

The reference (written by the test from the storage): <stem>.json with every shot's index, times,
parameters and counts, <stem>-picture.bin and <stem>-trace.bin with every shot's array bytes.
Prints "ok <shots>" or raises.
"""
import json
import sys

import h5py
import numpy as np

path, stem = sys.argv[1], sys.argv[2]
reference = json.load(open(f"{stem}.json"))
shots = reference["shots"]
n = len(shots)
pictures = np.fromfile(f"{stem}-picture.bin", dtype="<u2").reshape(n, 96, 400)
traces = np.fromfile(f"{stem}-trace.bin", dtype="<f4").reshape(n, 16)

with h5py.File(path, "r") as f:
    assert f.attrs["shotline_layout"] == "shotline-hdf5/1", dict(f.attrs)
    assert f.attrs["sequence"] == "\\readers\\scan", f.attrs["sequence"]
    assert int(f.attrs["shots"]) == n
    assert f["shot"].dtype == np.int64 and list(f["shot"][:]) == [s["index"] for s in shots]
    assert list(f["start_time"][:]) == [s["start_ms"] for s in shots]
    assert list(f["end_time"][:]) == [s["end_ms"] for s in shots]
    assert f["start_time"].attrs["unit"] == "ms"

    p = f["parameters"]
    assert sorted(p.keys()) == ["mot.detuning", "note", "power", "probe.on", "rep"], list(p.keys())
    assert p["mot.detuning"].attrs["unit"] == "MHz"
    for row, shot in enumerate(shots):
        stored = shot["parameters"]
        assert p["mot.detuning"][row] == stored["mot.detuning"]["magnitude"], row
        assert p["rep"][row] == stored["rep"], row
        assert p["power"][row] == stored["power"], row
        assert bool(p["probe.on"][row]) == stored["probe.on"], row
        assert p["note"].asstr()[row] == stored["note"], row
    assert p["probe.on"].attrs["shotline_dtype"] == "bool"

    d = f["data"]
    assert list(d["cam\\counts"][:]) == [s["counts"] for s in shots]
    picture = d["cam\\picture"]
    assert picture.dtype == np.uint16 and picture.shape == (n, 96, 400), picture
    assert picture.chunks == (1, 96, 400), picture.chunks
    assert picture.attrs["shotline_dtype"] == "uint16"
    for row in range(n):
        assert np.array_equal(picture[row], pictures[row]), f"picture of shot {shots[row]['index']}"
    assert d["trace"].dtype == np.float32 and np.array_equal(d["trace"][:], traces)
    assert "present" not in f
print(f"ok {n}")
