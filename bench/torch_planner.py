"""PyTorch CPU peer for bench/planner.bench.ts: one pass of the planner's sigmoid-and-mean over the same dense matrix,
as a PyTorch user would write it (float32, no cut-off): π = sigmoid((λ − u − v)/ε), then its row and column sums.

Usage: python3 torch_planner.py DIR THREADS RUNS
DIR holds scores.f32 (rows × cols, row-major), u.f64 (rows), v.f64 (cols) and meta.json ({rows, cols, eps: [...]}).
THREADS is torch's intra-op thread count (the caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS
when it wants them pinned). Prints one JSON line: per ε, the median milliseconds of RUNS passes after one warm-up, and
the total of the row sums (a check against the TypeScript pass)."""
import json, sys, time
import numpy as np
import torch

d, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
meta = json.load(open(f"{d}/meta.json"))
m, n = meta["rows"], meta["cols"]
lam = torch.from_numpy(np.fromfile(f"{d}/scores.f32", dtype=np.float32).reshape(m, n))
u = torch.from_numpy(np.fromfile(f"{d}/u.f64", dtype=np.float64).astype(np.float32)).unsqueeze(1)
v = torch.from_numpy(np.fromfile(f"{d}/v.f64", dtype=np.float64).astype(np.float32)).unsqueeze(0)


def one_pass(eps):
    pi = torch.sigmoid((lam - u - v) * (1 / eps))
    return pi.sum(1), pi.sum(0)


out = []
with torch.no_grad():
    for eps in meta["eps"]:
        times = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            row, col = one_pass(eps)
            if i > 0:
                times.append((time.perf_counter() - t0) * 1000)
        out.append({"eps": eps, "ms": float(np.median(times)), "rowTotal": float(row.double().sum())})
print(json.dumps({"passes": out, "threads": torch.get_num_threads()}))
