//! The office's read model: every synced record of every contract the board and the monthly
//! summary compute from, decoded once (`office::facts`) and kept in memory, typed, by the server
//! process that serves the console.
//!
//! **Caught up from the feed, not rescanned.** Each read first applies the feed versions after
//! the model's cursor ([`Tx::feed_after`]), so a board refresh costs what synced since the last
//! one. The feed is append-only and in commit order (one writing transaction at a time on both
//! backends, `docs/sync-protocol.md`, "Server storage"): a version with a lower cursor value never
//! appears after a higher one was read, so the cursor can only move past what is already applied.
//! A version replaces the one before it (mergeable kinds change; evidence kinds arrive once, and a
//! repeat is the same record). Two server processes over one database each keep their own model,
//! each caught up from the same feed.

use super::facts::{
    ArrivalFact, ContractFact, DeviceFact, EntryFact, Fact, FaultFact, Receipt, ReportFact,
    SiteFact,
};
use crate::error::Result;
use crate::storage::Tx;
use fieldlog_domain::clocks::FaultFacts;
use fieldlog_domain::dispatch::Assignment;
use fieldlog_domain::fault::FaultEvent;
use fieldlog_domain::ids::{
    ArrivalId, ContractId, DeviceId, EntryId, FaultId, MovementId, PartId, ReportId, SiteId,
    TechnicianId,
};
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::stock::{SparePart, StockMovement};
use fieldlog_domain::summary::{ArrivalTime, FaultWork, SummaryInput};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard};

/// Feed versions read per query while catching up (a first read of a large server pages).
const PAGE: u32 = 5_000;

/// One fault and everything recorded about it.
#[derive(Debug, Clone, Default)]
pub struct FaultRecords {
    /// None while only its events or assignments have arrived (never, in feed order: parents
    /// come first; kept apart all the same rather than dropped).
    pub fact: Option<FaultFact>,
    /// In the order they happened (`at`, then id: UUIDv7, the order they were recorded in), as
    /// `fault::status` reads them; so the events up to an instant are a prefix.
    pub events: Vec<FaultEvent>,
    pub assignments: Vec<Assignment>,
}

/// The decoded records, by id.
#[derive(Debug, Default)]
pub struct Model {
    /// The highest feed value applied.
    pub cursor: i64,
    pub contracts: HashMap<ContractId, ContractFact>,
    pub policies: HashMap<(ContractId, u32), SlaPolicy>,
    pub sites: HashMap<SiteId, SiteFact>,
    pub devices: HashMap<DeviceId, DeviceFact>,
    pub faults: HashMap<FaultId, FaultRecords>,
    pub arrivals: HashMap<ArrivalId, ArrivalFact>,
    /// Technicians' names as their laptops' profiles give them.
    pub technicians: HashMap<TechnicianId, String>,
    pub parts: HashMap<PartId, SparePart>,
    pub movements: HashMap<MovementId, StockMovement>,
    pub reports: HashMap<ReportId, ReportFact>,
    pub entries: HashMap<EntryId, EntryFact>,
    /// Versions no reader of this build could decode, kept aside by name (and logged).
    pub unreadable: Vec<Unreadable>,
    /// Inspections (issue 19 item 5), their findings (finding → inspection) and the findings
    /// turned into faults.
    pub inspections: HashMap<uuid::Uuid, super::facts::InspectionRecord>,
    pub findings: HashMap<uuid::Uuid, uuid::Uuid>,
    pub findings_to_faults: std::collections::HashSet<uuid::Uuid>,
}

/// A feed version the read model could not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub seq: i64,
    pub entity: String,
    pub id: String,
    pub error: String,
}

/// Keeps the version with the same id in place of the old one, or adds it.
fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
    match list.iter_mut().find(|old| same(old)) {
        Some(old) => *old = item,
        None => list.push(item),
    }
}

