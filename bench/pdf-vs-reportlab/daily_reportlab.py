"""The daily maintenance report (每日设备维护报告) rendered with reportlab, for comparison only.

This is what a Python implementation of `fieldlog export daily` would do: read the same SQLite
profile, lay the same report out (header grid repeated on every page, the entries table with its
header repeated, the day's arrivals, the signatures with their ink, "第 x 页 / 共 y 页") with the same
font, and write the PDF. It does what reportlab users do: platypus flowables, a two-pass canvas for
the page count, TrueType subsetting (reportlab's default).

It does NOT sign the PDF; fieldlog's side does (PAdES), so the comparison favours reportlab.

usage: daily_reportlab.py DB REPORT_ID FONT.ttc OUT.pdf
"""

import io
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

CHINA = timezone(timedelta(hours=8))
DEVICE_KIND = {
    "camera": "摄像机",
    "switch": "交换机",
    "server": "服务器",
    "fibre_line": "光纤线路",
    "power_unit": "电源",
    "terminal": "终端",
}
REASON = {
    "power": "电源",
    "transmission": "传输",
    "device": "设备",
    "force_majeure": "不可抗拒因素",
    "other": "其他",
}
ROLE = {"technician": "技服人员", "customer": "用户代表"}
TITLE = "每日设备维护报告"
MARGIN_X = 42
BODY = 9.5


def local(ts: str, fmt="%Y-%m-%d %H:%M:%S") -> str:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(CHINA).strftime(fmt)


def load(db_path: str, report_id: str) -> dict:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    r = db.execute(
        """SELECT r.*, c.name AS contract_name, c.client, t.name AS technician
           FROM daily_reports r JOIN contracts c ON c.id = r.contract_id
           JOIN technicians t ON t.id = r.technician_id WHERE r.id = ?""",
        (report_id,),
    ).fetchone()
    entries = []
    for e in db.execute(
        """SELECT e.*, s.code AS site_code, s.name AS site_name, d.kind AS device_kind,
                  d.model AS device_model
           FROM report_entries e JOIN sites s ON s.id = e.site_id
           LEFT JOIN devices d ON d.id = e.device_id
           WHERE e.report_id = ? ORDER BY e.position""",
        (report_id,),
    ):
        parts = []
        for p in db.execute(
            """SELECT sp.name, m.quantity, m.old_serial, m.new_serial
               FROM entry_parts ep JOIN stock_movements m ON m.id = ep.movement_id
               JOIN spare_parts sp ON sp.id = m.part_id
               WHERE ep.entry_id = ? ORDER BY ep.position""",
            (e["id"],),
        ):
            serials = ""
            if p["old_serial"] or p["new_serial"]:
                serials = f" 旧 {p['old_serial'] or '—'} → 新 {p['new_serial'] or '—'}"
            parts.append(f"{p['name']} × {p['quantity']}{serials}")
        entries.append(
            {
                "point": f"{e['site_code']} {e['site_name']}",
                "device": f"{DEVICE_KIND.get(e['device_kind'], e['device_kind'])} {e['device_model']}"
                if e["device_kind"]
                else "—",
                "cause": e["fault_cause"],
                "resolved": bool(e["resolved"]),
                "reason": REASON.get(e["unresolved_reason"] or "", ""),
                "work": e["work_done"],
                "parts": parts,
            }
        )
    arrivals = []
    for a in db.execute(
        """SELECT a.*, s.code AS site_code, s.name AS site_name FROM arrivals a
           JOIN sites s ON s.id = a.site_id WHERE a.technician_id = ? ORDER BY a.arrived_at""",
        (r["technician_id"],),
    ):
        if local(a["arrived_at"], "%Y-%m-%d") != r["work_date"]:
            continue
        place = None
        if a["lat"] is not None:
            place = f"{a['lat']:.5f}, {a['lon']:.5f}"
            if a["accuracy_m"] is not None:
                place += f" ±{a['accuracy_m']:.0f} m"
        arrivals.append(
            {
                "time": local(a["arrived_at"]),
                "point": f"{a['site_code']} {a['site_name']}",
                "place": place,
            }
        )
    signatures = [
        {
            "name": s["signer_name"],
            "role": ROLE[s["role"]],
            "at": local(s["signed_at"]),
            "png": s["bytes"],
        }
        for s in db.execute(
            """SELECT s.*, a.bytes FROM signatures s JOIN attachments a ON a.sha256 = s.image_sha256
               WHERE s.subject = 'daily_report' AND s.subject_id = ? ORDER BY s.signed_at""",
            (report_id,),
        )
    ]
    return {
        "contract": r["contract_name"],
        "client": r["client"],
        "technician": r["technician"],
        "date": r["work_date"],
        "entries": entries,
        "arrivals": arrivals,
        "signatures": signatures,
    }


