"""The scripts that draw the fixture listings, and the CDN libraries they load: our own code, written in
the shapes of the real 2020 renderers (docs/sites.md), because the reading code must meet those shapes:

- ICLR: one long multi-line template literal per card, begun by a concatenation (`` `…pp-mode-` + mode +
  ` "> …` ``), the card link on its own line inside it (``<a href="poster_${p.content.iclr_id}.html"``,
  then ``class=…`` on the next line) around the card's title heading; beside it a calendar link template
  (``webcal://…/poster_${p.forum}.${i}.ics``) and keyword links, which are not talks;
- ACL: the same with ``paper_${p.id}.html`` and ``target="_blank"``; the data file named through a
  variable (``"papers.json"``, or ``"track_" + track + ".json"``);
- EMNLP: the card as a string concatenation (``'<a href="paper_' + p.id + '.html"…'``) and a modal's
  link as a short template literal; the data named `` `papers.json` `` or `` `papers_${program}.json` ``;
- Mini-Conf: the link returned by a helper (``API.posterLink``) that the card calls, and the helper's
  class naming several JSON files (config, calendar, papers);
- a demos page: a Handlebars template kept in the page (``<script type="text/x-handlebars-template">``)
  whose cards link ``demo_{{UID}}.html``, compiled by a script that reads ``serve_demos.json``.

The cards come in a random order on every load, as on the real sites. The libraries are small shims
(d3.json, jQuery's ready and get, Handlebars' each) served from ``LIB_HOST`` with Subresource Integrity
and CORS headers, like a real CDN: Chromium refuses an ``integrity`` script without them.
"""

from __future__ import annotations

import base64
import hashlib

_SHUFFLE = """
function shuffle(items) {  // a new order on every load
  for (var i = items.length - 1; i > 0; i--) {
    var j = Math.floor(Math.random() * (i + 1)); var t = items[i]; items[i] = items[j]; items[j] = t;
  }
  return items;
}
function draw(papers, card) {
  var cards = document.querySelector('.cards');
  shuffle(papers).forEach(function (paper) { cards.insertAdjacentHTML('beforeend', card(paper)); });
}
"""

