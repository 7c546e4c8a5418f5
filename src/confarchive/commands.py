"""What each subcommand does, given parsed arguments. The parser and exit-code mapping are in cli.py.

``Session`` builds what a command that reads the web needs (settings, the HTTP boundary with the
user's cookies, a pool of browsers started only if a page needs one) and closes it all at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path

from .archive import Layout
from .browsers import BrowserPool
from .cluster import ClusterHostLimiter, DaskExecutors, connect, parse_address
from .discover import Discoverer, is_listing
from .dryrun import dry_run
from .errors import UsageError
from .executors import Executors
from .index import dumps, resolved_entry, write_index
from .inputs import read_refs
from .model import TalkRef
from .net import Http
from .pipeline import Pipeline, Summary
from .probe import require_tool
from .progress import Reporter
from .resolvers import Resolver, talk_key
from .selection import Selection
from .serve import serve
from .settings import Settings, load_settings
from .store import Manifest
from .talkwork import StageCallback, WorkContext


def _settings(args: argparse.Namespace) -> Settings:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    output = getattr(args, "output", None)
    paper = False if getattr(args, "no_paper", False) else None
    layout = getattr(args, "layout", None)
    return load_settings(
        args.config, archive_dir=Path(output) if output else None, jobs=jobs, paper=paper, layout=layout
    )


def _cookies(path: str | None) -> MozillaCookieJar | None:
    if path is None:
        return None
    jar = MozillaCookieJar(path)
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (OSError, LoadError) as exc:
        raise UsageError(f"cannot read cookies from {path}: {exc} (a Netscape cookies.txt is expected)") from exc
    return jar


@dataclass(frozen=True)
class Session:
    settings: Settings
    http: Http
    browsers: BrowserPool | None
    log: logging.Logger

    def resolver(self) -> Resolver:
        return Resolver(self.http, self.settings, self.browsers.render if self.browsers else None)

    def discoverer(self) -> Discoverer:
        return Discoverer(self.http, (lambda url: self.browsers.render(url)[0]) if self.browsers else None)


@contextmanager
def session(args: argparse.Namespace, log: logging.Logger, settings: Settings | None = None) -> Iterator[Session]:
    settings = settings or _settings(args)
    cookies = _cookies(getattr(args, "cookies", None))
    http = Http(settings.network, settings.rewrites, cookies)
    browsers = None if getattr(args, "no_browser", False) else BrowserPool(settings, http.rewriter, cookies, log)
    try:
        yield Session(settings, http, browsers, log)
    finally:
        if browsers is not None:
            browsers.close()
        http.close()


def _read_input(path: str | None) -> list[str]:
    if path is None:
        return []
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read input list {path}: {exc.strerror}") from exc


def _expand_listings(refs: list[TalkRef], s: Session) -> list[TalkRef]:
    """Listing pages in the input become their talks (once each, in the listing's order)."""
    out: dict[str, TalkRef] = {}
    for ref in refs:
        if not is_listing(ref.url):
            out.setdefault(ref.url, ref)
            continue
        listed = s.discoverer().discover(ref.url)
        s.log.info("%s lists %d talk(s)", ref.url, len(listed))
        for item in listed:
            out.setdefault(item.url, TalkRef(item.url, talk_key(item.url), item.title))
    return list(out.values())


def cmd_archive(args: argparse.Namespace, log: logging.Logger) -> int:
    settings = _settings(args)
    selection = Selection.parse(args.match, args.limit)
    refs, rejected = read_refs(_read_input(args.input), args.urls)
    for bad in rejected:
        print(bad.message(), file=sys.stderr)
    if not refs:
        raise UsageError("nothing to archive: give talk URLs or -i FILE")
    with session(args, log, settings) as s:
        refs = _expand_listings(refs, s)
        if args.dry_run:
            failures = dry_run(refs, s.resolver(), selection, settings.jobs, sys.stdout, log)
            return 0 if not failures and not rejected else 1
        summary = run_pipeline(s, refs, selection, quiet=args.quiet, strict=args.strict, executor=args.executor)
    return 0 if summary.ok and not rejected else 1


def run_pipeline(
    s: Session, refs: list[TalkRef], selection: Selection, quiet: bool, strict: bool = False, executor: str = "local"
) -> Summary:
    """The archive run shared by ``archive`` and ``retry``."""
    require_tool("ffmpeg", s.settings.tools.ffmpeg)
    require_tool("ffprobe", s.settings.tools.ffprobe)
    layout = Layout(s.settings.archive_dir)
    reporter = Reporter(total=selection.limit or len(refs), log=s.log, quiet=quiet)
    render = s.browsers.render if s.browsers else None
    # workers on other machines resolve the archive folder themselves: give them an absolute path
    settings = dataclasses.replace(s.settings, archive_dir=layout.root)
    ctx = WorkContext(settings, layout, s.http, s.log, on_bytes=reporter.bytes, render=render)
    address = parse_address(executor)
    client = connect(address) if address else None
    executors: Callable[[StageCallback], Executors] | None = None
    if client is not None:
        net = settings.network
        run = uuid.uuid4().hex[:12]
        s.http.limiter = ClusterHostLimiter(
            net.per_host_connections, net.min_interval_s, run, client.scheduler, client.loop
        )
        cookies = s.http.session.cookies

        def executors(stage: StageCallback) -> DaskExecutors:  # stages come back with the results
            return DaskExecutors(client, ctx, cookies, settings.jobs, run)

    try:
        summary = Pipeline(ctx, reporter, selection, executors=executors, strict=strict).run(refs)
    except KeyboardInterrupt:
        reporter.close()
        s.log.warning("interrupted; run the same command again to resume (finished work is kept)")
        raise
    finally:
        reporter.close()
        if client is not None:
            client.close()
    s.log.info(
        "archived %d talk(s), %d already done, %d failed; archive: %s",
        summary.done, summary.skipped, len(summary.failed), layout.root,
    )  # fmt: skip
    for url, error in summary.failed:
        s.log.warning("FAILED %s: %s", url, error)
    if summary.halted:
        s.log.error("the run stopped early: %s", summary.halted)
    return summary


def cmd_discover(args: argparse.Namespace, log: logging.Logger) -> int:
    selection = Selection.parse(args.match, args.limit)
    with session(args, log) as s:
        listed = s.discoverer().discover(args.url)
    chosen = [item for item in listed if selection.matches(item.url, item.title)][: selection.limit]
    sys.stdout.write("".join(f"{item.url}\n" for item in chosen))
    log.info("%d talk(s) on %s", len(chosen), args.url)
    return 0 if chosen else 1


def cmd_resolve(args: argparse.Namespace, log: logging.Logger) -> int:
    with session(args, log) as s:
        talk = s.resolver().resolve(args.url)
    if args.json:
        sys.stdout.write(dumps(resolved_entry(talk)).decode("utf-8"))
    else:
        print(f"{talk.title}\n  key: {talk.key}\n  authors: {', '.join(talk.authors) or '-'}")
        print(f"  conference: {talk.conference or '-'}\n  media: {talk.media.kind} {talk.media.url}")
        print(f"  slides: {len(talk.slides)}")
    return 0


def _existing_archive(args: argparse.Namespace) -> tuple[Settings, Layout]:
    settings = _settings(args)
    layout = Layout(settings.archive_dir)
    if not layout.manifest.is_file():
        raise UsageError(f"{layout.root} is not a confarchive archive (no {layout.manifest})")
    return settings, layout


def cmd_status(args: argparse.Namespace, log: logging.Logger) -> int:
    _, layout = _existing_archive(args)
    with Manifest(layout.manifest) as store:
        rows = store.rows()
    counts = Counter(r.status for r in rows)
    size = sum(p.stat().st_size for p in layout.root.rglob("*") if p.is_file())
    print(f"archive: {layout.root}")
    states = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("done", "failed", "pending"))
    print(f"talks: {states} ({len(rows)} in all)")
    stages = Counter(r.stage for r in rows if r.status == "pending")
    if stages:
        print("pending by stage: " + ", ".join(f"{n} {stage}" for stage, n in sorted(stages.items())))
    print(f"on disk: {_human(size)}")
    for row in rows:
        if row.status == "failed":
            print(f"failed: {row.source_url}: {row.last_error} (attempts: {row.attempts})")
    return 0


