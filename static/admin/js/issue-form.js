// The issue form follows the kind of piece (editorial/admin.py IssueAdmin):
// - an interview has questions and no body; another kind has a body and no
//   questions. A part that does not apply is hidden, unless it holds text, so
//   nothing typed is ever hidden (the server shows the same on load);
// - a contributor row added with "Add another" takes the role the kind needs
//   next: in an interview, the interviewer first, then interviewees; otherwise
//   an author. The server's checks stay the rules (ContributionFormSet).
"use strict";
(function () {
  const INTERVIEW = "interview";

  function kind(form) {
    const select = form.querySelector("select[name='kind']");
    return select ? select.value : "";
  }

  function rowsOf(group) {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"));
  }

  function rowIsDeleted(row) {
    const box = row.querySelector("input[name$='-DELETE']");
    return box !== null && box.checked;
  }

  function hasText(container) {
    return Array.from(container.querySelectorAll("textarea")).some((area) => area.value.replace(/<[^>]*>/g, "").trim())
  }

  function showParts(form) {
    const interview = kind(form) === INTERVIEW;
    const body = form.querySelector("fieldset.issue-body");
    if (body) body.classList.toggle("hidden", interview && !hasText(body));
    const questions = form.querySelector("#questions-group");
    if (questions) {
      const used = rowsOf(questions).length > 0;
      questions.classList.toggle("hidden", !interview && !used);
      const module = questions.querySelector("fieldset.module");
      if (module) module.classList.toggle("hidden", !interview && !used);
    }
  }

  function interviewees(form) {
    const group = form.querySelector("#contributions-group")
    if (!group) return 0
    return rowsOf(group).filter(
      (row) => !rowIsDeleted(row) && (row.querySelector("select[name$='-role']") || {}).value === "interviewee",
    ).length
  }

  // What a row does not need is hidden while it is empty: an interviewee's biography (only authors' and
  // interviewers' are printed), and "Answered by" while the interview has one interviewee.
  function showRowParts(form) {
    const group = form.querySelector("#contributions-group")
    if (group) {
      for (const row of rowsOf(group)) {
        const role = row.querySelector("select[name$='-role']")
        const bio = row.querySelector(".form-row.field-printed_biography")
        if (role && bio) bio.classList.toggle("hidden", role.value === "interviewee" && !hasText(bio))
      }
    }
    const several = interviewees(form) > 1
    for (const line of form.querySelectorAll("#questions-group .inline-related .form-row.field-speaker")) {
      const chosen = line.querySelector("select[name$='-speaker']")
      line.classList.toggle("hidden", !several && !(chosen && chosen.value))
    }
  }

  // ``onlyBefore``: count the rows above ``newRow`` only (a spare row re-roled when the kind changes).
  function roleForNewRow(form, newRow, onlyBefore = false) {
    if (kind(form) !== INTERVIEW) return "author";
    const group = form.querySelector("#contributions-group");
    const rows = rowsOf(group);
    const taken = (onlyBefore ? rows.slice(0, rows.indexOf(newRow)) : rows)
      .filter((row) => row !== newRow && !rowIsDeleted(row))
      .map((row) => row.querySelector("select[name$='-role']"))
      .filter((select) => select !== null)
      .map((select) => select.value);
    return taken.includes("interviewer") ? "interviewee" : "interviewer";
  }

  // Each editor is named by its field's label ("Question", "Answer"), for screen readers: the
  // editable area the prose editor makes has no name of its own (axe: aria-input-field-name).
  document.addEventListener("prose-editor:ready", (event) => {
    const textarea = event.detail.textarea;
    const editable = event.detail.editor.view.dom;
    const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
    if (label && !editable.hasAttribute("aria-label")) {
      editable.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const kindSelect = document.querySelector("form select[name='kind']");
    if (!kindSelect) return;
    const form = kindSelect.closest("form");
    showParts(form);
    showRowParts(form);
    kindSelect.addEventListener("change", () => {
      showParts(form);
      // Rows where no one is chosen yet take the roles the new kind needs, in their order.
      const group = form.querySelector("#contributions-group");
      if (!group) return;
      for (const row of rowsOf(group)) {
        const person = row.querySelector("select[name$='-person']");
        const role = row.querySelector("select[name$='-role']");
        if (role && person && !person.value) role.value = roleForNewRow(form, row, true);
      }
      showRowParts(form);
    });
    form.addEventListener("change", (event) => {
      if (event.target.matches && event.target.matches("select[name$='-role'], input[name$='-DELETE']")) {
        showRowParts(form);
      }
    });
    document.addEventListener("formset:added", (event) => {
      const row = event.target;
      if (row.closest && row.closest("#contributions-group")) {
        const role = row.querySelector("select[name$='-role']");
        if (role) role.value = roleForNewRow(form, row);
      }
      showRowParts(form);
    });
  });
})();
