/* Names the admin's autocomplete pickers after their field's label (templates/admin/base_site.html).

   Django's autocomplete fields are select2 pickers: a combobox whose only name is the chosen
   value, so an empty one ("Person" on a new contributor row) has none (axe:
   aria-input-field-name), and a screen reader hears "combobox" alone; the same for the box
   showing the chosen value. The label is
   prepended to what names it: "Person: Erkin Baydarov". Pickers are made when the page is
   ready and when a row is added (Django's autocomplete.js); this runs after it, each time. */
"use strict";
(function () {
  function name(select) {
    const container = select.nextElementSibling;
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (!label || !container || !container.classList.contains("select2")) {
      return;
    }
    if (!label.id) {
      label.id = `${select.id}-label`;
    }
    container.querySelectorAll('[role="combobox"], .select2-search__field').forEach((element) => {
      const named = (element.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (!named.includes(label.id)) {
        element.setAttribute("aria-labelledby", [label.id, ...named].join(" "));
      }
    });
    // The chosen value's own box (role "textbox", empty until a value is chosen) is named by the label too.
    container.querySelectorAll('[role="textbox"]').forEach((element) => {
      element.setAttribute("aria-labelledby", label.id);
    });
  }

  function nameAll(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(name);
  }

  if (window.django && window.django.jQuery) {
    window.django.jQuery(() => nameAll(document)); // after autocomplete.js's own "ready"
  }
  document.addEventListener("formset:added", (event) => nameAll(event.target));
})();
