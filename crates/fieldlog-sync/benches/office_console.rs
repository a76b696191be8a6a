//! The office console beside the sync push (issue 17, BENCHMARKS.md "Office console pages"): a
//! console page's data for a branch of 20 contracts, 5,000 sites and 200 laptops, p99 ≤ 100 ms on
//! both backends, measured while the laptops push on the same server.
//!
//! A real server (SQLite file in a temp dir, or `FIELDLOG_BENCH_BACKEND=postgres`) on 127.0.0.1.
//! The branch is set up through the office API itself: an administrator creates 20 contracts
//! from the police preset, imports their sites (one camera each; the first contract holds 3,100
//! sites, the other 19 hold 100, so 5,000 in all) and adds a spare part to each. 200 laptops
//! enroll with real one-time codes (10 technicians to a contract). Then, for the measured window
//! (`FIELDLOG_BENCH_SECONDS`, default 20), every laptop syncs about once a second (a push of 5
//! stock movements, then a page of the feed, as a round does) from a load generator (one thread,
//! async reqwest), while 4 office browsers each ask, one after another, for the console's pages:
//! the contracts list, the largest contract's detail, a page of its sites with a search, its
//! parts, the laptops list and the board (issue 18). Each request is timed from sending to the last
//! byte of its answer.
//!
//! The board's branch: before the window every laptop pushes 10 open faults of its contract (2,000
//! in all, levels A/B/C in turn, reported over the last three hours) with their events (each
//! acknowledged; every third also tried remotely without a fix, every fifth escalated on site),
//! and one board is asked for (the server's read model takes the whole feed once, as a server
//! does at its first board after a start). In the window the board's refreshes catch up only what
//! the laptops pushed since.

mod common;

use chrono::Utc;
use common::{open_database, percentile, scaled};
use fieldlog_server::{RunningServer, admin, office};
use fieldlog_wire::office::v1::{NewAccount, Role};
use fieldlog_wire::sync::v1::{Change, ChangeOp, PullResponse, PushRequest, PushResponse, Row};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const CONTRACTS: usize = 20;
const LAPTOPS_PER_CONTRACT: usize = 10;
const BROWSERS: usize = 4;

/// The console pages a browser asks for, in turn, with `{code}` the largest contract.
const PAGES: [(&str, &str); 6] = [
    ("contracts list", "/office/v1/catalogue/contracts"),
    ("contract detail", "/office/v1/catalogue/contracts/{code}"),
    (
        "sites page, searched",
        "/office/v1/catalogue/contracts/{code}/sites?q=XQ-00&offset=50&limit=50",
    ),
    ("parts list", "/office/v1/catalogue/contracts/{code}/parts"),
    ("laptops list", "/office/v1/laptops"),
    ("board, every contract", "/office/v1/board"),
];

/// Open faults each laptop pushes before the window (2,000 over 200 laptops).
const FAULTS_PER_LAPTOP: usize = 10;

fn code(k: usize) -> String {
    format!("GA-{:02}", k + 1)
}

/// How many sites contract `k` holds: 5,000 over 20 contracts, most of them in the first.
fn sites_of(k: usize) -> usize {
    let small = scaled(100);
    if k == 0 {
        scaled(5_000) - (CONTRACTS - 1) * small
    } else {
        small
    }
}

/// A signed-in office browser.
#[derive(Clone)]
struct Browser {
    cookie: String,
    csrf: String,
}

