//! The PAdES signature checked by three independent validators — poppler's pdfsig, pyHanko and
//! our own verify_pdf — on a signed daily report, and again after one byte in the signed range
//! is flipped: all three must then call it altered.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{FixedOffset, Utc};
use common::*;
use fieldlog_pdf::{SigningIdentity, sign_pdf, verify_pdf};

fn pyhanko() -> PathBuf {
    tool(
        "pyhanko",
        "PYHANKO",
        &["../../.venv/bin/pyhanko"],
        "python3 -m venv /work/main/.venv && /work/main/.venv/bin/pip install pyhanko-cli",
    )
}

struct Signed {
    pdf: Vec<u8>,
    path: PathBuf,
    cert: PathBuf,
}

/// A daily report signed by a fresh identity, written to artifacts/pdf/ with its certificate.
fn signed_report(stem: &str) -> Signed {
    let font = font();
    let now = Utc::now();
    // Issued an hour ago so the signing time sits inside the validity period.
    let identity = SigningIdentity::generate(
        "李明",
        Some("某县公安局运维项目部"),
        now - chrono::Duration::hours(1),
        365 * 3,
    )
    .unwrap();
    let pdf = fieldlog_pdf::daily_report(&daily(30), &font).unwrap();
    let local = now.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap());
    let started = Instant::now();
    let signed = sign_pdf(&pdf, &identity, "李明", "每日设备维护报告签字确认", local).unwrap();
    eprintln!(
        "signing: {} → {} bytes, {:?}",
        pdf.len(),
        signed.len(),
        started.elapsed()
    );
    assert!(
        signed.starts_with(&pdf),
        "the update is appended, the original bytes untouched"
    );
    let dir = artifacts();
    let path = dir.join(format!("{stem}.pdf"));
    let cert = dir.join(format!("{stem}-cert.pem"));
    std::fs::write(&path, &signed).unwrap();
    std::fs::write(&cert, identity.certificate_pem()).unwrap();
    Signed {
        pdf: signed,
        path,
        cert,
    }
}

fn pdfsig(path: &Path) -> String {
    let out = run(Command::new(poppler("pdfsig")).arg(path));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn pyhanko_validate(path: &Path, cert: &Path) -> (bool, String) {
    let out = run(Command::new(pyhanko())
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust",
        ])
        .arg(cert)
        .arg(path));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Flips one byte inside the first content stream (part of the signed range).
