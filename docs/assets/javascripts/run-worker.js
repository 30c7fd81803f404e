// Runs one Python program at a time in Pyodide, off the page's main thread.
// The page (run.js) sends {type: "run", base, name, code, args, files, font}; this worker
// answers with "status", "stdout", "stderr", "figure", then "done" (exit status, and
// "memory" or "module:<name>" for those errors), or "fatal" when the
// runtime itself is lost (out of memory).  Stopping a run is the page terminating it.
"use strict";

let pyodide = null;
let runtimeLoading = null;
const fetched = new Set(); // data files already written to the file system
const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
const pending = { stdout: "", stderr: "" };
let flushTimer = null;

function post(message, transfer) {
  self.postMessage(message, transfer || []);
}

// Output goes to the page in batches, so a program that prints in a tight loop does not
// flood it with messages.  A running program holds this thread, so timers wait until it
// ends: a batch older than BATCH_MS is sent from inside write() instead.
const BATCH_MS = 40;
let lastPost = 0;

function flush() {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  lastPost = performance.now();
  for (const stream of ["stdout", "stderr"]) {
    if (pending[stream]) {
      post({ type: stream, text: pending[stream] });
      pending[stream] = "";
    }
  }
}

function writer(stream) {
  return {
    write(bytes) {
      pending[stream] += decoder[stream].decode(bytes, { stream: true });
      if (performance.now() - lastPost >= BATCH_MS) flush();
      else if (flushTimer === null) flushTimer = setTimeout(flush, BATCH_MS);
      return bytes.length;
    },
  };
}

function loadRuntime(base) {
  if (!runtimeLoading) {
    runtimeLoading = (async () => {
      post({ type: "status", text: "正在加载 Python 运行时（Pyodide）…" });
      importScripts(base + "pyodide.js");
      // indexURL: the runtime, the lock and every package come from this site
      pyodide = await loadPyodide({ indexURL: base, lockFileURL: base + "pyodide-lock.json" });
      pyodide.setStdout(writer("stdout"));
      pyodide.setStderr(writer("stderr"));
      pyodide.registerJsModule("_runpage", {
        figure: (png) => {
          const bytes = png.toJs();
          png.destroy();
          post({ type: "figure", png: bytes }, [bytes.buffer]);
        },
      });
      pyodide.runPython(DRIVER);
    })();
  }
  return runtimeLoading;
}

// Python side: run a file as `python name.py args` would, print a traceback the way
// CPython does (starting at the program's own frame), show Matplotlib figures as images.
const DRIVER = `
import os, sys, traceback

def _figures():
    import io
    from matplotlib import pyplot as plt
    import _runpage
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        _runpage.figure(buf.getvalue())

def _setup_matplotlib(font_path):
    import logging
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "building the font cache"
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot as plt
    font_manager.fontManager.addfont(font_path)
    family = font_manager.FontProperties(fname=font_path).get_name()
    # the family itself, not a fallback list: Matplotlib then draws 汉字 and Latin with it
    matplotlib.rcParams["font.family"] = [family]
    matplotlib.rcParams["axes.unicode_minus"] = False
    plt.show = lambda *args, **kwargs: _figures()

def _run_program(path, args):
    """(exit status, what went wrong: "", "memory" or "module:<name>")"""
    sys.argv = [os.path.basename(path), *args]
    status, kind = 0, ""
    try:
        import runpy
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exit:
        code = exit.code
        if code is None or isinstance(code, int):
            status = code or 0
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException as err:
        tb = err.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        traceback.print_exception(type(err), err, tb or err.__traceback__)
        status = 1
        if isinstance(err, MemoryError):
            kind = "memory"
        elif isinstance(err, ModuleNotFoundError):
            kind = f"module:{err.name}"
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        if "matplotlib.pyplot" in sys.modules:
            _figures()
    return status, kind
`;

// path: absolute (FS.mkdirTree makes every folder from the root)
async function writeFile(url, path) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  const folder = path.split("/").slice(0, -1).join("/");
  if (folder) pyodide.FS.mkdirTree(folder);
  pyodide.FS.writeFile(path, data);
}

// each data file at the path the program reads it from (relative to the working folder)
async function writeFiles(base, files) {
  for (const path of files) {
    if (fetched.has(path)) continue;
    await writeFile(base + "files/" + path, `${pyodide.FS.cwd()}/${path}`);
    fetched.add(path);
  }
}

async function run({ base, name, code, args, files, font }) {
  // seconds spent in each step before the program starts (the 性能 page reports them)
  const steps = {};
  let mark = performance.now();
  const step = (name) => {
    const now = performance.now();
    steps[name] = (now - mark) / 1000;
    mark = now;
  };
  await loadRuntime(base);
  step("runtime");
  const loaded = [];
  await pyodide.loadPackagesFromImports(code, {
    messageCallback: (msg) => {
      const m = /^Loading (.+)/.exec(msg);
      if (m) post({ type: "status", text: `正在加载 ${m[1]}…` });
    },
    errorCallback: (msg) => post({ type: "stderr", text: msg + "\n" }),
  });
  for (const pkg of Object.keys(pyodide.loadedPackages)) loaded.push(pkg);
  step("packages");
  if (files.length) {
    post({ type: "status", text: "正在准备数据文件…" });
    await writeFiles(base, files);
  }
  if (loaded.includes("matplotlib") && !fetched.has(font)) {
    post({ type: "status", text: "正在加载中文字体…" });
    const path = "/tmp/" + font;
    await writeFile(base + font, path);
    pyodide.globals.get("_setup_matplotlib")(path);
    fetched.add(font);
  }
  step("files");
  const path = `${pyodide.FS.cwd()}/${name}`;
  pyodide.FS.writeFile(path, code);
  post({ type: "status", text: "运行中…", running: true });
  const started = performance.now();
  const result = pyodide.globals.get("_run_program")(path, pyodide.toPy(args));
  const [status, kind] = result.toJs();
  result.destroy();
  flush();
  post({ type: "done", status, kind, steps, seconds: (performance.now() - started) / 1000 });
}

self.onmessage = async (event) => {
  if (event.data.type !== "run") return;
  try {
    await run(event.data);
  } catch (err) {
    flush();
    // an error outside the program: the runtime failed to load, or the wasm ran out of
    // memory and aborted; this worker is done either way
    const text = (err && (err.message || (err.errno !== undefined && `file system error ${err.errno}`)))
      || String(err);
    const memory = /memory|Aborted\(|OOM/i.test(text) || err instanceof RangeError;
    post({ type: "fatal", memory, text });
  }
};
