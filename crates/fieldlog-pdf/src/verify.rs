//! Checking a signed PDF ourselves, *every* signature in it: the SHA-256 over its /ByteRange
//! against the CMS message-digest attribute, the ECDSA P-256 signature over the signed
//! attributes with the certificate embedded in the CMS, which revision of the file each covers,
//! and whether anything follows the last one.
//!
//! A signer is **trusted** only through a certificate path to a root the user configured (the
//! sync server's root saved at enrollment, or `--trust FILE`), every link issued by a real CA
//! (basicConstraints), valid at the signing time, and on no CRL at hand. Certificates the
//! signature carries are only candidates for the path: anyone can make a "server CA" of any
//! name and embed it. A valid signature whose path reaches no configured root is "intact, but
//! the signer is not verified"; a revision added after a signature by such a signer makes the
//! file not intact, since what it shows is not what the first signer signed.
//!
//! Signatures are found by scanning the raw bytes for /ByteRange rather than by parsing the
//! whole file, so a damaged or altered file still gets a verdict instead of a parse error.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::db::rfc5911;
use der::asn1::OctetStringRef;
use der::{Decode, Encode, SliceReader};
use p256::ecdsa::{Signature, VerifyingKey, signature::Verifier};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use fieldlog_certs::timestamp::SigningCertificateV2;

/// What the user trusts: the roots a signer's certificate must chain to (the sync server's root
/// saved at enrollment, or files given with `--trust`), and the CRLs at hand.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub roots: Vec<Certificate>,
    pub crls: Vec<fieldlog_certs::CertificateList>,
}

impl Trust {
    /// Adds every certificate of a PEM text (or one DER certificate) as a root.
    pub fn add_roots(&mut self, bytes: &[u8]) -> Result<(), VerifyError> {
        let text = std::str::from_utf8(bytes).ok().map(str::trim);
        let certificates = match text.filter(|t| t.starts_with("-----BEGIN")) {
            Some(pem) => fieldlog_certs::certificates_from_pem(pem),
            None => fieldlog_certs::certificate_from_der(bytes).map(|c| vec![c]),
        }
        .map_err(|e| VerifyError::Trust(e.detail()))?;
        self.roots.extend(certificates);
        Ok(())
    }

    /// Adds a CRL (PEM or DER).
    pub fn add_crl(&mut self, bytes: &[u8]) -> Result<(), VerifyError> {
        let crl =
            fieldlog_certs::crl_from_bytes(bytes).map_err(|e| VerifyError::Trust(e.detail()))?;
        self.crls.push(crl);
        Ok(())
    }
}

/// Whether a signer is vouched for by a root the user configured.
#[derive(Debug, Clone, PartialEq)]
pub enum SignerTrust {
    /// The certificate chains to a configured root (its common name), and no CRL at hand
    /// lists any certificate of the chain.
    Trusted { root: String },
    /// The chain leads to a certificate nobody configured: a self-issued certificate, or a CA
    /// the signature carries along (which anyone can make up, under any name).
    NotVerified { top: String },
    /// The chain is broken (an issuer that is no CA, a certificate outside its validity).
    Invalid { reason: String },
    /// A certificate of the chain is on its issuer's CRL.
    Revoked {
        serial: String,
        subject: String,
        at: DateTime<chrono::Utc>,
    },
}

/// One signature of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureCheck {
    /// The signing certificate's subject common name.
    pub signer: String,
    /// The claimed signing time (/M of the signature dictionary).
    pub signing_time: Option<DateTime<FixedOffset>>,
    /// The signed bytes are unchanged and the signature over them is valid.
    pub intact: bool,
    /// Which revision of the file the signature covers (1 = the original; each incremental
    /// update adds one), and how many bytes.
    pub revision: usize,
    pub covered_bytes: usize,
    /// The common name of the certificate's issuer.
    pub issuer: String,
    /// The certificate was issued by its own subject.
    pub self_issued: bool,
    pub trust: SignerTrust,
    /// The RFC 3161 time stamp over the signature value (PAdES B-T), when it carries one.
    pub timestamp: Option<TimeStampCheck>,
}

/// A signature's time stamp.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeStampCheck {
    /// A token that stamps this signature value, signed by a time-stamping certificate:
    /// `time`, by `tsa`; `trust` is that certificate's path to a configured root at `time`.
    Valid {
        time: DateTime<chrono::Utc>,
        tsa: String,
        trust: SignerTrust,
    },
    /// A token that does not check out (another signature's, altered, not a TSA's).
    Invalid { reason: String },
}

impl TimeStampCheck {
    /// The stamped time when the token is valid and its TSA trusted.
    pub fn trusted_time(&self) -> Option<DateTime<chrono::Utc>> {
        match self {
            TimeStampCheck::Valid {
                time,
                trust: SignerTrust::Trusted { .. },
                ..
            } => Some(*time),
            _ => None,
        }
    }
}

