//! Checking a signed PDF ourselves: the SHA-256 over its /ByteRange against the CMS
//! message-digest attribute, and the ECDSA P-256 signature over the signed attributes with the
//! certificate embedded in the CMS. This says *intact or altered*, *who*, and *who vouched for
//! them* (the issuer, and whether the embedded issuer certificate really signed the signer's);
//! whether that issuer is to be trusted is a separate question, for a validator given the
//! server's root (pyHanko `--trust`, an NSS database for pdfsig).
//!
//! The signature is found by scanning the raw bytes for the last /ByteRange rather than by
//! parsing the whole file, so a damaged or altered file still gets a verdict instead of a parse
//! error.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::db::rfc5911;
use der::asn1::OctetStringRef;
use der::{Decode, Encode, SliceReader};
use p256::ecdsa::{Signature, VerifyingKey, signature::Verifier};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::signing::SigningCertificateV2;

/// What [`verify_pdf`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The signing certificate's subject common name.
    pub signer: String,
    /// The claimed signing time (/M of the signature dictionary).
    pub signing_time: Option<DateTime<FixedOffset>>,
    /// The signed bytes are unchanged and the signature over them is valid.
    pub intact: bool,
    /// The signature covers the whole file (nothing was appended after signing).
    pub covers_whole_file: bool,
    /// The common name of the certificate's issuer: the sync server's CA for a server-issued
    /// certificate, the signer's own name for a self-issued one.
    pub issuer: String,
    /// The certificate was issued by its own subject (before the laptop enrolled).
    pub self_issued: bool,
    /// The issuer's certificate is embedded in the signature and did issue the signer's.
    /// Whether that issuer is to be trusted is the reader's call (its root is exported by the
    /// server: `fieldlog-server ca-cert`).
    pub issuer_verified: bool,
}

/// Why a file has no verifiable signature at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("文件中没有数字签名。/ The file carries no digital signature.")]
    NoSignature,
    #[error(
        "数字签名已损坏，无法读取：{0}。/ The digital signature is damaged and cannot be read: {0}."
    )]
    Malformed(String),
}

fn malformed(e: impl std::fmt::Display) -> VerifyError {
    VerifyError::Malformed(e.to_string())
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find_from(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The four integers of the last /ByteRange.
fn byte_range(bytes: &[u8]) -> Result<(usize, [usize; 4]), VerifyError> {
    let key = rfind(bytes, b"/ByteRange").ok_or(VerifyError::NoSignature)?;
    let open = find_from(bytes, b"[", key).ok_or_else(|| malformed("/ByteRange"))?;
    let close = find_from(bytes, b"]", open).ok_or_else(|| malformed("/ByteRange"))?;
    let text = std::str::from_utf8(&bytes[open + 1..close]).map_err(malformed)?;
    let numbers: Vec<usize> = text
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(malformed)?;
    let ranges: [usize; 4] = numbers
        .try_into()
        .map_err(|_| malformed("/ByteRange needs 4 numbers"))?;
    let [a, b, c, d] = ranges;
    if a.checked_add(b).is_none_or(|end| end > c)
        || c.checked_add(d).is_none_or(|end| end > bytes.len())
    {
        return Err(malformed("/ByteRange outside the file"));
    }
    Ok((key, ranges))
}

/// /M of the signature dictionary around `key`, e.g. (D:20261122174005+08'00').
fn claimed_time(bytes: &[u8], key: usize) -> Option<DateTime<FixedOffset>> {
    let start = rfind(&bytes[..key], b" obj")?;
    let end = find_from(bytes, b"endobj", key)?;
    let dict = &bytes[start..end];
    let m = dict.windows(3).position(|w| w == b"/M(" || w == b"/M ")?;
    let open = m + dict[m..].iter().position(|b| *b == b'(')?;
    let close = open + dict[open..].iter().position(|b| *b == b')')?;
    let text = std::str::from_utf8(&dict[open + 1..close]).ok()?;
    parse_pdf_date(text)
}

fn parse_pdf_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.strip_prefix("D:")?;
    let naive = NaiveDateTime::parse_from_str(text.get(..14)?, "%Y%m%d%H%M%S").ok()?;
    let zone = text.get(14..).unwrap_or("Z");
    let offset = if zone.is_empty() || zone.starts_with('Z') {
        0
    } else {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let hours: i32 = digits.get(..2)?.parse().ok()?;
        let minutes: i32 = digits.get(2..4).unwrap_or("00").parse().ok()?;
        sign * (hours * 3600 + minutes * 60)
    };
    naive
        .and_local_timezone(FixedOffset::east_opt(offset)?)
        .single()
}

fn hex_decode(hex: &[u8]) -> Result<Vec<u8>, VerifyError> {
    let digits: Vec<u8> = hex
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).map_err(malformed)?;
            u8::from_str_radix(s, 16).map_err(malformed)
        })
        .collect()
}

