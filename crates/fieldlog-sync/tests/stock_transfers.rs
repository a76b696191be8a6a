//! Stock transfers between real laptops (issue 19, item 6), on both backends: real stores, the
//! real sync client, a real server on a loopback port.
//!
//! - A transfers parts to B: after sync both laptops show them in transit (the contract's total
//!   unchanged); B confirms; after sync both show the transfer confirmed and the balances moved.
//! - The server's checks, each a hand-made push refused with nothing stored: a confirmation by
//!   someone the transfer does not name, a second confirmation (another id, or the same id with
//!   other content), a quantity that differs, a transfer to a technician not on the contract.

mod support;

use chrono::Utc;
use fieldlog_domain::ids::MovementId;
use fieldlog_domain::stock::confirmation_id;
use fieldlog_store::desk::{self, StockAction};
use fieldlog_wire::sync::v1::Row;
use fieldlog_wire::v1::PartBalance;
use serde_json::json;
use support::office::{push_by_hand, row, time_text};
use support::{Backend, CONTRACT, Laptop, OTHER_CONTRACT, Server, on_each_backend, settle};
use uuid::Uuid;

on_each_backend!(
    a_transfer_between_two_laptops_is_confirmed_by_the_receiver_and_both_see_it,
    the_server_refuses_confirmations_and_transfers_the_rules_do_not_allow,
);

/// Two technicians on the contract, each with an enrolled laptop; A set up the contract.
fn two_laptops(server: &Server) -> (Laptop, Laptop) {
    let mut a = Laptop::enrolled(
        "技服甲",
        &server.url(),
        &server.technician("技服甲", &[CONTRACT]),
    );
    let b = Laptop::enrolled(
        "技服乙",
        &server.url(),
        &server.technician("技服乙", &[CONTRACT]),
    );
    a.set_up_contract(CONTRACT);
    let mut both = [a, b];
    settle(&mut both);
    let [a, b] = both;
    (a, b)
}

fn part_row(laptop: &Laptop) -> PartBalance {
    let (contract, _, _) = laptop.contract(CONTRACT);
    laptop.store.stock_report(contract).unwrap().parts[0].clone()
}

fn profile_id(laptop: &Laptop) -> String {
    laptop.store.profile().unwrap().unwrap().id.to_string()
}

/// A's own stock: 10 received in A's name.
fn receive(a: &mut Laptop) {
    let (_, _, part) = a.contract(CONTRACT);
    desk::record_movement(
        &mut a.store,
        part,
        fieldlog_domain::stock::MovementKind::Received,
        10,
        None,
        Utc::now(),
    )
    .unwrap();
}

fn send(a: &mut Laptop, b: &Laptop, quantity: i64) -> MovementId {
    let (_, _, part) = a.contract(CONTRACT);
    let to = b.store.profile().unwrap().unwrap().id;
    desk::stock_action(
        &mut a.store,
        StockAction::TransferToColleague {
            part_id: part,
            to,
            quantity,
            note: Some("支援乙的片区".into()),
        },
        Utc::now(),
    )
    .unwrap()
    .id
}

fn a_transfer_between_two_laptops_is_confirmed_by_the_receiver_and_both_see_it(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, b) = two_laptops(&server);
    receive(&mut a);
    let a_before = part_row(&a);
    let out = send(&mut a, &b, 4);
    let mut both = [a, b];
    settle(&mut both);
    let [a, mut b] = both;

    // In transit on both laptops: out of A's hands, not yet B's, still the contract's.
    let (a_sent, b_waiting) = (part_row(&a), part_row(&b));
    assert_eq!(a_sent.mine, a_before.mine - 4);
    assert_eq!(
        (a_sent.in_transit, b_waiting.in_transit),
        (4, 4),
        "both laptops see it in transit"
    );
    assert_eq!(a_sent.balance, a_before.balance, "the contract's total");
    assert_eq!(b_waiting.balance, a_before.balance);
    let (contract, _, _) = b.contract(CONTRACT);
    let incoming = b.store.stock_report(contract).unwrap().transfers;
    assert_eq!(incoming.len(), 1);
    assert!(incoming[0].incoming && incoming[0].confirmed_at.is_none());
    assert_eq!(
        (incoming[0].from_name.as_str(), incoming[0].quantity),
        ("技服甲", 4)
    );

    // B confirms (确认收货).
    desk::stock_action(
        &mut b.store,
        StockAction::ConfirmTransfer { transfer_id: out },
        Utc::now(),
    )
    .unwrap();
    let mut both = [a, b];
    settle(&mut both);
    let [a, b] = both;
    let (a_after, b_after) = (part_row(&a), part_row(&b));
    assert_eq!((a_after.in_transit, b_after.in_transit), (0, 0));
    assert_eq!(b_after.mine, b_waiting.mine + 4, "B holds the 4 now");
    assert_eq!(a_after.mine, a_sent.mine);
    assert_eq!(
        (a_after.balance, b_after.balance),
        (a_before.balance, a_before.balance)
    );
    for laptop in [&a, &b] {
        let (contract, _, _) = laptop.contract(CONTRACT);
        let transfers = laptop.store.stock_report(contract).unwrap().transfers;
        assert_eq!(transfers.len(), 1, "{}", laptop.name);
        assert!(
            transfers[0].confirmed_at.is_some(),
            "{}: confirmed",
            laptop.name
        );
    }
    assert_eq!(
        server.count("SELECT count(*) FROM records WHERE entity = 'stock_movements'"),
        4,
        "the set-up receipt, A's receipt, the transfer out, its confirmation"
    );
}