fn path_trust(status: fieldlog_certs::PathStatus) -> SignerTrust {
    match status {
        fieldlog_certs::PathStatus::Trusted { root } => SignerTrust::Trusted { root },
        fieldlog_certs::PathStatus::UnknownRoot { top } => SignerTrust::NotVerified { top },
        fieldlog_certs::PathStatus::Invalid { reason } => SignerTrust::Invalid { reason },
        fieldlog_certs::PathStatus::Revoked {
            serial,
            subject,
            at,
        } => SignerTrust::Revoked {
            serial,
            subject,
            at,
        },
    }
}

fn time_stamp(signer_info: &cms::signed_data::SignerInfo, trust: &Trust) -> Option<TimeStampCheck> {
    let attr = signer_info
        .unsigned_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == fieldlog_certs::timestamp::ID_AA_TIME_STAMP_TOKEN)?;
    let checked = attr
        .values
        .iter()
        .next()
        .and_then(|token| token.to_der().ok())
        .ok_or_else(|| "empty attribute".to_owned())
        .and_then(|token| {
            fieldlog_certs::timestamp::check_token(&token, signer_info.signature.as_bytes(), None)
                .map_err(|e| e.to_string())
        });
    Some(match checked {
        Ok(stamped) => TimeStampCheck::Valid {
            time: stamped.time,
            tsa: fieldlog_certs::common_name(&stamped.tsa.tbs_certificate.subject)
                .unwrap_or_default(),
            trust: path_trust(fieldlog_certs::check_path(
                &stamped.tsa,
                &stamped.certificates,
                &trust.roots,
                &trust.crls,
                stamped.time,
            )),
        },
        Err(reason) => TimeStampCheck::Invalid { reason },
    })
}

/// The verdict over the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every signature intact and trusted, and nothing follows the last one.
    Trusted,
    /// The one signature is intact and covers the whole file, but its signer does not chain to
    /// a configured root: anyone can make such a certificate under any name.
    SignerNotVerified,
    /// A signature is broken, something follows the last signature, a revision was added after
    /// a signature by a signer who is not trusted, or a certificate is revoked or invalid.
    NotIntact,
}

/// What [`verify_pdf`] found: every signature in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub signatures: Vec<SignatureCheck>,
    /// How many revisions the file has (incremental updates + 1).
    pub revisions: usize,
    /// Bytes after the end of the last signature's range (0: it covers the whole file).
    pub bytes_after_last_signature: usize,
    pub verdict: Verdict,
    /// The last signature's signer.
    pub signer: String,
    /// The last signature's claimed time.
    pub signing_time: Option<DateTime<FixedOffset>>,
    /// Every signature is cryptographically intact.
    pub intact: bool,
    /// The last signature covers the whole file.
    pub covers_whole_file: bool,
}

impl Verification {
    /// Why the verdict is what it is, one sentence (Chinese, then English).
    pub fn reason(&self) -> String {
        let last = self.signatures.len();
        if let Some((i, _)) = self.signatures.iter().enumerate().find(|(_, s)| !s.intact) {
            return format!(
                "第 {} 个签名与内容不符：签名后内容被改动 / signature {} does not match the content: it was altered after signing",
                i + 1,
                i + 1
            );
        }
        if self.bytes_after_last_signature > 0 {
            return format!(
                "最后一个签名之后还追加了 {} 字节未签名的内容 / {} unsigned bytes follow the last signature",
                self.bytes_after_last_signature, self.bytes_after_last_signature
            );
        }
        for (i, s) in self.signatures.iter().enumerate() {
            match &s.trust {
                SignerTrust::Revoked { subject, at, .. } => {
                    return format!(
                        "第 {} 个签名的证书（{subject}）已于 {} 被吊销 / the certificate of signature {} ({subject}) was revoked on {}",
                        i + 1,
                        at.format("%Y-%m-%d %H:%M UTC"),
                        i + 1,
                        at.format("%Y-%m-%d %H:%M UTC")
                    );
                }
                SignerTrust::Invalid { reason } => {
                    return format!("第 {} 个签名：{reason} / signature {}", i + 1, i + 1);
                }
                SignerTrust::NotVerified { top } if i + 1 < last || last > 1 => {
                    return format!(
                        "第 {} 个签名（{}）的证书链到“{top}”为止，不是您信任的根证书；文件在第一个签名之后被他人改动并重新签名 / signature {} ({}) chains only to “{top}”, not a trusted root: the file was changed and re-signed after the first signature",
                        i + 1,
                        s.signer,
                        i + 1,
                        s.signer
                    );
                }
                SignerTrust::NotVerified { top } => {
                    return format!(
                        "签名完好，但签字人未经核实：证书链到“{top}”为止，不是您信任的根证书（用 --trust 指定服务器根证书，或先注册本机） / intact, but the signer is not verified: the chain ends at “{top}”, which is not a trusted root (give the server's root with --trust, or enroll)"
                    );
                }
                _ => {}
            }
        }
        "签名完好，签字人经您信任的根证书核实 / intact, and the signer is verified by a trusted root".into()
    }
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
    #[error("无法读取信任的根证书或吊销列表：{0}。/ Cannot read the trusted root or the CRL: {0}.")]
    Trust(String),
}

