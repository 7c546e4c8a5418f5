"""The one browser boundary: headless Chromium through Selenium (``chromium.py``), URL rewrites and
cookies inside it through DevTools (``devtools.py``), and one browser per worker thread (``pool.py``).

Only the pool is imported here: Selenium comes with ``chromium.py``, when a page first needs a browser.
May import ``core`` only.
"""

from .pool import BrowserPool

__all__ = ["BrowserPool"]
