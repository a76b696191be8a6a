//! Closing the month in the console (issue 18), on both backends: a real laptop (its store and
//! sync client) enrolled from the console records a November (faults with events, an arrival, a
//! carried-over fault, a signed report) and syncs it all; the server's summary of that contract
//! and month is the laptop's own `Store::summary_view` (what `fieldlog summary --json` prints),
//! figure for figure. Its XLSX opens in LibreOffice, its CSV starts with a BOM, its PDF is signed
//! by the branch's certificate from the server's CA and time-stamped by the server's TSA:
//! pyHanko trusting only the server's root validates it. Refusals: no session 401, another
//! contract 404 (existing or not), a malformed month or an unknown parameter 422, and nothing is
//! written by any of them.

#[macro_use]
mod support;

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::fault::{FaultEventKind, NewFault, ReportChannel, UnresolvedReason};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::FaultLevel;
use fieldlog_server::Storage;
use fieldlog_store::{NewSite, Store, signature_image};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::people::{EnrollmentCodeAnswer, TechnicianItem};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

on_each_backend!(
    the_console_summary_is_the_laptops_and_its_files_open_and_validate,
    refused_summary_requests_write_nothing,
);

const HB: &str = "HB-2026-01";
const XY: &str = "XY-2026-09";
const MONTH: &str = "2026-11";
const PM_XY_PASSWORD: &str = "project-manager-xy-pass";
const CM_PASSWORD: &str = "customer-manager-pass";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn quick() -> fieldlog_sync::SyncOptions {
    fieldlog_sync::SyncOptions {
        attempts: 2,
        backoff: std::time::Duration::from_millis(5),
        max_backoff: std::time::Duration::from_millis(20),
        timeout: std::time::Duration::from_secs(10),
        ..fieldlog_sync::SyncOptions::default()
    }
}

