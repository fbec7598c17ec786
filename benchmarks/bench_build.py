"""Dataset-build throughput on the real FNC-1 bodies (1,683 articles): `make bench`."""

from __future__ import annotations

import json
import sys
import tempfile
import time

from claimlens.config import FNC1_BODIES
from claimlens.dataset import DataConfig, build


def main() -> int:
    if not FNC1_BODIES.is_file():
        print(f"skip: {FNC1_BODIES} not found")
        return 0
    conf = DataConfig(inputs=[str(FNC1_BODIES)], annotations=None, metadata=None)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = build(conf, output=f"{tmp}/fnc1")
        seconds = time.perf_counter() - t0
    sentences = sum(s["sentences"] for s in summary["splits"].values())
    result = {
        "benchmark": "build-dataset on FNC-1 train_bodies.csv",
        "workers": conf.workers,
        "articles": summary["articles_read"],
        "sentences": sentences,
        "dropped_lines": summary["dropped_lines"],
        "seconds": round(seconds, 1),
        "articles_per_s": round(summary["articles_read"] / seconds, 1),
        "sentences_per_s": round(sentences / seconds, 1),
        "target_seconds": 60,
    }
    print(json.dumps(result, indent=2))
    return 0 if seconds < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
