/* rione: keeps the call countdown ("mancano 3 giorni e 4 ore") up to date.
 * The server renders the first text; this script only refreshes it once a minute.
 * The countdown itself is not a live region (screen readers would hear it every
 * minute): only a change of state (deadline passed, call opened) is announced,
 * once, through the separate role="status" element. No external libraries. */
(function () {
  "use strict";
  var el = document.querySelector("[data-countdown]");
  var stringsEl = document.getElementById("countdown-strings");
  if (!el || !stringsEl) { return; }
  var s = JSON.parse(stringsEl.textContent);
  var target = Date.parse(el.getAttribute("data-target"));
  var serverNow = Date.parse(el.getAttribute("data-server-now"));
  var mode = el.getAttribute("data-mode");
  var statusEl = document.getElementById(el.getAttribute("data-status"));
  if (isNaN(target) || isNaN(serverNow)) { return; }
  // Trust the server's clock, not the visitor's: keep the offset between the two.
  var offset = serverNow - Date.now();

  function fmt(pattern, values) {
    return pattern.replace(/%\((\w+)\)[sd]/g, function (_, key) { return values[key]; });
  }
  function unit(name, n) { return fmt(s[name][n === 1 ? 0 : 1], { n: n }); }

  function text(ms) {
    var minutes = Math.max(Math.floor(ms / 60000), 0);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [["day", days], ["hour", hours], ["minute", mins]];
    while (parts.length > 1 && parts[0][1] === 0) { parts.shift(); }
    var first = parts[0];
    var out = unit(first[0], first[1]);
    if (parts.length > 1 && parts[1][1] > 0) {
      out = fmt(s.and, { a: out, b: unit(parts[1][0], parts[1][1]) });
    }
    var patterns = s[mode];
    return fmt(patterns[first[1] === 1 ? 0 : 1], { time: out });
  }

  var timer = null;
  function tick() {
    var left = target - (Date.now() + offset);
    if (left <= 0) {
      var message = mode === "closes" ? s.closed : s.opened;
      el.textContent = message;
      if (statusEl) { statusEl.textContent = message; }
      if (timer) { window.clearInterval(timer); }
      return;
    }
    var next = text(left);
    if (el.textContent !== next) { el.textContent = next; }
  }
  tick();
  timer = window.setInterval(tick, 30000);
})();
