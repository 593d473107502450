// The plankg explorer: a department or an industry chain, its tasks, partners, targets and a
// clickable neighbourhood graph, all read from the HTTP API. Views are hash routes
// (#dept/NAME, #industry/NAME, #task/ID) so every view has a link and the back button works.
// The DOM is built with textContent only: plan text never becomes markup.
"use strict";

const MAX_GRAPH_TASKS = 40;
const MAX_TASK_DETAILS = 200;
const view = document.getElementById("view");
const statusLine = document.getElementById("status");
let cy = null;
let sameName = []; // other departments the last search matched exactly

// -- small helpers --------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path) {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const msg = (body && (body.message || body.detail)) || `${res.status} ${res.statusText}`;
    const err = new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
    err.status = res.status;
    throw err;
  }
  return body;
}

const enc = encodeURIComponent;
// departments travel by id: one name can denote bodies of several places
const deptHref = (id) => `#dept/${enc(id)}`;
const industryHref = (name) => `#industry/${enc(name)}`;
const taskHref = (id) => `#task/${enc(id)}`;

function taskLabel(t) {
  return [t.path || t.number, t.title].filter(Boolean).join(" ");
}

function shortTask(t) {
  const title = t.title || "";
  const cut = title.length > 8 ? `${title.slice(0, 8)}…` : title;
  return [t.path || t.number, cut].filter(Boolean).join(" ");
}

function taskLink(t) {
  return el("a", { href: taskHref(t.id), class: "task-link", "data-task": t.id, text: taskLabel(t) });
}

// A department's name, with its place when another body in the same list has that name too.
// The place is read from the id (graph.model.department_id: "dept:<place>/<name>").
function placeName(d, list) {
  if (!list.some((o) => o.name === d.name && o.id !== d.id)) return d.name;
  const m = /^dept:([^/]*)\//.exec(d.id || "");
  const place = m && m[1] !== "-" ? m[1] : "未注明地区";
  return `${d.name}（${place}）`;
}

function chip(href, text, cls) {
  return el("a", { href, class: `chip ${cls || ""}`.trim() }, text);
}

function section(title, id, ...body) {
  return el("section", { class: "block", id }, el("h3", {}, title), ...body);
}

function empty(text) {
  return el("p", { class: "empty", text: text || "无" });
}

function setStatus(text) {
  statusLine.textContent = text || "";
}

function render(...nodes) {
  view.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
  view.scrollTop = 0;
}

function showError(e) {
  render(el("div", { class: "error", role: "alert" },
    el("p", {}, e.status === 404 ? "未找到：" : "出错了：", e.message)));
}

function fmtValue(g) {
  const num = (v) => (Number.isInteger(v) ? String(v) : String(v));
  if (g.value === null || g.value === undefined) return "";
  const v = g.value_max !== null && g.value_max !== undefined ? `${num(g.value)}–${num(g.value_max)}` : num(g.value);
  return `${g.comparator || ""}${v}${g.unit || ""}`;
}

