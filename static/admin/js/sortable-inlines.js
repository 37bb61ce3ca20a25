// Move up / Move down buttons for admin inlines marked "sortable-inline" (in a
// stacked row's title bar, the row's order field then hidden).
// Moving a row renumbers the "order" fields of the rows 1..n in the order they
// now appear, and a row added with "Add another" takes the next number. The
// server ignores the order of a row left empty (OrderedRowForm), so a spare row
// stays unsaved whatever its number.
"use strict";
(function () {
  function rows(group) {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form), tr.form-row:not(.empty-form)"))
      .filter((row) => row.querySelector("[name$='-sort_order']"));
  }

  function renumber(group) {
    rows(group).forEach((row, index) => {
      row.querySelector("[name$='-sort_order']").value = String(index + 1);
    });
  }

  function nextOrder(group, newRow) {
    let highest = 0;
    for (const row of rows(group)) {
      if (row === newRow) continue;
      const value = parseInt(row.querySelector("[name$='-sort_order']").value, 10);
      if (!Number.isNaN(value)) highest = Math.max(highest, value);
    }
    return highest + 1;
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
    // In a stacked row, beside its title: the order field itself is then hidden (the buttons set it).
    const heading = row.querySelector(":scope > h3")
    if (heading) {
      const remove = heading.querySelector(".delete")
      if (remove) heading.insertBefore(box, remove)
      else heading.appendChild(box)
      row.classList.add("has-move-buttons")
    } else {
      order.insertAdjacentElement("afterend", box);
    }
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
    if (!group || !rows(group).includes(event.target)) return;
    event.target.querySelector("[name$='-sort_order']").value = String(nextOrder(group, event.target));
    addButtons(group, event.target);
  });
})();
