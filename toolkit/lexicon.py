"""The transparent layer of the cause classifier: cue phrases, negation and language markers for 7 languages.

Every cue is a phrase written in *folded* form (lower case, Latin accents removed: ``não`` -> ``nao``,
``không`` -> ``khong``, ``đ`` -> ``d``), so one entry matches the accented spelling and the unaccented
spelling shoppers type. Phrases are matched on whole tokens; Thai (written without spaces) is matched as a
substring. A cue is *negated* when a negator of the review's language stands at most two tokens before it in
the same clause ("not broken", "tidak rusak", "não quebrou", "ไม่แตก"); a negated cue never counts as a
complaint. Cues that already contain their negator ("not working", "não funciona", "ไม่ได้รับ") are written
with it and are not negated again.

Tags are ``cause`` or ``cause/kind``: the kind tells the responsibility rules what sort of delivery or damage
complaint it is (``late``, ``lost``, ``wrong``, ``missing``, ``courier``, ``carrier``). Extra tags that are not causes:
``packing`` (words about poor packing: the seller's fault), ``praise`` (for star/text disagreement),
``invalid/...`` (reasons a review may be reportable), and the seller-reply tags ``reply/abusive`` and
``reply/coercive``.

Examples
--------
>>> from toolkit.lexicon import fold, find_cues
>>> fold("Não quebrou")
'nao quebrou'
>>> [(c.tag, c.text, c.negated) for c in find_cues("não quebrou, chegou bem", "pt")]
[('poor_quality', 'quebrou', True)]
>>> [(c.tag, c.text) for c in find_cues("brg rusak, packing cuma plastik", "id")]
[('damaged_item_or_package', 'brg rusak'), ('packing', 'packing cuma plastik')]
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LANGUAGES = ("en", "id", "ms", "pt", "es", "vi", "th", "tl")
"""The languages the classifier scores; anything else is ``unscored``."""


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ß"): "s", ord("’"): "'", ord("‘"): "'", ord("`"): "'"})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower-case and strip Latin accents, keeping the length (so spans map back to the original text).

    Examples
    --------
    >>> fold("Không GIỐNG ảnh")
    'khong giong anh'
    """
    folded = text.translate(_FOLD).lower()
    return folded if len(folded) == len(text) else text.translate(_FOLD)


# ---------------------------------------------------------------------------------------------------------------
# Cue phrases: package data (cues.toml), so a linguist can review and diff them without reading Python.
# ---------------------------------------------------------------------------------------------------------------
def _load_cues() -> tuple[dict[str, str], dict[str, str]]:
    """The phrase tables of ``cues.toml`` in file order: tag -> "lang: phrase | ..." lines, Thai tag -> alternatives."""
    with resources.files("toolkit").joinpath("cues.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return data["cues"], data["thai"]


_CUES, _THAI = _load_cues()

NEGATORS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "not",
            "no",
            "never",
            "without",
            "isnt",
            "wasnt",
            "didnt",
            "doesnt",
            "dont",
            "arent",
            "werent",
            "hasnt",
            "havent",
            "cant",
            "couldnt",
            "wont",
            "nothing",
            "none",
            "zero",
            "nor",
        ]
    ),
    "id": frozenset(
        [
            "tidak",
            "tdk",
            "ga",
            "gak",
            "gk",
            "nggak",
            "ngga",
            "enggak",
            "engga",
            "bukan",
            "tak",
            "belum",
            "blm",
            "blom",
            "tanpa",
            "jangan",
            "jgn",
            "nda",
            "ndak",
        ]
    ),
    "ms": frozenset(
        ["tidak", "tdk", "x", "tak", "tiada", "takde", "bukan", "belum", "blm", "tanpa", "jangan", "jgn", "xde"]
    ),
    "pt": frozenset(["nao", "n", "nem", "sem", "nunca", "nenhum", "nenhuma", "nada"]),
    "es": frozenset(["no", "ni", "sin", "nunca", "ningun", "ninguna", "tampoco", "nada"]),
    "vi": frozenset(["khong", "ko", "k", "kg", "chang", "chua", "khg"]),
    "tl": frozenset(["hindi", "di", "hnd", "wala", "walang", "huwag", "wag", "ni"]),
}
CONTRAST = frozenset(
    [
        "but",
        "however",
        "though",
        "although",
        "mas",
        "porem",
        "entretanto",
        "pero",
        "aunque",
        "sin_embargo",
        "tapi",
        "tp",
        "tetapi",
        "namun",
        "cuma",
        "nhung",
        "ma",
        "nhưng",
        "kaso",
    ]
)
"""Contrast words: praise before one of these ("great seller, but ...") does not speak for the whole review."""
_THAI_CONTRAST = "แต่"
_THAI_NEGATION = re.compile(r"(?:ไม่|ไม่ได้|ไม่มี|ไม่เคย|ไม่ใช่|ไร้)\s?$")


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


