#!/usr/bin/env python3
"""Reference robust fits for nls's TestRobustAgainstScipy.

Fits a*exp(-k*x) to the outlier data of nls's robust tests with
scipy.optimize.least_squares (method "trf", tolerances at 1e-15) for each
robust loss, and writes the data and the estimates to robust_scipy.json.

Run from this directory with the system Python and Debian's numpy/scipy
(apt-get install python3-scipy):  /usr/bin/python3 robust_scipy.py
"""
import json
import math

import numpy as np
import scipy
from scipy.optimize import least_squares

x = [0.25 * i for i in range(30)]
y = [3 * math.exp(-0.4 * xi) + 0.02 * math.sin(13 * i) for i, xi in enumerate(x)]
y[5] += 2
y[17] -= 1.5
X, Y = np.array(x), np.array(y)
C = 0.1


def res(b):
    return b[0] * np.exp(-b[1] * X) - Y


def jac(b):
    e = np.exp(-b[1] * X)
    return np.column_stack([e, -b[0] * X * e])


out = {"scipy": scipy.__version__, "x": x, "y": y, "f_scale": C, "fits": {}}
for loss in ["linear", "huber", "soft_l1", "cauchy"]:
    r = least_squares(res, [1.0, 1.0], jac=jac, loss=loss, f_scale=C, method="trf",
                      ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=10000)
    out["fits"][loss] = {"x": list(r.x), "status": int(r.status), "nfev": int(r.nfev)}
with open("robust_scipy.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
