//! The window's contract as TypeScript, generated from the Rust types (ts-rs): every type a Tauri
//! command of `src-tauri` takes or answers, and every type those contain, declared once in one
//! file, `ui/src/generated/wire.ts`, which `ui/src/api.ts` imports. The file is checked in; the
//! `ui_contract` test fails when it differs from what the types say now
//! (`UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` writes it anew).

use crate::v1;
use fieldlog_domain::sla::Preset;
use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use ts_rs::{Config, TS, TypeVisitor};

/// Where the generated file lives, from the workspace root.
pub const GENERATED_FILE: &str = "ui/src/generated/wire.ts";
/// Where the office console's generated types live (`office_typescript`).
pub const OFFICE_GENERATED_FILE: &str = "ui/src/generated/office.ts";

/// The generated file's text: a header, then one `export type` per type, sorted by name.
pub fn typescript() -> String {
    // i64/u64 counts and ids stay far below 2^53, and serde_json writes them as plain numbers.
    let cfg = Config::new().with_large_int("number");
    let mut types = Declarations {
        cfg: &cfg,
        seen: HashSet::new(),
        declarations: BTreeMap::new(),
    };
    // What the commands answer …
    types.visit::<v1::Today>();
    types.visit::<v1::Technician>();
    types.visit::<v1::Contract>();
    types.visit::<v1::Site>();
    types.visit::<v1::Device>();
    types.visit::<v1::SparePart>();
    types.visit::<v1::ContractCatalogue>();
    types.visit::<v1::FaultRow>();
    types.visit::<v1::FaultDetail>();
    types.visit::<v1::Arrival>();
    types.visit::<v1::InspectionRow>();
    types.visit::<v1::ReportRow>();
    types.visit::<v1::ReportDocument>();
    types.visit::<v1::CompletionForm>();
    types.visit::<v1::StockReport>();
    types.visit::<v1::StockMovement>();
    types.visit::<v1::Settings>();
    types.visit::<v1::KeyStorageView>();
    types.visit::<v1::SummaryView>();
    types.visit::<v1::Exported>();
    types.visit::<v1::SyncActivity>();
    types.visit::<v1::Enrollment>();
    types.visit::<v1::ConflictView>();
    types.visit::<crate::ErrorBody>();
    // … and what they take.
    types.visit::<v1::FaultEventKind>();
    types.visit::<v1::GeoPoint>();
    types.visit::<v1::NewEntry>();
    types.visit::<v1::CapturedSignature>();
    types.visit::<v1::MovementKind>();
    types.visit::<v1::ExportRequest>();
    types.visit::<v1::Side>();
    // issue 19: the report list with its filters
    types.visit::<v1::ReportList>();
    types.visit::<v1::ReportListQuery>();
    // Inspections by plan (issue 19 item 5).
    types.visit::<v1::InspectionDetail>();
    types.visit::<v1::InspectionList>();
    types.visit::<v1::NewInspectionPlan>();
    types.visit::<v1::NewTick>();
    types.visit::<v1::NewFinding>();
    types.visit::<v1::FindingToFault>();
    // The first start (issue 19).
    types.visit::<v1::FirstStart>();
    types.visit::<v1::FirstEnrollment>();
    types.visit::<v1::EnrollForm>();
    types.visit::<v1::AloneContract>();
    types.visit::<v1::NewSiteForm>();
    // Issue 19: a call recorded in the app, Today's filter.
    types.visit::<v1::NewFault>();
    types.visit::<v1::TodayFilter>();
    // Issue 19, item 6: the stock screen's actions.
    types.visit::<v1::StockAction>();
    types.visit::<v1::TechnicianPart>();
    // Issue 19, photos.
    types.visit::<v1::PhotoView>();
    types.visit::<v1::PhotoOriginal>();
    types.visit::<v1::PhotoStage>();
    types.visit::<v1::PhotoSubject>();
    // Issue 20: backup and restore.
    types.visit::<v1::ProfileBackup>();
    types.visit::<v1::ProfileRestored>();
    // Issue 20: the About and the missing-font notice.
    types.visit::<v1::About>();

    let mut text = types.file();
    text.push_str(&presets());
    text
}

