//! X.509 for Fieldlog, shared by the sync server, the laptop's sync client and the PDF signer
//! (none of them needs the others' dependencies for it):
//!
//! - names with UTF-8 common names (Chinese reads right in every validator), random serials,
//!   validity periods from a `now` that is passed in;
//! - [`Authority`]: the sync server's certificate authority, an ECDSA P-256 key and a self-signed
//!   root, which issues technicians' PDF-signing certificates and, for an administrator without
//!   another CA, the server's own TLS certificate;
//! - public keys as SubjectPublicKeyInfo PEM, which is what a laptop sends when it enrolls: its
//!   private key never leaves it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use const_oid::db::{rfc4519, rfc5280};
use der::asn1::Utf8StringRef;
use der::asn1::{Any, GeneralizedTime, Ia5String, OctetString, PrintableStringRef, SetOfVec};
use der::pem::LineEnding;
use der::{Decode, DecodePem, Encode, EncodePem};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey, signature::Verifier};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rand_core::{OsRng, RngCore};

use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::crl::{RevokedCert, TbsCertList};
use x509_cert::ext::AsExtension;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints, CrlNumber, ExtendedKeyUsage,
    KeyUsage, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

pub mod timestamp;

pub use spki::SubjectPublicKeyInfoOwned;
pub use x509_cert;
pub use x509_cert::crl::CertificateList;

/// Why a key or certificate could not be read, made or matched.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error(
        "无法读取私钥（需要 PKCS#8 PEM/DER）：{0}。/ Cannot read the private key (PKCS#8 expected): {0}."
    )]
    Key(String),
    #[error(
        "无法读取公钥（需要 P-256 公钥 PEM）：{0}。/ Cannot read the public key (a P-256 SubjectPublicKeyInfo PEM expected): {0}."
    )]
    PublicKey(String),
    #[error(
        "无法读取证书（需要 X.509 PEM/DER）：{0}。/ Cannot read the certificate (X.509 expected): {0}."
    )]
    Certificate(String),
    #[error("私钥与证书不匹配。/ The key does not match the certificate.")]
    Mismatch,
    #[error("无法生成证书：{0}。/ Cannot build the certificate: {0}.")]
    Build(String),
}

impl CertError {
    /// The technical reason alone (the parser's words), for a caller that says the sentence
    /// around it in the user's language.
    pub fn detail(&self) -> String {
        match self {
            CertError::Key(d)
            | CertError::PublicKey(d)
            | CertError::Certificate(d)
            | CertError::Build(d) => d.clone(),
            CertError::Mismatch => "key/certificate mismatch".into(),
        }
    }
}

pub type Result<T, E = CertError> = std::result::Result<T, E>;

pub(crate) fn build_err(e: impl std::fmt::Display) -> CertError {
    CertError::Build(e.to_string())
}

/// A distinguished name: O (when given), CN, and serialNumber (when given: it tells two people
/// of the same name apart, e.g. the server's technician id).
pub fn name(
    common_name: &str,
    organization: Option<&str>,
    serial_number: Option<&str>,
) -> Result<Name> {
    let rdn = |oid, value: Any| -> Result<RelativeDistinguishedName> {
        let set =
            SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }]).map_err(build_err)?;
        Ok(RelativeDistinguishedName::from(set))
    };
    // UTF8String, so Chinese names read correctly in every validator.
    let utf8 = |value: &str| -> Result<Any> {
        Any::encode_from(&Utf8StringRef::new(value).map_err(build_err)?).map_err(build_err)
    };
    let mut rdns = Vec::new();
    if let Some(org) = organization.filter(|o| !o.is_empty()) {
        rdns.push(rdn(rfc4519::O, utf8(org)?)?);
    }
    rdns.push(rdn(rfc4519::CN, utf8(common_name)?)?);
    if let Some(serial) = serial_number.filter(|s| !s.is_empty()) {
        // X.520 wants serialNumber as a PrintableString.
        let value = Any::encode_from(&PrintableStringRef::new(serial).map_err(build_err)?)
            .map_err(build_err)?;
        rdns.push(rdn(rfc4519::SERIAL_NUMBER, value)?);
    }
    Ok(RdnSequence(rdns))
}

fn attribute(name: &Name, oid: const_oid::ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .and_then(|atv| {
            atv.value
                .decode_as::<Utf8StringRef<'_>>()
                .map(|s| s.to_string())
                .or_else(|_| {
                    atv.value
                        .decode_as::<PrintableStringRef<'_>>()
                        .map(|s| s.to_string())
                })
                .ok()
        })
}

/// The common name (CN) of a distinguished name.
pub fn common_name(name: &Name) -> Option<String> {
    attribute(name, rfc4519::CN)
}

/// The serialNumber attribute of a distinguished name (the technician id in issued certificates).
pub fn serial_number_attribute(name: &Name) -> Option<String> {
    attribute(name, rfc4519::SERIAL_NUMBER)
}

