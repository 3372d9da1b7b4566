"""The ``shop-health`` command: parses arguments and calls the toolkit; no logic of its own.

Every data-taking command accepts the same data options (``--orders``, ``--reviews``, ``--products``,
``--chats``, ``--data``, ``--preset`` or ``--mapping``, ``--tz``, ``--labels``), turned into one
:class:`~toolkit.source.DataSource`, and the analysis settings (``--as-of``, ``--window-days``, ``--anchor``,
thresholds), turned into one :class:`~toolkit.settings.Settings`; both go to :func:`toolkit.pipeline.analyse`.
A user mistake prints one line starting with ``error:`` and exits 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from toolkit.errors import ParameterError, ShopHealthError
from toolkit.mapping import presets
from toolkit.paths import LABELS_FILE, REPORTS_DIR
from toolkit.pipeline import BATCH_ENGINES, ENGINES, Analysis, analyse
from toolkit.safe_csv import write_csv, write_table
from toolkit.settings import Settings
from toolkit.source import DataSource

EXIT_UNUSABLE = 2


EXPORT_OPTIONS = ("shop_id", "region", "handling_days", "delivery_days")  # loader options for what exports lack


def _data_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("data options (with no paths: the bundled sample shops)")
    group.add_argument("--orders", metavar="PATH", help="orders export (CSV/TSV, Parquet or XLSX)")
    group.add_argument("--reviews", metavar="PATH", help="reviews export")
    group.add_argument("--products", metavar="PATH", help="products export (optional)")
    group.add_argument("--chats", metavar="PATH", help="chats export (optional)")
    group.add_argument("--data", metavar="DIR", help="a folder where the files are found by their usual names")
    which = group.add_mutually_exclusive_group()
    which.add_argument("--preset", choices=presets(), help="built-in column mapping (default: canonical)")
    which.add_argument("--mapping", metavar="FILE", help="a column mapping file (TOML; copy a preset to start)")
    group.add_argument("--tz", default="UTC", metavar="ZONE", help="market time zone, e.g. Asia/Jakarta (default UTC)")
    labels = group.add_mutually_exclusive_group()
    labels.add_argument(
        "--labels", metavar="FILE", help=f"your corrections: review_id,cause[,shop_id,note] (default {LABELS_FILE})"
    )
    labels.add_argument("--no-labels", action="store_true", help=f"ignore {LABELS_FILE}")
    _export_options(group)
    return parent


def _export_options(group: argparse._ArgumentGroup) -> None:
    """Facts a marketplace export lacks, supplied openly (the load report lists what was derived)."""
    group.add_argument("--shop-id", metavar="NAME", help="the shop of exports that name none (default: folder name)")
    group.add_argument(
        "--region", metavar="CODE", help="market of the export (US, ID, MY, TH, VN, ...): sets the date order"
    )
    group.add_argument(
        "--handling-days",
        type=float,
        metavar="N",
        help="handling time: ship-by = payment time + N days where the export has no deadline (preset default)",
    )
    group.add_argument(
        "--delivery-days",
        type=float,
        metavar="N",
        help="delivered = shipped + N days where the export has no delivery time (preset default)",
    )


def _settings_options(as_of_required: bool = True) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("analysis settings")
    group.add_argument(
        "--as-of", required=as_of_required, type=_day, metavar="YYYY-MM-DD", help="last day of the window"
    )
    group.add_argument("--window-days", type=int, default=30, help="length of the window in days (default 30)")
    group.add_argument("--anchor", choices=["review", "order"], default="review", help="what places a negative")
    group.add_argument("--rating", choices=["latest", "initial"], default="latest", help="which rating counts")
    group.add_argument("--target", type=_fraction, metavar="RATE", help="SNRR target (default 1%%; 0.01 or 1%%)")
    group.add_argument("--strict", type=_fraction, metavar="RATE", help="SNRR strict line (default 0.5%%)")
    group.add_argument("--product-target", type=_fraction, metavar="RATE", help="product NRR target (default 0.5%%)")
    group.add_argument("--service-target", type=_fraction, metavar="RATE", help="service NRR target (default 0.5%%)")
    group.add_argument("--min-orders", type=int, metavar="N", help="fewer delivered orders is a small sample (100)")
    return parent


def source_from_args(args: argparse.Namespace) -> DataSource:
    return DataSource.from_options(vars(args), extra=EXPORT_OPTIONS)


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings.from_parameters(vars(args))


def analyse_args(args: argparse.Namespace, need_orders: bool = True, shops: list[str] | None = None) -> Analysis:
    """The pipeline on the command's data options and settings; its warnings go to standard error."""
    engine = getattr(args, "engine", "local")
    # rates on pandas, Polars or DuckDB classify in this process; --engine spark classifies on Spark too
    engine = engine if engine in BATCH_ENGINES else "local"
    source, settings = source_from_args(args), settings_from_args(args)
    analysis = analyse(source, settings, need_orders=need_orders, shops=shops, engine=engine)
    _warn(analysis.warnings)
    return analysis


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    data = source_from_args(args).load(tz=settings_from_args(args).tz)
    print(data.report)
    if args.report:
        data.report.to_csv(args.report)
        print(f"load report written to {args.report}")
    data.report.check_usable()
    print(
        f"usable: {len(data.orders):,} order lines, {len(data.reviews):,} reviews, "
        f"{data.orders['shop_id'].nunique():,} shops"
    )
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def _fraction(text: str) -> float:
    """``0.01``, ``1%`` -> 0.01."""
    try:
        return float(text[:-1]) / 100 if text.strip().endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a rate: {text!r} (expected e.g. 0.01 or 1%)") from None


