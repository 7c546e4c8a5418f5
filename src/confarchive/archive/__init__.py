"""The archive folder: names of talk folders and files (``naming``), the manifest (``manifest``), ``index.json``
and the offline player (``index``, ``player``, its assets in ``web/``), and ``serve``.

May import ``core``, and ``text`` (the player's search data comes from the search index).
"""
