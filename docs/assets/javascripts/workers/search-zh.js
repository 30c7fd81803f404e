// Material's search worker, with whole words kept in Chinese queries.  overrides/main.html
// points the theme at this file and passes the theme's own worker as ?worker=…; it is
// loaded below, unchanged, and answers every message.
//
// Material splits each run of Chinese characters in a query into words of the index, but
// never tries a word that ends at the run's last character (负采样 is searched as 负*,
// 步幅 as 步*), and stops at the first character that starts no word (深度学习和机器学习
// becomes 深度学习* alone).  This worker splits each run itself, into the longest words of
// the index from left to right, and hands Material one run per word with a character no
// page uses (〇) appended, so that Material keeps the word whole; 〇 is never a word and
// drops out.  Characters that start no word (a word still being typed, say) stay one run,
// without 〇: Material searches such a run as a prefix.  Words like 的, 和, 是 (lunr's
// Chinese stop words) are left out of a query that has other words: the index keeps them
// (Material's pipeline for Chinese), and as prefixes they match nearly every section.
// Material searches every word as a prefix (学习 finds 学习率), which suits the word being
// typed; every earlier word of the index is searched as itself (学习^1: a boost, which
// Material leaves without the prefix star).
// tests/site/test_search.py checks that the theme still needs this.
"use strict";

const END = "\u3007";
const HAN = /^\p{Script=Han}+$/u;
let words = new Set();  // the index's Chinese words
let longest = 0;  // characters in the longest of them
let separator = /\s+/g;  // the index's (mkdocs.yml: plugins.search.separator)

function setup(index) {
  // the index's words as Material makes them: tags dropped, split at the separator
  separator = new RegExp(index.config.separator, "g");
  words = new Set();
  for (const doc of index.docs)
    for (const field of [doc.title, doc.text])
      for (const word of (field || "").replace(/<[^>]*>/g, " ").split(separator))
        if (HAN.test(word)) words.add(word);
  longest = 0;
  for (const word of words) longest = Math.max(longest, word.length);
}

// lunr 2.3.9, bundled in Material's worker, keys a node of its token set by the node's
// final flag and its edges' labels and child ids written one after another.  With digits
// as labels two different nodes can get the same key ("1"→node 23 and "3"→node 5, or
// "1"→node 2 and "3"→node 35: both "012335"); building the index's token set then merges
// them, the set lists words no page has, and a prefix query that meets one throws inside
// lunr: the reader gets no result at all (a query "3" did, on this site).  Known upstream
// (olivernn/lunr.js issues 279 and 314), unfixed in lunr's last release.  A separator
// after each id keeps the keys apart; tests/site/test_search.py fails when Material's
// lunr no longer has the method replaced here.
function separateTokenSetKeys(lunr) {
  if (!lunr || !lunr.TokenSet) return;
  lunr.TokenSet.prototype.toString = function () {
    let key = this.final ? "1" : "0";
    for (const label of Object.keys(this.edges).sort())
      key += label + this.edges[label].id + ",";
    return key;
  };
}

function isStopWord(word) {
  const filter = self.lunr && self.lunr.zh && self.lunr.zh.stopWordFilter;
  return Boolean(filter) && filter(word) === undefined;
}

function splitRun(run) {
  const out = [];
  let unknown = "";
  for (let i = 0; i < run.length;) {
    let j = Math.min(run.length, i + longest);
    while (j > i && !words.has(run.slice(i, j))) j--;
    if (j === i) {
      unknown += run[i++];  // starts no word
      continue;
    }
    if (unknown) out.push(unknown), (unknown = "");
    out.push(run.slice(i, j));
    i = j;
  }
  if (unknown) out.push(unknown);
  const kept = out.filter((word) => !words.has(word) || !isStopWord(word));
  return kept.length ? kept : out;
}

function rewrite(query, every) {
  // every: each word is required (lunr's +), as a reader means a phrase of words
  const runs = [];  // every Chinese run: its words
  const pattern = /\p{Script=Han}+/gu;
  query.replace(pattern, (run) => runs.push(splitRun(run)));
  const last = /\p{Script=Han}$/u.test(query.trim()) ? runs.length - 1 : -1;
  let n = 0;
  const out = query.replace(pattern, () => {
    const parts = runs[n], isLast = n++ === last;
    return " " + parts.map((w, i) => {
      if (!words.has(w)) return w;
      const exact = !(isLast && i === parts.length - 1);
      return w + END + (exact ? "^1" : every ? "*" : "");
    }).join(" ") + " ";
  });
  if (!every) return out;
  // other words keep Material's prefix star: without it lunr would stem them (vanishing
  // -> vanish), which the index does not do; a word the index splits (llm.c, log-sum-exp)
  // is asked for part by part, each part required
  return out.trim().split(/\s+/).flatMap((w) => {
    if (/^[+\-]/.test(w)) return [w];
    if (/[*~^]|\p{Script=Han}|\u3007$/u.test(w)) return ["+" + w];
    return w.split(separator).filter(Boolean).map((part) => "+" + part + "*");
  }).join(" ");
}

// A query of several words asks for sections that have all of them; when none has,
// the same words are asked for again, any of them (Material's own way).
const RESULT = 3;
let retry = null;
const post = self.postMessage.bind(self);
self.postMessage = (message) => {
  if (retry !== null && message && message.type === RESULT && !message.data.items.length) {
    const data = retry;
    retry = null;
    self.dispatchEvent(new MessageEvent("message", { data: { type: 2, data, rewritten: true } }));
    return;
  }
  retry = null;
  post(message);
};

addEventListener("message", (ev) => {
  const message = ev.data;
  if (message && message.type === 0 && message.data) {  // SETUP: the index
    separateTokenSetKeys(self.lunr);  // before Material's listener builds the index
    setup(message.data);
  }
  else if (message && message.type === 2 && typeof message.data === "string" &&
           !message.rewritten) {  // QUERY
    const any = rewrite(message.data, false), all = rewrite(message.data, true);
    const several = all.split(/\s+/).filter(Boolean).length > 1;
    message.data = several ? all : any;
    retry = several ? any : null;
  }
});

importScripts(new URL(self.location.href).searchParams.get("worker"));
