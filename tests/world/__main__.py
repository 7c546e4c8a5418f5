"""``python -m tests.world serve --config-out F --urls-out U``: run the fixture world until stopped.

Binds 127.0.0.1 on a free port, writes the confarchive configuration (URL rewrites) to F and the
sample conference's talk URLs to U, prints the base URL, and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from pathlib import Path

from . import World


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.world")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the sample conference on 127.0.0.1")
    serve.add_argument("--config-out", required=True, type=Path, help="write the rewrite config here")
    serve.add_argument("--urls-out", required=True, type=Path, help="write the talk URLs here")
    serve.add_argument("--cache", type=Path, help="where generated media are kept (default: a temp dir)")
    args = parser.parse_args(argv)

    cache = args.cache or Path(tempfile.mkdtemp(prefix="confarchive-world-"))
    world = World(cache).start()
    args.config_out.write_text(world.config_toml())
    args.urls_out.write_text("\n".join(world.urls()) + "\n")
    print(f"fixture world serving at {world.base}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    world.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
