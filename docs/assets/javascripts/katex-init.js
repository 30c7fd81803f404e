// 用自托管的 KaTeX 渲染 pymdownx.arithmatex（generic 模式）标出的公式。
(function () {
  function render() {
    if (typeof renderMathInElement !== "function") return;
    document.querySelectorAll(".arithmatex").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true },
        ],
        throwOnError: true,
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(render); // Material：每次（包括即时导航后）页面内容就绪时
  } else {
    document.addEventListener("DOMContentLoaded", render);
  }
})();
