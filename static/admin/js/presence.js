"use strict";
// The page tells the server when the editor leaves it, so that others
// stop seeing “Also open for editing by …” at once (editorial/editing.py).
// pagehide fires for every way of leaving: a link, a workflow step, a save,
// closing the tab or the window. A beacon is sent even as the page goes away.
// Loaded in the page's head (ModelAdmin.Media): it looks for the page's marker once the page is read.
window.addEventListener("DOMContentLoaded", function () {
  const marker = document.getElementById("issue-presence");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!marker || !token || !navigator.sendBeacon) {
    return; // no beacon: the entry expires by itself
  }
  window.addEventListener("pagehide", function () {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("page", marker.dataset.page);
    navigator.sendBeacon(marker.dataset.url, data);
  });
});
