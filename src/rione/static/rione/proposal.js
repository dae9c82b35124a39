/* Proposal steps: character counters, live budget totals, a local copy of what is typed,
   and a warning before the session expires. Everything also works without this script. */
(function () {
  "use strict";
  var script = document.currentScript;
  var data = script ? script.dataset : {};

  /* Character counters */
  document.querySelectorAll("[data-counter]").forEach(function (field) {
    var max = parseInt(field.dataset.counter, 10);
    var note = document.createElement("small");
    note.className = "form-text d-block text-end char-counter";
    note.id = field.id + "-counter";
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    function update() { note.textContent = field.value.length + " / " + max + " " + (data.counterText || ""); }
    field.addEventListener("input", update);
    update();
  });

  /* Amounts: exact arithmetic in cents with BigInt, rounding half up like the server. */
  function toHundredths(text) {
    var value = (text || "").replace(/[€\s\u00a0]/g, "");
    if (/^\d{1,3}(\.\d{3})+(,\d*)?$/.test(value)) value = value.replace(/\./g, "");
    if (value.indexOf(",") >= 0 && value.indexOf(".") >= 0) {
      value = value.lastIndexOf(",") > value.lastIndexOf(".") ? value.replace(/\./g, "") : value.replace(/,/g, "");
    }
    value = value.replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return null;
    var parts = value.split(".");
    return BigInt(parts[0]) * 100n + BigInt(((parts[1] || "") + "00").slice(0, 2));
  }
  function formatCents(cents) {
    var negative = cents < 0n; if (negative) cents = -cents;
    var units = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = (cents % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + units + "," + rest + " €";
  }
  var budget = document.querySelector("[data-budget]");
  if (budget) {
    var recompute = function () {
      var total = 0n;
      budget.querySelectorAll("[data-line]").forEach(function (row) {
        var q = toHundredths((row.querySelector("[name$='-quantity']") || {}).value);
        var u = toHundredths((row.querySelector("[name$='-unit_cost']") || {}).value);
        var del = row.querySelector("[name$='-DELETE']");
        var cell = row.querySelector("[data-amount]");
        if (q === null || u === null || (del && del.checked)) { if (cell) cell.textContent = ""; return; }
        var amount = (q * u + 50n) / 100n;
        total += amount;
        if (cell) cell.textContent = formatCents(amount);
      });
      var grant = toHundredths((budget.querySelector("[name='requested_grant']") || {}).value) || 0n;
      var own = total - grant;
      budget.querySelectorAll("[data-total]").forEach(function (el) { el.textContent = formatCents(total); });
      budget.querySelectorAll("[data-grant]").forEach(function (el) { el.textContent = formatCents(grant); });
      budget.querySelectorAll("[data-own]").forEach(function (el) { el.textContent = formatCents(own > 0n ? own : 0n); });
      budget.querySelectorAll("[data-pct]").forEach(function (el) {
        var pct = total > 0n && own > 0n ? (own * 10000n * 2n / total + 1n) / 2n : 0n;
        el.textContent = (pct / 100n) + "," + (pct % 100n).toString().padStart(2, "0");
      });
    };
    budget.addEventListener("input", recompute);
    budget.addEventListener("change", recompute);
    var add = budget.querySelector("[data-add-line]");
    var template = budget.querySelector("template[data-empty-line]");
    var totalForms = budget.querySelector("[name$='-TOTAL_FORMS']");
    if (add && template && totalForms) {
      add.addEventListener("click", function () {
        var index = parseInt(totalForms.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__n__/g, index + 1);
        var lines = budget.querySelector("[data-lines]");
        lines.insertAdjacentHTML("beforeend", html);
        totalForms.value = index + 1;
        /* Move focus to the new line's first field, so keyboard and screen-reader users land in it. */
        var added = lines.lastElementChild;
        var first = added && added.querySelector("select, input:not([type=hidden])");
        if (first) first.focus();
      });
    }
    recompute();
  }

  /* A local copy of what is typed, restored if the page is reloaded before saving. */
  var key = data.draftKey;
  var form = document.querySelector("form[data-autosave]");
  if (form && key && window.localStorage) {
    var prefix = key.replace(/-\d*$/, "-");
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf(prefix) === 0 && k !== key) localStorage.removeItem(k); });
    var fields = function () { return form.querySelectorAll("input:not([type=hidden]):not([type=file]), textarea, select"); };
    var stored = localStorage.getItem(key);
    if (stored && !form.querySelector(".invalid-feedback")) {
      try {
        var values = JSON.parse(stored), changed = false;
        fields().forEach(function (f) {
          if (!(f.name in values)) return;
          if (f.type === "checkbox" || f.type === "radio") {
            var on = values[f.name].indexOf(f.value) >= 0;
            if (f.checked !== on) { f.checked = on; changed = true; }
          } else if (f.value !== values[f.name][0]) { f.value = values[f.name][0]; changed = true; }
        });
        if (changed) {
          var note = document.createElement("div");
          note.className = "alert alert-info"; note.setAttribute("role", "status");
          note.textContent = data.restoredText || "";
          form.insertAdjacentElement("beforebegin", note);
          form.dispatchEvent(new Event("input"));
        }
      } catch (e) { localStorage.removeItem(key); }
    }
    var save = function () {
      var values = {};
      fields().forEach(function (f) {
        values[f.name] = values[f.name] || [];
        if (f.type === "checkbox" || f.type === "radio") { if (f.checked) values[f.name].push(f.value); }
        else values[f.name].push(f.value);
      });
      try { localStorage.setItem(key, JSON.stringify(values)); } catch (e) { /* storage full: nothing to do */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () { localStorage.removeItem(key); });
  }

  /* Session timeout warning, five minutes before the end. */
  var seconds = parseInt(data.sessionSeconds || "0", 10);
  var dialog = document.getElementById("session-warning");
  if (seconds > 0 && dialog && window.bootstrap) {
    var modal = new bootstrap.Modal(dialog);
    var timer;
    var schedule = function (left) {
      clearTimeout(timer);
      timer = setTimeout(function () { modal.show(); }, Math.max(left - 300, 5) * 1000);
    };
    var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
    dialog.querySelector("[data-keep-alive]").addEventListener("click", function () {
      fetch(data.keepAliveUrl, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) { modal.hide(); if (body.seconds) schedule(body.seconds); })
        .catch(function () { modal.hide(); });
    });
    schedule(seconds);
  }
})();
