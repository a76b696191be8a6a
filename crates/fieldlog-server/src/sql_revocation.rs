//! [`RevocationStore`] written once over a backend's executor (tables of migration 0008).

use super::{SqlTx, laptop_report, one, row, rows};
use crate::error::Result;
use crate::office::write::OFFICE_DEVICE;
use crate::revocation::{DeviceState, PublishedCrl, Revocation, RevocationStore};
use chrono::{DateTime, Utc};

impl RevocationStore for SqlTx<'_> {
    fn devices(&mut self) -> Result<Vec<DeviceState>> {
        // Two queries whatever the number of devices: the devices, then every serial.
        let mut devices = rows(
            self.db,
            concat!(
                "SELECT d.id, d.name, d.technician_id, t.name, d.enrolled_at,
                        r.revoked_at, r.revoked_by, r.reason, ",
                laptop_report_columns!(),
                " FROM devices d JOIN technicians t ON t.id = d.technician_id
                 LEFT JOIN device_revocations r ON r.device_id = d.id
                 WHERE d.id <> ?1
                 ORDER BY d.enrolled_at, d.id"
            ),
            params![OFFICE_DEVICE],
            |r| {
                let revocation = match r.opt_text(6)? {
                    Some(revoked_by) => Some(Revocation {
                        revoked_at: r.time(5)?,
                        revoked_by,
                        reason: r.text(7)?,
                    }),
                    None => None,
                };
                Ok(DeviceState {
                    device_id: r.text(0)?,
                    name: r.text(1)?,
                    technician_id: r.text(2)?,
                    technician_name: r.text(3)?,
                    enrolled_at: r.time(4)?,
                    certificate_serials: Vec::new(),
                    revocation,
                    report: laptop_report(r, 8)?,
                })
            },
        )?;
        let serials = rows(
            self.db,
            "SELECT device_id, serial FROM issued_certificates ORDER BY issued_at, serial",
            &[],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )?;
        let index: std::collections::HashMap<String, usize> = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.device_id.clone(), i))
            .collect();
        for (device_id, serial) in serials {
            if let Some(&i) = index.get(&device_id) {
                devices[i].certificate_serials.push(serial);
            }
        }
        Ok(devices)
    }

    fn device_revocation(&mut self, device_id: &str) -> Result<Option<Revocation>> {
        row(
            self.db,
            "SELECT revoked_at, revoked_by, reason FROM device_revocations WHERE device_id = ?1",
            params![device_id],
            |r| {
                Ok(Revocation {
                    revoked_at: r.time(0)?,
                    revoked_by: r.text(1)?,
                    reason: r.text(2)?,
                })
            },
        )
    }

    fn add_device_revocation(&mut self, device_id: &str, revocation: &Revocation) -> Result<bool> {
        let known = one(
            self.db,
            "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1 AND id <> ?2)",
            params![device_id, OFFICE_DEVICE],
            |r| r.bool(0),
        )?;
        if !known {
            return Ok(false);
        }
        self.db.execute(
            "INSERT INTO device_revocations (device_id, revoked_at, revoked_by, reason)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                device_id,
                revocation.revoked_at,
                &revocation.revoked_by,
                &revocation.reason,
            ],
        )?;
        Ok(true)
    }

    fn revoked_serials(&mut self) -> Result<Vec<(String, DateTime<Utc>)>> {
        rows(
            self.db,
            "SELECT c.serial, r.revoked_at
             FROM issued_certificates c JOIN device_revocations r ON r.device_id = c.device_id
             ORDER BY r.revoked_at, c.serial",
            &[],
            |r| Ok((r.text(0)?, r.time(1)?)),
        )
    }

    fn latest_crl(&mut self) -> Result<Option<PublishedCrl>> {
        row(
            self.db,
            "SELECT number, this_update, next_update, der FROM published_crls
             ORDER BY number DESC LIMIT 1",
            &[],
            |r| {
                Ok(PublishedCrl {
                    number: r.int(0)?,
                    this_update: r.time(1)?,
                    next_update: r.time(2)?,
                    der: r.bytes(3)?,
                })
            },
        )
    }

    fn add_crl(&mut self, crl: &PublishedCrl) -> Result<()> {
        self.db.execute(
            "INSERT INTO published_crls (number, this_update, next_update, der)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                crl.number,
                crl.this_update,
                crl.next_update,
                crl.der.as_slice()
            ],
        )?;
        Ok(())
    }

    fn setting(&mut self, name: &str) -> Result<Option<String>> {
        row(
            self.db,
            "SELECT value FROM server_settings WHERE name = ?1",
            params![name],
            |r| r.text(0),
        )
    }

    fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        self.db.execute(
            "INSERT INTO server_settings (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }
}
