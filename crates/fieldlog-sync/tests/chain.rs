//! The evidence chain across laptop and server (issue 14, `chain_v1`): each round sends the
//! laptop's links after its push; the server keeps them and refuses links that do not extend
//! what it holds; the laptop's audit against the server's copy finds a chain rewritten to hide a
//! deleted signed report, which the laptop's own check alone cannot, and a photo altered after
//! it was synced (issue 19's evidence, migration 0017). On both backends.

mod support;

use fieldlog_server::storage::Storage;
use fieldlog_store::StoreError;
use support::{Backend, CONTRACT, Laptop, Server, on_each_backend, quick};

on_each_backend!(
    the_server_keeps_each_laptops_chain,
    a_rewritten_chain_is_found_against_the_server_and_refused_by_it,
    an_altered_photo_hidden_by_a_recomputed_chain_is_found_against_the_server,
);

fn the_server_keeps_each_laptops_chain(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("李工", &[CONTRACT]);
    let mut laptop = Laptop::enrolled("李工", &server.url(), &code);
    laptop.set_up_contract(CONTRACT);
    laptop.offline_work(CONTRACT, 10, true);
    laptop.sync();
    let local = laptop.store.chain_links(0, usize::MAX).unwrap();
    assert!(
        local.len() >= 5,
        "fault, events, arrival, movement, report, signature"
    );
    assert_eq!(
        server.count("SELECT count(*) FROM evidence_chains"),
        local.len() as i64
    );
    let held = fieldlog_sync::server_chain(&laptop.store, &quick()).unwrap();
    assert_eq!(held, local, "the server holds exactly the laptop's links");
    let audit = laptop.store.audit_against_server(&held).unwrap();
    assert!(audit.intact(), "{:?}", audit.findings);
    assert_eq!(audit.server_links, Some(local.len()));

    // More work, another round: the chain grows on both sides; a round resends nothing twice.
    laptop.offline_work(CONTRACT, 24 * 60 + 10, true);
    laptop.sync();
    laptop.sync();
    let local = laptop.store.chain_links(0, usize::MAX).unwrap();
    assert_eq!(
        server.count("SELECT count(*) FROM evidence_chains"),
        local.len() as i64
    );
    // The server's own check of what it holds.
    let device = laptop.store.enrollment().unwrap().unwrap().device_id;
    let bad = server
        .storage
        .read(|tx| fieldlog_server::chain::verify_chain(tx, &device))
        .unwrap();
    assert!(bad.is_empty(), "{bad:?}");
    let audits = fieldlog_server::chain::audit_chains(&*server.storage).unwrap();
    assert_eq!(audits.len(), 1);
    assert!(audits[0].bad_links.is_empty());
    assert_eq!(audits[0].links, local.len() as i64);

    // A link edited in the server's own database (both dialects: UPDATE ... RETURNING; a hash that
    // already starts with ff, 1 in 256, gets ee instead, so the edit always changes it) is found
    // by the server's own check.
    server.count(
        "UPDATE evidence_chains SET content_hash = CASE WHEN substr(content_hash, 1, 2) = 'ff' THEN 'ee' ELSE 'ff' END
             || substr(content_hash, 3)
         WHERE seq = 2 RETURNING seq",
    );
    let audits = fieldlog_server::chain::audit_chains(&*server.storage).unwrap();
    assert_eq!(audits[0].bad_links, vec![2]);
}

