"""Worker CPU per dossier: ``python -m bench.prepare_speed [--n 20000] [--db postgres]``.

Runs the import's worker step (:class:`Preparer`: decode, normalise, columns, personal data,
row text, facts) in this process over N generated records (``bench.import_speed``'s
generator), in a scratch SQLite database for the lookups, and prints the CPU µs per dossier
(``process_time``, best of ``--repeat``) of the whole step and of its parts. ``--db
postgres`` only chooses the row format (COPY text); no PostgreSQL server is used.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="motcua-prepare-")
    os.environ.update(VAR_DIR=var_dir, DATABASE_URL="", DEBUG="0", SECRET_KEY="bench-secret")
    from bench.import_speed import synthetic, worker_prepare

    worker_prepare()
    from django.utils import timezone

    from motcua.dossiers.ingest.normalize import Lookups, Normalizer
    from motcua.dossiers.ingest.prepare import Preparer
    from motcua.indicators.facts import FactReader

    rng = random.Random(args.n)
    lines = [json.dumps(synthetic(i, rng), ensure_ascii=False) for i in range(args.n)]
    normalizer = Normalizer(Lookups.load(), None)
    preparer = Preparer(
        normalizer, postgres=args.db == "postgres", now=timezone.now(), facts=FactReader.load()
    )
    from motcua.dossiers.ingest.readers import loads

    def timed(step: object) -> float:
        best = float("inf")
        for _ in range(args.repeat):
            started = time.process_time()
            step()  # type: ignore[operator]
            best = min(best, time.process_time() - started)
        return best / args.n * 1e6

    raws = [loads(line) for line in lines]
    items = [normalizer.normalize(raw) for raw in raws]
    gc.freeze()  # the inputs; each result is dropped at once, as in a worker

    def decode_all() -> None:
        for line in lines:
            loads(line)

    def normalize_all() -> None:
        for raw in raws:
            normalizer.normalize(raw)

    def prepare_all() -> None:
        for item in items:
            preparer.prepare("x", item)

    def all_steps() -> None:
        for line in lines:
            preparer("x", line, None)

    decode, normalize = timed(decode_all), timed(normalize_all)
    prepare, total = timed(prepare_all), timed(all_steps)
    print(
        f"n={args.n} {args.db}: total {total:.1f} µs/dossier "
        f"(decode {decode:.1f}, normalize {normalize:.1f}, prepare {prepare:.1f}); "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    Path(var_dir, "motcua.sqlite3").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
