"""Personal data and invisible characters (issue 12 item 4): real-looking payloads in the forms buyers write."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from toolkit.offline_html import esc
from toolkit.privacy import CONTROLS, redact, show_controls
from toolkit.safe_csv import write_csv

# (text as a buyer writes it, what must disappear)
PERSONAL = [
    # Brazil
    ("Entregue na Rua das Acácias, 245, apto 31 - CEP 04567-010", ["Acácias", "245", "04567-010"]),
    ("mandei pra av. paulista nº 1578 bloco B e não chegou", ["paulista", "1578"]),
    ("meu CPF 529.982.247-25 aparece na nota", ["529.982.247-25"]),
    ("cpf 52998224725 errado na etiqueta", ["52998224725"]),
    ("CNPJ da loja 11.222.333/0001-81 não confere", ["11.222.333/0001-81"]),
    # Indonesia
    ("kirim ke Jl. Kebon Jeruk Raya No. 27 RT 004/RW 09 kel. kebon jeruk", ["Kebon Jeruk Raya", "27", "004", "RW 09"]),
    ("alamat jalan merdeka no 5, gg. mawar 3", ["merdeka", "mawar"]),
    ("NIK saya 3174051507900003 tolong dihapus", ["3174051507900003"]),
    ("Perum Griya Asri Blok C2 kok paketnya nyasar", ["Griya Asri", "C2"]),
    # United States
    ("Left at 1600 Pennsylvania Avenue NW instead of my door", ["1600 Pennsylvania"]),
    ("ship to 42 W Elm St. Apt 4B, they went to 42 Oak Street", ["Elm", "4B", "Oak"]),
    ("my SSN 078-05-1120 was printed on the label!!", ["078-05-1120"]),
    ("use PO Box 7781 next time", ["7781"]),
    # Vietnam
    ("giao tới số 12 đường Lê Lợi, Phường Bến Nghé, Quận 1", ["Lê Lợi", "Bến Nghé", "Quận 1"]),
    ("nhà em ở 45/2 hẻm 3 Trần Hưng Đạo", ["45/2", "Trần Hưng Đạo"]),
    ("số CCCD 079203001234 bị lộ", ["079203001234"]),
    # Philippines
    ("Blk 5 Lot 12 Brgy. San Isidro, Quezon City po yung address", ["Blk 5", "Lot 12", "San Isidro"]),
    ("dito sa purok 3 sitio malinis, walang dumating", ["purok 3", "malinis"]),
    # links to a person's profile or page
    ("chat me at https://www.facebook.com/juan.dc.92 for refund", ["juan.dc.92", "facebook"]),
    ("follow instagram.com/siti_shop ya", ["siti_shop"]),
    ("see www.example-evil.biz/win", ["example-evil"]),
    # contacts (as before)
    ("wa aku 0812-3456-7890 atau email siti.a@mail.co.id, ig @siti_shop", ["0812", "siti.a@", "@siti_shop"]),
    ("call (11) 98765-4321 please", ["98765-4321", "(11)"]),
]

ORDINARY = [
    "barang rusak 2 hari setelah sampai, packing jelek",
    "produk bagus no 1 deh, pengiriman 3 hari",
    "waited 3 weeks, no way to reach the seller",
    "the 2 Samsung chargers stopped working",
    "chegou em 5 dias, produto ótimo nota 10",
    "hàng tốt, giao 2 ngày, 5 sao",
    "sira agad after 2 days, hindi maganda ang quality",
    "a lot of threads came loose, blocked zipper",
]


@pytest.mark.parametrize(("text", "secrets"), PERSONAL, ids=[t[:30] for t, _ in PERSONAL])
def test_personal_data_is_redacted(text, secrets):
    out = redact(text)
    for secret in secrets:
        assert secret not in out, out
    assert "[" in out


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_review_text_is_left_alone(text):
    assert redact(text) == text


CONTROL_PAYLOADS = [
    "invoice\u202egnp.exe",  # RIGHT-TO-LEFT OVERRIDE: shows as "invoiceexe.png"
    "shop-\u2067evil\u2069-a",  # isolates
    "ad\u200bmin",  # zero-width space hides a split
    "\ufeffbom-first",
    "pay\u200dpal",  # a joiner next to ASCII letters
    "\u200e\u200f\u061c marks",
]


@pytest.mark.parametrize("text", CONTROL_PAYLOADS)
def test_controls_become_visible_in_html_and_csv(text):
    shown = esc(text)
    assert not any(c in shown for c in CONTROLS | {"\u200d"}) and "[U+" in shown
    buffer = io.StringIO()
    write_csv(pd.DataFrame({"shop_id": [text], "n": [1]}), buffer)
    assert not any(c in buffer.getvalue() for c in CONTROLS | {"\u200d"}) and "[U+" in buffer.getvalue()


def test_scripts_that_need_joiners_keep_them():
    for text in ("👩\u200d💻", "नमस्\u200dते", "می\u200cخواهم"):
        assert show_controls(text) == text


def test_chart_data_shows_controls_too():
    import base64
    import json

    from toolkit.offline_html import chart_html

    spec = {"mark": "bar", "datasets": {"d": [{"product_id": "p\u202egnp.exe", "n": 1}]}}
    html = chart_html(spec)
    payload = json.loads(base64.b64decode(html.split('data-spec="')[1].split('"')[0]))
    assert payload["datasets"]["d"][0] == {"product_id": "p[U+202E]gnp.exe", "n": 1}
