//! A revoked laptop's signatures, as an outside validator sees them (issue 17), on both server
//! backends: the real `fieldlog` binary enrolls with a real server on a loopback port whose
//! public address is set, so its certificate names the CA's CRL there. pyHanko, checking
//! revocation and trusting only the server's root, fetches that CRL from the running server:
//! it accepts the laptop's PDF while the laptop is in good standing and rejects one signed after
//! the office revoked it; judged AdES-style (at the time its server time stamp proves), the PDF
//! signed before the revocation stays valid after it. A forged CRL (another key under the CA's name, listing nothing) served
//! at the CRL's address in the server's place does not make the revoked signer valid again.

mod common;

use common::{export_signed, fieldlog, ok};
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::storage::Storage;
use fieldlog_server::{Database, RunningServer, SqliteStorage, admin, revocation};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const CONTRACT: &str = "county-police-village-query";
const TECHNICIAN: &str = "测试乙";

fn pyhanko_bin() -> PathBuf {
    std::env::var_os("PYHANKO")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/pyhanko");
            venv.is_file().then_some(venv)
        })
        .unwrap_or_else(|| PathBuf::from("pyhanko"))
}

/// pyHanko's verdict on `pdf` trusting only `root`, checking revocation (its default: a CRL the
/// certificate names must be fetched and must not list it), or not at all with `--no-revocation-check`.
fn pyhanko(pdf: &Path, root: &Path, extra: &[&str]) -> (bool, String) {
    pyhanko_run("validate", pdf, root, extra)
}

/// The same, AdES-style (`adesverify`, ETSI EN 319 102-1): a signature is judged at the time
/// its time stamp proves, so one made before the revocation stays valid after it.
fn pyhanko_ades(pdf: &Path, root: &Path) -> (bool, String) {
    pyhanko_run("adesverify", pdf, root, &[])
}

fn pyhanko_run(command: &str, pdf: &Path, root: &Path, extra: &[&str]) -> (bool, String) {
    let out = Command::new(pyhanko_bin())
        .args(["sign", command, "--pretty-print"])
        .args(extra)
        .arg("--trust")
        .arg(root)
        .arg(pdf)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && text.contains("The signature is judged VALID."),
        text,
    )
}

/// Serves `body` as `application/pkix-crl` to every request on `addr` until the process ends:
/// whoever answers at the CRL's address in the server's place.
fn serve_forever(addr: std::net::SocketAddr, body: Vec<u8>) {
    let listener = std::net::TcpListener::bind(addr).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
}

enum Place {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] Box<ThrowawayDatabase>),
}

fn storage(postgres: bool) -> (Arc<Database>, Place) {
    if postgres {
        let database = ThrowawayDatabase::for_test();
        let storage = database.open().unwrap();
        (
            Arc::new(Database::Postgres(Box::new(storage))),
            Place::Postgres(Box::new(database)),
        )
    } else {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path().join("server.sqlite")).unwrap();
        (Arc::new(Database::Sqlite(storage)), Place::Sqlite(dir))
    }
}

#[test]
fn pyhanko_rejects_a_signature_made_after_revocation_sqlite() {
    revoked_signer_is_rejected(false);
}

#[test]
fn pyhanko_rejects_a_signature_made_after_revocation_postgres() {
    revoked_signer_is_rejected(true);
}

