//! Shared by the integration tests: realistic inputs, a drawn signature PNG, and the external
//! tools (poppler's pdftotext/pdftoppm/pdfsig, pyHanko) found via env var, PATH or the project's
//! virtual environment — a missing tool fails the test with how to install it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fieldlog_pdf::*;

pub fn font() -> Font {
    Font::locate().expect("a CJK font (apt-get install fonts-noto-cjk)")
}

/// A signature as a real pad would give it: dark ink strokes on a transparent 400×150 canvas.
pub fn signature_png(seed: u32) -> Vec<u8> {
    let (w, h) = (400u32, 150u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    let mut dot = |x: f32, y: f32| {
        for dy in -2i32..=2 {
            for dx in -2i32..=2 {
                if dx * dx + dy * dy > 5 {
                    continue;
                }
                let (px, py) = (x as i32 + dx, y as i32 + dy);
                if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                    let i = ((py as u32 * w + px as u32) * 4) as usize;
                    rgba[i..i + 4].copy_from_slice(&[20, 30, 90, 255]);
                }
            }
        }
    };
    let phase = seed as f32 * 0.7;
    for t in 0..1400 {
        let t = t as f32 / 1400.0;
        let x = 30.0 + 340.0 * t;
        let y = 75.0 + 40.0 * (t * 19.0 + phase).sin() * (1.0 - t * 0.5) + 12.0 * (t * 53.0).cos();
        dot(x, y);
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&rgba).unwrap();
    out
}

pub fn signature(name: &str, role: &str, seed: u32) -> SignatureBlock {
    SignatureBlock {
        name: name.into(),
        role_label: role.into(),
        signed_at_local: "2026-11-22 17:40".into(),
        png: signature_png(seed),
    }
}

const POINTS: &[&str] = &[
    "柳塘村村口",
    "青溪村村委会",
    "东坪村村口",
    "石桥村村委会",
    "三号机房",
];
const DEVICES: &[&str] = &[
    "枪型摄像机 QX-200",
    "接入交换机 S2700",
    "光纤收发器",
    "UPS 电源",
    "球机 QJ-400",
];
const CAUSES: &[&str] = &[
    "电源适配器损坏",
    "光纤被施工挖断",
    "雷击导致网口损坏",
    "设备老化死机",
    "供电线路跳闸",
];
const WORK: &[&str] = &[
    "更换电源适配器，恢复图像并确认录像正常",
    "熔接光纤两芯，测试光功率 -18 dBm，业务恢复",
    "更换交换机，重新配置 VLAN 与端口绑定，平台在线",
    "重启设备并升级固件至 V5.7.3，观察 30 分钟无异常",
    "合闸恢复供电，检查防雷模块",
];

pub fn entry(i: usize) -> EntryRow {
    let resolved = i % 4 != 3;
    EntryRow {
        point: POINTS[i % POINTS.len()].to_string(),
        device: DEVICES[i % DEVICES.len()].to_string(),
        cause: CAUSES[i % CAUSES.len()].to_string(),
        resolved,
        unresolved_reason: (!resolved).then(|| "等待运营商恢复传输线路".to_string()),
        work_done: WORK[i % WORK.len()].to_string(),
        parts: if i.is_multiple_of(2) {
            vec![format!(
                "电源适配器 12V/2A 旧 PA{:05} → 新 PA{:05}",
                i,
                i + 50000
            )]
        } else {
            vec![]
        },
        struck: false,
        change_reason: None,
    }
}

pub fn daily(entries: usize) -> DailyReportPdf {
    DailyReportPdf {
        contract_name: "某县公安局村居警务查询服务运维项目（2026—2028）".into(),
        client: "某县公安局".into(),
        technician: "李明".into(),
        work_date: "2026-11-22".into(),
        entries: (0..entries).map(entry).collect(),
        photos: Vec::new(),
        arrivals: (0..entries.min(6))
            .map(|i| ArrivalRow {
                time: format!("2026-11-22 {:02}:{:02}", 8 + i, (i * 17) % 60),
                point: POINTS[i % POINTS.len()].to_string(),
                location: (i % 3 != 2).then(|| {
                    format!(
                        "北纬 29.{:04}°，东经 106.{:04}°（GPS ±8 m）",
                        5612 + i,
                        4521 + i
                    )
                }),
            })
            .collect(),
        signatures: vec![
            signature("李明", "技服人员", 1),
            signature("张华", "用户代表", 2),
        ],
        filled_late: None,
        correction: None,
        inspections: Vec::new(),
    }
}

