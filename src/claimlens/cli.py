"""The `claimlens` command: one entry point, one subcommand per pipeline step."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# name -> (module, help). Each module offers add_arguments(parser) and run(args) -> exit code;
# modules are imported only when their subcommand runs, so `claimlens --help` stays fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "build-dataset": ("claimlens.dataset", "raw articles -> cleaned, labeled, split sentence dataset"),
    "train": ("claimlens.modeling.train", "fine-tune the transformer, tracked in MLflow"),
    "baseline": ("claimlens.modeling.baseline", "TF-IDF + logistic regression and rule-labeler reference runs"),
    "predict": ("claimlens.modeling.predict", "label sentences of new articles (jsonl, csv or html)"),
    "evaluate": ("claimlens.evaluate", "score a model on gold annotations of real news (FNC-1)"),
    "export": ("claimlens.modeling.export", "write a model as a plain transformers folder"),
    "runs": ("claimlens.tracking", "print the MLflow runs side by side"),
}


def main(argv: list[str] | None = None) -> int:
    # Never reach for a model hub at run time; local folders and packaged weights only.
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = argparse.ArgumentParser(prog="claimlens", description=__doc__)
    from claimlens import __version__

    parser.add_argument("--version", action="version", version=f"claimlens {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    argv = sys.argv[1:] if argv is None else argv
    wanted = argv[0] if argv and not argv[0].startswith("-") else None
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        if name == wanted:
            importlib.import_module(module).add_arguments(p)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 1
    module = importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
