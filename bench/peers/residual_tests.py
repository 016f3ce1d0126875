#!/usr/bin/env python3
"""Reference residual tests for package stats from statsmodels.

Writes testdata/stats/residual_tests.json: for each case what the footer of
statsmodels' OLS/WLS summary prints (Omnibus and Prob(Omnibus) from
omni_normtest, Skew, Kurtosis, Jarque-Bera and Prob(JB) from jarque_bera,
Durbin-Watson, all on the weighted residuals wresid = sqrt(w)*r) and the
Breusch-Pagan LM test het_breuschpagan(wresid, exog) (Koenker's studentised
form, statsmodels' default robust=True, as lmtest::bptest).

The data (stackloss, and mtcars' mpg ~ wt + hp) are read from
testdata/stats/lm_inference.json, which bench/peers/lm_inference.R writes
from R's data sets. Rows of weight 0 are dropped before the fit: lsq
follows R's lm there (a row of weight 0 is no observation), while
statsmodels' WLS would keep them in n.

Run from the repository root after lm_inference.R (Debian: apt-get install
python3-statsmodels, then /usr/bin/python3):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/peers/residual_tests.py

The stored file was made with statsmodels 0.13.5 and numpy 1.24.2 (Debian 12).
"""
import json
import sys

import numpy as np
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest


def case(name, x, y, w=None):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if w is not None:
        w = np.asarray(w, float)
        keep = w > 0
        x, y, w = x[keep], y[keep], w[keep]
    exog = sm.add_constant(x)
    r = (sm.OLS(y, exog) if w is None else sm.WLS(y, exog, weights=w)).fit()
    jb, jbp, skew, kurt = jarque_bera(r.wresid)
    omni, omnip = omni_normtest(r.wresid)
    lm, lmp, _, _ = het_breuschpagan(r.wresid, exog)
    return {
        "name": name,
        "omnibus": float(omni), "omnibus_p": float(omnip),
        "skew": float(skew), "kurtosis": float(kurt),
        "jb": float(jb), "jb_p": float(jbp),
        "dw": float(durbin_watson(r.wresid)),
        "bp": float(lm), "bp_p": float(lmp), "bp_df": exog.shape[1] - 1,
    }


def main():
    src = json.load(open("testdata/stats/lm_inference.json"))
    inf, pr = src["influence"], src["predict"]
    w = inf["cases"][1]["weights"]
    doc = {
        "generator": "bench/peers/residual_tests.py",
        "source": "statsmodels " + statsmodels.__version__ + ", numpy " + np.__version__,
        "cases": [
            dict(case("stackloss", inf["x"], inf["y"]), data="influence"),
            dict(case("stackloss_weighted", inf["x"], inf["y"], w), data="influence", weights=w),
            dict(case("mtcars_wls", pr["x"], pr["y"], pr["weights"]), data="predict", weights=pr["weights"]),
        ],
    }
    out = sys.argv[1] if len(sys.argv) > 1 else "testdata/stats/residual_tests.json"
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