impl VerifyError {
    /// The sentence in one language (the `Display` text carries both).
    pub fn said_in(&self, lang: fieldlog_domain::Lang) -> String {
        use fieldlog_domain::Lang::{En, ZhCn};
        match (self, lang) {
            (VerifyError::NoSignature, ZhCn) => "文件中没有数字签名。".into(),
            (VerifyError::NoSignature, En) => "The file carries no digital signature.".into(),
            (VerifyError::Malformed(e), ZhCn) => format!("数字签名已损坏，无法读取：{e}。"),
            (VerifyError::Malformed(e), En) => {
                format!("The digital signature is damaged and cannot be read: {e}.")
            }
            (VerifyError::Trust(e), ZhCn) => format!("无法读取信任的根证书或吊销列表：{e}。"),
            (VerifyError::Trust(e), En) => format!("Cannot read the trusted root or the CRL: {e}."),
        }
    }
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

/// Where every /ByteRange key sits, in file order.
fn byte_range_keys(bytes: &[u8]) -> Vec<usize> {
    let needle = b"/ByteRange";
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// The four integers of the /ByteRange at `key`.
fn byte_range(bytes: &[u8], key: usize) -> Result<(usize, [usize; 4]), VerifyError> {
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

/// Verifies every signature of a PDF, trusting nobody: each signer is at best "not verified".
pub fn verify_pdf(bytes: &[u8]) -> Result<Verification, VerifyError> {
    verify_pdf_trusting(bytes, &Trust::default())
}

/// How many revisions end at or before `end`: each revision ends with %%EOF.
fn revisions_until(bytes: &[u8], end: usize) -> usize {
    let needle = b"%%EOF";
    bytes[..end.min(bytes.len())]
        .windows(needle.len())
        .filter(|w| w == needle)
        .count()
}

/// Verifies every signature of a PDF, says which revision each covers and whether anything
/// follows the last one, and trusts a signer only through a chain to one of `trust`'s roots.
pub fn verify_pdf_trusting(bytes: &[u8], trust: &Trust) -> Result<Verification, VerifyError> {
    let mut signatures = Vec::new();
    let mut last_end = 0;
    let mut seen = Vec::new();
    for key in byte_range_keys(bytes) {
        let (key, ranges) = byte_range(bytes, key)?;
        // The same dictionary written again by a later update is the same signature.
        if seen.contains(&ranges) {
            continue;
        }
        seen.push(ranges);
        let [_, _, c, d] = ranges;
        last_end = last_end.max(c + d);
        signatures.push(check_signature(bytes, key, ranges, trust)?);
    }
    if signatures.is_empty() {
        return Err(VerifyError::NoSignature);
    }
    signatures.sort_by_key(|s| s.covered_bytes);
    // Each revision ends with %%EOF; bytes after the last one that are not white space are a
    // revision of their own, however unfinished.
    let last_eof = rfind(bytes, b"%%EOF").map_or(0, |at| at + 5);
    let revisions = revisions_until(bytes, bytes.len())
        + usize::from(!bytes[last_eof..].iter().all(u8::is_ascii_whitespace));
    let bytes_after_last_signature = bytes.len() - last_end;
    let intact = signatures.iter().all(|s| s.intact);
    let verdict = if !intact || bytes_after_last_signature > 0 {
        Verdict::NotIntact
    } else if signatures
        .iter()
        .all(|s| matches!(s.trust, SignerTrust::Trusted { .. }))
    {
        Verdict::Trusted
    } else if signatures.len() == 1
        && matches!(signatures[0].trust, SignerTrust::NotVerified { .. })
    {
        Verdict::SignerNotVerified
    } else {
        // A revoked or broken chain, or a revision added after a signature by a signer
        // nobody vouches for: what the file shows is not what the first signer signed.
        Verdict::NotIntact
    };
    let last = signatures.last().expect("at least one signature");
    Ok(Verification {
        signer: last.signer.clone(),
        signing_time: last.signing_time,
        intact,
        covers_whole_file: bytes_after_last_signature == 0,
        signatures,
        revisions,
        bytes_after_last_signature,
        verdict,
    })
}

fn check_signature(
    bytes: &[u8],
    key: usize,
    [a, b, c, d]: [usize; 4],
    trust: &Trust,
) -> Result<SignatureCheck, VerifyError> {
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
    let signing_time = claimed_time(bytes, key);

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

    // The chain is checked at the trusted stamped time (B-T), else at the claimed signing
    // time (B-B has no better one).
    let timestamp = time_stamp(signer_info, trust);
    let at = timestamp
        .as_ref()
        .and_then(TimeStampCheck::trusted_time)
        .or(signing_time.map(|t| t.to_utc()))
        .unwrap_or_else(chrono::Utc::now);
    let carried: Vec<Certificate> = certificates.iter().map(|c| (*c).clone()).collect();
    let trust = path_trust(fieldlog_certs::check_path(
        certificate,
        &carried,
        &trust.roots,
        &trust.crls,
        at,
    ));

    Ok(SignatureCheck {
        signer,
        signing_time,
        intact: digest_matches && cert_bound && signature_valid && a == 0,
        revision: revisions_until(bytes, c + d).max(1),
        covered_bytes: c + d,
        issuer,
        self_issued,
        trust,
        timestamp,
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
