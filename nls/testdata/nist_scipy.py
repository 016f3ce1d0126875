#!/usr/bin/env python3
"""Peer numbers for nls's TestNISTAgainstScipy.

Runs scipy.optimize.least_squares with its defaults (method "trf", and
method "lm", MINPACK's lmdif, both with the default finite-difference
Jacobian and tolerances 1e-8) on the 27 NIST StRD nonlinear problems from
both starting points, and writes the smallest LRE of the parameter estimates
of each run to nist_scipy.json.

Run from this directory with the system Python and Debian's numpy/scipy:
    /usr/bin/python3 nist_scipy.py
"""
import json
import math
import os
import re

import numpy as np
import scipy
from scipy.optimize import least_squares

STRD = os.path.join("..", "..", "internal", "testproblems", "strd", "nonlinear")

# The models in lsq's expression syntax, as in internal/testproblems.
MODELS = {
    "Misra1a": "b1*(1-exp(-b2*x))",
    "Chwirut2": "exp(-b1*x)/(b2+b3*x)",
    "Chwirut1": "exp(-b1*x)/(b2+b3*x)",
    "Lanczos3": "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)",
    "Gauss1": "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))",
    "Gauss2": "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))",
    "DanWood": "b1*x^b2",
    "Misra1b": "b1*(1-(1+b2*x/2)^(-2))",
    "Kirby2": "(b1 + b2*x + b3*x^2) / (1 + b4*x + b5*x^2)",
    "Hahn1": "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)",
    "Nelson": "b1 - b2*x1*exp(-b3*x2)",
    "MGH17": "b1 + b2*exp(-x*b4) + b3*exp(-x*b5)",
    "Lanczos1": "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)",
    "Lanczos2": "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)",
    "Gauss3": "b1*exp(-b2*x) + b3*exp(-((x-b4)^2)/(b5^2)) + b6*exp(-((x-b7)^2)/(b8^2))",
    "Misra1c": "b1*(1-(1+2*b2*x)^(-0.5))",
    "Misra1d": "b1*b2*x*((1+b2*x)^(-1))",
    "Roszman1": "b1 - b2*x - atan(b3/(x-b4))/pi",
    "ENSO": "b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b5*cos(2*pi*x/b4) + b6*sin(2*pi*x/b4) + b8*cos(2*pi*x/b7) + b9*sin(2*pi*x/b7)",
    "MGH09": "b1*(x^2 + x*b2) / (x^2 + x*b3 + b4)",
    "Thurber": "(b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3)",
    "BoxBOD": "b1*(1-exp(-b2*x))",
    "Rat42": "b1 / (1+exp(b2-b3*x))",
    "MGH10": "b1*exp(b2/(x+b3))",
    "Eckerle4": "(b1/b2) * exp(-0.5*((x-b3)/b2)^2)",
    "Rat43": "b1 / ((1+exp(b2-b3*x))^(1/b4))",
    "Bennett5": "b1*(b2+x)^(-1/b3)",
}

NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def read(name):
    lines = open(os.path.join(STRD, name + ".dat")).read().splitlines()
    start1, start2, cert = [], [], []
    for ln in lines:
        m = re.match(r"\s*b(\d+)\s*=\s*(" + NUM + r")\s+(" + NUM + r")\s+(" + NUM + r")", ln)
        if m:
            start1.append(float(m.group(2)))
            start2.append(float(m.group(3)))
            cert.append(float(m.group(4)))
    i = max(k for k, ln in enumerate(lines) if ln.startswith("Data:"))
    cols = lines[i].split()[1:]
    rows = [[float(v) for v in ln.split()] for ln in lines[i + 1:] if ln.strip()]
    data = {c: np.array([r[k] for r in rows]) for k, c in enumerate(cols)}
    y = data.pop("y")
    if name == "Nelson":
        y = np.log(y)
    return start1, start2, cert, y, data


def lre(est, c):
    d = abs(est - c)
    if d == 0:
        return 11.0
    if c != 0:
        d /= abs(c)
    return max(0.0, min(11.0, -math.log10(d)))


out = {"scipy": scipy.__version__, "runs": {}}
for name, model in MODELS.items():
    s1, s2, cert, y, data = read(name)
    k = len(cert)
    src = model.replace("^", "**")
    env = {"exp": np.exp, "cos": np.cos, "sin": np.sin, "atan": np.arctan, "pi": math.pi}

    def res(b):
        e = dict(env, **data)
        e.update({"b%d" % (j + 1): b[j] for j in range(k)})
        with np.errstate(all="ignore"):
            return eval(src, {"__builtins__": {}}, e) - y

    for si, st in ((1, s1), (2, s2)):
        for method in ("trf", "lm"):
            try:
                r = least_squares(res, st, method=method)
                m = min(lre(r.x[j], cert[j]) for j in range(k))
                status = int(r.status)
            except Exception as exc:  # a failed run counts as LRE 0
                m, status = 0.0, -99
            out["runs"]["%s/start%d/%s" % (name, si, method)] = {"min_lre": round(m, 2), "status": status}
with open("nist_scipy.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
