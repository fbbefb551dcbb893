// tensorgo board: polls the server's JSON API and draws with uPlot.
"use strict";

const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const state = { runs: [], hidden: new Set(), scalars: {}, charts: new Map(), tab: "scalars" };

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
};
const color = (run) => palette[state.runs.findIndex((r) => r.name === run) % palette.length];
const getJSON = (url) => fetch(url, { cache: "no-store" }).then((r) => { if (!r.ok) throw new Error(url + ": " + r.status); return r.json(); });

// TensorBoard's smoothing: an exponential moving average, debiased so that
// the first points are not pulled towards zero.
function smooth(ys, w) {
  let last = 0, n = 0;
  return ys.map((y) => {
    if (y == null || !isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    return w === 1 ? last : last / (1 - Math.pow(w, n));
  });
}

function renderRuns() {
  const ul = $("#runs");
  ul.replaceChildren();
  for (const r of state.runs) {
    const cb = el("input", { type: "checkbox" });
    cb.checked = !state.hidden.has(r.name);
    cb.addEventListener("change", () => { cb.checked ? state.hidden.delete(r.name) : state.hidden.add(r.name); redraw(); });
    const sw = el("span", { class: "swatch" });
    sw.style.background = color(r.name);
    ul.append(el("li", { "data-run": r.name }, cb, sw, r.name));
    if (r.error) ul.append(el("li", { class: "error" }, r.error));
  }
  if (!state.runs.length) ul.append(el("li", { class: "empty" }, "no runs yet"));
}

function visibleRuns() { return state.runs.filter((r) => !state.hidden.has(r.name)).map((r) => r.name); }

function scalarTags() {
  const tags = new Set();
  for (const r of visibleRuns()) for (const t of Object.keys(state.scalars[r] || {})) tags.add(t);
  return [...tags].sort();
}

// scalarData aligns every visible run's series of one tag on a common step
// axis (uPlot wants one x array), raw and smoothed.
function scalarData(tag) {
  const w = parseFloat($("#smoothing").value);
  const runs = visibleRuns().filter((r) => (state.scalars[r] || {})[tag]);
  const tables = [];
  let points = 0;
  for (const r of runs) {
    const pts = state.scalars[r][tag];
    points += pts.length;
    const ys = pts.map((p) => p.value);
    tables.push([pts.map((p) => p.step), ys], [pts.map((p) => p.step), smooth(ys, w)]);
  }
  const data = tables.length ? uPlot.join(tables) : [[]];
  return { runs, data, points };
}

function scalarOpts(tag, runs) {
  const series = [{ label: "step" }];
  for (const r of runs) {
    series.push({ label: r + " (raw)", stroke: color(r) + "44", width: 1, spanGaps: true, show: true });
    series.push({ label: r, stroke: color(r), width: 2, spanGaps: true });
  }
  return { width: 460, height: 280, series, scales: { x: { time: false } }, legend: { live: true } };
}

function drawScalars() {
  const sec = $("#scalars");
  const tags = scalarTags();
  const want = new Set(tags);
  for (const [tag, c] of state.charts) if (!want.has(tag)) { c.chart.destroy(); c.card.remove(); state.charts.delete(tag); }
  for (const tag of tags) {
    const { runs, data, points } = scalarData(tag);
    let c = state.charts.get(tag);
    const key = runs.join("\n");
    if (c && c.key !== key) { c.chart.destroy(); c.card.remove(); state.charts.delete(tag); c = null; }
    if (!c) {
      const card = el("div", { class: "card scalar", "data-tag": tag }, el("h3", {}, tag));
      const host = el("div");
      card.append(host);
      sec.append(card);
      c = { card, key, chart: new uPlot(scalarOpts(tag, runs), data, host) };
      state.charts.set(tag, c);
    } else {
      c.chart.setData(data);
    }
    c.card.setAttribute("data-points", String(points));
    c.card.setAttribute("data-runs", String(runs.length));
  }
  if (!tags.length && !sec.querySelector(".empty")) sec.append(el("p", { class: "empty" }, "No scalar data yet."));
  if (tags.length) sec.querySelectorAll(".empty").forEach((e) => e.remove());
}

async function drawHistograms() {
  const sec = $("#histograms");
  sec.replaceChildren();
  for (const r of state.runs.filter((r) => !state.hidden.has(r.name))) {
    for (const tag of r.histograms) {
      const steps = await getJSON(`api/histograms?run=${encodeURIComponent(r.name)}&tag=${encodeURIComponent(tag)}`);
      // Up to eight steps, evenly spread, oldest light, newest dark.
      const pick = steps.length <= 8 ? steps : [...Array(8).keys()].map((i) => steps[Math.round(i * (steps.length - 1) / 7)]);
      const tables = pick.map((s) => [s.buckets.map((b) => (b.Left + b.Right) / 2), s.buckets.map((b) => b.Count)]);
      const series = [{ label: "value" }, ...pick.map((s, i) => ({ label: "step " + s.step, stroke: color(r.name), width: 1.5, alpha: 0.25 + 0.75 * (i + 1) / pick.length, spanGaps: true }))];
      const card = el("div", { class: "card histogram", "data-run": r.name, "data-tag": tag, "data-steps": String(steps.length) }, el("h3", {}, `${tag} — ${r.name}`));
      const host = el("div");
      card.append(host);
      sec.append(card);
      if (tables.length) new uPlot({ width: 460, height: 260, series, scales: { x: { time: false } } }, uPlot.join(tables), host);
    }
  }
  if (!sec.children.length) sec.append(el("p", { class: "empty" }, "No histograms."));
}

async function drawImages() {
  const sec = $("#images");
  sec.replaceChildren();
  for (const r of state.runs.filter((r) => !state.hidden.has(r.name))) {
    for (const tag of r.images) {
      const steps = await getJSON(`api/images?run=${encodeURIComponent(r.name)}&tag=${encodeURIComponent(tag)}`);
      if (!steps.length) continue;
      const card = el("div", { class: "card image", "data-run": r.name, "data-tag": tag }, el("h3", {}, `${tag} — ${r.name}`));
      const label = el("div");
      const imgs = el("div");
      const slider = el("input", { type: "range", min: "0", max: String(steps.length - 1), value: String(steps.length - 1) });
      const show = () => {
        const k = +slider.value, s = steps[k];
        label.textContent = `step ${s.step}`;
        imgs.replaceChildren(...[...Array(s.count).keys()].map((i) => {
          const im = el("img", { src: `api/image?run=${encodeURIComponent(r.name)}&tag=${encodeURIComponent(tag)}&k=${k}&i=${i}`, alt: `${tag} ${i}` });
          im.style.width = Math.max(64, s.width * 4 > 256 ? s.width : s.width * 4) + "px";
          return im;
        }));
      };
      slider.addEventListener("input", show);
      card.append(label, imgs, slider);
      sec.append(card);
      show();
    }
  }
  if (!sec.children.length) sec.append(el("p", { class: "empty" }, "No images."));
}

async function drawText() {
  const sec = $("#text");
  sec.replaceChildren();
  for (const r of state.runs.filter((r) => !state.hidden.has(r.name))) {
    for (const tag of r.texts) {
      const steps = await getJSON(`api/text?run=${encodeURIComponent(r.name)}&tag=${encodeURIComponent(tag)}`);
      const card = el("div", { class: "card text", "data-run": r.name, "data-tag": tag }, el("h3", {}, `${tag} — ${r.name}`));
      for (const s of steps) card.append(el("pre", {}, `step ${s.step}: ${s.text}`));
      sec.append(card);
    }
  }
  if (!sec.children.length) sec.append(el("p", { class: "empty" }, "No text."));
}

function redraw() {
  if (state.tab === "scalars") drawScalars();
  else if (state.tab === "histograms") drawHistograms().catch(report);
  else if (state.tab === "images") drawImages().catch(report);
  else drawText().catch(report);
}

function report(err) { $("#status").textContent = String(err); }

async function refresh() {
  const [runs, scalars] = await Promise.all([getJSON("api/runs"), getJSON("api/scalars")]);
  const before = JSON.stringify(state.runs);
  state.runs = runs || [];
  state.scalars = scalars || {};
  if (JSON.stringify(state.runs) !== before) renderRuns();
  if (state.tab === "scalars") drawScalars();
  document.body.setAttribute("data-loaded", "true");
  $("#status").textContent = "updated " + new Date().toLocaleTimeString();
}

for (const b of document.querySelectorAll("#tabs button")) {
  b.addEventListener("click", () => {
    document.querySelectorAll("#tabs button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll(".tab").forEach((x) => x.classList.toggle("active", x.id === b.dataset.tab));
    state.tab = b.dataset.tab;
    redraw();
  });
}
$("#smoothing").addEventListener("input", () => { $("#smoothing-value").textContent = $("#smoothing").value; drawScalars(); });

refresh().catch(report);
setInterval(() => { if ($("#live").checked) refresh().catch(report); }, 5000);
