"""PyTorch CPU reference for bench/sequence.bench.ts: the same GRU and Transformer next-item models as
src/core/models/sequence (tied decoder over nItems + 1 tokens, full softmax, Adagrad lr 0.1, batch 64 users,
last 256 events, GRU TBPTT 32 with the state carried and detached), trained on the same token batches.

Usage: python3 torch_baseline.py DIR MODEL BATCHES THREADS INFER
DIR holds items.i32 (event items, user-major) and offsets.i32 (CSR offsets, nUsers + 1) and meta.json. THREADS is
torch's intra-op thread count (the caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS in the
environment when it wants them pinned); INFER is 1 to time inference, 0 to skip it.
Prints one JSON line: seconds per training batch (median of BATCHES after one warm-up; null when BATCHES is 0), the
training events per batch, and seconds to compute every user's hidden state (null when skipped)."""
import json, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

d, kind, n_batches, threads, do_infer = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
torch.set_num_threads(threads)
torch.manual_seed(0)
meta = json.load(open(f"{d}/meta.json"))
items = np.fromfile(f"{d}/items.i32", dtype=np.int32)
offsets = np.fromfile(f"{d}/offsets.i32", dtype=np.int32)
V, H, MAXLEN, BPTT, B = meta["nItems"] + 1, 128, 256, 32, 64
order = np.array(meta["trainOrder"], dtype=np.int64)


def token_batch(users):
    seqs = [items[max(offsets[u], offsets[u + 1] - MAXLEN):offsets[u + 1]] + 1 for u in users]
    T = max(len(s) for s in seqs)
    x = np.zeros((len(seqs), T), np.int64)
    y = np.zeros((len(seqs), T), np.int64)
    for b, s in enumerate(seqs):
        y[b, :len(s)] = s
        x[b, 1:len(s)] = s[:-1]
    return torch.from_numpy(x), torch.from_numpy(y)


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, H)
        self.rnn = nn.GRU(H, H, 2)
        self.bias = nn.Parameter(torch.zeros(V))

    def forward(self, x_tn, h):
        out, h = self.rnn(self.emb(x_tn), h)
        return out, h


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(H), nn.LayerNorm(H)
        self.qkv, self.o = nn.Linear(H, 3 * H), nn.Linear(H, H)
        self.f1, self.f2 = nn.Linear(H, 256), nn.Linear(256, H)

    def forward(self, x, mask):
        Bn, T, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(Bn, T, 3, 2, H // 2).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / (H // 2) ** 0.5 + mask, -1)
        x = x + self.o((a @ v).transpose(1, 2).reshape(Bn, T, H))
        return x + self.f2(F.relu(self.f1(self.ln2(x))))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, H)
        self.pos = nn.Parameter(torch.zeros(MAXLEN, H).uniform_(-0.1, 0.1))
        self.blocks = nn.ModuleList([Block(), Block()])
        self.ln = nn.LayerNorm(H)
        self.bias = nn.Parameter(torch.zeros(V))

    def forward(self, x):
        T = x.shape[1]
        mask = torch.triu(torch.full((T, T), -1e9), 1)
        h = self.emb(x) + self.pos[:T]
        for b in self.blocks:
            h = b(h, mask)
        return self.ln(h)


model = Gru() if kind == "gru" else Transformer()
opt = torch.optim.Adagrad(model.parameters(), lr=0.1)


def decode_loss(h, y):
    logits = h.reshape(-1, H) @ model.emb.weight.T + model.bias
    return F.cross_entropy(logits, y.reshape(-1), ignore_index=0)


def train_batch(users):
    x, y = token_batch(users)
    n = int((y > 0).sum())
    if kind == "gru":
        h = torch.zeros(2, x.shape[0], H)
        for t0 in range(0, x.shape[1], BPTT):
            xs, ys = x[:, t0:t0 + BPTT].T, y[:, t0:t0 + BPTT].T
            out, h = model(xs, h.detach())
            loss = decode_loss(out, ys)
            opt.zero_grad(); loss.backward(); opt.step()
    else:
        loss = decode_loss(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
    return n


batches = [order[i:i + B] for i in range(0, len(order), B)]
times, events = [], []
for i in range(n_batches + 1):
    t0 = time.perf_counter()
    n = train_batch(batches[i % len(batches)])
    if i > 0:
        times.append(time.perf_counter() - t0)
        events.append(n)


def infer():
    """Every user's state after its last (≤ 255) events, blocks of 1000 users as rime's predict loader."""
    t0 = time.perf_counter()
    with torch.no_grad():
        n_users = len(offsets) - 1
        for s in range(0, n_users, 1000):
            us = range(s, min(n_users, s + 1000))
            seqs = [items[max(offsets[u], offsets[u + 1] - (MAXLEN - 1)):offsets[u + 1]] + 1 for u in us]
            T = max(len(q) for q in seqs) + 1
            x = np.zeros((len(seqs), T), np.int64)
            for b, q in enumerate(seqs):
                x[b, 1:len(q) + 1] = q
            x = torch.from_numpy(x)
            last = torch.tensor([len(q) for q in seqs])
            if kind == "gru":
                out, _ = model(x.T, torch.zeros(2, x.shape[0], H))
                out[last, torch.arange(len(seqs))]
            else:
                model(x)[torch.arange(len(seqs)), last]
    return time.perf_counter() - t0


print(json.dumps({"secondsPerBatch": float(np.median(times)) if times else None,
                  "eventsPerBatch": float(np.mean(events)) if events else None,
                  "batchesPerEpoch": len(batches), "inferSeconds": infer() if do_infer else None,
                  "threads": torch.get_num_threads(), "ompThreads": os.environ.get("OMP_NUM_THREADS", "default")}))
