"""Checks the .npy files of a shotline CSV export (--arrays files) with Debian's numpy.

    python3 check_npy.py <export.csv> <reference stem>

Every row's picture and trace path (relative to the CSV's folder) must load with numpy.load and
equal the stored array. Prints "ok <shots>" or raises.
"""
import csv
import json
import os
import sys

import numpy as np

path, stem = sys.argv[1], sys.argv[2]
folder = os.path.dirname(path)
shots = json.load(open(f"{stem}.json"))["shots"]
n = len(shots)
pictures = np.fromfile(f"{stem}-picture.bin", dtype="<u2").reshape(n, 96, 400)
traces = np.fromfile(f"{stem}-trace.bin", dtype="<f4").reshape(n, 16)
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
assert len(rows) == n, len(rows)
for row, shot, picture, trace in zip(rows, shots, pictures, traces):
    assert int(row["shot"]) == shot["index"]
    assert float(row["mot.detuning [MHz]"]) == shot["parameters"]["mot.detuning"]["magnitude"]
    loaded = np.load(os.path.join(folder, row["cam\\picture"]))
    assert loaded.dtype == np.uint16 and loaded.shape == (96, 400), (loaded.dtype, loaded.shape)
    assert np.array_equal(loaded, picture), row["cam\\picture"]
    loaded = np.load(os.path.join(folder, row["trace"]))
    assert loaded.dtype == np.float32 and np.array_equal(loaded, trace), row["trace"]
print(f"ok {n}")
