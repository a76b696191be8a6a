//! What the work is about: the profile's technician, contracts with their SLA policies, sites,
//! devices and the spare parts kept for each contract. Provisioned by an admin (and later by sync);
//! the technician mostly reads it.

use crate::sql::parse;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::contract::{Contract, SpareFloor};
use fieldlog_domain::ids::{ContractId, DeviceId, PartId, SiteId, TechnicianId};
use fieldlog_domain::site::{Device, DeviceKind, GeoPoint, Site, SiteKind};
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::stock::{SpareKind, SparePart};
use fieldlog_domain::technician::Technician;
use fieldlog_domain::{catalogue, validate};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

const PROFILE_KEY: &str = "profile_technician_id";

pub(crate) fn profile(conn: &Connection) -> Result<Option<Technician>> {
    Ok(conn
        .query_row(
            "SELECT t.id, t.name, t.staff_no FROM meta m JOIN technicians t ON t.id = m.value
             WHERE m.key = ?1",
            [PROFILE_KEY],
            technician_row,
        )
        .optional()?)
}

pub(crate) fn init_profile(
    conn: &Connection,
    name: &str,
    staff_no: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Technician> {
    if let Some(existing) = profile(conn)? {
        return Ok(existing);
    }
    let technician = add_technician(conn, name, staff_no, now)?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        (PROFILE_KEY, technician.id.to_string()),
    )?;
    Ok(technician)
}