AFFIRM: dict[str, frozenset[str]] = {
    "en": _words("matches match matched matching same exactly according per follows followed true accurate as like"),
    "id": _words("sesuai sama persis kyk kayak kaya kek seperti spt ikut ngikut mirip pas cocok plek"),
    "ms": _words("sama ikut macam mcm sebijik serupa seperti spt tepat ngam padan sesuai"),
    "pt": _words(
        "conforme igual igualzinho igualzinha como mesmo mesma identico identica segundo exatamente fiel bate "
        "corresponde condiz confere"
    ),
    "es": _words(
        "igual segun como mismo misma identico identica exacto exacta fiel coincide corresponde conforme tal cual"
    ),
    "vi": _words("giong dung nhu y chuan theo khop het"),
}
"""Words that affirm a listing attribute matched ("sesuai size chart", "conforme a tabela", "same as the photo")."""
DIFFER: frozenset[str] = _words(
    "different differs unlike smaller bigger larger wrong than beda berbeda lain lebih beza diferente difere "
    "menor maior errado errada outra outro distinto distinta mas mayor otra otro khac sai hon"
)
"""Words that turn an attribute mention into a mismatch ("beda sama yang di foto"): they block :data:`AFFIRM`."""
SUSPECT: dict[str, frozenset[str]] = {
    "en": _words("thought worried afraid feared scared suspected doubted doubtful skeptical sceptical"),
    "id": _words("takut ragu kirain kirian kira kiranya khawatir was2 curiga nyangka sangka"),
    "ms": _words("ingat ingatkan ingtkan sangka sangkakan takut risau ragu was"),
    "pt": _words("achei achava pensei pensava medo receio receosa receoso desconfiada desconfiado"),
    "es": _words("pense pensaba crei creia miedo temia temi dudaba desconfiaba"),
    "vi": _words("tuong so lo nghi"),
}
"""Words of doubt before a cue ("takut KW ternyata ori", "thought it was fake"): the cue is a fear, not a fact."""


def _phrases(spec: str) -> frozenset[str]:
    return frozenset(p.strip() for p in spec.split("|"))


# listing references ("size chart", "in the photo"), certification marks ("BPOM", "halal") and expectations
# ("achei que era ...": what the buyer feared, not what arrived)
WEAK: frozenset[str] = _phrases(
    """
size chart | saiz chart | tabela | tabela de medidas | tabela de tamanho | la tabla
| tabla de medidas | tabla de tallas | bang size | di foto | di gambar | di iklan | deskripsi
| deskripsi bahan | dlm gambar | gambar nampak | dlm iklan | dalam iklan | ukuran dlm deskripsi
| nas fotos | na foto | no anuncio | na descricao | no anuncio diz | en la foto | en las fotos
| en la publicacion | la publicacion | trong hinh | tren hinh | hinh la | mo ta | ghi | shop ghi
| quang cao | the description | listing says | description says | pics show | picture shows
| the picture shows | pela foto | pela imagem | na imagem | pelas imagens | en la imagen
| la foto muestra | so voi hinh | ในรูป | ตามรูป | bpom | izin edar | label halal | halal | sni | kkm
| logo halal | halal jakim | jakim | sirim | inmetro | anvisa | registro sanitario | nhan phu
| tem hop quy | fda approved | มอก | เลข อย | อย. | ฉลากไทย
| achei que era | achei que fosse | pensei que era | pensei que fosse | pense que era | pense q era
| esperava que fosse
"""
)
"""Cue phrases (folded) that mention a listing attribute rather than complain about it (:attr:`Cue.weak`)."""
_REFERENCE_CAUSE = "not_as_described"
_LIST_GLUE = _words(", or and nor atau dan ataupun maupun ou e nem ni y o u hay hoac va lan ma sama even")
_THAI_SUSPECT = re.compile(r"(?:นึกว่า|กลัว|คิดว่า|ตอนแรก|เกือบ)[^แ]{0,14}$")
_THAI_AFFIRM = re.compile(r"(?<!ไม่)(?:เหมือน|ตรง|ตาม)\s?$")
_FAST = re.compile(
    r"\b(?:less than|under|within|in just|in only|only|just|kurang dari|ga nyampe|gak nyampe|ga sampe|gak sampe"
    r"|ga sampai|tak sampai|x sampai|tk sampai|belum sampai|blm sampai|cuma|cuman|menos de|em apenas|em so|em menos de"
    r"|en menos de|en solo|en apenas|chua toi|chua den|chua toi|duoi|chi|chi co|khong toi|ko toi)"
    r"\s*\d+\s*(?:days?|hrs?|hours?|h|hari|jam|hr|dias?|horas?|ngay|gio|tieng)\b|ไม่ถึง\s?\d+\s?(?:วัน|ชั่วโมง|ชม)"
)
"""Fast delivery ("ga nyampe 2 hari udh sampe", "chegou em menos de 3 dias", "ไม่ถึง 2 วัน"): praise, never late."""

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[.,;!?]")
_THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]")
_CLAUSE_BREAK = frozenset(".,;!?")
_MAX_PHRASE = 6
_MIN_FOREIGN_WORD = 5  # a one-word cue of another language counts only from this length


