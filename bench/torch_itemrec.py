"""Independent cross-check for bench/quality.bench.ts: the reference RNN (rime's GRU as published) on the same user
split, on ItemRec against Pop and, composed with our HP's λ, on UserRec against HP. A PyTorch GRU as in
awslabs/recurrent-intensity-model-experiments' RNN: word-language-model initialisation (embedding uniform ±0.1, decoder
bias 0, tied decoder), 2 × 128, no dropout, Adagrad, 64 users a batch, last 256 events, truncated BPTT 32, a random 20%
of users for validation, early stopping with patience 3 on the validation loss, best epoch kept. The learning rate is
tuned over a fixed grid inside the Tune action's range (src/core/tune: lr log-uniform in [0.01, 0.3]), chosen by the
best epoch's validation loss; every grid point is reported.
ItemRec: top K = ceil(1% of items) per test row by the next-item logits; recall = mean over rows of hits / max(1,
target events). UserRec: top C = ceil(1% of test rows) per item, recall = mean over items of hits / max(1, target
events), equal scores to the lower row (src/core/metrics/evaluate.ts, topk.ts). Pop ranks items by their training
events; HP scores λ_HP(row) × item popularity, HP × p scores λ_HP(row) × softmax of the GRU's logits over items.

Usage: python3 torch_itemrec.py DIR MAX_EPOCHS SEED [LR,LR,...]   (default learning rate 0.1)
       python3 torch_itemrec.py --userrec DIR   (UserRec recall of DIR/scores.f32, rows × cols, against DIR's target)
DIR holds the split as bench/itemrec-torch.bench.ts writes it (item.i32, userOffsets.i32, trainEnd.i32, testUsers.i32,
testHistEnd.i32, tIndptr.i32, tIndices.i32, tData.f32, hpLambda.f64, meta.json). Prints one JSON line."""
import json, sys
import numpy as np
import torch
import torch.nn as nn


def user_rec(S, t_ptr, t_idx, t_val, C):
    """UserRec recall of scores S (rows × items): per item the C best rows, higher score first, equal scores to the lower
    row (a stable sort of −S), hits / max(1, target events) averaged over all items."""
    n, m = S.shape
    top = np.argsort(-S, axis=0, kind='stable')[:min(C, n)]
    chosen = np.zeros((n, m), bool)
    chosen[top, np.arange(m)[None, :]] = True
    rows = np.repeat(np.arange(n), np.diff(t_ptr))
    hits = np.zeros(m)
    ideal = np.zeros(m)
    np.add.at(ideal, t_idx, t_val)
    np.add.at(hits, t_idx, t_val * chosen[rows, t_idx])
    return float((hits / np.maximum(1.0, ideal)).sum() / m)


if sys.argv[1] == '--userrec':
    d = sys.argv[2]
    meta = json.load(open(f"{d}/meta.json"))
    S = np.fromfile(f"{d}/scores.f32", dtype=np.float32).reshape(meta['nRows'], meta['nCols'])
    t_ptr, t_idx = np.fromfile(f"{d}/tIndptr.i32", np.int32), np.fromfile(f"{d}/tIndices.i32", np.int32)
    print(json.dumps({"recall": user_rec(S, t_ptr, t_idx, np.fromfile(f"{d}/tData.f32", np.float32), meta['C'])}))
    sys.exit(0)

torch.set_num_threads(2)
d, max_epochs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lrs = [float(v) for v in sys.argv[4].split(',')] if len(sys.argv) > 4 else [0.1]
rng = np.random.default_rng(seed)
load = lambda name, t: np.fromfile(f"{d}/{name}", dtype=t)
item, offsets, train_end = load('item.i32', np.int32), load('userOffsets.i32', np.int32), load('trainEnd.i32', np.int32)
test_users, test_hist_end = load('testUsers.i32', np.int32), load('testHistEnd.i32', np.int32)
t_ptr, t_idx, t_val = load('tIndptr.i32', np.int32), load('tIndices.i32', np.int32), load('tData.f32', np.float32)
meta = json.load(open(f"{d}/meta.json"))
n_items = meta['nItems']
V, H, MAXLEN, BPTT, B = n_items + 1, 128, 256, 32, 64
K = -(-n_items // 100)

# Token 0 is padding and the start of every sequence; item i is token i + 1.
seqs = [item[max(offsets[u], train_end[u] - MAXLEN):train_end[u]] + 1 for u in range(meta['nUsers']) if train_end[u] > offsets[u]]
perm = rng.permutation(len(seqs))
n_train = len(seqs) * 4 // 5
train, valid = [seqs[i] for i in perm[:n_train]], [seqs[i] for i in perm[n_train:]]


def batch(ss):
    T = max(len(s) for s in ss)
    x, y = np.zeros((T, len(ss)), np.int64), np.zeros((T, len(ss)), np.int64)
    for b, s in enumerate(ss):
        y[:len(s), b] = s
        x[1:len(s), b] = s[:-1]
    return torch.from_numpy(x), torch.from_numpy(y)


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(V, H)
        self.rnn = nn.GRU(H, H, 2)
        self.decoder = nn.Linear(H, V)
        self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)

    def forward(self, x, h=None):
        out, h = self.rnn(self.encoder(x), h)
        return self.decoder(out), h