/// The office console's types (`ui/src/generated/office.ts`): every type of `office::v1` the
/// console sends or reads, and every type those contain.
pub fn office_typescript() -> String {
    use crate::office::v1 as office;
    let cfg = Config::new().with_large_int("number");
    let mut types = Declarations {
        cfg: &cfg,
        seen: HashSet::new(),
        declarations: BTreeMap::new(),
    };
    // Sign-in, accounts, grants, the audit log.
    types.visit::<office::SignInRequest>();
    types.visit::<office::SessionAnswer>();
    types.visit::<office::NewAccount>();
    types.visit::<office::Account>();
    types.visit::<office::ContractItem>();
    types.visit::<office::Grants>();
    types.visit::<office::AuditPage>();
    types.visit::<office::OfficeErrorBody>();
    // Contracts, policies and the catalogue (`office::v1::catalogue`).
    types.visit::<office::catalogue::PresetItem>();
    types.visit::<office::catalogue::ContractSummary>();
    types.visit::<office::catalogue::NewContract>();
    types.visit::<office::catalogue::ContractDetail>();
    types.visit::<office::catalogue::PolicyEdit>();
    types.visit::<office::catalogue::CloseContract>();
    types.visit::<office::catalogue::SitePage>();
    types.visit::<office::catalogue::SiteInput>();
    types.visit::<office::catalogue::DeviceInput>();
    types.visit::<office::catalogue::ImportAnswer>();
    types.visit::<office::catalogue::ImportProblem>();
    types.visit::<office::catalogue::PartItem>();
    types.visit::<office::catalogue::PartInput>();
    // Technicians, enrollment codes and laptops (`office::v1::people`).
    types.visit::<office::people::TechnicianItem>();
    types.visit::<office::people::NewTechnician>();
    types.visit::<office::people::AssignContract>();
    types.visit::<office::people::EnrollmentCodeAnswer>();
    types.visit::<office::people::LaptopItem>();
    types.visit::<office::people::RevokeLaptop>();
    types.visit::<office::people::RevokedLaptop>();
    types.visit::<office::people::CancelledCodes>();
    // The board (`office::v1::board`).
    types.visit::<office::board::BoardQuery>();
    types.visit::<office::board::Board>();
    // Taking a call, dispatching it, the force-majeure answer (`office::v1::faults`).
    types.visit::<office::faults::TakeCall>();
    types.visit::<office::faults::AssignRequest>();
    types.visit::<office::faults::ForceMajeureAnswer>();
    types.visit::<office::faults::FaultDetail>();
    let mut text = types.file();
    text.push_str(&presets());
    text
}

/// The contract presets' codes (`adopt_preset` takes one): a command argument that is a plain
/// string in Rust, so written out here from `Preset::ALL`.
fn presets() -> String {
    let codes: Vec<String> = Preset::ALL
        .iter()
        .map(|p| format!("\"{}\"", p.code()))
        .collect();
    format!(
        "\n/**\n * The contract presets' codes (`fieldlog_domain::sla::Preset`), as `adopt_preset` takes them.\n */\n\
         export type PresetCode = {};\n\
         export const PRESET_CODES: PresetCode[] = [{}];\n",
        codes.join(" | "),
        codes.join(", ")
    )
}

/// Walks a type and everything it contains, keeping one declaration per TypeScript name.
struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    declarations: BTreeMap<String, String>,
}

impl Declarations<'_> {
    /// The file: a header, then the declarations sorted by name.
    fn file(&self) -> String {
        let mut text = String::from(
            "// Generated from fieldlog-wire's Rust types (`fieldlog_wire::ui_contract`, ts-rs): do not edit.\n\
             // After changing a type that crosses to the window or the console, run\n\
             // `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and review the diff.\n",
        );
        for declaration in self.declarations.values() {
            text.push('\n');
            text.push_str(declaration);
            text.push('\n');
        }
        text
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, options, lists and maps have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(self.cfg);
        if !self.declarations.contains_key(&name) {
            let docs = T::docs().unwrap_or_default();
            let declaration = format!("{docs}export {}", T::decl(self.cfg));
            self.declarations.insert(name, declaration);
        }
        T::visit_dependencies(self);
    }
}
