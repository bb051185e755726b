"""The `pactwatch` command: a thin shell over the library.

stdout carries data only; every message goes to stderr as `pactwatch: error: …`
or `pactwatch: warning: …`. Exit codes: 0 ok, 1 something failed (the summary
says what), 2 usage or configuration, 3 warehouse unavailable. Prefect is
imported only by `run` and `serve`, so `extract`, `sql` and friends start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pactwatch.clock import as_utc, iso_utc, now_utc
from pactwatch.errors import ConfigError, PactwatchError, UsageError
from pactwatch.warehouse.lake import redact

from .config import Config, load_config

PROG = "pactwatch"


def say(kind: str, message: str) -> None:
    # A DuckLake catalog's password (or PGPASSWORD) never reaches the terminal.
    print(f"{PROG}: {kind}: {redact(message)}", file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with our one-line format."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        say("error", message)
        raise SystemExit(2)


def _json_default(value: Any) -> Any:
    return iso_utc(value) if isinstance(value, datetime) else str(value)


def _emit_json(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=_json_default) + "\n")


# --- commands ---------------------------------------------------------------


def cmd_run(args: argparse.Namespace, cfg: Config) -> int:
    from . import progress

    sources = [cfg.source(n) for n in args.source] if args.source else cfg.sources
    if not any(s.enabled or args.source for s in sources):
        raise ConfigError(
            f"{cfg.file or 'built-in configuration'}: no sources to run"
            " (add a [[sources]] table with feed, page or path)"
        )
    # The first line comes before anything heavy is imported (httpx, spaCy, Prefect).
    show = progress.make_reporter(sys.stderr, quiet=args.quiet)
    progress.install(show)
    show.step("starting: loading the extractor and the Prefect API")
    from .interrupt import RunGuard
    from .prefect_api import LocalApi, configured_api_url

    guard = RunGuard(say=lambda line: say("error", line))
    guard.cleanups.append(lambda: show.close())
    # Our own temporary Prefect API when none is configured: it boots while the
    # model loads, survives Ctrl-C long enough to record the cancel, and dies with us.
    api = None if configured_api_url() else LocalApi()
    guard.cleanups += [
        lambda: _mark_interrupted(cfg),
        lambda: _cancel_prefect_run(api.url if api else configured_api_url()),
        lambda: api.stop(timeout=1.0) if api else None,
    ]
    guard.install()
    try:
        return _run_pipeline(args, cfg, api, show)
    finally:
        guard.uninstall()
        show.close()
        progress.install(None)
        if api is not None:
            api.stop()


def _run_pipeline(args: argparse.Namespace, cfg: Config, api: Any, show: Any) -> int:
    from .runtime import load_extractor

    load_extractor(cfg)  # a missing model is one line before Prefect starts or anything is fetched
    show.step("starting: the Prefect API")
    from .pipeline import configured_flow

    run = configured_flow(cfg)
    kwargs = {
        "config_path": str(cfg.file) if cfg.file else None,
        "source_names": args.source or None,
    }
    if api is not None:
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            temporary_settings,
        )

        # No flow-run heartbeats for our own API: it runs no services and dies with this
        # run, so nothing could read them; and Prefect waits up to a second for the
        # heartbeat thread at the end of every flow run.
        settings = {PREFECT_API_URL: api.wait_ready(), PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
        with temporary_settings(settings):
            summary = run(**kwargs)
            _drain_prefect_logs()  # while the API is still up to take them
    else:
        summary = run(**kwargs)
    show.close()
    for line in summary.report(quiet=args.quiet):
        print(line, file=sys.stderr)
    return 0 if summary.ok else 1


def _drain_prefect_logs() -> None:
    from prefect.logging.handlers import APILogWorker

    with contextlib.suppress(Exception):
        APILogWorker.drain_all(timeout=5)


def _mark_interrupted(cfg: Config) -> str | None:
    """`runs` says `interrupted` for the run in progress (called by the signal handler)."""
    pipeline = sys.modules.get("pactwatch.flows.pipeline")
    run_id = getattr(getattr(pipeline, "live", None), "run_id", None)
    if not run_id:
        return None
    from pactwatch.warehouse import store
    from pactwatch.warehouse.db import open_writer

    with open_writer(cfg.warehouse_path, lock_timeout=1.0) as con:
        store.finish_run(
            con,
            run_id,
            finished_at=now_utc(),
            status="interrupted",
            summary={"error": "interrupted"},
        )
    return f"run {run_id} marked interrupted; what it had stored is kept"


def _cancel_prefect_run(api: str | None) -> str | None:
    pipeline = sys.modules.get("pactwatch.flows.pipeline")
    flow_run_id = getattr(getattr(pipeline, "live", None), "flow_run_id", None)
    if not (api and flow_run_id):
        return None
    from .prefect_api import cancel_flow_run

    if cancel_flow_run(api, flow_run_id, "interrupted (pactwatch run was stopped)"):
        return None
    return "the Prefect flow run could not be marked cancelled"


def cmd_serve(args: argparse.Namespace, cfg: Config) -> int:
    from .serve import serve

    if args.interval is not None and not args.cron and args.interval <= 0:
        raise UsageError(f"--interval must be more than 0 seconds (got {args.interval:g})")
    if not any(s.enabled for s in cfg.sources):
        raise ConfigError(
            f"{cfg.file or 'built-in configuration'}: no sources to serve"
            " (add a [[sources]] table with feed, page or path)"
        )

    from .prefect_api import warehouse_home

    config_path = str(cfg.file.resolve()) if cfg.file else None
    # The operator's PREFECT_HOME wins; else the warehouse's own (set by main()):
    # beside the DuckDB file, or beside the configuration of a DuckLake.
    home = Path(os.environ.get("PREFECT_HOME") or warehouse_home(cfg.local_anchor))
    say("info", "serving the pactwatch-run flow; press Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        serve(
            say=lambda line: say("info", line),
            config_path=config_path,
            cron=args.cron,
            interval=args.interval,
            home=home,
            workers=cfg.fetch.workers,
            anchor=cfg.local_anchor,
            warehouse=str(
                cfg.warehouse_path.resolve()
                if isinstance(cfg.warehouse_path, Path)
                else cfg.warehouse_path  # a DuckLake, its catalog's password redacted
            ),
        )
    say("info", "stopped")
    return 0


def cmd_deploy(args: argparse.Namespace, cfg: Config) -> int:
    from .deploy import deploy_groups, parse_groups

    if args.interval is not None and args.interval <= 0:
        raise UsageError(f"--interval must be more than 0 seconds (got {args.interval:g})")
    groups = parse_groups(args.group or [], cfg)
    _quiet_prefect(args.verbose)
    deployed = deploy_groups(
        cfg,
        groups,
        pool=args.pool,
        prefix=args.prefix,
        cron=args.cron,
        interval=args.interval,
        say=lambda line: say("info", line),
    )
    for d in deployed:
        print(f"{d.full_name}\tpool {d.pool}\tsources {','.join(d.sources)}\tid {d.id}")
    say(
        "info",
        f"start workers with: prefect worker start --pool {args.pool}; run one now with:"
        f" prefect deployment run '{deployed[0].full_name}'",
    )
    return 0


def _read_input(target: str, cfg: Config) -> tuple[bytes, str | None, str]:
    """Bytes, content type and a URL for a path, a URL or '-'."""
    if target == "-":
        return sys.stdin.buffer.read(), None, "stdin:"
    if target.startswith(("http://", "https://")):
        from .runtime import make_fetcher

        with make_fetcher(cfg) as fetcher:
            result = fetcher.fetch(target)
        return result.content, result.content_type, result.url
    path = Path(target)
    if not path.is_file():
        raise UsageError(f"{target}: no such file (give a file, a URL or -)")
    return path.read_bytes(), None, path.resolve().as_uri()


def cmd_extract(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.parsers.feeds import parse_feed
    from pactwatch.parsers.model import article_json
    from pactwatch.parsers.sniff import sniff_kind

    from .ingest import DocKind, Document, Harvest, extract_documents, follow_feed
    from .runtime import gazetteer_for, load_extractor, make_fetcher

    load_extractor(cfg)
    data, ctype, url = _read_input(args.target, cfg)
    kind = args.kind or sniff_kind(data, content_type=ctype, name=args.target)
    gaz = gazetteer_for(cfg)
    if kind == "feed":
        parsed = parse_feed(data, content_type=ctype, url=url)
        harvest = Harvest(source=url)
        with contextlib.ExitStack() as stack:
            fetcher = stack.enter_context(make_fetcher(cfg)) if args.follow else None
            follow_feed(
                parsed,
                feed_url=url,
                harvest=harvest,
                fetcher=fetcher,
                follow=args.follow,
                max_links=len(parsed.items),  # no later run to leave links for
                keep_unfetched=True,
            )
        docs, problems = harvest.documents, harvest.problems
    else:
        doc_kind: DocKind = "html" if kind == "html" else "text"
        docs = [Document(url=url, kind=doc_kind, data=data, content_type=ctype)]
        problems = []
    results, more = extract_documents(docs, gazetteer=gaz, model=cfg.extract.model)
    problems.extend(more)
    for problem in problems:
        say("warning", problem)
    out = sys.stdout
    for article, claims in results:
        if args.json:
            _emit_json(article_json(article, claims), out)
            continue
        out.write(f"# {article.title or '(untitled)'}\n{article.url}\n")
        for c in claims:
            d = c.to_json()
            subject = d.get("coalition") or "+".join(d.get("actors") or [])
            detail = {
                k: v
                for k, v in d.items()
                if k not in ("kind", "sentence", "span", "coalition", "actors")
                and v not in (None, False)
            }
            out.write(f"  {c.kind:<18} {subject:<18} {json.dumps(detail, ensure_ascii=False)}\n")
            out.write(f"      \u201c{c.sentence}\u201d\n")
        out.write("\n")
    return 0


def cmd_sql(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.warehouse.query import describe_schema, format_rows, format_schema, run_sql

    if args.schema:
        if args.query is not None or args.param:
            raise UsageError("--schema takes no query or parameters")
        sys.stdout.write(format_schema(describe_schema(cfg.warehouse_path), fmt=args.format))
        return 0
    params: dict[str, str] = {}
    for name, value in args.param or []:
        key = name.lstrip("$:")
        if not key.isidentifier():
            raise UsageError(f"parameter name {name!r} is not a name (use -p coalition ilrs)")
        params[key] = value
    columns, rows = run_sql(cfg.warehouse_path, args.query, params=params)
    format_rows(columns, rows, fmt=args.format, out=sys.stdout)
    return 0


ALERT_KINDS = (
    "member_count_changed",
    "member_joined",
    "member_left",
    "partnership_formed",
    "partnership_ended",
    "source_unhealthy",
    "source_recovered",
)


def parse_since(text: str | None) -> datetime | None:
    """`--since`: a date (`2026-11-20`, midnight UTC) or an ISO 8601 time; one-line error."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since {text!r}: not a date; give YYYY-MM-DD or an ISO 8601 time"
        ) from None
    return as_utc(moment)


