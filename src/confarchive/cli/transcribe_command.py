"""``confarchive transcribe``: speech to text for the talks of an archive made without ``--transcribe``.

The same job as ``archive --transcribe`` (``run/transcribestage.py``), recorded the same way, so the
two never transcribe a talk twice between them. No network unless a model named by ``--whisper-model``
has to be downloaded first. Ctrl-C stops the running transcriptions; the finished ones are kept.
"""

from __future__ import annotations

import argparse
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import replace

from ..archive.catalog import Catalog
from ..archive.index import write_index
from ..archive.manifest import Manifest
from ..core.layout import absolute_archive
from ..run.outputs import is_finished
from ..run.selection import Selection
from ..run.transcribestage import Transcribed, TranscribeJob, Transcriptions, model_spec, transcribe_talk
from ..text.search import SearchIndex
from ..text.whisper import Transcriber, require_engine
from .folder_commands import existing_archive
from .web_commands import report_transcripts, settings_of

MODEL_MISSING = 2  # exit code: as a missing program


def cmd_transcribe(args: argparse.Namespace, log: logging.Logger) -> int:
    settings = absolute_archive(settings_of(args))
    stt = replace(settings.transcribe, enabled=True, talks="all" if args.all else settings.transcribe.talks)
    settings = replace(settings, transcribe=stt)
    require_engine()
    layout = existing_archive(args)
    selection = Selection.parse(args.match, None)
    with Manifest(layout.manifest) as store:
        chosen = [
            row.entry for row in store.rows()
            if row.entry is not None and is_finished(layout, row) and selection.matches(row.source_url, row.entry.title)
        ]  # fmt: skip
        cancel = threading.Event()
        transcriber = Transcriber(model_spec(stt), log)
        with ThreadPoolExecutor(stt.jobs, thread_name_prefix="transcribe") as pool:

            def submit(job: TranscribeJob) -> Future[Transcribed]:
                return pool.submit(transcribe_talk, job, layout, settings, transcriber, log, cancel)

            queue = Transcriptions(stt, submit, log)
            wanted = [entry for entry in chosen if queue.job(entry, store, layout) is not None]
            if not wanted:
                log.info("no talk of %s waits for a transcript", layout.root)
                return 0
            if not queue.check_model():
                return MODEL_MISSING
            with SearchIndex(layout) as search:
                try:
                    for entry in wanted:
                        queue.offer(entry, store, layout)
                    for future in as_completed(list(queue.running)):
                        queue.completed(future, store, search)
                except KeyboardInterrupt:
                    cancel.set()  # the running transcriptions stop within a segment; finished ones are kept
                    raise
                finally:
                    if queue.changed:
                        write_index(layout, Catalog.read(store), search)
                    transcriber.close()
    report_transcripts(queue.tally, log)
    return MODEL_MISSING if queue.tally.unavailable is not None else 0 if queue.tally.ok else 1