/// An X.509 time (GeneralizedTime; the builder turns years before 2050 into UTCTime).
pub fn x509_time(t: DateTime<Utc>) -> Result<Time> {
    let secs = u64::try_from(t.timestamp()).map_err(build_err)?;
    GeneralizedTime::from_unix_duration(Duration::from_secs(secs))
        .map(Time::GeneralTime)
        .map_err(build_err)
}

/// A random, positive serial of full length (RFC 5280 allows up to 20 octets; 16 random ones
/// make a collision out of the question).
pub fn random_serial() -> Result<SerialNumber> {
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    SerialNumber::new(&serial).map_err(build_err)
}

/// A serial as lowercase hex, the way validators print it.
pub fn serial_hex(certificate: &Certificate) -> String {
    hex_of(certificate.tbs_certificate.serial_number.as_bytes())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// From `not_before` for `valid_days`.
pub fn validity(not_before: DateTime<Utc>, valid_days: u32) -> Result<Validity> {
    Ok(Validity {
        not_before: x509_time(not_before)?,
        not_after: x509_time(not_before + chrono::Duration::days(i64::from(valid_days)))?,
    })
}

/// The end of a certificate's validity.
pub fn not_after(certificate: &Certificate) -> DateTime<Utc> {
    let secs = certificate
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration()
        .as_secs();
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

/// A fresh P-256 key as PKCS#8 PEM.
pub fn new_private_key_pem() -> String {
    SigningKey::random(&mut OsRng)
        .to_pkcs8_pem(LineEnding::LF)
        .map(|p| p.to_string())
        .expect("a P-256 key always encodes")
}

/// The public half of a PKCS#8 P-256 key, as SubjectPublicKeyInfo PEM ("PUBLIC KEY").
pub fn public_key_pem(private_key_pem: &str) -> Result<String> {
    let key =
        SigningKey::from_pkcs8_pem(private_key_pem).map_err(|e| CertError::Key(e.to_string()))?;
    key.verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| CertError::Key(e.to_string()))
}

/// Reads a P-256 public key (SubjectPublicKeyInfo PEM) and refuses any other kind of key.
pub fn public_key_from_pem(pem: &str) -> Result<SubjectPublicKeyInfoOwned> {
    let key = p256::PublicKey::from_public_key_pem(pem.trim())
        .map_err(|e| CertError::PublicKey(e.to_string()))?;
    SubjectPublicKeyInfoOwned::from_key(key).map_err(|e| CertError::PublicKey(e.to_string()))
}

/// Whether `certificate` carries the public key given as SubjectPublicKeyInfo PEM.
pub fn certifies_public_key(certificate: &Certificate, public_key_pem: &str) -> bool {
    public_key_from_pem(public_key_pem)
        .is_ok_and(|spki| certificate.tbs_certificate.subject_public_key_info == spki)
}

/// Every certificate in a PEM text (a chain, or a single certificate).
pub fn certificates_from_pem(pem: &str) -> Result<Vec<Certificate>> {
    let certificates = Certificate::load_pem_chain(pem.trim().as_bytes())
        .map_err(|e| CertError::Certificate(e.to_string()))?;
    if certificates.is_empty() {
        return Err(CertError::Certificate("no CERTIFICATE block".into()));
    }
    Ok(certificates)
}

/// The administrator's root certificate file, as its bytes (the app hands the chosen file's
/// content, never a path): PEM (one or more CERTIFICATE blocks) or a single DER certificate,
/// answered as PEM, the form the sync client and the profile keep. Anything else is refused.
pub fn root_certificate_pem(bytes: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim_start);
    if let Some(pem) = text.filter(|t| t.starts_with("-----BEGIN")) {
        let certificates = certificates_from_pem(pem)?;
        return Ok(certificates.iter().map(certificate_pem).collect());
    }
    if bytes.is_empty() {
        return Err(CertError::Certificate("the file is empty".into()));
    }
    Ok(certificate_pem(&certificate_from_der(bytes)?))
}

pub fn certificate_pem(certificate: &Certificate) -> String {
    certificate
        .to_pem(LineEnding::LF)
        .expect("a parsed certificate always encodes")
}

/// Whether `issuer` signed `certificate`: the names chain and the issuer's P-256 key verifies the
/// signature. (Validity periods and trust are the validator's business.)
pub fn issued_by(certificate: &Certificate, issuer: &Certificate) -> bool {
    certificate.tbs_certificate.issuer == issuer.tbs_certificate.subject
        && verifies(
            issuer,
            certificate.signature.as_bytes(),
            certificate.tbs_certificate.to_der().ok().as_deref(),
        )
}