async fn sign_in(client: &reqwest::Client, url: &str) -> Browser {
    let answer = client
        .post(format!("{url}/office/v1/sign-in"))
        .json(&json!({ "login": "admin", "password": "基准管理员的长密码-0001" }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let cookie = answer.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session: Value = answer.json().await.unwrap();
    Browser {
        cookie,
        csrf: session["csrf_token"].as_str().unwrap().to_owned(),
    }
}

async fn send(
    client: &reqwest::Client,
    browser: &Browser,
    url: String,
    content_type: &str,
    body: Vec<u8>,
) -> Value {
    let answer = client
        .post(url)
        .header("Cookie", &browser.cookie)
        .header("X-Fieldlog-Csrf", &browser.csrf)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let value: Value = answer.json().await.unwrap();
    assert!(status.is_success(), "{status} {value}");
    value
}

/// The branch through the office API; returns each contract's spare part id.
async fn set_up_branch(client: &reqwest::Client, url: &str, browser: &Browser) -> Vec<String> {
    let preset = fieldlog_domain::sla::Preset::CountyPoliceVillageQuery;
    let mut parts = Vec::new();
    for k in 0..CONTRACTS {
        let code = code(k);
        let contract = json!({
            "code": code, "name": format!("基准合同 {k}"), "client": "基准采购人",
            "service_start": "2026-01-01", "service_end": "2027-12-31",
            "spare_floor": preset.spare_floor(), "policy": preset.policy(),
        });
        let base = format!("{url}/office/v1/catalogue/contracts");
        send(
            client,
            browser,
            base.clone(),
            "application/json",
            contract.to_string().into_bytes(),
        )
        .await;
        let mut csv = String::from("点位编号,点位名称,点位类型,地址,设备类型,设备型号,序列号\n");
        for s in 0..sites_of(k) {
            csv.push_str(&format!(
                "XQ-{s:05},基准点位 {s},监控杆,基准县基准镇 {s} 号,摄像机,QX-200,SN-{k}-{s}\n"
            ));
        }
        send(
            client,
            browser,
            format!("{base}/{code}/import?format=csv"),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
        let part = json!({ "code": "BJ-01", "name": "摄像机", "kind": "unit", "model": "QX-200", "main_equipment": true });
        let part = send(
            client,
            browser,
            format!("{base}/{code}/parts"),
            "application/json",
            part.to_string().into_bytes(),
        )
        .await;
        parts.push(part["id"].as_str().unwrap().to_owned());
    }
    parts
}

/// One enrolled laptop of the load generator.
struct Laptop {
    token: String,
    part_id: String,
    seq: i64,
    cursor: i64,
    /// Its contract's code.
    contract: String,
}

/// What a laptop's faults name: its contract's synced id and (site, device) pairs.
struct ContractRows {
    id: String,
    places: Vec<(String, String)>,
}

/// The contract's synced id and its first sites with their devices, as the server stores them.
fn contract_rows(storage: &fieldlog_server::Database, code: &str) -> ContractRows {
    use fieldlog_server::Storage;
    storage
        .read(|tx| {
            let contract = tx.records_in_scope("contracts", code)?;
            let devices = tx.records_in_scope("devices", code)?;
            let mut places: Vec<(String, String)> = devices
                .iter()
                .map(|d| {
                    (
                        d.row["site_id"].as_str().unwrap().to_owned(),
                        d.id.clone(),
                    )
                })
                .collect();
            places.truncate(100);
            Ok(ContractRows {
                id: contract[0].id.clone(),
                places,
            })
        })
        .unwrap()
}

impl Laptop {
    /// Its open faults with their events, as the outbox sends them: `n` is the laptop's number.
    fn faults(&mut self, n: usize, rows: &ContractRows) -> Vec<Change> {
        let now = Utc::now();
        let mut changes = Vec::new();
        let mut change = |entity: &str, row: Value, seq: &mut i64| {
            *seq += 1;
            changes.push(Change {
                seq: *seq,
                entity: entity.into(),
                op: ChangeOp::Insert,
                row: row.as_object().unwrap().clone(),
                base: None,
                at: now,
            });
        };
        for f in 0..FAULTS_PER_LAPTOP {
            let k = n * FAULTS_PER_LAPTOP + f;
            let (site, device) = &rows.places[k % rows.places.len()];
            let reported = now - chrono::TimeDelta::minutes((k % 180) as i64 + 1);
            let id = uuid::Uuid::now_v7().to_string();
            let level = ["A", "B", "C"][k % 3];
            change(
                "faults",
                json!({
                    "id": id, "contract_id": rows.id, "site_id": site, "device_id": device,
                    "level": level, "reported_at": reported, "channel": "phone",
                    "description": format!("基准故障 {k}"), "first_receiver": "基准客户经理",
                    "policy_version": 1, "recorded_at": now, "caller": null, "caller_phone": null,
                }),
                &mut self.seq,
            );
            let mut events = vec![json!({ "kind": "acknowledged", "by": "基准技服" })];
            if k % 3 == 0 {
                events.push(json!({ "kind": "remote_attempt", "fixed": false, "note": "远程未恢复" }));
            }
            if k % 5 == 0 {
                events.push(json!({ "kind": "escalated_on_site", "by": "基准技服", "reason": "需到场" }));
            }
            for (e, payload) in events.into_iter().enumerate() {
                let at = reported + chrono::TimeDelta::seconds(30 * (e as i64 + 1));
                change(
                    "fault_events",
                    json!({
                        "id": uuid::Uuid::now_v7().to_string(), "fault_id": id,
                        "kind": payload["kind"], "at": at, "payload": payload.to_string(),
                        "recorded_at": now,
                    }),
                    &mut self.seq,
                );
            }
        }
        changes
    }
}

impl Laptop {
    /// Its next 5 changes: stock movements of its contract's part, as the outbox sends them.
    fn batch(&mut self) -> Vec<Change> {
        (0..5)
            .map(|_| {
                self.seq += 1;
                let now = Utc::now();
                let row: Row = json!({
                    "id": uuid::Uuid::now_v7().to_string(), "part_id": self.part_id,
                    "kind": "received", "quantity": 1, "at": now, "technician_id": null,
                    "fault_id": null, "entry_id": null, "old_serial": null, "new_serial": null,
                    "note": null, "recorded_at": now,
                })
                .as_object()
                .unwrap()
                .clone();
                Change {
                    seq: self.seq,
                    entity: "stock_movements".into(),
                    op: ChangeOp::Insert,
                    row,
                    base: None,
                    at: now,
                }
            })
            .collect()
    }
}

/// A laptop's round: push its batch, then pull one page. Returns the push's time and whether
/// more of the feed is waiting.
async fn round(
    client: &reqwest::Client,
    url: &str,
    laptop: &mut Laptop,
) -> Result<(Duration, bool), reqwest::Error> {
    let started = Instant::now();
    let push: PushResponse = client
        .post(format!("{url}/v1/push"))
        .bearer_auth(&laptop.token)
        .json(&PushRequest {
            sent_at: Utc::now(),
            changes: laptop.batch(),
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let push_time = started.elapsed();
    assert_eq!(push.stored_through, laptop.seq);
    let pull: PullResponse = client
        .get(format!("{url}/v1/pull?after={}&limit=1000", laptop.cursor))
        .bearer_auth(&laptop.token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    laptop.cursor = pull.cursor;
    Ok((push_time, pull.more))
}

fn main() {
    fieldlog_sync::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let (storage, _database) = open_database(dir.path());
    let storage = Arc::new(storage);
    println!("server database: {}", storage.kind());
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = server.url();
    office::add_account_from_command_line(
        &*storage,
        &NewAccount {
            login: "admin".into(),
            name: "基准管理员".into(),
            role: Role::Administrator,
            password: "基准管理员的长密码-0001".into(),
        },
        "command line:bench",
        Utc::now(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let browser = runtime.block_on(sign_in(&client, &url));
    let parts = runtime.block_on(set_up_branch(&client, &url, &browser));
    println!(
        "branch set up through the office API in {:.1} s: {CONTRACTS} contracts, {} sites",
        started.elapsed().as_secs_f64(),
        (0..CONTRACTS).map(sites_of).sum::<usize>()
    );

    // 200 laptops, enrolled with real codes, starting at the feed's end.
    let mut laptops = Vec::new();
    for i in 0..scaled(CONTRACTS * LAPTOPS_PER_CONTRACT) {
        let k = (i / LAPTOPS_PER_CONTRACT) % CONTRACTS;
        let id = admin::add_technician(&*storage, &format!("技服 {i}")).unwrap();
        admin::assign(&*storage, &id, &code(k)).unwrap();
        let one_time = admin::enrollment_code(&*storage, &id, Utc::now()).unwrap();
        let enrolled: Value = runtime.block_on(async {
            client
                .post(format!("{url}/v1/enroll"))
                .json(&json!({ "code": one_time, "device_name": format!("基准笔记本 {i}") }))
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        laptops.push(Laptop {
            token: enrolled["token"].as_str().unwrap().to_owned(),
            part_id: parts[k].clone(),
            seq: 0,
            cursor: 0,
            contract: code(k),
        });
    }
    // Rounds until the feed is drained, outside the window: each takes its contract's catalogue.
    runtime.block_on(async {
        for laptop in &mut laptops {
            while round(&client, &url, laptop).await.unwrap().1 {}
        }
    });

    // The board's 2,000 open faults, pushed by the laptops; then one board (the model's first
    // catch-up over the whole feed, outside the window).
    let started = Instant::now();
    let places: Vec<ContractRows> = (0..CONTRACTS)
        .map(|k| contract_rows(&storage, &code(k)))
        .collect();
    runtime.block_on(async {
        for (n, laptop) in laptops.iter_mut().enumerate() {
            let k = (n / LAPTOPS_PER_CONTRACT) % CONTRACTS;
            assert_eq!(laptop.contract, code(k));
            let changes = laptop.faults(n, &places[k]);
            let push: PushResponse = client
                .post(format!("{url}/v1/push"))
                .bearer_auth(&laptop.token)
                .json(&PushRequest {
                    sent_at: Utc::now(),
                    changes,
                })
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(push.stored_through, laptop.seq);
        }
        for laptop in &mut laptops {
            while round(&client, &url, laptop).await.unwrap().1 {}
        }
    });
    let first = Instant::now();
    let board: Value = runtime.block_on(async {
        client
            .get(format!("{url}/office/v1/board"))
            .header("Cookie", &browser.cookie)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    println!(
        "{} open faults pushed in {:.1} s; the first board ({} rows, {} bytes) took {:.0} ms",
        laptops.len() * FAULTS_PER_LAPTOP,
        (first - started).as_secs_f64(),
        board["rows"].as_array().unwrap().len(),
        board.to_string().len(),
        first.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(
        board["rows"].as_array().unwrap().len(),
        laptops.len() * FAULTS_PER_LAPTOP
    );

    let window = Duration::from_secs(
        std::env::var("FIELDLOG_BENCH_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
    );
    let done = Arc::new(AtomicBool::new(false));
    let largest = code(0);
    let (page_times, push_times, errors) = runtime.block_on(async {
        let laptop_tasks = laptops.into_iter().enumerate().map(|(i, mut laptop)| {
            let (client, url, done) = (reqwest::Client::new(), url.clone(), done.clone());
            async move {
                // Spread the first rounds over the first second, then about one a second.
                tokio::time::sleep(Duration::from_millis((i as u64 * 37) % 1000)).await;
                let (mut times, mut errors) = (Vec::new(), 0usize);
                while !done.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    match round(&client, &url, &mut laptop).await {
                        Ok((push, _)) => times.push(push),
                        Err(_) => errors += 1,
                    }
                    tokio::time::sleep(Duration::from_secs(1).saturating_sub(started.elapsed()))
                        .await;
                }
                (times, errors)
            }
        });
        let browser_tasks = (0..BROWSERS).map(|_| {
            let (client, url, done, largest) = (
                reqwest::Client::new(),
                url.clone(),
                done.clone(),
                largest.clone(),
            );
            async move {
                let browser = sign_in(&client, &url).await;
                let mut times: Vec<Vec<Duration>> = vec![Vec::new(); PAGES.len()];
                while !done.load(Ordering::Relaxed) {
                    for (n, (_, path)) in PAGES.iter().enumerate() {
                        let started = Instant::now();
                        let answer = client
                            .get(format!("{url}{}", path.replace("{code}", &largest)))
                            .header("Cookie", &browser.cookie)
                            .send()
                            .await
                            .unwrap();
                        assert!(answer.status().is_success(), "{path}: {}", answer.status());
                        let body = answer.bytes().await.unwrap();
                        times[n].push(started.elapsed());
                        assert!(!body.is_empty());
                    }
                }
                times
            }
        });
        let stop = async {
            tokio::time::sleep(window).await;
            done.store(true, Ordering::Relaxed);
        };
        let (laptops, browsers, ()) = futures_util::future::join3(
            futures_util::future::join_all(laptop_tasks),
            futures_util::future::join_all(browser_tasks),
            stop,
        )
        .await;
        let mut pages: Vec<Vec<Duration>> = vec![Vec::new(); PAGES.len()];
        for browser in browsers {
            for (n, times) in browser.into_iter().enumerate() {
                pages[n].extend(times);
            }
        }
        let mut pushes = Vec::new();
        let mut errors = 0;
        for (times, e) in laptops {
            pushes.extend(times);
            errors += e;
        }
        (pages, pushes, errors)
    });

    println!(
        "{}s window, {BROWSERS} browsers, {} laptops syncing about once a second:",
        window.as_secs(),
        scaled(CONTRACTS * LAPTOPS_PER_CONTRACT)
    );
    let mut all = Vec::new();
    for ((name, _), mut times) in PAGES.iter().zip(page_times) {
        times.sort();
        println!(
            "  {name}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            times.len(),
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0,
            times.last().unwrap().as_secs_f64() * 1000.0
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "  every console page: {} requests, p99 {:.1} ms",
        all.len(),
        percentile(&all, 0.99).as_secs_f64() * 1000.0
    );
    let mut push_times = push_times;
    push_times.sort();
    println!(
        "  laptops' pushes beside it: {} pushes, p50 {:.1} ms, p99 {:.1} ms, errors {errors}",
        push_times.len(),
        percentile(&push_times, 0.5).as_secs_f64() * 1000.0,
        percentile(&push_times, 0.99).as_secs_f64() * 1000.0
    );
    drop(server);
}
