"""Evaluation of the cause classifier: per-cause precision, recall, F1, macro-F1 and the confusion matrix."""

from __future__ import annotations

import pandas as pd

from toolkit.causes.classify import classify_reviews
from toolkit.causes.model import CauseModel
from toolkit.errors import ParameterError
from toolkit.language import UNKNOWN


def _scores(truth: pd.Series, pred: pd.Series) -> dict:
    labels = sorted(set(truth))
    rows = []
    for lab in labels:
        tp = int(((truth == lab) & (pred == lab)).sum())
        fp = int(((truth != lab) & (pred == lab)).sum())
        fn = int(((truth == lab) & (pred != lab)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append({"cause": lab, "precision": p, "recall": r, "f1": f, "support": tp + fn})
    per = (
        pd.DataFrame(rows).set_index("cause")
        if rows
        else pd.DataFrame(columns=["precision", "recall", "f1", "support"])
    )
    confusion = pd.crosstab(truth.rename("true"), pred.rename("predicted"))
    return {
        "per_cause": per,
        "macro_f1": float(per["f1"].mean()) if len(per) else 0.0,
        "accuracy": float((truth == pred).mean()) if len(truth) else 0.0,
        "n": len(truth),
        "confusion": confusion,
    }


def evaluate(
    labels: pd.DataFrame,
    predictions: pd.DataFrame | None = None,
    model: CauseModel | None = None,
    use_rating: bool = True,
) -> dict:
    """Per-cause precision/recall/F1/support, macro-F1, accuracy and confusion matrix, overall and per language.

    Parameters
    ----------
    labels : DataFrame
        ``cause`` and either ``review_id`` (matched to ``predictions``) or ``text`` (classified here); optional
        ``language`` (for the per-language tables; otherwise the detected language is used) and ``shop_id``.
    predictions : DataFrame, optional
        Output of :func:`classify_reviews`; needed when labels have no ``text``.
    use_rating : bool
        When the labels carry a ``rating`` column (stars) and the text is classified here, pass it on as real use
        does (:func:`classify_reviews` reads the stars as evidence). ``False`` scores the text alone.
        ``result["with_rating"]`` says which was done.

    Examples
    --------
    >>> labels = pd.DataFrame({"text": ["arrived shattered", "chegou quebrado", "love it"],
    ...                        "cause": ["damaged_item_or_package", "damaged_item_or_package", "positive"]})
    >>> evaluate(labels)["macro_f1"]
    1.0
    """
    lab = labels.reset_index(drop=True).copy()
    if "text" in lab.columns and predictions is None:
        rev = pd.DataFrame({"review_id": [str(i) for i in range(len(lab))], "shop_id": "", "review_text": lab["text"]})
        with_rating = use_rating and "rating" in lab.columns
        if with_rating:
            rev["rating"] = pd.to_numeric(lab["rating"], errors="coerce")
        pred = classify_reviews(rev, model=model)
        got = pred["cause"].to_numpy()
        detected = pred["language"].to_numpy()
    else:
        with_rating = None  # the predictions were made by the caller
        if predictions is None:
            raise ParameterError("labels without a text column need predictions (classify the reviews first)")
        on = ["review_id"] + (["shop_id"] if "shop_id" in lab.columns and "shop_id" in predictions.columns else [])
        lab[on] = lab[on].astype(str)
        p = predictions[[*on, "cause", "language"]].astype({k: str for k in on}).drop_duplicates(on)
        merged = lab.merge(p, on=on, how="left", suffixes=("", "_pred"))
        got = merged["cause_pred"].fillna("missing").to_numpy()
        detected = merged["language_pred"].fillna(UNKNOWN).to_numpy()
    truth = lab["cause"].astype(str).str.strip()
    pred = pd.Series(got, index=lab.index, dtype=str)
    lang = lab["language"].astype(str) if "language" in lab.columns else pd.Series(detected, index=lab.index)
    result = _scores(truth, pred)
    result["by_language"] = {g: _scores(truth[lang == g], pred[lang == g]) for g in sorted(lang.unique())}
    result["language_accuracy"] = float((lang == detected).mean()) if "language" in lab.columns else None
    result["with_rating"] = with_rating
    return result


def format_evaluation(result: dict, title: str = "cause classifier", per_language: bool = True) -> str:
    """The evaluation as plain text: per-cause table, macro-F1, confusion matrix, then the same per language.

    Examples
    --------
    >>> res = evaluate(pd.DataFrame({"text": ["love it"], "cause": ["positive"]}))
    >>> print(format_evaluation(res, per_language=False).splitlines()[0])
    == cause classifier: n=1, accuracy=1.000, macro-F1=1.000 ==
    """

    def block(res: dict, name: str) -> list[str]:
        lines = [f"== {name}: n={res['n']}, accuracy={res['accuracy']:.3f}, macro-F1={res['macro_f1']:.3f} =="]
        per = res["per_cause"].copy()
        if len(per):
            lines.append(per.to_string(float_format=lambda v: f"{v:.3f}"))
            conf = res["confusion"].copy()
            short = {c: c[:10] for c in set(conf.columns) | set(conf.index)}
            lines.append("confusion (rows = true, columns = predicted):")
            lines.append(conf.rename(index=short, columns=short).to_string())
        return lines

    lines = block(result, title)
    if result.get("with_rating") is not None:
        lines.append("star ratings passed to the classifier: " + ("yes" if result["with_rating"] else "no"))
    if result.get("language_accuracy") is not None:
        lines.append(f"language detection accuracy: {result['language_accuracy']:.3f}")
    if per_language:
        for lang, res in result.get("by_language", {}).items():
            lines += [""] + block(res, f"{title} [{lang}]")
    return "\n".join(lines)
