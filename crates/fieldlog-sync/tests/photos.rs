//! Photos through sync (issue 19), on both server backends: a photo attached on one laptop
//! reaches a second laptop with its original byte for byte and its thumbnail; an upload stopped
//! after its first chunk resumes, after a restart, from the server's offset, and the server ends
//! holding the exact bytes.

mod support;

use fieldlog_domain::photo::PhotoSubject;
use fieldlog_store::Store;
use fieldlog_wire::sync::v1::MAX_CHUNK_BYTES;
use support::{Backend, CONTRACT, Laptop, Server, proxy::FaultyProxy, settle};

fn two_laptops(server: &Server) -> Vec<Laptop> {
    let mut laptops: Vec<Laptop> = ["测试甲", "测试乙"]
        .iter()
        .map(|n| Laptop::enrolled(n, &server.url(), &server.technician(n, &[CONTRACT])))
        .collect();
    laptops[0].set_up_contract(CONTRACT);
    settle(&mut laptops);
    laptops
}

fn received(laptop: &Laptop, fault: &str) -> fieldlog_domain::photo::Photo {
    let photos = laptop.store.photos_of(PhotoSubject::Fault, fault).unwrap();
    assert_eq!(photos.len(), 1, "{} holds the photo", laptop.name);
    photos[0].clone()
}

fn a_photo_reaches_the_second_laptop_with_its_thumbnail(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = two_laptops(&server);
    let (fault, bytes) = laptops[0].photo_of_a_fault(1600, 1200);
    let sent = received(&laptops[0], &fault);
    settle(&mut laptops);
    let got = received(&laptops[1], &fault);
    assert_eq!(got, sent, "the same record, thumbnail included");
    assert_eq!(laptops[1].store.photo_original(&got).unwrap(), bytes);
    assert_eq!(
        laptops[1].store.photo_thumbnail(&got).unwrap(),
        laptops[0].store.photo_thumbnail(&sent).unwrap()
    );
    assert!(laptops[1].store.photo_thumbnail(&got).unwrap().is_some());
}

fn an_interrupted_photo_upload_resumes_from_the_servers_offset(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = two_laptops(&server);
    // A photo of several upload chunks.
    let (fault, bytes) = laptops[0].photo_of_a_fault(4000, 3000);
    assert!(bytes.len() > 2 * MAX_CHUNK_BYTES, "{} bytes", bytes.len());
    let sha = fieldlog_server::rules::sha256_hex(&bytes);

    // The round that was stopped: its first chunk reached the server, then the laptop went away.
    let enrollment = laptops[0].store.enrollment().unwrap().unwrap();
    let response = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v1/attachments/{sha}?offset=0&total={}",
            server.url(),
            bytes.len()
        ))
        .bearer_auth(&enrollment.token)
        .header("content-type", "image/jpeg")
        .body(bytes[..MAX_CHUNK_BYTES].to_vec())
        .send()
        .unwrap();
    assert!(response.status().is_success(), "{:?}", response.text());

    // A restart: the profile opened anew, then a round through a proxy that notes each upload.
    let path = laptops[0].store.path().to_path_buf();
    laptops[0].store = Store::open(&path).unwrap();
    let proxy = FaultyProxy::start(server.running.addr, 19, 0);
    laptops[0]
        .store
        .save_enrollment(&fieldlog_store::sync::Enrollment {
            server_url: proxy.url(),
            ..enrollment.clone()
        })
        .unwrap();
    laptops[0].sync();
    let uploads = proxy.tally.uploads.lock().unwrap().clone();
    let of_photo: Vec<&String> = uploads.iter().filter(|l| l.contains(&sha)).collect();
    assert!(!of_photo.is_empty(), "{uploads:?}");
    assert!(
        of_photo[0].contains(&format!("offset={MAX_CHUNK_BYTES}&")),
        "the upload resumed at the server's offset: {of_photo:?}"
    );
    assert!(
        !of_photo.iter().any(|l| l.contains("offset=0&")),
        "nothing sent twice: {of_photo:?}"
    );

    // The server holds the exact bytes: the second laptop receives them.
    laptops[1].sync();
    let got = received(&laptops[1], &fault);
    assert_eq!(laptops[1].store.photo_original(&got).unwrap(), bytes);
    assert!(laptops[1].store.photo_thumbnail(&got).unwrap().is_some());
}

support::on_each_backend!(
    a_photo_reaches_the_second_laptop_with_its_thumbnail,
    an_interrupted_photo_upload_resumes_from_the_servers_offset,
);
