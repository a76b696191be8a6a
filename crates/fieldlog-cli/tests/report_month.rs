//! Issue 19 on the command line: the month's missing days (`report missing`), a missed day's
//! report filled in later that says so (`report new --date`, `report show`, `report list`), and
//! the refusal of a day to come, which changes nothing.

mod common;

use common::{dump, fails, json, ok};

#[test]
fn a_missed_day_is_listed_filled_in_later_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    ok(&db, &["demo"]);
    let missing = json(&db, &["report", "missing", "--month", "2020-01-15"]);
    assert!(
        missing.as_array().unwrap().is_empty(),
        "no service period covers 2020: {missing}"
    );
    // A day the demo's service period covers, long before its month of reports: missing.
    let today = chrono::Utc::now().date_naive();
    let months_back = (1..=24)
        .map(|m| today - chrono::Months::new(m))
        .find_map(|day| {
            let found = json(&db, &["report", "missing", "--month", &day.to_string()]);
            found.as_array().unwrap().first().cloned()
        })
        .expect("the demo's contracts have a day without a report");
    let (date, contract) = (
        months_back["date"].as_str().unwrap().to_owned(),
        months_back["contract_id"].as_str().unwrap().to_owned(),
    );
    let shown = ok(
        &db,
        &["report", "new", "--contract", &contract, "--date", &date],
    );
    assert!(shown.contains("补填于"), "{shown}");
    let listed = ok(&db, &["report", "list", "--month", &date]);
    assert!(listed.contains("补填于"), "{listed}");
    let again = json(&db, &["report", "missing", "--month", &date]);
    assert!(
        again
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["date"] != date.as_str()),
        "{again}"
    );

    let before = dump(&db);
    let tomorrow = (today + chrono::Days::new(2)).to_string();
    let err = fails(
        &db,
        &[
            "report",
            "new",
            "--contract",
            &contract,
            "--date",
            &tomorrow,
        ],
    );
    assert!(err.contains("不能为将来的日期"), "{err}");
    assert_eq!(dump(&db), before);
}