def _rates(args: argparse.Namespace) -> int:
    from toolkit import rates

    if args.daily and not args.since:
        raise ParameterError("--daily needs --since YYYY-MM-DD")
    analysis = analyse_args(args)
    shops = analysis.check_shops(args.shop) if args.shop else None
    orders, reviews, attribution = analysis.tables(args.engine)
    settings = analysis.settings
    if args.daily:
        frame = rates.daily_rates(orders, reviews, settings, args.since, attribution, shops=shops)
    else:
        frame = rates.shop_rates(orders, reviews, settings, attribution, shops=shops)
    if args.ledger:
        if not shops or len(shops) != 1:
            raise ParameterError("--ledger needs exactly one --shop ID")
        write_table(rates.ledger(orders, reviews, settings, shops[0], attribution), args.ledger)
    write_table(frame, args.out)  # written by the engine itself (DuckDB); Parquet when the name ends in .parquet
    return 0


def _classify(args: argparse.Namespace) -> int:
    from toolkit.causes import OUTPUT_COLUMNS

    frame = analyse_args(args, need_orders=False).classified
    first = ["review_id", "shop_id", "language", "cause", "area", "responsibility", "confidence"]
    columns = first + ["secondary_causes", "evidence", "flags"]
    columns += [c for c in OUTPUT_COLUMNS if c not in columns]
    write_csv(frame[columns], args.out)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from toolkit.causes import evaluate, format_evaluation
    from toolkit.readers import ROW_COLUMN, read_table

    labels = read_table(args.labels_file).frame.drop(columns=ROW_COLUMN)
    if "cause" not in labels.columns or not {"text", "review_id"} & set(labels.columns):
        raise ParameterError(
            f"{args.labels_file}: a labels file needs a 'cause' column and a 'text' or 'review_id' column"
        )
    predictions = None
    if "text" not in labels.columns:  # labels by review id: classify the reviews of the data options
        args.no_labels, args.labels = True, None  # score the classifier, not the corrections
        predictions = analyse_args(args).classified
    print(format_evaluation(evaluate(labels, predictions)))
    return 0


def _train(args: argparse.Namespace) -> int:
    """Retrain the cause model with your corrections on top of the shipped data; writes ``models/`` here."""
    from toolkit.causes import USER_MODEL_DIR, train
    from toolkit.readers import read_table

    source = source_from_args(args)
    first = source.labels_path()
    if first is None:
        raise ParameterError(f"no corrections to train on: pass --labels FILE (or create {LABELS_FILE})")
    files = [first, *(Path(p) for p in args.more_labels)]
    reviews = None
    if any(not {"text", "review_text"} & set(read_table(p).frame.columns) for p in files):
        reviews = source.load(tz=args.tz, need_orders=False).reviews
        reviews = reviews.assign(review_text=reviews["review_text"].fillna("").astype(str))
    out = train(args.out or USER_MODEL_DIR, overrides=files, override_reviews=reviews)
    print(f"wrote {out} (loaded in preference to the packaged model when you run from this folder)")
    return 0


