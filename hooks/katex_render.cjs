// Render TeX to HTML with the self-hosted KaTeX (node_modules/katex, pinned in
// package-lock.json), for hooks/katex_prerender.py.
//
// stdin:  JSON array of {"tex": "...", "display": true|false}
// stdout: JSON array, same order, of {"html": "..."} or {"error": "..."}
// Errors are returned, not thrown (throwOnError: true, so KaTeX never emits red text);
// the hook turns them into a build error naming the page.
"use strict";

const path = require("path");
const katex = require(path.join(__dirname, "..", "node_modules", "katex"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(({ tex, display }) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: !!display, throwOnError: true }) };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
