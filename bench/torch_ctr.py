"""PyTorch CPU reference for bench/ctr-train.bench.ts: MT-RNN (paper 002) and MuseNet-soft (paper 003) as in
src/core/ctr/models (mtrnn.ts, musenet.ts): same architecture, sizes, loss, Adam 0.001 and batches, on feature arrays
exported by the TS side (the rows of CtrBatch: fields shifted by one, history right-aligned, 0 = padding).

Usage: python3 torch_ctr.py DIR MODEL THREADS BATCHES
DIR holds meta.json and the arrays it names; MODEL is mt-rnn or musenet-soft; THREADS is torch's intra-op thread
count (the caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS in the environment when it wants them
pinned). Trains BATCHES + 2 batches (the first 2 untimed) and prints one JSON line: wall and CPU seconds per batch
(means over the timed ones; CPU time summed over threads), the batch size, the thread settings and the final loss."""
import json, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

d, kind, threads, n_batches = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
meta = json.load(open(f"{d}/meta.json"))
B, T, D = meta["batchSize"], meta["maxLen"], meta["embeddingDim"]
n = meta["rows"]


def arr(name, dtype, shape=None):
    a = np.fromfile(f"{d}/{name}", dtype=dtype)
    return a.reshape(shape) if shape else a


user = torch.from_numpy(arr("user.i32", np.int32).astype(np.int64))
item = torch.from_numpy(arr("item.i32", np.int32).astype(np.int64))
cat = torch.from_numpy(arr("category.i32", np.int32).astype(np.int64))
ctx = torch.from_numpy(arr("context.i32", np.int32).astype(np.int64))
hist = arr("history.i32", np.int32, (n, T))
hlen = arr("historyLen.i32", np.int32)
repeat = torch.from_numpy(arr("repeat.u8", np.uint8).astype(np.float32))
share = torch.from_numpy(arr("repeatShare.f32", np.float32))
click = torch.from_numpy(arr("click.f32", np.float32))
conv = torch.from_numpy(arr("conversion.f32", np.float32))
# Left-aligned copy of the right-aligned histories, for packed sequences and embedding bags.
left = np.zeros_like(hist)
for r in range(n):
    L = hlen[r]
    if L:
        left[r, :L] = hist[r, T - L:]
left = torch.from_numpy(left.astype(np.int64))
lens = torch.from_numpy(hlen.astype(np.int64))
V, U = meta["nItems"] + 1, meta["nUsers"]
C, X = meta["nCategories"] + 1, meta["nContexts"] + 1


def emb(rows):
    e = nn.Embedding(rows, D)
    nn.init.uniform_(e.weight, -0.05, 0.05)
    return e


def esmm_loss(a, b, y1, y2):
    """002's loss: l(click, pCTR) + l(click·conversion, pCTR·pCVR), batch mean (ops.esmmLoss)."""
    ctr = F.binary_cross_entropy_with_logits(a, y1)
    p = torch.sigmoid(a) * torch.sigmoid(b)
    log_p = -F.softplus(-a) - F.softplus(-b)
    log_1mp = torch.log(torch.clamp(1 - p, min=1e-7))
    return ctr - (y2 * log_p + (1 - y2) * log_1mp).mean()


class MtRnn(nn.Module):
    def __init__(self, H, tower):
        super().__init__()
        self.item, self.cat, self.ctx = emb(V), emb(C), emb(X)
        self.gru = nn.GRU(D, H, batch_first=True)
        self.H = H
        mk = lambda: nn.Sequential(nn.Linear(H + 3 * D, tower), nn.ReLU(), nn.Linear(tower, 1))
        self.click, self.conv = mk(), mk()

    def forward(self, idx):
        bl, bn = left[idx], lens[idx]
        h = torch.zeros(len(idx), self.H)
        nz = bn > 0
        if nz.any():
            packed = nn.utils.rnn.pack_padded_sequence(self.item(bl[nz]), bn[nz], batch_first=True, enforce_sorted=False)
            _, hn = self.gru(packed)
            h[nz] = hn[0]
        x = torch.cat([h, self.item(item[idx]), self.cat(cat[idx]), self.ctx(ctx[idx])], 1)
        return self.click(x).squeeze(1), self.conv(x).squeeze(1)

    def loss(self, idx):
        a, b = self(idx)
        y1 = click[idx]
        return esmm_loss(a, b, y1, y1 * conv[idx])

    def after_step(self):
        pass


