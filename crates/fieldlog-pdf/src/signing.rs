//! The technician's signing identity and the PAdES baseline-B signature.
//!
//! An identity is an ECDSA P-256 key and an X.509 certificate: self-issued at first, then the
//! one the sync server issues at enrollment, with its chain up to the server's root (embedded in
//! every signature, so a validator that trusts that root accepts it). Key and certificates
//! export as PEM or DER so the store can keep them; names and serials come from fieldlog-certs.
//!
//! Signing appends an *incremental update* — the bytes already written are never touched —
//! holding a signature dictionary (/SubFilter /ETSI.CAdES.detached) and an invisible signature
//! field on the first page. Its /Contents is a detached CMS SignedData over the /ByteRange, i.e.
//! the whole file except the /Contents hex string itself. PAdES B-B asks for the ESS
//! signing-certificate-v2 signed attribute (binding the certificate to the signature) and for
//! the claimed signing time in /M rather than a CMS signing-time attribute.

use chrono::{DateTime, FixedOffset, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{Any, SetOfVec};
use der::{Decode, DecodePem, Encode, EncodePem, pem::LineEnding};
use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, StringFormat};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand_core::OsRng;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};

/// Room left in /Contents beyond a trial signature's length: the same identity and attributes give
/// the same CMS but for the ECDSA value, whose DER encoding varies by a few bytes. Reserving what the
/// CMS needs, not a fixed 4 KB, keeps 6 KB of zeros out of every P-256 signed file, and a longer
/// certificate chain (a server-issued one) still fits because it is measured too.
const CMS_SLACK: usize = 16;

/// Placeholder wide enough for any offset we can produce (11 digits each).
const BYTE_RANGE_PLACEHOLDER: i64 = 99_999_999_999;

/// Why an identity could not be made, exported or read back.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "无法读取签名私钥（需要 PKCS#8 PEM/DER）：{0}。/ Cannot read the signing key (PKCS#8 expected): {0}."
    )]
    Key(String),
    #[error(
        "无法读取签名证书（需要 X.509 PEM/DER）：{0}。/ Cannot read the certificate (X.509 expected): {0}."
    )]
    Certificate(String),
    #[error(
        "私钥与证书不匹配，请重新生成该技服人员的签名身份。/ The key does not match the certificate; generate the identity again."
    )]
    Mismatch,
    #[error("无法生成证书：{0}。/ Cannot build the certificate: {0}.")]
    Build(String),
}

impl From<fieldlog_certs::CertError> for IdentityError {
    fn from(error: fieldlog_certs::CertError) -> Self {
        use fieldlog_certs::CertError;
        match error {
            CertError::Key(e) | CertError::PublicKey(e) => IdentityError::Key(e),
            CertError::Certificate(e) => IdentityError::Certificate(e),
            CertError::Mismatch => IdentityError::Mismatch,
            CertError::Build(e) => IdentityError::Build(e),
        }
    }
}

/// Why a PDF could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("无法读取待签名的 PDF：{0}。/ Cannot read the PDF to sign: {0}.")]
    Pdf(#[from] lopdf::Error),
    #[error("无法写入签名：{0}。/ Cannot write the signature: {0}.")]
    Write(String),
    #[error("无法生成 CMS 签名：{0}。/ Cannot build the CMS signature: {0}.")]
    Cms(String),
}

