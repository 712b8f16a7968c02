"""Independent cross-check for bench/quality.bench.ts: does the reference RNN (rime's GRU as published) beat Pop on
ItemRec on the same user split? A PyTorch GRU as in awslabs/recurrent-intensity-model-experiments' RNN: word-language-
model initialisation (embedding uniform ±0.1, decoder bias 0, tied decoder), 2 × 128, no dropout, Adagrad lr 0.1, 64
users a batch, last 256 events, truncated BPTT 32, a random 20% of users for validation, early stopping with patience
3 on the validation loss, best epoch kept. ItemRec: top K = ceil(1% of items) per test row by the next-item logits;
recall = mean over rows of hits / max(1, target events), as src/core/metrics/evaluate.ts. Pop ranks items by their
training events.

Usage: python3 torch_itemrec.py DIR MAX_EPOCHS SEED
DIR holds the split as bench/quality.bench.ts writes it (item.i32, userOffsets.i32, trainEnd.i32, testUsers.i32,
testHistEnd.i32, tIndptr.i32, tIndices.i32, tData.f32, meta.json). Prints one JSON line."""
import json, sys
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(2)
d, max_epochs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.manual_seed(seed)
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


model = Gru()
opt = torch.optim.Adagrad(model.parameters(), lr=0.1)
loss_sum = nn.CrossEntropyLoss(ignore_index=0, reduction='sum')


def valid_loss():
    model.eval()
    s = n = 0
    with torch.no_grad():
        for i in range(0, len(valid), B):
            x, y = batch(valid[i:i + B])
            out, _ = model(x)
            s += loss_sum(out.reshape(-1, V), y.reshape(-1)).item()
            n += (y > 0).sum().item()
    return s / n


best, bad, best_state, losses = float('inf'), 0, None, []
for epoch in range(max_epochs):
    model.train()
    order = rng.permutation(len(train))
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
    v = valid_loss()
    losses.append(round(v, 4))
    if v < best:
        best, bad, best_state = v, 0, {k: t.clone() for k, t in model.state_dict().items()}
    else:
        bad += 1
        if bad >= 3:
            break
model.load_state_dict(best_state)
model.eval()

# Next-item logits after each test row's history (its last MAXLEN − 1 events after the start token).
hists = [item[max(offsets[u], e - (MAXLEN - 1)):e] + 1 for u, e in zip(test_users, test_hist_end)]
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
scores = scores[:, 1:]
pop = np.bincount(np.concatenate([item[offsets[u]:train_end[u]] for u in range(meta['nUsers'])]), minlength=n_items)


def recall(row_scores):
    total = 0.0
    for r in range(len(test_users)):
        top = set(np.argpartition(-row_scores(r), K)[:K].tolist())
        lo, hi = t_ptr[r], t_ptr[r + 1]
        hits = sum(float(t_val[p]) for p in range(lo, hi) if t_idx[p] in top)
        total += hits / max(1.0, float(t_val[lo:hi].sum()))
    return total / len(test_users)


print(json.dumps({"rnn": recall(lambda r: scores[r]), "pop": recall(lambda r: pop.astype(np.float64)),
                  "epochs": len(losses), "validLoss": losses, "bestValidLoss": round(best, 4)}))
