// Run the site's search worker (from the built site) in Node and print the results of
// each query as JSON: node search_worker.cjs SITE_DIR QUERY...
// SEARCH_WORKER=material runs the theme's worker alone, without ours around it.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { pathToFileURL, fileURLToPath } = require("url");

const [siteDir, ...queries] = process.argv.slice(2);
const js = path.join(siteDir, "assets", "javascripts");
const workers = path.join(js, "workers");
const material = fs.readdirSync(workers).find((f) => /^search\..*\.js$/.test(f));
// the worker the pages start: ours (workers/search-zh.js), given Material's as ?worker=,
// exactly as overrides/main.html sets it up
const ours = pathToFileURL(path.join(workers, "search-zh.js"));
ours.searchParams.set("worker", pathToFileURL(path.join(workers, material)).href);

const listeners = [];
const replies = [];
const sandbox = {
  console,
  setTimeout,
  URL,
  Uint16Array,
  location: { href: ours.href },
  addEventListener: (type, fn) => listeners.push(fn),
  dispatchEvent: (ev) => listeners.forEach((fn) => fn(ev)),
  MessageEvent: class { constructor(type, init) { this.type = type; this.data = init.data; } },
  postMessage: (msg) => replies.push(msg),
  importScripts: (...urls) => {
    for (const url of urls) {
      // absolute (file:) URLs, or relative to the worker's folder as in a browser
      // ("../lunr/min/lunr.zh.min.js" relative to assets/javascripts/workers/)
      const file = url.startsWith("file:") ? fileURLToPath(url) : path.join(workers, url);
      vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
    }
  },
};
sandbox.self = sandbox;
vm.createContext(sandbox);
const first = process.env.SEARCH_WORKER === "material" ? path.join(workers, material)
                                                     : fileURLToPath(ours);
vm.runInContext(fs.readFileSync(first, "utf8"), sandbox, { filename: first });

async function send(data) {
  const before = replies.length;
  for (const fn of listeners) fn({ data });
  for (let i = 0; i < 200 && replies.length === before; i++) await new Promise((r) => setTimeout(r, 5));
  if (replies.length === before) throw new Error("search worker did not answer");
  return replies[replies.length - 1];
}

(async () => {
  const index = JSON.parse(fs.readFileSync(path.join(siteDir, "search", "search_index.json"), "utf8"));
  // as Material's main bundle does: the index plus the search options
  await send({ type: 0, data: { ...index, options: { suggest: true } } });
  const out = {};
  for (const q of queries) {
    const reply = await send({ type: 2, data: q });
    out[q] = reply.data.items.map((group) => group.map((d) => ({ location: d.location, title: d.title, score: d.score })));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