/// What an issued certificate is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Signing documents (PDF reports): key usage digitalSignature + nonRepudiation, which is
    /// what PDF validators look for in a signer's certificate.
    DocumentSigning,
    /// A TLS server reachable under these names: DNS names or IP addresses.
    TlsServer { hosts: Vec<String> },
    /// The server's RFC 3161 time-stamping authority: extended key usage timeStamping, critical
    /// and alone, as RFC 3161 §2.3 requires.
    TimeStamping,
}

/// Extended key usage marked critical (the builder's own is not).
struct CriticalExtendedKeyUsage(ExtendedKeyUsage);

impl const_oid::AssociatedOid for CriticalExtendedKeyUsage {
    const OID: const_oid::ObjectIdentifier = <ExtendedKeyUsage as const_oid::AssociatedOid>::OID;
}

impl Encode for CriticalExtendedKeyUsage {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(writer)
    }
}

impl x509_cert::ext::AsExtension for CriticalExtendedKeyUsage {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        true
    }
}

/// A certificate authority: a P-256 key and its self-signed root certificate.
#[derive(Clone)]
pub struct Authority {
    key: SigningKey,
    certificate: Certificate,
    /// Where this authority publishes its CRL (an `http(s)://` URL): named in every certificate
    /// it issues (CRL Distribution Points), so a validator checking revocation knows where to
    /// look. None issues certificates that name no CRL.
    crl_url: Option<String>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("Authority")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .finish_non_exhaustive()
    }
}

