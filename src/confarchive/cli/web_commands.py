"""The commands that read the web: ``archive``, ``retry``, ``resolve``, ``discover``. Each opens one
run context (``run/context.py``) and closes it at the end; the parser and exit codes are in ``main.py``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from ..archive.index import dumps, paper_json, resolved_entry
from ..archive.manifest import Manifest
from ..core.errors import ConfarchiveError, ErrorKind, UsageError
from ..core.inputs import argument_url, read_refs
from ..core.layout import absolute_archive
from ..core.model import TalkRef
from ..core.settings import Settings, load_settings
from ..media.probe import require_tool
from ..reading.ids import paper_id
from ..run.context import RunContext, open_run
from ..run.dryrun import dry_run
from ..run.executors import LocalStages, QueuedEvents
from ..run.ocrstage import OcrPool
from ..run.pipeline import Pipeline, Summary
from ..run.progress import Reporter
from ..run.selection import Selection
from ..run.stages import WorkContext
from ..run.transcribestage import Tally, model_spec
from ..text.ocr import require_tesseract
from ..text.whisper import Transcriber, require_engine


def settings_of(args: argparse.Namespace) -> Settings:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    output = getattr(args, "output", None)
    paper = False if getattr(args, "no_paper", False) else None
    layout = getattr(args, "layout", None)
    merge_jobs = getattr(args, "merge_jobs", None)
    if merge_jobs is not None and merge_jobs < 1:
        raise UsageError("--merge-jobs must be at least 1")
    settings = load_settings(
        args.config, archive_dir=Path(output) if output else None, jobs=jobs, paper=paper, layout=layout,
        merge_jobs=merge_jobs,
    )  # fmt: skip
    if getattr(args, "ocr", False) and not settings.ocr.enabled:
        settings = replace(settings, ocr=replace(settings.ocr, enabled=True))
    return _with_transcription(args, settings)


def _with_transcription(args: argparse.Namespace, settings: Settings) -> Settings:
    """``--transcribe[=missing|all]`` and ``--whisper-model`` over the ``[transcribe]`` configuration."""
    talks: str | None = getattr(args, "transcribe", None)
    model: str | None = getattr(args, "whisper_model", None)
    stt = settings.transcribe
    if talks is not None:
        stt = replace(stt, enabled=True, talks=talks)
    if model is not None:
        if not model.strip():
            raise UsageError("--whisper-model needs a model name or a model directory")
        if hasattr(args, "transcribe") and not stt.enabled:
            raise UsageError("--whisper-model is for transcripts: add --transcribe (or [transcribe] enabled = true)")
        stt = replace(stt, model=model)
    return replace(settings, transcribe=stt)


def _open(args: argparse.Namespace, log: logging.Logger, settings: Settings) -> AbstractContextManager[RunContext]:
    listings = tuple(getattr(args, "listings", None) or ())
    return open_run(
        settings, log, cookies=getattr(args, "cookies", None), browser=not getattr(args, "no_browser", False),
        executor=getattr(args, "executor", "local"), listings=listings,
    )  # fmt: skip


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
    settings = settings_of(args)
    selection = Selection.parse(args.match, args.limit)
    refs, rejected = read_refs(_read_input(args.input), args.urls)
    for bad in rejected:
        print(bad.message(), file=sys.stderr)
    if not refs:
        raise UsageError("nothing to archive: give talk URLs or -i FILE")
    papers = [r.url for r in refs if paper_id(r.url) is not None]
    if papers and not args.listings:
        raise UsageError(
            f"{len(papers)} paper(s) to look up, but no listing to look them up in: give the conference's listing "
            f"with --from LISTING_URL (its papers.html); the first: {papers[0]}"
        )
    if settings.ocr.enabled:  # before anything is downloaded: the install hint, not a failure per talk
        require_tesseract(settings.ocr.tessdata or None, settings.ocr.lang)
    with _open(args, log, settings) as run:
        if args.dry_run:
            failures = dry_run(refs, run.resolver(), selection, settings.jobs, sys.stdout, log)
            return 0 if not failures and not rejected else 1
        summary = run_pipeline(run, refs, selection, quiet=args.quiet, strict=args.strict)
    return 0 if summary.ok and summary.transcripts.ok and not rejected else 1


def run_pipeline(
    run: RunContext, refs: Sequence[TalkRef], selection: Selection, quiet: bool, strict: bool = False
) -> Summary:
    """The archive run shared by ``archive`` and ``retry``."""
    require_tool("ffmpeg", run.settings.tools.ffmpeg)
    require_tool("ffprobe", run.settings.tools.ffprobe)
    settings = absolute_archive(run.settings)
    ocr = OcrPool(settings) if settings.ocr.enabled else None
    stt = settings.transcribe if settings.transcribe.enabled else None
    if stt is not None:
        require_engine()  # the install hint before anything is downloaded, not an error per talk
    transcriber = Transcriber(model_spec(stt), run.log) if stt is not None and run.cluster is None else None
    layout = run.layout
    reporter = Reporter(total=selection.limit or len(refs), log=run.log, quiet=quiet)
    events = QueuedEvents(reporter.bytes)
    jobs = settings.jobs
    if run.cluster is not None:
        stages = run.cluster.stages(run.resolver(), events, run.cancel, jobs)
    else:
        ctx = WorkContext(settings, layout, run.http, run.log, run.cancel, events, ocr, transcriber)
        stages = LocalStages(run.resolver(), ctx, jobs)
    pipeline = Pipeline(
        layout, stages, events, reporter, run.log, selection, jobs, strict, ocr=ocr is not None, transcribe=stt
    )
    try:
        summary = pipeline.run(refs)
    except KeyboardInterrupt:
        run.log.warning("interrupted; run the same command again to resume (finished work is kept)")
        raise
    finally:
        reporter.close()
        if ocr is not None:
            ocr.close()
        if transcriber is not None:
            transcriber.close()
    run.log.info(
        "archived %d talk(s), %d already done, %d failed; archive: %s",
        summary.done, summary.skipped, len(summary.failed), layout.root,
    )  # fmt: skip
    for url, message, kind in summary.failed:
        run.log.warning("FAILED (%s) %s: %s", kind.value, url, message)
    if summary.unmatched:
        run.log.warning(
            "%d paper(s) of the reading lists have no talk in the listings given (named above)", summary.unmatched
        )
    if summary.halted:
        run.log.error("the run stopped early: %s", summary.halted)
    if stt is not None:
        report_transcripts(summary.transcripts, run.log)
    return summary


def report_transcripts(tally: Tally, log: logging.Logger) -> None:
    """What speech to text came to, apart from the talks (a talk without a transcript is still done)."""
    silent = f" ({tally.silent} without speech)" if tally.silent else ""
    log.info("transcribed %d talk(s)%s, %d transcription(s) failed", tally.transcribed, silent, len(tally.failed))
    for url, message in tally.failed:
        log.warning("NO TRANSCRIPT %s: %s", url, message)
    if tally.unavailable is not None:
        log.error("no transcripts: %s", tally.unavailable)


def cmd_retry(args: argparse.Namespace, log: logging.Logger) -> int:
    """Retry the failed talks: transient and internal failures by default, permanent ones with --all."""
    settings = settings_of(args)
    layout_root = Path(settings.archive_dir)
    manifest = layout_root / ".confarchive" / "manifest.sqlite"
    if not manifest.is_file():
        raise UsageError(f"{layout_root} is not a confarchive archive (no {manifest})")
    with Manifest(manifest) as store:
        failed = [r for r in store.rows() if r.status == "failed"]
    permanent = [r for r in failed if r.error_kind == ErrorKind.PERMANENT.value]
    chosen = failed if args.all else [r for r in failed if r.error_kind != ErrorKind.PERMANENT.value]
    left = [] if args.all else permanent
    if left:
        log.warning("not retrying %d permanent failure(s) (--all retries them too):", len(left))
        for row in left:
            log.warning("  permanent: %s: %s", row.source_url, row.last_error)
    if not chosen:
        log.info("no failed talks to retry in %s", layout_root)
        return 1 if left else 0
    refs = [TalkRef(r.source_url, None if r.key.provisional else r.key) for r in chosen]
    with _open(args, log, settings) as run:
        summary = run_pipeline(run, refs, Selection(), quiet=args.quiet)
    return 0 if summary.ok and summary.transcripts.ok and not left else 1


def cmd_discover(args: argparse.Namespace, log: logging.Logger) -> int:
    selection = Selection.parse(args.match, args.limit)
    with _open(args, log, settings_of(args)) as run:
        expansion = run.resolver().expand(TalkRef(argument_url(args.url)))
    if not expansion.listed:
        if expansion.papers:
            raise ConfarchiveError(f"no paper of {args.url} has a talk in {', '.join(args.listings)}")
        raise ConfarchiveError(f"{args.url} is not a listing: it holds {len(expansion.talks)} talk(s) itself")
    chosen = [ref for ref in expansion.listed if selection.matches(ref.url, ref.title)][: selection.limit]
    sys.stdout.write("".join(f"{ref.url}\n" for ref in chosen))
    log.info("%d talk(s) on %s", len(chosen), args.url)
    return 0 if chosen else 1


def cmd_resolve(args: argparse.Namespace, log: logging.Logger) -> int:
    """Every talk a URL holds (resolved) and what it lists; nothing is downloaded."""
    with _open(args, log, settings_of(args)) as run:
        resolver = run.resolver()
        expansion = resolver.expand(TalkRef(argument_url(args.url)))
        talks = [resolver.resolve(ref) for ref in expansion.talks]
    if args.json:
        listed = [{"url": r.url, "title": r.title, "key": str(r.key) if r.key else None} for r in expansion.listed]
        payload: dict[str, object] = {"url": args.url, "talks": [resolved_entry(t) for t in talks], "listed": listed}
        if expansion.papers:
            payload["papers"] = [paper_json(link) for link in expansion.papers]
        if expansion.collection is not None:
            payload["title"] = expansion.collection.title
        sys.stdout.write(dumps(payload).decode("utf-8"))
        return 0
    for talk in talks:
        print(f"{talk.title}\n  key: {talk.key}\n  authors: {', '.join(talk.authors) or '-'}")
        print(f"  conference: {talk.conference or '-'}\n  media: {talk.media.kind} {talk.media.url}")
        print(f"  slides: {len(talk.slides)}")
    for link in expansion.papers:
        print(f"{link.url or link.title}\n  -> {link.talk_url or '-'} ({link.method}{_score(link.score)})")
    if expansion.listed:
        print(f"lists {len(expansion.listed)} talk(s): confarchive discover {args.url}")
    return 0


def _score(score: float | None) -> str:
    return f", {score:.1f}" if score is not None else ""