/// A laptop enrolled from the console for a technician of HB, with November on it, synced.
fn laptop_with_november(office: &Office, admin: &Client) -> (tempfile::TempDir, Store) {
    let answer = admin.send(
        office,
        "POST",
        "/office/v1/technicians",
        &json!({ "name": "李工", "contracts": [HB] }),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    let li: TechnicianItem = serde_json::from_str(&answer.body).unwrap();
    let answer = admin.send(
        office,
        "POST",
        &format!("/office/v1/technicians/{}/enrollment-codes", li.id),
        &json!({}),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    let code: EnrollmentCodeAnswer = serde_json::from_str(&answer.body).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let start = at("2026-10-20T01:00:00Z");
    let me = store.init_profile("李工", None, start).unwrap();
    fieldlog_sync::enroll(
        &mut store,
        &code.server_url,
        &code.code,
        "李工的笔记本",
        quick(),
    )
    .unwrap();
    let contract = store
        .add_contract(
            HB,
            "测试县雪亮工程运维",
            "测试县公安局",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            fieldlog_domain::contract::SpareFloor::default(),
            &fieldlog_domain::sla::Preset::CountyPoliceVillageQuery.policy(),
            start,
        )
        .unwrap();
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "CS-001".into(),
            name: "测试村村口".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    let fault = |store: &mut Store, level: FaultLevel, reported: &str, what: &str| {
        let reported_at = at(reported);
        store
            .record_fault(
                NewFault {
                    contract_id: contract.id,
                    site_id: site.id,
                    device_id: None,
                    level,
                    reported_at,
                    channel: ReportChannel::Phone,
                    description: what.into(),
                    first_receiver: "测试经理".into(),
                    caller: None,
                    caller_phone: None,
                },
                reported_at,
            )
            .unwrap()
    };
    let event = |store: &mut Store, id, when: &str, kind: FaultEventKind| {
        store
            .record_fault_event(id, at(when), kind, at(when))
            .unwrap();
    };
    let arrive = |store: &mut Store, id, when: &str| {
        store
            .record_arrival(
                NewArrival {
                    technician_id: me.id,
                    site_id: site.id,
                    fault_id: Some(id),
                    arrived_at: at(when),
                    location: None,
                    site_confirmed_by_hand: true,
                },
                at(when),
            )
            .unwrap();
    };
    // Reported in October, repaired in November: carried over, repaired.
    let old = fault(
        &mut store,
        FaultLevel::C,
        "2026-10-30T02:00:00Z",
        "摄像机画面模糊",
    );
    event(
        &mut store,
        old.id,
        "2026-10-30T02:10:00Z",
        FaultEventKind::Acknowledged {
            by: "李工".into()
        },
    );
    arrive(&mut store, old.id, "2026-11-02T02:30:00Z");
    event(
        &mut store,
        old.id,
        "2026-11-02T03:00:00Z",
        FaultEventKind::Resolved {
            note: "清洁镜头".into(),
        },
    );
    // An A fault checked in on and repaired, in a signed daily report.
    let a = fault(
        &mut store,
        FaultLevel::A,
        "2026-11-03T01:00:00Z",
        "整村摄像机无图像",
    );
    event(
        &mut store,
        a.id,
        "2026-11-03T01:05:00Z",
        FaultEventKind::Acknowledged {
            by: "李工".into()
        },
    );
    arrive(&mut store, a.id, "2026-11-03T01:40:00Z");
    event(
        &mut store,
        a.id,
        "2026-11-03T03:00:00Z",
        FaultEventKind::Resolved {
            note: "更换电源".into(),
        },
    );
    let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    let report = store
        .create_report(me.id, contract.id, day, at("2026-11-03T04:00:00Z"))
        .unwrap();
    store
        .add_report_entry(
            report.id,
            NewEntry {
                site_id: site.id,
                device_id: None,
                fault_id: Some(a.id),
                fault_cause: "电源故障".into(),
                resolved: true,
                unresolved_reason: None,
                work_done: "更换电源适配器".into(),
                parts: Vec::new(),
            },
            at("2026-11-03T04:10:00Z"),
        )
        .unwrap();
    let strokes = signature_image::scribble(3, 7);
    store
        .sign_report(
            report.id,
            NewSignature {
                signer_name: "李工".into(),
                role: SignerRole::Technician,
                image_png: signature_image::render_strokes_png(&strokes, 400, 150),
                strokes,
            },
            at("2026-11-03T04:20:00Z"),
        )
        .unwrap();
    // A B fault left unresolved for want of power; a C fault nobody touched.
    let b = fault(
        &mut store,
        FaultLevel::B,
        "2026-11-10T06:00:00Z",
        "交换机掉线",
    );
    // Acknowledged by phone at 06:20, typed in at 06:45: entered later (补录, issue 19), which
    // the server reads from the event's recorded time and lists as the laptop does.
    store
        .record_fault_event(
            b.id,
            at("2026-11-10T06:20:00Z"),
            FaultEventKind::Acknowledged {
                by: "李工".into()
            },
            at("2026-11-10T06:45:00Z"),
        )
        .unwrap();
    arrive(&mut store, b.id, "2026-11-10T07:00:00Z");
    event(
        &mut store,
        b.id,
        "2026-11-11T06:00:00Z",
        FaultEventKind::Unresolved {
            reason: UnresolvedReason::Power,
            note: "市电未恢复".into(),
        },
    );
    fault(
        &mut store,
        FaultLevel::C,
        "2026-11-20T08:00:00Z",
        "立杆倾斜",
    );
    // And one in December, outside the month.
    fault(
        &mut store,
        FaultLevel::C,
        "2026-12-01T02:00:00Z",
        "光纤中断",
    );

    let round = fieldlog_sync::sync_round(&mut store, &quick()).unwrap();
    assert!(round.pushed > 10, "{round:?}");
    assert_eq!(store.sync_status().unwrap().pending_changes, 0);
    (dir, store)
}

/// A GET as raw bytes (the support client reads text): status, head, body.
fn get_bytes(office: &Office, client: &Client, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = std::net::TcpStream::connect(office.running.addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        office.running.addr, client.cookie
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (status, head, body)
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}

/// A tool from PATH, its environment variable, or the repository's .venv; the test fails saying
/// how to install it when it is missing (it must not pass without it).
fn tool(name: &str, env_var: &str, install: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    let in_venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(name);
    std::env::var_os(env_var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or(on_path)
        .or_else(|| in_venv.is_file().then_some(in_venv))
        .unwrap_or_else(|| panic!("{name} not found (set {env_var}, or install it: {install})"))
}

/// pyHanko's validation of `pdf` trusting only `root` (its exit status says valid or not).
fn pyhanko(pdf: &Path, root: &Path) -> std::process::Output {
    Command::new(tool(
        "pyhanko",
        "PYHANKO",
        "cargo xtask setup test (pyhanko-cli in .venv)",
    ))
    .args([
        "sign",
        "validate",
        "--pretty-print",
        "--no-revocation-check",
        "--trust",
    ])
    .arg(root)
    .arg(pdf)
    .output()
    .unwrap()
}

fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn the_console_summary_is_the_laptops_and_its_files_open_and_validate(backend: Backend) {
    let office = Office::start(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let (_dir, store) = laptop_with_november(&office, &admin);
    let cm_id = office.add_from_command_line("cm", Role::CustomerManager, CM_PASSWORD);
    let answer = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{cm_id}/grants"),
        &json!({ "contracts": [HB] }),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let cm = office.sign_in("cm", CM_PASSWORD);

    // The laptop's summary (what `fieldlog summary --json` prints) at the server's clock.
    let now = office.clock();
    let contract = store.resolve_contract(HB).unwrap();
    let (from, to) = fieldlog_domain::clocks::month_bounds(MONTH).unwrap();
    let laptop: Value =
        serde_json::to_value(store.summary_view(contract.id, from, to, now).unwrap()).unwrap();
    let figures = &laptop["summary"]["figures"];
    assert_eq!(figures["reported"]["count"], 3, "{laptop:#}");
    assert_eq!(figures["repaired"]["count"], 1);
    assert_eq!(figures["carried_over_repaired"]["count"], 1);
    let later = &laptop["summary"]["entered_later"]["events"];
    assert_eq!(later.as_array().map(Vec::len), Some(1), "{laptop:#}");
    assert_eq!(later[0]["kind"], "acknowledged");
    assert_eq!(later[0]["recorded_at"], "2026-11-10T06:45:00Z");

    for client in [&admin, &cm] {
        let answer = client.get(
            &office,
            &format!("/office/v1/summary?contract={HB}&month={MONTH}"),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        let server: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(server, laptop, "the console's summary is the laptop's");
    }

    // XLSX: opens in LibreOffice, the summary sheet first, named for the contract and month.
    let (status, head, xlsx) = get_bytes(
        &office,
        &cm,
        &format!("/office/v1/summary.xlsx?contract={HB}&month={MONTH}"),
    );
    assert_eq!(status, 200, "{head}");
    let disposition = header(&head, "content-disposition");
    assert!(
        disposition.starts_with(
            "attachment; filename=\"summary-HB-2026-01-2026-11.xlsx\"; filename*=UTF-8''"
        ),
        "{disposition}"
    );
    let work = tempfile::tempdir().unwrap();
    let xlsx_path = work.path().join("summary.xlsx");
    std::fs::write(&xlsx_path, &xlsx).unwrap();
    let soffice = std::env::var("SOFFICE").unwrap_or_else(|_| "soffice".into());
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            work.path().join("lo-profile").display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(work.path())
        .arg(&xlsx_path)
        .output()
        .unwrap_or_else(|e| {
            panic!("LibreOffice ({soffice}) is needed: `cargo xtask setup test` installs it: {e}")
        });
    let converted = work.path().join("summary.csv");
    assert!(
        out.status.success() && converted.exists(),
        "LibreOffice could not open the XLSX: {}",
        output_text(&out)
    );
    let read_back = std::fs::read_to_string(&converted).unwrap();
    assert!(read_back.contains("每月维护报告汇总"), "{read_back}");
    assert!(read_back.contains("报修设备数量"), "{read_back}");

    // CSV: UTF-8 with a BOM, the same table the laptop exports.
    let (status, head, csv) = get_bytes(
        &office,
        &cm,
        &format!("/office/v1/summary.csv?contract={HB}&month={MONTH}"),
    );
    assert_eq!(status, 200, "{head}");
    assert!(header(&head, "content-type").starts_with("text/csv"));
    let view: fieldlog_wire::v1::SummaryView = serde_json::from_value(laptop.clone()).unwrap();
    assert_eq!(
        csv,
        fieldlog_summary_files::spreadsheet::csv(&view).unwrap()
    );
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));

    // PDF: signed by the branch, time-stamped by the server; pyHanko trusting only the
    // server's root validates it, and the audit log says who had it signed.
    let (status, head, pdf) = get_bytes(
        &office,
        &cm,
        &format!("/office/v1/summary.pdf?contract={HB}&month={MONTH}"),
    );
    if status == 503 {
        panic!(
            "no CJK font on this machine (install fonts-noto-cjk): {}",
            String::from_utf8_lossy(&pdf)
        );
    }
    assert_eq!(status, 200, "{head} {}", String::from_utf8_lossy(&pdf));
    assert!(pdf.starts_with(b"%PDF"));
    let verified = fieldlog_pdf::verify_pdf(&pdf).unwrap();
    let signature = verified.signatures.last().unwrap();
    assert!(
        matches!(
            signature.timestamp,
            Some(fieldlog_pdf::TimeStampCheck::Valid { .. })
        ),
        "B-T: {signature:?}"
    );
    let root = office
        .storage
        .transaction(|tx| fieldlog_server::ca::authority(tx, now))
        .unwrap()
        .certificate_pem();
    let root_path = work.path().join("root.pem");
    std::fs::write(&root_path, &root).unwrap();
    let pdf_path = work.path().join("summary.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let out = pyhanko(&pdf_path, &root_path);
    let said = output_text(&out);
    assert!(out.status.success(), "pyHanko: {said}");
    assert!(
        said.contains("INTACT") || said.to_lowercase().contains("valid"),
        "{said}"
    );
    assert!(
        said.contains("Fieldlog 分公司"),
        "signed by the branch: {said}"
    );
    let stranger = fieldlog_certs::Authority::generate("另一个根", None, now, 30).unwrap();
    std::fs::write(&root_path, stranger.certificate_pem()).unwrap();
    let out = pyhanko(&pdf_path, &root_path);
    assert!(
        !out.status.success(),
        "a stranger's root must not vouch for it: {}",
        output_text(&out)
    );
    let log = office.audit(&admin);
    let last = log.entries.last().unwrap();
    assert_eq!(last.action, "summary_pdf");
    assert_eq!(last.actor_login, "cm");
    assert!(
        last.detail.contains(HB) && last.detail.contains(MONTH),
        "{}",
        last.detail
    );

    // The same branch certificate signs the next one (issued once, kept).
    let (_, _, again) = get_bytes(
        &office,
        &admin,
        &format!("/office/v1/summary.pdf?contract={HB}&month={MONTH}"),
    );
    let first = fieldlog_pdf::verify_pdf(&pdf).unwrap().signatures[0].clone();
    let second = fieldlog_pdf::verify_pdf(&again).unwrap().signatures[0].clone();
    assert_eq!(first.signer, second.signer);
}

fn refused_summary_requests_write_nothing(backend: Backend) {
    let office = Office::start(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let (_dir, _store) = laptop_with_november(&office, &admin);
    let pm_id = office.add_from_command_line("pm-xy", Role::ProjectManager, PM_XY_PASSWORD);
    let answer = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{pm_id}/grants"),
        &json!({ "contracts": [XY] }),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let pm_xy = office.sign_in("pm-xy", PM_XY_PASSWORD);
    // XY exists but holds no records yet: it is granted, so its summary is answered.
    let tables = [
        "records",
        "feed",
        "office_audit",
        "office_sessions",
        "contracts",
    ];
    let before = office.dump_tables(&tables);
    for path in [
        "/office/v1/summary",
        "/office/v1/summary.xlsx",
        "/office/v1/summary.csv",
        "/office/v1/summary.pdf",
    ] {
        // No session.
        let answer = office.request(
            "GET",
            &format!("{path}?contract={HB}&month={MONTH}"),
            &[],
            "",
        );
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (401, "unauthorized"),
            "{path}"
        );
        // Another contract, existing or not: 404 alike.
        for contract in [HB, "NO-SUCH-1"] {
            let answer = pm_xy.get(
                &office,
                &format!("{path}?contract={contract}&month={MONTH}"),
            );
            assert_eq!(
                (answer.status, answer.code().as_str()),
                (404, "not_found"),
                "{path} {contract}: {}",
                answer.body
            );
        }
        // A malformed month, a missing or an unknown parameter.
        for query in [
            format!("contract={HB}&month=2026-13"),
            format!("contract={HB}&month=11"),
            format!("contract={HB}"),
            format!("contract={HB}&month={MONTH}&technician=x"),
            format!("contract={HB}&month={MONTH}&year=2026"),
            format!("contract={HB}&year=26"),
        ] {
            let answer = admin.get(&office, &format!("{path}?{query}"));
            assert_eq!(answer.status, 422, "{path}?{query}: {}", answer.body);
            assert_eq!(answer.code(), "invalid_input");
        }
    }
    // The session's last use may move on a read; nothing else may.
    let after = office.dump_tables(&tables);
    let without_sessions = |dump: &str| {
        dump.split("== ")
            .filter(|t| !t.starts_with("office_sessions"))
            .collect::<Vec<_>>()
            .join("== ")
    };
    assert_eq!(without_sessions(&after), without_sessions(&before));
}
