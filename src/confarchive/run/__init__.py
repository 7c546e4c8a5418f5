"""A run: the context built once (``context``), the coordinator (``pipeline``), one talk's stages (``stages``,
``ocrstage``, ``transcribestage``), where they run (``executors``: threads; ``dask``: a Dask cluster), progress,
the dry run, selection.

May import ``sites``, ``browser``, ``fetch``, ``media``, ``text``, ``archive`` and ``core``; never ``cli``.
"""
