"""Reference steps of torch.optim for optim/optimizer_test.go.

Run: python3 optim/testdata/torch_steps.py > optim/testdata/torch_steps.json
(with Debian's python3-torch). Every case starts from the same x0, applies
the same three gradients, and records the parameters after each step, in
float64.
"""
import json

import torch

torch.set_default_dtype(torch.float64)

X0 = [0.5, -1.0, 2.0]
GRADS = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.1], [0.2, 0.2, -0.3]]
CASES = [
    ("sgd", torch.optim.SGD, dict(lr=0.1)),
    ("momentum", torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("momentum-dampening", torch.optim.SGD, dict(lr=0.1, momentum=0.8, dampening=0.3)),
    ("nesterov", torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("adagrad", torch.optim.Adagrad, dict(lr=0.1)),
    ("rmsprop", torch.optim.RMSprop, dict(lr=0.01)),
    ("adam", torch.optim.Adam, dict(lr=0.01)),
    ("adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
]

out = {"torch": torch.__version__, "x0": X0, "grads": GRADS, "cases": []}
for name, cls, kw in CASES:
    p = torch.tensor(X0, requires_grad=True)
    opt = cls([p], **kw)
    steps = []
    for g in GRADS:
        p.grad = torch.tensor(g)
        opt.step()
        steps.append(p.detach().tolist())
    out["cases"].append({"name": name, "args": kw, "steps": steps})
print(json.dumps(out, indent=1))
