"""Benchmark: a 10,000-word paragraph in the data (not a test: it times things).

    python bench/long_paragraph.py                 # this working tree
    python bench/long_paragraph.py --words 20000   # another length (the time should double, not quadruple)
    python bench/long_paragraph.py --baseline REV  # and revision REV (git archive) side by side

Issue 15 found an 8,000-word paragraph taking 16.8 s per office in `source.align`
(mapping a word of a resolved text back to file:line:col). Positions are now
recorded at load (load/yamlsrc.py) and the mapping is one linear pass.

Each row is a whole process, `zi-docgen check --satker prov-kalbar`, on a copy of
the shipped data whose first Lampiran paragraph is replaced by N words with a
misspelt word every 50 words, so that the checker maps hundreds of findings in
that paragraph back to their lines. Rows: the shipped data (floor) and the long
paragraph, for this tree and, with --baseline, for REV, measured alternately;
each figure is the median of --repeat wall times.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "kata_pengantar:"


def long_data(dst: Path, words: int, seed: int = 7) -> Path:
    """A copy of data/ whose first kata pengantar paragraph holds `words` words, folded over lines."""
    shutil.copytree(ROOT / "data", dst)
    rng = random.Random(seed)
    vocab = ["pembangunan", "zona", "integritas", "dilaksanakan", "secara", "konsisten", "oleh", "seluruh",
             "jajaran", "komisi", "pemilihan", "umum", "dalam", "rangka", "pelayanan", "publik"]
    ws = [rng.choice(vocab) if i % 50 else "kesalahnketik" for i in range(words)]
    lines = [" ".join(ws[i:i + 12]) for i in range(0, len(ws), 12)]
    path = dst / "common" / "lampiran.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(MARK)
    first_text = text.index("text:", start)
    end = text.index("\n    - id:", first_text)
    body = "text: >-\n" + "".join(f"        {ln}\n" for ln in lines)
    path.write_text(text[:first_text] + body.rstrip("\n") + text[end:], encoding="utf-8")
    return dst


def run_check(tree: Path, data: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree), ZI_DOCGEN_LANG="en")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zi_docgen", "check", "--data", str(data), "--satker", "prov-kalbar"],
                   cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", help="a git revision to measure side by side")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        trees = {"this tree": ROOT}
        if args.baseline:
            base = tmp_path / "baseline"
            base.mkdir()
            archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True)
            with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tf:
                tf.extractall(base)
            trees[f"baseline {args.baseline}"] = base
        datasets = {"shipped data": ROOT / "data",
                    f"{args.words:,}-word paragraph": long_data(tmp_path / "long", args.words)}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for tname, tree in trees.items():
                for dname, data in datasets.items():
                    times.setdefault((tname, dname), []).append(run_check(tree, data))
        print(f"| tree | data | median wall time of `check --satker prov-kalbar` ({args.repeat} runs) |")
        print("|---|---|---|")
        for (tname, dname), ts in times.items():
            print(f"| {tname} | {dname} | {statistics.median(ts):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
