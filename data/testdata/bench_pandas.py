"""Time pandas.read_csv on the file BenchmarkReadFile reads.

    LSQ_BENCH_CSV=/tmp/bench.csv go test ./data -run TestWriteBenchCSV
    python3 data/testdata/bench_pandas.py /tmp/bench.csv
    go test ./data -run XXX -bench ReadFile -benchtime 10x

Prints MB/s per wall-clock second and per CPU-second (the machine may be
shared, so the CPU figure is the comparable one).
"""
import os
import sys
import time

import pandas as pd

path = sys.argv[1]
size = os.path.getsize(path)
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
pd.read_csv(path)  # warm the page cache and the imports
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(reps):
    df = pd.read_csv(path)
    X = df.drop(columns="y").to_numpy()  # the design matrix, as lsq builds it
    y = df["y"].to_numpy()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(f"pandas {pd.__version__}: {size * reps / 1e6 / wall:.1f} MB/s wall, {size * reps / 1e6 / cpu:.1f} MB/cpu-s, shape {X.shape}")
