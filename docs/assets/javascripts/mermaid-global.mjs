// 自托管的 Mermaid（来自 npm 包 mermaid 的 ESM 构建）。
// 赋给 window.mermaid，使 Material 主题用它渲染图表（并跟随浅色/深色配色），
// 而不会再去 unpkg 加载一份。模块脚本在 DOMContentLoaded 之前执行完毕。
import mermaid from "../vendor/mermaid/mermaid.esm.min.mjs";

window.mermaid = mermaid;
export default mermaid;
