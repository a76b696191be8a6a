//! Issue 19, the first start without demo data, on a real SQLite file: an empty profile needs the
//! first start; a named technician working alone makes a contract from each preset (its policy and
//! spare floor exactly the preset's) and Today is usable; every refusal says what to do and leaves
//! the full data dump unchanged.

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::sla::Preset;
use fieldlog_store::first_start::{first_start, held, start_alone};
use fieldlog_store::{Store, desk};
use fieldlog_wire::v1::{AloneContract, Arrived};
use fieldlog_wire::{ErrorCode, Lang, ToErrorBody};

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

fn empty_profile() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    (dir, store)
}

fn dump(store: &Store) -> String {
    fieldlog_store::migrations::data_dump(store.connection()).unwrap()
}

fn day(text: &str) -> Option<NaiveDate> {
    Some(text.parse().unwrap())
}

fn alone(code: &str, preset: Preset) -> AloneContract {
    AloneContract {
        code: code.into(),
        name: "测试县村居警务查询运维".into(),
        client: "测试县公安局".into(),
        service_start: day("2026-12-01"),
        service_end: day("2028-11-30"),
        preset: preset.code().into(),
    }
}

#[test]
fn an_empty_profile_needs_the_first_start_until_it_has_a_technician_and_a_contract() {
    let (_dir, mut store) = empty_profile();
    let start = first_start(&store, Some("fieldlog-test-host".into())).unwrap();
    assert!(start.needed && start.technician.is_none() && !start.enrolled);
    assert_eq!(start.host_name.as_deref(), Some("fieldlog-test-host"));
    let presets: Vec<_> = start
        .presets
        .iter()
        .map(|p| (p.code.as_str(), p.spare_units, p.spare_parts))
        .collect();
    // domain.md: the police contract promises ≥ 10 units and ≥ 50 parts; e-government no floor.
    assert_eq!(
        presets,
        [
            ("county-police-village-query", 10, 50),
            ("city-egov-extranet", 0, 0)
        ]
    );
    assert_eq!(
        first_start(&store, Some("  ".into())).unwrap().host_name,
        None
    );

    desk::set_profile(&mut store, "测试林", Some("T-0042"), now()).unwrap();
    let named = first_start(&store, None).unwrap();
    assert!(
        named.needed,
        "a technician alone, with no contract: Today would be empty"
    );
    assert_eq!(
        named.technician.unwrap().staff_no.as_deref(),
        Some("T-0042")
    );

    start_alone(&mut store, &alone("HT-01", Preset::CityEgovExtranet), now()).unwrap();
    let ready = first_start(&store, None).unwrap();
    assert!(!ready.needed && ready.contracts == 1, "{ready:?}");
}

#[test]
fn working_alone_makes_a_contract_from_each_preset_and_today_is_usable() {
    for preset in Preset::ALL {
        let (_dir, mut store) = empty_profile();
        desk::set_profile(&mut store, "测试林", None, now()).unwrap();
        let made = start_alone(&mut store, &alone("HT-2026-01", preset), now()).unwrap();

        let kept = store.resolve_contract("HT-2026-01").unwrap();
        assert_eq!(kept, made);
        assert_eq!(kept.policy, preset.policy(), "{preset:?}");
        assert_eq!(kept.spare_floor, preset.spare_floor(), "{preset:?}");
        assert_eq!(kept.policy_version, 1);
        assert_eq!(kept.client, "测试县公安局");
        assert_eq!(
            held(&store).unwrap(),
            Arrived {
                contracts: 1,
                sites: 0,
                parts: 0
            }
        );
        // Today works: its report opens for the new contract.
        let today = desk::today(&store, now()).unwrap();
        assert!(today.open_faults.is_empty());
        let report = desk::today_report(&mut store, made.id, now()).unwrap();
        assert_eq!(report.report.contract_id, made.id);
    }
}

#[test]
fn refused_work_alone_forms_say_what_to_do_and_change_nothing() {
    let (_dir, mut store) = empty_profile();
    // Without a technician: named first.
    let before = dump(&store);
    let error =
        start_alone(&mut store, &alone("HT-01", Preset::CityEgovExtranet), now()).unwrap_err();
    assert!(
        error
            .error_body(Lang::ZhCn)
            .message
            .contains("请先在“设置”中填写本机技服人员姓名")
    );
    assert_eq!(dump(&store), before);

    desk::set_profile(&mut store, "测试林", None, now()).unwrap();
    start_alone(&mut store, &alone("HT-01", Preset::CityEgovExtranet), now()).unwrap();
    let before = dump(&store);

    let no_preset = AloneContract {
        preset: "my-own".into(),
        ..alone("HT-02", Preset::CityEgovExtranet)
    };
    let no_start = AloneContract {
        service_start: None,
        ..alone("HT-02", Preset::CityEgovExtranet)
    };
    let backwards = AloneContract {
        service_start: day("2028-01-01"),
        service_end: day("2027-01-01"),
        ..alone("HT-02", Preset::CityEgovExtranet)
    };
    let no_code = alone("  ", Preset::CountyPoliceVillageQuery);
    let taken = alone("HT-01", Preset::CountyPoliceVillageQuery);
    for (what, form, code, says) in [
        (
            "an unknown preset",
            no_preset,
            ErrorCode::InvalidInput,
            "请选择合同模板",
        ),
        (
            "no start day",
            no_start,
            ErrorCode::InvalidInput,
            "请填写服务期的开始和结束日期",
        ),
        (
            "a period ending before it starts",
            backwards,
            ErrorCode::InvalidInput,
            "服务结束日期早于开始日期",
        ),
        ("no code", no_code, ErrorCode::InvalidInput, "合同编号"),
        (
            "a code in use",
            taken,
            ErrorCode::Conflict,
            "合同编号“HT-01”已存在",
        ),
    ] {
        let body = start_alone(&mut store, &form, now())
            .unwrap_err()
            .error_body(Lang::ZhCn);
        assert_eq!(body.code, code, "{what}: {body:?}");
        assert!(body.message.contains(says), "{what}: {}", body.message);
        assert_eq!(dump(&store), before, "{what} changed the profile");
    }
}

#[test]
fn a_work_alone_laptop_adds_its_sites_on_the_catalogue_screen() {
    use fieldlog_domain::site::SiteKind;
    use fieldlog_store::first_start::add_site;
    use fieldlog_wire::v1::NewSiteForm;
    let (_dir, mut store) = empty_profile();
    desk::set_profile(&mut store, "测试林", None, now()).unwrap();
    let contract =
        start_alone(&mut store, &alone("HT-01", Preset::CityEgovExtranet), now()).unwrap();
    let site = |code: &str| NewSiteForm {
        contract_id: contract.id,
        code: code.into(),
        name: "测试市政务中心机房".into(),
        kind: SiteKind::MachineRoom,
        address: "测试市测试路 1 号".into(),
    };
    let catalogue = add_site(&mut store, &site("JF-01"), now()).unwrap();
    assert_eq!(catalogue.len(), 1);
    assert_eq!(catalogue[0].sites[0].site.code, "JF-01");
    assert_eq!(catalogue[0].sites[0].site.kind, SiteKind::MachineRoom);

    let before = dump(&store);
    for (what, form, says) in [
        ("no code", site(" "), "点位编号"),
        ("a code in use", site("JF-01"), "JF-01"),
    ] {
        let body = add_site(&mut store, &form, now())
            .unwrap_err()
            .error_body(Lang::ZhCn);
        assert!(body.message.contains(says), "{what}: {}", body.message);
        assert_eq!(dump(&store), before, "{what} changed the profile");
    }
}
