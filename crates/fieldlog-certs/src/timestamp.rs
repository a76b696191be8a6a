//! RFC 3161 time stamps: the sync server's time-stamping authority (a key of its own and a
//! certificate its CA issues, extended key usage timeStamping, critical), the request and the
//! response on the wire (`application/timestamp-query` / `-reply`), and the check of a token:
//! the TSTInfo's imprint is the hash of what was stamped, the TSA's signature over it is valid,
//! and its certificate is for time stamping. Whether the TSA is *trusted* is the caller's
//! question (`check_path` to a configured root at the stamped time).
//!
//! A PAdES B-T signature carries such a token as the unsigned attribute id-aa-timeStampToken of
//! its SignerInfo, stamped over the signature value.

use chrono::{DateTime, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5280, rfc5911, rfc5912};
use der::asn1::{Any, GeneralizedTime, OctetString, OctetStringRef, SetOfVec, Uint};
use der::{Decode, Encode, Sequence, Tag};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey, signature::Verifier};
use p256::pkcs8::DecodePublicKey;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use crate::{Authority, CertError, Purpose, Result, build_err};

/// id-ct-TSTInfo (RFC 3161).
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-aa-timeStampToken (RFC 3161 appendix A): the unsigned attribute of a B-T signature.
pub const ID_AA_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// A time-stamp request over `stamped` (hashed here with SHA-256); see [`request`].
pub fn request_over(stamped: &[u8]) -> Result<(Vec<u8>, Uint)> {
    request(&Sha256::digest(stamped))
}

/// The policy our TSA stamps under, under IANA's enterprise number for documentation (RFC 5612):
/// we publish no policy text.
pub const POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.3161.1");

fn sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: rfc5912::ID_SHA_256,
        parameters: None,
    }
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// TimeStampReq (without extensions, which we neither send nor accept).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampReq {
    pub version: u8,
    pub message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PkiStatusInfo {
    pub status: u8,
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampResp {
    pub status: PkiStatusInfo,
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<ContentInfo>,
}

/// TSTInfo (without accuracy and extensions, which our TSA does not emit).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    pub version: u8,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: SerialNumber,
    pub gen_time: GeneralizedTime,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
}

/// A time-stamp request for the SHA-256 `digest` of what is to be stamped, with a random nonce,
/// asking for the TSA's certificate in the token.
pub fn request(digest: &[u8]) -> Result<(Vec<u8>, Uint)> {
    let mut nonce = [0u8; 8];
    OsRng.fill_bytes(&mut nonce);
    nonce[0] &= 0x7f;
    let nonce = Uint::new(&nonce).map_err(build_err)?;
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256(),
            hashed_message: OctetString::new(digest).map_err(build_err)?,
        },
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
    };
    Ok((request.to_der().map_err(build_err)?, nonce))
}

/// The server's time-stamping authority: a P-256 key and a certificate issued by its CA.
#[derive(Clone)]
pub struct TimeStampAuthority {
    key: SigningKey,
    certificate: Certificate,
    chain: Vec<Certificate>,
}

impl std::fmt::Debug for TimeStampAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimeStampAuthority").finish_non_exhaustive()
    }
}

impl Authority {
    /// A new time-stamping key with a certificate from this authority (timeStamping, critical),
    /// valid from `now` for `valid_days`.
    pub fn time_stamping_authority(
        &self,
        now: DateTime<Utc>,
        valid_days: u32,
    ) -> Result<TimeStampAuthority> {
        let key = SigningKey::random(&mut OsRng);
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(build_err)?;
        let common =
            crate::common_name(&self.certificate().tbs_certificate.subject).unwrap_or_default();
        let certificate = self.issue(
            &Purpose::TimeStamping,
            crate::name(&format!("{common} 时间戳"), Some("Fieldlog"), None)?,
            spki,
            now,
            valid_days,
        )?;
        Ok(TimeStampAuthority {
            key,
            certificate,
            chain: vec![self.certificate().clone()],
        })
    }
}