// -- search ---------------------------------------------------------------------------------
async function search(q) {
  q = q.trim();
  if (!q) return;
  setStatus("查询中…");
  const [depts, inds] = await Promise.all([
    api(`departments?q=${enc(q)}&limit=50`),
    api(`industries?q=${enc(q)}&limit=50`).catch(() => ({ data: [], count: 0 })),
  ]);
  setStatus("");
  // several places may have a body of this name: open the one whose place is known, then the
  // busiest, and name the others there
  const placed = (d) => (d.place && d.place !== "-" ? 1 : 0);
  const exact = depts.data.filter((d) => d.name === q || (d.aliases || []).includes(q))
    .sort((a, b) => placed(b) - placed(a) || (b.leads + b.supports) - (a.leads + a.supports));
  const exactDept = exact[0];
  sameName = exact.slice(1);
  const exactInd = inds.data.find((i) => i.name === q);
  // one clear hit opens directly; replace() keeps the back button out of a redirect loop
  if (exactDept) { location.replace(deptHref(exactDept.id)); return; }
  if (exactInd) { location.replace(industryHref(exactInd.name)); return; }
  if (depts.data.length + inds.data.length === 1) {
    location.replace(depts.data.length ? deptHref(depts.data[0].id) : industryHref(inds.data[0].name));
    return;
  }
  render(
    el("h2", {}, `“${q}”的查询结果`),
    section(`部门（${depts.count}）`, "found-departments",
      depts.data.length ? el("ul", { class: "list" }, depts.data.map((d) => el("li", {},
        el("a", { href: deptHref(d.id) }, d.name),
        el("span", { class: "muted" }, ` ${d.place && d.place !== "-" ? d.place + " · " : ""}牵头 ${d.leads} · 配合 ${d.supports}`),
        (d.aliases || []).filter((a) => a !== d.name).length
          ? el("span", { class: "muted" }, `（又称 ${d.aliases.filter((a) => a !== d.name).join("、")}）`) : null,
      ))) : empty("没有匹配的部门")),
    section(`产业链（${inds.count}）`, "found-industries",
      inds.data.length ? el("ul", { class: "list" }, inds.data.map((i) => el("li", {},
        el("a", { href: industryHref(i.name) }, i.name),
        el("span", { class: "muted" }, ` ${i.tasks} 项任务 · ${i.enterprises} 家企业`)))) : empty("没有匹配的产业链")),
  );
  drawGraph([], []);
}

// -- department -----------------------------------------------------------------------------
// Who works with department d on its tasks, by role on each side, most shared tasks first.
function partnerRows(d, byId, leading) {
  const rows = new Map();
  for (const t of byId.values()) {
    const mine = leading.has(t.id) ? "lead" : "support";
    for (const [theirs, list] of [["lead", t.lead], ["support", t.support]]) {
      for (const x of list) {
        if (x.id === d.id) continue;
        const r = rows.get(x.id) || { id: x.id, name: x.name, tasks: new Set(), lead_lead: 0, lead_support: 0, support_lead: 0, support_support: 0 };
        if (!r.tasks.has(t.id)) {
          r.tasks.add(t.id);
          r[`${mine}_${theirs}`] += 1;
        }
        rows.set(x.id, r);
      }
    }
  }
  return [...rows.values()].map((r) => ({ ...r, shared: r.tasks.size }))
    .sort((a, b) => b.shared - a.shared || a.name.localeCompare(b.name, "zh"));
}