impl Model {
    /// Applies one decoded version.
    pub fn apply(&mut self, fact: Fact) {
        match fact {
            Fact::Contract(c) => {
                self.contracts.insert(c.id, c);
            }
            Fact::Policy(p) => {
                self.policies.insert((p.contract_id, p.version), p.policy);
            }
            Fact::Site(s) => {
                self.sites.insert(s.id, s);
            }
            Fact::Device(d) => {
                self.devices.insert(d.id, d);
            }
            Fact::Fault(f) => {
                let id = f.fault.id;
                self.faults.entry(id).or_default().fact = Some(f);
            }
            Fact::Event(e) => {
                let events = &mut self.faults.entry(e.fault_id).or_default().events;
                // Evidence is append-only: a repeat is the same event, kept once.
                if let Err(at) = events.binary_search_by_key(&(e.at, e.id), |old| (old.at, old.id))
                {
                    events.insert(at, e);
                }
            }
            Fact::Assignment(a) => {
                let list = &mut self.faults.entry(a.fault_id).or_default().assignments;
                let id = a.id;
                upsert(list, a, |old| old.id == id);
            }
            Fact::Arrival(a) => {
                self.arrivals.insert(a.id, a);
            }
            Fact::Technician(t) => {
                self.technicians.insert(t.id, t.name);
            }
            Fact::Part(p) => {
                self.parts.insert(p.id, p);
            }
            Fact::Movement(m) => {
                self.movements.insert(m.id, m);
            }
            Fact::Report(r) => {
                self.reports.insert(r.id, r);
            }
            Fact::Entry(e) => {
                self.entries.insert(e.id, e);
            }
            Fact::Other => {}
            Fact::Inspection(i) => {
                self.inspections.insert(i.id, i);
            }
            Fact::Finding { id, inspection_id } => {
                self.findings.insert(id, inspection_id);
            }
            Fact::FindingFault(finding) => {
                self.findings_to_faults.insert(finding);
            }
        }
    }

    /// The month's inspection facts of contract `id`, as the laptop's store gathers them
    /// (`fieldlog_store`'s `inspection_plans::summary_facts`): every inspection of the contract
    /// (`count_inspections` picks the range's own) with its findings counted.
    pub fn inspection_facts(
        &self,
        id: ContractId,
    ) -> Vec<fieldlog_domain::inspection::InspectionFact> {
        let mut findings: HashMap<uuid::Uuid, (u32, u32)> = HashMap::new();
        for (finding, inspection) in &self.findings {
            let count = findings.entry(*inspection).or_default();
            count.0 += 1;
            if self.findings_to_faults.contains(finding) {
                count.1 += 1;
            }
        }
        self.inspections
            .values()
            .filter(|i| i.contract_id == id)
            .map(|i| {
                let (found, to_faults) = findings.get(&i.id).copied().unwrap_or_default();
                fieldlog_domain::inspection::InspectionFact {
                    id: i.id,
                    contract_id: i.contract_id,
                    kind: i.kind,
                    due_by: fieldlog_domain::inspection::due_by(i.planned_for, i.due_by),
                    done_at: i.done_at,
                    findings: found,
                    findings_to_faults: to_faults,
                }
            })
            .collect()
    }

    /// The facts the clocks of `fault` are computed from, when its policy and site are known.
    pub fn fault_facts<'a>(&'a self, records: &'a FaultRecords) -> Option<FaultFacts<'a>> {
        let fault = &records.fact.as_ref()?.fault;
        let policy = self
            .policies
            .get(&(fault.contract_id, fault.policy_version))?;
        Some(FaultFacts {
            fault,
            policy,
            device_kind: fault
                .device_id
                .and_then(|d| self.devices.get(&d))
                .map(|d| d.kind),
            site_kind: self.sites.get(&fault.site_id).map(|s| s.kind),
            events: &records.events,
        })
    }

    /// The contract with this code.
    pub fn contract_by_code(&self, code: &str) -> Option<&ContractFact> {
        self.contracts.values().find(|c| c.code == code)
    }

