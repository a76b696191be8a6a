//! RFC 3161 time stamps from the server (`POST /v1/timestamp`), on both backends: an enrolled
//! laptop gets a token that stamps exactly its bytes, signed by a time-stamping certificate
//! that chains to the server's root; what is not a time-stamp request gets a refusal, not a
//! token; a laptop that is not enrolled has no server to ask.

mod support;

use chrono::Utc;
use fieldlog_server::admin;
use fieldlog_store::Store;
use fieldlog_sync::SyncError;
use std::time::Duration;
use support::{Backend, CONTRACT, Laptop, Server, start_time};

fn the_server_stamps_what_an_enrolled_laptop_sends(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("王五", &[CONTRACT]);
    let laptop = Laptop::enrolled("王五", &server.url(), &code);
    let root = fieldlog_certs::certificates_from_pem(
        &admin::ca_certificate(&*server.storage, Utc::now()).unwrap(),
    )
    .unwrap();

    let before = Utc::now() - chrono::Duration::seconds(1);
    let stamped = b"the signature value of a report";
    let token =
        fieldlog_sync::time_stamp_token(&laptop.store, stamped, Duration::from_secs(10)).unwrap();
    let checked = fieldlog_certs::timestamp::check_token(&token, stamped, None).unwrap();
    assert!(
        checked.time >= before && checked.time <= Utc::now(),
        "{:?}",
        checked.time
    );
    assert!(matches!(
        fieldlog_certs::check_path(
            &checked.tsa,
            &checked.certificates,
            &root,
            &[],
            checked.time
        ),
        fieldlog_certs::PathStatus::Trusted { .. }
    ));
    assert!(
        fieldlog_certs::timestamp::check_token(&token, b"other bytes", None).is_err(),
        "a token stamps only its own bytes"
    );
    // The same TSA answers again (its key lives in the server process).
    let again = fieldlog_sync::time_stamp_token(&laptop.store, b"another", Duration::from_secs(10))
        .unwrap();
    let again = fieldlog_certs::timestamp::check_token(&again, b"another", None).unwrap();
    assert_eq!(again.tsa, checked.tsa);

    // Not a time-stamp request: a refusal (status rejection), no token.
    fieldlog_sync::install_tls_provider();
    let reply = reqwest::blocking::Client::new()
        .post(format!("{}/v1/timestamp", server.url()))
        .header("content-type", "application/timestamp-query")
        .body(b"not DER".to_vec())
        .send()
        .unwrap();
    assert_eq!(
        reply.headers()["content-type"],
        "application/timestamp-reply"
    );
    let reply = reply.bytes().unwrap();
    assert!(fieldlog_certs::timestamp::token_from_response(&reply).is_err());

    // A profile that never enrolled has no server to ask.
    let dir = tempfile::tempdir().unwrap();
    let mut lone = Store::open(dir.path().join("p.sqlite")).unwrap();
    lone.init_profile("赵六", None, start_time()).unwrap();
    assert!(matches!(
        fieldlog_sync::time_stamp_token(&lone, stamped, Duration::from_secs(1)),
        Err(SyncError::NotEnrolled)
    ));
}

support::on_each_backend!(the_server_stamps_what_an_enrolled_laptop_sends);