async function showDepartment(name) {
  setStatus("加载中…");
  const d = await api(`departments/${enc(name)}`);
  // Every task's detail: its targets (owned by this department where it leads) and the other
  // departments on it, i.e. the partners table and the graph's edges, scoped to this very body.
  const leadIds = d.leads.map((t) => t.id);
  const supportIds = d.supports.map((t) => t.id);
  const all = [...leadIds, ...supportIds].slice(0, MAX_TASK_DETAILS);
  const ids = all.slice(0, MAX_GRAPH_TASKS);
  const details = await Promise.all(all.map((id) => api(`tasks/${enc(id)}`).catch(() => null)));
  const byId = new Map(details.filter(Boolean).map((t) => [t.id, t]));
  const partners = partnerRows(d, byId, new Set(leadIds));
  setStatus("");

  const aliases = (d.aliases || []).filter((a) => a !== d.name);
  const targets = [];
  for (const id of leadIds) {
    const t = byId.get(id);
    for (const g of (t && t.targets) || []) targets.push({ task: t, target: g });
  }
  const taskList = (tasks, role) => tasks.length
    ? el("ol", { class: "tasks" }, tasks.map((t) => el("li", {},
        taskLink(t),
        t.plan_title ? el("span", { class: "plan" }, `《${t.plan_title}》`) : null,
        role === "lead" && t.rank !== null && t.rank !== undefined && t.rank > 0
          ? el("span", { class: "muted" }, `（第 ${t.rank + 1} 牵头）`) : null)))
    : empty();

  const others = sameName.filter((o) => o.id !== d.id);
  sameName = [];
  render(
    el("h2", { id: "entity-title" }, d.name, el("small", {}, " 部门")),
    others.length ? el("p", { class: "notice", id: "same-name" }, "同名部门：",
      others.map((o, i) => [i ? "、" : "", el("a", { href: deptHref(o.id) },
        `${o.place && o.place !== "-" ? o.place : "未注明地区"}·${o.name}`)])) : null,
    el("p", { class: "meta" },
      d.place && d.place !== "-" ? `${d.place} · ` : "",
      aliases.length ? `又称：${aliases.join("、")} · ` : "",
      d.collective ? "（统称主体） · " : "",
      `牵头 ${d.leads.length} 项，配合 ${d.supports.length} 项`),
    section("共同牵头部门", "co-leads",
      d.co_leads.length ? el("div", { class: "chips" }, d.co_leads.map((c) =>
        chip(deptHref(c.id), `${placeName(c, d.co_leads)}（${c.tasks}）`, "dept"))) : empty("没有与其共同牵头的部门")),
    section("协作部门", "partners",
      all.length < leadIds.length + supportIds.length
        ? el("p", { class: "muted small" }, `按前 ${all.length} 项任务统计`) : null,
      partners.length ? el("table", {},
        el("thead", {}, el("tr", {}, ["部门", "共同任务", "同为牵头", "我方牵头·对方配合", "对方牵头·我方配合", "同为配合"].map((h) => el("th", {}, h)))),
        el("tbody", {}, partners.slice(0, 30).map((r) => el("tr", {},
          el("td", {}, el("a", { href: deptHref(r.id) }, placeName(r, partners))),
          el("td", {}, r.shared), el("td", {}, r.lead_lead), el("td", {}, r.lead_support),
          el("td", {}, r.support_lead), el("td", {}, r.support_support)))))
        : empty()),
    section(`牵头任务（${d.leads.length}）`, "lead-tasks", taskList(d.leads, "lead")),
    section(`配合任务（${d.supports.length}）`, "support-tasks", taskList(d.supports, "support")),
    section(`负责的目标（${targets.length}）`, "targets",
      targets.length ? el("table", {},
        el("thead", {}, el("tr", {}, ["目标", "数值", "完成时限", "任务"].map((h) => el("th", {}, h)))),
        el("tbody", {}, targets.map(({ task, target }) => el("tr", {},
          el("td", {}, target.text || ""), el("td", {}, fmtValue(target)),
          el("td", { class: "deadline" }, target.deadline || task.deadline || ""),
          el("td", {}, taskLink(task)))))) : empty("所牵头任务中没有量化目标")),
    section("涉及产业链", "industries",
      d.industries.length ? el("div", { class: "chips" }, d.industries.map((i) =>
        chip(industryHref(i.name), `${i.name}（牵头 ${i.leads} · 配合 ${i.supports}）`, "chain"))) : empty()),
  );

  const focus = `d:${d.id}`;
  const nodes = [{ id: focus, label: d.name, kind: "dept", focus: true, href: deptHref(d.id) }];
  const edges = [];
  const seen = new Set([focus]);
  const addNode = (n) => { if (!seen.has(n.id)) { seen.add(n.id); nodes.push(n); } };
  for (const id of ids) {
    const t = byId.get(id);
    if (!t) continue;
    const tn = `t:${t.id}`;
    addNode({ id: tn, label: t.number || t.path, title: t.title, kind: "task", href: taskHref(t.id) });
    for (const [role, list] of [["lead", t.lead], ["support", t.support]]) {
      for (const x of list) {
        const dn = x.id === d.id ? focus : `d:${x.id}`;
        // other supporters would crowd the picture: keep co-leads, and supporters of our lead tasks
        if (dn !== focus && role === "support" && !leadIds.includes(t.id)) continue;
        addNode({ id: dn, label: x.name, kind: "dept", href: deptHref(x.id) });
        edges.push({ source: dn, target: tn, role });
      }
    }
    for (const i of t.industries || []) {
      const inode = `i:${i.id}`;
      addNode({ id: inode, label: i.name, kind: "chain", href: industryHref(i.name) });
      edges.push({ source: tn, target: inode, role: "concerns" });
    }
  }
  drawGraph(nodes, edges);
}

