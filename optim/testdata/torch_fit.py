"""Full-batch training trajectories of torch.optim on a small least-squares
problem, for optim/torch_test.go (TestDriverMatchesPyTorch).

Run: python3 optim/testdata/torch_fit.py > optim/testdata/torch_fit.json
(with Debian's python3-torch). The loss is (1/2n)‖Xw + b − y‖² on the raw X;
an L2 penalty α/2‖w‖² enters as weight_decay = α on w only (the bias is in
its own parameter group without decay), as in the driver.
"""
import json

import torch

torch.set_default_dtype(torch.float64)
n, d = 20, 3
X = [[((i * 7 + j * 3) % 11) / 5.0 - 1.0 + 0.1 * j for j in range(d)] for i in range(n)]
Y = [1.5 + sum((j + 1) * (-1) ** j * X[i][j] for j in range(d)) + 0.1 * ((i * 13) % 7 - 3) for i in range(n)]
Xt, Yt = torch.tensor(X), torch.tensor(Y)

CASES = [
    ("sgd", torch.optim.SGD, dict(lr=0.1), 0.0),
    ("nesterov-l2", torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True), 0.1),
    ("adam", torch.optim.Adam, dict(lr=0.05), 0.0),
    ("adamw", torch.optim.AdamW, dict(lr=0.05, weight_decay=0.2), 0.0),
    ("rmsprop-l2", torch.optim.RMSprop, dict(lr=0.01), 0.05),
]
out = {"torch": torch.__version__, "x": X, "y": Y, "epochs": 100, "cases": []}
for name, cls, kw, alpha in CASES:
    w = torch.zeros(d, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    groups = [{"params": [w]}, {"params": [b]}]
    if alpha:
        groups[0]["weight_decay"] = alpha
    if cls is torch.optim.AdamW:
        groups[1]["weight_decay"] = 0.0
    opt = cls(groups, **kw)
    for _ in range(out["epochs"]):
        opt.zero_grad()
        r = Xt @ w + b - Yt
        loss = 0.5 * (r * r).mean()
        loss.backward()
        opt.step()
    out["cases"].append({"name": name, "args": kw, "alpha": alpha, "theta": w.detach().tolist() + b.detach().tolist()})
print(json.dumps(out, indent=1))
