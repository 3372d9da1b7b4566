"""Personal data and invisible characters in untrusted text: what a shared report must never show as written.

- :func:`redact` replaces e-mail addresses, @handles, national ids (Brazil's CPF and CNPJ, Indonesia's NIK, the US
  SSN, Vietnam's CCCD/CMND), street addresses (Brazilian, Indonesian, US, Vietnamese and Philippine forms), links
  and phone- or order-number-like digit runs with a label in brackets. Reports apply it to review text unless
  ``--keep-pii``.
- :func:`show_controls` makes bidi and zero-width control characters visible (``[U+202E]``), so a shop id or a
  review cannot reorder what a reader sees (``gnp.exe`` shown as ``exe.png``) or hide text. Everything that shows
  untrusted text calls it: HTML escaping (:func:`toolkit.offline_html.esc`), the CSV writer
  (:mod:`toolkit.safe_csv`) and the notebooks' tables.

The patterns aim at the forms buyers really write in reviews (lower case, without commas, with "no"/"nº"); they
prefer hiding a little too much to showing an address.

Examples
--------
>>> redact("kirim ke Jl. Merdeka No. 12 RT 03/RW 05, NIK 3171234567890001")
'kirim ke [address] [address], [id]'
>>> show_controls("invoice\\u202egnp.exe")
'invoice[U+202E]gnp.exe'
"""

from __future__ import annotations

import re

# ------------------------------------------------------------------ national ids (before the generic digit runs)
_IDS = [
    r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b",  # CPF 123.456.789-09
    r"\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b",  # CNPJ 12.345.678/0001-95
    r"\b\d{3}-\d{2}-\d{4}\b",  # US SSN 123-45-6789
    r"(?i:\b(?:cpf|cnpj|nik|ktp|ssn|cccd|cmnd)\b[\s:#.nº°o-]*)\d[\d .-]{7,}\d",  # named: CPF 12345678909
    r"\b\d{16}\b",  # NIK 16 digits
]

# ------------------------------------------------------------------ street addresses
_ADDRESSES = [
    # Brazil: Rua das Flores, 123 / Av. Paulista nº 1000, apto 12 / CEP 01310-100
    r"(?i:\b(?:rua|r\.|avenida|av\.|travessa|tv\.|alameda|al\.|pra[cç]a|estrada|rodovia)\s+)[^\d\n,;]{2,60}?,?\s*"
    r"(?i:n[º°o.]*\s*)?\d{1,5}\b(?:(?i:\s*[,-]?\s*(?:apto?|apartamento|bloco|casa|sala|lote)\.?\s*\w+))*",
    r"(?i:\bcep\b[\s:.]*)?\b\d{5}-\d{3}\b",
    # Indonesia: Jl. Merdeka No. 12 / jalan sudirman no 5 / Gg. Mawar 3 / Perum Griya Asri Blok C2 / RT 03/RW 05
    r"(?i:\b(?:jl|jln|jalan|gg|gang|komp(?:lek)?|perum(?:ahan)?)\b\.?\s+)[^\n,;]{2,50}?"
    r"(?:(?i:\s+(?:no|nomor|nomer)\b\.?)\s*\d+[a-zA-Z]?|(?i:\s+blok\s+)\w+|\s+\d+[a-zA-Z]?\b)",
    r"(?i:\brt\b\.?\s*0*\d{1,3}\s*/?\s*rw\b\.?\s*0*\d{1,3})",
    r"(?i:\b(?:kel(?:urahan)?|kec(?:amatan)?|desa)\b\.?\s+)[A-Za-z][^\n,;]{1,30}?(?=[,;\n]|$)",
    # US: 1600 Pennsylvania Avenue NW / 42 W Elm St. Apt 4B / PO Box 123
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'-]+\s+){1,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|"
    r"Highway|Hwy|Circle|Cir)\b\.?(?:\s+(?:NW|NE|SW|SE))?(?:,?\s+(?:Apt|Suite|Ste|Unit|#)\.?\s*\w+)?",
    r"(?i:\bp\.?\s*o\.?\s*box\s+\d+)",
    # Vietnam: số 12 đường Lê Lợi / 45/2 hẻm 3 / ngõ 10 phố Huế / Phường Bến Nghé, Quận 1
    r"(?i:\bs[oố]\s*)\d+[a-zA-Z]?(?:/\d+)*(?:\s+(?i:đường|duong|phố|pho|ngõ|ngo|hẻm|hem|kiệt|kiet)\s+[^\n,;]{1,40})?",
    r"\b\d+[a-zA-Z]?(?:/\d+)*\s+(?i:đường|duong|phố|ngõ|ngo|hẻm|hem|kiệt|kiet)\s+[^\n,;]{1,40}",
    r"(?i:\b(?:đường|phố|ngõ|hẻm|kiệt|phường|quận|huyện|xã|thị\s+xã)\s+)[^\n,;]{1,30}?(?=[,;\n]|$)",
    # Philippines: Blk 5 Lot 12 / Brgy. San Isidro / Purok 3 / Phase 2 Villa Subd.
    r"(?i:\b(?:blk|block)\b\.?\s*\d+[a-z]?(?:\s*,?\s*(?:lot|l)\b\.?\s*\d+[a-z]?)?)",
    r"(?i:\b(?:brgy|bgy|barangay|purok|sitio|phase|subd(?:ivision)?)\b\.?\s+)[^\n,;]{1,30}?(?=[,;\n]|$)",
]