// -- industry chain -------------------------------------------------------------------------
async function showIndustry(name) {
  setStatus("加载中…");
  const i = await api(`industries/${enc(name)}`);
  const tasks = i.tasks.slice(0, MAX_GRAPH_TASKS);
  const details = await Promise.all(tasks.map((t) => api(`tasks/${enc(t.id)}`).catch(() => null)));
  setStatus("");
  const tally = (rows) => rows.length
    ? el("div", { class: "chips" }, rows.map((r) => chip(deptHref(r.id), `${placeName(r, rows)}（${r.tasks}）`, "dept")))
    : empty();
  render(
    el("h2", { id: "entity-title" }, i.name, el("small", {}, " 产业链")),
    el("p", { class: "meta" }, `${i.tasks.length} 项任务 · ${i.leads.length} 个牵头部门 · ${i.enterprises.length} 家企业`),
    section("牵头部门", "chain-leads", tally(i.leads)),
    section("配合部门", "chain-supports", tally(i.supports)),
    section(`相关任务（${i.tasks.length}）`, "chain-tasks",
      i.tasks.length ? el("ol", { class: "tasks" }, i.tasks.map((t) => el("li", {}, taskLink(t),
        t.plan_title ? el("span", { class: "plan" }, `《${t.plan_title}》`) : null))) : empty()),
    section("相关企业", "enterprises",
      i.enterprises.length ? el("div", { class: "chips" }, i.enterprises.map((e) => el("span", { class: "chip" }, e.name))) : empty()),
  );
  const focus = `i:${i.id}`;
  const nodes = [{ id: focus, label: i.name, kind: "chain", focus: true, href: industryHref(i.name) }];
  const edges = [];
  const seen = new Set([focus]);
  for (const t of details.filter(Boolean)) {
    const tn = `t:${t.id}`;
    nodes.push({ id: tn, label: t.number || t.path, title: t.title, kind: "task", href: taskHref(t.id) });
    edges.push({ source: tn, target: focus, role: "concerns" });
    for (const x of t.lead) {
      const dn = `d:${x.id}`;
      if (!seen.has(dn)) { seen.add(dn); nodes.push({ id: dn, label: x.name, kind: "dept", href: deptHref(x.id) }); }
      edges.push({ source: dn, target: tn, role: "lead" });
    }
  }
  drawGraph(nodes, edges);
}

// -- task and its source --------------------------------------------------------------------
function highlighted(text, sentence) {
  const at = sentence ? text.indexOf(sentence) : -1;
  if (at < 0) return el("p", { class: "source-text" }, text);
  return el("p", { class: "source-text" }, text.slice(0, at),
    el("mark", { id: "source-sentence" }, sentence), text.slice(at + sentence.length));
}