    /// The report entries that count (issue 19), by the domain's one rule
    /// (`report_versions::counted_entries`): not held apart, not replaced, deleted or struck, and
    /// of a corrected report only its latest signed correction's.
    fn counted_entries(&self) -> std::collections::BTreeSet<EntryId> {
        use fieldlog_domain::report_versions::{EntryVersion, ReportVersion, counted_entries};
        let reports: Vec<ReportVersion> = self
            .reports
            .values()
            .map(|r| ReportVersion {
                id: r.id,
                amends: r.amends_id,
                signed_at: r.signed_at,
            })
            .collect();
        let entries: Vec<EntryVersion> = self
            .entries
            .values()
            .map(|e| EntryVersion {
                id: e.id,
                report_id: e.report_id,
                supersedes: e.supersedes_id,
                struck: e.struck != 0,
                held: e.held_at.is_some(),
            })
            .collect();
        counted_entries(&reports, &entries)
    }

    /// Who worked on each fault: checked in for it, or wrote a report entry about it that counts
    /// (an entry held apart from a signed report, replaced or struck is nobody's work), as the
    /// laptop's summary counts it (`fieldlog_store::summary`).
    pub fn work(&self) -> Vec<FaultWork> {
        let mut work: Vec<FaultWork> = self
            .arrivals
            .values()
            .filter_map(|a| {
                Some(FaultWork {
                    fault_id: a.fault_id?,
                    technician_id: a.technician_id,
                })
            })
            .chain(self.counted_entries().into_iter().filter_map(|id| {
                let e = self.entries.get(&id)?;
                Some(FaultWork {
                    fault_id: e.fault_id?,
                    technician_id: self.reports.get(&e.report_id)?.technician_id,
                })
            }))
            .collect();
        work.sort_by_key(|w| (w.fault_id, w.technician_id));
        work.dedup();
        work
    }
}

/// Everything the monthly summary of one contract is computed from, borrowed from the model:
/// [`ContractFacts::input`] is the domain's `SummaryInput`, as `fieldlog_store::summary` gathers
/// it on a laptop (all the contract's faults: `summarise` picks the range's own).
#[derive(Debug)]
pub struct ContractFacts<'a> {
    pub contract: &'a ContractFact,
    pub faults: Vec<FaultFacts<'a>>,
    pub work: Vec<FaultWork>,
    /// Names by id, from the laptops' profiles (the caller may add the server's own names).
    pub technicians: Vec<(TechnicianId, String)>,
    pub parts: Vec<SparePart>,
    pub movements: Vec<StockMovement>,
    pub arrivals: Vec<ArrivalTime>,
}

impl ContractFacts<'_> {
    pub fn input(&self) -> SummaryInput<'_> {
        SummaryInput {
            contract_id: self.contract.id,
            faults: &self.faults,
            work: &self.work,
            technicians: &self.technicians,
            parts: &self.parts,
            movements: &self.movements,
            floor: self.contract.spare_floor(),
            arrivals: &self.arrivals,
        }
    }
}