@dataclass(frozen=True)
class Cue:
    """One matched cue: its tag, the exact span of the original text, and whether it is negated."""

    tag: str
    start: int
    end: int
    text: str
    negated: bool
    weak: bool = False
    """A mention of a listing attribute ("size chart", "BPOM", "in the photo") rather than a complaint about it:
    it counts as a complaint only with other evidence (a low rating or a confident model)."""
    context: bool = False
    """Read from context (what is slow, :func:`_resolve_slowness`): the n-grams cannot tell it, so the rules keep
    their full share against the model."""

    @property
    def cause(self) -> str:
        return self.tag.split("/")[0]

    @property
    def kind(self) -> str:
        return self.tag.split("/")[1] if "/" in self.tag else ""


def _parse(spec: str) -> list[tuple[str, str]]:
    out, lang = [], None
    for raw in spec.strip().splitlines():
        line = raw.strip()
        if ":" in line.split("|")[0] and not line.startswith("|"):
            lang, line = line.split(":", 1)
            lang = lang.strip()
        for phrase in line.lstrip("|").split("|"):
            phrase = phrase.strip()
            if phrase:
                out.append((lang, phrase))
    return out


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, ...], dict[str, str]], re.Pattern, dict[str, str], dict[str, set[str]]]:
    """Build the lookups once: phrase tokens -> {language: tag}, the Thai regex, word -> languages."""
    phrases: dict[tuple[str, ...], dict[str, str]] = {}
    vocab: dict[str, set[str]] = {}
    for tag, spec in _CUES.items():
        for lang, phrase in _parse(spec):
            key = tuple(t.replace("'", "") for t in TOKEN.findall(fold(phrase)) if t not in _CLAUSE_BREAK)
            phrases.setdefault(key, {}).setdefault(lang, tag)
            if not tag.startswith(("reply", "invalid")):
                for tok in key:
                    vocab.setdefault(tok, set()).add(lang)
    thai_tag: dict[str, str] = {}
    for tag, alternatives in _THAI.items():
        for alt in alternatives.split("|"):
            thai_tag.setdefault(alt.replace("\\", ""), tag)
    thai = re.compile("|".join(sorted((re.escape(a) for a in thai_tag), key=len, reverse=True)))
    return phrases, thai, thai_tag, vocab


_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    return frozenset(tok for key in _tables()[0] for tok in key)