async function showTask(id) {
  setStatus("加载中…");
  const t = await api(`tasks/${enc(id)}`);
  setStatus("");
  const prov = t.provenance || {};
  const depts = (list, cls) => list.length
    ? el("div", { class: "chips" }, list.map((x) => chip(deptHref(x.id), placeName(x, list), cls))) : empty();
  render(
    el("h2", { id: "entity-title" }, taskLabel(t), el("small", {}, " 任务")),
    el("p", { class: "meta" },
      t.plan_title ? `《${t.plan_title}》` : "", prov.path ? ` · 标题路径 ${prov.path}` : "",
      t.deadline ? ` · 完成时限 ${t.deadline}` : ""),
    section("原文出处", "source",
      el("blockquote", { class: "sentence" }, prov.sentence || t.title || ""),
      t.text ? highlighted(t.text, prov.sentence) : null,
      el("p", { class: "muted small" },
        prov.span ? `字符位置 ${prov.span[0]}–${prov.span[1]}` : "",
        prov.document ? ` · 文档 ${prov.document.slice(0, 12)}…` : "")),
    section("牵头单位", "task-lead", depts(t.lead, "dept")),
    section("配合单位", "task-support", depts(t.support, "dept")),
    section("目标", "task-targets", t.targets.length ? el("ul", { class: "list" }, t.targets.map((g) =>
      el("li", {}, g.text || fmtValue(g), g.deadline ? el("span", { class: "deadline" }, `（${g.deadline}）`) : null)))
      : empty()),
    section("产业链", "task-industries", t.industries.length
      ? el("div", { class: "chips" }, t.industries.map((i) => chip(industryHref(i.name), i.name, "chain"))) : empty()),
    t.enterprises.length ? section("企业", "task-enterprises",
      el("div", { class: "chips" }, t.enterprises.map((e) => el("span", { class: "chip" }, e.name)))) : null,
    t.partners.length ? section("合作机构", "task-partners",
      el("div", { class: "chips" }, t.partners.map((e) => el("span", { class: "chip" }, e.name)))) : null,
    t.subtasks.length ? section("下级任务", "subtasks",
      el("ol", { class: "tasks" }, t.subtasks.map((s) => el("li", {}, taskLink(s))))) : null,
    t.parent ? el("p", {}, el("a", { href: taskHref(t.parent) }, "↑ 上级任务")) : null,
  );
  const focus = `t:${t.id}`;
  const nodes = [{ id: focus, label: shortTask(t), title: t.title, kind: "task", focus: true, href: taskHref(t.id) }];
  const edges = [];
  for (const [role, list] of [["lead", t.lead], ["support", t.support]]) {
    for (const x of list) {
      nodes.push({ id: `d:${x.id}`, label: x.name, kind: "dept", href: deptHref(x.id) });
      edges.push({ source: `d:${x.id}`, target: focus, role });
    }
  }
  for (const i of t.industries) {
    nodes.push({ id: `i:${i.id}`, label: i.name, kind: "chain", href: industryHref(i.name) });
    edges.push({ source: focus, target: `i:${i.id}`, role: "concerns" });
  }
  drawGraph(nodes, edges);
}

