//! The office in a sync test: a signed-in console speaking the office API ([`Console`]), and
//! dispatch records (issue 18) written through the server's own path for office writes
//! (`rules::push` as the office device, as `office::write` does after the API's checks), where a
//! test needs records the API would not make, so laptops receive them by the ordinary pull.

use super::{CONTRACT, Laptop, Server};
use chrono::{DateTime, Utc};
use fieldlog_domain::dispatch::Assignment;
use fieldlog_domain::ids::FaultId;
use fieldlog_server::office::write::{OFFICE_DEVICE, OFFICE_TECHNICIAN};
use fieldlog_server::rules;
use fieldlog_server::storage::{DeviceAuth, Storage};
use fieldlog_wire::sync::v1::{Change, ChangeOp, PushRequest, Row};
use serde_json::{Value, json};
use uuid::Uuid;

/// A signed-in office browser: its session cookie and CSRF token.
pub struct Console {
    client: reqwest::blocking::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Console {
    /// An administrator account (made as the command line makes one), signed in.
    pub fn administrator(server: &Server) -> Console {
        fieldlog_server::office::add_account_from_command_line(
            &*server.storage,
            &fieldlog_wire::office::v1::NewAccount {
                login: "admin.zhao".into(),
                name: "赵管理员".into(),
                role: fieldlog_wire::office::v1::Role::Administrator,
                password: "administrator-pass".into(),
            },
            "command line:test",
            Utc::now(),
        )
        .unwrap();
        Console::sign_in(server, "admin.zhao", "administrator-pass")
    }

    pub fn sign_in(server: &Server, login: &str, password: &str) -> Console {
        fieldlog_sync::install_tls_provider();
        let client = reqwest::blocking::Client::new();
        let base = server.url();
        let answer = client
            .post(format!("{base}/office/v1/sign-in"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .unwrap();
        assert_eq!(answer.status(), 200);
        let cookie = answer.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let session: Value = answer.json().unwrap();
        Console {
            client,
            base,
            cookie,
            csrf: session["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: reqwest::blocking::Body,
    ) -> Value {
        let answer = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Cookie", &self.cookie)
            .header("X-Fieldlog-Csrf", &self.csrf)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .unwrap();
        let status = answer.status();
        let value: Value = answer.json().unwrap();
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    pub fn json(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        self.send(method, path, body.to_string().into())
    }
}

/// The laptop's time text (as rusqlite writes a UTC time), as the office writes it.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.format("%F %T%.f%:z").to_string()
}

pub fn row(value: Value) -> Row {
    value.as_object().expect("a JSON object").clone()
}

/// Writes `rows` as the office device's next changes on [`CONTRACT`], through the sync rules, in
/// one transaction.
pub fn office_writes(server: &Server, rows: Vec<(&str, Row)>) {
    let now = Utc::now();
    let auth = DeviceAuth {
        device_id: OFFICE_DEVICE.to_owned(),
        technician_id: OFFICE_TECHNICIAN.to_owned(),
        contracts: vec![CONTRACT.to_owned()],
        revoked_at: None,
        report: Default::default(),
    };
    server
        .storage
        .transaction(|tx| {
            let mut seq = tx.device_high_seq(OFFICE_DEVICE)?;
            let changes = rows
                .into_iter()
                .map(|(entity, row)| {
                    seq += 1;
                    Change {
                        seq,
                        entity: entity.to_owned(),
                        op: ChangeOp::Insert,
                        row,
                        base: None,
                        at: now,
                    }
                })
                .collect();
            rules::push(
                tx,
                &auth,
                &PushRequest {
                    sent_at: now,
                    changes,
                },
                now,
            )
        })
        .unwrap();
}

/// The office takes a call (报修登记) for the contract's first site, as `laptop` knows it.
pub fn office_call(server: &Server, laptop: &Laptop, reported: DateTime<Utc>) -> FaultId {
    let (contract, site, _) = laptop.contract(CONTRACT);
    let id = FaultId(Uuid::now_v7());
    let policy_version = laptop.store.contract(contract).unwrap().policy_version;
    office_writes(
        server,
        vec![(
            "faults",
            row(json!({
                "id": id.to_string(),
                "contract_id": contract.to_string(),
                "site_id": site.to_string(),
                "device_id": null,
                "level": "A",
                "reported_at": time_text(reported),
                "channel": "phone",
                "description": "村口摄像机无图像（来电）",
                "first_receiver": "客户经理丙",
                "policy_version": policy_version,
                "recorded_at": time_text(Utc::now()),
                "caller": "报修人丁",
                "caller_phone": "13800004321",
            })),
        )],
    );
    id
}

/// The office assigns `fault` to `to`'s technician, superseding `supersedes`; the record's id.
pub fn office_assign(
    server: &Server,
    fault: FaultId,
    to: &Laptop,
    supersedes: &[String],
    reason: &str,
) -> String {
    let id = Uuid::now_v7().to_string();
    let now = time_text(Utc::now());
    office_writes(
        server,
        vec![(
            "fault_assignments",
            row(json!({
                "id": id,
                "fault_id": fault.to_string(),
                "kind": "assign",
                "technician_id": server_technician(to),
                "technician_name": to.name,
                "supersedes": serde_json::to_string(supersedes).unwrap(),
                "reason": reason,
                "assigned_by": "调度员戊",
                "at": now,
                "recorded_at": now,
            })),
        )],
    );
    id
}

/// The id the server knows the laptop's technician by.
pub fn server_technician(laptop: &Laptop) -> String {
    laptop.store.enrollment().unwrap().unwrap().technician_id
}

/// A fault's assignment records as the server holds them.
pub fn server_assignments(server: &Server, fault: FaultId) -> Vec<Assignment> {
    let records = server
        .storage
        .read(|tx| tx.records_in_scope("fault_assignments", CONTRACT))
        .unwrap();
    records
        .into_iter()
        .map(|r| {
            let mut row = r.row;
            // The row is the laptop's SQLite row: `supersedes` is JSON text, times are text.
            let supersedes: Value =
                serde_json::from_str(row["supersedes"].as_str().unwrap()).unwrap();
            row.insert("supersedes".into(), supersedes);
            for column in ["at", "recorded_at"] {
                let at: DateTime<Utc> = row[column].as_str().unwrap().parse().unwrap();
                row.insert(column.into(), json!(at));
            }
            serde_json::from_value::<Assignment>(Value::Object(row)).unwrap()
        })
        .filter(|a| a.fault_id == fault)
        .collect()
}

/// Who holds a fault on a laptop, as its fault list shows it.
pub fn holder_on(laptop: &Laptop, fault: FaultId) -> fieldlog_wire::v1::FaultHolder {
    fieldlog_store::desk::fault_rows(&laptop.store, false, Utc::now())
        .unwrap()
        .into_iter()
        .find(|r| r.id == fault)
        .unwrap_or_else(|| panic!("{} lacks fault {fault}", laptop.name))
        .holder
}

/// A change pushed by hand with the laptop's token, numbered after what the server holds.
pub fn push_by_hand(server: &Server, laptop: &Laptop, entity: &str, row: Row) -> (u16, String) {
    let enrollment = laptop.store.enrollment().unwrap().unwrap();
    let high = server.count(&format!(
        "SELECT high_seq FROM devices WHERE id = '{}'",
        enrollment.device_id
    ));
    let request = PushRequest {
        sent_at: Utc::now(),
        changes: vec![Change {
            seq: high + 1,
            entity: entity.to_owned(),
            op: ChangeOp::Insert,
            row,
            base: None,
            at: Utc::now(),
        }],
    };
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/push", server.url()))
        .bearer_auth(&enrollment.token)
        .json(&request)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    let code = serde_json::from_str::<fieldlog_wire::ErrorBody>(&text)
        .map(|b| format!("{:?}: {}", b.code, b.message))
        .unwrap_or(text);
    (status, code)
}
