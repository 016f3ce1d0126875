#!/usr/bin/env python3
"""Reference numbers for package stats from statsmodels.

Writes testdata/stats/statsmodels.json: for each case the data (X, y,
weights) and what statsmodels' OLS/WLS results report: params, bse,
tvalues, pvalues, conf_int (95%), rsquared, rsquared_adj, fvalue, f_pvalue,
llf, aic, bic, ssr, df_resid, df_model, for the nonrobust covariance and
HC0-HC3.

The data are generated here deterministically (numpy RandomState with a
fixed seed, heteroskedastic noise so the robust errors differ visibly) and
stored in the JSON, so the Go tests need neither Python nor numpy.

Run from the repository root with the Python that has statsmodels (Debian:
apt-get install python3-statsmodels, then /usr/bin/python3):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/peers/statsmodels_summary.py

The stored file was made with statsmodels 0.13.5 and numpy 1.24.2 (Debian 12).
"""
import json
import sys

import numpy as np
import statsmodels
import statsmodels.api as sm


def results(model, cov_type):
    r = model.fit() if cov_type == "nonrobust" else model.fit(cov_type=cov_type)
    ci = np.asarray(r.conf_int(alpha=0.05))
    return {
        "cov_type": cov_type,
        "use_t": bool(r.use_t),
        "params": list(map(float, r.params)),
        "bse": list(map(float, r.bse)),
        "tvalues": list(map(float, r.tvalues)),
        "pvalues": list(map(float, r.pvalues)),
        "conf_int_lower": list(map(float, ci[:, 0])),
        "conf_int_upper": list(map(float, ci[:, 1])),
        "rsquared": float(r.rsquared),
        "rsquared_adj": float(r.rsquared_adj),
        "fvalue": float(r.fvalue),
        "f_pvalue": float(r.f_pvalue),
        "llf": float(r.llf),
        "aic": float(r.aic),
        "bic": float(r.bic),
        "ssr": float(r.ssr),
        "df_resid": float(r.df_resid),
        "df_model": float(r.df_model),
    }


def case(name, x, y, weights=None, intercept=True):
    exog = sm.add_constant(x, prepend=True, has_constant="add") if intercept else x
    if weights is None:
        model = sm.OLS(y, exog)
    else:
        model = sm.WLS(y, exog, weights=weights)
    out = {
        "name": name,
        "intercept": intercept,
        "x": x.tolist(),
        "y": y.tolist(),
        "weights": None if weights is None else weights.tolist(),
        "results": [results(model, c) for c in ["nonrobust", "HC0", "HC1", "HC2", "HC3"]],
    }
    return out


def main():
    rng = np.random.RandomState(20240601)
    n = 60
    x = np.column_stack([
        rng.normal(0, 1, n),
        rng.uniform(0, 10, n),
        rng.normal(5, 2, n),
    ])
    sd = 0.5 + 0.3 * np.abs(x[:, 0]) + 0.05 * x[:, 1]
    y = 1.5 + 0.8 * x[:, 0] - 0.3 * x[:, 1] + 0.1 * x[:, 2] + sd * rng.normal(0, 1, n)
    w = 1.0 / sd**2

    # A duplicated column: rank-deficient; statsmodels uses the pseudo-inverse.
    xdup = np.column_stack([x[:, 0], x[:, 1], x[:, 1]])

    cases = [
        case("ols", x, y),
        case("wls", x, y, weights=w),
        case("ols_noint", x, y, intercept=False),
        case("wls_noint", x, y, weights=w, intercept=False),
        case("ols_rankdef", xdup, y),
    ]
    doc = {
        "generator": "bench/peers/statsmodels_summary.py",
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "cases": cases,
    }
    out = sys.argv[1] if len(sys.argv) > 1 else "testdata/stats/statsmodels.json"
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
