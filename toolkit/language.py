"""Offline language detection for the 7 languages the cause classifier scores (en, id, ms, pt, es, vi, th, tl).

A small, transparent detector: script (Thai, and scripts of languages we do not score), Vietnamese
diacritics, and function words / shoppers' slang of each language, plus those of common languages we do
*not* score (German, French, Italian, Dutch, Turkish) so that they are recognised and refused
rather than guessed. A text with no marker at all returns :data:`UNDECIDED`; the classifier then asks the
character n-gram fallback stored in its artefact, but only for short texts (a long text with no marker
of any supported language is more likely a language we do not know, and gets ``unknown``).

Examples
--------
>>> from toolkit.language import detect_language
>>> detect_language(["brg nya ga sampe2 kak", "o produto não chegou", "Das Produkt ist kaputt", "สินค้าดีมาก"])
['id', 'pt', 'unknown', 'th']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.lexicon import LANGUAGES, TOKEN, _tables, fold, squeeze

UNKNOWN = "unknown"
UNDECIDED = "?"
"""No marker found: the caller may use a statistical fallback (short texts only)."""

_MARKERS: dict[str, str] = {
    "en": "the a an and is was it this that i my me you to of for with but very so just not dont didnt its im have "
    "has got after only would what when they their from been are were too really item no on at be all here there "
    "came arrived product seller box after like",
    "id": "yang yg dan ini itu aja saja sih dong deh kok banget bgt udah udh sudah sdh ga gak nggak ngga tdk tidak nya "
    "kak min gan dgn dengan sm tapi tp krn karena buat bs jd trs terus kalo gimana gmn kyk kayak pesen dateng nyampe "
    "sampe doang bilang mau ada barang brg sy saya beli belum blm banget tolong dikirim pas lg jg juga di "
    "ternyata padahal msh masih cuma harga kurang eh abis",
    "ms": "yang yg dan ini itu je sahaja sgt sangat dah sudah x tak tidak nak kat dekat pon boleh dgn dengan tapi tp "
    "sbb sebab untuk utk dapat dpt lagi lg kalau klu macam mcm barang brg awak sy saya beli kedai hantar tgk "
    "tengok cakap bagi lepas ni tu la lah tiada takde seller pun di cuma harga kena masa sampai ada ingat ingatkan",
    "pt": "o os a as um uma de do da dos das que q e nao n com para pra pro por mas muito mt mto foi veio chegou "
    "produto meu minha eu ele ela isso esse essa esta ta nem ja tambem pq porque vc voce ainda ate recebi entrega "
    "loja nao entregue comprei gostei pedido",
    "es": "el la los las un una de del que q y es no con para pa por pero muy fue llego producto mi yo eso este "
    "esta ya tambien porque xq tienda recibi entrega hasta nada me lo le se pedi compre",
    "vi": "khong ko toi minh ban la cua va co duoc dc roi nhung nhu nay thi ma cho voi hang shop giao nhan mua rat "
    "qua lam nha oi vay sao gi chua cung de bi mot hai ba sp lan ngay nhe",
    "de": "der die das und ist nicht ich sehr mit zu auf ein eine es sie wir war aber fur nur auch noch schon kaputt "
    "geliefert leider gut schlecht nach wurde habe",
    "fr": "le les et est pas je tres un une des du avec pour mais ce cette produit livraison recu nul bien mauvais "
    "qui il elle cest jai",
    "it": "il lo gli e non sono molto con per ma prodotto arrivato consegna questo che di della un una",
    "nl": "de het een en is niet ik zeer met voor maar dit dat geleverd product kapot",
    "tr": "ve bir bu cok degil urun geldi kargo ama icin ile da de ben",
    "tl": "ang ng mga sa na hindi po ako ko ito yung naman pero talaga sobra lang ung yun nya niya siya sya kasi kase "
    "kaya din rin lng ba nga mo tapos dumating sana nung wala walang meron dahil binili ganda maganda pangit panget "
    "sira kulang lahat agad pinadala order ko nman nmn kayo sobrang tagal ayaw naka nag mag",
}

_LANGS_OF: dict[str, list[str]] = {}
for _lang, _words in _MARKERS.items():
    for _w in set(_words.split()):
        _LANGS_OF.setdefault(_w, []).append(_lang)

_VI_CHARS = re.compile(r"[ăơưđĂƠƯĐạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_PT_CHARS = re.compile(r"[ãõç]")
_ES_CHARS = re.compile(r"[ñ¿¡]")
_DE_CHARS = re.compile(r"[ßäö]")
_FR_CHARS = re.compile(r"[èëîïûœù]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_FOREIGN_SCRIPT = re.compile(
    r"[\u0400-\u04ff\u0370-\u03ff\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e80-\u0eff\u1000-\u109f"
    r"\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
)
_LETTER = re.compile(r"[^\W\d_]")
_SHORT = 6  # texts with at most this many words and no marker may use the statistical fallback


def detect_one(text: str | None, hint: str | None = None) -> str:
    """The language code of one text, ``unknown``, or :data:`UNDECIDED` (no marker; short text).

    ``hint`` is a language code given by the export; a supported one is trusted.

    Examples
    --------
    >>> detect_one("não veio quebrado, recomendo")
    'pt'
    >>> detect_one("shop giao hàng nhanh")
    'vi'
    >>> detect_one("最悪の商品")
    'unknown'
    >>> detect_one("😡😡")
    'unknown'
    """
    if hint and str(hint).strip().lower()[:2] in LANGUAGES:
        return str(hint).strip().lower()[:2]
    if not text:
        return UNKNOWN
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return UNKNOWN
    thai = len(_THAI.findall(text))
    foreign = len(_FOREIGN_SCRIPT.findall(text))
    if foreign > thai and foreign * 2 >= letters:
        return UNKNOWN
    if thai * 2 >= letters:
        return "th"
    scores: dict[str, float] = dict.fromkeys(_MARKERS, 0.0)
    vocab = _tables()[3]
    words = [squeeze(t) for t in TOKEN.findall(fold(text)) if t[0].isalpha()]
    for w in words:
        langs = _LANGS_OF.get(w.replace("'", ""))
        if langs:
            for lang in langs:
                scores[lang] += 1.0 / len(langs)
    for w in words:
        langs = vocab.get(w.replace("'", ""))
        if langs:
            for lang in langs:
                scores[lang] += 0.5 / len(langs)
    scores["vi"] += 3.0 * len(_VI_CHARS.findall(text))
    scores["pt"] += 1.5 * len(_PT_CHARS.findall(text))
    scores["es"] += 2.0 * len(_ES_CHARS.findall(text))
    scores["de"] += 2.0 * len(_DE_CHARS.findall(text))
    scores["fr"] += 1.0 * len(_FR_CHARS.findall(text))
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0:
        return UNDECIDED if len(words) <= _SHORT else UNKNOWN
    tied = [lang for lang, s in scores.items() if s == scores[best]]
    if len(tied) > 1:
        return UNDECIDED if any(lang in LANGUAGES for lang in tied) else UNKNOWN
    return best if best in LANGUAGES else UNKNOWN


def detect_language(texts: Iterable[str | None], hints: Iterable[str | None] | None = None) -> list[str]:
    """:func:`detect_one` for each text (``hints``: the export's own language column, if any)."""
    texts = list(texts)
    hints = list(hints) if hints is not None else [None] * len(texts)
    return [detect_one(t, h) for t, h in zip(texts, hints, strict=True)]
