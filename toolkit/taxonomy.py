"""The root-cause taxonomy of negative reviews (TikTok Shop customer-reviews guide, ../shared/POLICY.md).

One enum, :class:`Cause`, with each cause's area, description and the playbook actions a seller should
take. ``other`` is a negative reason outside the taxonomy (taste, price, the buyer's own mistake);
``unspecified`` means no reason can be read (no text, "bad", emoji only).
"""

from __future__ import annotations

from enum import StrEnum


class Area(StrEnum):
    PRODUCT = "product"
    FULFILMENT = "fulfilment"
    SERVICE = "service"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The area in plain words, as the report, explorer, index and charts show it."""
        return _AREA_LABELS[self]


_AREA_LABELS = {
    Area.PRODUCT: "Product",
    Area.FULFILMENT: "Fulfilment",
    Area.SERVICE: "Customer service",
    Area.OTHER: "Other",
}


class Responsibility(StrEnum):
    SELLER = "seller"
    LOGISTICS = "logistics"
    BUYER = "buyer"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """Who is responsible, in plain words, with what it means for the SNRR."""
        return _RESPONSIBILITY_LABELS[self]


_RESPONSIBILITY_LABELS = {
    Responsibility.SELLER: "The seller's (counts in the SNRR)",
    Responsibility.LOGISTICS: "The carrier's (not counted)",
    Responsibility.BUYER: "The buyer's",
    Responsibility.UNKNOWN: "Not known (counts in the SNRR)",
}


class Cause(StrEnum):
    PRODUCT_SAFETY = "product_safety"
    PRODUCT_COMPLIANCE = "product_compliance"
    POOR_QUALITY = "poor_quality"
    NOT_AS_DESCRIBED = "not_as_described"
    OUT_OF_STOCK = "out_of_stock"
    LATE_OR_WRONG_DELIVERY = "late_or_wrong_delivery"
    DAMAGED_ITEM_OR_PACKAGE = "damaged_item_or_package"
    LATE_CHAT_RESPONSE = "late_chat_response"
    INAPPROPRIATE_REVIEW_HANDLING = "inappropriate_review_handling"
    OTHER = "other"
    UNSPECIFIED = "unspecified"

    @property
    def area(self) -> Area:
        return _INFO[self][0]

    @property
    def description(self) -> str:
        return _INFO[self][1]

    @property
    def actions(self) -> tuple[str, ...]:
        return _INFO[self][2]

    @property
    def label(self) -> str:
        """The cause in plain words (``Cause.POOR_QUALITY.label == "Poor product quality"``)."""
        return _CAUSE_LABELS[self.value]


_CAUSE_LABELS: dict[str, str] = {
    "product_safety": "Product safety",
    "product_compliance": "Product compliance",
    "poor_quality": "Poor product quality",
    "not_as_described": "Not as described",
    "out_of_stock": "Out of stock",
    "late_or_wrong_delivery": "Late or wrong delivery",
    "damaged_item_or_package": "Damaged item or package",
    "late_chat_response": "Late response to chats",
    "inappropriate_review_handling": "Inappropriate review handling",
    "other": "Other reason",
    "unspecified": "No reason given",
}

#: plain words for the values that are not causes but appear where causes do
OTHER_LABELS = {"unattributed": "No known cause", "positive": "Not a complaint"}

#: rate statuses in plain words
STATUS_LABELS = {
    "ok": "Under the bar",
    "above_strict": "Above the strict line",
    "above_target": "Above the target",
    "no_orders": "No delivered orders",
}


def label(value: object) -> str:
    """The plain label of a cause, area, status, responsibility or the values next to them; anything else unchanged.

    Examples
    --------
    >>> label("late_chat_response"), label("above_target"), label("unattributed"), label("service")
    ('Late response to chats', 'Above the target', 'No known cause', 'Customer service')
    >>> label("logistics")
    "The carrier's (not counted)"
    """
    text = "" if value is None else str(value)
    if text in _CAUSE_LABELS:
        return _CAUSE_LABELS[text]
    if text in OTHER_LABELS:
        return OTHER_LABELS[text]
    if text in STATUS_LABELS:
        return STATUS_LABELS[text]
    if text in Area.__members__.values() or text in {a.value for a in Area}:
        return Area(text).label
    if text in {r.value for r in Responsibility}:
        return Responsibility(text).label
    return text


_INFO: dict[Cause, tuple[Area, str, tuple[str, ...]]] = {
    Cause.PRODUCT_SAFETY: (
        Area.PRODUCT,
        "Poses a safety risk or caused injury (burns, rashes, overheating, shocks).",
        ("Stop selling the product until it is checked", "Keep compliance documents for high-risk products"),
    ),
    Cause.PRODUCT_COMPLIANCE: (
        Area.PRODUCT,
        "Does not comply with laws, regulations or standards (counterfeit, missing labels or certificates).",
        ("Sell only genuine, compliant products", "Show required labels and certifications"),
    ),
    Cause.POOR_QUALITY: (
        Area.PRODUCT,
        "Faulty, defective, expired or not working; cheap materials.",
        ("Check quality with the supplier", "Delist products rated 1-2 stars that cannot be fixed"),
    ),
    Cause.NOT_AS_DESCRIBED: (
        Area.PRODUCT,
        "Does not match the description, pictures or attributes (size, colour, material, quantity).",
        (
            "Use accurate size charts and complete attributes (colour, material, size)",
            "Use real photos from several angles; no over-claiming",
        ),
    ),
    Cause.OUT_OF_STOCK: (
        Area.FULFILMENT,
        "Order not fulfilled because of insufficient inventory.",
        ("Keep inventory in step with listings", "Switch off variants that are out of stock"),
    ),
    Cause.LATE_OR_WRONG_DELIVERY: (
        Area.FULFILMENT,
        "Shipped late, delivered to the wrong address, or the wrong item or quantity packed.",
        ("Ship within the SLA", "Check the right item, quantity and address before packing"),
    ),
    Cause.DAMAGED_ITEM_OR_PACKAGE: (
        Area.FULFILMENT,
        "Arrived damaged because of inappropriate packaging, especially fragile products.",
        ("Pack by the shipping guidelines", "Protect fragile products (bubble wrap, rigid boxes)"),
    ),
    Cause.LATE_CHAT_RESPONSE: (
        Area.SERVICE,
        "Seller slow to respond to chats the buyer started.",
        ("Answer chats promptly (within 12 hours)", "Use auto-replies and staff coverage at peak times"),
    ),
    Cause.INAPPROPRIATE_REVIEW_HANDLING: (
        Area.SERVICE,
        "Seller handled a review inappropriately, e.g. abusive words or pressure to remove it.",
        ("Reply professionally and solve the problem", "Never ask or pay buyers to change or remove a review"),
    ),
    Cause.OTHER: (Area.OTHER, "A negative reason outside the taxonomy (taste, price, the buyer's own mistake).", ()),
    Cause.UNSPECIFIED: (Area.OTHER, "No reason can be read (no text, 'bad', emoji only).", ()),
}


POSITIVE = "positive"
"""Not a complaint (praise or a neutral remark)."""

LABELS: tuple[str, ...] = tuple(c.value for c in Cause) + (POSITIVE,)
"""Every cause the classifier can output (besides ``unscored``), and what a correction may name."""
