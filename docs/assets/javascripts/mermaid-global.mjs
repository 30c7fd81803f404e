// 自托管的 Mermaid（npm 包 mermaid 的 ESM 构建），按需加载。
//
// Material 主题在页面就绪时调用 window.mermaid.initialize(配置) 和
// window.mermaid.render(id, 源码)，把得到的 SVG 放进封闭的 shadow root，
// 并用自己的 CSS 让图表跟随浅色/深色配色。window.mermaid 已定义时，Material
// 不会再去 unpkg 加载一份。
//
// 这里的 window.mermaid 是一个轻量代理：
//   * 站内图表的 SVG 已经预先渲染好（mermaid-prerendered.mjs，由
//     tools/prerender_mermaid.py 用同一个 Mermaid 和 Material 主题生成），
//     源码完全一致时直接交给 Material，不加载也不运行 Mermaid；
//   * 其他图表由真正的 Mermaid（几十个模块、约 700 KB）渲染，且只在图表接近视口时
//     才加载，没有图表进入视野的读者一个字节也不用下载。
import PRERENDERED from "./mermaid-prerendered.mjs";

const MODULE = new URL("../vendor/mermaid/mermaid.esm.min.mjs", import.meta.url).href;

let config = {};
let loading = null;
const claimed = new WeakSet();

function load() {
  if (!loading) {
    loading = import(MODULE).then(function (module) {
      module.default.initialize(config);
      return module.default;
    });
  }
  return loading;
}

// Material 渲染的是哪个 <pre class="mermaid">：源码相同且尚未认领的第一个
function sourceElement(text) {
  for (const el of document.querySelectorAll("pre.mermaid")) {
    if (!claimed.has(el) && el.textContent === text) {
      claimed.add(el);
      return el;
    }
  }
  return null;
}

function nearViewport(el) {
  return new Promise(function (resolve) {
    if (!el || !("IntersectionObserver" in window)) {
      resolve();
      return;
    }
    const observer = new IntersectionObserver(
      function (entries) {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          resolve();
        }
      },
      { rootMargin: "50% 0px" }
    );
    observer.observe(el);
    window.addEventListener("beforeprint", resolve, { once: true });
  });
}

window.mermaid = {
  initialize(options) {
    config = options || {};
  },
  async render(id, text) {
    const svg = Object.prototype.hasOwnProperty.call(PRERENDERED, text) ? PRERENDERED[text] : null;
    if (svg) {
      sourceElement(text);
      // 生成时的 id（__mermaid_N）换成 Material 这次给的 id
      return { svg: svg.replace(/__mermaid_\d+/g, id) };
    }
    await nearViewport(sourceElement(text));
    const mermaid = await load();
    return mermaid.render(id, text);
  },
};

export default window.mermaid;