ICLR_PAPERS_JS = (
    _SHUFFLE
    + """
let mode = 'compact';
const topic_link = topic => `<a href="papers.html?filter=keywords&search=${topic}" class="text-secondary">${topic}</a>`;
const card_calendar = (item, n) => `<a class="text-muted" href="webcal://calendar.fixture.invalid/poster_${item.forum}.${n}.ics">&#x1f4c5;</a>`

//language=HTML
const card_markup = item => `
        <div class="pp-card pp-mode-` + mode + ` ">
            <div class="pp-card-header">
                <a href="poster_${item.content.iclr_id}.html"
                   class="text-muted">
                   <h5 class="card-title" align="center"> ${item.content.title} </h5></a>
                <h6 class="card-subtitle text-muted" align="center">
                        ${item.content.authors.join(', ')}
                </h6>
                ${card_calendar(item, 1)}
            </div>
            <div class="pp-card-footer">${item.content.keywords.map(topic_link).join(' ')}</div>
        </div>`

function start() {
  d3.json('papers.json').then(papers => draw(papers, card_markup));
}
"""
)
ACL_PAPERS_JS = (
    _SHUFFLE
    + """
const card_markup = entry => `
        <div class="pp-card pp-mode-list">
            <div class="pp-card-header">
                <a href="paper_${entry.id}.html"
                target="_blank"
                   class="text-muted">
                   <h5 class="card-title" align="center"> ${entry.content.title} </h5></a>
                <h6 class="card-subtitle text-muted" align="center">${entry.content.authors.join(', ')}</h6>
            </div>
        </div>`

function start(track) {
  var data_file;
  if (track === 'All tracks') {
    data_file = "papers.json";
  } else {
    data_file = "track_" + track + ".json";
  }
  d3.json(data_file).then(papers => draw(papers, card_markup));
}
"""
)
EMNLP_PAPERS_JS = (
    _SHUFFLE
    + """
let data_file = "";
function openModal(paper) {
  $('#modalPaperPage').attr('href', `paper_${paper.id}.html`);
}
function card_markup(paper) {
  return '<div class="card"><div class="card-body">' +
    '<a href="paper_' + paper.id + '.html" target="_blank"><h5 class="card-title">' + paper.content.title +
    '</h5></a><h6 class="card-subtitle mb-2 text-muted">' + paper.content.authors.join(', ') + '</h6></div></div>';
}
function start(program) {
  data_file = program === 'all' ? `papers.json` : `papers_${program}.json`;
  d3.json(data_file).then(function (papers) { draw(papers, card_markup); });
}
"""
)
MINICONF_API_JS = """
class API {
  static getConfig() { return $.get("serve_config.json"); }
  static getCalendar() { return $.get("serve_main_calendar.json"); }
  static getPapers() { return $.get("papers.json"); }
  static thumbnailPath(paper) { return `https://images.fixture.invalid/small/${paper.UID}.jpg`; }
  static posterLink(paper) { return `poster_${paper.UID}.html`; }
}
"""
MINICONF_PAPERS_JS = (
    _SHUFFLE
    + """
const card_markup = paper => `
  <div class="pp-card">
    <a href="${API.posterLink(paper)}"
       target="_blank" class="text-muted"><h5 class="card-title"> ${paper.title} </h5></a>
    <img src="${API.thumbnailPath(paper)}" alt="">
  </div>`;
function start() { API.getPapers().then(papers => draw(papers, card_markup)); }
"""
)
DEMOS_TEMPLATE = """
  {{#each demos}}
  <div class="pp-card">
    <a href="demo_{{UID}}.html" class="text-muted"><h5 class="card-title">{{title}}</h5></a>
    <a href="https://chat.fixture.invalid/channel/demo_{{UID}}" class="card-link">Chat with the authors</a>
  </div>
  {{/each}}
"""
DEMOS_JS = """
function start() {
  $.get("serve_demos.json").then(function (demos) {
    var template = Handlebars.compile(document.getElementById('demo-card').innerHTML);
    document.querySelector('.cards').innerHTML = template({demos: shuffle(demos)});
  });
}
""" + _SHUFFLE.split("function draw")[0]

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

_JQUERY = """
window.$ = function (f) {
  if (typeof f === 'function') {
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', f); } else { f(); }
    return;
  }
  return { attr: function () { return this; } };
};
window.$.get = function (u) { return fetch(u).then(function (r) { return r.json(); }); };
"""
_HANDLEBARS = r"""
// {{#each list}} ... {{/each}} and {{field}}: all the demos page uses
window.Handlebars = { compile: function (source) { return function (context) {
  var lookup = function (item, name) {
    return name.split('.').reduce(function (v, k) { return v == null ? v : v[k]; }, item);
  };
  var fill = function (text, item) {
    return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, function (m, name) { return String(lookup(item, name) || ''); });
  };
  return source.replace(/\{\{#each (\w+)\}\}([\s\S]*?)\{\{\/each\}\}/g, function (m, list, body) {
    return context[list].map(function (item) { return fill(body, item); }).join('');
  });
}; } };
"""
LIBRARIES = {  # what the CDN scripts must provide for the listings' own scripts to run in a browser
    "/d3.v5.min.js": "window.d3 = { json: function (u) { return fetch(u).then(function (r) { return r.json(); }); } };",
    "/jquery.min.js": _JQUERY,
    "/handlebars.min.js": _HANDLEBARS,
}


def integrity(path: str) -> str:
    """The Subresource Integrity value of a library, as a real page pins its CDN copy."""
    body = LIBRARIES.get(path, library_placeholder(path)).encode()
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def library_placeholder(path: str) -> str:
    return f"/* {path}: a library the listing loads */"