impl Authority {
    /// A new key and root certificate valid from `now` for `valid_days`.
    pub fn generate(
        common_name: &str,
        organization: Option<&str>,
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<Authority> {
        let key = SigningKey::random(&mut OsRng);
        let subject = name(common_name, organization, None)?;
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(build_err)?;
        // Root: basicConstraints CA, keyCertSign + cRLSign, a subject key identifier.
        let builder = CertificateBuilder::new(
            Profile::Root,
            random_serial()?,
            validity(now, valid_days)?,
            subject,
            spki,
            &key,
        )
        .map_err(build_err)?;
        let certificate = builder.build::<DerSignature>().map_err(build_err)?;
        Ok(Authority {
            key,
            certificate,
            crl_url: None,
        })
    }

    /// Reads an authority back from its PKCS#8 key and its certificate, both PEM.
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<Authority> {
        let key = SigningKey::from_pkcs8_pem(key_pem).map_err(|e| CertError::Key(e.to_string()))?;
        let certificate = Certificate::from_pem(certificate_pem)
            .map_err(|e| CertError::Certificate(e.to_string()))?;
        let ours = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(build_err)?;
        if ours != certificate.tbs_certificate.subject_public_key_info {
            return Err(CertError::Mismatch);
        }
        Ok(Authority {
            key,
            certificate,
            crl_url: None,
        })
    }

    /// The same authority, naming `url` as its CRL's location in what it issues from now on.
    pub fn with_crl_url(mut self, url: Option<String>) -> Authority {
        self.crl_url = url;
        self
    }

    pub fn crl_url(&self) -> Option<&str> {
        self.crl_url.as_deref()
    }

    pub fn key_pem(&self) -> String {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map(|p| p.to_string())
            .expect("a P-256 key always encodes")
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn certificate_pem(&self) -> String {
        certificate_pem(&self.certificate)
    }

    pub fn certificate_der(&self) -> Vec<u8> {
        self.certificate
            .to_der()
            .expect("a parsed certificate always encodes")
    }

    /// Issues a certificate for `subject_key` (the holder keeps the private key). It is valid
    /// from an hour before `now` (a laptop's clock a little behind the server's must not find
    /// it "not yet valid") for `valid_days`, but never beyond the authority's own validity.
    pub fn issue(
        &self,
        purpose: &Purpose,
        subject: Name,
        subject_key: SubjectPublicKeyInfoOwned,
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<Certificate> {
        let not_before = now - chrono::Duration::hours(1);
        let mut validity = validity(not_before, valid_days)?;
        if not_after(&self.certificate) < now + chrono::Duration::days(i64::from(valid_days)) {
            validity.not_after = self.certificate.tbs_certificate.validity.not_after;
        }
        let profile = Profile::Leaf {
            issuer: self.certificate.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let mut builder = CertificateBuilder::new(
            profile,
            random_serial()?,
            validity,
            subject,
            subject_key,
            &self.key,
        )
        .map_err(build_err)?;
        if let Purpose::TlsServer { hosts } = purpose {
            let names = hosts
                .iter()
                .map(|host| match host.parse::<std::net::IpAddr>() {
                    Ok(std::net::IpAddr::V4(ip)) => {
                        OctetString::new(ip.octets().to_vec()).map(GeneralName::IpAddress)
                    }
                    Ok(std::net::IpAddr::V6(ip)) => {
                        OctetString::new(ip.octets().to_vec()).map(GeneralName::IpAddress)
                    }
                    Err(_) => Ia5String::new(host).map(GeneralName::DnsName),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(build_err)?;
            builder
                .add_extension(&SubjectAltName(names))
                .map_err(build_err)?;
            builder
                .add_extension(&ExtendedKeyUsage(vec![rfc5280::ID_KP_SERVER_AUTH]))
                .map_err(build_err)?;
        }
        if let Some(url) = &self.crl_url {
            let point = DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![
                    GeneralName::UniformResourceIdentifier(Ia5String::new(url).map_err(build_err)?),
                ])),
                reasons: None,
                crl_issuer: None,
            };
            builder
                .add_extension(&CrlDistributionPoints(vec![point]))
                .map_err(build_err)?;
        }
        if *purpose == Purpose::TimeStamping {
            builder
                .add_extension(&CriticalExtendedKeyUsage(ExtendedKeyUsage(vec![
                    rfc5280::ID_KP_TIME_STAMPING,
                ])))
                .map_err(build_err)?;
        }
        builder.build::<DerSignature>().map_err(build_err)
    }

    /// A certificate revocation list signed by this authority: `revoked` are the serials (as
    /// [`serial_hex`] prints them) with the time each was revoked; valid from `now` for
    /// `valid_days`. A validator given the list (`fieldlog verify --crl`) refuses to trust a
    /// certificate on it.
    pub fn crl(
        &self,
        revoked: &[(String, DateTime<Utc>)],
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<CertificateList> {
        self.numbered_crl(revoked, None, now, valid_days)
    }

    /// A CRL as RFC 5280 §5 asks an issuer to publish it: besides [`Authority::crl`]'s content,
    /// its `number` (CRL Number, increasing with each list the authority publishes, so a
    /// validator can tell a newer list from an older one) and the authority's key identifier.
    pub fn numbered_crl(
        &self,
        revoked: &[(String, DateTime<Utc>)],
        number: Option<u64>,
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<CertificateList> {
        let algorithm = spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ECDSA_WITH_SHA_256,
            parameters: None,
        };
        let entries = revoked
            .iter()
            .map(|(serial, at)| {
                let bytes = hex_bytes(serial).ok_or_else(|| build_err("serial is not hex"))?;
                Ok(RevokedCert {
                    serial_number: SerialNumber::new(&bytes).map_err(build_err)?,
                    revocation_date: x509_time(*at)?,
                    crl_entry_extensions: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let tbs = TbsCertList {
            version: x509_cert::Version::V2,
            signature: algorithm.clone(),
            issuer: self.certificate.tbs_certificate.subject.clone(),
            this_update: x509_time(now)?,
            next_update: Some(x509_time(
                now + chrono::Duration::days(i64::from(valid_days)),
            )?),
            revoked_certificates: (!entries.is_empty()).then_some(entries),
            crl_extensions: match number {
                Some(number) => Some(self.crl_extensions(number)?),
                None => None,
            },
        };
        let signed = tbs.to_der().map_err(build_err)?;
        let signature: Signature = p256::ecdsa::signature::Signer::sign(&self.key, &signed);
        Ok(CertificateList {
            tbs_cert_list: tbs,
            signature_algorithm: algorithm,
            signature: der::asn1::BitString::from_bytes(signature.to_der().as_bytes())
                .map_err(build_err)?,
        })
    }
}

impl Authority {
    /// CRL Number and Authority Key Identifier (the root's subject key identifier).
    fn crl_extensions(&self, number: u64) -> Result<Vec<x509_cert::ext::Extension>> {
        let issuer = &self.certificate.tbs_certificate.subject;
        let number = CrlNumber(der::asn1::Uint::new(&number.to_be_bytes()).map_err(build_err)?);
        let mut extensions = vec![number.to_extension(issuer, &[]).map_err(build_err)?];
        if let Some(ski) = extension::<SubjectKeyIdentifier>(&self.certificate) {
            let aki = AuthorityKeyIdentifier {
                key_identifier: Some(ski.0),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            };
            extensions.push(aki.to_extension(issuer, &[]).map_err(build_err)?);
        }
        Ok(extensions)
    }
}

/// The CRL number a list carries, if any.
pub fn crl_number(crl: &CertificateList) -> Option<u64> {
    let extension = crl
        .tbs_cert_list
        .crl_extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == <CrlNumber as const_oid::AssociatedOid>::OID)?;
    let number = CrlNumber::from_der(extension.extn_value.as_bytes()).ok()?;
    let bytes = number.0.as_bytes();
    (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
}

/// The CRL locations a certificate names (CRL Distribution Points, full-name URIs).
pub fn crl_urls(certificate: &Certificate) -> Vec<String> {
    extension::<CrlDistributionPoints>(certificate)
        .map(|points| {
            points
                .0
                .iter()
                .filter_map(|p| match &p.distribution_point {
                    Some(DistributionPointName::FullName(names)) => Some(names),
                    _ => None,
                })
                .flatten()
                .filter_map(|n| match n {
                    GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The serials (as [`serial_hex`] prints them) a CRL lists, in its order.
pub fn crl_serials(crl: &CertificateList) -> Vec<String> {
    crl.tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .map(|entry| hex_of(entry.serial_number.as_bytes()))
        .collect()
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A CRL as DER, as it is served (`application/pkix-crl`).
pub fn crl_der(crl: &CertificateList) -> Result<Vec<u8>> {
    crl.to_der().map_err(build_err)
}

/// A CRL as PEM ("X509 CRL").
pub fn crl_pem(crl: &CertificateList) -> Result<String> {
    let der = crl.to_der().map_err(build_err)?;
    der::pem::encode_string("X509 CRL", LineEnding::LF, &der).map_err(build_err)
}

/// Reads a CRL from PEM or DER.
pub fn crl_from_bytes(bytes: &[u8]) -> Result<CertificateList> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim);
    match text.filter(|t| t.starts_with("-----BEGIN")) {
        Some(pem) => der::pem::decode_vec(pem.as_bytes())
            .map_err(der::Error::from)
            .and_then(|(_, der)| CertificateList::from_der(&der)),
        None => CertificateList::from_der(bytes),
    }
    .map_err(|e| CertError::Certificate(format!("CRL: {e}")))
}

/// Whether `issuer` signed the CRL.
pub fn crl_issued_by(crl: &CertificateList, issuer: &Certificate) -> bool {
    crl.tbs_cert_list.issuer == issuer.tbs_certificate.subject
        && verifies(
            issuer,
            crl.signature.as_bytes(),
            crl.tbs_cert_list.to_der().ok().as_deref(),
        )
}

fn verifies(issuer: &Certificate, signature: Option<&[u8]>, signed: Option<&[u8]>) -> bool {
    (|| {
        let spki = issuer
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .ok()?;
        let key = VerifyingKey::from_public_key_der(&spki).ok()?;
        let signature = Signature::from_der(signature?).ok()?;
        Some(key.verify(signed?, &signature).is_ok())
    })()
    .unwrap_or(false)
}

fn extension<T: const_oid::AssociatedOid + for<'a> Decode<'a>>(cert: &Certificate) -> Option<T> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == T::OID)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

/// Whether a certificate may issue others: basicConstraints CA, and keyCertSign when a key
/// usage is given. A technician's own signing certificate is not one, so it cannot vouch for a
/// certificate it made up.
pub fn is_ca(certificate: &Certificate) -> bool {
    extension::<BasicConstraints>(certificate).is_some_and(|b| b.ca)
        && extension::<KeyUsage>(certificate).is_none_or(|u| u.key_cert_sign())
}

/// Whether a certificate's extended key usage names `purpose` (e.g. timeStamping).
pub fn has_extended_key_usage(
    certificate: &Certificate,
    purpose: const_oid::ObjectIdentifier,
) -> bool {
    extension::<ExtendedKeyUsage>(certificate).is_some_and(|eku| eku.0.contains(&purpose))
}

/// Whether `at` lies within the certificate's validity.
pub fn valid_at(certificate: &Certificate, at: DateTime<Utc>) -> bool {
    let validity = &certificate.tbs_certificate.validity;
    let secs = |t: &Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    (secs(&validity.not_before)..=secs(&validity.not_after)).contains(&at.timestamp())
}

/// How a certificate path from a signer to the configured roots came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStatus {
    /// Every link checked, up to `root` (its common name), and nothing on a CRL at hand.
    Trusted { root: String },
    /// The path reaches no configured root: `top` is the common name of the last certificate
    /// the path could reach (a made-up CA's, or the signer's own when self-issued).
    UnknownRoot { top: String },
    /// A link is broken: an issuer that is no CA, a certificate outside its validity, or a
    /// signature that does not verify.
    Invalid { reason: String },
    /// A certificate on the path is on a CRL signed by its issuer.
    Revoked {
        serial: String,
        subject: String,
        at: DateTime<Utc>,
    },
}

/// Builds and checks the path from `leaf` through `intermediates` (those the signature carries)
/// to one of `roots` (those the user configured: the server root saved at enrollment, or
/// `--trust`), every certificate valid `at`, and none of them on a CRL in `crls` that its issuer
/// signed. A root is trusted as given (it may also be the signer's own certificate).
pub fn check_path(
    leaf: &Certificate,
    intermediates: &[Certificate],
    roots: &[Certificate],
    crls: &[CertificateList],
    at: DateTime<Utc>,
) -> PathStatus {
    let name = |c: &Certificate| common_name(&c.tbs_certificate.subject).unwrap_or_default();
    let mut path: Vec<&Certificate> = vec![leaf];
    let root = loop {
        let current = *path.last().expect("the path starts with the leaf");
        if let Some(root) = roots.iter().find(|r| *r == current) {
            break root;
        }
        if let Some(root) = roots
            .iter()
            .find(|r| *r != current && is_ca(r) && issued_by(current, r))
        {
            path.push(root);
            break root;
        }
        let next = intermediates
            .iter()
            .find(|c| !path.contains(c) && *c != current && is_ca(c) && issued_by(current, c));
        match next {
            Some(issuer) if path.len() < 8 => path.push(issuer),
            _ => return PathStatus::UnknownRoot { top: name(current) },
        }
    };
    for certificate in &path {
        if !valid_at(certificate, at) {
            return PathStatus::Invalid {
                reason: format!(
                    "证书“{}”在签名时不在有效期内 / the certificate of {} was not valid at the signing time",
                    name(certificate),
                    name(certificate)
                ),
            };
        }
    }
    for pair in path.windows(2) {
        let (certificate, issuer) = (pair[0], pair[1]);
        let listed = crls
            .iter()
            .filter(|crl| crl_issued_by(crl, issuer))
            .flat_map(|crl| crl.tbs_cert_list.revoked_certificates.iter().flatten())
            .find(|entry| entry.serial_number == certificate.tbs_certificate.serial_number);
        if let Some(entry) = listed {
            let secs = entry.revocation_date.to_unix_duration().as_secs();
            return PathStatus::Revoked {
                serial: serial_hex(certificate),
                subject: name(certificate),
                at: DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0)
                    .unwrap_or_default(),
            };
        }
    }
    PathStatus::Trusted { root: name(root) }
}

/// A TLS server certificate and its key (PEM), issued by `authority` for `hosts`: what
/// `fieldlog-server serve --tls-cert --tls-key` reads.
pub fn tls_server_identity(
    authority: &Authority,
    hosts: &[String],
    now: DateTime<Utc>,
    valid_days: u32,
) -> Result<(String, String)> {
    let key_pem = new_private_key_pem();
    let spki = public_key_from_pem(&public_key_pem(&key_pem)?)?;
    let common = hosts.first().map_or("fieldlog-server", String::as_str);
    let certificate = authority.issue(
        &Purpose::TlsServer {
            hosts: hosts.to_vec(),
        },
        name(common, Some("Fieldlog"), None)?,
        spki,
        now,
        valid_days,
    )?;
    Ok((certificate_pem(&certificate), key_pem))
}

/// Reads one certificate from DER.
pub fn certificate_from_der(der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der).map_err(|e| CertError::Certificate(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use const_oid::AssociatedOid;
    use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
    }

    fn extension<T: AssociatedOid + for<'a> Decode<'a>>(cert: &Certificate) -> Option<T> {
        cert.tbs_certificate
            .extensions
            .as_ref()?
            .iter()
            .find(|e| e.extn_id == T::OID)
            .map(|e| T::from_der(e.extn_value.as_bytes()).unwrap())
    }

    #[test]
    fn an_authority_issues_a_signing_certificate_for_a_public_key_only() {
        let ca = Authority::generate("Fieldlog 签名 CA", Some("Fieldlog"), now(), 7300).unwrap();
        let ca_constraints: BasicConstraints = extension(ca.certificate()).unwrap();
        assert!(ca_constraints.ca);
        let back = Authority::from_pem(&ca.key_pem(), &ca.certificate_pem()).unwrap();
        assert_eq!(back.certificate_der(), ca.certificate_der());

        let holder_key = new_private_key_pem();
        let public = public_key_pem(&holder_key).unwrap();
        let subject = name(
            "李明",
            Some("Fieldlog"),
            Some("0193a2b4-0000-7000-8000-000000000001"),
        )
        .unwrap();
        let leaf = ca
            .issue(
                &Purpose::DocumentSigning,
                subject,
                public_key_from_pem(&public).unwrap(),
                now(),
                730,
            )
            .unwrap();
        assert_eq!(common_name(&leaf.tbs_certificate.subject).unwrap(), "李明");
        assert_eq!(
            serial_number_attribute(&leaf.tbs_certificate.subject).unwrap(),
            "0193a2b4-0000-7000-8000-000000000001"
        );
        assert_eq!(
            common_name(&leaf.tbs_certificate.issuer).unwrap(),
            "Fieldlog 签名 CA"
        );
        assert!(certifies_public_key(&leaf, &public));
        assert!(issued_by(&leaf, ca.certificate()));
        assert!(issued_by(ca.certificate(), ca.certificate()));
        let usage: KeyUsage = extension(&leaf).unwrap();
        assert!(usage.0.contains(KeyUsages::DigitalSignature));
        assert!(usage.0.contains(KeyUsages::NonRepudiation));
        assert!(!usage.0.contains(KeyUsages::KeyCertSign));
        assert!(!extension::<BasicConstraints>(&leaf).unwrap().ca);
        assert_eq!(
            not_after(&leaf),
            now() - chrono::Duration::hours(1) + chrono::Duration::days(730)
        );

        // Another authority's certificate of the same name is not this one's.
        let other = Authority::generate("Fieldlog 签名 CA", Some("Fieldlog"), now(), 7300).unwrap();
        assert!(!issued_by(&leaf, other.certificate()));
        // Nor is an authority's certificate usable with another key.
        assert!(matches!(
            Authority::from_pem(&other.key_pem(), &ca.certificate_pem()),
            Err(CertError::Mismatch)
        ));
        assert!(!format!("{ca:?}").contains("PRIVATE"));
    }

    #[test]
    fn serials_are_random_and_positive() {
        let a = random_serial().unwrap();
        let b = random_serial().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_bytes().len(), 16);
        assert!(a.as_bytes()[0] < 0x80);
    }

    #[test]
    fn validity_never_outlives_the_authority() {
        let ca = Authority::generate("短期 CA", None, now(), 30).unwrap();
        let key = public_key_pem(&new_private_key_pem()).unwrap();
        let leaf = ca
            .issue(
                &Purpose::DocumentSigning,
                name("张华", None, None).unwrap(),
                public_key_from_pem(&key).unwrap(),
                now(),
                730,
            )
            .unwrap();
        assert_eq!(not_after(&leaf), not_after(ca.certificate()));
    }

    #[test]
    fn tls_certificates_name_their_hosts_and_serve_auth() {
        let ca = Authority::generate("测试 CA", None, now(), 30).unwrap();
        let hosts = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
        let (cert_pem, key_pem) = tls_server_identity(&ca, &hosts, now(), 7).unwrap();
        let cert = &certificates_from_pem(&cert_pem).unwrap()[0];
        let san: SubjectAltName = extension(cert).unwrap();
        assert_eq!(
            san.0,
            vec![
                GeneralName::IpAddress(OctetString::new(vec![127, 0, 0, 1]).unwrap()),
                GeneralName::DnsName(Ia5String::new("localhost").unwrap()),
            ]
        );
        let eku: ExtendedKeyUsage = extension(cert).unwrap();
        assert_eq!(eku.0, vec![rfc5280::ID_KP_SERVER_AUTH]);
        assert!(certifies_public_key(
            cert,
            &public_key_pem(&key_pem).unwrap()
        ));
    }

    fn leaf(ca: &Authority, purpose: &Purpose, who: &str) -> Certificate {
        let key = public_key_pem(&new_private_key_pem()).unwrap();
        ca.issue(
            purpose,
            name(who, None, None).unwrap(),
            public_key_from_pem(&key).unwrap(),
            now(),
            30,
        )
        .unwrap()
    }

    #[test]
    fn a_time_stamping_certificate_says_so_critically_and_only_that() {
        let ca = Authority::generate("测试 CA", None, now(), 30).unwrap();
        let tsa = leaf(&ca, &Purpose::TimeStamping, "Fieldlog 时间戳");
        let ext = tsa
            .tbs_certificate
            .extensions
            .as_ref()
            .unwrap()
            .iter()
            .find(|e| e.extn_id == ExtendedKeyUsage::OID)
            .unwrap();
        assert!(ext.critical);
        let eku: ExtendedKeyUsage = extension(&tsa).unwrap();
        assert_eq!(eku.0, vec![rfc5280::ID_KP_TIME_STAMPING]);
        assert!(has_extended_key_usage(&tsa, rfc5280::ID_KP_TIME_STAMPING));
        let signing = leaf(&ca, &Purpose::DocumentSigning, "李明");
        assert!(!has_extended_key_usage(
            &signing,
            rfc5280::ID_KP_TIME_STAMPING
        ));
    }

    #[test]
    fn paths_reach_only_configured_roots_through_real_cas_and_crls_revoke() {
        let ca = Authority::generate("服务器 CA", None, now(), 365).unwrap();
        let root = ca.certificate().clone();
        let signer = leaf(&ca, &Purpose::DocumentSigning, "李明");
        let at = now() + chrono::Duration::hours(2);
        assert_eq!(
            check_path(
                &signer,
                std::slice::from_ref(&root),
                std::slice::from_ref(&root),
                &[],
                at
            ),
            PathStatus::Trusted {
                root: "服务器 CA".into()
            }
        );
        // Carrying the root in the signature is not trusting it.
        assert_eq!(
            check_path(&signer, std::slice::from_ref(&root), &[], &[], at),
            PathStatus::UnknownRoot {
                top: "服务器 CA".into()
            }
        );
        // A made-up CA of the same name.
        let fake = Authority::generate("服务器 CA", None, now(), 365).unwrap();
        let forged = leaf(&fake, &Purpose::DocumentSigning, "李明");
        assert!(matches!(
            check_path(
                &forged,
                &[fake.certificate().clone()],
                std::slice::from_ref(&root),
                &[],
                at
            ),
            PathStatus::UnknownRoot { .. }
        ));
        // A technician's certificate cannot issue one: it is no CA.
        let holder = new_private_key_pem();
        let holder_key = SigningKey::from_pkcs8_pem(&holder).unwrap();
        let issued_to_holder = ca
            .issue(
                &Purpose::DocumentSigning,
                name("张华", None, None).unwrap(),
                public_key_from_pem(&public_key_pem(&holder).unwrap()).unwrap(),
                now(),
                30,
            )
            .unwrap();
        let as_authority = Authority {
            key: holder_key,
            certificate: issued_to_holder.clone(),
            crl_url: None,
        };
        let sub = leaf(&as_authority, &Purpose::DocumentSigning, "李明");
        assert!(issued_by(&sub, &issued_to_holder));
        assert!(matches!(
            check_path(
                &sub,
                &[issued_to_holder, root.clone()],
                std::slice::from_ref(&root),
                &[],
                at
            ),
            PathStatus::UnknownRoot { .. }
        ));
        // Outside the validity period.
        assert!(matches!(
            check_path(
                &signer,
                &[],
                std::slice::from_ref(&root),
                &[],
                now() + chrono::Duration::days(40)
            ),
            PathStatus::Invalid { .. }
        ));
        // On the CA's CRL: revoked; on a stranger's CRL: not.
        let revoked_at = now() + chrono::Duration::hours(1);
        let crl = ca
            .crl(&[(serial_hex(&signer), revoked_at)], now(), 7)
            .unwrap();
        let crl = crl_from_bytes(crl_pem(&crl).unwrap().as_bytes()).unwrap();
        assert!(crl_issued_by(&crl, &root));
        assert_eq!(
            check_path(
                &signer,
                &[],
                std::slice::from_ref(&root),
                std::slice::from_ref(&crl),
                at
            ),
            PathStatus::Revoked {
                serial: serial_hex(&signer),
                subject: "李明".into(),
                at: revoked_at
            }
        );
        let stranger_crl = fake
            .crl(&[(serial_hex(&signer), revoked_at)], now(), 7)
            .unwrap();
        assert!(!crl_issued_by(&stranger_crl, &root));
        assert!(matches!(
            check_path(&signer, &[], &[root], &[stranger_crl], at),
            PathStatus::Trusted { .. }
        ));
    }

    #[test]
    fn issued_certificates_name_the_crl_and_crls_carry_their_number() {
        let ca = Authority::generate("Fieldlog 测试根", Some("Fieldlog"), now(), 365).unwrap();
        let unnamed = leaf(&ca, &Purpose::DocumentSigning, "李明");
        assert!(crl_urls(&unnamed).is_empty());
        let url = "https://fieldlog.example.cn:8740/ca/crl.der";
        let ca = ca.with_crl_url(Some(url.to_owned()));
        let named = leaf(&ca, &Purpose::DocumentSigning, "李明");
        assert_eq!(crl_urls(&named), vec![url.to_owned()]);
        let revoked_at = now();
        let crl = ca
            .numbered_crl(&[(serial_hex(&named), revoked_at)], Some(42), now(), 7)
            .unwrap();
        let crl = crl_from_bytes(&crl_der(&crl).unwrap()).unwrap();
        assert_eq!(crl_number(&crl), Some(42));
        assert_eq!(crl_serials(&crl), vec![serial_hex(&named)]);
        assert!(crl_issued_by(&crl, ca.certificate()));
        // Unnumbered, as `fieldlog verify --crl` tests make them.
        assert_eq!(crl_number(&ca.crl(&[], now(), 7).unwrap()), None);
    }

    #[test]
    fn foreign_keys_and_garbage_are_refused() {
        assert!(matches!(
            public_key_from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            Err(CertError::PublicKey(_))
        ));
        assert!(matches!(
            certificates_from_pem("not a certificate"),
            Err(CertError::Certificate(_))
        ));
        assert!(public_key_pem("nonsense").is_err());
    }

    #[test]
    fn a_root_file_is_read_as_pem_or_der_and_anything_else_is_refused() {
        let ca = Authority::generate("测试根", Some("Fieldlog 测试"), now(), 30).unwrap();
        let pem = ca.certificate_pem();
        assert_eq!(root_certificate_pem(pem.as_bytes()).unwrap(), pem);
        // A chain file keeps every certificate; leading blank lines (a hand-edited file) are fine.
        let two = format!("\n{pem}{pem}");
        assert_eq!(
            root_certificate_pem(two.as_bytes()).unwrap(),
            format!("{pem}{pem}")
        );
        assert_eq!(root_certificate_pem(&ca.certificate_der()).unwrap(), pem);
        for garbage in [
            &b""[..],
            b"hello",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            assert!(
                matches!(
                    root_certificate_pem(garbage),
                    Err(CertError::Certificate(_))
                ),
                "{garbage:?}"
            );
        }
    }
}
