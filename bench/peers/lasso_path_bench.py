#!/usr/bin/env python3
"""Time scikit-learn's lasso_path on the benchmark problem of package enet.

Writes the problem to a binary file (int64 n, int64 d, then n rows of d+1
little-endian float64: x then y) that lasso_path_bench.R and the Go
benchmark read, so all three time the same data:

    OPENBLAS_CORETYPE=SkylakeX python3 bench/peers/lasso_path_bench.py /tmp/enet_bench.bin
    Rscript bench/peers/lasso_path_bench.R /tmp/enet_bench.bin
    ENET_BENCH_DATA=/tmp/enet_bench.bin go test ./enet -run '^$' -bench LassoPath/covariance

Problem: n = 100000, d = 100, columns AR(1) with correlation 0.5, y = x·β*
+ N(0, 1) with β*_j = 1/(j+1) for even j and 0 otherwise (seed 20261128).
The path: 100 values of α log-spaced from α_max to 1e-3·α_max, duality-gap
tolerance 1e-7 (the Go default) on centred data with an intercept; the
columns are nearly unit-variance, so standardising or not barely matters.
Wall and CPU times are each the best of 3 runs, data generation and loading excluded.
"""
import struct
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import lasso_path

N, D = 100_000, 100


def main(path):
    rng = np.random.default_rng(20261128)
    e = rng.standard_normal((N, D))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0]
    for j in range(1, D):
        x[:, j] = 0.5 * x[:, j - 1] + np.sqrt(0.75) * e[:, j]
    beta = np.array([1 / (j + 1) if j % 2 == 0 else 0 for j in range(D)])
    y = x @ beta + rng.standard_normal(N)
    with open(path, "wb") as f:
        f.write(struct.pack("<qq", N, D))
        f.write(np.ascontiguousarray(np.column_stack([x, y]), dtype="<f8").tobytes())
    # scikit-learn's lasso_path fits no intercept: centre, as Lasso does.
    xc = np.asfortranarray(x - x.mean(axis=0))
    yc = y - y.mean()
    best = cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        alphas, coefs, _ = lasso_path(xc, yc, eps=1e-3, n_alphas=100, tol=1e-7, precompute=True)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    nz = int((coefs[:, -1] != 0).sum())
    print(f"sklearn {sklearn.__version__} lasso_path n={N} d={D}: {best:.3f} s wall, {cpu:.3f} s CPU (best of 3), "
          f"alpha_max={alphas[0]:.6g}, non-zero at the end {nz}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/enet_bench.bin")