/// Sets the profile's technician's name and staff number, creating the profile on first use.
pub(crate) fn set_profile(
    conn: &Connection,
    name: &str,
    staff_no: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Technician> {
    let Some(existing) = profile(conn)? else {
        return init_profile(conn, name, staff_no, now);
    };
    let name = validate::required_text("name", "姓名", name, 50)?;
    let staff_no = validate::optional_text("staff_no", "工号", staff_no.unwrap_or(""), 32)?;
    conn.execute(
        "UPDATE technicians SET name = ?2, staff_no = ?3 WHERE id = ?1",
        (existing.id.to_string(), &name, &staff_no),
    )?;
    Ok(Technician {
        id: existing.id,
        name,
        staff_no,
    })
}

pub(crate) fn add_technician(
    conn: &Connection,
    name: &str,
    staff_no: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Technician> {
    let technician = Technician {
        id: TechnicianId(Uuid::now_v7()),
        name: validate::required_text("name", "姓名", name, 50)?,
        staff_no: validate::optional_text("staff_no", "工号", staff_no.unwrap_or(""), 32)?,
    };
    conn.execute(
        "INSERT INTO technicians (id, name, staff_no, created_at) VALUES (?1, ?2, ?3, ?4)",
        (
            technician.id.to_string(),
            &technician.name,
            &technician.staff_no,
            now,
        ),
    )?;
    Ok(technician)
}

fn technician_row(row: &Row<'_>) -> rusqlite::Result<Technician> {
    Ok(Technician {
        id: parse(row, 0)?,
        name: row.get(1)?,
        staff_no: row.get(2)?,
    })
}

pub(crate) fn technician(conn: &Connection, id: TechnicianId) -> Result<Technician> {
    conn.query_row(
        "SELECT id, name, staff_no FROM technicians WHERE id = ?1",
        [id.to_string()],
        technician_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("technician", id))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn add_contract(
    conn: &Connection,
    code: &str,
    name: &str,
    client: &str,
    service_start: NaiveDate,
    service_end: NaiveDate,
    spare_floor: SpareFloor,
    policy: &SlaPolicy,
    now: DateTime<Utc>,
) -> Result<Contract> {
    let text = catalogue::check_contract(code, name, client, service_start, service_end)?;
    let contract = Contract {
        id: ContractId(Uuid::now_v7()),
        code: text.code,
        name: text.name,
        client: text.client,
        service_start,
        service_end,
        spare_floor,
        policy_version: 1,
        policy: policy.clone(),
    };
    if contract_by_code(conn, &contract.code)?.is_some() {
        return Err(StoreError::conflict(
            format!("合同编号“{}”已存在", contract.code),
            format!("contract code '{}' already exists", contract.code),
        ));
    }
    conn.execute(
        // Made on the laptop: its technician keeps its catalogue, parts too (issue 19).
        "INSERT INTO contracts (id, code, name, client, service_start, service_end,
                                floor_units, floor_parts, policy_version, technicians_add_parts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1)",
        rusqlite::params![
            contract.id.to_string(),
            contract.code,
            contract.name,
            contract.client,
            service_start,
            service_end,
            spare_floor.units,
            spare_floor.parts,
        ],
    )?;
    conn.execute(
        "INSERT INTO sla_policies (contract_id, version, policy, created_at) VALUES (?1, 1, ?2, ?3)",
        (
            contract.id.to_string(),
            serde_json::to_string(policy).expect("policy serialises"),
            now,
        ),
    )?;
    Ok(contract)
}

const CONTRACT_COLUMNS: &str = "c.id, c.code, c.name, c.client, c.service_start, c.service_end,
     c.floor_units, c.floor_parts, c.policy_version, p.policy
     FROM contracts c JOIN sla_policies p ON p.contract_id = c.id AND p.version = c.policy_version";

fn contract_row(row: &Row<'_>) -> rusqlite::Result<Contract> {
    Ok(Contract {
        id: parse(row, 0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        client: row.get(3)?,
        service_start: row.get(4)?,
        service_end: row.get(5)?,
        spare_floor: SpareFloor {
            units: row.get(6)?,
            parts: row.get(7)?,
        },
        policy_version: row.get(8)?,
        policy: crate::sql::json(row, 9)?,
    })
}

pub(crate) fn contracts(conn: &Connection) -> Result<Vec<Contract>> {
    let mut stmt = conn.prepare(&format!("SELECT {CONTRACT_COLUMNS} ORDER BY c.code"))?;
    Ok(stmt
        .query_map([], contract_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn contract(conn: &Connection, id: ContractId) -> Result<Contract> {
    conn.query_row(
        &format!("SELECT {CONTRACT_COLUMNS} WHERE c.id = ?1"),
        [id.to_string()],
        contract_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("contract", id))
}

pub(crate) fn contract_by_code(conn: &Connection, code: &str) -> Result<Option<Contract>> {
    Ok(conn
        .query_row(
            &format!("SELECT {CONTRACT_COLUMNS} WHERE c.code = ?1"),
            [code],
            contract_row,
        )
        .optional()?)
}

/// A site as entered.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    pub address: String,
    pub location: Option<GeoPoint>,
}

pub(crate) fn add_site(conn: &Connection, input: NewSite) -> Result<Site> {
    contract(conn, input.contract_id)?;
    let text = catalogue::check_site(&input.code, &input.name, &input.address)?;
    let site = Site {
        id: SiteId(Uuid::now_v7()),
        contract_id: input.contract_id,
        code: text.code,
        name: text.name,
        kind: input.kind,
        address: text.address,
        location: input.location,
    };
    let clash: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sites WHERE contract_id = ?1 AND code = ?2)",
        (site.contract_id.to_string(), &site.code),
        |r| r.get(0),
    )?;
    if clash {
        return Err(StoreError::conflict(
            format!("点位编号“{}”在该合同中已存在", site.code),
            format!("site code '{}' already exists in this contract", site.code),
        ));
    }
    conn.execute(
        "INSERT INTO sites (id, contract_id, code, name, kind, address, lat, lon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            site.id.to_string(),
            site.contract_id.to_string(),
            site.code,
            site.name,
            site.kind.code(),
            site.address,
            site.location.map(|l| l.lat),
            site.location.map(|l| l.lon),
        ],
    )?;
    Ok(site)
}

const SITE_COLUMNS: &str = "id, contract_id, code, name, kind, address, lat, lon FROM sites";

fn site_row(row: &Row<'_>) -> rusqlite::Result<Site> {
    let lat: Option<f64> = row.get(6)?;
    let lon: Option<f64> = row.get(7)?;
    Ok(Site {
        id: parse(row, 0)?,
        contract_id: parse(row, 1)?,
        code: row.get(2)?,
        name: row.get(3)?,
        kind: parse(row, 4)?,
        address: row.get(5)?,
        location: lat.zip(lon).map(|(lat, lon)| GeoPoint {
            lat,
            lon,
            accuracy_m: None,
        }),
    })
}

pub(crate) fn site(conn: &Connection, id: SiteId) -> Result<Site> {
    conn.query_row(
        &format!("SELECT {SITE_COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        site_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("site", id))
}

pub(crate) fn sites(conn: &Connection, contract_id: Option<ContractId>) -> Result<Vec<Site>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SITE_COLUMNS} WHERE ?1 IS NULL OR contract_id = ?1 ORDER BY code"
    ))?;
    Ok(stmt
        .query_map([contract_id.map(|c| c.to_string())], site_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// A device as entered.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub site_id: SiteId,
    pub kind: DeviceKind,
    pub model: String,
    pub serial: Option<String>,
}

pub(crate) fn add_device(conn: &Connection, input: NewDevice) -> Result<Device> {
    site(conn, input.site_id)?;
    let (model, serial) = catalogue::check_device(&input.model, input.serial.as_deref())?;
    let device = Device {
        id: DeviceId(Uuid::now_v7()),
        site_id: input.site_id,
        kind: input.kind,
        model,
        serial,
    };
    conn.execute(
        "INSERT INTO devices (id, site_id, kind, model, serial) VALUES (?1, ?2, ?3, ?4, ?5)",
        (
            device.id.to_string(),
            device.site_id.to_string(),
            device.kind.code(),
            &device.model,
            &device.serial,
        ),
    )?;
    Ok(device)
}

fn device_row(row: &Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: parse(row, 0)?,
        site_id: parse(row, 1)?,
        kind: parse(row, 2)?,
        model: row.get(3)?,
        serial: row.get(4)?,
    })
}

