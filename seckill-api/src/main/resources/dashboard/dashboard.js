// The live sale view: polls /api/v1/admin/dashboard with the operator token and redraws the
// counters, the parts' health, the stock table and five uPlot charts from the server's history.
"use strict";

(function () {
  const DATA = "/api/v1/admin/dashboard";
  const TOKEN_KEY = "seckill.admin-token";
  const COLORS = ["#0969da", "#cf222e", "#1a7f37", "#bf8700", "#8250df", "#57606a", "#e16f24", "#1b7c83", "#bf3989"];
  const charts = {};
  let timer = null;
  let refreshMs = 1000;

  const $ = (id) => document.getElementById(id);

  function token() {
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("token")) {
      sessionStorage.setItem(TOKEN_KEY, hash.get("token"));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function status(state, text) {
    const s = $("status");
    s.dataset.state = state;
    s.textContent = text;
  }

  function fmt(n, digits) {
    if (n === null || n === undefined || Number.isNaN(n)) return "-";
    return Number(n).toLocaleString("en", { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function sum(map, keep) {
    return Object.entries(map || {}).filter(([k]) => !keep || keep(k)).reduce((a, [, v]) => a + v, 0);
  }

  const ADMITTED = (k) => k === "admitted" || k === "queue_uncertain";

  function showLogin(message) {
    $("board").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    status("unauthorized", "operator token needed");
  }

  async function poll() {
    const t = sessionStorage.getItem(TOKEN_KEY);
    if (!t) {
      showLogin();
      return;
    }
    try {
      const r = await fetch(DATA, { headers: { Authorization: "Bearer " + t }, cache: "no-store" });
      if (r.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin("the API refused that token");
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      const view = await r.json();
      render(view);
      refreshMs = view.refreshMs || refreshMs;
      status("live", "live");
    } catch (e) {
      status("error", "no answer from the API (" + e.message + "), retrying");
    }
    timer = setTimeout(poll, refreshMs);
  }

  function render(v) {
    $("login").hidden = true;
    $("board").hidden = false;
    $("updated").textContent = v.at ? "sampled " + new Date(v.at).toLocaleTimeString() : "waiting for the first sample";
    document.body.dataset.sampledAt = String(v.at || 0);
    const last = v.history.length ? v.history[v.history.length - 1] : null;
    $("admitted-total").textContent = fmt(sum(v.admissionsTotal, ADMITTED));
    $("admissions-rate").textContent = last ? fmt(sum(last.admissionsPerSecond), 1) : "-";
    $("confirmed-total").textContent = fmt(v.confirmedTotal);
    $("confirmed-rate").textContent = last ? fmt(last.confirmedPerSecond, 1) : "-";
    $("cancelled-total").textContent = fmt(v.cancelledTotal);
    $("latency-p50").textContent = last && last.p50Ms !== null ? fmt(last.p50Ms) + " ms" : "-";
    $("latency-p99").textContent = last && last.p99Ms !== null ? fmt(last.p99Ms) + " ms" : "-";
    $("consumer-lag").textContent = v.lag < 0 ? "unknown" : fmt(v.lag);
    $("dtm-rate").textContent = last ? fmt(sum(last.dtmPerSecond), 1) : "-";
    renderHealth(v.health);
    renderProducts(v.products);
    renderCharts(v.history);
  }

  function renderHealth(parts) {
    const ul = $("health");
    ul.replaceChildren(...parts.map((p) => {
      const li = document.createElement("li");
      li.dataset.part = p.name;
      li.dataset.up = String(p.up);
      li.textContent = p.name;
      const small = document.createElement("small");
      small.textContent = p.detail;
      li.append(small);
      return li;
    }));
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function renderProducts(products) {
    const body = document.querySelector("#products tbody");
    body.replaceChildren(...products.map((p) => {
      const tr = document.createElement("tr");
      tr.dataset.product = String(p.productId);
      tr.append(cell(p.productId), cell(p.name), cell(p.open ? "open" : "closed"), cell(fmt(p.available)),
        cell(fmt(p.frozen)), cell(fmt(p.sold)), cell(fmt(p.slotsLeft)));
      const bar = document.createElement("div");
      bar.className = "bar";
      const total = Math.max(1, p.initial);
      for (const [cls, n] of [["sold", p.sold], ["frozen", p.frozen]]) {
        const part = document.createElement("span");
        part.className = cls;
        part.style.width = Math.max(0, Math.min(100, (100 * n) / total)) + "%";
        bar.append(part);
      }
      const td = document.createElement("td");
      td.append(bar);
      tr.append(td);
      return tr;
    }));
  }

  function keysOf(history, field) {
    const keys = new Set();
    history.forEach((p) => Object.keys(p[field] || {}).forEach((k) => keys.add(k)));
    return [...keys].sort();
  }

  function renderCharts(history) {
    const x = history.map((p) => p.at / 1000);
    const admissionKeys = keysOf(history, "admissionsPerSecond");
    const dtmKeys = keysOf(history, "dtmPerSecond");
    draw("chart-admissions", x, admissionKeys, admissionKeys.map((k) => history.map((p) => p.admissionsPerSecond[k] ?? 0)));
    draw("chart-orders", x, ["confirmed", "cancelled"],
      [history.map((p) => p.confirmedPerSecond), history.map((p) => p.cancelledPerSecond)]);
    draw("chart-latency", x, ["p50", "p99"], [history.map((p) => p.p50Ms), history.map((p) => p.p99Ms)]);
    draw("chart-lag", x, ["lag"], [history.map((p) => (p.lag < 0 ? null : p.lag))]);
    draw("chart-dtm", x, dtmKeys, dtmKeys.map((k) => history.map((p) => p.dtmPerSecond[k] ?? 0)));
  }

  function draw(id, x, names, ys) {
    const el = $(id);
    const signature = names.join("|");
    let c = charts[id];
    if (!c || c.signature !== signature) {
      if (c) c.plot.destroy();
      const opts = {
        width: Math.max(320, el.clientWidth || 560),
        height: 200,
        series: [{}].concat(names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false }))),
        axes: [{}, { size: 60 }],
        scales: { x: { time: true } },
        legend: { live: false },
      };
      c = { plot: new uPlot(opts, [x].concat(ys), el), signature };
      charts[id] = c;
    } else {
      c.plot.setData([x].concat(ys));
    }
    el.dataset.points = String(x.length);
    el.dataset.series = String(names.length);
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = $("token").value.trim();
    if (t) {
      sessionStorage.setItem(TOKEN_KEY, t);
      $("token").value = "";
      clearTimeout(timer);
      poll();
    }
  });

  token();
  poll();
})();