fn a_rewritten_chain_is_found_against_the_server_and_refused_by_it(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("李工", &[CONTRACT]);
    let mut laptop = Laptop::enrolled("李工", &server.url(), &code);
    laptop.set_up_contract(CONTRACT);
    laptop.offline_work(CONTRACT, 10, true);
    laptop.offline_work(CONTRACT, 24 * 60 + 10, true);
    laptop.sync();
    let before = server.count("SELECT count(*) FROM evidence_chains");

    // The attacker has the whole file and the hash function: deletes the first signed report
    // and rebuilds the chain over what is left, so the laptop's own audit passes.
    let conn = laptop.store.connection();
    let report: String = conn
        .query_row(
            "SELECT id FROM daily_reports WHERE status = 'signed' ORDER BY created_at LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let guards: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (
                 tbl_name IN ('daily_reports', 'report_entries', 'signatures', 'entry_parts')
                 OR name IN ('evidence_chain_append_only_delete'))",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for name in guards {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))
            .unwrap();
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for sql in [
        "DELETE FROM entry_parts WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
        "DELETE FROM report_entries WHERE report_id = ?1",
        "DELETE FROM signatures WHERE subject_id = ?1",
        "DELETE FROM daily_reports WHERE id = ?1",
    ] {
        conn.execute(sql, [&report]).unwrap();
    }
    conn.execute_batch(&format!(
        "DELETE FROM evidence_chain; {}",
        fieldlog_store::migrations::chain_backfill_sql()
    ))
    .unwrap();
    let local = laptop.store.audit().unwrap();
    assert!(
        local.intact(),
        "the rewrite fools the laptop's own check: {:?}",
        local.findings
    );

    // Against the server's copy it shows.
    let held = fieldlog_sync::server_chain(&laptop.store, &quick()).unwrap();
    let audit = laptop.store.audit_against_server(&held).unwrap();
    assert!(!audit.intact());
    assert!(
        audit.findings.iter().any(|f| matches!(
            f,
            fieldlog_store::chain::Finding::DiffersFromServer { .. }
                | fieldlog_store::chain::Finding::MissingHere { .. }
        )),
        "{:?}",
        audit.findings
    );

    // And the server refuses the rewritten links when the laptop sends them again.
    laptop
        .store
        .connection()
        .execute("DELETE FROM meta WHERE key = 'chain_sent_seq'", [])
        .unwrap();
    let error = laptop.sync_with(&quick()).unwrap_err();
    assert!(error.to_string().contains("证据链"), "{error}");
    assert!(
        !matches!(
            error,
            fieldlog_sync::SyncError::Store(StoreError::Tampered(_))
        ),
        "the server refused it"
    );
    assert_eq!(
        server.count("SELECT count(*) FROM evidence_chains"),
        before,
        "what the server holds is unchanged"
    );
}

/// The attacker's finishing touch: every link from the first one whose record no longer matches
/// is recomputed (content hash, previous hash, own hash), so the laptop's own check passes.
fn recompute_chain_from_first_edit(laptop: &Laptop) -> i64 {
    let first = laptop
        .store
        .audit()
        .unwrap()
        .findings
        .iter()
        .filter_map(|f| match f {
            fieldlog_store::chain::Finding::Edited { seq, .. } => Some(*seq),
            _ => None,
        })
        .min()
        .expect("the alteration shows in the laptop's chain before it is recomputed");
    let conn = laptop.store.connection();
    conn.execute_batch("DROP TRIGGER evidence_chain_append_only_update")
        .unwrap();
    let links = laptop.store.chain_links(first - 1, usize::MAX).unwrap();
    let mut prev = links[0].prev_hash.clone();
    for link in links {
        let content: String = conn
            .query_row(
                "SELECT fieldlog_sha256(c.content) FROM evidence_chain l
                 JOIN evidence_content_by_form c
                   ON c.kind = l.kind AND c.form = l.form AND c.record_id = l.record_id
                 WHERE l.seq = ?1",
                [link.seq],
                |r| r.get(0),
            )
            .unwrap();
        let own = fieldlog_store::chain::link_hash(
            &prev,
            link.seq,
            &link.kind,
            &link.record_id,
            &content,
        );
        conn.execute(
            "UPDATE evidence_chain SET content_hash = ?2, prev_hash = ?3, link_hash = ?4 WHERE seq = ?1",
            rusqlite::params![link.seq, content, prev, own],
        )
        .unwrap();
        prev = own;
    }
    first
}

fn an_altered_photo_hidden_by_a_recomputed_chain_is_found_against_the_server(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("李工", &[CONTRACT]);
    let mut laptop = Laptop::enrolled("李工", &server.url(), &code);
    laptop.set_up_contract(CONTRACT);
    laptop.offline_work(CONTRACT, 10, true);
    laptop.photo_of_a_fault(64, 48);
    laptop.sync();
    let held = fieldlog_sync::server_chain(&laptop.store, &quick()).unwrap();
    assert!(
        held.iter().any(|l| l.kind == "photo"),
        "the photo is chained and sent"
    );
    assert!(laptop.store.audit_against_server(&held).unwrap().intact());

    // The photo's place and time changed in the file, the chain recomputed over it.
    let conn = laptop.store.connection();
    conn.execute_batch(
        "DROP TRIGGER photos_append_only_update;
         UPDATE photos SET taken_at = '2026-10-01T00:00:00Z', lat = 30.5, lon = 120.5;",
    )
    .unwrap();
    let first = recompute_chain_from_first_edit(&laptop);
    let local = laptop.store.audit().unwrap();
    assert!(
        local.intact(),
        "the laptop alone is fooled: {:?}",
        local.findings
    );

    let audit = laptop.store.audit_against_server(&held).unwrap();
    assert!(
        audit
            .findings
            .contains(&fieldlog_store::chain::Finding::DiffersFromServer { seq: first }),
        "{:?}",
        audit.findings
    );
    // The server's own check of its copy still passes: its copy is the true one.
    let audits = fieldlog_server::chain::audit_chains(&*server.storage).unwrap();
    assert!(audits[0].bad_links.is_empty());
}
