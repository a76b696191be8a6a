//! The server's certificate authority: an ECDSA P-256 key and a self-signed root, made on first
//! use and kept in the server's database (table `server_ca`, backed up with the data; the key
//! is never served: HTTP answers carry certificates only). At enrollment it issues the laptop a
//! PDF-signing certificate for the public key the laptop sent (`docs/sync-protocol.md`), so a
//! validator that trusts the root (`fieldlog-server ca-cert`) accepts every technician's
//! signature. The same root can issue the server's own TLS certificate (`tls-cert`).

use crate::error::{Result, ServerError};
use crate::storage::{IssuedCertificateRecord, Tx};
use chrono::{DateTime, Utc};
use fieldlog_certs::{Authority, Purpose, SubjectPublicKeyInfoOwned};
use fieldlog_wire::sync::v1::IssuedCertificate;

/// The root is meant to outlive every laptop: 20 years.
pub const ROOT_VALID_DAYS: u32 = 7305;
/// A technician's certificate: two years, then the laptop enrolls again.
pub const SIGNING_VALID_DAYS: u32 = 730;

fn cert_err(error: fieldlog_certs::CertError) -> ServerError {
    ServerError::Authority(error.to_string())
}

/// The CA, made and kept on first use (inside the caller's transaction, so two processes racing
/// to make it end with one: the first to commit).
pub fn authority(tx: &mut dyn Tx, now: DateTime<Utc>) -> Result<Authority> {
    // What it issues names the CRL at the server's public address (crate::revocation).
    let crl_url = crate::revocation::crl_url(tx)?;
    if let Some((key_pem, certificate_pem)) = tx.server_ca()? {
        return Authority::from_pem(&key_pem, &certificate_pem)
            .map(|a| a.with_crl_url(crl_url))
            .map_err(cert_err);
    }
    // A random suffix tells two servers' roots apart by name (an NSS database, for one, is
    // confused by two different certificates of the same subject).
    let suffix = crate::rules::random_secret(4);
    let made = Authority::generate(
        &format!("Fieldlog 签名根证书 {suffix}"),
        Some("Fieldlog"),
        now,
        ROOT_VALID_DAYS,
    )
    .map_err(cert_err)?;
    tx.init_server_ca(&made.key_pem(), &made.certificate_pem(), now)?;
    let (key_pem, certificate_pem) = tx
        .server_ca()?
        .ok_or_else(|| ServerError::Storage("server_ca row missing after insert".into()))?;
    Authority::from_pem(&key_pem, &certificate_pem)
        .map(|a| a.with_crl_url(crl_url))
        .map_err(cert_err)
}

/// Reads the public key a laptop sent, refusing anything but a P-256 SubjectPublicKeyInfo PEM.
pub fn check_public_key(pem: &str) -> Result<SubjectPublicKeyInfoOwned> {
    if pem.len() > 4096 {
        return Err(ServerError::Malformed(
            "签名公钥过长 (signing_public_key is too long)".into(),
        ));
    }
    fieldlog_certs::public_key_from_pem(pem).map_err(|e| {
        ServerError::Malformed(format!(
            "签名公钥无法读取 (signing_public_key must be a P-256 public key PEM): {e}"
        ))
    })
}

/// Issues the technician's PDF-signing certificate for `public_key` and records it.
pub fn issue_signing_certificate(
    tx: &mut dyn Tx,
    technician_id: &str,
    technician_name: &str,
    device_id: &str,
    public_key: SubjectPublicKeyInfoOwned,
    now: DateTime<Utc>,
) -> Result<IssuedCertificate> {
    let authority = authority(tx, now)?;
    let subject = fieldlog_certs::name(technician_name, Some("Fieldlog"), Some(technician_id))
        .map_err(cert_err)?;
    let certificate = authority
        .issue(
            &Purpose::DocumentSigning,
            subject,
            public_key,
            now,
            SIGNING_VALID_DAYS,
        )
        .map_err(cert_err)?;
    let issued = IssuedCertificate {
        certificate_pem: fieldlog_certs::certificate_pem(&certificate),
        chain_pem: vec![authority.certificate_pem()],
        serial: fieldlog_certs::serial_hex(&certificate),
        not_after: fieldlog_certs::not_after(&certificate),
    };
    tx.add_issued_certificate(&IssuedCertificateRecord {
        serial: issued.serial.clone(),
        technician_id: technician_id.to_owned(),
        device_id: device_id.to_owned(),
        not_after: issued.not_after,
        issued_at: now,
        certificate_pem: issued.certificate_pem.clone(),
    })?;
    Ok(issued)
}
