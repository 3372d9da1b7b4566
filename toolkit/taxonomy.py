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


class Responsibility(StrEnum):
    SELLER = "seller"
    LOGISTICS = "logistics"
    BUYER = "buyer"
    UNKNOWN = "unknown"


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
