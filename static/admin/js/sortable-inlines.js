// Move up / Move down buttons for admin inlines marked "sortable-inline".
// Moving a row renumbers the "order" fields of the filled-in rows 1..n in the
// order they now appear; empty spare rows keep a blank order so they stay unsaved.
"use strict";
(function () {
  function rows(group) {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form), tr.form-row:not(.empty-form)"))
      .filter((row) => row.querySelector("[name$='-sort_order']"));
  }

  function hasData(row) {
    const id = row.querySelector("input[type=hidden][name$='-id']");
    if (id && id.value) return true;
    return Array.from(row.querySelectorAll("textarea, input[type=text], select")).some(
      (field) => !field.name.endsWith("-sort_order") && field.value && field.value.trim() !== ""
    );
  }

  function renumber(group) {
    let position = 1;
    for (const row of rows(group)) {
      const order = row.querySelector("[name$='-sort_order']");
      order.value = hasData(row) ? String(position++) : "";
    }
  }

  function move(group, row, step) {
    const all = rows(group);
    const index = all.indexOf(row);
    const other = all[index + step];
    if (!other) return;
    if (step < 0) other.parentNode.insertBefore(row, other);
    else other.parentNode.insertBefore(row, other.nextSibling);
    renumber(group);
  }

  function addButtons(group, row) {
    if (row.querySelector(".sortable-inline-buttons")) return;
    const order = row.querySelector("[name$='-sort_order']");
    const box = document.createElement("span");
    box.className = "sortable-inline-buttons";
    for (const [label, step] of [["Move up", -1], ["Move down", 1]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = label;
      button.style.marginLeft = "0.5em";
      button.addEventListener("click", () => {
        move(group, row, step);
        button.focus();
      });
      box.appendChild(button);
    }
    order.insertAdjacentElement("afterend", box);
  }

  function setUp() {
    for (const group of document.querySelectorAll(".inline-group")) {
      if (!group.querySelector(".sortable-inline") && !group.classList.contains("sortable-inline")) continue;
      for (const row of rows(group)) addButtons(group, row);
    }
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(".inline-group");
    if (group) addButtons(group, event.target);
  });
})();
