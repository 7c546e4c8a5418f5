// Full-text search for the offline player (slides, subtitles, abstracts); inlined before player.js and
// only when the archive has search data. MiniSearch (inlined before this script) indexes the documents of
// search-data.js, a script beside the page (render_search_data in player.py) that is added only on the
// first use of the search box, so a large archive's list opens at once; the index is then built in
// slices, the page answering meanwhile. Like player.js, it inserts text from the web only as text.
// player.js calls window.confarchiveFullText once with what the two share and gets back three calls.
window.confarchiveFullText = (page) => {
  "use strict";

  const { search, talks, searchFile, el, fileUrl, clock, fold, text } = page;
  const $ = (id) => document.getElementById(id);
  const hitsBox = $("hits");
  const hitList = $("hit-list");
  const hitStatus = $("hit-status");
  const moreHits = $("more-hits");
  const PAGE = 20; // hits shown at a time
  const MIN_QUERY = 2; // characters, spaces and punctuation not counted
  const SPLIT = /[\n\r\p{Z}\p{P}]+/u; // MiniSearch's own word boundaries
  const WORD = /[^\n\r\p{Z}\p{P}]+/gu; // a word, as MiniSearch splits them
  const SLICE_MS = 30; // the longest the page stops answering while the index is built
  const SNIPPET_WORDS = 24;
  const SNIPPET_CHARS = 240;
  const talkByKey = new Map();
  for (const t of talks) if (!talkByKey.has(text(t.key))) talkByKey.set(text(t.key), t); // the first, as route() does
  // state: off (no search data) | idle | loading | indexing | ready | failed
  const full = { state: "off", index: null, docs: null, col: null, keys: null, results: [], shown: 0, timer: 0 };
  let lastHit = null; // the hit that opened the talk on screen: focused again back in the list

  function setSearchState(state) {
    full.state = state;
    hitsBox.dataset.state = state;
    hitList.setAttribute("aria-busy", String(state === "loading" || state === "indexing"));
  }

  if (searchFile && typeof window.MiniSearch === "function") {
    setSearchState("idle");
    search.placeholder = "Title, author, conference, or words on the slides or said";
  }

  /** Adds the one script element this page ever adds; see _csp in player.py for the policies. */
  function loadSearch() {
    if (full.state !== "idle") return;
    setSearchState("loading");
    performance.mark("confarchive:search-data-requested");
    const script = document.createElement("script");
    script.src = fileUrl(searchFile.src);
    // Over HTTP (confarchive serve) the file must be the one this page was written with; from file://
    // Chromium refuses any script with an integrity attribute (no CORS there), so it is set only here.
    if (location.protocol === "http:" || location.protocol === "https:") script.integrity = searchFile.integrity;
    script.addEventListener("load", () => {
      performance.mark("confarchive:search-data-loaded");
      buildIndex(window.confarchiveSearchData).catch(() => failSearch());
    });
    script.addEventListener("error", () => failSearch());
    document.head.append(script);
    // Its request is under way (the policy was checked when it started): from now on no script loads.
    const lock = el("meta", { "http-equiv": "Content-Security-Policy", content: "script-src 'none'" });
    document.head.append(lock);
    updateHits();
  }

  function failSearch() {
    setSearchState("failed");
    updateHits();
  }

  // A yield to the browser between slices of indexing: a message, which (unlike setTimeout) a tab in the
  // background does not slow down to one a second.
  const channel = new MessageChannel();
  const pause = () =>
    new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  // Words too common to find anything by (English, and what speech is full of): not indexed, and left
  // out of queries; about two words in five of a talk, so the index is built in nearly half the time.
  const COMMON = new Set(
    ("a an and are as at be been but by do for from had has have he her his i if in into is it its me my " +
      "not of on or our she so such than that the their them then there these they this those to uh um was " +
      "we were what when which who with would you your")
      .split(" "),
  );
  const wordOf = (term) => (term && !COMMON.has(term) ? term : null);

  async function buildIndex(data) {
    const fields = data && Array.isArray(data.fields) ? data.fields : [];
    if (!data || data.version !== 1 || !Array.isArray(data.documents) || !Array.isArray(data.talks)) {
      throw new Error("not confarchive search data");
    }
    const docs = data.documents;
    const col = Object.fromEntries(fields.map((name, i) => [name, i]));
    const foldField = (value) => (typeof value === "string" && value ? fold(value) : null);
    const index = new window.MiniSearch({
      fields: ["text", "heading"],
      // The documents are their ids (positions in the data); each field is folded once, whole, so its
      // words need no more than the common ones left out (a query's words are folded one by one).
      extractField: (id, field) => (field === "id" ? id : foldField(docs[id][col[field]])),
      tokenize: (string) => string.split(SPLIT),
      processTerm: wordOf,
      searchOptions: {
        processTerm: (term) => wordOf(fold(term)),
        boost: { heading: 2 },
        combineWith: "AND", // every word, each as itself, a longer word it begins, or a near spelling
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
        maxFuzzy: 2,
      },
    });
    Object.assign(full, { index, docs, col, keys: data.talks.map(text), progress: 0 });
    setSearchState("indexing");
    // Titles, abstracts and slides first: searchable within a few seconds, while the (far longer)
    // subtitles follow; the hits are searched again at every tenth of the way.
    const order = [];
    for (const later of [false, true]) {
      for (let i = 0; i < docs.length; i++) if ((docs[i][col.kind] === "said") === later) order.push(i);
    }
    const firstSaid = order.findIndex((i) => docs[i][col.kind] === "said");
    let next = 0;
    while (next < order.length) {
      const until = performance.now() + SLICE_MS;
      do {
        if (next === firstSaid) performance.mark("confarchive:search-slides-indexed");
        index.add(order[next++]);
      } while (next < order.length && performance.now() < until);
      const percent = Math.floor((10 * next) / order.length) * 10;
      if (percent !== full.progress && next < order.length) {
        full.progress = percent;
        updateHits({ typed: false });
      }
      await pause();
    }
    setSearchState("ready");
    performance.mark("confarchive:search-index-ready");
    updateHits({ typed: false });
  }

  function scheduleHits() {
    clearTimeout(full.timer);
    full.timer = setTimeout(() => updateHits(), 80); // one search per pause in typing, not one per key
  }

  function hitsQuery() {
    const query = search.value.trim();
    return fold(query).replace(/[\n\r\p{Z}\p{P}]+/gu, "").length >= MIN_QUERY ? query : null;
  }

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  /** The hits of the search box's text; not redrawn by the index's progress while a hit has the focus. */
  function updateHits({ typed = true } = {}) {
    clearTimeout(full.timer);
    const query = full.state === "off" ? null : hitsQuery();
    hitsBox.hidden = query === null;
    const searchable = full.state === "indexing" || full.state === "ready";
    if (query === null || !searchable) {
      hitList.replaceChildren();
      moreHits.hidden = true;
      full.results = [];
      hitStatus.textContent =
        {
          loading: "Loading the text of the slides and subtitles\u2026",
          failed: `Only titles, authors and conferences can be searched: ${text(searchFile && searchFile.src)} did not load.`,
        }[full.state] || "";
      return;
    }
    if (!typed && hitsBox.contains(document.activeElement)) return; // the reader is among the hits
    const started = performance.now();
    const found = full.index.search(query).filter((r) => talkByKey.has(full.keys[full.docs[r.id][full.col.talk]]));
    performance.clearMeasures("confarchive:search");
    performance.measure("confarchive:search", { start: started, end: performance.now() }); // the last search
    full.results = found;
    full.shown = 0;
    hitList.replaceChildren();
    showMoreHits();
    hitsBox.dataset.query = query; // what the hits shown are for
    const inTalks = new Set(found.map((r) => full.docs[r.id][full.col.talk])).size;
    const common = fold(query).split(SPLIT).filter(Boolean).every((w) => COMMON.has(w));
    const partly = full.state === "indexing" ? ` so far (${full.progress}% of the text indexed)` : "";
    if (found.length) hitStatus.textContent = `${plural(found.length, "passage")} in ${plural(inTalks, "talk")}${partly}`;
    else if (common) hitStatus.textContent = "Only words too common to search for: add another.";
    else hitStatus.textContent = `No passage in the slides, subtitles or abstracts matches${partly}.`;
  }

  function showMoreHits() {
    const items = document.createDocumentFragment();
    const page = full.results.slice(full.shown, full.shown + PAGE);
    for (const result of page) items.append(hitItem(result));
    full.shown += page.length;
    hitList.append(items);
    moreHits.hidden = full.shown >= full.results.length;
    return page.length;
  }

  function hitItem(result) {
    const doc = full.docs[result.id];
    const field = (name) => doc[full.col[name]];
    const talk = talkByKey.get(full.keys[field("talk")]);
    const kind = field("kind");
    const slide = field("slide");
    const shown = snippet([field("text"), field("heading")], new Set(result.terms));
    let start = typeof field("start_s") === "number" ? field("start_s") : 0;
    if (kind === "said") start = cueStart(field("cues"), shown.at, start); // the cue that matched
    let where = "title, authors, abstract";
    if (kind === "slide") where = `slide ${slide === null || slide === undefined ? "" : text(slide) + " "}at ${clock(start)}`;
    else if (kind === "said") where = `said at ${clock(start)}`;
    const at = kind === "slide" || kind === "said" ? `&t=${start}` : "";
    const link = el(
      "a",
      { href: "#talk=" + encodeURIComponent(text(talk.key)) + at, class: "hit" },
      el("span", { class: "hit-title" }, text(talk.title) || text(talk.source_url)),
      el("span", { class: "hit-where" }, where),
      shown.node,
    );
    return el("li", {}, link);
  }

  /** The start of the cue holding character `at` of what was said (cues: [offset, start, ...]). */
  function cueStart(cues, at, start) {
    if (!Array.isArray(cues) || at < 0) return start;
    for (let i = 0; i + 1 < cues.length && cues[i] <= at; i += 2) {
      if (typeof cues[i + 1] === "number") start = cues[i + 1];
    }
    return start;
  }

  /** The words around the first match of the first field holding one, matches marked: text nodes and
   * <mark> elements only, never HTML. `at`: where in the first field the match is (-1: not there). */
  function snippet(fields, terms) {
    const words = (s) => (typeof s === "string" ? [...s.matchAll(WORD)] : []);
    const firstMatch = (tokens) => tokens.findIndex((m) => terms.has(fold(m[0])));
    let chosen = { source: "", tokens: [], first: -1 };
    for (const candidate of fields) {
      if (typeof candidate !== "string" || !candidate) continue;
      const found = words(candidate);
      const match = firstMatch(found);
      if (!chosen.source || match >= 0) chosen = { source: candidate, tokens: found, first: match };
      if (match >= 0) break;
    }
    const { source, tokens, first } = chosen;
    const at = first >= 0 && source === fields[0] ? tokens[first].index : -1;
    const from = Math.max(0, Math.min(first - Math.floor(SNIPPET_WORDS / 4), tokens.length - SNIPPET_WORDS));
    const to = Math.min(tokens.length, from + SNIPPET_WORDS);
    const begin = from > 0 ? tokens[from].index : 0;
    let end = to < tokens.length ? tokens[to - 1].index + tokens[to - 1][0].length : source.length;
    end = Math.min(end, begin + SNIPPET_CHARS);
    const node = el("span", { class: "hit-snippet" });
    if (begin > 0) node.append("\u2026 ");
    let done = begin;
    for (const m of tokens.slice(from, to)) {
      if (m.index >= end) break;
      if (!terms.has(fold(m[0]))) continue;
      const stop = Math.min(end, m.index + m[0].length);
      node.append(source.slice(done, m.index), el("mark", {}, source.slice(m.index, stop)));
      done = stop;
    }
    node.append(source.slice(done, end));
    if (end < source.length) node.append(" \u2026");
    return { node, at };
  }

  moreHits.addEventListener("click", () => {
    const before = full.shown;
    if (showMoreHits()) hitList.children[before].querySelector("a").focus();
  });
  hitList.addEventListener("click", (event) => {
    const link = event.target.closest("a.hit");
    if (link) lastHit = link;
  });
  // Down from the search box into the hits, up and down among them, up from the first back to the box.
  search.addEventListener("keydown", (event) => {
    const first = hitsBox.hidden ? null : hitList.querySelector("a.hit");
    if (event.key === "ArrowDown" && first && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      first.focus();
    }
  });
  hitList.addEventListener("keydown", (event) => {
    if ((event.key !== "ArrowDown" && event.key !== "ArrowUp") || event.altKey || event.ctrlKey || event.metaKey) return;
    const links = [...hitList.querySelectorAll("a.hit")];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    event.preventDefault();
    const next = event.key === "ArrowUp" ? links[i - 1] || search : links[i + 1] || (moreHits.hidden ? null : moreHits);
    if (next) next.focus();
  });

  return {
    load: loadSearch, // on focus or input: starts loading the data, once
    schedule: scheduleHits, // on input: the hits of the text typed, after a pause in typing
    /** The hit that opened the talk being closed, if still shown: the list gives it the focus back. */
    returnTo() {
      const hit = lastHit;
      lastHit = null;
      return hit && hit.isConnected && !hitsBox.hidden ? hit : null;
    },
  };
};
