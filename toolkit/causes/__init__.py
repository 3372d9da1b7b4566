"""Root cause, responsibility and risk flags of reviews: a lexicon/rule layer with a learned model on top.

Layers, in the order they decide a review:

1. **Overrides** (:func:`toolkit.labels.load_overrides`): a labels file names the cause of a review; it wins everywhere.
2. **Language** (:mod:`toolkit.language`): en, id, ms, pt, es, vi, th; any other language is ``unscored``.
3. **Rules** (:mod:`toolkit.lexicon`): negation-aware cue phrases with their exact text spans.
4. **Model**: a linear model on hashed character and word n-grams (scikit-learn ``HashingVectorizer`` +
   ``LogisticRegression``), trained by :func:`train` on the crowd-labelled Olist reviews and the team's phrase
   bank. Its scores are mixed with the rule evidence; when no cue fires the model decides alone
   (``source="model"``) and its evidence is the (up to 2) content words of the text that pushed it hardest
   (function words, :data:`~toolkit.lexicon.STOPWORDS`, never; none when no content word pushed it). Cues read
   from context (what is slow: "frete muito lento" late, "celular muito lento" quality, "lambat balas" chat;
   "ordered black, got white") keep the language's highest rule share, as n-grams cannot read them.

   **Per-language blending.** The model has seen thousands of Portuguese Olist rows but only ~75 rows per other
   language (~6 per cause), so how much the rules count against it depends on how much training data it had for
   the detected language and the cause at stake. :func:`fit_arrays` stores, per language x cause, the weighted
   training rows and the rule share ``_RULE_SHARE_MIN + (_RULE_SHARE - _RULE_SHARE_MIN) * h / (h + rows)``
   (0.65 with no data, 0.05 in the limit, ``h`` = 100 rows; :func:`_rule_share_for`) in the artefact's meta
   (``training_rows_by_language``, ``rule_share``). A review uses the share of the least-trained cause among its
   cues, negated ones included; praise alone (fast delivery, affirmed attributes) keeps the language's highest
   share, as n-grams do not read it. So Portuguese delivery/quality/praise cues give the model ~0.1-0.4 of the
   say, while every cause in en/id/ms/es/vi/th (and the rarer Portuguese causes) keeps ~0.62. The artefact also
   carries per-language class scales on the model probabilities (``class_scale``, from :data:`_CLASS_SCALE`):
   Portuguese ``not_as_described`` and ``poor_quality`` x2.5, correcting the model's Olist prior towards
   positive/late. ``h``, the minimum and the scales were chosen by 5-fold cross-validation on the training parts
   only (Olist macro-F1 0.733 -> 0.802 with stars; phrase bank 0.892 -> 0.887).
5. **Responsibility** (:func:`assign_responsibility`): text kind + order facts, with a plain reason.
6. **Flags**: ``safety``, ``reply_abusive``, ``reply_coercive``, ``rating_text_mismatch``, ``report_candidate``.

Output causes are :class:`~toolkit.taxonomy.Cause` values, ``positive`` (not a complaint) or ``unscored``.

Olist crowd classes map onto the taxonomy as follows (:data:`OLIST_TO_CAUSE`): ``satisfeito`` and
``antes_prazo`` -> positive; ``atrasado``, ``entrega_parcial`` and ``outro_entrega`` -> late_or_wrong_delivery;
``baixa_qualidade`` -> poor_quality; ``diferente_do_anunciado`` -> not_as_described. ``devolucao`` (a return
request) and ``outro_pedido`` (other order problem) name an action, not a cause; they are left out of training
and evaluation.

Examples
--------
>>> import pandas as pd
>>> from toolkit.causes import classify_reviews
>>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"], "shop_id": "s1", "rating": [1, 5, 1],
...                         "review_text": ["layar retak pas dibuka, packing cuma plastik", "tidak rusak, mantap",
...                                         "Das Produkt ist kaputt"]})
>>> out = classify_reviews(reviews)
>>> out[["review_id", "language", "cause", "responsibility"]].values.tolist()
... # doctest: +NORMALIZE_WHITESPACE
[['r1', 'id', 'damaged_item_or_package', 'seller'], ['r2', 'id', 'positive', 'unknown'],
 ['r3', 'unknown', 'unscored', 'unknown']]
"""

from toolkit.causes.classify import OUTPUT_COLUMNS, classify_reviews, classify_texts
from toolkit.causes.evaluation import evaluate, format_evaluation
from toolkit.causes.model import (
    MODEL_DIR,
    MODEL_FILE,
    MODEL_VERSION,
    USER_MODEL_DIR,
    CauseModel,
    load_model,
    model_from_arrays,
)
from toolkit.causes.responsibility import DAMAGE_WITHOUT_PACKING_WORDS, UNSCORED, assign_responsibility
from toolkit.causes.training import (
    CORRECTION_WEIGHT,
    OLIST_CLASSIFIED,
    OLIST_TO_CAUSE,
    PHRASE_BANK,
    REAL_LABELLED,
    REAL_SETS,
    REPO_ROOT,
    correction_rows,
    fit_arrays,
    holdout_mask,
    olist_labelled,
    phrase_bank,
    real_labelled,
    train,
)
from toolkit.labels import apply_overrides, load_overrides
from toolkit.taxonomy import LABELS, POSITIVE

__all__ = [
    "CauseModel",
    "MODEL_DIR",
    "MODEL_FILE",
    "MODEL_VERSION",
    "USER_MODEL_DIR",
    "load_model",
    "model_from_arrays",
    "CORRECTION_WEIGHT",
    "OLIST_CLASSIFIED",
    "OLIST_TO_CAUSE",
    "PHRASE_BANK",
    "REAL_LABELLED",
    "REAL_SETS",
    "REPO_ROOT",
    "correction_rows",
    "fit_arrays",
    "holdout_mask",
    "olist_labelled",
    "phrase_bank",
    "real_labelled",
    "train",
    "DAMAGE_WITHOUT_PACKING_WORDS",
    "UNSCORED",
    "assign_responsibility",
    "OUTPUT_COLUMNS",
    "classify_reviews",
    "classify_texts",
    "evaluate",
    "format_evaluation",
    "LABELS",
    "POSITIVE",
    "apply_overrides",
    "load_overrides",
]