impl TimeStampAuthority {
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Whether the TSA's certificate is still valid at `now`.
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        crate::valid_at(&self.certificate, now)
    }

    /// The answer (TimeStampResp, DER) to a request (TimeStampReq, DER): a token stamped `now`,
    /// or a refusal (status 2, rejection) for a request we cannot read or a hash we do not take.
    pub fn respond(&self, request_der: &[u8], now: DateTime<Utc>) -> Vec<u8> {
        let answer = TimeStampReq::from_der(request_der)
            .map_err(|e| e.to_string())
            .and_then(|request| {
                let imprint = &request.message_imprint;
                if imprint.hash_algorithm.oid != rfc5912::ID_SHA_256
                    || imprint.hashed_message.as_bytes().len() != 32
                {
                    return Err("only SHA-256 imprints are stamped".to_owned());
                }
                self.token(&request, now).map_err(|e| e.to_string())
            });
        let response = match answer {
            Ok(token) => TimeStampResp {
                status: PkiStatusInfo {
                    status: 0,
                    status_string: None,
                },
                time_stamp_token: Some(token),
            },
            Err(_) => TimeStampResp {
                status: PkiStatusInfo {
                    status: 2,
                    status_string: None,
                },
                time_stamp_token: None,
            },
        };
        response
            .to_der()
            .expect("a time-stamp response always encodes")
    }

    fn token(&self, request: &TimeStampReq, now: DateTime<Utc>) -> Result<ContentInfo> {
        let secs = u64::try_from(now.timestamp()).map_err(build_err)?;
        let info = TstInfo {
            version: 1,
            policy: request.req_policy.unwrap_or(POLICY),
            message_imprint: request.message_imprint.clone(),
            serial_number: crate::random_serial()?,
            gen_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(secs))
                .map_err(build_err)?,
            ordering: false,
            nonce: request.nonce.clone(),
            tsa: None,
        };
        let content = EncapsulatedContentInfo {
            econtent_type: ID_CT_TST_INFO,
            econtent: Some(
                Any::new(Tag::OctetString, info.to_der().map_err(build_err)?).map_err(build_err)?,
            ),
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: self.certificate.tbs_certificate.issuer.clone(),
            serial_number: self.certificate.tbs_certificate.serial_number.clone(),
        });
        let mut signer =
            SignerInfoBuilder::new(&self.key, sid, sha256(), &content, None).map_err(build_err)?;
        signer
            .add_signed_attribute(signing_certificate_v2(&self.certificate)?)
            .map_err(build_err)?;
        let mut builder = SignedDataBuilder::new(&content);
        builder.add_digest_algorithm(sha256()).map_err(build_err)?;
        if request.cert_req {
            builder
                .add_certificate(CertificateChoices::Certificate(self.certificate.clone()))
                .map_err(build_err)?;
            for issuer in &self.chain {
                builder
                    .add_certificate(CertificateChoices::Certificate(issuer.clone()))
                    .map_err(build_err)?;
            }
        }
        builder
            .add_signer_info::<SigningKey, DerSignature>(signer)
            .map_err(build_err)?;
        builder.build().map_err(build_err)
    }
}

/// ESS signing-certificate-v2 (RFC 5035) with SHA-256: binds the signer's certificate to a
/// signature (RFC 5816 asks it of a TSA; PAdES of a document signer).
#[derive(Clone, Debug, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
}

#[derive(Clone, Debug, Sequence)]
pub struct EssCertIdV2 {
    pub cert_hash: OctetString,
    pub issuer_serial: IssuerSerial,
}

#[derive(Clone, Debug, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

/// The signing-certificate-v2 signed attribute for `certificate`.
pub fn signing_certificate_v2(certificate: &Certificate) -> Result<Attribute> {
    let der = certificate.to_der().map_err(build_err)?;
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&der).to_vec()).map_err(build_err)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    certificate.tbs_certificate.issuer.clone(),
                )],
                serial_number: certificate.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    Ok(Attribute {
        oid: rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        values: SetOfVec::try_from(vec![Any::encode_from(&value).map_err(build_err)?])
            .map_err(build_err)?,
    })
}

/// What a valid token says: when, and by whom (with the certificates it carries, for the
/// caller's path check).
#[derive(Debug, Clone)]
pub struct StampedTime {
    pub time: DateTime<Utc>,
    pub tsa: Certificate,
    pub certificates: Vec<Certificate>,
}

fn bad(message: &str) -> CertError {
    CertError::Certificate(format!("time-stamp token: {message}"))
}

/// Reads a TimeStampResp (DER): the token when the TSA granted it.
pub fn token_from_response(response_der: &[u8]) -> Result<Vec<u8>> {
    let response = TimeStampResp::from_der(response_der).map_err(|e| bad(&e.to_string()))?;
    if response.status.status > 1 {
        return Err(bad(&format!(
            "the server refused (status {})",
            response.status.status
        )));
    }
    response
        .time_stamp_token
        .ok_or_else(|| bad("granted without a token"))?
        .to_der()
        .map_err(build_err)
}

