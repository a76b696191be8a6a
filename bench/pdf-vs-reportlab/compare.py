"""fieldlog's daily-report PDF beside reportlab's, measured in one run (issue 5's benchmark).

Seeds a profile through the real `fieldlog` CLI (the demo month, then one signed daily report of
ROWS entries, every fifth with a spare part), then runs, alternating and each as a whole process:

- `fieldlog --db DB export daily ID --out a.pdf` (read, lay out, subset the font, render, PAdES-sign);
- `python daily_reportlab.py DB ID FONT b.pdf` (read, lay out, subset the font, render; no signature).

Both use the same font file. Prints one Markdown table for BENCHMARKS.md and checks that both PDFs
carry the same report (pdftotext finds every point and work text in each), so a faster side that
dropped content cannot win.

usage: compare.py FIELDLOG_BIN FONT [--rows 30] [--runs 20]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAUSES = ["电源适配器老化", "光纤接头松动", "交换机端口故障", "雷击损坏", "图像模糊，镜头进水"]
WORKS = [
    "更换电源适配器，图像恢复正常",
    "重新熔接光纤接头，链路恢复",
    "更换交换机端口模块并测试",
    "更换防雷器，恢复供电",
    "清洁镜头并加装防水罩，观察 30 分钟无异常",
]


def fieldlog(bin_path, db, *args):
    out = subprocess.run(
        [bin_path, "--db", db, "--json", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"fieldlog {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def signature_png(path: Path) -> None:
    """A made-up handwritten stroke, as a signature pad would save it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    points = [(30 + 340 * t / 60, 80 + 40 * ((t % 12) - 6) / 6) for t in range(61)]
    draw.line(points, fill=(20, 30, 90, 255), width=4)
    img.save(path)


def seed(bin_path: str, work: Path, rows: int) -> tuple[str, str]:
    db = str(work / "bench.sqlite")
    fieldlog(bin_path, db, "demo")
    contract = fieldlog(bin_path, db, "contract")[0]
    sites = fieldlog(bin_path, db, "site", "list", "--contract", contract["code"])
    parts = [
        p
        for p in fieldlog(bin_path, db, "parts", "balance", "--contract", contract["code"])[0]["parts"]
        if p["kind"] == "part" and p["balance"] >= rows
    ]
    # A working day no demo report uses.
    report = fieldlog(bin_path, db, "report", "new", "--contract", contract["code"], "--date", "2026-10-09")
    report_id = report["report"]["id"]
    for i in range(rows):
        site = sites[i % len(sites)]
        args = [
            "report", "add-entry", report_id,
            "--site", site["code"],
            "--cause", CAUSES[i % len(CAUSES)],
            "--work", f"{WORKS[i % len(WORKS)]}（第 {i + 1} 处）",
        ]  # fmt: skip
        if i % 7 == 3:
            args += ["--unresolved", "transmission"]
        if i % 5 == 0 and parts:
            args += ["--part", f"{parts[0]['code']}:1:OLD-{i:04}:NEW-{i:04}"]
        fieldlog(bin_path, db, *args)
    png = work / "signature.png"
    signature_png(png)
    fieldlog(bin_path, db, "report", "sign", report_id, "--image", str(png))
    return db, report_id


def timed(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("fieldlog")
    ap.add_argument("font")
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    for tool in ("pdftotext",):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install poppler-utils")
    work = Path(tempfile.mkdtemp(prefix="fieldlog-pdf-bench-"))
    env = dict(os.environ, FIELDLOG_PDF_FONT=a.font, FIELDLOG_EXPORT_DIR=str(work))
    db, report_id = seed(a.fieldlog, work, a.rows)
    ours, theirs = work / "fieldlog.pdf", work / "reportlab.pdf"
    ours_cmd = [a.fieldlog, "--db", db, "export", "daily", report_id, "--out", str(ours)]
    theirs_cmd = [sys.executable, str(HERE / "daily_reportlab.py"), db, report_id, a.font, str(theirs)]

    # One uncounted warm-up each (page cache, Python's bytecode cache), then alternate.
    timed(ours_cmd, env)
    timed(theirs_cmd, env)
    t_ours, t_theirs = [], []
    for _ in range(a.runs):
        t_ours.append(timed(ours_cmd, env))
        t_theirs.append(timed(theirs_cmd, env))

    # Same content on both sides: every entry's work text (pdftotext may wrap long cells, so
    # compare without whitespace) and the title.
    wanted = ["每日设备维护报告", "第1页/共"] + [f"（第{i + 1}处）" for i in range(a.rows)]
    for name, pdf in (("fieldlog", ours), ("reportlab", theirs)):
        text = "".join(text_of(pdf).split())
        missing = [w for w in wanted if w not in text]
        if missing:
            sys.exit(f"{name}'s PDF lacks {missing[:5]}: the two reports are not the same")

    def row(name, times, size):
        return (
            f"| {name} | {a.runs} | {statistics.median(times):.0f} | {min(times):.0f} | "
            f"{max(times):.0f} | {size / 1024:.1f} |"
        )

    s_ours, s_theirs = ours.stat().st_size, theirs.stat().st_size
    # The signature is an incremental update after the rendered document's first %%EOF.
    data = ours.read_bytes()
    s_unsigned = data.index(b"%%EOF") + len(b"%%EOF")
    speed = statistics.median(t_theirs) / statistics.median(t_ours)
    size = s_ours / s_theirs
    print(f"\nDaily report, {a.rows} entries, font {a.font}\n")
    print("| side | runs | median ms | min ms | max ms | file KiB |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("fieldlog export daily (signed)", t_ours, s_ours))
    print(row("reportlab (unsigned)", t_theirs, s_theirs))
    print(
        f"\nfieldlog's file before its signature: {s_unsigned / 1024:.1f} KiB "
        f"({s_unsigned / s_theirs:.2f}x reportlab's); the signature adds {(s_ours - s_unsigned) / 1024:.1f} KiB."
    )
    print(
        f"\nfieldlog is {speed:.1f}x faster (goal ≥ 3x: {'met' if speed >= 3 else 'NOT met'}); "
        f"its file is {size:.2f}x reportlab's (goal ≤ 0.7x: {'met' if size <= 0.7 else 'NOT met'})."
    )
    print(f"PDFs kept in {work}")


if __name__ == "__main__":
    main()
