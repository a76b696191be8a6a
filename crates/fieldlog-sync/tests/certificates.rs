//! Signing certificates at enrollment, against a real server on a loopback port: the laptop's
//! existing key is certified (the private key stays), an older laptop's request without a key
//! still enrolls and gets none, and a key that is not P-256 is a clear 422 that uses nothing up.

mod support;

use chrono::Utc;
use fieldlog_server::admin;
use fieldlog_store::Store;
use fieldlog_wire::sync::v1::{EnrollRequest, EnrollResponse};
use serde_json::{Value, json};
use support::{Backend, CONTRACT, Server, quick, start_time};

fn profile(dir: &tempfile::TempDir, name: &str) -> Store {
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    store.init_profile(name, None, start_time()).unwrap();
    store
}

fn post_enroll(server: &Server, body: &Value) -> (u16, Value) {
    fieldlog_sync::install_tls_provider();
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/enroll", server.url()))
        .json(body)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap())
}

fn the_profiles_own_key_is_certified_and_kept_across_enrollments(backend: Backend) {
    let server = Server::start(backend);
    let dir = tempfile::tempdir().unwrap();
    let mut store = profile(&dir, "王五");
    // A profile that already signed with a self-issued identity keeps its key.
    let key = fieldlog_certs::new_private_key_pem();
    // (The certificate text does not matter here: enrolling certifies the key.)
    store
        .save_signing_identity_pem(&key, "self-issued")
        .unwrap();

    let code = server.technician("王五", &[CONTRACT]);
    let first =
        fieldlog_sync::enroll(&mut store, &server.url(), &code, "王五的笔记本", quick()).unwrap();
    let issued = first.signing_certificate.expect("a certificate");
    let (kept_key, kept_cert) = store.signing_identity_pem().unwrap().unwrap();
    assert_eq!(kept_key, key, "the private key was replaced");
    assert_eq!(kept_cert, issued.certificate_pem);
    let leaf = &fieldlog_certs::certificates_from_pem(&kept_cert).unwrap()[0];
    assert!(fieldlog_certs::certifies_public_key(
        leaf,
        &fieldlog_certs::public_key_pem(&key).unwrap()
    ));
    assert_eq!(
        fieldlog_certs::serial_number_attribute(&leaf.tbs_certificate.subject).unwrap(),
        first.technician_id
    );
    let chain = store.signing_certificate_chain_pem().unwrap().unwrap();
    let root = admin::ca_certificate(&*server.storage, Utc::now()).unwrap();
    assert_eq!(chain, root);

    // Enrolling again (a new code): the same key, a new certificate, the same root.
    let code = server.technician("王五", &[CONTRACT]);
    let second =
        fieldlog_sync::enroll(&mut store, &server.url(), &code, "王五的笔记本", quick()).unwrap();
    let reissued = second.signing_certificate.unwrap();
    assert_ne!(reissued.serial, issued.serial);
    assert_eq!(store.signing_identity_pem().unwrap().unwrap().0, key);
    assert_eq!(
        admin::issued_certificates(&*server.storage).unwrap().len(),
        2
    );
}

fn an_older_laptop_without_a_key_still_enrolls_and_gets_no_certificate(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("赵六", &[CONTRACT]);
    // Exactly the body a laptop from before signing certificates sends.
    let (status, body) = post_enroll(&server, &json!({"code": code, "device_name": "旧笔记本"}));
    assert_eq!(status, 201, "{body}");
    assert!(body.get("signing_certificate").is_none(), "{body}");
    let response: EnrollResponse = serde_json::from_value(body).unwrap();
    assert!(response.signing_certificate.is_none());
    assert!(
        admin::issued_certificates(&*server.storage)
            .unwrap()
            .is_empty()
    );

    // And a request with the key still parses on a server that reads it as v1.
    let request: EnrollRequest =
        serde_json::from_value(json!({"code": "x", "device_name": "y"})).unwrap();
    assert_eq!(request.signing_public_key, None);
}

fn a_key_that_is_not_p256_is_refused_and_the_code_is_not_used(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("钱七", &[CONTRACT]);
    let before = server.dump();
    // An Ed25519 public key: well-formed PEM, wrong algorithm.
    let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
    for key in [ed25519, "not a key"] {
        let (status, body) = post_enroll(
            &server,
            &json!({"code": code, "device_name": "笔记本", "signing_public_key": key}),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "invalid_input", "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("签名公钥"),
            "{body}"
        );
        assert_eq!(
            server.dump(),
            before,
            "a refused enrollment wrote something"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = profile(&dir, "钱七");
    let enrolled =
        fieldlog_sync::enroll(&mut store, &server.url(), &code, "笔记本", quick()).unwrap();
    assert!(enrolled.signing_certificate.is_some());
}

support::on_each_backend!(
    the_profiles_own_key_is_certified_and_kept_across_enrollments,
    an_older_laptop_without_a_key_still_enrolls_and_gets_no_certificate,
    a_key_that_is_not_p256_is_refused_and_the_code_is_not_used,
);