def _train_parser(sub, data: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "train",
        parents=[data],
        help="retrain the cause classifier with your corrections (writes ./models/)",
        description="--labels FILE [FILE ...]: review_id,cause[,text] rows; without a text column the reviews of "
        "the data options supply the texts.",
    )
    p.add_argument("more_labels", nargs="*", metavar="FILE", help="further labels files after --labels FILE")
    p.add_argument("--out", type=Path, metavar="DIR", help="where the model goes (default: models/ here)")
    p.set_defaults(run=_train)


def _report(args: argparse.Namespace) -> int:
    from toolkit.render import render_reports, start_kernel_early

    if not args.all and not args.shop:
        raise ParameterError("name the shops with --shop ID ... or pass --all")
    if args.shop and (len(args.shop) == 1 or args.workers <= 1):
        start_kernel_early()  # it starts and imports while this process loads and classifies
    change = {}
    if args.changed_on:
        if not (args.changed_product or args.changed_cause):
            raise ParameterError("--changed-on needs --changed-product ID or --changed-cause NAME")
        change = {
            "changed_on": args.changed_on.isoformat(),
            "changed_product": args.changed_product,
            "changed_cause": args.changed_cause,
        }
    elif args.changed_product or args.changed_cause:
        raise ParameterError("--changed-product/--changed-cause need --changed-on YYYY-MM-DD")
    options = {
        "out": args.out,
        "workers": args.workers,
        "redact_pii": not args.keep_pii,
        "keep_notebooks": args.keep_notebooks,
        "shared_assets": args.shared_assets,
        "change": change,
        "engine": args.engine,
    }
    if args.all:  # a large fleet is loaded, classified and rendered part by part (toolkit.parts)
        from toolkit.parts import Parts, fleet_analysis

        with fleet_analysis(source_from_args(args), settings_from_args(args), engine=args.engine) as fleet:
            _warn(fleet.warnings)
            if isinstance(fleet, Parts):
                print(
                    f"note: a large fleet: {len(fleet.shops):,} shops done in {len(fleet.files)} parts", file=sys.stderr
                )
            result = render_reports(fleet, **options)
    else:
        analysis = analyse_args(args, shops=args.shop)  # only the shops asked for are classified
        result = render_reports(analysis, shops=analysis.check_shops(args.shop), **options)
    print(f"{len(result.rendered)} report(s) in {result.out_dir}")
    for shop_id, error in sorted(result.failed.items()):
        print(f"FAILED {shop_id}: {error}", file=sys.stderr)
    print(result.index)
    return 1 if result.failed else 0


def _alerts(args: argparse.Namespace) -> int:
    from toolkit.alerts import episodes

    analysis = analyse_args(args)
    shops = analysis.check_shops(args.shop) if args.shop else None
    orders, reviews, attribution = analysis.tables()
    frame = episodes(
        orders, reviews, analysis.settings, attribution, since=args.since, shops=shops, by_kind=args.by_kind
    )
    write_csv(frame, args.out)
    return 0


def _products(args: argparse.Namespace) -> int:
    from toolkit.products import FixFirstSettings, fix_first, with_variants

    analysis = analyse_args(args)
    shops = analysis.check_shops(args.shop) if args.shop else None
    fix = FixFirstSettings(period_days=args.period_days, min_reviews=args.min_reviews)
    data = analysis.data
    reviews = with_variants(data.reviews, data.orders)
    write_csv(fix_first(reviews, analysis.settings, data.products, fix, shops=shops), args.out)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from toolkit.compare import before_after

    if not (args.product or args.cause):
        raise ParameterError("name what was fixed: --product ID or --cause NAME")
    analysis = analyse_args(args)
    (shop,) = analysis.check_shops([args.shop])
    orders, reviews, attribution = analysis.tables()
    frame = before_after(
        orders,
        reviews,
        analysis.settings,
        args.changed_on,
        shop_id=shop,
        attribution=attribution,
        product_id=args.product,
        cause=args.cause,
        days=args.days,
    )
    write_csv(frame, args.out)
    return 0


def _sample_data(args: argparse.Namespace) -> int:
    from toolkit.samples import write_samples

    for path in write_samples(args.out, seed=args.seed):
        print(path)
    return 0