def squeeze(word: str) -> str:
    """Undo letter stretching ("bagusss", "pessimoooo", "goooood"): a run of 3+ equal letters becomes two letters
    when that spells a cue word, else one.

    Examples
    --------
    >>> [squeeze(w) for w in ["bagusss", "pessimoooo", "goooood", "rusak"]]
    ['bagus', 'pessimo', 'good', 'rusak']
    """
    if not _REPEAT.search(word):
        return word
    two = _REPEAT.sub(r"\1\1", word)
    return two if two in _cue_words() else _REPEAT.sub(r"\1", word)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their spans in the original text (punctuation kept as clause breaks)."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = text.lower() if len(text.lower()) == len(text) else text
    return [(squeeze(m.group().replace("'", "")), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def find_cues(text: str, language: str, tags: tuple[str, ...] | None = None) -> list[Cue]:
    """All cue phrases in ``text`` (longest match first, no overlaps), negation judged for ``language``.

    A phrase listed for the review's language wins over the same phrase listed for another language; phrases
    of the other supported languages count too (shoppers mix languages), but never Latin cues in Thai text
    beyond the Latin words it contains.

    Examples
    --------
    >>> [(c.tag, c.negated) for c in find_cues("tidak rusak sama sekali", "id")]
    [('poor_quality', True)]
    >>> [(c.tag, c.text) for c in find_cues("กล่องบุบ ของไม่แตก", "th")]
    [('damaged_item_or_package', 'บุบ'), ('damaged_item_or_package', 'แตก')]
    """
    phrases, thai, thai_tag, _ = _tables()
    negators = NEGATORS.get(language, frozenset())
    toks = tokens(text)
    words = [t[0] for t in toks]
    found: list[Cue] = []
    prev: tuple[int, bool] | None = None  # (token after the last complaint cue, was it negated)
    i = 0
    while i < len(toks):
        hit = None
        for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
            by_lang = phrases.get(tuple(words[i : i + n]))
            if by_lang and language not in by_lang and n == 1 and len(words[i]) < _MIN_FOREIGN_WORD:
                # a short single word of another language is too often a common word of this one
                # (en "no" is pt "in the", vi "rep" is "reply", id "kw" ...)
                by_lang = None
            if by_lang:
                tag = by_lang.get(language) or next(iter(by_lang.values()))
                if tags is None or tag.startswith(tags):
                    hit = (n, tag)
                    break
        if hit is None:
            i += 1
            continue
        n, tag = hit
        start, end = toks[i][1], toks[i + n - 1][2]
        phrase = " ".join(words[i : i + n])
        negated = words[i] not in negators and _before(words, i, negators, 3)
        complaint = not tag.startswith(_NOT_COMPLAINT)
        if complaint and not negated:
            if _before(words, i, SUSPECT.get(language, frozenset()), 4, stop=CONTRAST):
                negated = True  # "takut KW ternyata ori": a fear, not a fact
            elif prev is not None and prev[1] and all(w in _LIST_GLUE or w in negators for w in words[prev[0] : i]):
                negated = True  # "no leaks, scratches or dents": the negation runs through the list
        if (
            tag == _REFERENCE_CAUSE
            and phrase in WEAK
            and not negated
            and _before(words, i, AFFIRM.get(language, frozenset()), 4)
            and not _before(words, i, negators | DIFFER, 6)
        ):
            tag, complaint = "praise", False  # "sesuai size chart", "conforme a tabela", "sama kyk di foto"
        found.append(Cue(tag, start, end, text[start:end], negated, phrase in WEAK))
        if complaint:
            prev = (i + n, negated)
        i += n
    if tags is None or "poor_quality".startswith(tags) or "late".startswith(tags):
        found = _resolve_slowness(text, language, toks, words, found, negators)
    if tags is None or "late_or_wrong_delivery".startswith(tags):
        for cue in _ordered_got(text, toks, words):
            if not any(c.kind == "wrong" and c.start < cue.end and c.end > cue.start for c in found):
                found = sorted([*found, cue], key=lambda c: c.start)
    if _THAI_CHARS.search(text):
        for m in thai.finditer(text):
            tag = thai_tag[m.group()]
            if tags is not None and not tag.startswith(tags):
                continue
            before = text[max(0, m.start() - 16) : m.start()]
            negated = not m.group().startswith("ไม่") and bool(_THAI_NEGATION.search(before[-6:]))
            if not tag.startswith(_NOT_COMPLAINT) and not negated and _THAI_SUSPECT.search(before):
                negated = True
            weak = m.group() in WEAK
            if tag == _REFERENCE_CAUSE and weak and _THAI_AFFIRM.search(before[-6:]):
                tag = "praise"
            found.append(Cue(tag, m.start(), m.end(), m.group(), negated, weak))
        found.sort(key=lambda c: c.start)
        if tags is None:
            found = _resolve_thai_slowness(text, found)
    if tags is None or "praise".startswith(tags):
        folded = fold(text)
        for m in _FAST.finditer(folded if len(folded) == len(text) else text):
            found = [
                c for c in found if c.cause != "late_or_wrong_delivery" or c.end <= m.start() or c.start >= m.end()
            ]
            found.append(Cue("praise", m.start(), m.end(), text[m.start() : m.end()], False))
        found.sort(key=lambda c: c.start)
    return found


_NOT_COMPLAINT = ("praise", "packing", "reply", "invalid")


def _before(words: list[str], i: int, wanted: frozenset[str], reach: int, stop: frozenset[str] = frozenset()) -> bool:
    """Whether one of ``wanted`` stands at most ``reach`` tokens before token ``i`` in the same clause."""
    for j in range(i - 1, max(i - 1 - reach, -1), -1):
        if words[j] in _CLAUSE_BREAK or words[j] in stop:
            return False
        if words[j] in wanted:
            return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Slowness in context: "slow" is about whatever is slow. Next to a delivery word it is a late delivery, next to a
# device/performance word it is poor quality, next to a chat/reply word it is a late chat, next to a refund it is
# not a cue at all. With no such word, a listed phrase keeps its own tag and a bare slowness word is no cue.
# ---------------------------------------------------------------------------------------------------------------
SLOW: dict[str, frozenset[str]] = {
    "en": _words("slow slowly slower slowest sluggish slooow"),
    "id": _words("lambat lama lelet lemot lmbt"),
    "ms": _words("lambat lama lmbt lembab"),
    "pt": _words(
        "lento lenta lentos lentas lentidao lentissimo lentissima demorou demorado demorada demora demoram "
        "demoraram demorando"
    ),
    "es": _words(
        "lento lenta lentos lentas lentitud lentisimo lentisima tardo tardaron tardando demoro demoraron "
        "demorado demorada demora"
    ),
    "vi": _words("cham lau"),
}
"""Folded slowness words per language (Thai: :data:`_THAI_SLOW`)."""
_SLOW_ANY = frozenset().union(*SLOW.values())
_LONG_ONLY = _words("lama lau")  # "long": only a delivery or chat word makes them a complaint ("hp lama" = old phone)
_NOT_SLOW_AFTER = {"cham": _words("soc chi"), "lau": _words("chui dau nha")}  # "chăm sóc" (care), "lau chùi" (wipe)
_SLOW_CONTEXT: dict[str, str] = {
    "late_or_wrong_delivery/late": """
en: shipping ship shipped shipment delivery delivered deliver courier parcel package arrival arrive arrived arriving
  dispatch dispatched postage post posted tracking transit order
id: pengiriman pengirimannya kiriman kirim dikirim ngirim kurir kurirnya paket paketnya pesanan pesananku ekspedisi
  sampai sampe nyampe nyampenya datang dateng dtg ongkir jne jnt sicepat anteraja kurir2
ms: penghantaran hantar dihantar pos posmen kurier kurir parcel bungkusan pesanan sampai smpai tiba barang brg
pt: frete entrega entregar entregue envio enviado enviar transportadora correios correio chegada chegar chegou
  chegando pedido postagem postar postado encomenda pacote rastreio transporte despacho despachar
es: envio enviar enviado envios entrega entregar entregado llegada llegar llego paquete pedido correo repartidor
  despacho despachar paqueteria
vi: giao ship shipper van chuyen don hang goi hang kien hang nhan hang buu dien
""",
    "late_chat_response": """
en: reply replies replied replying respond responds responded response answer answers answered chat message messages
  messaging customer service support
id: bales balas balesnya balasnya bls respon respons chat chatnya admin adminnya jawab
ms: balas reply respon chat admin jawab
pt: responder resposta respostas respondem responde atendimento chat mensagem mensagens sac
es: responder respuesta respuestas contestar contestan contesta atencion chat mensaje mensajes
vi: rep tra loi phan hoi tin nhan inbox chat
""",
    "poor_quality": """
en: phone device laptop computer tablet app apps charger charging charges charge processor wifi internet laptop
  loading loads boots startup system lag laggy lags freezes freezing hangs
id: hp laptop charger cas ngecas ngecharge baterai aplikasi prosesor sinyal ngelag lag hang nge-hang loading
ms: phone fon hp handphone laptop charger cas bateri apps aplikasi lag hang loading
pt: celular aparelho computador notebook tablet sistema processador carregamento carregar carrega carregando
  internet app aplicativo trava travando travou travar
es: celular telefono computadora aparato equipo carga cargar carga tablet sistema procesador traba trabado
vi: may dien thoai laptop sac pin mang app wifi lag dung treo
""",
    "refund": """
en: refund refunded refunds
id: refund dana pengembalian
ms: refund duit
pt: reembolso estorno devolucao dinheiro
es: reembolso devolucion dinero
vi: hoan tien
""",
}
_THAI_SLOW = "ช้า"
_THAI_SLOW_CONTEXT: dict[str, tuple[str, ...]] = {
    "late_or_wrong_delivery/late": ("ขนส่ง", "จัดส่ง", "พัสดุ", "ส่งของ", "ส่ง", "ได้ของ", "ของมา", "มาส่ง"),
    "late_chat_response": ("ตอบ", "แชท", "แอดมิน", "ทัก"),
    "poor_quality": ("เครื่อง", "มือถือ", "โทรศัพท์", "แอป", "แลค", "ชาร์จ", "แบต", "โหลด", "เน็ต"),
    "refund": ("คืนเงิน",),
}
_CONTEXT_PAIRS = (
    "van chuyen",
    "don hang",
    "goi hang",
    "kien hang",
    "nhan hang",
    "buu dien",
    "tra loi",
    "phan hoi",
    "tin nhan",
    "dien thoai",
    "hoan tien",
    "customer service",
)  # two-word context words: their parts alone are not context ("hang" is goods in vi, a freeze in id/ms)
_SLOW_REACH = 6  # tokens each side (Thai: characters x 3)
_SENTENCE_BREAK = frozenset(".;!?")


@lru_cache(maxsize=1)
def _slow_context() -> dict[str, tuple[str, int]]:
    """Folded context word (or word pair joined by a space) -> (tag, number of tokens)."""
    out: dict[str, tuple[str, int]] = {}
    for tag, spec in _SLOW_CONTEXT.items():
        for line in spec.strip().splitlines():
            body = line.split(":", 1)[1] if ":" in line.split()[0] else line
            for pair in _CONTEXT_PAIRS:
                body = body.replace(pair, pair.replace(" ", "_"))
            for w in body.split():
                out.setdefault(w.replace("_", " "), (tag, 1 + w.count("_")))
    return out


def _slow_target(words: list[str], a: int, b: int, language: str) -> tuple[str, int, int] | None:
    """(tag, first and last token index) of the context word nearest to the slowness span ``words[a:b]``, or None."""
    ctx = _slow_context()
    best: tuple[int, int, int, str] | None = None  # (distance, first, last, tag)
    for side, rng in (
        (-1, range(a - 1, max(a - 1 - _SLOW_REACH, -1), -1)),
        (0, range(a, b)),
        (1, range(b, min(b + _SLOW_REACH, len(words)))),
    ):
        for j in rng:
            w = words[j]
            if side and (w in _SENTENCE_BREAK or w in CONTRAST):
                break
            lo, hi, hit = j, j, ctx.get(w) or (ctx.get(w[:-3]) if w.endswith("nya") else None)
            if j + 1 < len(words) and " ".join(words[j : j + 2]) in ctx:
                lo, hi, hit = j, j + 1, ctx[" ".join(words[j : j + 2])]
            elif j > 0 and " ".join(words[j - 1 : j + 1]) in ctx:
                lo, hi, hit = j - 1, j, ctx[" ".join(words[j - 1 : j + 1])]
            if hit:
                dist = 0 if side == 0 else (a - j if side < 0 else j - b + 1)
                if best is None or dist < best[0]:
                    best = (dist, lo, hi, hit[0])
                break
    return (best[3], best[1], best[2]) if best else None


def _resolve_slowness(text: str, language: str, toks: list, words: list[str], found: list, negators) -> list:
    """Re-tag slowness cues by what is slow, and add cues for bare slowness words next to a context word."""
    slow_tags = ("poor_quality", "late_or_wrong_delivery/late", "late_chat_response")
    slow_words = SLOW.get(language, frozenset()) | SLOW["en"]
    out = list(found)
    starts = {t[1]: k for k, t in enumerate(toks)}
    ends = {t[2]: k for k, t in enumerate(toks)}
    covered: dict[int, int] = {}  # token index -> index in out of the cue covering it
    for n, c in enumerate(out):
        if c.start in starts and c.end in ends:
            for k in range(starts[c.start], ends[c.end] + 1):
                covered[k] = n
    drop: set[int] = set()
    for i, w in enumerate(words):
        if w not in slow_words or words[i + 1 : i + 2] and words[i + 1] in _NOT_SLOW_AFTER.get(w, ()):
            continue
        n = covered.get(i)
        old = out[n] if n is not None else None
        if old is not None and (old.tag not in slow_tags or n in drop):
            continue
        a, b = (starts[old.start], ends[old.end] + 1) if old is not None else (i, i + 1)
        target = _slow_target(words, a, b, language)
        if target is None:
            continue  # no context: a listed phrase keeps its tag, a bare word is no cue
        tag, j, jj = target
        if w in _LONG_ONLY and tag == "poor_quality":
            continue
        if tag == "refund":
            if old is not None:
                drop.add(n)
            continue
        lo, hi = min(a, j), max(b - 1, jj)
        start, end = toks[lo][1], toks[hi][2]
        negated = old.negated if old is not None else (words[i] not in negators and _before(words, i, negators, 3))
        if old is not None and old.tag == tag and a <= j < b:
            continue  # "slow delivery", "rep chậm": the phrase already says what is slow
        if old is not None:
            drop.add(n)
        for m, c in enumerate(out):  # a cue of the same cause inside the new span ("transportadora") is absorbed
            if m not in drop and c.cause == tag.split("/")[0] and c.start >= start and c.end <= end:
                drop.add(m)
        out.append(Cue(tag, start, end, text[start:end], negated, context=True))
        for k in range(lo, hi + 1):
            covered[k] = len(out) - 1
    return sorted((c for m, c in enumerate(out) if m not in drop), key=lambda c: c.start)


def _resolve_thai_slowness(text: str, found: list) -> list:
    out = list(found)
    for m in re.finditer(_THAI_SLOW, text):
        s, e = m.start(), m.end()
        best = None
        for tag, nouns in _THAI_SLOW_CONTEXT.items():
            for noun in nouns:
                for nm in re.finditer(re.escape(noun), text[max(0, s - 3 * _SLOW_REACH) : e + 3 * _SLOW_REACH]):
                    ns = nm.start() + max(0, s - 3 * _SLOW_REACH)
                    ne = ns + len(noun)
                    gap = text[min(ne, s) : max(ns, e)] if ns < s else text[e:ns]
                    if " " in gap or _THAI_CONTRAST in gap:
                        continue
                    dist = max(0, s - ne, ns - e)
                    if best is None or dist < best[0]:
                        best = (dist, tag, ns, ne)
        if best is None:
            continue
        _, tag, ns, ne = best
        slow_tags = ("poor_quality", "late_or_wrong_delivery/late", "late_chat_response")
        old = [c for c in out if c.start < e and c.end > s and c.tag in slow_tags]
        if any(c.tag not in slow_tags for c in out if c.start < e and c.end > s):
            continue
        out = [c for c in out if c not in old]
        if tag == "refund":
            continue
        start, end = min([s, ns] + [c.start for c in old]), max([e, ne] + [c.end for c in old])
        negated = bool(_THAI_NEGATION.search(text[max(0, s - 6) : s]))
        out = [c for c in out if not (c.cause == tag.split("/")[0] and c.start >= start and c.end <= end)]
        out.append(Cue(tag, start, end, text[start:end], negated, context=True))
    return sorted(out, key=lambda c: c.start)


STOPWORDS: frozenset[str] = _words(
    # en
    "the a an and or is was were be been being are am it its it's this that these those i my me mine we our us you "
    "your he his she her they them their to of for with on at in by from as so very too really just quite also then "
    "than but not no yes do does did done have has had will would can could should shall may might must get got "
    "there here what when which who whom how all any some more most much many one again still even only out up down "
    "about into over after before because if while im ive id its thats dont didnt doesnt wasnt isnt such own same "
    "other both each few nor off once ok lol pls please"
    # pt
    " o os a as um uma uns umas de do da dos das em no na nos nas num numa que q e foi era ser sou seu sua seus suas "
    "esta estava estao ta tava muito mt mto muita muitos muitas mais menos pra pro para por com sem se me mim meu "
    "minha meus minhas eu ele ela eles elas isso esse essa este esta isto ainda ja tambem tb so bem mas ou ao aos "
    "pelo pela pelos pelas ter tem tinha teve q pq porque vc voce voces nao n nem lhe la aqui ai entao quando como "
    "tao tudo todo toda todos todas nada algo"
    # es
    " el la los las un una unos unas de del que y es fue era ser soy muy mas para pa por con sin se me mi mis yo lo "
    "le les su sus ya tambien pero o al en este esta esto eso esa ese estos estas hay tan todo toda nada algo como "
    "cuando porque xq aqui ahi asi"
    # id / ms
    " yang yg dan di ke dari ini itu nya aja saja sih dong deh kok banget bgt bngt sudah udah udh sdh dah sangat sgt "
    "sekali juga jg aku saya sy gue gw kak kakak gan min tp tapi dengan dgn untuk utk buat ada adalah karena krn jadi "
    "jd lagi lg ya yah je sahaja la lah pun pon tu ni kami awak kita mereka dia pula pulak lah kah tak x ga gak tidak "
    "tdk belum blm bisa boleh mau nak akan telah sama sm kalo kalau klu pas trs terus"
    # vi
    " la cua va co duoc dc roi nhung nhu nay thi ma cho voi rat qua lam nha oi vay sao gi cung de mot toi minh ban "
    "em anh chi ne nhe a ah the khi con nao nua den tu o ra vao len"
)
"""Folded function words of the 7 languages: never the evidence of a model decision."""


# ---------------------------------------------------------------------------------------------------------------
# "Ordered X, got Y": an order verb with a colour/size, then a receive verb with a different colour/size of the
# same kind, in the same sentence, is a wrong item ("pesen warna hitam yg dateng warna putih", "pedi M e veio G").
# ---------------------------------------------------------------------------------------------------------------
_ORDER_VERBS = _words(
    "ordered order asked chose picked selected bought pesen pesan psn beli pilih milih pesanan pedi comprei escolhi "
    "encomendei pedimos compre elegi dat chon mua"
)
_GOT_VERBS = _words(
    "got get received receive shipped sent came arrived delivered gave dateng datang dtg dapet dapat dpt dikirim "
    "kirim sampai sampe nyampe dikasih terima recebi veio vieram chegou mandaram enviaram entregaram llego llegaron "
    "recibi mandaron enviaron vino giao nhan gui"
)
_COLOURS = _words(
    "black white red blue green pink yellow grey gray brown purple beige navy orange hitam putih merah biru hijau "
    "kuning abu coklat ungu oren preto preta branco branca vermelho vermelha azul verde rosa amarelo amarela cinza "
    "marrom roxo roxa bege laranja negro negra blanco blanca rojo roja amarillo amarilla gris marron morado morada "
    "naranja den trang do xanh hong vang xam nau tim"
)
_SIZES = _words("xs s m l xl xxl xxxl 2xl 3xl 4xl small medium large p g gg pp eg")
_SIZE_WORDS = _words("size tamanho talla ukuran saiz numero nomor number no talle")
_WRONG_REACH = 5  # tokens from a verb to its colour/size


def _attribute(words: list[str], k: int) -> tuple[str, str] | None:
    w = words[k]
    if w in _COLOURS:
        return "colour", w
    if w in _SIZES or (w.isdigit() and k > 0 and words[k - 1] in _SIZE_WORDS):
        return "size", w
    return None


def _ordered_got(text: str, toks: list, words: list[str]) -> list[Cue]:
    """Wrong-item cues for "ordered <colour/size> ... got <another colour/size>" in one sentence."""
    out: list[Cue] = []
    for i, w in enumerate(words):
        if w not in _ORDER_VERBS:
            continue
        first = None
        for k in range(i + 1, min(i + 1 + _WRONG_REACH, len(words))):
            if words[k] in _SENTENCE_BREAK:
                break
            if (first := _attribute(words, k)) is not None:
                break
        if first is None:
            continue
        for r in range(k + 1, min(k + 12, len(words))):
            if words[r] in _SENTENCE_BREAK:
                break
            if words[r] not in _GOT_VERBS:
                continue
            for q in range(r + 1, min(r + 1 + _WRONG_REACH, len(words))):
                got = _attribute(words, q)
                if words[q] in _SENTENCE_BREAK or got is not None:
                    break
            if got is not None and got[0] == first[0] and got[1] != first[1]:
                start, end = toks[i][1], toks[q][2]
                out.append(Cue("late_or_wrong_delivery/wrong", start, end, text[start:end], False, context=True))
            break
        if out:
            break
    return out
