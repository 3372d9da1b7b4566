"""Deterministic sample data: seven marketplace shops, each with its own review-health story.

:func:`write_samples` writes canonical ``orders.csv``, ``reviews.csv``, ``products.csv`` and ``chats.csv`` (the
columns of :mod:`toolkit.schema`) and ``labelled_reviews.csv``: the true cause and responsibility of every review with
text, so that classifiers and rates can be checked against a known answer. Review texts and seller replies come from
the labelled phrase banks in ``toolkit/sample_data/``. The same seed gives byte-identical files.

Reviews are drawn from "streams", each tied to the order facts that make its complaint true: late-shipment texts sit
on orders the seller shipped after ``ship_by``, courier-delay texts on orders shipped on time but delivered well after
``promised_delivery_at``, out-of-stock texts on orders with a line cancelled for "out of stock", slow-chat texts on
orders whose chat waited more than 12 hours. Negative streams use systematic sampling over each shop's delivered
lines in delivery order, so every 30-day window holds its expected count of negatives give or take one: the stories
hold for any seed, not only the default one.

Examples
--------
>>> SAMPLE_AS_OF.isoformat()
'2026-10-31'
>>> list(SHOP_STORIES)[:3]
['shop-healthy', 'shop-hover', 'shop-quality']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.schema import CHATS, ORDERS, PRODUCTS, REVIEWS
from toolkit.taxonomy import Cause, Responsibility

SAMPLE_AS_OF = date(2026, 10, 31)
PERIOD_DAYS = 120
SPIKE_SINCE = date(2026, 10, 22)
DEFAULT_SEED = 20261126
PHRASES_DIR = Path(__file__).resolve().parent / "sample_data"
POSITIVE = "positive"  # the phrase bank's label for praise, beside the taxonomy's causes
MIXED = "mixed"  # a stream's wish for a complaint phrase rated 3 stars or more (the cause then comes from the phrase)
LABEL_COLUMNS = ["review_id", "shop_id", "language", "cause", "secondary_causes", "responsibility"]

_DAY, _HOUR = 86_400, 3_600
_END = (SAMPLE_AS_OF - date(1970, 1, 1)).days * _DAY + _DAY - 1  # last second of the as-of day, UTC
_START = _END + 1 - PERIOD_DAYS * _DAY
_SPIKE_START = (SPIKE_SINCE - date(1970, 1, 1)).days * _DAY
_HOUR_WEIGHTS = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 4], dtype=float)
_REVIEW_RATE = 0.24  # share of delivered lines that get a non-negative review
_REPLY_RATE = 0.1  # share of negative reviews the seller answers
# Which late_or_wrong_delivery phrases blame the carrier or a late shipment (the rest: wrong item, quantity, address).
_COURIER = re.compile(r"courier|kurir|kurier|\bhub\b|transit|repartidor|entregador|distribu|shipper|trung chuyển|ขนส่ง")
_LATE_SHIPMENT = re.compile(r"didnt ship|blm dikirim|x pos|postar|despacharon|chua gui hang|ยังไม่ส่ง")


@dataclass(frozen=True)
class _Stream:
    """Reviews on the delivered lines ``eligible`` selects: ``rate`` per delivered order, causes drawn by weight."""

    eligible: str  # any, settled, late_ship, carrier_late, bad_product, spike, slow_chat, partial_oos
    rate: float
    causes: dict[str, float]
    rating_only: float = 0.0
    delivery_kind: str = "wrong_item"  # which late_or_wrong_delivery phrases fit: wrong_item, late_shipment, courier
    edited: bool = False  # the buyer later raised the rating to 4-5 stars after a polite reply
    stars: str = "12"  # ratings the phrase may have; "" draws 5, 4 or 3 stars


@dataclass(frozen=True)
class _Shop:
    id: str
    story: str
    lang: str
    second_lang: str
    second_share: float
    n_orders: int
    prefix: str
    products: str  # one "title | category" a line, best seller first
    neg_rate: float  # everyday negative reviews per delivered order
    causes: dict[str, float]  # causes of everyday negative reviews
    streams: tuple[_Stream, ...] = ()  # the shop's story on top of the everyday ones
    late_ship: float = 0.03
    carrier_late: float = 0.02
    oos_cancel: float = 0.005
    partial_oos: float = 0.0  # share of multi-line orders with one line cancelled for out of stock
    chat_rate: float = 0.06
    chat_hours: float = 0.3  # median first-response time
    unanswered: float = 0.02
    abusive_replies: float = 0.0  # share of replies to negatives that are abusive or coercive

    @property
    def catalogue(self) -> list[tuple[str, str]]:
        return [tuple(part.strip() for part in line.split("|")) for line in self.products.strip().splitlines()]


def _streams(shop: _Shop) -> tuple[_Stream, ...]:
    """The shop's story streams, then what every shop has: everyday complaints, late shipments, carrier delays,
    happy texts posted with one star by mistake, and complaints the buyer later edited up after the seller helped."""
    return shop.streams + (
        _Stream("any", shop.neg_rate, shop.causes, rating_only=0.2),
        _Stream("late_ship", 0.045, {Cause.LATE_OR_WRONG_DELIVERY: 1}, rating_only=0.15, delivery_kind="late_shipment"),
        _Stream("late_ship", 0.015, {Cause.LATE_OR_WRONG_DELIVERY: 1}, rating_only=0.15),
        _Stream("any", 0.0005, {POSITIVE: 1}, stars="1"),
        _Stream("carrier_late", 0.06, {Cause.LATE_OR_WRONG_DELIVERY: 1}, delivery_kind="courier"),
        _Stream("settled", 0.002, shop.causes, edited=True),
    )


# fmt: off
_SHOPS = (
    _Shop(
        id="shop-healthy", story="Home and kitchen shop (en, some es): seller-related negative rate well under 0.5%.",
        lang="en", second_lang="es", second_share=0.15, n_orders=3000, prefix="hlt",
        products="""
            Stainless Steel Water Bottle 750 ml | Home & Kitchen
            Bamboo Cutting Board Set (3 pcs) | Home & Kitchen
            Silicone Baking Mats (2 pack) | Home & Kitchen
            Ceramic Coffee Mug 350 ml | Home & Kitchen
            Glass Food Storage Containers (5 pcs) | Home & Kitchen
            Microfibre Cleaning Cloths (12 pcs) | Household
            Cast Iron Skillet 26 cm | Home & Kitchen
            Wooden Spice Rack with 12 Jars | Home & Kitchen
            Electric Milk Frother | Small Appliances""",
        neg_rate=0.0009, causes={Cause.POOR_QUALITY: 3, Cause.NOT_AS_DESCRIBED: 3, Cause.DAMAGED_ITEM_OR_PACKAGE: 2,
                                 Cause.PRODUCT_COMPLIANCE: 1, Cause.OTHER: 2, Cause.UNSPECIFIED: 2},
        late_ship=0.02,
    ),
    _Shop(
        id="shop-hover", story="Fashion shop (id, some en): SNRR hovering around the 1% bar; sizing complaints, "
                               "a few abusive or coercive replies to reviews.",
        lang="id", second_lang="en", second_share=0.1, n_orders=2900, prefix="hov",
        products="""
            Kaos Polos Katun Combed 30s | Fashion
            Celana Jeans Slim Fit Pria | Fashion
            Kemeja Flanel Kotak-Kotak Unisex | Fashion
            Hoodie Fleece Oversize | Fashion
            Rok Plisket Panjang Wanita | Fashion
            Hijab Segi Empat Voal Premium | Muslim Fashion
            Sandal Jepit Karet Pria | Shoes
            Tas Selempang Kanvas | Bags
            Kaos Kaki Katun Isi 5 Pasang | Fashion
            Topi Baseball Bordir | Accessories
            Daster Rayon Motif Bunga | Fashion
            Jaket Parasut Anti Air | Fashion""",
        neg_rate=0.0045, causes={Cause.NOT_AS_DESCRIBED: 4, Cause.POOR_QUALITY: 3, Cause.OTHER: 2,
                                 Cause.UNSPECIFIED: 2},
        streams=(_Stream("any", 0.0025, {Cause.INAPPROPRIATE_REVIEW_HANDLING: 1}),),
        late_ship=0.04, abusive_replies=0.15,
    ),
    _Shop(
        id="shop-quality", story="Electronics shop (es, some en): breaches the bar because one product, the wireless "
                                 "earbuds (qlt-p01), is defective.",
        lang="es", second_lang="en", second_share=0.1, n_orders=1700, prefix="qlt",
        products="""
            Auriculares Inalámbricos Bluetooth 5.3 Pro | Audio
            Cable USB-C Trenzado 2 m | Phone Accessories
            Cargador Rápido USB-C 20 W | Phone Accessories
            Funda de Silicona para iPhone 15 | Phone Accessories
            Protector de Pantalla de Vidrio Templado (2 uds.) | Phone Accessories
            Soporte Magnético para Coche | Car Accessories
            Batería Externa 10000 mAh | Phone Accessories
            Reloj Inteligente Deportivo | Wearables""",
        neg_rate=0.003, causes={Cause.POOR_QUALITY: 2, Cause.NOT_AS_DESCRIBED: 2, Cause.PRODUCT_SAFETY: 3,
                                Cause.PRODUCT_COMPLIANCE: 1, Cause.OTHER: 1, Cause.UNSPECIFIED: 2},
        streams=(_Stream("bad_product", 0.07, {Cause.POOR_QUALITY: 17, Cause.NOT_AS_DESCRIBED: 2,
                                               Cause.PRODUCT_SAFETY: 1}, rating_only=0.2),),
    ),
    _Shop(
        id="shop-logistics", story="Beauty shop (pt, some es): many carrier delays on parcels shipped on time; "
                                   "raw negative rate high, seller-related rate under 1%.",
        lang="pt", second_lang="es", second_share=0.1, n_orders=2200, prefix="lgs",
        products="""
            Sérum Facial Vitamina C 30 ml | Beauty
            Protetor Solar FPS 50 Toque Seco | Beauty
            Máscara Capilar Hidratação 500 g | Hair Care
            Hidratante Corporal Amêndoas 400 ml | Beauty
            Kit Pincéis de Maquiagem 12 Peças | Makeup
            Esmalte Cremoso Nude | Makeup
            Água Micelar 200 ml | Beauty
            Body Splash Frutas Vermelhas 200 ml | Fragrance
            Shampoo Antiqueda 300 ml | Hair Care""",
        neg_rate=0.003, causes={Cause.PRODUCT_COMPLIANCE: 3, Cause.POOR_QUALITY: 2, Cause.NOT_AS_DESCRIBED: 2,
                                Cause.DAMAGED_ITEM_OR_PACKAGE: 1, Cause.UNSPECIFIED: 2, Cause.OTHER: 1},
        streams=(_Stream("carrier_late", 0.12, {Cause.LATE_OR_WRONG_DELIVERY: 1}, delivery_kind="courier"),),
        late_ship=0.02, carrier_late=0.3,
    ),
    _Shop(
        id="shop-tiny", story="Handmade herbal shop (th): about 40 delivered orders in 120 days; noisy rates.",
        lang="th", second_lang="th", second_share=0.0, n_orders=46, prefix="tny",
        products="""
            สบู่สมุนไพรขมิ้นทำมือ | Bath & Body
            เทียนหอมอโรมากลิ่นตะไคร้ | Home Fragrance
            ยาหม่องสมุนไพรสูตรเย็น | Health
            ลูกประคบสมุนไพรสด | Health
            น้ำมันมะพร้าวสกัดเย็น 100 มล. | Health""",
        neg_rate=0.03, causes={Cause.POOR_QUALITY: 1, Cause.NOT_AS_DESCRIBED: 1, Cause.OTHER: 1},
        chat_rate=0.1,
    ),
    _Shop(
        id="shop-spike", story="Fragile homeware shop (vi, some en): under 1% until a packing problem since "
                               "2026-10-22 made damaged-item reviews spike.",
        lang="vi", second_lang="en", second_share=0.1, n_orders=2200, prefix="spk",
        products="""
            Bộ 6 Ly Thủy Tinh Chịu Nhiệt 350 ml | Kitchenware
            Bình Gốm Men Rạn Cắm Hoa | Home Decor
            Đèn Ngủ Gốm Để Bàn | Lighting
            Bộ Chén Sứ Bát Tràng 10 Chiếc | Kitchenware
            Đĩa Sứ Trắng Viền Vàng 25 cm | Kitchenware
            Khung Ảnh Gỗ Để Bàn 20x25 | Home Decor
            Gương Trang Điểm Để Bàn Có Đèn LED | Home Decor
            Bộ 6 Lọ Thủy Tinh Đựng Gia Vị | Kitchenware""",
        neg_rate=0.004, causes={Cause.POOR_QUALITY: 2, Cause.NOT_AS_DESCRIBED: 2, Cause.DAMAGED_ITEM_OR_PACKAGE: 1,
                                Cause.OTHER: 1, Cause.UNSPECIFIED: 2},
        streams=(_Stream("spike", 0.08, {Cause.DAMAGED_ITEM_OR_PACKAGE: 9, Cause.POOR_QUALITY: 1}, rating_only=0.1),),
    ),
    _Shop(
        id="shop-slowchat", story="Snack shop (ms, some en): out-of-stock cancellations, slow or unanswered chats, "
                                  "pressure on reviewers; breaches the bar on service.",
        lang="ms", second_lang="en", second_share=0.15, n_orders=1500, prefix="slw",
        products="""
            Kerepek Pisang Pedas 250 g | Snacks
            Sambal Bilis Garing 200 g | Food
            Kopi Tongkat Ali 3 dalam 1 (20 Paket) | Beverages
            Biskut Suji Raya 500 g | Snacks
            Serunding Daging Pedas 150 g | Food
            Dodol Durian Asli 400 g | Snacks
            Teh Tarik Segera (15 Paket) | Beverages
            Rempah Kari Daging 250 g | Food
            Kuih Bahulu Gebu (30 Biji) | Snacks""",
        neg_rate=0.002, causes={Cause.POOR_QUALITY: 2, Cause.NOT_AS_DESCRIBED: 1, Cause.DAMAGED_ITEM_OR_PACKAGE: 1,
                                Cause.OTHER: 1, Cause.UNSPECIFIED: 1},
        streams=(_Stream("slow_chat", 0.06, {Cause.LATE_CHAT_RESPONSE: 1}),
                 _Stream("partial_oos", 0.12, {Cause.OUT_OF_STOCK: 1}),
                 _Stream("any", 0.004, {Cause.INAPPROPRIATE_REVIEW_HANDLING: 1})),
        late_ship=0.1, oos_cancel=0.06, partial_oos=0.3, chat_rate=0.25, chat_hours=14, unanswered=0.15,
        abusive_replies=0.1,
    ),
)
# fmt: on
_POSITIVE = _Stream("any", _REVIEW_RATE, {POSITIVE: 0.96, MIXED: 0.04}, rating_only=0.33, stars="")
SHOP_STORIES: dict[str, str] = {shop.id: shop.story for shop in _SHOPS}


def _param(name: str) -> np.ndarray:
    return np.array([getattr(shop, name) for shop in _SHOPS])


def _systematic(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pick each item with probability ``p`` so that every run of consecutive items holds its expected count +-1."""
    total = np.floor(rng.random() + np.cumsum(p))
    return np.diff(total, prepend=0.0) > 0


