"""The ``shop-health`` command: parses arguments and calls the toolkit; no logic of its own.

Every data-taking command accepts the same data options (``--orders``, ``--reviews``, ``--products``,
``--chats``, ``--data``, ``--preset`` or ``--mapping``, ``--tz``). A user mistake prints one line starting
with ``error:`` and exits 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit.errors import ShopHealthError
from toolkit.load import ShopData, load_shop_data
from toolkit.mapping import presets

EXIT_UNUSABLE = 2


def _data_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("data options (with no paths: the bundled samples in data/samples/)")
    group.add_argument("--orders", metavar="PATH", help="orders export (CSV/TSV, Parquet or XLSX)")
    group.add_argument("--reviews", metavar="PATH", help="reviews export")
    group.add_argument("--products", metavar="PATH", help="products export (optional)")
    group.add_argument("--chats", metavar="PATH", help="chats export (optional)")
    group.add_argument("--data", metavar="DIR", help="a folder where the files are found by their usual names")
    which = group.add_mutually_exclusive_group()
    which.add_argument("--preset", choices=presets(), help="built-in column mapping (default: canonical)")
    which.add_argument("--mapping", metavar="FILE", help="a column mapping file (TOML; copy a preset to start)")
    group.add_argument("--tz", default="UTC", metavar="ZONE", help="market time zone, e.g. Asia/Jakarta (default UTC)")
    return parent


def load_from_args(args: argparse.Namespace) -> ShopData:
    return load_shop_data(
        args.orders,
        args.reviews,
        args.products,
        args.chats,
        data_dir=args.data,
        preset=args.preset,
        mapping=args.mapping,
        tz=args.tz,
    )


def _validate(args: argparse.Namespace) -> int:
    data = load_from_args(args)
    print(data.report)
    if args.report:
        data.report.to_csv(args.report)
        print(f"load report written to {args.report}")
    if not data.report.usable:
        print(f"error: the data is not usable: {'; '.join(data.report.problems)}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(
        f"usable: {len(data.orders):,} order lines, {len(data.reviews):,} reviews, "
        f"{data.orders['shop_id'].nunique():,} shops"
    )
    return 0


def _sample_data(args: argparse.Namespace) -> int:
    from toolkit.samples import write_samples

    for path in write_samples(args.out, seed=args.seed):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shop-health", description="Review health of marketplace shops.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = _data_options()

    p = sub.add_parser("validate", parents=[data], help="load and check the data; print the load report")
    p.add_argument("--report", metavar="FILE", help="also write the load report as CSV")
    p.set_defaults(run=_validate)

    p = sub.add_parser("sample-data", help="write the deterministic sample shops")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--seed", type=int, default=20261126)
    p.set_defaults(run=_sample_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ShopHealthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
