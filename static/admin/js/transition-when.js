"use strict";
// The publish confirmation (TransitionForm in editorial/admin.py): “Public from”
// applies only to “At a later time”, so it is disabled while another choice is
// made. Without this script the field stays enabled and the server ignores it
// unless “At a later time” is chosen.
window.addEventListener("DOMContentLoaded", function () {
  const at = document.getElementById("id_at");
  const choices = document.querySelectorAll("input[name=when]");
  if (!at || choices.length === 0) {
    return;
  }
  function follow() {
    const later = document.querySelector("input[name=when][value=at]");
    at.disabled = !(later && later.checked);
  }
  choices.forEach(function (choice) {
    choice.addEventListener("change", follow);
  });
  follow();
});
