"""Reference values of small networks for net/torch_test.go.

Run: /usr/bin/python3 bench/peers/torch_net.py > net/testdata/torch_net.json
(with Debian's python3-torch). Everything is float64. For each fixed network
it records the data (inputs, targets, row weights), the initial parameters
in lsq's layout (every weight matrix, out x in row-major, first; then per
layer its bias and, with layer norm, gain and shift), the loss

    (1/2W) sum_i w_i sum_k (f_k(x_i) - y_ik)^2,   W = sum_i w_i,

its gradient, and the parameters after each of three full-batch steps of
torch.optim.SGD (lr 0.1) and torch.optim.Adam (lr 0.01, default betas).
"""
import json

import torch

torch.set_default_dtype(torch.float64)

ACTS = {
    "relu": torch.nn.ReLU(),
    "leaky_relu": torch.nn.LeakyReLU(0.01),
    "tanh": torch.nn.Tanh(),
    "sigmoid": torch.nn.Sigmoid(),
    "gelu": torch.nn.GELU(),
    "identity": torch.nn.Identity(),
}

CASES = [
    dict(name="tanh", d=3, k=1, hidden=[5, 4], acts=["tanh"], residual=False, layer_norm=False),
    dict(name="relu-sigmoid-2targets", d=3, k=2, hidden=[4, 6], acts=["relu", "sigmoid"], residual=False, layer_norm=False),
    dict(name="gelu-residual-layernorm", d=4, k=2, hidden=[4, 4, 3], acts=["gelu", "leaky_relu", "tanh"], residual=True, layer_norm=True),
    dict(name="identity-deep", d=2, k=1, hidden=[3, 3, 3], acts=["identity"], residual=False, layer_norm=False),
]


class Net(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        widths = [c["d"]] + c["hidden"]
        self.lin = torch.nn.ModuleList(torch.nn.Linear(widths[i], widths[i + 1]) for i in range(len(c["hidden"])))
        self.out = torch.nn.Linear(widths[-1], c["k"])
        self.ln = torch.nn.ModuleList(torch.nn.LayerNorm(h) for h in c["hidden"]) if c["layer_norm"] else None
        acts = c["acts"] * len(c["hidden"]) if len(c["acts"]) == 1 else c["acts"]
        self.acts = [ACTS[a] for a in acts]
        self.res = [c["residual"] and widths[i] == widths[i + 1] for i in range(len(c["hidden"]))]

    def forward(self, x):
        for i, lin in enumerate(self.lin):
            u = lin(x)
            if self.ln is not None:
                u = self.ln[i](u)
            h = self.acts[i](u)
            x = h + x if self.res[i] else h
        return self.out(x)

    def layout(self):
        """The parameters in lsq's order."""
        ps = [l.weight for l in self.lin] + [self.out.weight]
        for i, l in enumerate(self.lin):
            ps.append(l.bias)
            if self.ln is not None:
                ps += [self.ln[i].weight, self.ln[i].bias]
        ps.append(self.out.bias)
        return ps


def flat(ps, grad=False):
    return [v for p in ps for v in (p.grad if grad else p.detach()).reshape(-1).tolist()]


def loss_of(net, x, y, w):
    r = net(x) - y
    return (w[:, None] * r * r).sum() / (2 * w.sum())


out = {"torch": torch.__version__, "cases": []}
for c in CASES:
    g = torch.Generator().manual_seed(20260)
    n = 7
    x = torch.randn(n, c["d"], generator=g)
    y = torch.randn(n, c["k"], generator=g)
    w = 0.5 + torch.rand(n, generator=g)
    torch.manual_seed(1)
    net = Net(c)
    with torch.no_grad():
        if net.ln is not None:  # move the gains and shifts off 1 and 0
            for ln in net.ln:
                ln.weight.add_(0.3 * torch.randn(ln.weight.shape, generator=g))
                ln.bias.add_(0.3 * torch.randn(ln.bias.shape, generator=g))
    theta0 = flat(net.layout())
    state = {k: v.clone() for k, v in net.state_dict().items()}
    loss = loss_of(net, x, y, w)
    loss.backward()
    rec = dict(c, x=x.reshape(-1).tolist(), y=y.reshape(-1).tolist(), w=w.tolist(),
               theta=theta0, loss=loss.item(), grad=flat(net.layout(), grad=True), steps={})
    for name, cls, kw in [("sgd", torch.optim.SGD, dict(lr=0.1)), ("adam", torch.optim.Adam, dict(lr=0.01))]:
        net.load_state_dict(state)
        opt = cls(net.parameters(), **kw)
        traj = []
        for _ in range(3):
            opt.zero_grad()
            loss_of(net, x, y, w).backward()
            opt.step()
            traj.append(flat(net.layout()))
        rec["steps"][name] = traj
    out["cases"].append(rec)

print(json.dumps(out, indent=1))
