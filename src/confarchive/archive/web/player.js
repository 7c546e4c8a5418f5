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
  const collectionView = $("collection-view");
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
  let onScreen = ""; // the view on screen: "" the list, "talk=KEY" a talk, "list=N" reading list N (from 0)
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
  const listsOf = (t) => (Array.isArray(t.collections) ? t.collections : []); // its reading lists' names
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
    haystack: fold([t.title, authorsOf(t), t.conference, ...listsOf(t)].map(text).join("\n")),
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
  // Full-text search (fulltext.js), inlined only when the archive has search data; titles, authors
  // and conferences are searched above either way.
  const fullText =
    searchFile && typeof window.confarchiveFullText === "function"
      ? window.confarchiveFullText({ search, talks, searchFile, el, fileUrl, clock, fold, text })
      : { load() {}, schedule() {}, returnTo: () => null };
  search.addEventListener("input", () => {
    renderList();
    fullText.load();
    fullText.schedule();
  });
  search.addEventListener("focus", () => fullText.load());
  // Reading lists (collections.js), inlined with their data only when the archive has some.
  const listsData = $("collections");
  const lists =
    listsData && typeof window.confarchiveCollections === "function"
      ? window.confarchiveCollections({ data: JSON.parse(listsData.textContent), el, text, webUrl })
      : { at: () => null, inTalk: () => null, back: () => null, focusLink: () => false };

  /** Shows one of the three views (the list, a talk, a reading list) and hides the others. */
  function showView(view, title) {
    for (const v of [listView, talkView, collectionView]) v.hidden = v !== view;
    document.title = title ? `${title} \u2013 ${baseTitle}` : baseTitle;
    if (view !== listView) window.scrollTo(0, 0);
  }

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
    if (sub.kind !== "machine") {
      return el("track", { kind: "subtitles", src, srclang: lang || null, label: lang || "Subtitles" });
    }
    // a machine transcript says so wherever it is chosen: "English (machine)"
    const label = `${languageName(lang) || "Transcript"} (machine)`;
    return el("track", { kind: "subtitles", src, srclang: lang || null, label, "data-kind": "machine" });
  }

  /** "English" for "en" (the page speaks English); the code itself when the browser cannot say. */
  function languageName(code) {
    if (!code) return null;
    try {
      return new Intl.DisplayNames(["en"], { type: "language" }).of(code) || code;
    } catch {
      return code;
    }
  }

  /** A talk; `previous` is the view it was opened from: a reading list holding it is where it leads back. */
  function showTalk(t, previous) {
    closeTalk();
    const heading = el("h2", { tabindex: "-1" }, text(t.title) || text(t.source_url));
    const meta = [authorsOf(t), text(t.conference), clock(t.duration_s)].filter(Boolean).join(" \u00b7 ");
    const from = /^list=(\d+)$/.exec(previous);
    const back = (from && lists.back(Number(from[1]), text(t.key))) || el("a", { href: "#" }, "\u2190 All talks");
    const parts = [el("p", { class: "back" }, back), heading, el("p", { class: "meta" }, meta), lists.inTalk(t)];
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
    talkView.replaceChildren(...parts.filter(Boolean));
    showView(talkView, text(t.title));
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

  /** The list; the focus goes back to what opened the view left (`previous`). */
  function showList(previous) {
    closeTalk();
    showView(listView, null);
    const hit = fullText.returnTo();
    if (hit) {
      hit.focus(); // back at the passage that opened the talk
      return;
    }
    const from = /^list=(\d+)$/.exec(previous);
    if (from && lists.focusLink(Number(from[1]))) return; // back at the reading list's link
    const row = [...rows.children].find((r) => "talk=" + r.dataset.key === previous);
    if (row) row.querySelector("a").focus(); // back where the reader left the list
  }

  /** Reading list `n` (collections.js draws it); back from a talk, the focus is on that talk's paper. */
  function showCollection(n, previous) {
    closeTalk();
    const page = lists.show(n, previous.startsWith("talk=") ? previous.slice(5) : null);
    showView(collectionView, page.title);
    page.focus.focus();
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
    const page = lists.at(location.hash); // a reading list: #list=N
    const next = page !== null ? `list=${page}` : talk ? `talk=${text(talk.key)}` : "";
    const at = talk && match[2] !== undefined ? Number(match[2]) : null; // a moment: from a search hit
    if (next !== onScreen) {
      const previous = onScreen;
      onScreen = next; // before drawing: the view may move the focus, and nothing routes meanwhile
      if (page !== null) showCollection(page, previous);
      else if (talk) showTalk(talk, previous);
      else showList(previous);
    }
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
      if (onScreen !== "") location.hash = "#";
      route(); // at once, so the search field is there to be focused
      search.focus();
      search.select();
    } else if (event.key === "Escape" && onScreen !== "") {
      const back = document.querySelector("main > section:not([hidden]) .back a"); // the view's way back
      if (back) location.hash = back.getAttribute("href");
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
