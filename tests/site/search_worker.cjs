// Run Material's own search worker (from the built site) in Node and print the
// results of each query as JSON: node search_worker.cjs SITE_DIR QUERY...
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [siteDir, ...queries] = process.argv.slice(2);
const js = path.join(siteDir, "assets", "javascripts");
const workerFile = fs.readdirSync(path.join(js, "workers")).find((f) => /^search\..*\.js$/.test(f));

const listeners = [];
const replies = [];
const sandbox = {
  console,
  setTimeout,
  Uint16Array,
  addEventListener: (type, fn) => listeners.push(fn),
  postMessage: (msg) => replies.push(msg),
  importScripts: (...urls) => {
    for (const url of urls) {
      // "../lunr/min/lunr.zh.min.js" relative to assets/javascripts/workers/
      const file = path.join(js, "workers", url);
      vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
    }
  },
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(path.join(js, "workers", workerFile), "utf8"), sandbox);

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
