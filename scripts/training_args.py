"""The command line every training script shares: where the gold is, where the package file goes, a slice."""

from __future__ import annotations

import argparse
import os
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def training_parser(description: str, data_file: str, out_help: str, limit_help: str) -> argparse.ArgumentParser:
    """--eval (../shared/eval, or $REDLINE_SHARED/eval), --out (the file in the package), --limit."""
    parser = argparse.ArgumentParser(description=description)
    shared = Path(os.environ.get("REDLINE_SHARED", ROOT.parent / "shared"))
    parser.add_argument("--eval", type=Path, default=shared / "eval", help="the evaluation data folder")
    parser.add_argument("--out", type=Path, default=Path(str(resources.files("redline.events").joinpath(
        "data", data_file))), help=out_help)
    parser.add_argument("--limit", type=int, default=0, help=limit_help)
    return parser
