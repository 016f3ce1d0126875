"""Reference learning rates of torch.optim.lr_scheduler for schedule_test.go.

Run: python3 schedule/testdata/torch_schedules.py > schedule/testdata/torch_schedules.json
(with Debian's python3-torch). Base rate 1, so the rates are the factors.
Each list holds the rate used in epochs 0, 1, 2, ...
"""
import json

import torch

LOSSES = [10, 9, 8, 8, 8, 8, 8, 7.9995, 8, 8, 8, 8, 5, 5, 5, 5, 5, 5, 5, 5]


def run(make, epochs, losses=None):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = make(opt)
    rates = []
    for e in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if losses is None:
            sched.step()
        else:
            sched.step(losses[e])
    return rates


S = torch.optim.lr_scheduler
out = {
    "torch": torch.__version__,
    "losses": LOSSES,
    "step": run(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12),
    "exponential": run(lambda o: S.ExponentialLR(o, gamma=0.9), 12),
    # Compared only up to T_max: PyTorch's curve rises again afterwards.
    "cosine": run(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.1), 11),
    "cosine_restarts": run(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.05), 25),
    "plateau": run(lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5), len(LOSSES), LOSSES),
    "plateau_cooldown": run(lambda o: S.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=2, min_lr=0.2), len(LOSSES), LOSSES),
}
print(json.dumps(out, indent=1))
