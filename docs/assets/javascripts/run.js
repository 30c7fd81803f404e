// 运行 / 停止 / 编辑 / 重置 for the boxes hooks/run_in_page.py puts under the programs.
// Nothing of the Python runtime loads with the page: the first click starts a Web Worker
// (run-worker.js), which fetches Pyodide and the packages from this site.  One worker
// serves every box of the page, so later runs reuse what it loaded; 停止 ends it, and
// the next run starts a fresh one.
const WORKER_URL = new URL("run-worker.js", import.meta.url);
const FONT = "fonts/NotoSansCJK-GB2312.otf";
const MAX_OUTPUT = 200000; // characters kept in an output area

let worker = null;
let current = null; // the box whose program the worker is running

function startWorker() {
  worker = new Worker(WORKER_URL);
  worker.onmessage = (event) => current && current.receive(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    if (current) current.receive({ type: "fatal", memory: false, text: event.message || "worker error" });
  };
}

function stopWorker() {
  if (worker) worker.terminate();
  worker = null;
}

class RunBox {
  constructor(el) {
    this.el = el;
    this.name = el.dataset.program;
    this.args = JSON.parse(el.dataset.args);
    this.files = JSON.parse(el.dataset.files);
    this.base = new URL(el.dataset.base, location.href).href;
    this.source = null;
    this.editor = null;
    this.output = el.querySelector(".run-output");
    this.status = el.querySelector(".run-status");
    this.buttons = Object.fromEntries(
      ["start", "stop", "edit", "reset"].map((b) => [b, el.querySelector(`.run-${b}`)]),
    );
    this.buttons.start.addEventListener("click", () => this.start());
    this.buttons.stop.addEventListener("click", () => this.stop("已停止。下次运行会重新启动 Python。"));
    this.buttons.edit.addEventListener("click", () => this.edit());
    this.buttons.reset.addEventListener("click", () => this.reset());
  }

  async program() {
    if (this.source === null) {
      const response = await fetch(this.el.dataset.src);
      if (!response.ok) throw new Error(`${this.name}: HTTP ${response.status}`);
      this.source = await response.text();
    }
    return this.source;
  }

  async edit() {
    if (!this.editor) {
      const code = document.createElement("textarea");
      code.className = "run-code";
      code.spellcheck = false;
      code.wrap = "off"; // code lines scroll sideways, as in the code blocks
      code.setAttribute("aria-label", `${this.name} 的代码（可编辑）`);
      code.value = await this.program();
      const args = document.createElement("input");
      args.className = "run-args";
      args.type = "text";
      args.spellcheck = false;
      args.value = this.args.map(quote).join(" ");
      const label = document.createElement("label");
      label.className = "run-args-label";
      label.append(`python ${this.name} `, args);
      this.editor = { code, args, wrap: document.createElement("div") };
      this.editor.wrap.className = "run-editor";
      this.editor.wrap.append(code, label);
      this.el.querySelector(".run-bar").after(this.editor.wrap);
    }
    this.editor.wrap.hidden = false;
    this.buttons.edit.hidden = true;
    this.buttons.reset.hidden = false;
    this.editor.code.focus();
  }

  reset() {
    if (this.editor) {
      this.editor.code.value = this.source;
      this.editor.args.value = this.args.map(quote).join(" ");
      this.editor.wrap.hidden = true;
    }
    this.buttons.edit.hidden = false;
    this.buttons.reset.hidden = true;
    this.buttons.edit.focus();
  }

  async start() {
    if (current) current.stop("已停止：本页另一个程序开始运行。");
    current = this;
    this.output.textContent = "";
    this.output.hidden = false;
    this.shown = 0;
    this.buttons.start.hidden = true;
    this.buttons.stop.hidden = false;
    this.started = performance.now();
    this.firstOutput = null;
    this.el.dataset.state = "loading";
    this.setStatus("正在准备…");
    let code, args;
    try {
      const editing = this.editor && !this.editor.wrap.hidden;
      code = editing ? this.editor.code.value : await this.program();
      args = editing ? splitArgs(this.editor.args.value) : this.args;
    } catch (err) {
      this.finish("error", `无法读取程序：${err.message}`);
      return;
    }
    if (!worker) startWorker();
    worker.postMessage({
      type: "run", base: this.base, name: this.name, code, args, files: this.files, font: FONT,
    });
  }

  stop(message) {
    if (current !== this) return;
    stopWorker();
    this.finish("stopped", message);
  }

  finish(state, message) {
    if (current === this) current = null;
    this.el.dataset.state = state;
    this.setStatus(message);
    this.buttons.start.hidden = false;
    this.buttons.stop.hidden = true;
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  append(text, className) {
    if (this.firstOutput === null) this.firstOutput = performance.now() - this.started;
    if (this.shown >= MAX_OUTPUT) return;
    const room = MAX_OUTPUT - this.shown;
    let piece = text.length > room ? text.slice(0, room) + "\n……（输出过长，以下省略）\n" : text;
    this.shown += text.length;
    const node = className ? document.createElement("span") : document.createTextNode(piece);
    if (className) {
      node.className = className;
      node.textContent = piece;
    }
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 4;
    this.output.append(node);
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }

  receive(msg) {
    switch (msg.type) {
      case "status":
        if (msg.running) this.el.dataset.state = "running";
        this.setStatus(msg.text);
        break;
      case "stdout":
        this.append(msg.text);
        break;
      case "stderr":
        this.append(msg.text, "run-stderr");
        break;
      case "figure": {
        if (this.firstOutput === null) this.firstOutput = performance.now() - this.started;
        const img = document.createElement("img");
        img.className = "run-figure";
        img.alt = `${this.name} 画出的图`;
        img.src = URL.createObjectURL(new Blob([msg.png], { type: "image/png" }));
        this.output.append(img);
        break;
      }
      case "done": {
        const seconds = msg.seconds.toFixed(1);
        if (msg.status === 0) this.finish("done", `完成，运行用时 ${seconds} 秒。`);
        else if (msg.kind === "memory")
          this.finish("error", "内存不足：程序要的内存超过了浏览器给网页的上限（见上面的 MemoryError）。减小规模再试。");
        else if (msg.kind.startsWith("module:"))
          this.finish("error", `浏览器里没有 ${msg.kind.slice(7)} 这个包：页面里的 Python 只有标准库和 ` +
            "numpy、scipy、matplotlib。用其他包请在自己的电脑上运行。");
        else this.finish("error", `程序出错退出（退出码 ${msg.status}），错误信息见上。`);
        this.el.dataset.firstOutputMs = String(Math.round(this.firstOutput ?? -1));
        this.el.dataset.steps = JSON.stringify(msg.steps);
        break;
      }
      case "fatal":
        stopWorker();
        this.finish("error", msg.memory
          ? "内存耗尽：Python 运行时已终止。下次运行会重新启动它；请减小程序的规模。"
          : `Python 运行时出错：${msg.text}`);
        break;
    }
  }
}

// shell-like quoting for the argument field
function quote(arg) {
  return /^[\w./:=,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function splitArgs(text) {
  const args = [];
  const re = /'([^']*)'|"((?:\\.|[^"])*)"|(\S+)/g;
  let m;
  while ((m = re.exec(text))) args.push(m[1] ?? (m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]));
  return args;
}

for (const el of document.querySelectorAll(".run-box")) new RunBox(el);
