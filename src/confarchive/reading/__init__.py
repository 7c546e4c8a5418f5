"""Reading lists: paper links in, listing entries out (issue 22's pure core).

``posts.read_post`` turns a post (HTML or text) into its papers in order; ``ids.paper_id`` names a
paper from its URL without a request; ``listing.Listing.from_json`` reads a MiniConf ``papers.json``;
``matching.match`` finds each paper's entry by id, then by title (``titles``), else says why not.

Self-contained on purpose (stdlib, rapidfuzz, beautifulsoup4): nothing here imports the rest of
confarchive, which wires it into the CLI, the pipeline and the archive's index.
"""