/// Verifies the (last) signature of a PDF.
pub fn verify_pdf(bytes: &[u8]) -> Result<Verification, VerifyError> {
    let (key, [a, b, c, d]) = byte_range(bytes)?;
    let gap = &bytes[a + b..c];
    if gap.first() != Some(&b'<') || gap.last() != Some(&b'>') {
        return Err(malformed("/Contents is not the /ByteRange gap"));
    }
    let der = hex_decode(&gap[1..gap.len() - 1])?;
    // The hex string is zero-padded after the DER: read one TLV, ignore the rest.
    let mut reader = SliceReader::new(&der).map_err(malformed)?;
    let content_info = ContentInfo::decode(&mut reader).map_err(malformed)?;
    if content_info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(malformed("not CMS SignedData"));
    }
    let signed_data: SignedData = content_info.content.decode_as().map_err(malformed)?;
    let signer_info = signed_data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| malformed("no SignerInfo"))?;
    let certificates: Vec<&Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(cert) => Some(cert),
            _ => None,
        })
        .collect();
    let certificate = certificates
        .iter()
        .find(|cert| match &signer_info.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                cert.tbs_certificate.issuer == isn.issuer
                    && cert.tbs_certificate.serial_number == isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(_) => true,
        })
        .ok_or_else(|| malformed("the signer's certificate is not embedded"))?;
    let signer =
        fieldlog_certs::common_name(&certificate.tbs_certificate.subject).unwrap_or_default();
    let issuer =
        fieldlog_certs::common_name(&certificate.tbs_certificate.issuer).unwrap_or_default();
    let self_issued = certificate.tbs_certificate.issuer == certificate.tbs_certificate.subject;
    // A server-issued certificate travels with its issuer's: check that one really issued it.
    let issuer_verified = !self_issued
        && certificates
            .iter()
            .any(|candidate| fieldlog_certs::issued_by(certificate, candidate));

    let mut hasher = Sha256::new();
    hasher.update(&bytes[a..a + b]);
    hasher.update(&bytes[c..c + d]);
    let digest = hasher.finalize();

    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| malformed("no signed attributes"))?;
    let attr_value = |oid| {
        attrs
            .iter()
            .find(|attr| attr.oid == oid)
            .and_then(|attr| attr.values.iter().next())
    };
    let digest_matches = attr_value(rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetStringRef<'_>>().ok())
        .is_some_and(|md| md.as_bytes() == digest.as_slice());
    let cert_der = certificate.to_der().map_err(malformed)?;
    // When the ESS attribute is there it must name this very certificate.
    let cert_bound = match attr_value(rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2) {
        Some(v) => v
            .decode_as::<SigningCertificateV2>()
            .ok()
            .and_then(|s| s.certs.into_iter().next())
            .is_some_and(|id| id.cert_hash.as_bytes() == Sha256::digest(&cert_der).as_slice()),
        None => true,
    };
    let signature_valid = (|| {
        let spki = certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .ok()?;
        let key =
            <VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_der(&spki).ok()?;
        let signature = Signature::from_der(signer_info.signature.as_bytes()).ok()?;
        let signed = attrs.to_der().ok()?;
        Some(key.verify(&signed, &signature).is_ok())
    })()
    .unwrap_or(false);

    Ok(Verification {
        signer,
        signing_time: claimed_time(bytes, key),
        intact: digest_matches && cert_bound && signature_valid,
        covers_whole_file: a == 0 && c + d == bytes.len(),
        issuer,
        self_issued,
        issuer_verified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_parse_with_and_without_offset() {
        let t = parse_pdf_date("D:20261122174005+08'00'").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T17:40:05+08:00");
        let t = parse_pdf_date("D:20261122094005Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T09:40:05+00:00");
    }

    #[test]
    fn a_file_without_signature_says_so() {
        assert!(matches!(
            verify_pdf(b"%PDF-1.7\n%%EOF"),
            Err(VerifyError::NoSignature)
        ));
    }
}
