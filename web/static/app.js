// Kirjaamo web interface: the idle lock and live personal-data warnings.
// Plain JavaScript, no framework; everything else works without it.
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.dataset.csrf || "";

  function post(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: data === undefined ? "{}" : JSON.stringify(data)
    });
  }

  // Idle lock. The server enforces it too (a session idle longer than the
  // limit reaches only the lock page); here the screen is hidden the
  // moment the time is up, before anyone reloads anything.
  var idle = parseInt(body.dataset.idle || "0", 10);
  if (idle > 0) {
    var last = Date.now(), pinged = Date.now(), locked = false;
    var activity = function () {
      if (locked) return;
      last = Date.now();
      // Tell the server about activity that loads no page (typing a long
      // note), at most once a minute and well before the limit.
      if (last - pinged > Math.min(60000, idle * 500)) {
        pinged = last;
        post("/keepalive").catch(function () {});
      }
    };
    ["keydown", "mousedown", "mousemove", "wheel", "touchstart", "scroll"].forEach(function (ev) {
      window.addEventListener(ev, activity, { passive: true, capture: true });
    });
    setInterval(function () {
      if (!locked && Date.now() - last >= idle * 1000) {
        locked = true;
        document.documentElement.classList.add("locked");
        document.getElementById("lockcover").hidden = false;
        window.location.replace(body.dataset.lockUrl || "/lock");
      }
    }, 500);
  }

  // Live warnings: text areas marked data-scan are sent to the scanner
  // (nothing is stored) a moment after typing stops.
  document.querySelectorAll("textarea[data-scan]").forEach(function (ta) {
    var out = document.getElementById(ta.dataset.scan);
    var timer = null, seq = 0;
    ta.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        post("/scan", { text: ta.value }).then(function (r) { return r.json(); }).then(function (res) {
          if (mine !== seq || !out) return;
          out.textContent = "";
          if (!res.warnings || res.warnings.length === 0) return;
          var p = document.createElement("p");
          p.textContent = res.title;
          out.appendChild(p);
          var ul = document.createElement("ul");
          res.warnings.forEach(function (w) {
            var li = document.createElement("li");
            li.textContent = w;
            ul.appendChild(li);
          });
          out.appendChild(ul);
        }).catch(function () {});
      }, 400);
    });
  });
})();
