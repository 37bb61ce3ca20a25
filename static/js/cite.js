// The "Copy" buttons of an issue's "Cite this" block. Without this script (or
// without the clipboard, which needs HTTPS) the buttons stay hidden and each
// citation is selected and copied like any text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  var status = document.querySelector(".cite-this .copy-status");

  function copy(element) {
    var text = element.textContent.replace(/\s+/g, " ").trim();
    // With its italics where the clipboard takes HTML (a word processor keeps them).
    if (window.ClipboardItem && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([element.innerHTML], { type: "text/html" })
      });
      return navigator.clipboard.write([item]).catch(function () { return navigator.clipboard.writeText(text); });
    }
    return navigator.clipboard.writeText(text);
  }

  document.querySelectorAll("button.copy-citation").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    button.hidden = false;
    // “the APA (7th edition) citation”, as the button's hidden words name it.
    var what = button.querySelector(".visually-hidden").textContent.trim();
    button.addEventListener("click", function () {
      copy(target).then(
        function () {
          // Emptied first, so that copying the same citation twice is announced twice.
          status.textContent = "";
          window.setTimeout(function () { status.textContent = "Copied " + what + "."; }, 50);
          // Said on the button too, where the reader is looking, for a moment.
          var label = button.firstChild;
          label.nodeValue = "Copied";
          window.setTimeout(function () { label.nodeValue = "Copy"; }, 2000);
        },
        function () { status.textContent = "Could not copy: select the citation and copy it by hand."; }
      );
    });
  });
})();