impl Model {
    /// The summary's facts of the contract `id` (None: the model has no such contract).
    pub fn contract_facts(&self, id: ContractId) -> Option<ContractFacts<'_>> {
        let contract = self.contracts.get(&id)?;
        let mut faults: Vec<FaultFacts<'_>> = self
            .faults
            .values()
            .filter(|r| r.fact.as_ref().is_some_and(|f| f.fault.contract_id == id))
            .filter_map(|r| self.fault_facts(r))
            .collect();
        faults.sort_by_key(|f| (f.fault.reported_at, f.fault.id));
        let ids: std::collections::HashSet<FaultId> = faults.iter().map(|f| f.fault.id).collect();
        let work = self
            .work()
            .into_iter()
            .filter(|w| ids.contains(&w.fault_id))
            .collect();
        let mut technicians: Vec<(TechnicianId, String)> = self
            .technicians
            .iter()
            .map(|(id, name)| (*id, name.clone()))
            .collect();
        technicians.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
        let mut parts: Vec<SparePart> = self
            .parts
            .values()
            .filter(|p| p.contract_id == id)
            .cloned()
            .collect();
        parts.sort_by(|a, b| a.code.cmp(&b.code));
        let part_ids: std::collections::HashSet<PartId> = parts.iter().map(|p| p.id).collect();
        let mut movements: Vec<StockMovement> = self
            .movements
            .values()
            .filter(|m| part_ids.contains(&m.part_id))
            .cloned()
            .collect();
        movements.sort_by_key(|m| (m.at, m.id));
        let mut arrivals: Vec<ArrivalTime> = self
            .arrivals
            .values()
            .filter_map(|a| {
                let site = self.sites.get(&a.site_id)?;
                (site.contract_id == id).then(|| ArrivalTime {
                    arrival_id: a.id,
                    fault_id: a.fault_id,
                    site_id: a.site_id,
                    site: format!("{} {}", site.code, site.name),
                    technician_id: a.technician_id,
                    arrived_at: a.arrived_at,
                    device_suspect: a.device_suspect,
                    received: Some((a.received_at, a.server_suspect)),
                })
            })
            .collect();
        arrivals.sort_by_key(|a| (a.arrived_at, a.arrival_id));
        Some(ContractFacts {
            contract,
            faults,
            work,
            technicians,
            parts,
            movements,
            arrivals,
        })
    }
}

/// A server process's model, shared by its office requests.
#[derive(Debug, Default)]
pub struct ReadModel {
    model: RwLock<Model>,
    /// Held while a request reads and decodes the feed: after a restart, the consoles polling
    /// at once decode it once, not once each.
    catching_up: Mutex<()>,
}

/// A poisoned lock is still usable: a panic while applying left at worst a version applied
/// twice over, which is the same version.
fn unpoisoned<G>(lock: std::result::Result<G, PoisonError<G>>) -> G {
    lock.unwrap_or_else(PoisonError::into_inner)
}

impl ReadModel {
    /// The model caught up with what `tx` sees: every feed version after its cursor, read and
    /// decoded in pages outside the model's lock (one request at a time), then applied in
    /// cursor order under it. Boards compute side by side under the read lock; only applying a
    /// delta writes.
    ///
    /// A version its kind's reader refuses (a row no laptop of this build writes) is set aside
    /// in `Model::unreadable`, named, and the cursor moves past it: one bad row must not stop
    /// the board and the month close of every contract for good.
    pub fn current(&self, tx: &mut dyn Tx) -> Result<RwLockReadGuard<'_, Model>> {
        let _one_reader = unpoisoned(self.catching_up.lock());
        loop {
            let cursor = unpoisoned(self.model.read()).cursor;
            let page = tx.feed_after(cursor, PAGE)?;
            let full = page.len() == PAGE as usize;
            if !page.is_empty() {
                let facts: Vec<(i64, std::result::Result<Fact, Unreadable>)> = page
                    .into_iter()
                    .map(|version| {
                        let receipt = Receipt {
                            received_at: version.received_at,
                            clock_suspect: version.clock_suspect,
                        };
                        let fact = super::facts::fact(&version.entity, &version.row, receipt)
                            .map_err(|e| Unreadable {
                                seq: version.seq,
                                entity: version.entity.clone(),
                                id: version.id.clone(),
                                error: e.to_string(),
                            });
                        (version.seq, fact)
                    })
                    .collect();
                let mut model = unpoisoned(self.model.write());
                for (seq, fact) in facts {
                    if seq > model.cursor {
                        match fact {
                            Ok(fact) => model.apply(fact),
                            Err(unreadable) => {
                                eprintln!(
                                    "office read model: feed {} ({} {}) set aside: {}",
                                    unreadable.seq,
                                    unreadable.entity,
                                    unreadable.id,
                                    unreadable.error
                                );
                                model.unreadable.push(unreadable);
                            }
                        }
                        model.cursor = seq;
                    }
                }
            }
            if !full {
                return Ok(unpoisoned(self.model.read()));
            }
        }
    }
}
