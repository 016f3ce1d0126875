#!/usr/bin/env python3
"""Peer timings for the lsq benchmark (run by `go run ./bench`).

Reads the in-memory problem from the binary file the Go harness writes
(int64 n, int64 d, then n rows of d+1 little-endian float64: x then y) and
the CSV file, and prints one JSON object per measurement on standard output:
{"task", "tool", "wall": [s...], "cpu": [s...], "note"}. Each measurement is
repeated up to --reps times, stopping once its runs have taken --budget
seconds. Run numpy and scikit-learn with OPENBLAS_CORETYPE=SkylakeX (the
harness sets it).
"""
import argparse
import json
import struct
import sys
import time
import warnings

import numpy as np


def emit(task, tool, wall, cpu, note="", err=""):
    print(json.dumps({"task": task, "tool": tool, "wall": wall, "cpu": cpu, "note": note, "err": err}), flush=True)


def measure(task, tool, f, reps, budget, note=""):
    wall, cpu = [], []
    try:
        while len(wall) < reps and (not wall or sum(wall) < budget):
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    except Exception as e:  # report, keep going with the other peers
        emit(task, tool, wall, cpu, note, f"{type(e).__name__}: {e}")
        return
    emit(task, tool, wall, cpu, note)


def read_bin(path):
    """The harness's binary file: int64 n, int64 d, then n rows of x then y."""
    with open(path, "rb") as f:
        n, d = struct.unpack("<qq", f.read(16))
    raw = np.fromfile(path, dtype="<f8", offset=16).reshape(n, d + 1)
    return np.ascontiguousarray(raw[:, :d]), raw[:, d].copy()


def time_lasso_path(task, x, y, a):
    from sklearn.linear_model import lasso_path

    # lasso_path fits no intercept: centre first (outside the timing), as
    # Lasso does; the tolerance is lsq's default.
    xc = np.asfortranarray(x - x.mean(axis=0))
    yc = y - y.mean()
    measure(task, "sklearn lasso_path",
            lambda: lasso_path(xc, yc, eps=1e-3, n_alphas=100, tol=1e-7, precompute=True),
            a.reps, a.budget, "tol 1e-7, precomputed Gram")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--wide", default="")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--budget", type=float, default=45)
    ap.add_argument("--tasks", default="ols,grad,lasso,sgd,csv,e2e")
    a = ap.parse_args()
    tasks = set(a.tasks.split(","))
    warnings.simplefilter("ignore")

    import sklearn
    from sklearn.linear_model import LinearRegression, SGDRegressor, lasso_path

    if tasks & {"ols", "illcond", "collinear", "grad", "lasso", "sgd"}:
        x, y = read_bin(a.bin)
        n, d = x.shape

        if "ols" in tasks:
            measure("ols", "sklearn LinearRegression", lambda: LinearRegression().fit(x, y), a.reps, a.budget,
                    f"scikit-learn {sklearn.__version__}")
            x1 = np.column_stack([np.ones(n), x])
            measure("ols", "numpy lstsq", lambda: np.linalg.lstsq(x1, y, rcond=None), a.reps, a.budget,
                    f"numpy {np.__version__}, [1 X]")
            del x1
        if "grad" in tasks:
            w = 0.01 * (np.arange(d) % 5)
            measure("grad", "numpy X.T@(X@w-y)", lambda: x.T @ (x @ w - y), max(a.reps, 10), a.budget)
        if "lasso" in tasks:
            time_lasso_path("lasso", x, y, a)
        if "sgd" in tasks:
            sgd = lambda: SGDRegressor(max_iter=1, tol=None, penalty=None, learning_rate="constant", eta0=1e-3,
                                       random_state=0).fit(x, y)
            measure("sgd", "sklearn SGDRegressor", sgd, a.reps, a.budget, "max_iter=1")
        # The designs the Gram path declines (bench/declined.go): column 1
        # replaced by x0 + 1e-6*noise or by x0 + x2, restored afterwards.
        for kind in ("illcond", "collinear"):
            if kind not in tasks:
                continue
            col1 = x[:, 1].copy()
            if kind == "illcond":
                x[:, 1] = x[:, 0] + 1e-6 * np.random.default_rng(2).standard_normal(n)
            else:
                x[:, 1] = x[:, 0] + x[:, 2]
            measure(kind, "sklearn LinearRegression", lambda: LinearRegression().fit(x, y), a.reps, a.budget,
                    f"scikit-learn {sklearn.__version__}")
            x[:, 1] = col1
        del x, y

    if "widelasso" in tasks and a.wide:
        x, y = read_bin(a.wide)
        time_lasso_path("widelasso", x, y, a)
        del x, y

    if tasks & {"csv", "e2e"}:
        import pandas as pd

        if "csv" in tasks:
            measure("csv", "pandas read_csv", lambda: pd.read_csv(a.csv), a.reps, a.budget, f"pandas {pd.__version__}")
        if "e2e" in tasks:
            def e2e():
                df = pd.read_csv(a.csv)
                LinearRegression().fit(df.drop(columns="y").to_numpy(), df["y"].to_numpy())
            measure("e2e", "pandas read_csv + LinearRegression", e2e, a.reps, a.budget)


if __name__ == "__main__":
    sys.exit(main())