def _human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TiB"


def cmd_retry(args: argparse.Namespace, log: logging.Logger) -> int:
    settings, layout = _existing_archive(args)
    with Manifest(layout.manifest) as store:
        failed = [r for r in store.rows() if r.status == "failed"]
    if not failed:
        log.info("no failed talks in %s: nothing to retry", layout.root)
        return 0
    refs = [TalkRef(r.source_url, None if r.key.startswith("url:") else r.key) for r in failed]
    with session(args, log, settings) as s:
        summary = run_pipeline(s, refs, Selection(), quiet=args.quiet, executor=args.executor)
    return 0 if summary.ok else 1


def cmd_serve(args: argparse.Namespace, log: logging.Logger) -> int:
    _, layout = _existing_archive(args)
    serve(
        layout.root,
        args.port,
        args.host,
        ready=lambda url: log.info("serving %s at %s (Ctrl-C to stop)", layout.root, url),
    )
    return 0


def cmd_index(args: argparse.Namespace, log: logging.Logger) -> int:
    _, layout = _existing_archive(args)
    with Manifest(layout.manifest) as store:
        changed = write_index(layout, store.rows())
    log.info("index %s", "rewritten" if changed else "unchanged")
    return 0


COMMANDS = {
    "archive": cmd_archive, "discover": cmd_discover, "resolve": cmd_resolve, "status": cmd_status,
    "retry": cmd_retry, "index": cmd_index, "serve": cmd_serve,
}  # fmt: skip