// -- graph ----------------------------------------------------------------------------------
function drawGraph(nodes, edges) {
  const container = document.getElementById("graph");
  if (typeof cytoscape === "undefined") {
    container.textContent = "关系图组件未加载（请先运行 make web）";
    return;
  }
  // same-named bodies of two places: say which is which
  const depts = nodes.filter((n) => n.kind === "dept").map((n) => ({ id: n.id.slice(2), name: n.label, node: n }));
  for (const d of depts) d.node.label = placeName(d, depts);
  const elements = [
    ...nodes.map((n) => ({ data: { id: n.id, label: n.label, title: n.title || n.label, kind: n.kind, href: n.href }, classes: `${n.kind}${n.focus ? " focus" : ""}` })),
    ...edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target }, classes: e.role })),
  ];
  if (cy) { cy.destroy(); cy = null; }
  if (!nodes.length) {
    container.replaceChildren(el("p", { class: "graph-empty" }, "查询部门、产业链或任务后，这里显示它的关系图。"));
    container.dataset.nodes = "0";
    return;
  }
  container.replaceChildren();
  cy = cytoscape({
    container,
    elements,
    maxZoom: 1.6,
    minZoom: 0.2,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, "font-family": "sans-serif", color: "#222", width: 18, height: 18 } },
      { selector: "node.dept", style: { "background-color": "#2f6fb3", shape: "ellipse" } },
      { selector: "node.task", style: { "background-color": "#e08a1e", shape: "round-rectangle", width: 16, height: 12 } },
      { selector: "node.chain", style: { "background-color": "#3a9a5b", shape: "diamond" } },
      { selector: "node.focus", style: { width: 30, height: 30, "font-weight": "bold", "font-size": 13, "border-width": 3, "border-color": "#111" } },
      { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "line-color": "#999", "target-arrow-shape": "triangle", "target-arrow-color": "#999", "arrow-scale": 0.7 } },
      { selector: "edge.lead", style: { "line-color": "#2f6fb3", "target-arrow-color": "#2f6fb3", width: 2.2 } },
      { selector: "edge.support", style: { "line-style": "dashed", "line-color": "#8fb3d9", "target-arrow-color": "#8fb3d9", opacity: 0.6 } },
      { selector: "edge.concerns", style: { "line-color": "#9fd0ae", "target-arrow-color": "#9fd0ae" } },
    ],
    // rings: the focus in the middle, then tasks, departments, chains outermost
    layout: {
      name: "concentric", animate: false, padding: 24, minNodeSpacing: 14, avoidOverlap: true,
      spacingFactor: nodes.length < 15 ? 1.8 : 1,
      concentric: (n) => (n.hasClass("focus") ? 4 : n.hasClass("task") ? 3 : n.hasClass("dept") ? 2 : 1),
      levelWidth: () => 1,
    },
  });
  cy.on("tap", "node", (evt) => {
    const href = evt.target.data("href");
    if (href) location.hash = href;
  });
  // task nodes show their number only: the title appears on hover
  const tip = document.getElementById("graph-tip");
  cy.on("mouseover", "node", (evt) => {
    const p = evt.target.renderedPosition();
    tip.textContent = evt.target.data("title");
    tip.style.left = `${p.x + 12}px`;
    tip.style.top = `${p.y + 12}px`;
    tip.hidden = false;
    container.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", () => { tip.hidden = true; container.style.cursor = ""; });
  // a test or a person can read which node is which without pixels
  container.dataset.nodes = String(nodes.length);
}

// -- start page: the loaded plans --------------------------------------------------------------
async function showHome() {
  drawGraph([], []);
  const box = document.getElementById("plans");
  if (!box) return;
  try {
    const plans = await api("queries/plans");
    if (!plans.rows.length) { box.replaceChildren(empty("尚未载入任何方案（plankg load 文件…）")); return; }
    const cols = [["title", "方案"], ["doc_number", "文号"], ["issued_date", "印发日期"], ["tasks", "任务数"], ["targets", "目标数"]];
    const cell = (v) => (Array.isArray(v) ? v.join("、") : v ?? "");
    box.replaceChildren(el("h3", {}, `已载入的方案（${plans.rows.length}）`),
      el("table", { id: "plan-table" },
        el("thead", {}, el("tr", {}, cols.map(([, h]) => el("th", {}, h)), el("th", {}, "任务分工表"))),
        el("tbody", {}, plans.rows.map((r) => el("tr", {},
          cols.map(([c]) => el("td", {}, cell(r[c]))),
          el("td", {}, el("a", { href: `exports/xlsx?plan=${enc(r.plan)}`, download: true }, "下载 Excel")))))));
  } catch (e) {
    box.replaceChildren(empty(`无法读取方案列表：${e.message}`));
  }
}

// -- routing --------------------------------------------------------------------------------
const homeView = view.innerHTML;
let routing = 0;

async function route() {
  const hash = location.hash.slice(1);
  const slash = hash.indexOf("/");
  const kind = slash < 0 ? hash : hash.slice(0, slash);
  const arg = slash < 0 ? "" : decodeURIComponent(hash.slice(slash + 1));
  // aria-busy tells assistive technology (and the browser tests) when a view is complete
  const token = ++routing;
  view.setAttribute("aria-busy", "true");
  try {
    if (kind === "dept" && arg) await showDepartment(arg);
    else if (kind === "industry" && arg) await showIndustry(arg);
    else if (kind === "task" && arg) await showTask(arg);
    else if (kind === "search" && arg) { document.getElementById("search").value = arg; await search(arg); }
    else { view.innerHTML = homeView; await showHome(); }
  } catch (e) {
    setStatus("");
    showError(e);
  } finally {
    if (token === routing) view.setAttribute("aria-busy", "false");
  }
}

document.getElementById("search-form").addEventListener("submit", (evt) => {
  evt.preventDefault();
  const q = document.getElementById("search").value.trim();
  if (!q) return;
  const target = `#search/${enc(q)}`;
  if (location.hash === target) route(); else location.hash = target;
});
window.addEventListener("hashchange", route);
route();
