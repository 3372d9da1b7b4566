"""Classifying reviews: rules and model blended per review, evidence, flags; the one entry point is classify_reviews."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from toolkit.causes.model import _RULE_SHARE, CauseModel, _blend_settings, load_model
from toolkit.causes.responsibility import UNSCORED, assign_responsibility
from toolkit.causes.training import _join_title
from toolkit.errors import ParameterError
from toolkit.labels import apply_overrides, area_of
from toolkit.language import UNDECIDED, UNKNOWN, detect_language
from toolkit.lexicon import _THAI_CONTRAST, CONTRAST, LANGUAGES, STOPWORDS, Cue, find_cues, tokens
from toolkit.taxonomy import LABELS, POSITIVE, Cause

OUTPUT_COLUMNS = [
    "review_id",
    "shop_id",
    "language",
    "cause",
    "area",
    "responsibility",
    "responsibility_reason",
    "confidence",
    "secondary_causes",
    "evidence",
    "flags",
    "source",
]


# How much a cue counts against the model, per cause (why: a safety mention must win even when the review is
# mostly about something else; a slow chat is usually mentioned alongside the real problem).
_RULE_WEIGHT = {
    Cause.PRODUCT_SAFETY.value: 3.0,
    Cause.PRODUCT_COMPLIANCE.value: 1.6,
    Cause.INAPPROPRIATE_REVIEW_HANDLING.value: 1.5,
    Cause.OUT_OF_STOCK.value: 1.3,
    Cause.DAMAGED_ITEM_OR_PACKAGE.value: 1.1,
    Cause.NOT_AS_DESCRIBED.value: 1.1,
    Cause.POOR_QUALITY.value: 1.0,
    Cause.LATE_OR_WRONG_DELIVERY.value: 0.95,  # below the product causes: a tie goes to the product (POLICY.md)
    Cause.OTHER.value: 0.7,
    Cause.LATE_CHAT_RESPONSE.value: 0.45,
    Cause.UNSPECIFIED.value: 0.3,
    POSITIVE: 0.35,
}


_SECONDARY_MIN = 0.3  # a model probability above this names a secondary cause


_NEGATED_DAMPING = 0.25  # a cause whose only cues are negated keeps this share of its model probability


_WEAK_SHARE = 1.0  # a weak cue (an attribute mention) keeps full weight at 1-3 stars (5-fold CV: 0.5 cost Olist F1)


_HIGH_STAR = 4  # from this rating on, a complaint needs a strong cue or a confident model


_HIGH_STAR_MODEL_MIN = 0.6  # model probability a complaint needs at 4-5 stars when no strong cue fired


# Causes a buyer names in words (a burn, a fake, a stock-out, a rude reply, an unanswered chat): with no cue of
# theirs, the model alone must be this sure (out of source, model-only guesses of these were nearly all wrong).
_NAMED_ONLY = tuple(
    c.value
    for c in (
        Cause.PRODUCT_SAFETY,
        Cause.PRODUCT_COMPLIANCE,
        Cause.OUT_OF_STOCK,
        Cause.INAPPROPRIATE_REVIEW_HANDLING,
        Cause.LATE_CHAT_RESPONSE,
    )
)


_NAMED_ONLY_MODEL_MIN = 0.8


_SPAM = re.compile(r"https?://|www\.|\.com/|bit\.ly|wa\.me/", re.I)


_NO_LETTERS = re.compile(r"^[\W\d_]*$")


_REPORT_WINDOW_DAYS = 30


_GENERIC_MAX_WORDS = 8  # above this many words a generic cue ("terrible") no longer decides the cause


_PRAISE_MAX_WORDS = 12  # a 1-2 star text up to this long with only praise words reads as praise (mismatch)


_PACKING_TAG = f"{Cause.DAMAGED_ITEM_OR_PACKAGE.value}/packing"


@dataclass(slots=True)
class _TextResult:
    language: str
    cause: str
    confidence: float
    secondary: list[str]
    evidence: list[str]
    source: str
    kinds: set[str]
    safety: bool
    invalid: list[str]
    praised: bool = False  # 1-2 stars but the text reads as praise: unspecified + rating_text_mismatch


def _text_column(reviews: pd.DataFrame) -> pd.Series:
    text = reviews["review_text"] if "review_text" in reviews.columns else pd.Series("", index=reviews.index)
    title = reviews["review_title"] if "review_title" in reviews.columns else None
    return _join_title(title, text)


def classify_texts(
    texts: list[str],
    languages: list[str] | None = None,
    model: CauseModel | None = None,
    ratings: list[float] | np.ndarray | None = None,
) -> list:
    """Classify raw texts (the text layer of :func:`classify_reviews`); returns one :class:`_TextResult` each.

    ``ratings`` (stars, NaN when unknown) are evidence: at 4-5 stars a complaint needs a strong cue or a confident
    model, otherwise the review is read as praise.

    Each distinct (text, language hint, stars) is classified once and its result shared by its repeats: a result
    depends on nothing else, and most reviews of a real marketplace repeat (in the Olist sample 2,330 of 3,986 have
    no text; 1,607 distinct pairs are left), so the time and memory follow the distinct reviews.
    """
    stars = [float("nan")] * len(texts) if ratings is None else [float(r) for r in ratings]
    hints = languages or [None] * len(texts)
    keys = list(zip(texts, hints, (None if r != r else r for r in stars), strict=True))  # NaN != NaN: None
    first: dict[tuple, int] = {}  # each distinct review's first row
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    rows = list(first.values())
    unique = _classify_distinct(
        [texts[i] for i in rows], [hints[i] for i in rows] if languages else None, model, [stars[i] for i in rows]
    )
    result_of = dict(zip(first, unique, strict=True))
    return [result_of[key] for key in keys]


def _classify_distinct(
    texts: list[str],
    languages: list[str] | None,
    model: CauseModel | None,
    ratings: list[float] | np.ndarray | None,
) -> list:
    model = model or load_model()
    hints = languages if languages is not None else [None] * len(texts)
    langs = detect_language(texts, hints)
    undecided = [i for i, lang in enumerate(langs) if lang == UNDECIDED]
    for i, guess in zip(undecided, model.guess_language([texts[i] for i in undecided]), strict=True):
        langs[i] = guess
    empty = [bool(_NO_LETTERS.match(t)) for t in texts]
    scored = [i for i in range(len(texts)) if not empty[i] and langs[i] in LANGUAGES]
    given = np.asarray(ratings, dtype=float) if ratings is not None else np.full(len(texts), np.nan)
    cues_of = {i: find_cues(texts[i], langs[i]) for i in scored}
    embed = [_needs_embedding(given[i], cues_of[i]) for i in scored]
    proba = model.predict_proba([texts[i] for i in scored], embed)
    col = {c: k for k, c in enumerate(model.classes)}
    results: list[_TextResult | None] = [None] * len(texts)
    for i in range(len(texts)):
        if empty[i]:
            ev = [texts[i].strip()] if texts[i].strip() else []
            results[i] = _TextResult(
                UNKNOWN if langs[i] not in LANGUAGES else langs[i],
                Cause.UNSPECIFIED.value,
                0.95,
                [],
                ev,
                "rules",
                set(),
                False,
                [],
            )
        elif langs[i] not in LANGUAGES:
            results[i] = _TextResult(UNKNOWN, UNSCORED, 0.0, [], [], "rules", set(), False, [])
    model_rows: list[tuple[int, int]] = []
    shares, scales = _blend_settings(model)
    for row, i in enumerate(scored):
        cues = cues_of[i]
        stars = float(ratings[i]) if ratings is not None else float("nan")
        share = shares.get(langs[i], _RULE_SHARE)
        results[i] = _decide(
            texts[i], langs[i], cues, proba[row], col, model.classes, stars, share, scales.get(langs[i])
        )
        if results[i].source == "model" and results[i].cause != Cause.UNSPECIFIED.value:
            model_rows.append((i, col[results[i].cause]))
    _model_evidence(texts, results, model_rows, model)
    return results


def _needs_embedding(stars: float, cues: list[Cue]) -> bool:
    """Whether the embedding head reads this review: a 1-2 star review (or one without stars), whose cause decides
    the SNRR, in which no cue naming a cause fired ("disappointed" names none), so the model decides alone. Where
    one fired the rules carry the label; embedding those too measured no better out of source (``bench_causes.py
    compare``) at about four times the cost (~40-80 ms a real review on 2 cores)."""
    if stars > 2:
        return False
    unnamed = (POSITIVE, Cause.UNSPECIFIED.value)
    return not any(not c.negated and not c.weak and c.cause in LABELS and c.cause not in unnamed for c in cues)


def _decide(
    text: str,
    lang: str,
    cues: list[Cue],
    p: np.ndarray,
    col: dict,
    classes: tuple,
    stars: float = float("nan"),
    rule_share: float | np.ndarray = _RULE_SHARE,
    scale: np.ndarray | None = None,
) -> _TextResult:
    # words about poor packing ("no bubble wrap") are a damaged-package complaint of the seller's packing
    cues = [replace(c, tag=_PACKING_TAG) if c.tag == "packing" else c for c in cues]
    active = [c for c in cues if not c.negated]
    complaint = [c for c in active if c.cause in col and c.cause != POSITIVE]
    if len(text.split()) > _GENERIC_MAX_WORDS:
        # "terrible", "disappointing" say nothing about why: in a longer text the model reads the reason
        complaint = [c for c in complaint if c.cause != Cause.UNSPECIFIED.value]
    strong = [c for c in complaint if not c.weak]
    praise = [c for c in active if c.tag == "praise"] if not strong else []
    if praise and _contrast_after(text, praise[0].end):
        praise = []
    high = stars >= _HIGH_STAR
    if high and not strong and (praise or not complaint) and complaint:
        complaint = []  # 4-5 stars, praise and only attribute mentions: the mentions are not complaints
    negated = {c.cause for c in cues if c.negated and c.cause in col}
    p = p * scale if scale is not None else p.copy()  # the language's class calibration of the model
    for cause in negated - {c.cause for c in complaint}:
        p[col[cause]] *= _NEGATED_DAMPING
    rule = np.zeros_like(p)
    for c in complaint:
        rule[col[c.cause]] += _RULE_WEIGHT[c.cause] * (_WEAK_SHARE if c.weak else 1.0)
    if praise or (negated and not complaint):
        rule[col[POSITIVE]] += _RULE_WEIGHT[POSITIVE] * (len(praise) + len(negated))
    wrong_only = bool(complaint) and all(c.kind in ("wrong", "missing") for c in complaint)
    if rule.sum() > 0:
        # the rules' share: that of the least-trained cause among the cues that fired, negated ones included (the
        # model reads negation poorly), per language (see the module doc)
        if isinstance(rule_share, np.ndarray):
            fired = rule > 0
            fired[[col[c] for c in negated]] = True
            share = float(np.max(rule_share[fired]))
            if (praise and not complaint) or any(c.context or c.kind == "buyer" for c in cues) or wrong_only:
                # "arrived in less than 3 days", "frete muito lento", "my mistake": read by the rules, not the
                # n-grams; so is a wrong or missing item, which crowd labels often file under "not as described"
                share = max(share, float(np.max(rule_share)))
        else:
            share = rule_share
        mix = (1 - share) * p / p.sum() + share * rule / rule.sum()
    else:
        mix = p / p.sum()
    named = {c.cause for c in complaint}
    for cause in _NAMED_ONLY:
        if cause in col and cause not in named and p[col[cause]] / p.sum() < _NAMED_ONLY_MODEL_MIN:
            mix[col[cause]] = 0.0  # a safety, compliance, stock, review or chat problem is said in words
    k = int(mix.argmax())
    if (
        high
        and classes[k] != POSITIVE
        and not strong
        and p[k] / p.sum() < _HIGH_STAR_MODEL_MIN
        and not _complaint_after_contrast(text, cues)
    ):
        # 4-5 stars and neither a strong cue nor a confident model: the stars win (praise, not a complaint)
        k = col[POSITIVE]
        mix[k] = max(float(mix[k]), 0.5)
        complaint = []
        rule[k] = max(rule[k], _RULE_WEIGHT[POSITIVE])
    praised = False
    if stars <= 2 and classes[k] == POSITIVE:
        # the label set is closed for 1-2 stars: never `positive`. Praise words, no complaint cue, and a short text
        # or a model whose first choice is praise too (a long 1-2 star text nearly always gives a reason): the text
        # praises what the stars condemn (unspecified, flagged). Otherwise the best complaint cause.
        short = len(text.split()) <= _PRAISE_MAX_WORDS
        if praise and not complaint and (short or int(p.argmax()) == col[POSITIVE]):
            praised = True
            k = col[Cause.UNSPECIFIED.value]
        else:
            masked = mix.copy()
            masked[col[POSITIVE]] = -1.0
            k = int(masked.argmax())
            rule[col[POSITIVE]] = 0.0
    cause = classes[k]
    fired = {c.cause for c in complaint} | ({POSITIVE} if rule[col[POSITIVE]] > 0 else set())
    source = "rules" if cause in fired else "model"
    secondary = []
    for c in complaint:
        if c.cause != cause and c.cause not in secondary and c.cause not in (Cause.UNSPECIFIED.value,):
            secondary.append(c.cause)
    if cause != POSITIVE:
        for j in np.argsort(-p):
            name = classes[j]
            if (
                p[j] >= _SECONDARY_MIN
                and name not in (cause, POSITIVE, Cause.UNSPECIFIED.value)
                and name not in secondary
            ):
                secondary.append(name)
        secondary = [s for s in secondary if s != Cause.OTHER.value or not complaint]
    else:
        secondary = []
    if cause == POSITIVE or praised:
        evidence = [c.text for c in cues if c.negated] + [c.text for c in praise]
    else:
        evidence = [c.text for c in complaint if c.cause == cause]
    kinds = {c.kind for c in active if c.cause == cause} | {c.tag for c in active if c.tag == "packing"}
    kinds |= {"carrier" for c in active if c.tag == "damaged_item_or_package/carrier"}
    safety = any(c.cause == Cause.PRODUCT_SAFETY.value for c in active)
    invalid = {c.kind for c in active if c.cause == "invalid"} | ({"spam"} if _SPAM.search(text) else set())
    if praised:
        invalid.add("rating_text_mismatch")  # an erroneous review: the seller may report it inside the window
        source = "rules"
    confidence = round(float(mix[k]), 3)
    return _TextResult(lang, cause, confidence, secondary, evidence, source, kinds, safety, sorted(invalid), praised)


def _complaint_after_contrast(text: str, cues: list[Cue]) -> bool:
    """A contrast word ("fast, but the material is not cotton") word with no praise or negated defect after it."""
    last = text.rfind(_THAI_CONTRAST)
    for w, s, _ in tokens(text):
        if w in CONTRAST:
            last = max(last, s)
    if last < 0:
        return False
    return not any(c.start > last and (c.tag == "praise" or c.negated) for c in cues)


def _contrast_after(text: str, pos: int) -> bool:
    rest = text[pos:]
    return _THAI_CONTRAST in rest or any(w in CONTRAST for w, _, _ in tokens(rest))


def _model_evidence(texts: list[str], results: list, rows: list[tuple[int, int]], model: CauseModel) -> None:
    """For model decisions, the (up to 2) content words of the text that push hardest towards the chosen cause.

    Function words (:data:`~toolkit.lexicon.STOPWORDS`), digits and single letters are never evidence; when no
    content word pushes towards the cause, the evidence is empty rather than a word that did not decide it.
    """
    words, owner, cls = [], [], []
    for i, k in rows:
        for w, s, e in tokens(texts[i]):
            if len(w) > 1 and not w.isdigit() and w not in STOPWORDS:
                words.append(texts[i][s:e])
                owner.append(i)
                cls.append(k)
    contrib = model.word_contributions(words, cls)
    best: dict[int, list[tuple[float, str]]] = {}
    for w, i, v in zip(words, owner, contrib, strict=True):
        if v > 0:
            best.setdefault(i, []).append((float(v), w))
    for i, _ in rows:
        results[i].evidence = []
    for i, found in best.items():
        picked = []
        for _, w in sorted(found, key=lambda t: -t[0]):
            if w not in picked:
                picked.append(w)
            if len(picked) == 2:
                break
        results[i].evidence = picked


def _reply_flags(replies: pd.Series) -> list[list[str]]:
    out = []
    for reply in replies.fillna("").astype(str):
        flags = []
        if reply.strip():
            lang = detect_language([reply])[0]
            tags = {c.tag for c in find_cues(reply, lang if lang in LANGUAGES else "en", tags=("reply",))}
            flags = [f"reply_{t.split('/')[1]}" for t in ("reply/abusive", "reply/coercive") if t in tags]
        out.append(flags)
    return out


def classify_reviews(
    reviews: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    chats: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    as_of: str | pd.Timestamp | None = None,
    model: CauseModel | None = None,
) -> pd.DataFrame:
    """Cause, responsibility and flags for every review (one output row per input row, same order).

    Parameters
    ----------
    reviews : DataFrame
        Canonical reviews: ``review_id, shop_id`` and ``review_text``; optional ``rating, order_id, created_at,
        review_title, seller_reply, language`` (a supported language code there is trusted).
    orders : DataFrame, optional
        Canonical order lines (``order_id, shop_id, order_status, shipped_at, ship_by, delivered_at``, optional
        ``promised_delivery_at, cancel_reason``). Without it, responsibility needing order facts is ``unknown``.
    chats : DataFrame, optional
        Canonical chats; a late-chat complaint is confirmed by an unanswered or slow chat of the same order.
    overrides : DataFrame, optional
        From :func:`load_overrides`; an override wins over every layer.
    as_of : date, optional
        End of the 30-day reporting window for report candidates (default: the latest review's date).
    model : CauseModel, optional
        Default: :func:`load_model`.

    Returns
    -------
    DataFrame
        Columns :data:`OUTPUT_COLUMNS` plus ``report_reason``. ``secondary_causes``, ``evidence`` and ``flags``
        are ";"-joined; evidence spans are copied exactly from the review's title or text.

    Examples
    --------
    >>> r = pd.DataFrame({"review_id": ["a"], "shop_id": ["s"], "rating": [5],
    ...                   "review_text": ["ordered black got white"]})
    >>> classify_reviews(r)[["cause", "evidence", "flags"]].values.tolist()
    [['late_or_wrong_delivery', 'ordered black got', 'rating_text_mismatch']]
    """
    if "review_id" not in reviews.columns:
        raise ParameterError("reviews need a review_id column")
    idx = reviews.index
    texts = _text_column(reviews).tolist()
    hints = reviews["language"].tolist() if "language" in reviews.columns else None
    rating = pd.to_numeric(reviews["rating"], errors="coerce").to_numpy() if "rating" in reviews.columns else None
    res = classify_texts(texts, hints, model, rating)
    shop = reviews["shop_id"].astype(str) if "shop_id" in reviews.columns else pd.Series("", index=idx)
    out = pd.DataFrame(
        {
            "review_id": reviews["review_id"].astype(str).to_numpy(),
            "shop_id": shop.to_numpy(),
            "language": [r.language for r in res],
            "cause": [r.cause for r in res],
            "confidence": [r.confidence for r in res],
            "secondary_causes": [r.secondary for r in res],
            "evidence": [";".join(r.evidence) for r in res],
            "flags": [["safety"] if r.safety else [] for r in res],
            "source": [r.source for r in res],
        }
    )
    out["area"] = out["cause"].map(area_of)
    out = apply_overrides(out, overrides)

    replies = reviews["seller_reply"] if "seller_reply" in reviews.columns else pd.Series("", index=idx)
    for i, flags in enumerate(_reply_flags(replies)):
        if flags:
            out.at[i, "flags"] = out.at[i, "flags"] + flags
            if out.at[i, "cause"] != Cause.INAPPROPRIATE_REVIEW_HANDLING.value:
                out.at[i, "secondary_causes"] = out.at[i, "secondary_causes"] + [
                    Cause.INAPPROPRIATE_REVIEW_HANDLING.value
                ]

    if rating is not None:
        complaint = ~out["cause"].isin([POSITIVE, UNSCORED, Cause.UNSPECIFIED.value]) & out["source"].ne("override")
        praised = np.array([r.praised for r in res], dtype=bool)
        sure = (out["confidence"] >= 0.5) | out["source"].eq("rules")  # a cue fired, or a confident model
        mismatch = ((rating >= 3) & complaint & sure) | ((rating <= 2) & praised)
        for i in np.flatnonzero(mismatch.to_numpy()):
            out.at[i, "flags"] = out.at[i, "flags"] + ["rating_text_mismatch"]

    resp = assign_responsibility(out, reviews.reset_index(drop=True), orders, chats, kinds=[r.kinds for r in res])
    out["cause"] = resp["cause"]
    out["area"] = out["cause"].map(area_of)
    out["responsibility"] = resp["responsibility"]
    out["responsibility_reason"] = resp["reason"]
    out["source"] = np.where(resp["cause_from_order"], "rules", out["source"])

    out["report_reason"] = _report_reasons(reviews.reset_index(drop=True), [r.invalid for r in res], rating, as_of)
    for i in np.flatnonzero(out["report_reason"].ne("").to_numpy()):
        out.at[i, "flags"] = out.at[i, "flags"] + ["report_candidate"]
    for col in ("secondary_causes", "flags"):
        out[col] = out[col].map(lambda xs: ";".join(dict.fromkeys(xs)))
    return out[[*OUTPUT_COLUMNS, "report_reason"]].set_axis(idx)


def _report_reasons(reviews: pd.DataFrame, invalid: list[list[str]], rating, as_of) -> list[str]:
    """Invalid-looking negative reviews still inside the platform's 30-day reporting window."""
    if "created_at" not in reviews.columns:
        return ["" for _ in invalid]
    created = pd.to_datetime(reviews["created_at"], utc=True, errors="coerce")
    end = pd.Timestamp(as_of) if as_of is not None else created.max()
    if end is not pd.NaT and end.tzinfo is None:
        end = end.tz_localize("UTC")
    start = end.normalize() - pd.Timedelta(days=_REPORT_WINDOW_DAYS - 1)
    inside = ((created >= start) & (created < end.normalize() + pd.Timedelta(days=1))).to_numpy()
    negative = rating <= 2 if rating is not None else np.ones(len(invalid), dtype=bool)
    return [";".join(inv) if inv and ok and neg else "" for inv, ok, neg in zip(invalid, inside, negative, strict=True)]
