#!/usr/bin/env python3
"""Checks that a results JSON of `rimw run` (or the page's export) carries every field the reference code reads.

The reference (awslabs/recurrent-intensity-model-experiments, rime) builds ExperimentResult from its fields and plots
it with plot_rec_results and plot_mtch_results (rime/util/plotting.py), which read: the header (_k1, _c1 for the axis
names and get_mtch_, item_ppl_baseline and user_ppl_baseline for the dashed lines), item_rec and user_rec (the metric
of each model; the `Pop` row draws the popularity baseline), and mtch_ through get_mtch_(k=_k1) and get_mtch_(c=_c1),
which index each model's points by their exact (k, c) settings and read prec, item_ppl and user_ppl.

Standard library only. Usage: check_rime_result.py RESULTS.json  (exit 0 and "ok" when every check passes).
"""
import json
import math
import sys

# ExperimentResult's fields, in the reference's order; the first six have no default.
REQUIRED = ["dual", "online", "_k1", "_c1", "_kmax", "_cmax"]
OPTIONAL = ["item_ppl_baseline", "user_ppl_baseline", "item_rec", "user_rec", "mtch_"]


def number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check(res):
    errors = []
    for f in REQUIRED + OPTIONAL:
        if f not in res:
            errors.append(f"missing field {f}")
    if errors:
        return errors
    for f in ["dual", "online"]:
        if not isinstance(res[f], bool):
            errors.append(f"{f} must be true or false, got {res[f]!r}")
    if res["online"] and not res["dual"]:
        errors.append("online implies dual in the reference")
    for f in ["_k1", "_c1", "_kmax", "_cmax"]:
        if not (isinstance(res[f], int) and not isinstance(res[f], bool) and res[f] > 0):
            errors.append(f"{f} must be a positive integer, got {res[f]!r}")
    for f in ["item_ppl_baseline", "user_ppl_baseline"]:
        if not (number(res[f]) and res[f] >= 1):
            errors.append(f"{f} must be a perplexity (a number >= 1), got {res[f]!r}")

    # plot_rec_results(self, metric_name) for the recall and precision plots.
    ir, ur = res["item_rec"], res["user_rec"]
    if not (isinstance(ir, dict) and isinstance(ur, dict) and ir):
        errors.append("item_rec and user_rec must be non-empty objects of model -> metrics")
        return errors
    if set(ir) != set(ur):
        errors.append(f"item_rec and user_rec list different models: {sorted(set(ir) ^ set(ur))}")
    for task, table in [("item_rec", ir), ("user_rec", ur)]:
        for model, m in table.items():
            for metric in ["recall", "prec"]:
                if not (isinstance(m, dict) and number(m.get(metric))):
                    errors.append(f"{task}[{model!r}].{metric} must be a number")
    if "Pop" not in ir:
        errors.append("plot_rec_results draws the popularity baseline from the 'Pop' row, which is missing")

    # plot_mtch_results: get_mtch_(k=_k1) and get_mtch_(c=_c1), then prec, item_ppl and user_ppl of each point.
    mt = res["mtch_"]
    if not (isinstance(mt, dict) and mt):
        errors.append("mtch_ must be a non-empty object of model -> points")
        return errors
    for model, pts in mt.items():
        if not isinstance(pts, list) or not pts:
            errors.append(f"mtch_[{model!r}] must be a non-empty list of points")
            continue
        for j, p in enumerate(pts):
            for f in ["k", "c", "prec", "item_ppl", "user_ppl"]:
                if not number(p.get(f)):
                    errors.append(f"mtch_[{model!r}][{j}].{f} must be a number, got {p.get(f)!r}")
        for key, other, value in [("k", "c", res["_k1"]), ("c", "k", res["_c1"])]:
            sel = [p[other] for p in pts if p.get(key) == value]
            if not sel:
                errors.append(f"get_mtch_({key}={value}) finds no point of {model!r}")
            elif len(set(sel)) != len(sel):
                errors.append(f"get_mtch_({key}={value}) of {model!r} has repeated {other} values {sel} (unstack fails)")
    return errors


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1])
        return 2
    with open(argv[1]) as f:
        res = json.load(f)
    errors = check(res) if isinstance(res, dict) else ["the results JSON must be an object"]
    for e in errors:
        print(e)
    if not errors:
        print("ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
