/* demarcate HTML report: filters, sort and details for the findings table.
   Data comes from the JSON block and reaches the page through textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var findings = data.findings;
  var templates = data.templates;
  var PAGE = 500;
  var FILTERS = ["service", "severity", "status", "duty", "framework"];
  var STATUS_RANK = { FAIL: 0, UNKNOWN: 1, PASS: 2 };
  var SEV_RANK = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };
  var STATUS_LABEL = { FAIL: "Fail", UNKNOWN: "Unknown", PASS: "Pass" };
  var REMEDIATION = [["console", "Console"], ["cli", "AWS CLI"], ["terraform", "Terraform"]];
  var state = { q: "", service: "", severity: "", status: "", duty: "", framework: "", sort: null, dir: 1, limit: PAGE };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function str(v) { return v === undefined || v === null ? "" : String(v); }
  function serviceName(id) { return data.services[id] || str(id); }
  function dutyTitle(id) { return data.duties[id] || ""; }
  function resourceLabel(f) { return str(f.rname || f.rid); }

  findings.forEach(function (f, i) {
    var t = templates[f.t] || {};
    f.i = i;
    f.title = str(t.title);
    f.hay = [f.title, f.check, f.rid, f.rname, f.arn, f.rtype, f.region, f.account, f.evidence,
      f.duty, dutyTitle(f.duty), serviceName(f.service), f.service, f.severity, f.status,
      f.location ? str(f.location.file) : ""].map(str).join("\n").toLowerCase();
  });

  function fillSelect(select, entries) {
    entries.forEach(function (e) {
      var o = document.createElement("option");
      o.value = e[0];
      o.textContent = e[1];
      select.appendChild(o);
    });
  }
  function countBy(key) {
    var c = {};
    findings.forEach(function (f) { c[f[key]] = (c[f[key]] || 0) + 1; });
    return c;
  }
  var svcCount = countBy("service");
  fillSelect($("f-service"), Object.keys(svcCount).sort(function (a, b) {
    return serviceName(a).localeCompare(serviceName(b));
  }).map(function (s) { return [s, serviceName(s) + " (" + svcCount[s] + ")"]; }));
  var dutyCount = countBy("duty");
  fillSelect($("f-duty"), Object.keys(dutyCount).sort().map(function (d) {
    var t = dutyTitle(d);
    return [d, (t ? t + " · " : "") + d + " (" + dutyCount[d] + ")"];
  }));
  fillSelect($("f-framework"), data.frameworks.map(function (fw) {
    var n = findings.filter(function (f) { return f.fw.indexOf(fw.id) >= 0; }).length;
    return [fw.id, fw.name + " (" + n + ")"];
  }));

  function matches(f) {
    return (!state.service || f.service === state.service) &&
      (!state.severity || f.severity === state.severity) &&
      (!state.status || f.status === state.status) &&
      (!state.duty || f.duty === state.duty) &&
      (!state.framework || f.fw.indexOf(state.framework) >= 0) &&
      (!state.q || state.q.split(/\s+/).every(function (w) { return f.hay.indexOf(w) >= 0; }));
  }
  var SORT_KEY = {
    status: function (f) { return STATUS_RANK[f.status] !== undefined ? STATUS_RANK[f.status] : 9; },
    severity: function (f) { return SEV_RANK[f.severity] !== undefined ? SEV_RANK[f.severity] : 9; },
    service: function (f) { return serviceName(f.service).toLowerCase(); },
    check: function (f) { return f.title.toLowerCase(); },
    resource: function (f) { return resourceLabel(f).toLowerCase(); },
    region: function (f) { return str(f.region); },
    duty: function (f) { return str(f.duty); }
  };

  function badge(status) { return el("span", "badge st-" + status, STATUS_LABEL[status] || status); }
  function sevTag(sev) { return el("span", "sev sev-" + str(sev), sev); }

  function row(f) {
    var tr = el("tr", "finding");
    tr.dataset.index = String(f.i);
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", "false");
    var c0 = el("td");
    c0.appendChild(el("span", "caret", "▸"));
    c0.appendChild(badge(f.status));
    var c1 = el("td");
    c1.appendChild(sevTag(f.severity));
    var c2 = el("td", null, serviceName(f.service));
    var c3 = el("td");
    c3.appendChild(el("span", "c-title", f.title));
    c3.appendChild(el("span", "c-id", f.check));
    var c4 = el("td", "c-res");
    c4.appendChild(el("span", "c-name", resourceLabel(f)));
    if (f.rname && f.rid && f.rid !== f.rname) c4.appendChild(el("span", "c-sub", f.rid));
    var c5 = el("td", "nw", f.region);
    var c6 = el("td");
    c6.appendChild(el("span", null, dutyTitle(f.duty) || f.duty));
    if (dutyTitle(f.duty)) c6.appendChild(el("span", "c-id", f.duty));
    [c0, c1, c2, c3, c4, c5, c6].forEach(function (c) { tr.appendChild(c); });
    return tr;
  }

  function dl(pairs) {
    var d = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === "") return;
      d.appendChild(el("dt", null, p[0]));
      d.appendChild(el("dd", p[2] ? "mono" : null, p[1]));
    });
    return d;
  }
  function section(title) {
    var s = el("div", "dsec");
    s.appendChild(el("h4", null, title));
    return s;
  }

  function detail(f) {
    var t = templates[f.t] || {};
    var tr = el("tr", "detail");
    var td = el("td");
    td.colSpan = 7;
    var grid = el("div", "dgrid");
    var left = el("div");
    var right = el("div");

    var ev = section("Evidence");
    ev.appendChild(el("p", null, f.evidence || "—"));
    left.appendChild(ev);

    var res = section("Resource");
    var loc = f.location;
    res.appendChild(dl([
      ["Name", f.rname, true], ["ID", f.rid, true], ["ARN", f.arn, true], ["Type", f.rtype, true],
      ["Region", f.region, true], ["Account", f.account, true],
      ["File", loc && loc.file ? str(loc.file) + (loc.line ? ":" + loc.line : "") : "", true],
      ["Module", loc ? loc.module : "", true]
    ]));
    left.appendChild(res);

    var duty = section("Duty");
    duty.appendChild(dl([["Duty", dutyTitle(f.duty)], ["Duty ID", f.duty, true], ["Check", f.title], ["Check ID", f.check, true]]));
    left.appendChild(duty);

    var refs = section("References");
    var comp = t.compliance || {};
    var pairs = Object.keys(comp).map(function (k) {
      var ids = comp[k];
      return [data.refLabels[k] || k, Array.isArray(ids) ? ids.join(", ") : str(ids), true];
    });
    if (pairs.length) refs.appendChild(dl(pairs));
    else refs.appendChild(el("p", "muted", "No framework control mapped to this check."));
    left.appendChild(refs);

    var rem = section("Remediation");
    var r = t.remediation || {};
    var any = false;
    REMEDIATION.forEach(function (k) {
      if (!r[k[0]]) return;
      any = true;
      rem.appendChild(el("div", "remed-h", k[1]));
      if (k[0] === "console") rem.appendChild(el("p", null, r[k[0]]));
      else {
        var pre = el("pre");
        pre.appendChild(el("code", null, r[k[0]]));
        rem.appendChild(pre);
      }
    });
    if (!any) rem.appendChild(el("p", "muted", "No remediation recorded."));
    right.appendChild(rem);

    grid.appendChild(left);
    grid.appendChild(right);
    td.appendChild(grid);
    tr.appendChild(td);
    return tr;
  }

  function toggle(tr) {
    var next = tr.nextElementSibling;
    if (tr.classList.contains("open")) {
      if (next && next.classList.contains("detail")) next.remove();
      tr.classList.remove("open");
      tr.setAttribute("aria-expanded", "false");
    } else {
      tr.after(detail(findings[Number(tr.dataset.index)]));
      tr.classList.add("open");
      tr.setAttribute("aria-expanded", "true");
    }
  }

  function render() {
    var shown = findings.filter(matches);
    if (state.sort) {
      var key = SORT_KEY[state.sort];
      shown.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : a.i - b.i) * (x === y ? 1 : state.dir);
      });
    }
    var body = $("findings-body");
    var frag = document.createDocumentFragment();
    shown.slice(0, state.limit).forEach(function (f) { frag.appendChild(row(f)); });
    body.replaceChildren(frag);
    $("shown-count").textContent = String(shown.length);
    $("total-count").textContent = String(findings.length);
    $("no-findings").hidden = shown.length > 0;
    var more = $("show-more");
    var rest = shown.length - state.limit;
    more.hidden = rest <= 0;
    more.textContent = "Show " + Math.min(rest, PAGE) + " more (" + rest + " hidden)";
    var counts = {};
    shown.forEach(function (f) { counts[f.status] = (counts[f.status] || 0) + 1; });
    var bar = $("status-counts");
    bar.replaceChildren();
    ["FAIL", "UNKNOWN", "PASS"].forEach(function (s) {
      var b = el("span", "t st-" + s, (counts[s] || 0) + " " + STATUS_LABEL[s].toLowerCase());
      b.dataset.status = s;
      bar.appendChild(b);
    });
    document.querySelectorAll("#findings-table th[data-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.sort === state.sort ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  var timer = null;
  $("f-q").addEventListener("input", function (e) {
    clearTimeout(timer);
    var v = e.target.value.trim().toLowerCase();
    timer = setTimeout(function () { state.q = v; state.limit = PAGE; render(); }, 80);
  });
  FILTERS.forEach(function (k) {
    $("f-" + k).addEventListener("change", function (e) { state[k] = e.target.value; state.limit = PAGE; render(); });
  });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  function setFilters(values) {
    state.q = "";
    $("f-q").value = "";
    FILTERS.forEach(function (k) {
      state[k] = values[k] || "";
      $("f-" + k).value = state[k];
    });
    state.limit = PAGE;
  }
  $("f-reset").addEventListener("click", function (e) {
    e.preventDefault();
    setFilters({});
    state.sort = null; state.dir = 1;
    render();
  });
  document.querySelectorAll("#findings-table th[data-sort] button").forEach(function (b) {
    b.addEventListener("click", function () {
      var k = b.parentElement.dataset.sort;
      if (state.sort === k) state.dir = -state.dir; else { state.sort = k; state.dir = 1; }
      render();
    });
  });
  $("findings-body").addEventListener("click", function (e) {
    if (e.target.closest("pre, dl, p")) return;
    var tr = e.target.closest("tr.finding");
    if (tr) toggle(tr);
  });
  $("findings-body").addEventListener("keydown", function (e) {
    var tr = e.target.closest("tr.finding");
    if (tr && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(tr); }
  });
  $("show-more").addEventListener("click", function () { state.limit += PAGE; render(); });
  document.querySelectorAll(".show-findings").forEach(function (b) {
    b.addEventListener("click", function () {
      setFilters({ service: b.dataset.service, duty: b.dataset.duty });
      render();
      $("findings").scrollIntoView();
    });
  });
  render();
})();
