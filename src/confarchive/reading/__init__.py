"""Reading lists: paper links in, listing entries out (issue 22's pure core).

``posts.read_post`` turns a post (HTML or text) into its papers in order; ``ids.paper_id`` names a
paper from its URL without a request; ``listing.Listing.from_json`` reads a MiniConf ``papers.json``;
``matching.match`` finds each paper's entry by id, then by title (``titles``), else says why not.

A leaf: it imports nothing of confarchive (stdlib, rapidfuzz, beautifulsoup4 only), so any job may use
it; ``sites/papers.py`` reads the ``--from`` listings and wires it into what a URL holds.
"""
