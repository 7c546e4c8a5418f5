"""Listing pages of the fixture world, and the SlidesLive embed script that draws the player.

- ICLR 2020 ``papers.html``: EMPTY in static HTML (``<div class="cards row"></div>``); its script
  fetches ``papers.json`` (ICLR shape: ``[{"id", "forum", "content": {...}}]``) and draws one card per
  paper, shuffled on every load, exactly the thing people copied out of the inspector by hand.
- NeurIPS 2021 ``papers.html?filter=titles``: server-rendered ``<li><a href="/virtual/2021/poster/N">``,
  mixed with login links, over two pages (the second repeats one talk).
"""

from __future__ import annotations

import json
from html import escape

from .catalog import FixtureTalk

EMBED_JS = """(function () {
  // What https://slideslive.com/embed_presentation.js does: draw the player iframe into the container.
  function SlidesLiveEmbed(containerId, options) {
    var container = document.getElementById(containerId);
    var query = 'embed_parent_url=' + encodeURIComponent(window.location.href) +
      '&embed_origin=' + encodeURIComponent(window.location.origin) +
      '&embed_container_id=' + encodeURIComponent(containerId) +
      '&auto_play=' + (options.autoPlay ? 'true' : 'false');
    var iframe = document.createElement('iframe');
    iframe.src = 'https://slideslive.com/embed/presentation/' + options.presentationId + '?' + query;
    iframe.setAttribute('allowfullscreen', '');
    iframe.style.width = '100%';
    container.appendChild(iframe);
  }
  window.SlidesLiveEmbed = SlidesLiveEmbed;
})();
"""

MINICONF_PAPERS_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" /><title>ICLR: Papers</title></head>
<body>
<div class="container">
  <input type="text" class="typeahead_all" placeholder="Search" />
  <div class="cards row"></div>
</div>
<script>
  fetch('papers.json').then(function (r) { return r.json(); }).then(function (papers) {
    // Mini-Conf shuffles the cards on every load.
    for (var i = papers.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = papers[i]; papers[i] = papers[j]; papers[j] = t;
    }
    var cards = document.querySelector('.cards');
    papers.forEach(function (paper) {
      var card = document.createElement('div');
      card.className = 'pp-card';
      var link = document.createElement('a');
      link.href = 'poster_' + paper.forum + '.html';
      var title = document.createElement('h5');
      title.className = 'card-title';
      title.textContent = paper.content.title;
      link.appendChild(title);
      card.appendChild(link);
      cards.appendChild(card);
    });
  });
</script>
</body>
</html>
"""


def iclr_papers_json(talks: list[FixtureTalk]) -> bytes:
    return json.dumps(
        [
            {"id": t.forum, "forum": t.forum, "content": {"title": t.title, "authors": list(t.authors),
             "keywords": [], "abstract": f"Abstract of {t.title}.", "iclr_id": t.forum}}
            for t in talks
        ]
    ).encode()  # fmt: skip


def neurips_papers_page(talks: list[FixtureTalk], page: int, pages: int) -> bytes:
    items = []
    for talk in talks:
        items.append(f'<li><a href="/virtual/2021/poster/{talk.forum}">{escape(talk.title)}</a></li>')
        items.append(f'<li><a href="/accounts/login?nextp=/virtual/2021/poster/{talk.forum}">Log in to chat</a></li>')
    nav = []
    if page > 1:
        nav.append(f'<a href="?filter=titles&page={page - 1}">Previous</a>')
    if page < pages:
        nav.append(f'<a href="?filter=titles&page={page + 1}">Next</a>')
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>NeurIPS 2021 Papers</title></head>\n'
        '<body><a href="/accounts/login?nextp=/virtual/2021/papers.html">Log in</a>\n'
        f'<ul class="paper-list">\n{chr(10).join(items)}\n</ul>\n<nav>{" ".join(nav)}</nav>\n</body></html>\n'
    )
    return html.encode()