def _iso(seconds: np.ndarray) -> np.ndarray:
    """Seconds since the epoch (NaN: missing) as ISO 8601 UTC text with a trailing Z; missing as ''."""
    seconds = np.asarray(seconds, dtype=float)
    out = np.full(seconds.shape, "", dtype=object)
    ok = ~np.isnan(seconds)
    out[ok] = np.char.add(np.datetime_as_string(seconds[ok].astype("int64").astype("datetime64[s]"), unit="s"), "Z")
    return out


def _orders(rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Order lines with their facts (late shipment, carrier delay, partial out-of-stock), and the number of orders."""
    shop = np.repeat(np.arange(len(_SHOPS)), [s.n_orders for s in _SHOPS])
    n = len(shop)
    created = (
        _START
        + rng.integers(0, PERIOD_DAYS, n) * _DAY
        + rng.choice(24, n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()) * _HOUR
        + rng.integers(0, _HOUR, n)
    )
    chrono = np.lexsort((shop, created))
    shop, created = shop[chrono], created[chrono]
    late = rng.random(n) < _param("late_ship")[shop]
    shipped = created + np.where(late, 2 * _DAY + rng.integers(3, 96, n) * _HOUR, rng.integers(_HOUR, 40 * _HOUR, n))
    ship_by, promised = created + 2 * _DAY, created + 7 * _DAY
    carrier = ~late & (rng.random(n) < _param("carrier_late")[shop])
    transit = np.where(
        carrier, promised - shipped + rng.integers(2 * _DAY, 12 * _DAY, n), rng.integers(_DAY, 108 * _HOUR, n)
    )
    delivered = shipped + transit
    u = rng.random(n)
    oos = _param("oos_cancel")[shop]
    reasons = ["out of stock", "buyer cancelled", "payment not completed"]
    reason = np.select([u < oos, u < oos + 0.025, u < oos + 0.035], reasons, "")
    status = np.select(
        [
            reason != "",
            (shipped > _END) & (created > _END - 3 * _HOUR),
            shipped > _END,
            delivered > _END,
            rng.random(n) < 0.015,
        ],
        ["cancelled", "created", "processing", "shipped", "returned"],
        "delivered",
    )
    shipped = np.where(np.isin(status, ["cancelled", "created", "processing"]), np.nan, shipped)
    delivered = np.where(np.isin(status, ["delivered", "returned"]), delivered, np.nan)

    max_lines = np.array([len(s.catalogue) for s in _SHOPS])[shop]
    n_lines = np.minimum(rng.choice([1, 2, 3], n, p=[0.82, 0.14, 0.04]), max_lines)
    partial = (n_lines > 1) & ~np.isnan(delivered) & (rng.random(n) < _param("partial_oos")[shop])
    width = max(len(s.catalogue) for s in _SHOPS)
    log_weight = np.full((len(_SHOPS), width), -np.inf)
    for i, s in enumerate(_SHOPS):
        log_weight[i, : len(s.catalogue)] = -0.7 * np.log1p(np.arange(len(s.catalogue)))
    ranked = np.argsort(-(log_weight[shop] + rng.gumbel(size=(n, width))), axis=1, kind="stable")
    order = np.repeat(np.arange(n), n_lines)
    rank = np.arange(len(order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    cut = partial[order] & (rank == n_lines[order] - 1)  # the line that ran out of stock
    lines = pd.DataFrame(
        {
            "order": order,
            "shop": shop[order],
            "product": ranked[order, rank],
            "status": np.where(cut, "cancelled", status[order]),
            "created": created[order],
            "shipped": np.where(cut, np.nan, shipped[order]),
            "ship_by": ship_by[order],
            "delivered": np.where(cut, np.nan, delivered[order]),
            "promised": promised[order],
            "cancel_reason": np.where(cut, "out of stock", reason[order]),
            "quantity": rng.choice([1, 2, 3], len(order), p=[0.8, 0.15, 0.05]),
            "late": late[order],
            "carrier": carrier[order],
            "partial": partial[order],
        }
    )
    return lines, n


def _chats(lines: pd.DataFrame, n_orders: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Buyer-started chats (about an order or pre-sale) and, per order, whether a chat waited > 12 h before delivery."""
    first = lines.drop_duplicates("order")
    shop, created, delivered = first["shop"].to_numpy(), first["created"].to_numpy(), first["delivered"].to_numpy()
    asked = np.flatnonzero(rng.random(n_orders) < _param("chat_rate")[shop])
    until = np.minimum(np.where(np.isnan(delivered), created + 3 * _DAY, delivered), _END)[asked]
    n_pre = np.round(0.04 * np.array([s.n_orders for s in _SHOPS])).astype(int)
    chat_shop = np.concatenate([shop[asked], np.repeat(np.arange(len(_SHOPS)), n_pre)])
    chat_order = np.concatenate([asked, np.full(n_pre.sum(), -1)])
    message = np.floor(
        np.concatenate(
            [
                created[asked] + rng.random(len(asked)) * (until - created[asked]),
                rng.integers(_START, _END, n_pre.sum()),
            ]
        )
    )
    hours = _param("chat_hours")[chat_shop] * np.exp(0.9 * rng.standard_normal(len(chat_shop)))
    never = rng.random(len(chat_shop)) < _param("unanswered")[chat_shop]
    response = message + np.round(hours * _HOUR)
    response = np.where(never | (response > _END), np.nan, response)
    slow = (never | (hours > 12)) & (chat_order >= 0)
    slow_order = np.zeros(n_orders, dtype=bool)
    slow_order[chat_order[slow]] = message[slow] < delivered[chat_order[slow]]
    keep = np.lexsort((chat_order, chat_shop, message))
    chats = pd.DataFrame(
        {
            "conversation_id": [f"C{i:06d}" for i in range(1, len(keep) + 1)],
            "shop_id": _param("id")[chat_shop[keep]],
            "order_id": np.where(chat_order[keep] >= 0, _order_ids(chat_order[keep]), ""),
            "buyer_message_at": _iso(message[keep]),
            "seller_response_at": _iso(response[keep]),
        }
    )
    return chats[CHATS.names], slow_order


def _load_phrases(phrases_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    read = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}
    bank = pd.read_csv(phrases_dir / "review_phrases.csv", **read)
    bank["rating"] = bank["rating"].astype(int)
    late = bank["cause"] == Cause.LATE_OR_WRONG_DELIVERY
    bank["kind"] = np.select(
        [late & bank["text"].str.contains(_COURIER), late & bank["text"].str.contains(_LATE_SHIPMENT), late],
        ["courier", "late_shipment", "wrong_item"],
        "",
    )
    return bank, pd.read_csv(phrases_dir / "seller_replies.csv", **read)


def _languages(first: str, home: str, all_languages: list[str]) -> list[str]:
    return list(dict.fromkeys([first, home, "en", *all_languages]))


def _candidates(bank: pd.DataFrame, langs: list[str], cause: str, stars: str, kind: str, chat_ok: bool) -> np.ndarray:
    """Phrase rows that fit a review, in the first language that has any; stars: acceptable ratings, e.g. '12'."""
    fits = (bank["cause"] != POSITIVE) if cause == MIXED else (bank["cause"] == cause)
    if cause == Cause.LATE_OR_WRONG_DELIVERY:
        fits &= bank["kind"] == kind
    if not chat_ok:  # a phrase mentioning an unanswered chat needs an order whose chat went unanswered
        fits &= ~bank["secondary_causes"].str.contains(Cause.LATE_CHAT_RESPONSE)
    tries = [stars, "345"] if cause == POSITIVE and stars != "1" else [stars]
    for lang in langs:
        for ratings in tries:
            hit = np.flatnonzero(fits & (bank["language"] == lang) & bank["rating"].astype(str).isin(list(ratings)))
            if hit.size:
                return hit
    return np.array([], dtype=int)


def _review_lines(lines: pd.DataFrame, n_orders: int, slow_order: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per order line, the index of the stream that gives it a review (-1: no review); streams as in _all_streams."""
    order, shop = lines["order"].to_numpy(), lines["shop"].to_numpy()
    delivered, shipped = lines["delivered"].to_numpy(), lines["shipped"].to_numpy()
    done = ~np.isnan(delivered)
    weight = np.where(done, 1 / np.maximum(np.bincount(order[done], minlength=n_orders), 1)[order], 0.0)
    eligible = {
        "any": done,
        "settled": delivered < _END - 10 * _DAY,
        "late_ship": lines["late"].to_numpy(),
        "carrier_late": lines["carrier"].to_numpy(),
        "bad_product": lines["product"].to_numpy() == 0,
        "spike": shipped >= _SPIKE_START,
        "slow_chat": slow_order[order],
        "partial_oos": lines["partial"].to_numpy(),
    }
    streams = _all_streams()
    group = ["courier" if st.delivery_kind == "courier" else "edited" if st.edited else "seller" for _, st in streams]
    seq = np.lexsort((delivered, shop))
    source = np.full(len(lines), -1)
    # One systematic draw per shop and group keeps each shop's seller-related count on target; the stream of each
    # picked line is then drawn in proportion to the streams' chances there.
    for s, g in [(s, g) for s in range(len(_SHOPS)) for g in ("seller", "courier", "edited")]:
        ks = [k for k, (sk, _) in enumerate(streams) if sk == s and group[k] == g]
        p = np.stack([streams[k][1].rate * weight * eligible[streams[k][1].eligible] for k in ks])
        p *= (shop == s) & (source < 0)
        picked = seq[_systematic(p.sum(axis=0)[seq], rng)]
        share = np.cumsum(p[:, picked], axis=0)
        source[picked] = np.array(ks)[(rng.random(len(picked)) * share[-1] > share).sum(axis=0)]
    source[done & (source < 0) & (rng.random(len(lines)) < _REVIEW_RATE)] = len(streams) - 1
    return source


def _all_streams() -> list[tuple[int, _Stream]]:
    return [(s, st) for s, shop in enumerate(_SHOPS) for st in _streams(shop)] + [(-1, _POSITIVE)]


def _pick_phrases(want: pd.DataFrame, bank: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Row of the phrase bank for each wanted review (-1: none fits); want: lang, home, cause, stars, kind, chat."""
    pick = pd.Series(-1, index=want.index)
    all_languages = sorted(bank["language"].unique())
    for (lang, home, cause, stars, kind, chat_ok), group in want.groupby(list(want.columns), sort=True):
        hits = _candidates(bank, _languages(lang, home, all_languages), cause, stars, kind, chat_ok)
        if hits.size:
            pick[group.index] = hits[rng.integers(0, hits.size, len(group))]
    return pick.to_numpy()


def _pick_replies(want: pd.DataFrame, replies: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """A seller reply text for each wanted reply; want: lang, home, kind (polite, abusive, coercive)."""
    out = pd.Series("", index=want.index, dtype=object)
    all_languages = sorted(replies["language"].unique())
    for (lang, home, kind), group in want.groupby(list(want.columns), sort=True):
        for candidate in _languages(lang, home, all_languages):
            hits = np.flatnonzero((replies["language"] == candidate) & (replies["kind"] == kind))
            if hits.size:
                out[group.index] = replies["text"].to_numpy()[hits[rng.integers(0, hits.size, len(group))]]
                break
    return out.to_numpy()


def _reviews(
    lines: pd.DataFrame, n_orders: int, slow_order: np.ndarray, phrases_dir: Path, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reviews and their true labels (reviews with text only)."""
    bank, replies = _load_phrases(phrases_dir)
    streams = _all_streams()
    source = _review_lines(lines, n_orders, slow_order, rng)
    row = np.flatnonzero(source >= 0)
    src = source[row]
    edited = np.array([st.edited for _, st in streams])[src]
    lag = 600 + np.floor(np.minimum(rng.exponential(2 * _DAY, len(row)), np.where(edited, 3, 25) * _DAY))
    created = lines["delivered"].to_numpy()[row] + lag
    posted = created <= _END  # later reviews are not written yet
    row, src, edited, created = row[posted], src[posted], edited[posted], created[posted]
    n, shop = len(row), lines["shop"].to_numpy()[row]
    positive = src == len(streams) - 1
    cause = np.full(n, "", dtype=object)
    for k, (_, st) in enumerate(streams):
        at = np.flatnonzero(src == k)
        weights = np.array(list(st.causes.values()), dtype=float)
        cause[at] = rng.choice(np.array(list(st.causes)), len(at), p=weights / weights.sum())
    home = _param("lang")[shop]
    lang = np.where(rng.random(n) < _param("second_share")[shop], _param("second_lang")[shop], home)
    stars = np.array([st.stars for _, st in streams])[src]
    stars = np.where(stars == "", rng.choice(["5", "4", "3"], n, p=[0.6, 0.29, 0.11]), stars)
    stars = np.where(cause == MIXED, "345", stars)
    has_text = rng.random(n) >= np.array([st.rating_only for _, st in streams])[src]
    kind = np.array([st.delivery_kind for _, st in streams])[src]
    chat_ok = slow_order[lines["order"].to_numpy()[row]]
    want = pd.DataFrame({"lang": lang, "home": home, "cause": cause, "stars": stars, "kind": kind, "chat": chat_ok})
    pick = np.full(n, -1)
    pick[has_text] = _pick_phrases(want[has_text], bank, rng)
    has_text = pick >= 0
    phrase = {c: np.where(has_text, bank[c].to_numpy()[np.maximum(pick, 0)], "") for c in bank.columns if c != "rating"}
    fallback = np.array([{"5": 5, "4": 4, "3": 3, "1": 1, "345": 3, "12": 0}[s] for s in stars])
    fallback = np.where(fallback == 0, rng.choice([1, 2], n, p=[0.65, 0.35]), fallback)
    initial = np.where(has_text, bank["rating"].to_numpy()[np.maximum(pick, 0)], fallback)
    rating = np.where(edited, rng.choice([4, 5], n), initial)

    cause, lang = phrase["cause"], phrase["language"]
    complaint = ~positive & ~edited
    irh = cause == Cause.INAPPROPRIATE_REVIEW_HANDLING
    reply = (complaint & (rng.random(n) < _REPLY_RATE)) | irh | edited
    harsh = irh | (complaint & (rng.random(n) < _param("abusive_replies")[shop]))
    reply_kind = np.where(harsh, rng.choice(["abusive", "coercive"], n), "polite")
    reply_at = created + 1800 + np.floor(np.minimum(rng.exponential(18 * _HOUR, n), 2 * _DAY))
    reply &= reply_at <= _END
    edited_at = np.where(edited, reply_at + _HOUR + np.floor(np.minimum(rng.exponential(_DAY, n), 3 * _DAY)), np.nan)
    want = pd.DataFrame({"lang": np.where(has_text, lang, home), "home": home, "kind": reply_kind})
    reply_text = np.full(n, "", dtype=object)
    reply_text[reply] = _pick_replies(want[reply], replies, rng)

    review_id = np.empty(n, dtype=object)
    review_id[np.lexsort((row, created))] = [f"R{i:06d}" for i in range(1, n + 1)]
    reviews = pd.DataFrame(
        {
            "review_id": review_id,
            "order_id": _order_ids(lines["order"].to_numpy()[row]),
            "shop_id": _param("id")[shop],
            "product_id": _product_ids(shop, lines["product"].to_numpy()[row]),
            "rating": rating,
            "review_text": phrase["text"],
            "created_at": _iso(created),
            "review_title": phrase["title"],
            "initial_rating": initial,
            "edited_at": _iso(edited_at),
            "seller_reply": reply_text,
            "seller_reply_at": _iso(np.where(reply, reply_at, np.nan)),
            "language": lang,
            "variant": "",  # the review's variant comes from its order line
        }
    )
    responsibility = np.select(
        [cause == POSITIVE, phrase["kind"] == "courier", cause == Cause.OTHER, cause == Cause.UNSPECIFIED],
        ["", Responsibility.LOGISTICS, Responsibility.BUYER, Responsibility.UNKNOWN],
        Responsibility.SELLER,
    )
    labels = pd.DataFrame(
        {
            "review_id": review_id,
            "shop_id": _param("id")[shop],
            "language": lang,
            "cause": cause,
            "secondary_causes": phrase["secondary_causes"],
            "responsibility": responsibility,
        }
    )[has_text]
    return reviews[REVIEWS.names].sort_values("review_id"), labels[LABEL_COLUMNS].sort_values("review_id")


def _variants(product: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Sizes for every third product of a catalogue (drawn from the order number, so no random draw is consumed)."""
    return np.where(product % 3 == 0, np.array(["S", "M", "L"])[order % 3], "")


def _order_ids(order: np.ndarray) -> list[str]:
    return [f"O{o + 1:06d}" for o in order]


def _product_ids(shop: np.ndarray, product: np.ndarray) -> list[str]:
    return [f"{prefix}-p{q + 1:02d}" for prefix, q in zip(_param("prefix")[shop], product, strict=True)]


def _tables(seed: int, phrases_dir: Path) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    lines, n_orders = _orders(rng)
    chats, slow_order = _chats(lines, n_orders, rng)
    reviews, labels = _reviews(lines, n_orders, slow_order, phrases_dir, rng)
    shop = lines["shop"].to_numpy()
    orders = pd.DataFrame(
        {
            "order_id": _order_ids(lines["order"].to_numpy()),
            "shop_id": _param("id")[shop],
            "product_id": _product_ids(shop, lines["product"].to_numpy()),
            "order_status": lines["status"],
            "created_at": _iso(lines["created"]),
            "shipped_at": _iso(lines["shipped"]),
            "ship_by": _iso(lines["ship_by"]),
            "delivered_at": _iso(lines["delivered"]),
            "promised_delivery_at": _iso(lines["promised"]),
            "cancel_reason": lines["cancel_reason"],
            "quantity": lines["quantity"],
            "variant": _variants(lines["product"].to_numpy(), lines["order"].to_numpy()),
        }
    )
    products = pd.DataFrame(
        [
            (f"{s.prefix}-p{i:02d}", s.id, title, category)
            for s in _SHOPS
            for i, (title, category) in enumerate(s.catalogue, 1)
        ],
        columns=PRODUCTS.names,
    )
    return {
        "orders": orders[ORDERS.names].sort_values(["order_id", "product_id"]),
        "reviews": reviews,
        "products": products.sort_values(["shop_id", "product_id"]),
        "chats": chats,
        "labelled_reviews": labels,
    }


def write_samples(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample shops' canonical CSVs and the true review labels into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing); existing sample files there are overwritten.
    seed : int, default 20261126
        Seed of :func:`numpy.random.default_rng`; the same seed gives byte-identical files.

    Returns
    -------
    list of Path
        ``orders.csv``, ``reviews.csv``, ``products.csv``, ``chats.csv`` and ``labelled_reviews.csv``, in that order.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_samples(tmp)]
    ['orders.csv', 'reviews.csv', 'products.csv', 'chats.csv', 'labelled_reviews.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in _tables(seed, PHRASES_DIR).items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        written.append(path)
    return written
