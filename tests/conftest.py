"""Shared test set-up: snippets/ on sys.path, offline data, quiet TensorFlow."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"

# Tests never touch the network: data comes from registry packages.
os.environ.setdefault("DIGITS_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")

sys.path.insert(0, str(SNIPPETS))
sys.path.insert(0, str(Path(__file__).resolve().parent))