/// Checks a token (ContentInfo DER) stamped over `stamped` (the bytes, e.g. a signature value):
/// the imprint, the TSA's signature and its certificate's purpose. `nonce`, when given, must be
/// the one sent.
pub fn check_token(token_der: &[u8], stamped: &[u8], nonce: Option<&Uint>) -> Result<StampedTime> {
    let info = ContentInfo::from_der(token_der).map_err(|e| bad(&e.to_string()))?;
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(bad("not SignedData"));
    }
    let signed: SignedData = info.content.decode_as().map_err(|e| bad(&e.to_string()))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(bad("not a TSTInfo"));
    }
    let econtent = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| bad("no TSTInfo"))?;
    let tst_der = econtent.value();
    let tst = TstInfo::from_der(tst_der).map_err(|e| bad(&e.to_string()))?;
    if tst.message_imprint.hash_algorithm.oid != rfc5912::ID_SHA_256
        || tst.message_imprint.hashed_message.as_bytes() != Sha256::digest(stamped).as_slice()
    {
        return Err(bad("it stamps other data"));
    }
    if nonce.is_some() && tst.nonce.as_ref() != nonce {
        return Err(bad("the nonce is not ours"));
    }
    let certificates: Vec<Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(cert) => Some(cert.clone()),
            _ => None,
        })
        .collect();
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| bad("no SignerInfo"))?;
    let tsa = certificates
        .iter()
        .find(|cert| match &signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                cert.tbs_certificate.issuer == isn.issuer
                    && cert.tbs_certificate.serial_number == isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(_) => false,
        })
        .ok_or_else(|| bad("the TSA's certificate is not in the token"))?
        .clone();
    if !crate::has_extended_key_usage(&tsa, rfc5280::ID_KP_TIME_STAMPING) {
        return Err(bad("the signer is no time-stamping authority"));
    }
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| bad("no signed attributes"))?;
    let digest_ok = attrs
        .iter()
        .find(|a| a.oid == rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetStringRef<'_>>().ok())
        .is_some_and(|md| md.as_bytes() == Sha256::digest(tst_der).as_slice());
    let signature_ok = (|| {
        let spki = tsa.tbs_certificate.subject_public_key_info.to_der().ok()?;
        let key = VerifyingKey::from_public_key_der(&spki).ok()?;
        let signature = Signature::from_der(signer.signature.as_bytes()).ok()?;
        Some(key.verify(&attrs.to_der().ok()?, &signature).is_ok())
    })()
    .unwrap_or(false);
    if !(digest_ok && signature_ok) {
        return Err(bad("the TSA's signature does not verify"));
    }
    let secs = tst.gen_time.to_unix_duration().as_secs();
    Ok(StampedTime {
        time: DateTime::from_timestamp(i64::try_from(secs).map_err(build_err)?, 0)
            .unwrap_or_default(),
        tsa,
        certificates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_token_stamps_what_was_asked_and_nothing_else() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let ca = Authority::generate("服务器 CA", None, now, 365).unwrap();
        let tsa = ca.time_stamping_authority(now, 30).unwrap();
        let stamped = b"a signature value";
        let (request, nonce) = request(&Sha256::digest(stamped)).unwrap();
        let later = now + chrono::Duration::minutes(5);
        let token = token_from_response(&tsa.respond(&request, later)).unwrap();
        let checked = check_token(&token, stamped, Some(&nonce)).unwrap();
        assert_eq!(checked.time, later);
        assert_eq!(checked.tsa, *tsa.certificate());
        assert!(matches!(
            crate::check_path(
                &checked.tsa,
                &checked.certificates,
                std::slice::from_ref(ca.certificate()),
                &[],
                checked.time
            ),
            crate::PathStatus::Trusted { .. }
        ));
        // Other data, another nonce, a flipped byte: refused.
        assert!(check_token(&token, b"other", None).is_err());
        let (_, other_nonce) = super::request(&Sha256::digest(stamped)).unwrap();
        assert!(check_token(&token, stamped, Some(&other_nonce)).is_err());
        let mut broken = token.clone();
        let at = broken.len() - 10;
        broken[at] ^= 1;
        assert!(check_token(&broken, stamped, None).is_err());
        // Garbage and other hashes are refused with a status, not a token.
        assert!(token_from_response(&tsa.respond(b"nonsense", now)).is_err());
    }
}
