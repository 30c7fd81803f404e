// 用自托管的 KaTeX 渲染公式：
//   * 页面正文：pymdownx.arithmatex（generic 模式）输出的 .arithmatex 元素，
//     行内为 \( … \)，行间为 \[ … \] 或 \begin{…} … \end{…}；逐个交给 katex.render；
//   * 笔记本页面（mkdocs-jupyter）：Markdown 单元格里的 $…$ 与 $$…$$（auto-render）。
//
// 按需渲染：文档开头的若干个公式立即渲染（在首次布局和绘制之前，首屏不会露出
// TeX 源码，也不会因公式变宽变高而跳动），其余公式在滚动到距视口一屏以内时再渲染，
// 打印前全部渲染。公式多的页面因此不必在加载时一次排版几十个公式。
//
// 公式有错（例如括号不配对）时不显示红字：保留 TeX 原文，加上 math-error 类，
// 并用 console.error 报告。浏览器测试（tests/browser/）把任何 console 错误都当作失败。
(function () {
  var NOTEBOOK = [
    { left: "$$", right: "$$", display: true },
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
    { left: "$", right: "$", display: false },
  ];
  var AHEAD = 1; // 提前多少个视口高度渲染
  var EAGER = 20; // 文档开头立即渲染的公式个数

  function report(el, tex, err) {
    el.classList.add("math-error");
    console.error(
      "KaTeX 无法排版公式（" + location.pathname + "）：" + tex + " — " + (err && err.message ? err.message : err)
    );
  }

  function renderFormula(el) {
    if (el.dataset.math) return; // 已处理
    var raw = el.textContent.trim();
    var display = el.tagName !== "SPAN";
    var tex = raw;
    var m = /^\\\(([\s\S]*)\\\)$/.exec(raw) || /^\\\[([\s\S]*)\\\]$/.exec(raw);
    if (m) {
      tex = m[1];
      display = raw.charAt(1) === "[";
    }
    try {
      katex.render(tex, el, { displayMode: display, throwOnError: true });
      el.dataset.math = "ok";
    } catch (err) {
      el.textContent = raw;
      el.dataset.math = "error";
      report(el, raw, err);
    }
  }

  function renderCell(el) {
    if (el.dataset.math) return;
    el.dataset.math = "ok";
    renderMathInElement(el, {
      delimiters: NOTEBOOK,
      throwOnError: true,
      errorCallback: function (message, err) {
        el.dataset.math = "error";
        report(el, message, err);
      },
    });
  }

  // 元素是否在收起的 <details> 或未选中的内容标签页里（只看 DOM，不触发布局）
  function insideHidden(el) {
    if (el.closest("details:not([open])")) return true;
    for (var block = el.closest(".tabbed-block"); block; ) {
      var set = block.closest(".tabbed-set");
      if (!set) break;
      var inputs = set.querySelectorAll(":scope > input");
      var index = Array.prototype.indexOf.call(block.parentElement.children, block);
      if (!(inputs[index] && inputs[index].checked)) return true;
      block = set.parentElement && set.parentElement.closest(".tabbed-block");
    }
    return false;
  }

  var observed = new WeakSet();
  var observer = null;

  function render() {
    var formulas = Array.prototype.slice.call(document.querySelectorAll(".arithmatex"));
    var cells = Array.prototype.slice.call(
      document.querySelectorAll(".jupyter-wrapper .jp-MarkdownCell .jp-RenderedMarkdown")
    );
    if (typeof katex === "undefined" || typeof renderMathInElement !== "function") {
      if (formulas.length || cells.length) console.error("KaTeX 未加载，公式无法排版");
      return;
    }
    var targets = formulas.map(function (el) { return [el, renderFormula]; })
      .concat(cells.map(function (el) { return [el, renderCell]; }))
      .filter(function (t) { return !t[0].dataset.math && !observed.has(t[0]); });
    // 折叠块、未选中的标签页里的公式马上渲染：它们不显示，不参与布局，排版很便宜；
    // 而 IntersectionObserver 看不见它们，展开时才渲染会先露出 TeX 源码。
    var shown = targets.filter(function (t) {
      if (!insideHidden(t[0])) return true;
      t[1](t[0]);
      return false;
    });
    // 文档里最前面的 EAGER 个（显示着的）公式马上渲染：首屏的公式都在其中，
    // 不用量位置、不会强制布局；其余的交给 IntersectionObserver
    var eager = "IntersectionObserver" in window ? shown.slice(0, EAGER) : shown;
    eager.forEach(function (t) { t[1](t[0]); });
    var later = shown.slice(eager.length);
    if (!later.length) return;
    if (!observer) {
      observer = new IntersectionObserver(
        function (entries) {
          entries.forEach(function (entry) {
            if (!entry.isIntersecting) return;
            observer.unobserve(entry.target);
            (entry.target.classList.contains("arithmatex") ? renderFormula : renderCell)(entry.target);
          });
        },
        { rootMargin: AHEAD * 100 + "% 0px" }
      );
      window.addEventListener("beforeprint", function () {
        document.querySelectorAll(".arithmatex").forEach(renderFormula);
        document.querySelectorAll(".jupyter-wrapper .jp-MarkdownCell .jp-RenderedMarkdown").forEach(renderCell);
      });
    }
    later.forEach(function (t) {
      observed.add(t[0]);
      observer.observe(t[0]);
    });
  }

  // overrides/main.html 以 defer 加载本脚本：正文已解析完，DOMContentLoaded 之前执行。
  render();
  // Material 的即时导航（若开启）换页后再处理新内容（render 对已处理的元素不再动手）
  if (typeof document$ !== "undefined") {
    document$.subscribe(render);
  } else {
    document.addEventListener("DOMContentLoaded", render);
  }
})();
