// Organiser pages, progressively enhanced: every form works without this script.
(function () {
  "use strict";

  // Confirm destructive actions (cancel an event, delete an agenda item).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // Move agenda items and speakers without reloading: the server answers with the new order.
  function refreshButtons(list) {
    var rows = list.querySelectorAll(":scope > li");
    rows.forEach(function (row, index) {
      row.querySelector(".btn-move-up").disabled = index === 0;
      row.querySelector(".btn-move-down").disabled = index === rows.length - 1;
    });
  }

  document.querySelectorAll("[data-sortable]").forEach(function (list) {
    var status = document.getElementById("move-status");
    list.addEventListener("reordered", function () { refreshButtons(list); });
    list.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.dataset.move) { return; }
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        var byId = {};
        list.querySelectorAll(":scope > li").forEach(function (row) { byId[row.dataset.id] = row; });
        data.order.forEach(function (id) { list.appendChild(byId[id]); });
        refreshButtons(list);
        var row = form.closest("li");
        var button = form.querySelector("button");
        (button.disabled ? row.querySelector("button:not([disabled])") : button).focus();
        if (status) { status.textContent = status.dataset.moved || "Ordine aggiornato."; }
      }).catch(function () { form.submit(); });
    });
  });
})();
