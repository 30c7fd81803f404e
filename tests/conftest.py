"""Shared test set-up: offline data, quiet TensorFlow.  (What is importable, snippets/,
tools/, hooks/ and tests/, is pytest's ``pythonpath`` in pyproject.toml.)"""

from __future__ import annotations

import os

# Tests never touch the network: data comes from registry packages.
os.environ.setdefault("DIGITS_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")
