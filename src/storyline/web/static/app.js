// storyline web UI: the little that needs a script. Pages work without it.
// 1. the map: zoom with the wheel, pan by dragging (changes the SVG viewBox; no map library)
// 2. the API page: lists the endpoints of /openapi.json with a form to try each GET
"use strict";

function setupMap(svg) {
  const base = svg.dataset.viewbox.split(" ").map(Number);
  let [x, y, w, h] = (svg.dataset.focus || svg.dataset.viewbox).split(" ").map(Number);
  // markers keep their size on screen: radii are in whole-world units, scaled with the zoom
  const circles = [...svg.querySelectorAll(".marker circle")];
  for (const c of circles) c.dataset.r = c.getAttribute("r");
  const apply = () => {
    svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    for (const c of circles) c.setAttribute("r", (Number(c.dataset.r) * w) / base[2]);
  };
  apply();
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    const px = x + (w * (ev.clientX - r.left)) / r.width;
    const py = y + (h * (ev.clientY - r.top)) / r.height;
    const k = ev.deltaY < 0 ? 0.8 : 1.25;
    const nw = Math.min(base[2], Math.max(4, w * k));
    const nh = (nw * base[3]) / base[2];
    x = px - ((px - x) * nw) / w;
    y = py - ((py - y) * nh) / h;
    w = nw;
    h = nh;
    apply();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.target.closest("a")) return;
    drag = { cx: ev.clientX, cy: ev.clientY, x, y };
    svg.setPointerCapture(ev.pointerId);
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    x = drag.x - ((ev.clientX - drag.cx) * w) / r.width;
    y = drag.y - ((ev.clientY - drag.cy) * h) / r.height;
    apply();
  });
  svg.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("dblclick", () => { [x, y, w, h] = base; apply(); });
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

async function setupDocs(box) {
  const spec = await (await fetch(box.dataset.openapi)).json();
  box.replaceChildren();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const card = el("section", { class: "api-endpoint" },
        el("span", { class: "method" }, method.toUpperCase()), el("code", {}, path),
        el("p", {}, op.summary || ""));
      const params = op.parameters || [];
      if (params.length) {
        const list = el("ul");
        for (const p of params) {
          list.append(el("li", {}, el("code", {}, p.name), ` (${p.in}${p.required ? ", required" : ""}) `,
            (p.schema && (p.schema.type || (p.schema.anyOf || []).map((s) => s.type).join("|"))) || ""));
        }
        card.append(list);
      }
      if (method === "get") {
        const form = el("form", {});
        for (const p of params) form.append(el("input", { name: p.name, placeholder: p.name, "data-in": p.in }));
        const out = el("pre", { class: "json" });
        form.append(el("button", { type: "submit" }, "Try"));
        form.addEventListener("submit", async (ev) => {
          ev.preventDefault();
          let url = path;
          const query = new URLSearchParams();
          for (const input of form.querySelectorAll("input")) {
            if (!input.value) continue;
            if (input.dataset.in === "path") url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
            else query.set(input.name, input.value);
          }
          const resp = await fetch(url + (query.toString() ? `?${query}` : ""), { headers: { Accept: "application/json" } });
          out.textContent = `${resp.status}\n` + JSON.stringify(await resp.json(), null, 2).slice(0, 20000);
        });
        card.append(form, out);
      }
      box.append(card);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const svg = document.getElementById("world");
  if (svg) setupMap(svg);
  const docs = document.getElementById("api-docs");
  if (docs) setupDocs(docs).catch((err) => { docs.textContent = `Cannot load the API description: ${err}`; });
});
