"""The one browser boundary: headless Chromium through Selenium (``chromium.py``), URL rewrites and
cookies inside it through DevTools (``devtools.py``), and one browser per worker thread (``pool.py``)."""

from .chromium import INSTALL_HINT, Browser, RenderedPage
from .pool import BrowserPool

__all__ = ["INSTALL_HINT", "Browser", "BrowserPool", "RenderedPage"]
