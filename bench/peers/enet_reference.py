#!/usr/bin/env python3
"""Reference numbers from scikit-learn for package enet.

Writes testdata/enet/data.csv (the fixed dataset, also read by
enet_reference.R) and testdata/enet/sklearn.json. Run from the repository
root:

    OPENBLAS_CORETYPE=SkylakeX python3 bench/peers/enet_reference.py

The dataset: n = 200 rows, d = 8 columns with correlation 0.7 between
neighbours (AR(1) in the column index), column j scaled by j+1 and shifted
by 2j; y = 3 + x·β* + N(0, 1) with β* = (1.5, 0, -1, 0, 0.5, 0, 0, 0.25);
observation weights w ~ U(0.5, 2); fold ids 1..5 from a seeded permutation.
numpy's default_rng(20261128) drives it all.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, Ridge, RidgeCV
from sklearn.model_selection import PredefinedSplit

OUT = "testdata/enet"
N, D = 200, 8
TOL, MAXIT = 1e-12, 10_000_000


def make_data():
    rng = np.random.default_rng(20261128)
    e = rng.standard_normal((N, D))
    z = np.empty_like(e)
    z[:, 0] = e[:, 0]
    for j in range(1, D):
        z[:, j] = 0.7 * z[:, j - 1] + np.sqrt(1 - 0.49) * e[:, j]
    x = z * (np.arange(D) + 1) + 2 * np.arange(D)
    beta = np.array([1.5, 0, -1, 0, 0.5, 0, 0, 0.25])
    y = 3 + z @ beta + rng.standard_normal(N)
    w = rng.uniform(0.5, 2, N)
    fold = np.empty(N, dtype=int)
    fold[rng.permutation(N)] = np.arange(N) % 5 + 1
    return x, y, w, fold


def write_data(x, y, w, fold):
    path = os.path.join(OUT, "data.csv")
    with open(path, "w") as f:
        f.write(",".join([f"x{j+1}" for j in range(D)] + ["y", "w", "fold"]) + "\n")
        for i in range(N):
            f.write(",".join(repr(float(v)) for v in x[i]) + f",{float(y[i])!r},{float(w[i])!r},{int(fold[i])}\n")


def read_data():
    a = np.loadtxt(os.path.join(OUT, "data.csv"), delimiter=",", skiprows=1)
    return a[:, :D], a[:, D], a[:, D + 1], a[:, D + 2].astype(int)


def alpha_max(x, y, rho, sw=None, standardize=False):
    v = np.full(len(y), 1 / len(y)) if sw is None else sw / sw.sum()
    m = v @ x
    xc = x - m
    s = np.sqrt(v @ xc**2) if standardize else np.ones(x.shape[1])
    c = (xc / s).T @ (v * (y - v @ y))
    return np.abs(c).max() / max(rho, 1e-3)


def fit_std(model, x, y):
    """Fit on population-standardised columns and map back (glmnet's convention)."""
    m = x.mean(axis=0)
    s = x.std(axis=0)  # ddof=0: the 1/n formula
    model.fit((x - m) / s, y)
    coef = model.coef_ / s
    return coef, float(model.intercept_ - m @ coef)


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--regenerate" in sys.argv or not os.path.exists(os.path.join(OUT, "data.csv")):
        write_data(*make_data())
    x, y, w, fold = read_data()
    n = len(y)
    cases = []

    def add(name, kind, rho, alpha, coef, intercept, **kw):
        c = dict(name=name, kind=kind, l1_ratio=rho, alpha=float(alpha),
                 coef=[float(v) for v in coef], intercept=float(intercept))
        c.update(kw)
        cases.append(c)

    for rho in (1.0, 0.5):
        for std in (False, True):
            amax = alpha_max(x, y, rho, standardize=std)
            for frac in (0.5, 0.1, 0.01):
                a = frac * amax
                if rho == 1:
                    model = Lasso(alpha=a, fit_intercept=True, tol=TOL, max_iter=MAXIT)
                else:
                    model = ElasticNet(alpha=a, l1_ratio=rho, fit_intercept=True, tol=TOL, max_iter=MAXIT)
                if std:
                    coef, b = fit_std(model, x, y)
                else:
                    model.fit(x, y)
                    coef, b = model.coef_, model.intercept_
                add(f"{type(model).__name__.lower()}-{'std' if std else 'raw'}-{frac}", "fit",
                    rho, a, coef, b, standardize=std, weighted=False)
    # Weighted elastic net (unstandardised: scikit-learn has no weighted scaler
    # matching the weighted population SD).
    for rho in (1.0, 0.5):
        amax = alpha_max(x, y, rho, sw=w)
        for frac in (0.3, 0.03):
            a = frac * amax
            model = ElasticNet(alpha=a, l1_ratio=rho, fit_intercept=True, tol=TOL, max_iter=MAXIT)
            model.fit(x, y, sample_weight=w)
            add(f"weighted-enet{rho}-raw-{frac}", "fit", rho, a, model.coef_, model.intercept_,
                standardize=False, weighted=True)
    # Ridge: scikit-learn minimises ‖y − Xw − b‖² + a‖w‖², so a = n·α.
    for std in (False, True):
        for a in (0.01, 1.0, 50.0):
            model = Ridge(alpha=n * a, fit_intercept=True, solver="svd")
            if std:
                coef, b = fit_std(model, x, y)
            else:
                model.fit(x, y)
                coef, b = model.coef_, model.intercept_
            add(f"ridge-{'std' if std else 'raw'}-{a}", "fit", 0.0, a, coef, b, standardize=std, weighted=False)

    # RidgeCV's exact leave-one-out squared errors on a grid.
    loo_alphas = [1e-3, 1e-2, 0.1, 1.0, 10.0]
    rcv = RidgeCV(alphas=[n * a for a in loo_alphas], fit_intercept=True, store_cv_values=True, gcv_mode="svd")
    rcv.fit(x, y)
    ridge_loo = dict(alphas=loo_alphas, loo_mse=[float(v) for v in rcv.cv_values_.mean(axis=0)],
                     alpha_best=float(rcv.alpha_ / n))

    # ElasticNetCV with the stored folds (equal sizes, so scikit-learn's plain
    # mean over folds equals the size-weighted mean).
    cv_alphas = list(alpha_max(x, y, 1.0) * np.logspace(0, -3, 20))
    ecv = ElasticNetCV(l1_ratio=[1.0, 0.5], alphas=cv_alphas, cv=PredefinedSplit(fold - 1),
                       fit_intercept=True, tol=TOL, max_iter=MAXIT)
    ecv.fit(x, y)
    enet_cv = dict(alphas=[float(a) for a in cv_alphas], l1_ratios=[1.0, 0.5],
                   mse=[[float(v) for v in row] for row in ecv.mse_path_.mean(axis=2)],
                   alpha_best=float(ecv.alpha_), l1_ratio_best=float(ecv.l1_ratio_),
                   coef=[float(v) for v in ecv.coef_], intercept=float(ecv.intercept_))

    out = dict(
        source=f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; bench/peers/enet_reference.py",
        tol=TOL, n=n, cases=cases, ridge_loo=ridge_loo, enet_cv=enet_cv)
    with open(os.path.join(OUT, "sklearn.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