fn movement(
    id: &str,
    part: &str,
    kind: &str,
    quantity: i64,
    technician: &str,
    to: Option<&str>,
    transfer_of: Option<&str>,
) -> Row {
    let now = time_text(Utc::now());
    row(json!({
        "id": id,
        "part_id": part,
        "kind": kind,
        "quantity": quantity,
        "at": now,
        "technician_id": technician,
        "fault_id": null,
        "entry_id": null,
        "old_serial": null,
        "new_serial": null,
        "note": null,
        "recorded_at": now,
        "to_technician_id": to,
        "transfer_of": transfer_of,
    }))
}

fn the_server_refuses_confirmations_and_transfers_the_rules_do_not_allow(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    // C shares the contract; D works only on another contract.
    let mut c = Laptop::enrolled(
        "技服丙",
        &server.url(),
        &server.technician("技服丙", &[CONTRACT]),
    );
    let mut d = Laptop::enrolled(
        "技服丁",
        &server.url(),
        &server.technician("技服丁", &[OTHER_CONTRACT]),
    );
    c.sync();
    d.sync();
    receive(&mut a);
    let out = send(&mut a, &b, 4);
    a.sync();
    b.sync();
    let (_, _, part) = a.contract(CONTRACT);
    let (part, out_text) = (part.to_string(), out.to_string());
    let confirmation = confirmation_id(out).to_string();
    let (a_id, b_id, c_id, d_id) = (
        profile_id(&a),
        profile_id(&b),
        profile_id(&c),
        profile_id(&d),
    );
    let confirm = |technician: &str, id: &str, quantity: i64| {
        movement(
            id,
            &part,
            "transfer_in",
            quantity,
            technician,
            None,
            Some(&out_text),
        )
    };
    let refused = |laptop: &Laptop, what: &str, row: Row| {
        let before = server.dump();
        let (status, answer) = push_by_hand(&server, laptop, "stock_movements", row);
        assert_eq!(status, 403, "{what}: {answer}");
        assert_eq!(server.dump(), before, "{what}: something was written");
        answer
    };
    // Someone else's transfer: C confirms in C's name, or in B's.
    let answer = refused(
        &c,
        "C confirms B's transfer",
        confirm(&c_id, &confirmation, 4),
    );
    assert!(answer.contains("不是调给您的"), "{answer}");
    refused(
        &c,
        "C confirms in B's name",
        confirm(&b_id, &confirmation, 4),
    );
    // The receiver, but a quantity that differs.
    let answer = refused(&b, "a different quantity", confirm(&b_id, &confirmation, 3));
    assert!(answer.contains("数量 4"), "{answer}");
    // The receiver under another id than the transfer's own.
    refused(
        &b,
        "a confirmation under another id",
        confirm(&b_id, &Uuid::now_v7().to_string(), 4),
    );
    // Transfers out to someone not on the contract: D (another contract), or nobody known.
    let answer = refused(
        &a,
        "a transfer to a technician of another contract",
        movement(
            &Uuid::now_v7().to_string(),
            &part,
            "transfer_out",
            1,
            &a_id,
            Some(&d_id),
            None,
        ),
    );
    assert!(answer.contains("不是合同"), "{answer}");
    refused(
        &a,
        "a transfer to an unknown technician",
        movement(
            &Uuid::now_v7().to_string(),
            &part,
            "transfer_out",
            1,
            &a_id,
            Some(&Uuid::now_v7().to_string()),
            None,
        ),
    );

    // B's own confirmation goes through; then a second one is refused, by either way.
    desk::stock_action(
        &mut b.store,
        StockAction::ConfirmTransfer { transfer_id: out },
        Utc::now(),
    )
    .unwrap();
    b.sync();
    assert_eq!(
        server.count(&format!(
            "SELECT count(*) FROM records WHERE entity = 'stock_movements' AND id = '{confirmation}'"
        )),
        1
    );
    refused(
        &b,
        "a second confirmation under a new id",
        confirm(&b_id, &Uuid::now_v7().to_string(), 4),
    );
    let mut again = confirm(&b_id, &confirmation, 4);
    again.insert("note".into(), json!("再次确认"));
    let answer = refused(&b, "the same confirmation, other content", again);
    assert!(answer.contains("已确认"), "{answer}");
}
