"""Write a model as a plain transformers folder: `claimlens export [--model URI] DIR`.

The folder (config.json, weights, tokenizer files) loads with
`transformers.pipeline("text-classification", model=DIR)`, with no claimlens or MLflow needed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from claimlens.modeling.predict import DEFAULT_MODEL, ModelNotFoundError, resolve_model_folder


def export(model: str, out_dir: str | Path) -> Path:
    src = resolve_model_folder(model)
    if src.is_file():
        raise ModelNotFoundError(f"{model} is a scikit-learn model, not a transformers model; nothing to export")
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for item in src.iterdir():
            if item.is_file() and not item.name.startswith(("training_args", "optimizer", "scheduler", "rng_state")):
                shutil.copy2(item, tmp / item.name)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("output", help="folder to write")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"registry/run URI or folder (default {DEFAULT_MODEL})")


def run(args: argparse.Namespace) -> int:
    try:
        out = export(args.model, args.output)
    except ModelNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"exported {args.model} to {out}")
    return 0
