//! Importing sites (点位) and their devices from a client's list, one user action: every row is
//! checked (`fieldlog_sheets::plan`, the same check the office console runs on the server), and
//! one bad row means nothing of the file is written, with every bad row reported by its row
//! number and what to fix. The plan is written in one transaction.

use crate::catalog::{self, NewDevice, NewSite};
use crate::{Result, Store, StoreError};
use fieldlog_domain::InvalidInput;
use fieldlog_domain::ids::{ContractId, SiteId};
use fieldlog_domain::site::GeoPoint;
use fieldlog_sheets::plan::device_key;
use std::collections::{HashMap, HashSet};

pub use fieldlog_sheets::{ImportReport, SiteImportRow};

impl Store {
    /// Imports sites and devices into a contract in one transaction: all rows, or none. The
    /// error lists every bad row (up to 20) by its number.
    pub fn import_sites(
        &mut self,
        contract_id: ContractId,
        rows: &[SiteImportRow],
    ) -> Result<ImportReport> {
        self.write(|tx| {
            catalog::contract(tx, contract_id)?;
            let mut sites: HashMap<String, SiteId> = catalog::sites(tx, Some(contract_id))?
                .into_iter()
                .map(|s| (s.code, s.id))
                .collect();
            let mut present = HashSet::new();
            for (code, id) in &sites {
                for d in catalog::devices(tx, *id)? {
                    present.insert(device_key(code, d.kind, &d.model, d.serial.as_deref()));
                }
            }
            let codes = sites.keys().cloned().collect();
            let plan = fieldlog_sheets::plan(rows, &codes, present).map_err(|refusal| {
                StoreError::Invalid(InvalidInput::new(
                    "file",
                    refusal.to_string(),
                    refusal.message_en(),
                ))
            })?;
            for site in plan.sites {
                let added = catalog::add_site(
                    tx,
                    NewSite {
                        contract_id,
                        code: site.code.clone(),
                        name: site.name,
                        kind: site.kind,
                        address: site.address,
                        location: site.location.map(|(lat, lon)| GeoPoint {
                            lat,
                            lon,
                            accuracy_m: None,
                        }),
                    },
                )?;
                sites.insert(site.code, added.id);
            }
            for device in plan.devices {
                catalog::add_device(
                    tx,
                    NewDevice {
                        site_id: sites[&device.site_code],
                        kind: device.kind,
                        model: device.model,
                        serial: device.serial,
                    },
                )?;
            }
            Ok(plan.report)
        })
    }
}
