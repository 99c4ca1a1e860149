#include "report/report_page.h"

namespace certmint::report_page {

// Colours as variables so that prefers-color-scheme: dark swaps them in one
// place; the table scrolls sideways inside its box on a phone.
const std::string_view kStyle = R"CSS(
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b6570;--line:#d5dae0;--card:#f5f7f9;
--valid:#2e7d32;--expiring:#b26a00;--expired:#c62828;--revoked:#6a1b9a;--pending:#1565c0;
--window:rgba(178,106,0,.14);--today:#c62828}
@media (prefers-color-scheme:dark){:root{--bg:#12161b;--fg:#e6e9ed;--muted:#9aa4ae;
--line:#2c333b;--card:#1b2128;--valid:#66bb6a;--expiring:#ffb74d;--expired:#ef5350;
--revoked:#ce93d8;--pending:#64b5f6;--window:rgba(255,183,77,.16);--today:#ef5350}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:1rem;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
h3{font-size:1rem;margin:0 0 .4rem}.muted,#generated{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.75rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:.15rem .6rem;margin:0}
.card dt{color:var(--muted)}.card dd{margin:0;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.5rem}
.count{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.4rem .7rem;
min-width:6.5rem}.count b{display:block;font-size:1.35rem}
.count.valid b,.s-valid{color:var(--valid)}.count.expiring b,.s-expiring{color:var(--expiring)}
.count.expired b,.s-expired{color:var(--expired)}.count.revoked b,.s-revoked{color:var(--revoked)}
.count.pending b,.s-pending{color:var(--pending)}
#timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:var(--card)}
#timeline .window{fill:var(--window)}#timeline .today{stroke:var(--today);stroke-width:2}
#timeline .axis{stroke:var(--line)}#timeline text{fill:var(--muted);font-size:11px}
#timeline .mark{fill:var(--valid);opacity:.75}#timeline .mark.expiring{fill:var(--expiring)}
#timeline .mark.expired{fill:var(--expired)}
.legend span{margin-right:1rem}
.controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:.5rem}
.controls input,.controls select{font:inherit;padding:.3rem .5rem;color:var(--fg);
background:var(--bg);border:1px solid var(--line);border-radius:6px}
.controls input{flex:1 1 16rem}
.controls button{font:inherit;padding:.3rem .6rem;color:var(--fg);background:var(--card);
border:1px solid var(--line);border-radius:6px;cursor:pointer}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .55rem;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
th{position:sticky;top:0;background:var(--card);white-space:nowrap}
#certs th{cursor:pointer;user-select:none}
#certs th[aria-sort=ascending]::after{content:" \25B2"}
#certs th[aria-sort=descending]::after{content:" \25BC"}
td .subject{font-size:.75rem}
td.nw{white-space:nowrap;overflow-wrap:normal}
section h3.muted{margin:.8rem 0 .4rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.mono{font-family:ui-monospace,monospace;font-size:.8rem}
@media (max-width:640px){body{padding:.5rem;font-size:14px}.count{min-width:5rem}}
@media print{.controls{display:none}.table-wrap{overflow:visible;border:0}
th{position:static}body{max-width:none;background:#fff;color:#000}tr{break-inside:avoid}}
)CSS";

const std::string_view kBody = R"HTML(
<header><h1>Certificate inventory</h1><p id="generated"></p></header>
<section><h2>Certificate authorities</h2><p id="rotation"></p><div id="ca-list" class="cards"></div></section>
<section><h2>Counts</h2><div id="counts" class="counts"></div>
<h3 class="muted">By role</h3><div id="roles" class="counts"></div>
<h3 class="muted">Enrollment tokens</h3><div id="tokens" class="counts"></div></section>
<section><h2>Expiry timeline</h2>
<svg id="timeline" viewBox="0 0 1000 170" role="img" aria-label="Expiry dates of the valid certificates"></svg>
<p class="legend muted"><span class="s-valid">&#9679; valid</span><span class="s-expiring">&#9679; in the renewal window</span><span class="s-expired">&#9679; expired</span><span>shaded: renewal window; red line: today</span></p></section>
<section><h2>Certificates</h2><div class="controls">
<input id="filter" type="search" placeholder="Filter by name, SAN, serial, key, role&#8230;" aria-label="Filter">
<select id="status-filter" aria-label="Status"><option value="">every status</option>
<option>valid</option><option>expiring</option><option>expired</option><option>pending</option><option>revoked</option></select>
<span id="shown" class="muted"></span><button id="more" type="button" hidden></button></div>
<div class="table-wrap"><table id="certs"><thead><tr>
<th data-key="name">Name</th><th data-key="role">Role</th><th data-key="sans">SANs</th>
<th data-key="key_type">Key</th><th data-key="serial">Serial</th><th data-key="not_after">Not after</th>
<th data-key="days_left">Days left</th><th data-key="status">Status</th></tr></thead><tbody></tbody></table></div></section>
<section><h2>Revoked certificates</h2><p id="revoked-none" class="muted"></p>
<div class="table-wrap"><table id="revoked"><thead><tr><th>Name</th><th>Serial</th><th>Revoked at</th><th>Reason</th></tr></thead><tbody></tbody></table></div></section>
)HTML";

// Every value goes into the page through textContent or setAttribute on
// SVG geometry: never innerHTML, so nothing from a certificate is parsed
// as markup.
const std::string_view kScript = R"JS(
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var DAY = 86400000, now = Date.parse(data.generated_at), SVG = "http://www.w3.org/2000/svg";
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function sans(c) { return c.dns_names.concat(c.ip_addresses).join(", "); }

  $("generated").textContent = "Generated " + data.generated_at + " \u00b7 renewal window " +
      data.window_days + " days \u00b7 " + data.certificates.length + " certificates";

  function cas() {
    $("rotation").textContent = data.rotation_in_progress
        ? "A CA rotation is in progress: nodes trust both CAs until the previous one is retired."
        : "No CA rotation in progress.";
    data.cas.forEach(function (ca) {
      var card = el("div", null, "card ca");
      card.appendChild(el("h3", ca.role === "current" ? "Current CA" : "Previous CA"));
      var dl = el("dl");
      [["Subject", ca.subject], ["Not after", ca.not_after], ["Days left", ca.days_left],
       ["Serial", ca.serial], ["SHA-256", ca.sha256_fingerprint]].forEach(function (kv) {
        dl.appendChild(el("dt", kv[0]));
        dl.appendChild(el("dd", kv[1], kv[0] === "Days left" && ca.days_left < 90 ? "s-expiring" : ""));
      });
      card.appendChild(dl);
      $("ca-list").appendChild(card);
    });
  }

  function counts(box, entries) {
    entries.forEach(function (kv) {
      var c = el("div", null, "count " + kv[0]);
      c.setAttribute("data-count", kv[0]);
      c.appendChild(el("b", kv[1]));
      c.appendChild(el("span", kv.length > 2 ? kv[2] : kv[0]));
      box.appendChild(c);
    });
  }

  function timeline() {
    var valid = data.certificates.filter(function (c) { return c.status === "valid"; });
    var times = valid.map(function (c) { return Date.parse(c.not_after); });
    var lo = Math.min.apply(null, [now - 7 * DAY].concat(times));
    var hi = Math.max.apply(null, [now + (data.window_days + 14) * DAY].concat(times));
    var box = $("timeline"), left = 20, width = 960;
    function x(t) { return left + (t - lo) / (hi - lo) * width; }
    box.appendChild(svg("rect", { "class": "window", x: x(now), y: 10, height: 130,
      width: Math.max(1, x(now + data.window_days * DAY) - x(now)) }));
    box.appendChild(svg("line", { "class": "axis", x1: left, x2: left + width, y1: 140, y2: 140 }));
    for (var i = 0; i <= 5; i++) {
      var t = lo + (hi - lo) * i / 5, tx = x(t);
      box.appendChild(svg("line", { "class": "axis", x1: tx, x2: tx, y1: 140, y2: 145 }));
      var label = svg("text", { x: tx, y: 160, "text-anchor": i === 0 ? "start" : i === 5 ? "end" : "middle" });
      label.textContent = new Date(t).toISOString().slice(0, 10);
      box.appendChild(label);
    }
    box.appendChild(svg("line", { "class": "today", x1: x(now), x2: x(now), y1: 10, y2: 140 }));
    var frag = document.createDocumentFragment();
    valid.forEach(function (c, n) {
      var mark = svg("circle", { "class": "mark " + c.display_status, cx: x(times[n]),
        cy: 18 + ((n * 37) % 113), r: valid.length > 2000 ? 2 : 4 });
      var title = svg("title", {});
      title.textContent = c.name + " \u2014 " + c.not_after;
      mark.appendChild(title);
      frag.appendChild(mark);
    });
    box.appendChild(frag);
  }

  // The table holds at most `limit` rows of those matching (the first ones
  // in the current order): filtering and sorting 10,000 certificates then
  // costs the script's work, not the layout of 10,000 rows. "Show all" lifts
  // the limit (before printing everything, say).
  var rows = [], matched = [], sortKey = "days_left", sortDir = 1, limit = 500;
  function tr(r) {
    if (r.tr) { return r.tr; }
    var c = r.c, row = document.createElement("tr");
    [[c.name], [c.role, "nw"], [r.sans], [c.key_type, "nw"], [c.serial, "mono"],
     [c.not_after.slice(0, 10), "nw"], [c.days_left, "num nw"],
     [c.display_status, "nw s-" + c.display_status]].forEach(function (v) {
      row.appendChild(el("td", v[0], v[1]));
    });
    row.cells[0].appendChild(el("div", c.subject, "subject muted"));
    row.setAttribute("data-status", c.display_status);
    r.tr = row;
    return row;
  }
  function render() {
    var frag = document.createDocumentFragment(), n = Math.min(limit, matched.length);
    for (var i = 0; i < n; i++) { frag.appendChild(tr(matched[i])); }
    var body = $("certs").tBodies[0];
    body.textContent = "";
    body.appendChild(frag);
    $("shown").textContent = n === matched.length
        ? n + " of " + rows.length + " shown"
        : matched.length + " of " + rows.length + " match; the first " + n + " shown";
    $("more").hidden = n === matched.length;
    $("more").textContent = "Show all " + matched.length;
  }
  function match() {
    var q = $("filter").value.trim().toLowerCase(), s = $("status-filter").value;
    matched = rows.filter(function (r) {
      return (!q || r.text.indexOf(q) >= 0) && (!s || r.status === s);
    });
  }
  function filter() {
    var started = performance.now();
    match();
    render();
    window.certmintLastFilterMs = performance.now() - started;
  }
  function value(r, key) {
    if (key === "sans") { return r.sans; }
    if (key === "status") { return r.status; }
    if (key === "days_left") { return r.c.days_left === null ? -Infinity : r.c.days_left; }
    return String(r.c[key]);
  }
  function sort() {
    rows.sort(function (a, b) {
      var x = value(a, sortKey), y = value(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
    Array.prototype.forEach.call($("certs").tHead.rows[0].cells, function (th) {
      if (th.getAttribute("data-key") === sortKey) {
        th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    filter();
  }
  function sortBy(key) {
    sortDir = key === sortKey ? -sortDir : 1;
    sortKey = key;
    sort();
  }
  function table() {
    rows = data.certificates.map(function (c) {
      var names = sans(c);
      return { c: c, sans: names, status: c.display_status, tr: null,
        text: [c.name, c.role, names, c.key_type, c.serial, c.not_after, c.display_status,
               c.subject].join(" ").toLowerCase() };
    });
    Array.prototype.forEach.call($("certs").tHead.rows[0].cells, function (th) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(th.getAttribute("data-key")); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { sortBy(th.getAttribute("data-key")); }
      });
    });
    $("filter").addEventListener("input", filter);
    $("status-filter").addEventListener("change", filter);
    $("more").addEventListener("click", function () { limit = Infinity; render(); });
    sort();
  }

  function revoked() {
    var list = data.certificates.filter(function (c) { return c.status === "revoked"; });
    $("revoked-none").textContent = list.length ? "" : "No certificate has been revoked.";
    var body = $("revoked").tBodies[0];
    list.forEach(function (c) {
      var tr = document.createElement("tr");
      [[c.name], [c.serial, "mono"], [c.revoked_at], [c.revocation_reason]].forEach(function (v) {
        tr.appendChild(el("td", v[0], v[1]));
      });
      body.appendChild(tr);
    });
  }

  cas();
  counts($("counts"), ["valid", "expiring", "expired", "pending", "revoked"].map(function (k) {
    return [k, data.counts.by_status[k]];
  }).concat([["superseded", data.counts.superseded]]));
  counts($("roles"), Object.keys(data.counts.by_role).map(function (k) {
    return ["role-" + k, data.counts.by_role[k], k];
  }));
  counts($("tokens"), ["unused", "used", "expired", "revoked"].map(function (k) {
    return ["token-" + k, data.tokens[k], k];
  }));
  timeline();
  table();
  revoked();
  document.documentElement.setAttribute("data-ready", "1");
}());
)JS";

}  // namespace certmint::report_page
