// The issue page's notes, and its folded sections in print.
//
// The notes are one numbered list after the text (the page as served, and as printed). Where
// the stylesheet gives the page a side column (it sets --sidenotes: on, in static/css/issue.css),
// this script sets each note beside the line of its first call, below the note before it.
// Elsewhere a call opens its note just below the paragraph it stands in, and closes it again;
// the list after the text stays, with its links back to the calls. Without this script a call
// jumps to the note in the list, as before.
(function () {
  "use strict";
  var article = document.querySelector("article.issue");
  var notes = article && article.querySelector(".footnotes");
  // Room between two notes in the side column, in px.
  var SPACING = 12;
  var mode = null;

  function wantsSidenotes() {
    return getComputedStyle(article).getPropertyValue("--sidenotes").trim() === "on";
  }

  function noteOf(call) {
    var id = call.getAttribute("href").slice(1);
    var note = document.getElementById(id);
    return note && notes.contains(note) ? note : null;
  }

  function calls() {
    return Array.prototype.filter.call(article.querySelectorAll("sup.fn-ref a[href^='#']"), noteOf);
  }

  // -- beside the text ------------------------------------------------------------

  function placeSidenotes() {
    var box = article.getBoundingClientRect();
    var top = box.top;
    var placed = {};
    var lowest = 0;
    // Below what the stylesheet set in the side column itself (the author's biography).
    var first = notes.querySelector("li");
    var sideLeft = first ? first.getBoundingClientRect().left - 1 : box.right;
    Array.prototype.forEach.call(article.children, function (child) {
      if (child === notes || child.matches("header")) return;
      var rect = child.getBoundingClientRect();
      if (rect.height && rect.left >= sideLeft) lowest = Math.max(lowest, rect.bottom - top + 2 * SPACING);
    });
    calls().forEach(function (call) {
      var note = noteOf(call);
      if (placed[note.id]) return; // a note called twice stands beside its first call
      placed[note.id] = true;
      var wanted = call.getBoundingClientRect().top - top;
      var at = Math.max(wanted, lowest);
      note.style.top = at + "px";
      lowest = at + note.offsetHeight + SPACING;
    });
    // A note that runs past the end of the text makes room for itself.
    article.style.paddingBottom = "";
    var overrun = lowest - article.offsetHeight;
    if (overrun > 0) article.style.paddingBottom = overrun + "px";
  }

  function useSidenotes() {
    notes.classList.add("is-sidenotes");
    placeSidenotes();
    followLinkToNote();
  }

  // A link to a note (#fn-3) is followed before the note moves beside its call, and the notes
  // move again when the web fonts arrive: follow it again each time, unless the reader has
  // started to scroll, type or touch the page since.
  var readerMoved = false;
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (type) {
    window.addEventListener(type, function () { readerMoved = true; }, { once: true, passive: true });
  });
  function followLinkToNote() {
    if (readerMoved || !location.hash) return;
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return; // a malformed address (“#%E0”) names no note
    }
    var target = document.getElementById(id);
    if (target && notes.contains(target)) target.scrollIntoView();
  }

  function leaveSidenotes() {
    notes.classList.remove("is-sidenotes");
    Array.prototype.forEach.call(notes.querySelectorAll("li"), function (note) { note.style.top = ""; });
    article.style.paddingBottom = "";
  }

  // -- in place ---------------------------------------------------------------------

  function panelFor(call) {
    var id = "open-" + (call.id || call.getAttribute("href").slice(1));
    var panel = document.getElementById(id);
    if (panel) return panel;
    var note = noteOf(call);
    panel = document.createElement("div");
    panel.className = "note-inline";
    panel.id = id;
    panel.hidden = true;
    var label = document.createElement("span");
    label.className = "note-inline-number";
    label.textContent = "Note " + call.textContent.trim() + ": ";
    panel.appendChild(label);
    Array.prototype.forEach.call(note.childNodes, function (child) {
      if (child.nodeType === 1 && child.classList.contains("fn-back")) return;
      var copy = child.cloneNode(true);
      if (copy.nodeType === 1) {
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (e) { e.removeAttribute("id"); });
      }
      panel.appendChild(copy);
    });
    // Below the paragraph (or list item) the call stands in.
    var block = call.closest("p, li, blockquote, dd, td") || call.parentNode;
    if (block.matches("li, dd, td")) block.appendChild(panel);
    else block.parentNode.insertBefore(panel, block.nextSibling);
    call.setAttribute("aria-controls", id);
    return panel;
  }

  function useInline() {
    calls().forEach(function (call) { call.setAttribute("aria-expanded", "false"); });
  }

  function leaveInline() {
    calls().forEach(function (call) {
      call.removeAttribute("aria-expanded");
      call.removeAttribute("aria-controls");
    });
    Array.prototype.forEach.call(article.querySelectorAll(".note-inline"), function (panel) { panel.remove(); });
  }

  function toggle(call) {
    var panel = panelFor(call);
    var open = panel.hidden;
    panel.hidden = !open;
    call.setAttribute("aria-expanded", open ? "true" : "false");
    // A note opens after its paragraph, which may end below the screen: bring it into view.
    if (open) {
      var box = panel.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) panel.scrollIntoView({ block: "nearest" });
    }
  }

  // -- a call whose note is on screen ------------------------------------------------
  // Beside the text a note usually stands level with its call: following the link would only
  // move the page. The note is marked and focused instead; a note off screen is jumped to.

  function onScreen(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function showBeside(call) {
    var note = noteOf(call);
    Array.prototype.forEach.call(notes.querySelectorAll("li.is-current"), function (li) {
      li.classList.remove("is-current");
    });
    note.classList.add("is-current");
    note.setAttribute("tabindex", "-1");
    note.focus({ preventScroll: true });
  }

  // -- switching as the width changes -----------------------------------------------

  function update() {
    var wanted = wantsSidenotes() ? "side" : "inline";
    if (wanted !== mode) {
      if (mode === "side") leaveSidenotes();
      if (mode === "inline") leaveInline();
      mode = wanted;
      if (mode === "side") useSidenotes();
      else useInline();
    } else if (mode === "side") {
      placeSidenotes();
    }
  }

  if (article && notes) {
    article.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var call = event.target.closest("sup.fn-ref a[href^='#']");
      if (!call || !noteOf(call)) return;
      if (mode === "inline") {
        event.preventDefault();
        toggle(call);
      } else if (mode === "side" && onScreen(noteOf(call))) {
        event.preventDefault();
        showBeside(call);
      }
    });
    update();
    // Text reflows as the window changes, web fonts arrive or a note opens: lay the notes out again.
    if (window.ResizeObserver) new ResizeObserver(update).observe(article);
    else window.addEventListener("resize", update);
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () {
        update();
        if (mode === "side") followLinkToNote();
      });
    }
  }

  // -- print --------------------------------------------------------------------------
  // The about sections and the imprint are folded on screen and printed unfolded. The stylesheet
  // unfolds them where the browser can (::details-content); this opens them for the others.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll(".issue-page details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