fn tamper(signed: &Signed, stem: &str) -> PathBuf {
    let mut bytes = signed.pdf.clone();
    let at = bytes
        .windows(7)
        .position(|w| w == b"stream\n" || w == b"stream\r")
        .unwrap()
        + 40;
    bytes[at] ^= 0x01;
    let path = artifacts().join(format!("{stem}.pdf"));
    std::fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn our_own_verification_names_the_signer_and_time() {
    let signed = signed_report("signed-own");
    let v = verify_pdf(&signed.pdf).unwrap();
    assert_eq!(v.signer, "李明");
    assert!(v.intact && v.covers_whole_file, "{v:?}");
    // Self-issued: the issuer is the signer, and nobody configured vouches for them.
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert!(s.self_issued, "{v:?}");
    assert_eq!(s.issuer, "李明");
    assert!(matches!(
        s.trust,
        fieldlog_pdf::SignerTrust::NotVerified { .. }
    ));
    assert_eq!(v.verdict, fieldlog_pdf::Verdict::SignerNotVerified);
    // The original and the signing update: two revisions, the signature covers both.
    assert_eq!((v.revisions, s.revision), (2, 2));
    // Trusting the signer's own certificate (pyHanko's --trust does the same) makes it trusted.
    let mut trust = fieldlog_pdf::Trust::default();
    trust
        .add_roots(&std::fs::read(&signed.cert).unwrap())
        .unwrap();
    let trusted = fieldlog_pdf::verify_pdf_trusting(&signed.pdf, &trust).unwrap();
    assert_eq!(
        trusted.verdict,
        fieldlog_pdf::Verdict::Trusted,
        "{trusted:?}"
    );
    let t = v.signing_time.expect("/M");
    assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
    assert!((Utc::now() - t.to_utc()).num_minutes().abs() < 5);

    // Something appended after signing: still intact, but no longer the whole file.
    let mut appended = signed.pdf.clone();
    appended.extend_from_slice(b"\n% appended\n");
    let v = verify_pdf(&appended).unwrap();
    assert!(v.intact && !v.covers_whole_file, "{v:?}");
    assert_eq!(v.bytes_after_last_signature, 12);
    assert_eq!(v.verdict, fieldlog_pdf::Verdict::NotIntact);
    assert_eq!(v.revisions, 3);

    // An unsigned PDF has no signature.
    let plain = fieldlog_pdf::daily_report(&daily(1), &font()).unwrap();
    assert!(matches!(
        verify_pdf(&plain),
        Err(fieldlog_pdf::VerifyError::NoSignature)
    ));
}

#[test]
fn pdfsig_validates_the_signature_and_sees_the_whole_document_signed() {
    let signed = signed_report("signed-pdfsig");
    let out = pdfsig(&signed.path);
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(out.contains("Total document signed"), "{out}");
    assert!(out.contains("ETSI.CAdES.detached"), "{out}");
}

#[test]
fn pyhanko_validates_the_signature_against_the_certificate() {
    let signed = signed_report("signed-pyhanko");
    let (ok, out) = pyhanko_validate(&signed.path, &signed.cert);
    assert!(ok, "pyhanko failed:\n{out}");
    assert!(out.contains("The signature is judged VALID."), "{out}");
    assert!(
        out.contains("The signer's certificate is trusted."),
        "{out}"
    );
    assert!(
        out.contains("The signature is cryptographically sound."),
        "{out}"
    );
    assert!(
        out.contains("The signature covers the entire file."),
        "{out}"
    );
}

#[test]
fn one_flipped_byte_is_reported_altered_by_all_three() {
    let signed = signed_report("signed-tampered-source");
    let path = tamper(&signed, "signed-tampered");
    let bytes = std::fs::read(&path).unwrap();

    let v = verify_pdf(&bytes).unwrap();
    assert!(!v.intact, "verify_pdf: {v:?}");
    assert_eq!(v.signer, "李明");

    let out = pdfsig(&path);
    assert!(
        !out.contains("Signature is Valid."),
        "pdfsig still valid:\n{out}"
    );
    assert!(
        out.contains("Digest Mismatch") || out.contains("Invalid"),
        "{out}"
    );

    let (ok, out) = pyhanko_validate(&path, &signed.cert);
    assert!(!ok, "pyhanko still succeeds:\n{out}");
    assert!(!out.contains("judged VALID"), "{out}");
    eprintln!(
        "pyHanko on the altered file:\n{out}\npdfsig on the altered file:\n{}",
        pdfsig(&path)
    );
}

/// What a clerk sees in the document's properties: the time it was signed, not the renderer's
/// placeholder (1970); and the signature takes the room it needs, not kilobytes of padding.
#[test]
fn the_signed_file_dates_itself_by_its_signature_and_carries_no_padding() {
    let signed = signed_report("signed-properties");
    let out = run(Command::new(poppler("pdfinfo")).arg(&signed.path));
    let info = String::from_utf8_lossy(&out.stdout);
    let year = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y")
        .to_string();
    for key in ["CreationDate:", "ModDate:"] {
        let line = info.lines().find(|l| l.starts_with(key)).unwrap_or("");
        assert!(line.contains(&year) && !line.contains("1970"), "{info}");
    }
    assert!(
        info.lines()
            .any(|l| l.starts_with("Producer:") && l.trim_end().ends_with(" Fieldlog")),
        "{info}"
    );

    let v = verify_pdf(&signed.pdf).unwrap();
    assert!(v.intact && v.covers_whole_file, "{v:?}");
    // /Contents holds the CMS (about 0.8 KB for P-256 with its certificate) plus a few bytes.
    let at = signed
        .pdf
        .windows(10)
        .rposition(|w| w == b"/Contents<")
        .expect("the signature's /Contents");
    let hex_len = signed.pdf[at + 10..]
        .iter()
        .position(|b| *b == b'>')
        .unwrap();
    let zeros = signed.pdf[at + 10..at + 10 + hex_len]
        .iter()
        .rev()
        .take_while(|b| **b == b'0')
        .count();
    assert!(
        zeros <= 2 * 20,
        "{zeros} hex zeros of padding after the CMS"
    );
}
