"""The core every job may use: the values that pass between stages (``model``, ``entry``, ``outcome``),
``errors``, ``settings``, the archive folder's ``layout``, the one HTTP boundary (``net``, ``politeness``), ``inputs``.

It imports nothing of confarchive outside ``core/``.
"""
