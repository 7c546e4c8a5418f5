"""Command line: parse, build Settings, call the app, map errors to exit codes (contract.md).

Exit codes: 0 every talk archived; 1 some talk failed or an input line was rejected; 2 usage error
or nothing to do; 130 interrupted. Payloads (``resolve --json``) go to stdout, everything else to
stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .archive import Layout
from .errors import ConfarchiveError, UsageError
from .index import dumps, resolved_entry, write_index
from .inputs import read_refs
from .model import TalkRef
from .net import Http
from .pipeline import Pipeline, Summary
from .probe import require_tool
from .progress import Reporter
from .resolvers import Resolver
from .settings import Settings, load_settings
from .store import Manifest
from .talkwork import WorkContext

EXAMPLES = """\
examples:
  confarchive archive https://iclr.cc/virtual_2020/poster_Hklr204Fvr.html
  confarchive archive -i urls.txt -o ~/talks/iclr2020 -j 4
  confarchive resolve https://slideslive.com/38925850 --json
  confarchive status -o ~/talks/iclr2020
  confarchive retry -o ~/talks/iclr2020

A re-run of the same command resumes: finished talks are skipped without any request, failed and
unfinished ones are tried again. Configuration (URL rewrites, SlidesLive endpoints, network limits)
is read from --config, $CONFARCHIVE_CONFIG or ~/.config/confarchive/config.toml.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file (see README)")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug logs, including yt-dlp's")


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="DIR", default="archive", help="archive folder (default: ./archive)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="confarchive",
        description="Archive the talks of virtual conferences (SlidesLive slides + audio) as MP4s "
        "with a chapter per slide, an index.json and an offline index.html.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"confarchive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    archive = sub.add_parser(
        "archive",
        help="download and merge talks into the archive folder",
        description="Resolve, download and merge each talk into <DIR>/<Title>/<Title>.mp4.",
        epilog="Input lists may hold blank lines, # comments and duplicates; lines that are not "
        "http(s) URLs are reported with their line number and skipped.",
    )
    archive.add_argument("urls", nargs="*", metavar="URL", help="poster page or SlidesLive URL")
    archive.add_argument("-i", "--input", metavar="FILE", help="file with one URL per line ('-' for stdin)")
    _output(archive)
    archive.add_argument("-j", "--jobs", type=int, metavar="N", help="talks processed at once (default 2)")
    archive.add_argument("--no-paper", action="store_true", help="do not download the paper PDF linked by the page")
    _common(archive)

    resolve = sub.add_parser(
        "resolve", help="show what would be archived for a URL; downloads nothing",
        description="Resolve one talk URL and print its title, authors, slides and media source.",
    )  # fmt: skip
    resolve.add_argument("url", metavar="URL")
    resolve.add_argument("--json", action="store_true", help="print the talk entry as JSON on stdout")
    _common(resolve)

    status = sub.add_parser("status", help="what an archive holds: done, failed (with reasons), pending")
    _output(status)
    _common(status)

    retry = sub.add_parser("retry", help="retry the failed talks of an archive (no URL list needed)")
    _output(retry)
    retry.add_argument("-j", "--jobs", type=int, metavar="N", help="talks processed at once (default 2)")
    _common(retry)

    index = sub.add_parser("index", help="rebuild index.json and index.html from the manifest")
    _output(index)
    _common(index)
    return parser


def _configure_logging(args: argparse.Namespace) -> logging.Logger:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s" if args.verbose else "%(message)s"))
    log = logging.getLogger("confarchive")
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False
    return log


def _settings(args: argparse.Namespace) -> Settings:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    output = getattr(args, "output", None)
    paper = False if getattr(args, "no_paper", False) else None
    return load_settings(args.config, archive_dir=Path(output) if output else None, jobs=jobs, paper=paper)


def _read_input(path: str | None) -> list[str]:
    if path is None:
        return []
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read input list {path}: {exc.strerror}") from exc


def cmd_archive(args: argparse.Namespace, log: logging.Logger) -> int:
    settings = _settings(args)
    refs, rejected = read_refs(_read_input(args.input), args.urls)
    for bad in rejected:
        print(bad.message(), file=sys.stderr)
    if not refs:
        raise UsageError("nothing to archive: give talk URLs or -i FILE")
    summary = run_pipeline(settings, refs, log, quiet=args.quiet)
    return 0 if summary.ok and not rejected else 1


def run_pipeline(settings: Settings, refs: list[TalkRef], log: logging.Logger, quiet: bool) -> Summary:
    """The archive run shared by ``archive`` and ``retry``."""
    require_tool("ffmpeg", settings.tools.ffmpeg)
    require_tool("ffprobe", settings.tools.ffprobe)
    layout = Layout(settings.archive_dir)
    http = Http(settings.network, settings.rewrites)
    reporter = Reporter(total=len(refs), log=log, quiet=quiet)
    ctx = WorkContext(settings, layout, http, log, on_bytes=reporter.bytes)
    try:
        summary = Pipeline(ctx, reporter).run(refs)
    except KeyboardInterrupt:
        reporter.close()
        log.warning("interrupted; run the same command again to resume (finished work is kept)")
        raise
    finally:
        reporter.close()
        http.close()
    _print_summary(summary, layout, log)
    return summary


def _print_summary(summary: Summary, layout: Layout, log: logging.Logger) -> None:
    log.info(
        "archived %d talk(s), %d already done, %d failed; archive: %s",
        summary.done, summary.skipped, len(summary.failed), layout.root,
    )  # fmt: skip
    for url, error in summary.failed:
        log.warning("FAILED %s: %s", url, error)


def cmd_resolve(args: argparse.Namespace, log: logging.Logger) -> int:
    settings = _settings(args)
    http = Http(settings.network, settings.rewrites)
    try:
        talk = Resolver(http, settings).resolve(args.url)
    finally:
        http.close()
    entry = resolved_entry(talk)
    if args.json:
        sys.stdout.write(dumps(entry).decode("utf-8"))
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
    print(
        "talks: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("done", "failed", "pending"))
        + f" ({len(rows)} in all)"
    )
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
    summary = run_pipeline(settings, refs, log, quiet=args.quiet)
    return 0 if summary.ok else 1


def cmd_index(args: argparse.Namespace, log: logging.Logger) -> int:
    _, layout = _existing_archive(args)
    with Manifest(layout.manifest) as store:
        changed = write_index(layout, store.rows())
    log.info("index %s", "rewritten" if changed else "unchanged")
    return 0


COMMANDS = {
    "archive": cmd_archive, "resolve": cmd_resolve, "status": cmd_status, "retry": cmd_retry, "index": cmd_index,
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log = _configure_logging(args)
    try:
        return COMMANDS[args.command](args, log)
    except UsageError as exc:
        print(f"confarchive: error: {exc}", file=sys.stderr)
        return 2
    except ConfarchiveError as exc:
        print(f"confarchive: error: {exc.one_line()}", file=sys.stderr)
        return 2 if args.command != "resolve" else 1
    except KeyboardInterrupt:
        print("confarchive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