/// A technician's key pair and certificate.
#[derive(Clone)]
pub struct SigningIdentity {
    key: SigningKey,
    certificate: Certificate,
    /// Issuer first, up to the root; empty when self-issued.
    chain: Vec<Certificate>,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("SigningIdentity")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// A new key and a self-issued certificate for `common_name` (the technician's name), valid
    /// from `now` for `valid_days`. `now` is passed in, as everywhere in Fieldlog.
    pub fn generate(
        common_name: &str,
        organization: Option<&str>,
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<SigningIdentity, IdentityError> {
        let key = SigningKey::random(&mut OsRng);
        let subject = fieldlog_certs::name(common_name, organization, None)?;
        let serial = fieldlog_certs::random_serial()?;
        let validity = fieldlog_certs::validity(now, valid_days)?;
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
            .map_err(|e| IdentityError::Build(e.to_string()))?;
        // A leaf profile issued by its own subject: key usage digitalSignature + nonRepudiation,
        // which is what PDF validators look for in a document-signing certificate.
        let profile = Profile::Leaf {
            issuer: subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let builder = CertificateBuilder::new(profile, serial, validity, subject, spki, &key)
            .map_err(|e| IdentityError::Build(e.to_string()))?;
        let certificate = builder
            .build::<DerSignature>()
            .map_err(|e| IdentityError::Build(e.to_string()))?;
        Ok(SigningIdentity {
            key,
            certificate,
            chain: Vec::new(),
        })
    }

    /// Reads an identity back from a PKCS#8 key and an X.509 certificate, both DER.
    pub fn from_der(
        key_pkcs8: &[u8],
        certificate: &[u8],
    ) -> Result<SigningIdentity, IdentityError> {
        let key =
            SigningKey::from_pkcs8_der(key_pkcs8).map_err(|e| IdentityError::Key(e.to_string()))?;
        let certificate = Certificate::from_der(certificate)
            .map_err(|e| IdentityError::Certificate(e.to_string()))?;
        SigningIdentity::checked(key, certificate)
    }

    /// Reads an identity back from PEM ("PRIVATE KEY" and "CERTIFICATE").
    pub fn from_pem(
        key_pem: &str,
        certificate_pem: &str,
    ) -> Result<SigningIdentity, IdentityError> {
        let key =
            SigningKey::from_pkcs8_pem(key_pem).map_err(|e| IdentityError::Key(e.to_string()))?;
        let certificate = Certificate::from_pem(certificate_pem)
            .map_err(|e| IdentityError::Certificate(e.to_string()))?;
        SigningIdentity::checked(key, certificate)
    }

    fn checked(
        key: SigningKey,
        certificate: Certificate,
    ) -> Result<SigningIdentity, IdentityError> {
        let ours = key
            .verifying_key()
            .to_public_key_der()
            .map_err(|e| IdentityError::Key(e.to_string()))?;
        let theirs = certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| IdentityError::Certificate(e.to_string()))?;
        if ours.as_bytes() != theirs.as_slice() {
            return Err(IdentityError::Mismatch);
        }
        Ok(SigningIdentity {
            key,
            certificate,
            chain: Vec::new(),
        })
    }

    /// The certificates above ours (issuer first, up to the root), PEM: a server-issued
    /// certificate's chain, embedded in every signature so a validator that trusts the root can
    /// build the path. Each must have issued the one below it.
    pub fn with_chain_pem(mut self, chain_pem: &str) -> Result<SigningIdentity, IdentityError> {
        let chain = fieldlog_certs::certificates_from_pem(chain_pem)?;
        let mut below = &self.certificate;
        for issuer in &chain {
            if !fieldlog_certs::issued_by(below, issuer) {
                return Err(IdentityError::Certificate(
                    "证书链不连贯 / the chain does not lead from the certificate to its root"
                        .into(),
                ));
            }
            below = issuer;
        }
        self.chain = chain;
        Ok(self)
    }

    /// The issuer's common name (our own name when self-issued).
    pub fn issuer_name(&self) -> String {
        fieldlog_certs::common_name(&self.certificate.tbs_certificate.issuer).unwrap_or_default()
    }

    pub fn key_pkcs8_der(&self) -> Vec<u8> {
        self.key
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .expect("a P-256 key always encodes")
    }

    pub fn key_pem(&self) -> String {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map(|p| p.to_string())
            .expect("a P-256 key always encodes")
    }

    pub fn certificate_der(&self) -> Vec<u8> {
        self.certificate
            .to_der()
            .expect("a parsed certificate always encodes")
    }

    pub fn certificate_pem(&self) -> String {
        self.certificate
            .to_pem(LineEnding::LF)
            .expect("a parsed certificate always encodes")
    }

    /// The certificate subject's common name.
    pub fn common_name(&self) -> String {
        fieldlog_certs::common_name(&self.certificate.tbs_certificate.subject).unwrap_or_default()
    }

    /// SHA-256 of the certificate (its fingerprint).
    pub fn certificate_sha256(&self) -> [u8; 32] {
        Sha256::digest(self.certificate_der()).into()
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, so Chinese survives every reader.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// PDF date, e.g. D:20261122174000+08'00'.
pub(crate) fn pdf_date(t: DateTime<FixedOffset>) -> String {
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    format!(
        "D:{}{}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        sign,
        offset / 3600,
        offset % 3600 / 60
    )
}

fn write_err(e: impl std::fmt::Display) -> SignError {
    SignError::Write(e.to_string())
}

/// Appends the signature dictionary, the field and its widget, and the updated page and
/// catalog. Returns the bytes with placeholders still in /ByteRange and /Contents.
fn incremental_update(
    pdf: &[u8],
    signer_name: &str,
    reason: &str,
    signing_time: DateTime<FixedOffset>,
    reserved: usize,
) -> Result<Vec<u8>, SignError> {
    let doc = lopdf::Document::load_mem(pdf)?;
    let root_id = doc.trailer.get(b"Root")?.as_reference()?;
    let page_id: ObjectId = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| SignError::Write("PDF 没有页面 / the PDF has no page".into()))?;
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), doc);

    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; reserved], StringFormat::Hexadecimal),
    );
    sig.set(
        "M",
        Object::String(pdf_date(signing_time).into_bytes(), StringFormat::Literal),
    );
    sig.set("Name", text_string(signer_name));
    sig.set("Reason", text_string(reason));
    let sig_id = inc.new_document.add_object(sig);

    // An invisible field (zero rectangle) on the first page, printed and locked.
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text_string(&format!("签名 {signer_name}")));
    widget.set("V", Object::Reference(sig_id));
    widget.set("F", Object::Integer(132));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    widget.set("P", Object::Reference(page_id));
    let widget_id = inc.new_document.add_object(widget);

    inc.opt_clone_object_to_new_document(page_id)?;
    let annots_ref = {
        let page = inc.new_document.get_object_mut(page_id)?.as_dict_mut()?;
        match page.get_mut(b"Annots") {
            Ok(Object::Array(annots)) => {
                annots.push(Object::Reference(widget_id));
                None
            }
            Ok(Object::Reference(id)) => Some(*id),
            _ => {
                page.set("Annots", Object::Array(vec![Object::Reference(widget_id)]));
                None
            }
        }
    };
    if let Some(id) = annots_ref {
        inc.opt_clone_object_to_new_document(id)?;
        inc.new_document
            .get_object_mut(id)?
            .as_array_mut()?
            .push(Object::Reference(widget_id));
    }

    inc.opt_clone_object_to_new_document(root_id)?;
    let acroform_ref = {
        let catalog = inc.new_document.get_object_mut(root_id)?.as_dict_mut()?;
        match catalog.get_mut(b"AcroForm") {
            Ok(Object::Reference(id)) => Some(*id),
            Ok(Object::Dictionary(form)) => {
                add_field(form, widget_id);
                None
            }
            _ => {
                let mut form = Dictionary::new();
                add_field(&mut form, widget_id);
                catalog.set("AcroForm", Object::Dictionary(form));
                None
            }
        }
    };
    if let Some(id) = acroform_ref {
        inc.opt_clone_object_to_new_document(id)?;
        add_field(
            inc.new_document.get_object_mut(id)?.as_dict_mut()?,
            widget_id,
        );
    }

    // The document became final when it was signed: say so in its properties, which otherwise
    // show the renderer's placeholder dates (1970-01-01).
    if let Ok(info_id) = inc
        .new_document
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
    {
        inc.opt_clone_object_to_new_document(info_id)?;
        let info = inc.new_document.get_object_mut(info_id)?.as_dict_mut()?;
        for key in ["CreationDate", "ModDate"] {
            info.set(
                key,
                Object::String(pdf_date(signing_time).into_bytes(), StringFormat::Literal),
            );
        }
        info.set("Producer", text_string("Fieldlog"));
    }

    let mut out = Vec::with_capacity(pdf.len() + 2 * reserved + 4096);
    inc.save_to(&mut out).map_err(write_err)?;
    Ok(out)
}

