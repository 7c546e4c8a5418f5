// The offline player. Every text shown here came from the web, so it is only ever inserted as text
// (Node.append / textContent), never parsed as HTML; paths are URL-encoded per segment before use.
(() => {
  "use strict";

  const talks = JSON.parse(document.getElementById("talks").textContent);
  const inlineSubtitles = JSON.parse(document.getElementById("subtitles").textContent); // path -> WebVTT
  const searchFile = JSON.parse(document.getElementById("search-file").textContent); // {src, integrity} | null
  const $ = (id) => document.getElementById(id);
  const listView = $("list-view");
  const talkView = $("talk-view");
  const search = $("search");
  const rows = $("rows");
  const count = $("count");
  const noMatch = $("no-match");
  const baseTitle = document.title;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const EPSILON = 0.02; // seconds: a seek to a slide's start must count as inside that slide
  const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

  let sortKey = null; // null keeps the index order (conference, then title)
  let sortDir = 1;
  let speed = 1; // kept from one talk to the next
  let shownKey = null; // the talk on screen; null for the list
  let current = null; // {video, slides, thumbs, strip, active} while a talk with a video is shown

  const text = (v) => (v === null || v === undefined ? "" : String(v));
  const authorsOf = (t) => (Array.isArray(t.authors) ? t.authors.map(text).join(", ") : "");
  const fold = (s) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  /** An element with attributes set as strings and children appended as text or nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  /** A relative path of the archive as a URL: each segment encoded (spaces, #, ?, %, quotes). */
  function fileUrl(path) {
    if (typeof path !== "string" || path === "") return null;
    const parts = path.split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..")) return null; // never outside the archive
    return parts.map(encodeURIComponent).join("/");
  }

  /** Only http(s) links leave the archive: a javascript: or data: URL is shown as text instead. */
  const webUrl = (url) => (typeof url === "string" && /^https?:\/\//i.test(url) ? url : null);

  function clock(seconds) {
    if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
    const s = Math.floor(seconds);
    const pad = (n) => String(n).padStart(2, "0");
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  }

  const statusOf = (t) => text(t.status) || "pending";
  const statusClass = (t) => (["done", "failed", "pending"].includes(statusOf(t)) ? statusOf(t) : "other");
  const slidesOf = (t) =>
    (Array.isArray(t.slides) ? t.slides : []).filter((s) => s && typeof s.start_s === "number");

  // ---- the list ---------------------------------------------------------------------------------
  const columns = {
    title: (t) => text(t.title),
    authors: authorsOf,
    conference: (t) => text(t.conference),
    duration: (t) => (typeof t.duration_s === "number" ? t.duration_s : null),
    slides: (t) => slidesOf(t).length,
    status: statusOf,
  };

  const entries = talks.map((t, i) => ({
    talk: t,
    order: i,
    haystack: fold([t.title, authorsOf(t), t.conference].map(text).join("\n")),
    row: makeRow(t),
  }));

  function makeRow(t) {
    const link = el("a", { href: "#talk=" + encodeURIComponent(text(t.key)) }, text(t.title) || text(t.source_url));
    const status = el("td", {}, el("span", { class: "status status-" + statusClass(t) }, statusOf(t)));
    if (t.error) status.append(el("p", { class: "error" }, text(t.error)));
    const tr = el(
      "tr",
      { "data-key": text(t.key) },
      el("td", { class: "title" }, link),
      el("td", {}, authorsOf(t)),
      el("td", {}, text(t.conference)),
      el("td", { class: "num" }, clock(t.duration_s)),
      el("td", { class: "num" }, String(slidesOf(t).length)),
      status,
    );
    return tr;
  }

  function compare(a, b) {
    const x = columns[sortKey](a);
    const y = columns[sortKey](b);
    const xEmpty = x === null || x === "";
    const yEmpty = y === null || y === "";
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1; // blanks last either way
    return sortDir * (typeof x === "number" ? x - y : collator.compare(x, y));
  }

  function renderList() {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = entries.filter((e) => words.every((w) => e.haystack.includes(w)));
    if (sortKey) shown = shown.slice().sort((a, b) => compare(a.talk, b.talk) || a.order - b.order);
    const rowsShown = document.createDocumentFragment(); // not a spread: thousands of talks are fine
    for (const e of shown) rowsShown.append(e.row);
    rows.replaceChildren(rowsShown);
    noMatch.hidden = shown.length > 0;
    const total = `${talks.length} talk${talks.length === 1 ? "" : "s"}`;
    count.textContent = words.length ? `${shown.length} of ${total}` : total;
  }

  for (const button of document.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      for (const th of document.querySelectorAll("th")) th.removeAttribute("aria-sort");
      button.parentElement.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      renderList();
    });
  }
  search.addEventListener("input", () => {
    renderList();
    loadSearch();
    scheduleHits();
  });
  search.addEventListener("focus", loadSearch);

  // ---- full text: slides, subtitles, abstracts ----------------------------------------------------
  // MiniSearch (inlined before this script) indexes the documents of search-data.js, a script beside the
  // page (render_search_data in player.py) that is added only on the first use of the search box, so a
  // large archive's list opens at once; the index is then built in slices, the page answering meanwhile.
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
  for (const t of talks) if (!talkByKey.has(text(t.key))) talkByKey.set(text(t.key), t); // the first, as route()
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

  // ---- one talk ---------------------------------------------------------------------------------
  function slideAt(time) {
    let best = -1;
    current.slides.forEach((s, i) => {
      if (s.start_s <= time + EPSILON && (best < 0 || s.start_s >= current.slides[best].start_s)) best = i;
    });
    return best;
  }

  function highlight() {
    if (!current) return;
    const i = slideAt(current.video.currentTime);
    if (i === current.active) return;
    const old = current.thumbs[current.active];
    if (old) {
      old.classList.remove("active");
      old.removeAttribute("aria-current");
    }
    current.active = i;
    const thumb = current.thumbs[i];
    if (!thumb) return;
    thumb.classList.add("active");
    thumb.setAttribute("aria-current", "true");
    // scroll the strip only (not the page, which stays where the reader put it), either direction
    const box = current.strip.getBoundingClientRect();
    const r = thumb.getBoundingClientRect();
    if (r.top < box.top || r.bottom > box.bottom) {
      current.strip.scrollTop += r.top - box.top - (box.height - r.height) / 2;
    }
    if (r.left < box.left || r.right > box.right) {
      current.strip.scrollLeft += r.left - box.left - (box.width - r.width) / 2;
    }
  }

  function seekTo(i) {
    if (!current || i < 0 || i >= current.slides.length) return;
    current.video.currentTime = current.slides[i].start_s;
    highlight();
  }

  /** A moment of the talk (#talk=KEY&t=SECONDS); before the metadata, where playback will start. */
  function seekTime(seconds) {
    if (!current || !Number.isFinite(seconds)) return;
    current.video.currentTime = seconds;
    highlight();
  }

  function togglePlay() {
    const video = current.video;
    if (video.paused) video.play().catch(() => {}); // a refused play() leaves the native controls usable
    else video.pause();
  }

  function speedControl(video) {
    const select = el("select", { id: "speed" });
    for (const s of SPEEDS) select.append(el("option", { value: String(s), selected: s === speed }, `${s}\u00d7`));
    const apply = () => {
      speed = Number(select.value);
      video.defaultPlaybackRate = speed; // survives the load algorithm, which resets playbackRate
      video.playbackRate = speed;
    };
    select.addEventListener("change", apply);
    video.addEventListener("ratechange", () => {
      if (SPEEDS.includes(video.playbackRate)) select.value = String((speed = video.playbackRate));
    });
    apply();
    return el("label", {}, "Speed", select);
  }

  function fileLinks(t) {
    const links = [
      ["Video (MP4)", fileUrl(t.video)],
      ["Slides (PDF)", fileUrl(t.slides_pdf)],
      ["Paper (PDF)", fileUrl(t.paper_pdf)],
    ].filter(([, href]) => href);
    const list = el("ul", { class: "files", "aria-label": "Files" });
    for (const [label, href] of links) list.append(el("li", {}, el("a", { href }, label)));
    const source = webUrl(t.source_url);
    if (source) {
      const link = el("a", { href: source, rel: "noopener noreferrer", target: "_blank" }, "Source page");
      list.append(el("li", {}, link));
    }
    return list;
  }

  function slideStrip(slides) {
    const strip = el("ol", { class: "strip", "aria-label": "Slides" });
    const thumbs = slides.map((s, i) => {
      const number = text(s.index || i + 1);
      const label = `Slide ${number} at ${clock(s.start_s)}`;
      const src = fileUrl(s.image);
      const picture = src
        ? el("img", { src, alt: "", loading: "lazy", decoding: "async" })
        : el("span", { class: "blank", "aria-hidden": "true" }, number);
      const button = el("button", { type: "button", class: "thumb", "aria-label": label }, picture);
      button.append(el("span", { "aria-hidden": "true" }, `${number} \u00b7 ${clock(s.start_s)}`));
      button.addEventListener("click", () => seekTo(i));
      strip.append(el("li", {}, button));
      return button;
    });
    return { strip, thumbs };
  }

  /** A <track>; inlined text as a data: URL, since file:// pages may not load track files. */
  function subtitleTrack(sub) {
    const path = sub && typeof sub.path === "string" ? sub.path : null;
    const inline = path !== null && Object.hasOwn(inlineSubtitles, path) ? inlineSubtitles[path] : null;
    const src = inline !== null ? "data:text/vtt;charset=utf-8," + encodeURIComponent(inline) : fileUrl(path);
    if (!src) return null;
    const lang = text(sub.language);
    return el("track", { kind: "subtitles", src, srclang: lang || null, label: lang || "Subtitles" });
  }

  function showTalk(t) {
    closeTalk();
    const heading = el("h2", { tabindex: "-1" }, text(t.title) || text(t.source_url));
    const meta = [authorsOf(t), text(t.conference), clock(t.duration_s)].filter(Boolean).join(" \u00b7 ");
    const back = el("p", { class: "back" }, el("a", { href: "#" }, "\u2190 All talks"));
    const parts = [back, heading, el("p", { class: "meta" }, meta)];
    const videoUrl = fileUrl(t.video);
    if (videoUrl) {
      const video = el("video", { controls: "", preload: "metadata", playsinline: "", "aria-label": text(t.title) });
      const tracks = (Array.isArray(t.subtitles) ? t.subtitles : []).map(subtitleTrack).filter(Boolean);
      video.append(...tracks);
      video.src = videoUrl;
      const slides = slidesOf(t);
      const { strip, thumbs } = slideStrip(slides);
      current = { video, slides, thumbs, strip, active: -1 };
      for (const type of ["timeupdate", "seeking", "seeked", "loadedmetadata"]) {
        video.addEventListener(type, highlight);
      }
      const controls = el("div", { class: "controls" }, speedControl(video), fileLinks(t));
      const player = el("div", { class: "player" }, video, controls);
      parts.push(el("div", { class: "stage" }, player, slides.length ? strip : null));
    } else {
      const why = `No video (${statusOf(t)})${t.error ? ": " + text(t.error) : ""}`;
      parts.push(el("p", { class: "error notice", role: "status" }, why));
      parts.push(fileLinks(t));
    }
    if (t.abstract) parts.push(el("p", { class: "abstract" }, text(t.abstract)));
    talkView.replaceChildren(...parts);
    listView.hidden = true;
    talkView.hidden = false;
    document.title = `${text(t.title)} \u2013 ${baseTitle}`;
    window.scrollTo(0, 0);
    highlight();
    heading.focus();
  }

  function closeTalk() {
    if (current) {
      current.video.pause();
      current.video.removeAttribute("src"); // release the file
      current.video.load();
      current = null;
    }
    talkView.replaceChildren();
  }

  function showList() {
    const previous = shownKey;
    closeTalk();
    talkView.hidden = true;
    listView.hidden = false;
    document.title = baseTitle;
    const hit = lastHit;
    lastHit = null;
    if (hit && hit.isConnected && !hitsBox.hidden) {
      hit.focus(); // back at the passage that opened the talk
      return;
    }
    const row = [...rows.children].find((r) => r.dataset.key === previous);
    if (row) row.querySelector("a").focus(); // back where the reader left the list
  }

  function route() {
    const match = /^#talk=(.*?)(?:&t=(\d+(?:\.\d+)?))?$/.exec(location.hash);
    let key = null;
    try {
      key = match ? decodeURIComponent(match[1]) : null;
    } catch {
      key = null; // a malformed hash shows the list
    }
    const talk = key === null ? null : talks.find((t) => text(t.key) === key);
    const next = talk ? text(talk.key) : null;
    const at = match && match[2] !== undefined ? Number(match[2]) : null; // a moment: from a search hit
    if (next === shownKey && (next !== null || !listView.hidden)) {
      if (at !== null) seekTime(at);
      return;
    }
    if (talk) showTalk(talk);
    else showList();
    shownKey = next;
    if (at !== null) seekTime(at);
  }

  // ---- keyboard ---------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    const tag = target && target.tagName;
    const typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
    if (typing) return;
    if (event.key === "/") {
      event.preventDefault();
      if (shownKey !== null) location.hash = "#";
      route(); // at once, so the search field is there to be focused
      search.focus();
      search.select();
    } else if (current && (event.key === " " || event.key === "Spacebar")) {
      if (tag === "BUTTON" || tag === "A") return; // Space activates the focused control
      event.preventDefault();
      togglePlay();
    } else if (current && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      event.preventDefault(); // also overrides the native controls' five-second seek
      const here = slideAt(current.video.currentTime);
      seekTo(event.key === "ArrowRight" ? here + 1 : Math.max(here - 1, 0));
    }
  });

  window.addEventListener("hashchange", route);
  renderList();
  route();
})();