pub(crate) fn device(conn: &Connection, id: DeviceId) -> Result<Device> {
    conn.query_row(
        "SELECT id, site_id, kind, model, serial FROM devices WHERE id = ?1",
        [id.to_string()],
        device_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("device", id))
}

/// Every device at a site of the contract, in one query (a catalogue has hundreds of sites).
pub(crate) fn devices_of_contract(
    conn: &Connection,
    contract_id: ContractId,
) -> Result<Vec<Device>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.site_id, d.kind, d.model, d.serial FROM devices d
         JOIN sites s ON s.id = d.site_id WHERE s.contract_id = ?1 ORDER BY d.site_id, d.id",
    )?;
    Ok(stmt
        .query_map([contract_id.to_string()], device_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn devices(conn: &Connection, site_id: SiteId) -> Result<Vec<Device>> {
    let mut stmt = conn.prepare(
        "SELECT id, site_id, kind, model, serial FROM devices WHERE site_id = ?1 ORDER BY id",
    )?;
    Ok(stmt
        .query_map([site_id.to_string()], device_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Checks that a device, when named, sits at the site named.
pub(crate) fn check_device_at_site(
    conn: &Connection,
    device_id: Option<DeviceId>,
    site: &Site,
) -> Result<()> {
    if let Some(device_id) = device_id {
        let device = device(conn, device_id)?;
        if device.site_id != site.id {
            return Err(StoreError::conflict(
                format!("该设备不在点位“{}”，请重新选择设备", site.name),
                format!("the device is not at site {}", site.code),
            ));
        }
    }
    Ok(())
}

/// A spare part kind as entered.
#[derive(Debug, Clone)]
pub struct NewPart {
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
}

pub(crate) fn add_part(conn: &Connection, input: NewPart) -> Result<SparePart> {
    add_part_as(conn, input, true)
}

/// Adds a part saying whether it is a spare of the contract's main equipment (主要设备), which
/// the spare floor counts.
pub(crate) fn add_part_as(
    conn: &Connection,
    input: NewPart,
    main_equipment: bool,
) -> Result<SparePart> {
    contract(conn, input.contract_id)?;
    let (code, name, model) =
        catalogue::check_part(&input.code, &input.name, input.model.as_deref())?;
    let part = SparePart {
        id: PartId(Uuid::now_v7()),
        contract_id: input.contract_id,
        code,
        name,
        kind: input.kind,
        model,
        main_equipment,
    };
    conn.execute(
        "INSERT INTO spare_parts (id, contract_id, code, name, kind, model, main_equipment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            part.id.to_string(),
            part.contract_id.to_string(),
            &part.code,
            &part.name,
            part.kind.code(),
            &part.model,
            part.main_equipment,
        ),
    )
    .map_err(|e| match StoreError::from(e) {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::conflict(
                format!("物料编码“{}”在该合同中已存在", part.code),
                format!("part code '{}' already exists in this contract", part.code),
            )
        }
        other => other,
    })?;
    Ok(part)
}

const PART_COLUMNS: &str =
    "id, contract_id, code, name, kind, model, main_equipment FROM spare_parts";

fn part_row(row: &Row<'_>) -> rusqlite::Result<SparePart> {
    Ok(SparePart {
        id: parse(row, 0)?,
        contract_id: parse(row, 1)?,
        code: row.get(2)?,
        name: row.get(3)?,
        kind: parse(row, 4)?,
        model: row.get(5)?,
        main_equipment: row.get(6)?,
    })
}

pub(crate) fn part(conn: &Connection, id: PartId) -> Result<SparePart> {
    conn.query_row(
        &format!("SELECT {PART_COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        part_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("part", id))
}

pub(crate) fn parts(conn: &Connection, contract_id: ContractId) -> Result<Vec<SparePart>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PART_COLUMNS} WHERE contract_id = ?1 ORDER BY kind DESC, code"
    ))?;
    Ok(stmt
        .query_map([contract_id.to_string()], part_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Finds a record by its id or by a human code column (site or part number, contract code, serial). A code used
/// in two contracts is ambiguous and must be given as an id.
fn resolve_by_code<T>(
    conn: &Connection,
    key: &str,
    table: &'static str,
    column: &'static str,
    what: &'static str,
    by_id: impl Fn(Uuid) -> T,
) -> Result<T> {
    let key = key.trim();
    if let Ok(uuid) = Uuid::parse_str(key) {
        return Ok(by_id(uuid));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {table} WHERE {column} = ?1 LIMIT 2"
    ))?;
    let ids: Vec<Uuid> = stmt
        .query_map([key], |r| parse(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [id] => Ok(by_id(*id)),
        [] => Err(StoreError::not_found(what, key)),
        _ => Err(StoreError::conflict(
            format!("编号“{key}”在多个合同中都有，请改用 ID"),
            format!("code '{key}' is used in more than one contract; use the id"),
        )),
    }
}

impl Store {
    /// Adds a contract with its first SLA policy version (admin action).
    #[allow(clippy::too_many_arguments)]
    pub fn add_contract(
        &mut self,
        code: &str,
        name: &str,
        client: &str,
        service_start: NaiveDate,
        service_end: NaiveDate,
        spare_floor: SpareFloor,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<Contract> {
        self.write(|tx| {
            add_contract(
                tx,
                code,
                name,
                client,
                service_start,
                service_end,
                spare_floor,
                policy,
                now,
            )
        })
    }

    pub fn contracts(&self) -> Result<Vec<Contract>> {
        contracts(&self.conn)
    }

    pub fn contract(&self, id: ContractId) -> Result<Contract> {
        contract(&self.conn, id)
    }

    /// A contract by id or code.
    pub fn resolve_contract(&self, key: &str) -> Result<Contract> {
        let id = resolve_by_code(&self.conn, key, "contracts", "code", "contract", ContractId)?;
        self.contract(id)
    }

    pub fn add_technician(
        &mut self,
        name: &str,
        staff_no: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Technician> {
        self.write(|tx| add_technician(tx, name, staff_no, now))
    }

    pub fn technician(&self, id: TechnicianId) -> Result<Technician> {
        technician(&self.conn, id)
    }

    pub fn add_site(&mut self, input: NewSite) -> Result<Site> {
        self.write(|tx| add_site(tx, input))
    }

    pub fn site(&self, id: SiteId) -> Result<Site> {
        site(&self.conn, id)
    }

    pub fn sites(&self, contract_id: Option<ContractId>) -> Result<Vec<Site>> {
        sites(&self.conn, contract_id)
    }

    /// A site by id or point code.
    pub fn resolve_site(&self, key: &str) -> Result<Site> {
        let id = resolve_by_code(&self.conn, key, "sites", "code", "site", SiteId)?;
        self.site(id)
    }

    pub fn add_device(&mut self, input: NewDevice) -> Result<Device> {
        self.write(|tx| add_device(tx, input))
    }

    pub fn device(&self, id: DeviceId) -> Result<Device> {
        device(&self.conn, id)
    }

    pub fn part(&self, id: PartId) -> Result<SparePart> {
        part(&self.conn, id)
    }

    /// A device by id or serial number.
    pub fn resolve_device(&self, key: &str) -> Result<Device> {
        let id = resolve_by_code(&self.conn, key, "devices", "serial", "device", DeviceId)?;
        device(&self.conn, id)
    }

    pub fn devices(&self, site_id: SiteId) -> Result<Vec<Device>> {
        devices(&self.conn, site_id)
    }

    /// Every device at the contract's sites.
    pub fn contract_devices(&self, contract_id: ContractId) -> Result<Vec<Device>> {
        devices_of_contract(&self.conn, contract_id)
    }

    pub fn add_part(&mut self, input: NewPart) -> Result<SparePart> {
        self.write(|tx| add_part(tx, input))
    }

    /// Adds a part that says whether it is a spare of the main equipment (the floor counts those).
    pub fn add_part_as(&mut self, input: NewPart, main_equipment: bool) -> Result<SparePart> {
        self.write(|tx| add_part_as(tx, input, main_equipment))
    }

    /// Says whether a part is a spare of the contract's main equipment (主要设备).
    pub fn set_part_main_equipment(
        &mut self,
        part_id: PartId,
        main_equipment: bool,
    ) -> Result<SparePart> {
        self.write(|tx| {
            part(tx, part_id)?;
            tx.execute(
                "UPDATE spare_parts SET main_equipment = ?2 WHERE id = ?1 AND main_equipment <> ?2",
                (part_id.to_string(), main_equipment),
            )?;
            part(tx, part_id)
        })
    }

    pub fn parts(&self, contract_id: ContractId) -> Result<Vec<SparePart>> {
        parts(&self.conn, contract_id)
    }

    /// A spare part by id or material code.
    pub fn resolve_part(&self, key: &str) -> Result<SparePart> {
        let id = resolve_by_code(&self.conn, key, "spare_parts", "code", "part", PartId)?;
        part(&self.conn, id)
    }
}