fn add_field(form: &mut Dictionary, widget_id: ObjectId) {
    match form.get_mut(b"Fields") {
        Ok(Object::Array(fields)) => fields.push(Object::Reference(widget_id)),
        _ => form.set("Fields", Object::Array(vec![Object::Reference(widget_id)])),
    }
    // SignaturesExist | AppendOnly: viewers must keep later changes incremental.
    form.set("SigFlags", Object::Integer(3));
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Room for a time-stamp token (its TSTInfo, the TSA's signature and two certificates: about
/// 1.5 KB with P-256) in a B-T signature's /Contents.
const TIME_STAMP_ROOM: usize = 4096;

/// Signs `pdf` for `identity`: the original bytes followed by an incremental update carrying a
/// PAdES baseline-B signature over everything but the signature value itself.
pub fn sign_pdf(
    pdf: &[u8],
    identity: &SigningIdentity,
    signer_name: &str,
    reason: &str,
    signing_time: DateTime<FixedOffset>,
) -> Result<Vec<u8>, SignError> {
    sign_pdf_stamped(pdf, identity, signer_name, reason, signing_time, None)
}

/// Asks a time-stamping authority for an RFC 3161 token (DER) over the given bytes; `None`
/// when it cannot be reached (the signature then stays B-B).
pub type TimeStamper<'a> = &'a dyn Fn(&[u8]) -> Option<Vec<u8>>;

/// [`sign_pdf`], and with a `stamper` PAdES baseline-T: the signature value is time-stamped and
/// the token kept as the SignerInfo's unsigned attribute id-aa-timeStampToken. Returns B-B when
/// the stamper has no token.
pub fn sign_pdf_stamped(
    pdf: &[u8],
    identity: &SigningIdentity,
    signer_name: &str,
    reason: &str,
    signing_time: DateTime<FixedOffset>,
    stamper: Option<TimeStamper<'_>>,
) -> Result<Vec<u8>, SignError> {
    let room = if stamper.is_some() {
        TIME_STAMP_ROOM
    } else {
        0
    };
    let reserved = cms_signature(identity, &[0; 32])?.len() + CMS_SLACK + room;
    let mut out = incremental_update(pdf, signer_name, reason, signing_time, reserved)?;
    let update_start = pdf.len();

    // Locate the placeholders in the appended part (the original may mention neither).
    let br_key =
        find(&out, b"/ByteRange", update_start).ok_or_else(|| write_err("no /ByteRange"))?;
    let br_open = find(&out, b"[", br_key).ok_or_else(|| write_err("no /ByteRange ["))?;
    let br_close = find(&out, b"]", br_open).ok_or_else(|| write_err("no /ByteRange ]"))?;
    // /Contents follows /ByteRange in our dictionary; searching from there skips the page's own
    // /Contents (the page is rewritten in the update too).
    let contents_key =
        find(&out, b"/Contents", br_close).ok_or_else(|| write_err("no /Contents"))?;
    let hex_open = find(&out, b"<", contents_key).ok_or_else(|| write_err("no /Contents <"))?;
    let hex_close = hex_open + 1 + 2 * reserved;
    if out.get(hex_close) != Some(&b'>') || out[hex_open + 1..hex_close].iter().any(|b| *b != b'0')
    {
        return Err(write_err("unexpected /Contents placeholder"));
    }
    let gap_end = hex_close + 1;
    let ranges = [0, hex_open, gap_end, out.len() - gap_end];
    let mut byte_range =
        format!("[{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]).into_bytes();
    let width = br_close - br_open;
    if byte_range.len() > width {
        return Err(write_err("/ByteRange placeholder too short"));
    }
    byte_range.resize(width, b' ');
    out[br_open..br_close].copy_from_slice(&byte_range);

    let mut hasher = Sha256::new();
    hasher.update(&out[..hex_open]);
    hasher.update(&out[gap_end..]);
    let digest = hasher.finalize();

    let mut cms = cms_signature(identity, &digest)?;
    if let Some(stamper) = stamper {
        cms = with_time_stamp(&cms, stamper)?;
    }
    if cms.len() > reserved {
        return Err(SignError::Cms(
            "signature larger than the reserved space".into(),
        ));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[hex_open + 1..hex_open + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The CMS with a time-stamp token over its signature value as an unsigned attribute, or as it
/// was when no token comes.
fn with_time_stamp(cms: &[u8], stamper: TimeStamper<'_>) -> Result<Vec<u8>, SignError> {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    let cms_err = |e: &dyn std::fmt::Display| SignError::Cms(e.to_string());
    let mut info = ContentInfo::from_der(cms).map_err(|e| cms_err(&e))?;
    let mut signed: SignedData = info.content.decode_as().map_err(|e| cms_err(&e))?;
    let mut signer_infos: Vec<_> = signed.signer_infos.0.into_vec();
    let signer = signer_infos
        .first_mut()
        .ok_or_else(|| SignError::Cms("no SignerInfo".into()))?;
    let Some(token) = stamper(signer.signature.as_bytes()) else {
        return Ok(cms.to_vec());
    };
    let token = Any::from_der(&token).map_err(|e| cms_err(&e))?;
    signer.unsigned_attrs = Some(
        SetOfVec::try_from(vec![Attribute {
            oid: fieldlog_certs::timestamp::ID_AA_TIME_STAMP_TOKEN,
            values: SetOfVec::try_from(vec![token]).map_err(|e| cms_err(&e))?,
        }])
        .map_err(|e| cms_err(&e))?,
    );
    signed.signer_infos =
        cms::signed_data::SignerInfos(SetOfVec::try_from(signer_infos).map_err(|e| cms_err(&e))?);
    info.content = Any::encode_from(&signed).map_err(|e| cms_err(&e))?;
    info.to_der().map_err(|e| cms_err(&e))
}

/// The detached CMS SignedData (DER) over a SHA-256 `digest`.
fn cms_signature(identity: &SigningIdentity, digest: &[u8]) -> Result<Vec<u8>, SignError> {
    let cms_err = |e: &dyn std::fmt::Display| SignError::Cms(e.to_string());
    let cert = &identity.certificate;
    let sha256 = AlgorithmIdentifierOwned {
        oid: rfc5912::ID_SHA_256,
        parameters: None,
    };
    let content = EncapsulatedContentInfo {
        econtent_type: rfc5911::ID_DATA,
        econtent: None,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    });
    let mut signer =
        SignerInfoBuilder::new(&identity.key, sid, sha256.clone(), &content, Some(digest))
            .map_err(|e| cms_err(&e))?;
    signer
        .add_signed_attribute(
            fieldlog_certs::timestamp::signing_certificate_v2(cert).map_err(|e| cms_err(&e))?,
        )
        .map_err(|e| cms_err(&e))?;
    let mut builder = SignedDataBuilder::new(&content);
    builder
        .add_digest_algorithm(sha256)
        .map_err(|e| cms_err(&e))?
        .add_certificate(CertificateChoices::Certificate(cert.clone()))
        .map_err(|e| cms_err(&e))?;
    for issuer in &identity.chain {
        builder
            .add_certificate(CertificateChoices::Certificate(issuer.clone()))
            .map_err(|e| cms_err(&e))?;
    }
    builder
        .add_signer_info::<SigningKey, DerSignature>(signer)
        .map_err(|e| cms_err(&e))?;
    let content_info = builder.build().map_err(|e| cms_err(&e))?;
    content_info.to_der().map_err(|e| cms_err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn pdf_dates_carry_the_offset() {
        let t = FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 22, 17, 40, 5)
            .unwrap();
        assert_eq!(pdf_date(t), "D:20261122174005+08'00'");
    }

    #[test]
    fn identities_round_trip_through_pem_and_der_and_refuse_a_foreign_key() {
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let id = SigningIdentity::generate("李明", Some("某县运维项目部"), now, 365 * 3).unwrap();
        assert_eq!(id.common_name(), "李明");
        let back = SigningIdentity::from_pem(&id.key_pem(), &id.certificate_pem()).unwrap();
        assert_eq!(back.certificate_der(), id.certificate_der());
        let back = SigningIdentity::from_der(&id.key_pkcs8_der(), &id.certificate_der()).unwrap();
        assert_eq!(back.key_pkcs8_der(), id.key_pkcs8_der());
        let other = SigningIdentity::generate("张华", None, now, 30).unwrap();
        let err =
            SigningIdentity::from_der(&other.key_pkcs8_der(), &id.certificate_der()).unwrap_err();
        assert!(matches!(err, IdentityError::Mismatch));
        assert!(!format!("{id:?}").contains("PRIVATE"));
        assert_eq!(id.issuer_name(), "李明");
    }

    #[test]
    fn a_server_issued_certificate_takes_only_its_own_chain() {
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let own = SigningIdentity::generate("李明", None, now, 30).unwrap();
        let ca = fieldlog_certs::Authority::generate("服务器 CA", None, now, 365).unwrap();
        let public = fieldlog_certs::public_key_pem(&own.key_pem()).unwrap();
        let leaf = ca
            .issue(
                &fieldlog_certs::Purpose::DocumentSigning,
                fieldlog_certs::name("李明", None, Some("t-1")).unwrap(),
                fieldlog_certs::public_key_from_pem(&public).unwrap(),
                now,
                30,
            )
            .unwrap();
        let issued =
            SigningIdentity::from_pem(&own.key_pem(), &fieldlog_certs::certificate_pem(&leaf))
                .unwrap();
        let chained = issued
            .clone()
            .with_chain_pem(&ca.certificate_pem())
            .unwrap();
        assert_eq!(chained.issuer_name(), "服务器 CA");
        assert_eq!(chained.chain.len(), 1);
        let stranger = fieldlog_certs::Authority::generate("服务器 CA", None, now, 365).unwrap();
        assert!(matches!(
            issued.with_chain_pem(&stranger.certificate_pem()),
            Err(IdentityError::Certificate(_))
        ));
    }
}