class NumberedCanvas(rl_canvas.Canvas):
    """reportlab's usual recipe for "page x of y": keep each page's state, draw footers at the end."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for i, state in enumerate(self._pages):
            self.__dict__.update(state)
            self.setFont("cjk", 8)
            self.setFillColor(colors.grey)
            self.drawCentredString(A4[0] / 2, 24, f"第 {i + 1} 页 / 共 {total} 页")
            super().showPage()
        super().save()


def build(report: dict, font_path: str, out: str) -> None:
    pdfmetrics.registerFont(TTFont("cjk", font_path, subfontIndex=0))
    body = ParagraphStyle("body", fontName="cjk", fontSize=BODY, leading=BODY * 1.35, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, textColor=colors.white)
    section = ParagraphStyle("section", fontName="cjk", fontSize=12, leading=18, spaceBefore=8)
    width = A4[0] - 2 * MARGIN_X

    def grid(rows, shares, header):
        t = Table(
            [[Paragraph(str(c), head if header and i == 0 else body) for c in row] for i, row in enumerate(rows)],
            colWidths=[width * s for s in shares],
            repeatRows=1 if header else 0,
        )
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#37475a")))
        t.setStyle(TableStyle(style))
        return t

    def page_header(canvas, doc):
        canvas.saveState()
        canvas.setFont("cjk", 16)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 48, TITLE)
        canvas.setFont("cjk", BODY)
        y = A4[1] - 72
        pairs = [
            ("项目名称", report["contract"]),
            ("采购人", report["client"]),
            ("技服人员", report["technician"]),
            ("工作日期", report["date"]),
        ]
        for i, (k, v) in enumerate(pairs):
            x = MARGIN_X + (i % 2) * width / 2
            canvas.drawString(x, y - (i // 2) * 16, f"{k}：{v}")
        canvas.restoreState()

    story = [Paragraph("一、维护记录", section)]
    rows = [["序号", "维护点位", "设备", "故障原因", "是否解决", "处理情况", "备件"]]
    for i, e in enumerate(report["entries"], 1):
        resolved = "是" if e["resolved"] else (f"否：{e['reason']}" if e["reason"] else "否")
        rows.append(
            [i, e["point"], e["device"], e["cause"], resolved, e["work"], "<br/>".join(e["parts"]) or "—"]
        )
    story.append(grid(rows, [0.06, 0.14, 0.13, 0.14, 0.13, 0.21, 0.19], True))
    story.append(Paragraph("二、到达现场记录", section))
    if report["arrivals"]:
        rows = [["序号", "到达时间", "点位", "位置"]]
        rows += [[i, a["time"], a["point"], a["place"] or "手动确认"] for i, a in enumerate(report["arrivals"], 1)]
        story.append(grid(rows, [0.07, 0.2, 0.3, 0.43], True))
    else:
        story.append(Paragraph("当日无到达现场记录。", body))
    story.append(Paragraph("三、签字确认", section))
    for s in report["signatures"]:
        story.append(Image(io.BytesIO(s["png"]), width=160, height=64, kind="proportional"))
        story.append(Paragraph(f"{s['role']}：{s['name']}　签字时间：{s['at']}", body))
        story.append(Spacer(1, 8))

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=110,
        bottomMargin=52,
        title=TITLE,
    )
    doc.build(story, onFirstPage=page_header, onLaterPages=page_header, canvasmaker=NumberedCanvas)


if __name__ == "__main__":
    db, report_id, font, out = sys.argv[1:5]
    build(load(db, report_id), font, out)
