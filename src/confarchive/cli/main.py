"""Command line: parse, then hand over to ``web_commands`` or ``folder_commands``; map errors to exit codes
(docs/cli.md).

Exit codes: 0 every talk archived; 1 some talk failed or an input line was rejected; 2 usage error
or nothing to do; 130 interrupted. Payloads (``discover``, ``resolve --json``, ``archive --dry-run``)
go to stdout; logs, progress bars, yt-dlp and ffmpeg go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..core.errors import ConfarchiveError, UsageError
from .folder_commands import cmd_index, cmd_ocr, cmd_search, cmd_serve, cmd_status
from .transcribe_command import cmd_transcribe
from .web_commands import cmd_archive, cmd_discover, cmd_resolve, cmd_retry

EXAMPLES = """\
examples:
  confarchive archive https://iclr.cc/virtual_2020/poster_Hklr204Fvr.html
  confarchive archive -i urls.txt -o ~/talks/iclr2020 -j 4
  confarchive discover https://iclr.cc/virtual_2020/papers.html > urls.txt
  confarchive archive https://iclr.cc/virtual_2020/papers.html --match Transformer --limit 5 --dry-run
  confarchive archive -i urls.txt --cookies cookies.txt        # pages behind a login
  confarchive resolve https://slideslive.com/38925850 --json
  confarchive archive highlights.txt --from https://iclr.cc/virtual_2020/papers.html   # a reading list
  confarchive discover https://blog.example/iclr-picks --from https://iclr.cc/virtual_2020/papers.html
  confarchive status -o ~/talks/iclr2020
  confarchive retry -o ~/talks/iclr2020        # transient failures; --all retries permanent ones too
  confarchive search -o ~/talks/iclr2020 '"contrastive loss"'   # the moment it was on a slide or said
  confarchive archive -i urls.txt --transcribe    # speech to text for talks without subtitles (the transcribe extra)

A re-run of the same command resumes: finished talks are skipped without any request, failed and
unfinished ones are tried again. Configuration (URL rewrites, SlidesLive endpoints, network limits)
is read from --config, $CONFARCHIVE_CONFIG or ~/.config/confarchive/config.toml.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file (see README)")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug logs, including yt-dlp's")


def _web(parser: argparse.ArgumentParser) -> None:
    """Options of the commands that read web pages."""
    parser.add_argument(
        "--from", dest="listings", action="append", default=[], metavar="LISTING_URL",
        help="a conference listing (papers.html) to look papers up in: a paper URL (OpenReview, arXiv, ACL "
        "Anthology, PMLR, proceedings) or a reading list of them becomes the talks this listing links them "
        "to, matched by id, else by title; repeatable, each listing read once",
    )  # fmt: skip
    parser.add_argument("--cookies", metavar="FILE", help="Netscape cookies.txt for pages behind a login")
    parser.add_argument("--no-browser", action="store_true", help="never start headless Chromium (static HTML only)")


def _selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--match", metavar="REGEX", help="only talks whose title or URL matches (case-insensitive)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N talks")


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="DIR", default="archive", help="archive folder (default: ./archive)")


def _jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jobs", type=int, metavar="N",
        help="talks downloading at once (default 4); merges run beside them (see --merge-jobs)",
    )  # fmt: skip
    parser.add_argument(
        "--merge-jobs", type=int, metavar="N", help="merges (ffmpeg, OCR) at once (default: one per core)"
    )
    parser.add_argument(
        "--executor", default="local", metavar="local|dask://HOST:PORT",
        help="where fetching and merging run: this machine (default) or a Dask cluster sharing the archive folder",
    )  # fmt: skip