def cmd_alerts(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.alerts.payload import list_alerts, render_line
    from pactwatch.warehouse.db import open_reader

    since = parse_since(args.since)
    with open_reader(cfg.warehouse_path) as con:
        alerts = list_alerts(
            con,
            pending_only=args.pending,
            conflict_window=cfg.alerts.conflict_window,
            since=since,
            coalitions=tuple(args.coalition or ()),
            kinds=tuple(args.kind or ()),
            limit=args.limit,
        )
    for alert in alerts:
        if args.json:
            _emit_json(alert, sys.stdout)
        else:
            sys.stdout.write(render_line(alert) + "\n")
    if not alerts and not args.json:
        filtered = args.since or args.coalition or args.kind
        say(
            "info",
            "no alerts match"
            if filtered
            else ("no pending alerts" if args.pending else "no alerts yet"),
        )
    return 0


def cmd_history(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.report.history import coalition_history, format_entry
    from pactwatch.warehouse.db import open_reader

    since = parse_since(args.since)
    with open_reader(cfg.warehouse_path) as con:
        entries = coalition_history(con, args.slug, since=since)
    for entry in entries:
        if args.json:
            _emit_json(entry.as_json(), sys.stdout)
        else:
            sys.stdout.write(format_entry(entry) + "\n")
    if not entries and not args.json:
        say("info", f"nothing about {args.slug} since {args.since}")
    return 0


def cmd_report(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.report.render import write_report

    path, data = write_report(
        cfg.warehouse_path,
        args.out,
        now=now_utc(),
        since=parse_since(args.since),
        coalitions=tuple(args.coalition or ()),
    )
    for note in data.notes:
        say("warning", note)
    say(
        "info",
        f"report: {len(data.coalitions)} coalition(s), {len(data.partnerships)} partnership(s),"
        f" {len(data.alerts)} alert(s), {len(data.sources)} source(s)",
    )
    print(path.resolve())
    return 0


def cmd_sources(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.alerts.health import judge
    from pactwatch.warehouse.db import open_reader
    from pactwatch.warehouse.health import source_health

    from .health import health_rule

    configured = {s.name: s for s in cfg.sources}
    with open_reader(cfg.warehouse_path, missing_ok=True) as con:
        health = {h.name: h for h in source_health(con)}
    next_run = _next_scheduled_run(cfg)
    now = now_utc()
    names = [*configured, *(n for n in sorted(health) if n not in configured)]
    rows = []
    for name in names:
        h = health.get(name)
        src = configured.get(name)
        row: dict[str, Any] = h.as_dict() if h else {"name": name, "runs": 0}
        row["configured"] = src is not None and src.enabled
        if src is not None:
            row.update(kind=src.kind, location=src.location)
        row["state"] = judge(h, health_rule(cfg, src), now).state if h and src else "new"
        if h and not src:
            row["state"] = "unhealthy" if h.consecutive_failures else "healthy"
        row["next_run"] = next_run if row["configured"] else None
        rows.append(row)
    if args.json:
        for row in rows:
            _emit_json(row, sys.stdout)
        return 0
    out = sys.stdout
    out.write(
        f"{'source':<20} {'runs':>4} {'fails':>5}  {'state':<9} {'last success':<20} "
        f"{'last new article':<20} {'next run':<20} last error\n"
    )
    for row in rows:
        label = row["name"] if row["configured"] else f"{row['name']} (not configured)"
        error = row.get("last_error") or ""
        upcoming = _when(row["next_run"]) if row["next_run"] else "-"
        out.write(
            f"{label:<20} {row['runs']:>4} {row.get('consecutive_failures', 0):>5}  "
            f"{row['state']:<9} {_when(row.get('last_success')):<20} {_when(row.get('last_new_article')):<20} "
            f"{upcoming:<20} {error}\n"
        )
    return 0


def _next_scheduled_run(cfg: Config) -> datetime | None:
    """When the `pactwatch serve` active for this warehouse runs next (asked of its
    Prefect API); None when no serve is active or nothing is scheduled."""
    from .serve import read_state

    state = read_state(cfg.local_anchor)
    if state is None:
        return None
    from .prefect_api import next_scheduled_run

    api = state.get("api") or os.environ.get("PREFECT_API_URL")
    deployment = state.get("deployment_id")
    if not api or not deployment:
        return None
    return next_scheduled_run(str(api), str(deployment))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def cmd_test_alert(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.alerts.probe import send_test

    from .channels import build_channels

    results = send_test(build_channels(cfg.channels), now_utc())
    for name, error in results:
        if error is None:
            say("info", f"channel {name}: test notification sent")
        else:
            say("error", f"channel {name}: {error}")
    failed = sum(1 for _, e in results if e)
    say("info", f"test-alert: {len(results) - failed} of {len(results)} channel(s) worked")
    return 1 if failed else 0


def cmd_deliver(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.warehouse.db import require_warehouse

    from .runtime import deliver

    require_warehouse(cfg.warehouse_path)
    if args.retry_failed:
        from pactwatch.alerts.outbox import retry_failed

        revived = retry_failed(cfg.warehouse_path, now=now_utc(), lock_timeout=cfg.lock_timeout)
        say("info", f"{revived} failed deliver{'y' if revived == 1 else 'ies'} back to pending")
    report = deliver(cfg, due_only=False)  # "now": a retry backoff does not hold it back
    for err in report.errors:
        say("warning", f"delivery: {err}")
    print(f"{PROG}: deliveries: {report.line()}", file=sys.stderr)
    return 1 if (report.failed or report.errors) else 0


def cmd_reextract(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.parsers.claims import EXTRACTOR_VERSION, extract_claims
    from pactwatch.warehouse.db import require_warehouse

    require_warehouse(cfg.warehouse_path)
    from .record import reextract_all
    from .runtime import alert_options, deliver, gazetteer_for, load_extractor

    load_extractor(cfg)
    gaz = gazetteer_for(cfg)
    model = cfg.extract.model
    result = reextract_all(
        cfg.warehouse_path,
        extract=lambda text, title: extract_claims(text, gazetteer=gaz, title=title, model=model),
        extractor_version=EXTRACTOR_VERSION,
        channels=[c.name for c in cfg.channels],
        options=alert_options(cfg),
        now=now_utc(),
        only_outdated=not args.all,
        lock_timeout=cfg.lock_timeout,
    )
    print(
        f"{PROG}: reextract: {result.articles} article(s), {result.claims} claim(s), "
        f"{result.alerts_new} new alert(s) (extractor {EXTRACTOR_VERSION})",
        file=sys.stderr,
    )
    report = deliver(cfg) if result.alerts_new else None
    return 1 if report and (report.failed or report.errors) else 0


def cmd_export(args: argparse.Namespace, cfg: Config) -> int:
    from pactwatch.warehouse.db import require_warehouse
    from pactwatch.warehouse.query import export_tables

    require_warehouse(cfg.warehouse_path)
    written = export_tables(cfg.warehouse_path, Path(args.dir), fmt=args.format)
    for path in written:
        print(path)
    return 0


# --- parser -----------------------------------------------------------------

_EXAMPLES = {
    "run": "example:\n  pactwatch run --config pactwatch.toml --source space-news",
    "serve": "examples:\n  pactwatch serve --interval 900\n  pactwatch serve --cron '*/30 * * * *'",
    "deploy": (
        "example (PREFECT_API_URL set to a Prefect server):\n"
        "  pactwatch deploy --pool pactwatch --group east=space-news,wire --group west=agency-feed"
        " --interval 1800\n"
        "then on each worker machine: prefect worker start --pool pactwatch"
    ),
    "extract": (
        "examples:\n  pactwatch extract ../shared/seeds/000_17b73280fd41ee70.txt --kind text --json\n"
        "  pactwatch extract https://example.org/rss.xml --kind feed --follow --json\n"
        "  curl -s https://example.org/story | pactwatch extract - --kind html"
    ),
    "sql": (
        "examples:\n"
        '  pactwatch sql "select coalition, value, low, article_url from member_counts"'
        " --format table\n"
        "  pactwatch sql 'select * from memberships where coalition = $c' -p c ilrs --format json\n"
        "  pactwatch sql --schema\n\n"
        "The connection is a sandboxed reader: statements that would write, read host files,\n"
        "attach databases or load extensions are refused (exit 2)."
    ),
    "alerts": (
        "examples:\n  pactwatch alerts\n  pactwatch alerts --pending --json\n"
        "  pactwatch alerts --since 2026-11-20 --coalition ilrs --kind member_joined --limit 10"
    ),
    "history": "examples:\n  pactwatch history ilrs\n  pactwatch history artemis-accords --json",
    "report": (
        "examples:\n  pactwatch report --out report.html\n"
        "  pactwatch report --out ilrs.html --coalition ilrs --since 2026-01-01"
    ),
    "deliver": "examples:\n  pactwatch deliver --config pactwatch.toml\n  pactwatch deliver --retry-failed",
    "sources": "examples:\n  pactwatch sources\n  pactwatch sources --json",
    "test-alert": "example:\n  pactwatch test-alert --config pactwatch.toml",
    "reextract": "example:\n  pactwatch reextract --config pactwatch.toml",
    "export": "example:\n  pactwatch export out/ --format parquet",
}

_HANDLERS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "run": cmd_run,
    "serve": cmd_serve,
    "deploy": cmd_deploy,
    "extract": cmd_extract,
    "sql": cmd_sql,
    "alerts": cmd_alerts,
    "deliver": cmd_deliver,
    "sources": cmd_sources,
    "test-alert": cmd_test_alert,
    "reextract": cmd_reextract,
    "export": cmd_export,
    "history": cmd_history,
    "report": cmd_report,
}


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="F",
        help="config file (default: ./pactwatch.toml if present, else built-in defaults)",
    )
    loud = common.add_mutually_exclusive_group()
    loud.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show Prefect's own log lines on stderr",
    )
    loud.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines; the summary only when something failed",
    )
    parser = _Parser(
        prog=PROG,
        description="Watch the news for coalition membership and partnership changes.",
        epilog="example:\n  pactwatch run --config pactwatch.toml\n\n"
        "run `pactwatch COMMAND --help` for each command's options and an example.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            parents=[common],
            help=help_text,
            description=help_text,
            epilog=_EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("run", "one pipeline run: fetch, parse, extract, store, detect changes, deliver")
    p.add_argument("--source", action="append", metavar="NAME", help="only this source (repeat)")

    p = add(
        "deploy",
        "Prefect deployments of the run, one per source group, on a process work pool",
    )
    p.add_argument(
        "--pool", default="pactwatch", metavar="NAME", help="work pool (made if missing)"
    )
    p.add_argument(
        "--group",
        action="append",
        metavar="NAME=SRC[,SRC]",
        help="a source group and its sources (repeat); default: one group per source",
    )
    p.add_argument("--prefix", default="pactwatch-", help="deployment name prefix")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cron", metavar="EXPR", help="cron schedule of every deployment")
    g.add_argument("--interval", type=float, metavar="SECONDS", help="seconds between runs")

    p = add("serve", "run the pipeline on a schedule (Prefect serve); Ctrl-C stops")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cron", metavar="EXPR", help="cron schedule, e.g. '*/30 * * * *'")
    g.add_argument(
        "--interval",
        type=float,
        metavar="SECONDS",
        default=3600.0,
        help="seconds between runs (default 3600)",
    )

    p = add("extract", "print what would be extracted from a file, URL or stdin (no database)")
    p.add_argument("target", metavar="PATH|URL|-")
    p.add_argument("--kind", choices=["feed", "html", "text"], help="input kind (default: guess)")
    p.add_argument("--follow", action="store_true", help="for a feed, fetch each item's page")
    p.add_argument("--json", action="store_true", help="one JSON object per article")

    p = add("sql", "read-only SQL against the warehouse")
    p.add_argument("query", metavar="QUERY", nargs="?")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="bind $NAME in the query to VALUE (repeat for more)",
    )
    p.add_argument(
        "--schema",
        action="store_true",
        help="list every table and view with its columns and descriptions",
    )

    p = add("alerts", "list alerts and their delivery state")
    p.add_argument(
        "--pending", action="store_true", help="only alerts not yet delivered everywhere"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per alert")
    p.add_argument("--since", metavar="DATE", help="only alerts raised on or after DATE (UTC)")
    p.add_argument(
        "--coalition", action="append", metavar="SLUG", help="only alerts about SLUG (repeat)"
    )
    p.add_argument("--kind", action="append", choices=ALERT_KINDS, help="only this kind (repeat)")
    p.add_argument("--limit", type=_positive_int, metavar="N", help="only the latest N alerts")

    p = add("sources", "every source: runs, failures in a row, last success, last new article")
    p.add_argument("--json", action="store_true", help="one JSON object per source")

    add("test-alert", "send a test notification through every channel; says which worked")

    p = add("deliver", "retry pending deliveries now")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="first put deliveries that gave up (max_attempts) back to pending",
    )

    p = add("reextract", "re-run extraction over stored articles; no alert is sent twice")
    p.add_argument(
        "--all",
        action="store_true",
        help="every article, not only those read by an older extractor",
    )

    p = add("export", "write the warehouse tables to a folder for other tools")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet")

    p = add("history", "a coalition's count timeline and roster changes, newest last")
    p.add_argument("slug", metavar="SLUG", help="coalition id, e.g. ilrs or artemis-accords")
    p.add_argument("--since", metavar="DATE", help="only claims dated on or after DATE (UTC)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = add("report", "write one self-contained HTML report (charts, rosters, alerts, sources)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the report")
    p.add_argument("--since", metavar="DATE", help="timelines and alerts from DATE on (UTC)")
    p.add_argument(
        "--coalition", action="append", metavar="SLUG", help="only this coalition (repeat)"
    )
    return parser


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)


def _version() -> str:
    from pactwatch import __version__

    return __version__


def _quiet_prefect(verbose: bool = False) -> None:
    # Prefect's own chatter is noise on a terminal run; users can turn it back on.
    # Our one-line messages and the run summary say what happened; Prefect's console
    # handler would add tracebacks for failures we already report. The API log
    # handler keeps everything for the Prefect UI.
    if verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")


def main(argv: Sequence[str] | None = None) -> int:
    """The `pactwatch` command; `argv` defaults to the process's own arguments.

    Called that way (the console script, `python -m pactwatch.flows.cli`), the process
    ends with the command, so it then skips the interpreter's last garbage collection:
    with the spaCy model and Prefect loaded that took 1.5 to 2 s after a run had
    finished, longer than a rerun over 100 unchanged feeds spent fetching them.
    `gc.freeze()` leaves those objects to the process's end (every file and connection
    is closed by then: each is opened in a `with` block). Called with arguments (tests,
    other programs), the interpreter goes on as usual.
    """
    code = _main(argv)
    if argv is None:
        gc.freeze()
    return code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "sql" and args.query is None and not args.schema:
        _subparser(parser, "sql").error("give a QUERY, or --schema")
    if args.command == "run":
        _quiet_prefect(args.verbose)
    try:
        cfg = load_config(args.config)
        if args.command in ("run", "serve"):
            from .prefect_api import use_warehouse_home

            # Before Prefect is imported: its history goes next to the warehouse
            # (a DuckLake's: next to its configuration).
            use_warehouse_home(cfg.local_anchor)
        return _HANDLERS[args.command](args, cfg)
    except PactwatchError as exc:
        say("error", str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        say("error", "interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