def _batch_engine_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--engine",
        choices=BATCH_ENGINES,
        default="local",
        help=f"where the shops are {what}: processes on this machine (default) or Spark executors, the shops "
        "partitioned across them (the session spark-submit gives, else local[2])",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shop-health", description="Review health of marketplace shops.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = _data_options()

    p = sub.add_parser("validate", parents=[data], help="load and check the data; print the load report")
    p.add_argument("--report", metavar="FILE", help="also write the load report as CSV")
    p.set_defaults(run=_validate)

    window = _settings_options()

    p = sub.add_parser("rates", parents=[data, window], help="negative review rates per shop (CSV)")
    p.add_argument("--shop", nargs="+", metavar="ID", help="only these shops")
    p.add_argument("--daily", action="store_true", help="one row per shop and day from --since to --as-of")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--engine", choices=ENGINES, default="pandas", help="what computes the rates (same results)")
    p.add_argument("--ledger", metavar="FILE", help="also write the ledger of the one --shop")
    p.add_argument(
        "--out", default="-", metavar="FILE", help="CSV file (.parquet: Parquet), or - for standard output (default)"
    )
    p.set_defaults(run=_rates)

    p = sub.add_parser(
        "classify", parents=[data, _settings_options(False)], help="root cause and responsibility of every review"
    )
    p.add_argument("--out", default="-", metavar="FILE")
    _batch_engine_option(p, "classified")
    p.set_defaults(run=_classify)

    p = sub.add_parser(
        "evaluate-classifier",
        parents=[data, _settings_options(False)],
        help="precision, recall and F1 against a labelled file",
    )
    p.add_argument(
        "--labelled",
        dest="labels_file",
        required=True,
        metavar="FILE",
        help="CSV: cause and text (or review_id of the data), language",
    )
    p.set_defaults(run=_evaluate)

    _train_parser(sub, data)

    p = sub.add_parser("report", parents=[data, window], help="render per-shop HTML health reports")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--shop", nargs="+", metavar="ID")
    which.add_argument("--all", action="store_true", help="every shop in the data")
    p.add_argument("--out", default=str(REPORTS_DIR), metavar="DIR")
    p.add_argument("--workers", type=int, default=2, help="report processes at once (local engine; default 2)")
    _batch_engine_option(p, "classified and rendered")
    p.add_argument(
        "--keep-pii",
        action="store_true",
        help="do not redact e-mails, phones, handles, addresses and national ids in review text",
    )
    p.add_argument("--keep-notebooks", action="store_true", help="also keep the executed notebooks (<shop>.ipynb)")
    p.add_argument(
        "--shared-assets",
        action="store_true",
        help="write the chart runtime once beside the reports (0.9 MB less each; keep the file with them)",
    )
    p.add_argument("--changed-on", type=_day, metavar="YYYY-MM-DD", help="add 'Did the fix work?' for a change day")
    changed = p.add_mutually_exclusive_group()
    changed.add_argument("--changed-product", metavar="ID", help="the product changed on --changed-on")
    changed.add_argument("--changed-cause", metavar="NAME", help="the cause addressed on --changed-on")
    p.set_defaults(run=_report)

    p = sub.add_parser("alerts", parents=[data, window], help="alert episodes per shop (CSV)")
    p.add_argument("--shop", nargs="+", metavar="ID", help="only these shops")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day to scan (default 89 days before)")
    p.add_argument("--by-kind", action="store_true", help="one row per kind and episode instead of merged episodes")
    p.add_argument("--out", default="-", metavar="FILE", help="CSV file, or - for standard output (default)")
    p.set_defaults(run=_alerts)

    p = sub.add_parser("products", parents=[data, window], help="the fix-first list of products per shop (CSV)")
    p.add_argument("--shop", nargs="+", metavar="ID", help="only these shops")
    p.add_argument("--period-days", type=int, metavar="N", help="only reviews of the last N days (default all)")
    p.add_argument("--min-reviews", type=int, default=3, metavar="N", help="minimum support to be ranked (3)")
    p.add_argument("--out", default="-", metavar="FILE", help="CSV file, or - for standard output (default)")
    p.set_defaults(run=_products)

    p = sub.add_parser("compare", parents=[data, window], help="did the fix work? before/after a change date (CSV)")
    p.add_argument("--shop", required=True, metavar="ID")
    p.add_argument("--changed-on", required=True, type=_day, metavar="YYYY-MM-DD", help="the day of the change")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--product", metavar="ID", help="the product that was fixed")
    what.add_argument("--cause", metavar="NAME", help="the cause that was addressed (e.g. poor_quality)")
    p.add_argument("--days", type=int, default=30, metavar="N", help="days on each side of the change (30)")
    p.add_argument("--out", default="-", metavar="FILE", help="CSV file, or - for standard output (default)")
    p.set_defaults(run=_compare)

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
    except BrokenPipeError:  # the reader of standard output went away (e.g. `| head`)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
