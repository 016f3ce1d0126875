"""Elastic-net and lasso solutions from scikit-learn for
TestProximalMatchesScikitLearn in optim/peer_test.go.

Run: OPENBLAS_CORETYPE=SkylakeX python3 optim/testdata/sklearn_enet.py > optim/testdata/sklearn_enet.json
(with Debian's python3-sklearn). scikit-learn's ElasticNet minimises
(1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2‖w‖²), the objective of optim with
penalty.ElasticNet{Alpha: α, L1Ratio: ρ} on the raw X with an intercept.
"""
import json

import numpy as np
from sklearn.linear_model import ElasticNet

rng = np.random.default_rng(7)
n, d = 60, 5
X = rng.normal(size=(n, d)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + np.array([0.0, 1.0, -2.0, 5.0, 0.0])
X[:, 3] += 0.6 * X[:, 0]  # correlated columns
y = 1.0 + X @ np.array([1.5, 0.0, -2.0, 0.3, 0.05]) + 0.3 * rng.normal(size=n)

cases = []
for alpha, rho in [(0.1, 1.0), (0.05, 0.5), (0.3, 0.2)]:
    m = ElasticNet(alpha=alpha, l1_ratio=rho, tol=1e-14, max_iter=1_000_000, fit_intercept=True)
    m.fit(X, y)
    cases.append({"alpha": alpha, "l1_ratio": rho, "coef": m.coef_.tolist(), "intercept": float(m.intercept_)})
import sklearn

print(json.dumps({"sklearn": sklearn.__version__, "x": X.tolist(), "y": y.tolist(), "cases": cases}, indent=1))
