"""scikit-learn's LinearRegression on the designs of linear's
BenchmarkSolveDeclined: n x 100 standard normal columns with column 1 =
column 0 + 1e-6 * noise (condition number ~1.4e6 after standardising), or
column 1 = column 0 + column 2 exactly (rank 99); y = sum_j x_j/(j+1) + noise.

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 declined.py [n] [reps]
Prints the median wall and CPU seconds of LinearRegression().fit per design.
"""
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
d = 100
rng = np.random.default_rng(20261203)
for kind in ("cond1e6", "collinear"):
    X = rng.standard_normal((n, d))
    if kind == "cond1e6":
        X[:, 1] = X[:, 0] + 1e-6 * rng.standard_normal(n)
    else:
        X[:, 1] = X[:, 0] + X[:, 2]
    y = X @ (1.0 / np.arange(1, d + 1)) + rng.standard_normal(n)
    walls, cpus = [], []
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        m = LinearRegression().fit(X, y)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    print(f"{kind} n={n} d={d} sklearn {sklearn.__version__} LinearRegression: "
          f"median wall {np.median(walls):.3f} s, CPU {np.median(cpus):.3f} s "
          f"(runs {', '.join(f'{v:.3f}' for v in walls)}); rank {m.rank_}")
    del X