def _whisper_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--whisper-model", metavar="NAME|PATH",
        help="the speech-to-text model: a faster-whisper name (default tiny.en; fetched and cached on first use "
        "where the network allows) or a model directory",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="confarchive",
        description="Archive the talks of virtual conferences (SlidesLive slides + audio, or their videos) as "
        "MP4s with a chapter per slide, an index.json and an offline index.html.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"confarchive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    archive = sub.add_parser(
        "archive",
        help="download and merge talks into the archive folder",
        description="Resolve, download and merge each talk into <DIR>/<Title>/<Title>.mp4. A conference's "
        "listing page (papers.html) expands into its talks; with --from LISTING_URL, a paper URL or a reading "
        "list of papers (a blog post, a text or HTML file) expands into the talks of its papers.",
        epilog="Input lists may hold blank lines, # comments and duplicates; lines that are not "
        "http(s) URLs are reported with their line number and skipped.",
    )
    archive.add_argument(
        "urls", nargs="*", metavar="URL",
        help="poster page, SlidesLive URL, listing page, paper URL or reading list (a URL or a local file)",
    )  # fmt: skip
    archive.add_argument("-i", "--input", metavar="FILE", help="file with one URL per line ('-' for stdin)")
    _output(archive)
    _jobs(archive)
    archive.add_argument("--no-paper", action="store_true", help="do not download the paper PDF linked by the page")
    archive.add_argument(
        "--layout", choices=("slides", "side-by-side", "pip"),
        help="slides: the slides full frame with the audio (default, small files); side-by-side: slides and "
        "the speaker video; pip: the speaker in a corner of the slides (needs a speaker video)",
    )  # fmt: skip
    _selection(archive)
    archive.add_argument("--strict", action="store_true", help="stop at the first talk that fails")
    archive.add_argument(
        "--ocr", action="store_true",
        help="read every slide (Tesseract): chapters named by the slides' headings, a searchable slides PDF, "
        "slide text in search; costs about 0.1 s of CPU a slide, after each talk's MP4 is done",
    )  # fmt: skip
    archive.add_argument(
        "--transcribe", nargs="?", const="missing", choices=("missing", "all"), metavar="all",
        help="speech to text (faster-whisper, offline) for every talk without subtitles of its own, after its MP4 is "
        "done: a WebVTT file beside it, a subtitle track in it, captions in the player, what was said in search; "
        "--transcribe=all also for talks with subtitles (a second track). Needs pip install 'confarchive[transcribe]'",
    )  # fmt: skip
    _whisper_model(archive)
    archive.add_argument(
        "--dry-run", action="store_true", help="list what would be archived (URL, title); download nothing"
    )
    _web(archive)
    _common(archive)

    discover = sub.add_parser(
        "discover", help="print the talk URLs of a conference's listing page (or of a reading list), one a line",
        description="Expand a listing page (MiniConf papers.html, 2021+ virtual/<year>/papers.html) into talk URLs; "
        "with --from LISTING_URL, a reading list (a post or a local file linking papers) into the talks of its "
        "papers, in its order (papers without a talk are reported on stderr).",
    )  # fmt: skip
    discover.add_argument("url", metavar="LISTING_URL|POST")
    _selection(discover)
    discover.add_argument("--dry-run", action="store_true", help="accepted for symmetry: discover downloads nothing")
    _web(discover)
    _common(discover)

    resolve = sub.add_parser(
        "resolve", help="show what would be archived for a URL; downloads nothing",
        description="Resolve one talk URL and print its title, authors, slides and media source.",
    )  # fmt: skip
    resolve.add_argument("url", metavar="URL")
    resolve.add_argument(
        "--json", action="store_true",
        help="print the talks as JSON on stdout (a reading list: each paper with its talk URL, method and score)",
    )  # fmt: skip
    _web(resolve)
    _common(resolve)

    status = sub.add_parser("status", help="what an archive holds: done, failed (with reasons), pending")
    _output(status)
    _common(status)

    retry = sub.add_parser(
        "retry", help="retry the failed talks of an archive (no URL list needed)",
        description="Retry the talks that failed for a reason that may pass (a 5xx, a timeout, a host that "
        "was down). Permanent failures (a 404, a page without video) are listed and left alone unless --all.",
    )  # fmt: skip
    retry.add_argument("--all", action="store_true", help="also retry permanent failures")
    _output(retry)
    _jobs(retry)
    _web(retry)
    _common(retry)

    serve = sub.add_parser(
        "serve", help="serve the archive on 127.0.0.1 (with HTTP Range, so browsers seek large videos)",
        description="Serve the archive folder over HTTP for people who prefer a URL to a file. Opening "
        "index.html from disk works too, except for subtitles, which browsers only load over HTTP.",
    )  # fmt: skip
    _output(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    _common(serve)

    index = sub.add_parser("index", help="rebuild index.json, index.html and the search index from the manifest")
    _output(index)
    _common(index)

    ocr = sub.add_parser(
        "ocr", help="read the slides of an archive's talks (chapters, searchable PDF, search), resumably",
        description="Add slide text to the talks of an archive made without --ocr: each slide is read once "
        "(Tesseract), the MP4's chapters get the slides' headings by a remux (no re-encoding), the slides "
        "PDF gets an invisible text layer, and the search index the text. Stopped, it resumes.",
    )  # fmt: skip
    _output(ocr)
    ocr.add_argument("--merge-jobs", type=int, metavar="N", help="talks read at once (default: one per core)")
    _common(ocr)

    transcribe = sub.add_parser(
        "transcribe", help="speech to text for the talks of an archive (subtitles, captions, search), resumably",
        description="Transcribe the done talks of an archive that have no subtitles of their own (--all: every "
        "talk): a machine WebVTT file beside each MP4, a subtitle track in it (a remux, no re-encoding), captions "
        "in the player and what was said in search. A talk is transcribed once; stopped, it resumes.",
    )  # fmt: skip
    _output(transcribe)
    transcribe.add_argument("--match", metavar="REGEX", help="only talks whose title or URL matches (case-insensitive)")
    transcribe.add_argument("--all", action="store_true", help="also talks with subtitles of their own")
    _whisper_model(transcribe)
    _common(transcribe)

    search = sub.add_parser(
        "search", help="find the moment: titles, authors, abstracts, slide text and subtitles of an archive",
        description="Full-text search (SQLite FTS5, ranked by bm25). One line per hit: the talk, where "
        "(slide 7 at 12:31, said at 14:02), a snippet with the match in [brackets], the MP4.",
        epilog='queries: words (all must match), "an exact phrase", prefix*, AND / OR / NOT, '
        "heading:word for slide headings only. Exit code 1 when nothing matches.",
    )  # fmt: skip
    search.add_argument("query", nargs="+", metavar="QUERY")
    _output(search)
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    _common(search)
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


COMMANDS = {
    "archive": cmd_archive, "discover": cmd_discover, "resolve": cmd_resolve, "status": cmd_status,
    "retry": cmd_retry, "index": cmd_index, "serve": cmd_serve, "search": cmd_search, "ocr": cmd_ocr,
    "transcribe": cmd_transcribe,
}  # fmt: skip


def _bare_transcribe(argv: Sequence[str]) -> list[str]:
    """``--transcribe`` alone is ``--transcribe=missing``: said so before parsing, argparse would take
    the URL after it for the option's value."""
    return ["--transcribe=missing" if arg == "--transcribe" else arg for arg in argv]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(_bare_transcribe(sys.argv[1:] if argv is None else argv))
    log = _configure_logging(args)
    try:
        return COMMANDS[args.command](args, log)
    except UsageError as exc:
        print(f"confarchive: error: {exc}", file=sys.stderr)
        return 2
    except ConfarchiveError as exc:
        print(f"confarchive: error: {exc.one_line()}", file=sys.stderr)
        return 1 if args.command in ("resolve", "discover") else 2
    except KeyboardInterrupt:
        print("confarchive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
