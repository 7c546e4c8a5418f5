"""The commands that only read an archive folder: ``status``, ``index``, ``serve``. No network."""

from __future__ import annotations

import argparse
import json
import logging
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from ..archive.catalog import Catalog
from ..archive.index import write_index
from ..archive.manifest import Manifest, Row
from ..core.entry import TalkEntry
from ..core.errors import ConfarchiveError, UsageError
from ..core.layout import Layout
from ..core.outcome import TalkResult
from ..run.executors import merge_workers
from ..run.ocrstage import OcrPool, needs_ocr, ocr_talk
from ..run.progress import Reporter
from ..text.ocr import require_tesseract
from ..text.search import SearchIndex
from .web_commands import settings_of


def existing_archive(args: argparse.Namespace) -> Layout:
    layout = Layout(settings_of(args).archive_dir)
    if not layout.manifest.is_file():
        raise UsageError(f"{layout.root} is not a confarchive archive (no {layout.manifest})")
    return layout


def _human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TiB"


def cmd_status(args: argparse.Namespace, log: logging.Logger) -> int:
    layout = existing_archive(args)
    with Manifest(layout.manifest) as store:
        rows = store.rows()
        transcripts = store.transcripts()
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
            kind = row.error_kind or "unknown"
            print(f"failed ({kind}): {row.source_url}: {row.last_error} (attempts: {row.attempts})")
    if transcripts:
        done = [t for t in transcripts if t.state == "done"]
        silent = sum(t.vtt is None for t in done)
        failed = [t for t in transcripts if t.state != "done"]
        print(f"transcripts: {len(done)} done ({silent} without speech), {len(failed)} failed")
        urls = {r.key: r.source_url for r in rows}
        for t in failed:
            print(f"no transcript: {urls.get(t.key, t.key)}: {t.error}")
    return 0


def cmd_index(args: argparse.Namespace, log: logging.Logger) -> int:
    """index.json, index.html and the search index, from the manifest (and the talks' subtitle files)."""
    layout = existing_archive(args)
    with Manifest(layout.manifest) as store, SearchIndex(layout) as search:
        catalog = Catalog.read(store)
        indexed = search.rebuild([catalog.entry(r) for r in catalog.rows if r.status == "done"])
        changed = write_index(layout, catalog, search)
    log.info("index %s; %d talk(s) (re)indexed for search", "rewritten" if changed else "unchanged", indexed)
    return 0


def cmd_search(args: argparse.Namespace, log: logging.Logger) -> int:
    """One line per hit: title | where | snippet | MP4; exit 1 when nothing matches."""
    layout = existing_archive(args)
    query = " ".join(args.query)
    if not query.strip():
        raise UsageError("nothing to search for")
    with SearchIndex(layout) as search:
        hits = search.search(query, args.limit)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
    for hit in [] if args.json else hits:
        video = str(layout.root / hit.video) if hit.video else "(no video)"
        print(f"{hit.title} | {hit.where} | {hit.snippet} | {video}")
    if not hits:
        log.warning("no match for %s in %s", query, layout.root)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace, log: logging.Logger) -> int:
    from ..archive.serve import serve  # http.server: 11 ms of import that no other command needs

    layout = existing_archive(args)
    serve(
        layout.root, args.port, args.host,
        ready=lambda url: log.info("serving %s at %s (Ctrl-C to stop)", layout.root, url),
    )  # fmt: skip
    return 0


def cmd_ocr(args: argparse.Namespace, log: logging.Logger) -> int:
    """Slide text for the done talks that lack it, several talks at once; Ctrl-C keeps what was read."""
    settings = settings_of(args)
    layout = existing_archive(args)
    require_tesseract(settings.ocr.tessdata or None, settings.ocr.lang)
    with Manifest(layout.manifest) as store:
        todo = [r for r in store.rows() if r.status == "done" and r.entry and needs_ocr(r.entry, layout)]
    if not todo:
        log.info("every slide of %s is read already", layout.root)
        return 0
    pool, cancel = OcrPool(settings), threading.Event()
    reporter = Reporter(total=len(todo), log=log, quiet=args.quiet)
    try:
        with ThreadPoolExecutor(merge_workers(settings.merge_jobs), thread_name_prefix="ocr") as workers:
            futures = {
                workers.submit(ocr_talk, row.entry, layout, pool, settings, log, cancel): row
                for row in todo if row.entry is not None
            }  # fmt: skip
            with Manifest(layout.manifest) as store, SearchIndex(layout) as search:
                try:
                    for future in as_completed(futures):
                        _read_one(futures[future], future, store, search, reporter, log)
                except KeyboardInterrupt:
                    cancel.set()  # the running talks stop between slides; what was read is kept
                    raise
                write_index(layout, Catalog.read(store), search)
    finally:
        reporter.close()
        pool.close()
    return 0


def _read_one(
    row: Row, future: Future[TalkEntry], store: Manifest, search: SearchIndex, reporter: Reporter, log: logging.Logger
) -> None:
    try:
        entry = future.result()
    except ConfarchiveError as exc:
        log.warning("%s: no slide text: %s", row.source_url, exc.one_line())
        return
    except Exception:  # a bug: the other talks go on
        log.exception("internal error while reading the slides of %s; please report this", row.source_url)
        return
    store.update_entry(row.key, entry)
    search.update(entry.with_sources(store.sources_of(row.key)))
    reporter.finished(TalkResult(row.key, row.source_url, entry))