fn revoked_signer_is_rejected(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (storage, _place) = storage(postgres);
    admin::add_contract(&*storage, CONTRACT, "村居警务查询运维").unwrap();
    let technician = admin::add_technician(&*storage, TECHNICIAN).unwrap();
    admin::assign(&*storage, &technician, CONTRACT).unwrap();
    let code = admin::enrollment_code(&*storage, &technician, chrono::Utc::now()).unwrap();
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    revocation::set_public_url(&*storage, &server.url()).unwrap();

    let laptop = dir.path().join("laptop.sqlite");
    ok(&laptop, &["init", "--name", TECHNICIAN]);
    ok(&laptop, &["demo"]);
    let enrolled = common::json(
        &laptop,
        &["enroll", "--server", &server.url(), "--code", &code],
    );
    let device_id = enrolled["device_id"].as_str().unwrap().to_owned();
    let root = dir.path().join("server-root.pem");
    std::fs::write(
        &root,
        admin::ca_certificate(&*storage, chrono::Utc::now()).unwrap(),
    )
    .unwrap();

    // In good standing: pyHanko fetches the CRL from the server and accepts the signature.
    let before = dir.path().join("before.pdf");
    export_signed(&laptop, &before);
    let (valid, out) = pyhanko(&before, &root, &[]);
    assert!(valid, "pyHanko before the revocation:\n{out}");
    // Nothing but a request for `/ca/crl.der` makes a list before the first revocation: pyHanko
    // fetched it from the running server.
    let fetched = storage.read(|tx| tx.revocation().latest_crl()).unwrap();
    assert!(
        fetched.is_some(),
        "pyHanko never asked the server for its CRL"
    );

    // Validators read times to the second: the revocation comes a clear second after the
    // signature, and the next signature a clear second after the revocation.
    let a_second = std::time::Duration::from_millis(1100);
    std::thread::sleep(a_second);
    revocation::revoke_device(
        &*storage,
        &device_id,
        "办公室管理员",
        "笔记本被盗",
        chrono::Utc::now(),
    )
    .unwrap();
    std::thread::sleep(a_second);
    // The laptop still exports (its data is its own), but its signature is now refused.
    let after = dir.path().join("after.pdf");
    export_signed(&laptop, &after);
    let (valid, out) = pyhanko(&after, &root, &[]);
    assert!(!valid, "pyHanko accepted a revoked signer:\n{out}");
    assert!(out.to_lowercase().contains("revoked"), "{out}");
    let (valid, out) = pyhanko_ades(&after, &root);
    assert!(!valid, "pyHanko (AdES) accepted a revoked signer:\n{out}");
    assert!(out.to_lowercase().contains("revoked"), "{out}");
    // The report signed before the revocation is still good evidence: its server time stamp
    // proves it was signed while the certificate stood.
    let (valid, out) = pyhanko_ades(&before, &root);
    assert!(
        valid,
        "pyHanko (AdES) refused a signature made before the revocation:\n{out}"
    );
    // What refuses it is the revocation: without the check the signature itself is good.
    let (valid, out) = pyhanko(&after, &root, &["--no-revocation-check"]);
    assert!(valid, "pyHanko without revocation checking:\n{out}");
    // `fieldlog sync` says why, in Chinese, and the laptop keeps its work.
    let sync = fieldlog(&laptop, &["sync"]);
    assert!(!sync.status.success());
    let said = String::from_utf8_lossy(&sync.stderr);
    assert!(
        said.contains("停用") && said.contains("联系办公室"),
        "{said}"
    );

    // Someone answers at the CRL's address in the server's place with a list of their own: the
    // CA's name, another key, a higher number, nobody revoked. pyHanko does not believe it.
    let name = fieldlog_certs::common_name(
        &fieldlog_certs::certificates_from_pem(&std::fs::read_to_string(&root).unwrap()).unwrap()
            [0]
        .tbs_certificate
        .subject,
    )
    .unwrap();
    let forger =
        fieldlog_certs::Authority::generate(&name, Some("Fieldlog"), chrono::Utc::now(), 30)
            .unwrap();
    let forged = forger
        .numbered_crl(&[], Some(1000), chrono::Utc::now(), 7)
        .unwrap();
    let addr = server.addr;
    drop(server);
    serve_forever(addr, fieldlog_certs::crl_der(&forged).unwrap());
    let (valid, out) = pyhanko(&after, &root, &[]);
    assert!(!valid, "a forged CRL made a revoked signer valid:\n{out}");
    let (valid, out) = pyhanko_ades(&after, &root);
    assert!(
        !valid,
        "a forged CRL made a revoked signer valid (AdES):\n{out}"
    );
}