class MuseNetSoft(nn.Module):
    def __init__(self, K, P, hidden, beta, alpha, kl):
        super().__init__()
        self.K, self.h, self.beta, self.alpha, self.kl = K, hidden, beta, alpha, kl
        self.user, self.item, self.cat, self.ctx = emb(U), emb(V), emb(C), emb(X)
        self.omega = nn.Linear(5 * D, P, bias=False)
        self.score0 = nn.Linear(5 * D, 2 * K * hidden)
        self.score1_w = nn.Parameter(torch.empty(2 * K, hidden).uniform_(-(6 / (hidden + 1)) ** 0.5, (6 / (hidden + 1)) ** 0.5))
        self.score1_b = nn.Parameter(torch.zeros(2 * K))
        self.intent0 = nn.Linear(3 * D, K * hidden)
        self.intent1_w = nn.Parameter(torch.empty(K, hidden).uniform_(-(6 / (hidden + 1)) ** 0.5, (6 / (hidden + 1)) ** 0.5))
        self.intent1_b = nn.Parameter(torch.zeros(K))
        self.register_buffer("proto", torch.zeros(K, P))
        self.kept = None

    def forward(self, idx):
        bl, bn = left[idx], lens[idx]
        Bn = len(idx)
        # Mean of the clicked items: an embedding bag over the packed real entries (empty bags give 0).
        mask = torch.arange(T).unsqueeze(0) < bn.unsqueeze(1)
        flat_ids = bl[mask]
        offsets = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(bn, 0)[:-1]])
        hist_mean = F.embedding_bag(flat_ids, self.item.weight, offsets, mode="mean")
        eu, ex = self.user(user[idx]), self.ctx(ctx[idx])
        x = torch.cat([eu, hist_mean, self.item(item[idx]), self.cat(cat[idx]), ex], 1)
        fx = self.omega(x)
        dist = (fx * fx).sum(1, keepdim=True) - 2 * fx @ self.proto.T + (self.proto * self.proto).sum(1)
        log_pi = torch.log_softmax(-dist, 1)
        a = log_pi.exp()
        K, h = self.K, self.h
        s = (torch.relu(self.score0(x)).view(Bn, 2 * K, h) * self.score1_w).sum(2) + self.score1_b
        sr, se = s[:, :K], s[:, K:]
        intent_in = torch.cat([eu, hist_mean, ex], 1)
        pr = torch.sigmoid((torch.relu(self.intent0(intent_in)).view(Bn, K, h) * self.intent1_w).sum(2) + self.intent1_b)
        I = repeat[idx].unsqueeze(1)
        z = I * pr * sr + (1 - I) * (1 - pr) * se
        logit = (a * z).sum(1)
        return fx, a, log_pi, pr, logit

    def loss(self, idx):
        fx, a, log_pi, pr, logit = self(idx)
        lt = F.binary_cross_entropy_with_logits(logit, click[idx])
        kl = (a * (log_pi + np.log(self.K))).sum(1).mean()
        la = ((share[idx] - (pr * a).sum(1)) ** 2).mean()
        self.kept = (fx.detach(), a.detach())
        return lt + self.kl * kl + self.beta * la

    @torch.no_grad()
    def after_step(self):
        fx, a = self.kept
        w = a.sum(0).unsqueeze(1)
        mean = (a.T @ fx) / torch.clamp(w, min=1e-12)
        self.proto.copy_(torch.where(w > 0, (1 - self.alpha) * self.proto + self.alpha * mean, self.proto))

    @torch.no_grad()
    def seed_prototypes(self, idx):
        fx = self(idx)[0]
        self.proto.copy_(fx[torch.randperm(len(idx))[: self.K]])


o = meta["options"]
if kind == "mt-rnn":
    model = MtRnn(o["gruHidden"], o["towerHidden"][0])
else:
    model = MuseNetSoft(o["scenarios"], o["projectionDim"], o["hidden"], o["beta"], o["alpha"], o["klWeight"])
    model.seed_prototypes(torch.arange(B))
opt = torch.optim.Adam(model.parameters(), lr=o["lr"])

times, loss_v = [], 0.0
for i in range(n_batches + 2):
    if i == 2:
        c0, w0 = time.process_time(), time.perf_counter()
    s = (i * B) % (n - B + 1)
    idx = torch.arange(s, s + B)
    t0 = time.perf_counter()
    loss = model.loss(idx)
    opt.zero_grad()
    loss.backward()
    opt.step()
    model.after_step()
    loss_v = loss.item()
    if i >= 2:
        times.append(time.perf_counter() - t0)
cpu = (time.process_time() - c0) / n_batches
print(json.dumps({
    "secondsPerBatch": float(np.mean(times)),
    "cpuSecondsPerBatch": cpu,
    "batchSize": B,
    "threads": torch.get_num_threads(),
    "ompThreads": os.environ.get("OMP_NUM_THREADS", "default"),
    "loss": loss_v,
}))
