"""Epochs per second of PyTorch on the network of net's BenchmarkEpoch.

Run: /usr/bin/python3 bench/peers/torch_net_speed.py
(Debian's python3-torch). A 20→64→64→1 ReLU network, n = 1e5 rows, Adam,
mini-batches of 32 and 256 drawn from a fresh permutation, 2 threads; one
timed epoch after one warm-up epoch, in float64 and float32. Compare with
go test -run XXX -bench Epoch ./net (same shapes, same work per step:
forward, backward, Adam update).
"""
import time

import torch

torch.set_num_threads(2)
n, d = 100_000, 20
for dtype in (torch.float64, torch.float32):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, d, generator=g, dtype=dtype)
    y = torch.randn(n, 1, generator=g, dtype=dtype)
    for batch in (32, 256):
        net = torch.nn.Sequential(torch.nn.Linear(d, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                  torch.nn.Linear(64, 1)).to(dtype)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)

        def epoch():
            perm = torch.randperm(n, generator=g)
            for lo in range(0, n, batch):
                idx = perm[lo:lo + batch]
                opt.zero_grad()
                r = net(x[idx]) - y[idx]
                ((r * r).sum() / (2 * len(idx))).backward()
                opt.step()

        epoch()
        t = time.perf_counter()
        epoch()
        dt = time.perf_counter() - t
        print(f"torch {torch.__version__} {str(dtype)[6:]} batch {batch}: {1 / dt:.3f} epochs/s")