loss_sum = nn.CrossEntropyLoss(ignore_index=0, reduction='sum')


def valid_loss(model):
    model.eval()
    s = n = 0
    with torch.no_grad():
        for i in range(0, len(valid), B):
            x, y = batch(valid[i:i + B])
            out, _ = model(x)
            s += loss_sum(out.reshape(-1, V), y.reshape(-1)).item()
            n += (y > 0).sum().item()
    return s / n


def fit(lr):
    """The GRU trained at learning rate lr from the same initialisation and batch order for every lr: the best epoch's
    weights, the validation loss per epoch and the best one."""
    torch.manual_seed(seed)
    order_rng = np.random.default_rng(seed)
    order_rng.permutation(len(seqs))  # the draw that split off the validation users, so epochs see the same orders
    model = Gru()
    opt = torch.optim.Adagrad(model.parameters(), lr=lr)
    best, bad, best_state, losses = float('inf'), 0, None, []
    for epoch in range(max_epochs):
        model.train()
        order = order_rng.permutation(len(train))
        for i in range(0, len(train), B):
            x, y = batch([train[j] for j in order[i:i + B]])
            h = None
            for t in range(0, x.shape[0], BPTT):
                out, h = model(x[t:t + BPTT], h)
                h = h.detach()
                yy = y[t:t + BPTT]
                count = (yy > 0).sum()
                if count == 0:
                    continue
                loss = loss_sum(out.reshape(-1, V), yy.reshape(-1)) / count
                opt.zero_grad()
                loss.backward()
                opt.step()
        v = valid_loss(model)
        losses.append(round(v, 4))
        if v < best:
            best, bad, best_state = v, 0, {k: t.clone() for k, t in model.state_dict().items()}
        else:
            bad += 1
            if bad >= 3:
                break
    model.load_state_dict(best_state)
    model.eval()
    return model, losses, best


# Next-item logits after each test row's history (its last MAXLEN − 1 events after the start token).
hists = [item[max(offsets[u], e - (MAXLEN - 1)):e] + 1 for u, e in zip(test_users, test_hist_end)]


def test_logits(model):
    scores = np.zeros((len(hists), V), np.float32)
    with torch.no_grad():
        for i in range(0, len(hists), B):
            hs = hists[i:i + B]
            x = np.zeros((max(len(s) for s in hs) + 1, len(hs)), np.int64)
            for b, s in enumerate(hs):
                x[1:len(s) + 1, b] = s
            out, _ = model(torch.from_numpy(x))
            last = torch.tensor([len(s) for s in hs])
            scores[i:i + len(hs)] = out[last, torch.arange(len(hs))].numpy()
    return scores[:, 1:]


pop = np.bincount(np.concatenate([item[offsets[u]:train_end[u]] for u in range(meta['nUsers'])]), minlength=n_items)


def recall(row_scores):
    total = 0.0
    for r in range(len(test_users)):
        top = set(np.argpartition(-row_scores(r), K)[:K].tolist())
        lo, hi = t_ptr[r], t_ptr[r + 1]
        hits = sum(float(t_val[p]) for p in range(lo, hi) if t_idx[p] in top)
        total += hits / max(1.0, float(t_val[lo:hi].sum()))
    return total / len(test_users)


# UserRec as src/core/metrics: scores in float32 as the TS dense source holds them, λ × p formed in float64 first.
C = -(-len(test_users) // 100)
lam = load('hpLambda.f64', np.float64)
user_rec_of = lambda p: user_rec((lam[:, None] * p).astype(np.float32), t_ptr, t_idx, t_val, C)
runs = []
for lr in lrs:
    model, losses, best = fit(lr)
    logits = test_logits(model)
    z = np.exp(logits.astype(np.float64) - logits.max(axis=1, keepdims=True))
    p = (z / z.sum(axis=1, keepdims=True)).astype(np.float32)
    runs.append({"lr": lr, "epochs": len(losses), "validLoss": losses, "bestValidLoss": round(best, 4),
                 "itemRec": recall(lambda r: logits[r]),
                 "userRecP": user_rec(p, t_ptr, t_idx, t_val, C), "userRecHpP": user_rec_of(p.astype(np.float64))})
    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
pop_p = np.broadcast_to((pop / pop.sum()).astype(np.float32).astype(np.float64), (len(test_users), n_items))
print(json.dumps({"pop": recall(lambda r: pop.astype(np.float64)), "userRecHp": user_rec_of(pop_p), "C": C,
                  "runs": runs, "chosenLr": min(runs, key=lambda r: r["bestValidLoss"])["lr"]}))