pub fn completion() -> CompletionFormPdf {
    CompletionFormPdf {
        contract_name: "某市电子政务外网运维服务项目".into(),
        client: "某市大数据发展局".into(),
        fault: FaultInfo {
            level: "B 重大故障".into(),
            point: "市政务服务中心三号机房".into(),
            device: "汇聚交换机 H3C S5560X".into(),
            reported_at: "2026-11-22 09:12".into(),
            description: "三楼办事大厅 12 个窗口无法访问政务外网，终端获取不到 IP 地址；用户反映自 9 点起业务受理中断。".into(),
            first_receiver: "赵刚（客户经理）".into(),
        },
        clocks: vec![
            ClockRow { kind: "响应".into(), deadline: "2026-11-22 09:42".into(), stopped_at: Some("2026-11-22 09:20".into()), state: ClockState::Met },
            ClockRow { kind: "到达现场".into(), deadline: "2026-11-22 11:12".into(), stopped_at: Some("2026-11-22 10:31".into()), state: ClockState::Met },
            ClockRow { kind: "故障解决".into(), deadline: "2026-11-22 18:31".into(), stopped_at: Some("2026-11-22 19:05".into()), state: ClockState::Breached },
        ],
        work_done: "现场确认汇聚交换机电源模块故障，更换备用电源模块；检查上联光模块，重新加载配置；逐一测试 12 个窗口终端，均能正常获取地址并访问业务系统。".into(),
        parts: vec!["电源模块 PSR150-A1 旧 210235A1B2C3 → 新 210235X9Y8Z7".into()],
        technician: signature("李明", "技服人员", 3),
        customer: signature("王芳", "用户代表", 4),
    }
}

pub fn monthly() -> MonthlySummaryPdf {
    let rate = |met, judged| Rate { met, judged };
    MonthlySummaryPdf {
        contract_name: "某县公安局村居警务查询服务运维项目（2026—2028）".into(),
        client: "某县公安局".into(),
        month: "2026年11月".into(),
        prepared_by: "李明".into(),
        generated_at: "2026-12-01 09:30".into(),
        devices_reported: 47,
        devices_repaired: 42,
        unresolved: UnresolvedByReason {
            power: 2,
            transmission: 1,
            device: 0,
            force_majeure: 1,
            other: 1,
            pending: 0,
        },
        carried_over_repaired: 3,
        carried_over_open: 1,
        compliance: vec![
            LevelCompliance {
                level: "A 特大故障".into(),
                faults: 2,
                response: rate(2, 2),
                arrival: rate(2, 2),
                resolution: rate(1, 2),
            },
            LevelCompliance {
                level: "B 重大故障".into(),
                faults: 9,
                response: rate(9, 9),
                arrival: rate(8, 9),
                resolution: rate(7, 8),
            },
            LevelCompliance {
                level: "C 一般故障".into(),
                faults: 36,
                response: rate(35, 36),
                arrival: rate(31, 34),
                resolution: rate(0, 0),
            },
        ],
        force_majeure: vec![ForceMajeureRow {
            date: "2026-11-09".into(),
            point: "青溪村村委会".into(),
            device: "立杆及枪型摄像机".into(),
            description: "立杆被货车撞倒，摄像机损毁；已报采购人，按协议处理".into(),
            agreement: "已认可 2026-11-10 采购人代表".into(),
        }],
        further_clocks: vec![fieldlog_pdf::input::FurtherClock {
            level: "B级".into(),
            clock: "重大故障恢复".into(),
            rate: rate(8, 9),
        }],
        force_majeure_claims: Some("不可抗拒因素申报 1 起：已认可 1".into()),
        substitutions: vec![fieldlog_pdf::input::SubstitutionRow {
            date: "2026-11-09".into(),
            point: "青溪村村委会".into(),
            part: "枪型摄像机 QX-200".into(),
            old_serial: "QX200-0001".into(),
            new_serial: "QX200-0042".into(),
        }],
        parts_consumed: vec![
            PartConsumed {
                name: "电源适配器 12V/2A".into(),
                quantity: 14,
            },
            PartConsumed {
                name: "枪型摄像机 QX-200".into(),
                quantity: 3,
            },
            PartConsumed {
                name: "光纤跳线 SC-LC 3 m".into(),
                quantity: 6,
            },
        ],
        stock_at_close: Some("月末库存：备品 11（下限 10），备件 48（下限 50，低于下限）".into()),
        clock_suspect: vec![fieldlog_pdf::input::ClockSuspectRow {
            arrived_at: "2026-11-03 09:20".into(),
            point: "CS-001 测试村村口".into(),
            technician: "测试技服".into(),
            reason: "与服务器时间相差过大".into(),
            received_at: "2026-11-03 18:02".into(),
        }],
        entered_later: vec![fieldlog_pdf::input::EnteredLaterRow {
            at: "2026-10-12 09:30".into(),
            point: "CS-001 测试村村口".into(),
            event: "响应".into(),
            recorded_at: "2026-10-12 09:50".into(),
        }],
        inspections: Vec::new(),
    }
}

/// The workspace's `artifacts/pdf/` (not committed), created on demand.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/pdf");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Finds a tool: `$ENV_VAR`, then PATH, then the given extra places. Panics with the fix.
pub fn tool(name: &str, env_var: &str, extra: &[&str], install: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    for p in extra {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(p);
        if p.is_file() {
            return p;
        }
    }
    panic!("{name} not found (set {env_var}, or install it: {install})");
}

pub fn poppler(name: &str) -> PathBuf {
    let var = name.to_uppercase();
    tool(name, &var, &[], "apt-get install -y poppler-utils")
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn pdftotext(pdf: &Path) -> String {
    let out = run(Command::new(poppler("pdftotext"))
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-"));
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes page PNGs at 60 dpi next to the PDF in artifacts/pdf/ for a human to look at.
pub fn to_png(pdf: &Path, stem: &str) {
    let out = run(Command::new(poppler("pdftoppm"))
        .args(["-r", "60", "-png"])
        .arg(pdf)
        .arg(artifacts().join(stem)));
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
