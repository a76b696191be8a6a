//! Enrolling from the app (issue 19's first start, and the Sync screen later): the form as the
//! window sends it (the office's QR text, or the server's address and the code; the laptop's
//! name; the administrator's root certificate as the chosen file's bytes, PEM or DER), checked
//! before anything goes on the network, then the enrollment and a first sync round, so the
//! contracts, policies, sites and parts the office set up arrive before the screen moves on.
//!
//! When the enrollment succeeds but the first round does not (the network drops, the server is
//! busy), the enrollment is kept: the answer says what held it up, and background sync retries
//! by itself. Nothing of the laptop's is touched by a refused enrollment.

use crate::{Result, SyncError, SyncOptions, enroll_trusting, sync_round};
use fieldlog_domain::validate::InvalidInput;
use fieldlog_store::{Store, StoreError};
use fieldlog_wire::office::v1::people::EnrollmentLink;
use fieldlog_wire::v1::{EnrollForm, FirstEnrollment};
use std::time::{Duration, Instant};

/// The laptop's host name, when the OS says it: the default name of the laptop at enrollment
/// (the office's laptop list shows it).
pub fn host_name() -> Option<String> {
    whoami::hostname()
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// The administrator's root certificate file's bytes (PEM or DER) as the PEM the profile keeps;
/// anything else is refused with [`SyncError::BadRoot`]. The app's form and `fieldlog enroll
/// --ca-cert` both check the file here.
pub fn root_pem(bytes: &[u8]) -> Result<String> {
    fieldlog_certs::root_certificate_pem(bytes).map_err(|e| SyncError::BadRoot(e.detail()))
}

/// How the app enrolls: a few quick attempts (the technician is waiting, and a wrong address
/// should say so in seconds, not after the background's patient backoff).
pub fn app_options() -> SyncOptions {
    SyncOptions {
        attempts: 2,
        backoff: Duration::from_millis(300),
        timeout: Duration::from_secs(15),
        ..SyncOptions::default()
    }
}

/// The form read: server and code (from the QR text when given), the laptop's name, the root as
/// PEM. Refused before any connection, with the field named.
struct Checked {
    server_url: String,
    code: String,
    device_name: String,
    root_pem: Option<String>,
}

fn invalid(field: &'static str, zh: &str, en: &str) -> SyncError {
    SyncError::Store(StoreError::from(InvalidInput::new(field, zh, en)))
}

fn checked(store: &Store, form: &EnrollForm) -> Result<Checked> {
    let link = form.link.as_deref().map(str::trim).unwrap_or_default();
    let (server_url, code) = if link.is_empty() {
        (
            form.server_url.trim().to_owned(),
            form.code.trim().to_owned(),
        )
    } else {
        let link = EnrollmentLink::parse(link).ok_or_else(|| {
            invalid(
                "link",
                "注册文本应形如 fieldlog-enroll:1?server=…&code=…（办公室二维码中的文字），请重新粘贴，或清空它并填写服务器地址和注册码",
                "the enrollment text must look like fieldlog-enroll:1?server=…&code=… (the office's QR code): paste it again, or clear it and fill in the server address and code",
            )
        })?;
        (link.server_url, link.code)
    };
    if !(server_url.starts_with("https://") || server_url.starts_with("http://")) {
        return Err(invalid(
            "server_url",
            "请填写服务器地址，如 https://192.0.2.10:8740（管理员会告诉您）",
            "fill in the server address, such as https://192.0.2.10:8740 (the administrator gives it)",
        ));
    }
    if code.is_empty() {
        return Err(invalid(
            "code",
            "请填写管理员给的一次性注册码",
            "fill in the one-time enrollment code the administrator gave you",
        ));
    }
    let root_pem = form.root_certificate.as_deref().map(root_pem).transpose()?;
    let device_name = match form.device_name.trim() {
        "" => match host_name() {
            Some(name) => name,
            None => crate::profile_name(store)?,
        },
        name => name.to_owned(),
    };
    Ok(Checked {
        server_url,
        code,
        device_name,
        root_pem,
    })
}

/// Enrolls this laptop from the app's form, then runs a first sync round and says what arrived
/// (or, enrollment kept, why the round must wait). Runs the network on a thread of its own, so it
/// may be called from an async runtime's thread (the app's commands run on one).
pub fn enroll_and_sync(
    store: &mut Store,
    form: &EnrollForm,
    options: SyncOptions,
) -> Result<FirstEnrollment> {
    let form = checked(store, form)?;
    crate::on_own_thread(|| enroll_then_round(store, &form, options))
}

fn enroll_then_round(
    store: &mut Store,
    form: &Checked,
    options: SyncOptions,
) -> Result<FirstEnrollment> {
    let enrolled = enroll_trusting(
        store,
        &form.server_url,
        &form.code,
        &form.device_name,
        form.root_pem.as_deref(),
        options.clone(),
    )
    .map_err(|error| match error {
        // Nothing to send later: an enrollment is not retried by itself, so say what to check.
        SyncError::Network(why) => SyncError::EnrollUnreachable {
            server_url: form.server_url.clone(),
            why,
        },
        other => other,
    })?;
    let round = first_round(store, &options);
    Ok(FirstEnrollment {
        enrollment: enrolled.into(),
        arrived: match &round {
            Ok(()) => Some(fieldlog_store::first_start::held(store)?),
            Err(_) => None,
        },
        sync_error: round.err().map(|error| error.message(store.language())),
    })
}

/// The first round. The app's background worker notices the new enrollment and may start a round
/// of its own at the same moment: then this one waits for it (the round lock) and runs after it,
/// which finds little left to do.
fn first_round(store: &mut Store, options: &SyncOptions) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match sync_round(store, options) {
            Err(SyncError::Busy) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(200));
            }
            outcome => return outcome.map(|_| ()),
        }
    }
}
