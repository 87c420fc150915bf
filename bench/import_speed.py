"""Dossier import speed: ``python -m bench.import_speed --n 1000000 [--db sqlite|postgres]``.

Generates N synthetic dossiers as a DVCQG JSON array on disk (streamed, never held in
memory), then imports it with the real importer in a fresh database, in a child process
whose peak RSS (``ru_maxrss``) is reported, so generating the file does not count.
``--baseline`` also imports a smaller file the naive way (one ORM ``save()`` per dossier
and per event, the same normalisation) and prints the speed ratio.

SQLite uses a file under a temporary VAR_DIR; PostgreSQL uses the database
``motcua_bench`` on 127.0.0.1 (``--pg-database``; dropped and recreated for each run, dropped
at the end). With ``--dir``, a generated file is kept there and reused by later runs with
the same N (generation is deterministic). Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
UNITS = [f"H44.{n:02d}" for n in range(1, 31)]
PROCEDURES = [f"1.{n:06d}" for n in range(1, 201)]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


# -- generation ----------------------------------------------------------------------------


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def synthetic(n: int, rng: random.Random) -> dict[str, Any]:
    """The n-th synthetic dossier, in the {hoSo, tienTrinhDongBo} sync shape."""
    unit = UNITS[n % len(UNITS)]
    received = dt.datetime(2024, 1, 1, 7, 30) + dt.timedelta(minutes=n % 500_000)
    code = f"{unit}-{received:%y%m%d}-{n:07d}"
    name = NAMES[n % len(NAMES)]
    if n % 3 == 0:
        name = unicodedata.normalize("NFD", name)
    status = rng.choice([2, 4, 4, 5, 9, 10, 10, 10])
    finished = received + dt.timedelta(days=rng.randint(1, 12))
    hoso: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": PROCEDURES[n % len(PROCEDURES)],
        "TenTTHC": "Thủ tục tổng hợp",
        "KenhThucHien": str(rng.choice([1, 2, 2, 3])),
        "TrangThaiHoSo": str(status),
        "ChuHoSo": name,
        "SoGiayToChuHoSo": f"0440{n:08d}",
        "LoaiDoiTuong": "1",
        "SoDienThoai": f"09{n:08d}",
        "Email": "",
        "TrichYeuHoSo": "Đề nghị giải quyết thủ tục hành chính",
        "NgayNopHoSo": _stamp(received - dt.timedelta(hours=2)),
        "NgayTiepNhan": _stamp(received),
        "NgayHenTra": _stamp(received + dt.timedelta(days=7)),
        "NgayKetThucXuLy": _stamp(finished) if status >= 9 else "",
        "NgayTra": _stamp(finished) if status == 10 else "",
        "DonViXuLy": "",
        "TaiKhoanDuocXacThucVoiVNeID": rng.choice(["0", "1"]),
        "DuocThanhToanTrucTuyen": "1" if n % 3 == 0 else "0",
        "TaiLieuNop": [
            {
                "TenTepDinhKem": "don.pdf",
                "MaThanhPhanHoSo": "TP01",
                "DuongDanTaiTepTin": f"https://files.example.vn/{n}/1.pdf",
                "DuocSoHoa": "1",
                "DuocTaiSuDung": "0",
                "IsDeleted": "0",
            },
            {"TenTepDinhKem": "cccd.pdf", "MaThanhPhanHoSo": "TP02", "DuocLayTuKhoDMQG": "1"},
        ],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "Gia": 50000}],
        "DinhDanhCHS": [{"LoaiDinhDanh": "CCCD", "SoDinhDanh": f"0440{n:08d}"}],
    }
    if n % 3 == 0:
        hoso["ThanhToan"] = [
            {
                "MaGiaoDich": f"VNP{n:010d}",
                "SoTien": 50000,
                "KenhThanhToan": "online",
                "CongThanhToan": "VNPay",
                "TrangThai": "success",
                "ThoiDiem": _stamp(received),
                "NenTangThanhToan": "1",
            }
        ]
    steps = [
        {
            "MaHoSo": code,
            "NguoiXuLy": "Cán bộ một cửa",
            "ThoiDiemXuLy": _stamp(received),
            "NoiDungXuLy": "Tiếp nhận hồ sơ",
            "TrangThai": "2",
        }
    ]
    return {"hoSo": hoso, "tienTrinhDongBo": steps}


def generate(path: Path, n: int, *, start: int = 0) -> None:
    rng = random.Random(n)
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for i in range(start, start + n):
            if i > start:
                out.write(",\n")
            out.write(json.dumps(synthetic(i, rng), ensure_ascii=False))
        out.write("\n]\n")


# -- child processes -----------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def worker_prepare() -> None:
    _django()
    from django.core.management import call_command

    from motcua.procedures.models import Procedure
    from motcua.units.models import Level, Unit

    call_command("migrate", verbosity=0)
    for code in UNITS:
        Unit(code=code, name=f"Đơn vị {code}", level=Level.AGENCY).save()
    for code in PROCEDURES:
        Procedure(code=code, name=f"Thủ tục {code}").save()


def worker_import(path: str, workers: str = "") -> None:
    _django()
    import resource

    from motcua.dossiers.ingest import import_files

    server = _server_cpu()
    started = time.perf_counter()
    report = import_files([path], workers=int(workers) if workers else None)
    seconds = time.perf_counter() - started
    server = _server_cpu() - server
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "seconds": seconds,
        "peak": me.ru_maxrss * 1024,
        "worker_peak": children.ru_maxrss * 1024,
        "cpu": me.ru_utime + me.ru_stime,
        "worker_cpu": children.ru_utime + children.ru_stime,
        "server_cpu": server,
        "created": report.created,
        "errors": [str(e) for e in report.errors[:5]],
    }
    print(json.dumps(result))


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 on SQLite, or
    when the server runs elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_baseline(path: str) -> None:
    """One ORM save per dossier and per event (and per payment), in one transaction."""
    _django()
    import resource

    from django.db import transaction
    from django.utils import timezone

    from motcua.dossiers import formats as fm
    from motcua.dossiers.ingest.normalize import Lookups, Normalizer, columns_of
    from motcua.dossiers.ingest.prepare import personal_columns
    from motcua.dossiers.models import Dossier, DossierEvent, Payment

    started = time.perf_counter()
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    normalizer = Normalizer(Lookups.load(), None)
    now = timezone.now()
    with transaction.atomic():
        for raw in records:
            item = normalizer.normalize(raw)
            values, personal = columns_of(item, now=now)
            values.update(personal_columns(personal), content_hash=item.hash)
            dossier = Dossier(**values)
            dossier.save()
            DossierEvent(dossier=dossier, seq=1, kind="created", actor_label="import").save()
            for payment in item.canonical.get(fm.PAYMENTS, ()):
                Payment(dossier=dossier, **fm.payment_fields(payment)).save()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak": peak, "created": len(records), "errors": []}))


# -- the driver ----------------------------------------------------------------------------


PG_DATABASE = "motcua_bench"


def _env(db: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ, VAR_DIR=str(var_dir), DEBUG="0", SECRET_KEY="bench-secret")
    env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}" if db == "postgres" else ""
    return env


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')


def _fresh_database(db: str, var_dir: Path) -> None:
    if db == "postgres":
        import psycopg

        _drop_database()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"motcua.sqlite3{suffix}").unlink(missing_ok=True)
    _child(["prepare"], db, var_dir)


def _child(args: list[str], db: str, var_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.import_speed", "--worker", *args]
    done = subprocess.run(command, env=_env(db, var_dir), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _measure(
    kind: str, path: Path, n: int, db: str, var_dir: Path, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    _fresh_database(db, var_dir)
    result = _child([kind, str(path), *extra], db, var_dir)
    if result.get("errors"):
        sys.exit(f"import rejected records: {result['errors']}")
    result["rate"] = n / result["seconds"]
    workers = ""
    if result.get("worker_peak"):
        workers = (
            f" (each worker ≤ {result['worker_peak'] / 2**20:.0f} MB; CPU s: main "
            f"{result['cpu']:.1f}, workers {result['worker_cpu']:.1f}"
        )
        total = result["cpu"] + result["worker_cpu"]
        if result.get("server_cpu"):
            workers += f", PostgreSQL backend {result['server_cpu']:.1f}"
            total += result["server_cpu"]
        workers += f"; {total / n * 1e6:.0f} CPU µs per dossier)"
    print(
        f"{kind:8} n={n:>9,}  {result['seconds']:8.1f} s  {result['rate']:9,.0f} dossiers/s  "
        f"peak RSS {result['peak'] / 2**20:6.0f} MB{workers}",
        flush=True,
    )
    return result


def main() -> None:
    global PG_DATABASE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--baseline", action="store_true", help="also run the naive baseline")
    parser.add_argument("--baseline-n", type=int, default=20_000)
    parser.add_argument("--workers", type=int, help="worker processes (default: automatic)")
    parser.add_argument("--dir", type=Path, help="where to put (and keep) the data files")
    parser.add_argument("--pg-database", default="motcua_bench", help="scratch database name")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    PG_DATABASE = args.pg_database
    if args.worker:
        kind, *rest = args.worker
        {"prepare": worker_prepare, "import": worker_import, "baseline": worker_baseline}[kind](
            *rest
        )
        return
    work = args.dir or Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}, {args.db}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    path = _data_file(work, args.n, keep=args.dir is not None)
    try:
        workers = (str(args.workers),) if args.workers is not None else ()
        real = _measure("import", path, args.n, args.db, work, workers)
        if args.baseline:
            small = _data_file(work, args.baseline_n, keep=args.dir is not None)
            naive = _measure("baseline", small, args.baseline_n, args.db, work)
            print(f"speed-up over the naive baseline: {real['rate'] / naive['rate']:.1f}x")
    finally:
        if args.db == "postgres":
            _drop_database()
        if args.dir is None:
            for data in work.glob("dossiers-*.json"):
                data.unlink()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _data_file(work: Path, n: int, *, keep: bool) -> Path:
    path = work / f"dossiers-{n}.json"
    if keep and path.exists():
        return path
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    generate(partial, n)
    partial.replace(path)
    size = path.stat().st_size / 2**20
    print(f"generated {n:,} dossiers ({size:,.0f} MB) in {time.perf_counter() - started:.0f} s")
    return path


if __name__ == "__main__":
    main()