_PII = [
    # links (a profile or shop page names a person; a link in a shared page is also a phishing lure)
    (
        re.compile(
            r"(?i:\b(?:https?://|www\.)\S+|\b(?:[\w-]+\.)*(?:facebook|fb|instagram|tiktok|shopee|lazada|"
            r"tokopedia|wa|t)\.(?:com|me|co\.id|ph|vn|com\.br)/\S*)"
        ),
        "[link]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\w)@\w{2,}"), "[handle]"),
    *((re.compile(p), "[id]") for p in _IDS),
    *((re.compile(p), "[address]") for p in _ADDRESSES),
    (re.compile(r"(?<![\w(])\+?\(?\d[\d\s().-]{7,}\d(?!\w)"), "[number]"),
]


def redact(text: str) -> str:
    """Replace e-mail addresses, @handles, links, national ids, street addresses and phone-like digit runs.

    Examples
    --------
    >>> redact("mail budi.s@example.com or call +62 812-0000-1234, order 5768201934412 @budi_s")
    'mail [email] or call [number], order [number] [handle]'
    >>> redact("entregar na Rua das Flores, 123, apto 45 - CEP 01310-100, CPF 123.456.789-09")
    'entregar na [address] - [address], CPF [id]'
    >>> redact("ship to 1600 Pennsylvania Avenue NW, SSN 078-05-1120")
    'ship to [address], SSN [id]'
    >>> redact("giao tới số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1")
    'giao tới [address], [address], [address]'
    """
    for pattern, label in _PII:
        text = pattern.sub(label, text)
    return text


# ------------------------------------------------------------------ invisible and reordering characters

#: bidi embeddings, overrides, isolates and marks; zero-width spaces, word joiners, invisible operators, BOM
CONTROLS = frozenset(
    "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\u180e"
)
#: zero-width (non-)joiners are needed inside emoji sequences and some scripts: shown only next to ASCII
JOINERS = frozenset("\u200c\u200d")
CONTROL_PATTERN = "[" + "".join(sorted(CONTROLS | JOINERS)) + "]"
"""A regular expression matching any of them (for vectorised checks)."""
_CONTROL_RE = re.compile(CONTROL_PATTERN)


def _visible(match: re.Match) -> str:
    char, text, i = match.group(), match.string, match.start()
    if char in JOINERS:
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if not (before.isascii() or after.isascii()):
            return char  # an emoji sequence or a script that needs it
    return f"[U+{ord(char):04X}]"


def show_controls(text: str) -> str:
    """``text`` with bidi and zero-width control characters written as ``[U+XXXX]``.

    Examples
    --------
    >>> show_controls("shop\\u200b-a \\u2067evil\\u2069")
    'shop[U+200B]-a [U+2067]evil[U+2069]'
    >>> show_controls("👨\\u200d👩") == "👨\\u200d👩"  # a family emoji keeps its joiner
    True
    """
    return _CONTROL_RE.sub(_visible, text) if _CONTROL_RE.search(text) else text


__all__ = ["redact", "show_controls", "CONTROLS", "JOINERS", "CONTROL_PATTERN"]
