// Reading lists for the offline player: a post's papers, in the post's order, each a link to its talk or
// greyed with why not; one page (#list=N, N from 1) per list, the list's links above the talks, and
// "In: <list>" in the talk view. Inlined before player.js, and only when the archive has reading lists;
// the data (the page_lists of player_lists.py) already says for each paper which talk it leads to and why
// not, so this only draws it. Like player.js, it inserts text from the web only as text.
// player.js calls window.confarchiveCollections once with what the two share and gets back five calls.
window.confarchiveCollections = (page) => {
  "use strict";

  const { data, el, text, webUrl } = page;
  const lists = Array.isArray(data && data.lists) ? data.lists : [];
  const pagesOf = new Map(Array.isArray(data && data.talks) ? data.talks.map(([key, ns]) => [text(key), ns]) : []);
  const nav = document.getElementById("reading-lists");
  const navLinks = document.getElementById("reading-list-links");
  const view = document.getElementById("collection-view");

  const href = (n) => `#list=${n + 1}`;
  const papersOf = (list) => (Array.isArray(list.papers) ? list.papers : []);
  const playable = (paper) => paper.why === null && typeof paper.talk === "string";
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const nameOf = (n) => text(lists[n].name) || `Reading list ${n + 1}`;

  /** "5 papers, 4 with a talk": with a talk to watch, that is (a failed or pending one is not counted). */
  function counts(list) {
    const papers = papersOf(list);
    return `${plural(papers.length, "paper")}, ${papers.filter(playable).length} with a talk`;
  }

  /** The list number of a hash #list=N (N from 1), or null. */
  function at(hash) {
    const match = /^#list=([1-9][0-9]{0,8})$/.exec(hash);
    const n = match ? Number(match[1]) - 1 : -1;
    return n >= 0 && n < lists.length ? n : null;
  }

  const holds = (n, key) => n >= 0 && n < lists.length && papersOf(lists[n]).some((p) => text(p.talk) === key);

  /** A paper as an item of its list's page: its talk's link, or its title greyed with why not. */
  function paperItem(paper) {
    const title = text(paper.title);
    const item = el("li", { class: playable(paper) ? "paper" : "paper missing", "data-talk": paper.talk });
    if (playable(paper)) {
      item.append(el("a", { href: "#talk=" + encodeURIComponent(paper.talk), class: "to-talk" }, title));
    } else {
      item.append(el("span", { class: "paper-title" }, title));
    }
    if (paper.how) item.append(" ", el("span", { class: "how" }, text(paper.how)));
    const url = text(paper.url);
    const web = webUrl(url);
    if (web) {
      const shown = url.replace(/^https?:\/\//i, "");
      const attrs = { href: web, rel: "noreferrer", target: "_blank", class: "paper-link" };
      item.append(el("p", { class: "paper-url" }, el("a", attrs, shown)));
    } else if (url && url !== title) {
      item.append(el("p", { class: "paper-url" }, url));
    }
    if (!playable(paper)) item.append(el("p", { class: "why" }, text(paper.why) || "no talk"));
    return item;
  }

  /** Draws list `n`; `fromKey`: the talk the reader comes back from, whose paper then has the focus. */
  function show(n, fromKey) {
    const list = lists[n];
    const name = nameOf(n);
    const web = webUrl(list.url);
    const post = web ? el("a", { href: web, rel: "noreferrer", target: "_blank" }, name) : name; // the web
    const heading = el("h2", { tabindex: "-1" }, post);
    const source = !web && list.url && list.url !== name ? ` \u00b7 ${text(list.url)}` : "";
    const items = el("ol", { class: "papers", "aria-label": "Papers" });
    for (const paper of papersOf(list)) items.append(paperItem(paper));
    view.replaceChildren(
      el("p", { class: "back" }, el("a", { href: "#" }, "\u2190 All talks")),
      heading,
      el("p", { class: "meta" }, `Reading list: ${counts(list)}${source}`),
      items,
    );
    view.dataset.list = String(n + 1);
    const links = [...items.querySelectorAll("a.to-talk")];
    const backAt = fromKey === null ? null : links.find((a) => a.parentElement.dataset.talk === fromKey);
    return { title: name, focus: backAt || heading };
  }

  /** "In: <list>, <list>" for a talk: links to the pages of the lists it is in; null if none. */
  function inTalk(t) {
    const ns = pagesOf.get(text(t.key)) || [];
    const links = ns.filter((n) => Number.isInteger(n) && n >= 0 && n < lists.length);
    if (!links.length) return null;
    const line = el("p", { class: "in-lists" }, "In: ");
    links.forEach((n, i) => line.append(i ? ", " : "", el("a", { href: href(n) }, nameOf(n))));
    return line;
  }

  /** The talk view's way back to list `n` it was opened from, if the talk is in it; else null. */
  const back = (n, key) => (holds(n, key) ? el("a", { href: href(n) }, `\u2190 ${nameOf(n)}`) : null);

  /** Back in the list of talks from list `n`: its link has the focus. */
  function focusLink(n) {
    const link = navLinks.querySelector(`a[href="${href(n)}"]`);
    if (link) link.focus();
    return Boolean(link);
  }

  lists.forEach((list, n) => {
    const link = el("a", { href: href(n) }, nameOf(n));
    navLinks.append(el("li", {}, link, " ", el("span", { class: "counts" }, counts(list))));
  });
  nav.hidden = lists.length === 0;

  return { at, show, inTalk, back, focusLink };
};
