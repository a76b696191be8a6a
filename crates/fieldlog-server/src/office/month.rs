//! `/office/v1/summary…` (issue 18, "close the month"): a contract's monthly summary over
//! everything the server holds, and its files.
//!
//! - `GET /office/v1/summary?contract=<code>&month=YYYY-MM` (or `&year=YYYY`, a whole year) →
//!   `fieldlog_wire::v1::SummaryView`,
//!   computed by the laptop's own pure `fieldlog_domain::summary::summarise` over the office's
//!   read model (`office::read_model`, the decoded feed), with the facts chosen as the laptop's
//!   store chooses them (`fieldlog_store::summary`), so a laptop that has synced everything and
//!   the console show the same figures. The per-technician figures are the summary's own
//!   `technicians` (each figure names its faults, which is the drill-down).
//! - `…/summary.xlsx`, `…/summary.csv` (UTF-8 with a BOM), `…/summary.pdf`: the files the laptop
//!   exports, made by the same crate (`fieldlog-summary-files`). The PDF is signed (PAdES) by the
//!   **branch's certificate**, issued by the server's CA for a key this process holds (like the
//!   time-stamping key, `crate::timestamp`: made on first use and kept for the process's life,
//!   reissued when near its end), and time-stamped in-process by the server's own TSA (B-T), so a
//!   validator that trusts the server's root (`fieldlog-server ca-cert`) accepts both.
//!
//! Everyone signed in may read the summary of a contract it sees (an administrator every one, a
//! manager its granted ones); any other contract, existing or not, is answered 404. Reading
//! changes nothing, except that each signed PDF is written in the office audit log
//! (`summary_pdf`: who had the branch sign which month), in the transaction that read it.
//!
//! This module (with its submodules) is the only one of the server that names `fieldlog_pdf` or
//! `fieldlog_summary_files` (`cargo xtask tidy` checks it): the sync path touches no PDF.

use super::http::{ClientAddress, Office, blocking, session_token};
use super::read_model::{Model, ReadModel};
use super::{OfficeError, Result, Session, audit};
use crate::error::ServerError;
use crate::storage::{Storage, Tx};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::summary;
use fieldlog_domain::time::china;
use fieldlog_pdf::{Font, SigningIdentity};
use fieldlog_wire::v1::{SummaryFault, SummaryView};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;

/// The routes of this module, merged into `office::http::routes`.
pub(super) fn routes<S: Storage>() -> Router<Office<S>> {
    Router::new()
        .route("/office/v1/summary", get(summary_json::<S>))
        .route("/office/v1/summary.xlsx", get(summary_xlsx::<S>))
        .route("/office/v1/summary.csv", get(summary_csv::<S>))
        .route("/office/v1/summary.pdf", get(summary_pdf::<S>))
}

/// `?contract=<code>&month=YYYY-MM`, or `&year=YYYY` for a whole year (the same definitions
/// over a longer range: `summary::summarise` takes any range of days).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    pub contract: String,
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

impl MonthQuery {
    /// The local dates `[from, to)` asked for: a month or a year, exactly one.
    pub fn range(&self) -> Result<(NaiveDate, NaiveDate)> {
        match (&self.month, &self.year) {
            (Some(month), None) => month_range(month),
            (None, Some(year)) => year_range(year),
            _ => Err(OfficeError::Invalid(
                "请给出月份 month=2026-11 或年份 year=2026 之一 (give month=YYYY-MM or year=YYYY, one of them)".into(),
            )),
        }
    }

    /// The period as the file name says it (`2026-11`, `2026`).
    fn period(&self) -> &str {
        self.month.as_deref().or(self.year.as_deref()).unwrap_or("")
    }
}

/// A whole year's local dates `[1 January, next 1 January)`.
pub fn year_range(year: &str) -> Result<(NaiveDate, NaiveDate)> {
    let wrong = || {
        OfficeError::Invalid(format!(
            "无法识别的年份“{year}”，请写成 2026 (year not understood: use YYYY)"
        ))
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    let y: i32 = year.parse().map_err(|_| wrong())?;
    let from = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(wrong)?;
    let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).ok_or_else(wrong)?;
    Ok((from, to))
}

/// The month's local dates `[from, to)`, or a refusal saying how to write it.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let wrong = || {
        OfficeError::Invalid(format!(
            "无法识别的月份“{month}”，请写成 2026-11 (month not understood: use YYYY-MM)"
        ))
    };
    if month.len() != 7 {
        return Err(wrong());
    }
    fieldlog_domain::clocks::month_bounds(month).ok_or_else(wrong)
}

/// Refuses a contract the session does not see, existing or not, alike (no probing).
fn check_visible(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<()> {
    if super::visible_contracts(tx, &session.account)?
        .iter()
        .any(|c| c.code == code)
    {
        Ok(())
    } else {
        Err(OfficeError::NotFound(format!("合同 {code} (contract)")))
    }
}

/// The summary of contract `code` for `[from, to)` as it stood at the range's close (or `now`),
/// over the read model: the contract's facts (`Model::contract_facts`, as the laptop's store
/// gathers them), given to the same pure `summary::summarise`, and the faults its figures name,
/// as the laptop lists them (by report time, then id).
pub fn summary_view(
    model: &Model,
    code: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<SummaryView> {
    let contract = model
        .contract_by_code(code)
        .ok_or_else(|| OfficeError::NotFound(format!("合同 {code} (contract)")))?;
    let facts = model
        .contract_facts(contract.id)
        .ok_or_else(|| OfficeError::NotFound(format!("合同 {code} (contract)")))?;
    let summary = summary::summarise(facts.input(), from, to, now);
    let named = summary.named_faults();
    // `facts.faults` is in the laptop's order (report time, then id).
    let faults = facts
        .faults
        .iter()
        .filter(|f| named.contains(&f.fault.id))
        .filter_map(|f| {
            let fault = f.fault;
            let site = model.sites.get(&fault.site_id)?;
            let device = fault.device_id.and_then(|d| model.devices.get(&d));
            Some(SummaryFault {
                id: fault.id,
                reported_at: fault.reported_at,
                level: fault.level,
                site_code: site.code.clone(),
                site_name: site.name.clone(),
                device: device.map(|d| fieldlog_domain::site::device_label(d.kind, &d.model)),
                device_kind: device.map(|d| d.kind),
                device_model: device.map(|d| d.model.clone()),
                description: fault.description.clone(),
            })
        })
        .collect();
    Ok(SummaryView {
        contract_id: contract.id,
        contract_name: contract.name.clone(),
        client: contract.client.clone(),
        period: summary::period_label(from, to),
        summary,
        faults,
        // Inspections by plan (issue 19 item 5), counted as the laptop counts them.
        inspections: fieldlog_domain::inspection::count_inspections(
            &model.inspection_facts(contract.id),
            from,
            to,
            summary::close_of(to, now),
        ),
    })
}

/// The asked summary, as the session sees it, at `now`.
fn view_for(
    tx: &mut dyn Tx,
    read_model: &ReadModel,
    session: &Session,
    query: &MonthQuery,
    now: DateTime<Utc>,
) -> Result<SummaryView> {
    check_visible(tx, session, &query.contract)?;
    let (from, to) = query.range()?;
    let model = read_model.current(tx)?;
    summary_view(&model, &query.contract, from, to, now)
}

/// A read of the summary as the request's session, in a read-only transaction.
async fn reading_view<S: Storage, T: Send + 'static>(
    office: &Office<S>,
    headers: &HeaderMap,
    query: MonthQuery,
    then: impl FnOnce(SummaryView) -> Result<T> + Send + 'static,
) -> Result<T> {
    let now = (office.options.clock)();
    let read_model = office.read_model.clone();
    super::http::reading(office, headers, move |tx, session| {
        then(view_for(tx, &read_model, session, &query, now)?)
    })
    .await
}

fn month_query(
    query: std::result::Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<MonthQuery> {
    query
        .map(|Query(q)| q)
        .map_err(|e| OfficeError::Invalid(format!("查询参数不正确 (bad query): {}", e.body_text())))
}

async fn summary_json<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let query = month_query(query)?;
    let view = reading_view(&office, &headers, query, Ok).await?;
    Ok(axum::Json(view).into_response())
}

async fn summary_xlsx<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let query = month_query(query)?;
    let name = file_name(&query, "xlsx");
    let bytes = reading_view(&office, &headers, query, |view| {
        fieldlog_summary_files::spreadsheet::xlsx(&view).map_err(spreadsheet_error)
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}

async fn summary_csv<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let query = month_query(query)?;
    let name = file_name(&query, "csv");
    let bytes = reading_view(&office, &headers, query, |view| {
        fieldlog_summary_files::spreadsheet::csv(&view).map_err(spreadsheet_error)
    })
    .await?;
    Ok(attachment(bytes, "text/csv; charset=utf-8", &name))
}

/// `GET /office/v1/summary.pdf`: the summary signed by the branch. The summary is read in a
/// read-only transaction (a year's takes a second: the server's one writer, which every
/// laptop's push waits for, must not be held meanwhile), then a short write records the audit
/// entry before the PDF is made and handed out.
async fn summary_pdf<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    query: std::result::Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let query = month_query(query)?;
    let name = file_name(&query, "pdf");
    let now = (office.options.clock)();
    let token = session_token(&headers);
    let storage = office.storage.clone();
    let read_model = office.read_model.clone();
    let bytes = blocking(move || {
        let view = super::in_read(&*storage, |tx| {
            let session = super::authenticate(tx, token.as_deref(), now, false)?;
            view_for(tx, &read_model, &session, &query, now)
        })?;
        let prepared_by = super::in_transaction(&*storage, |tx| {
            let session = super::authenticate(tx, token.as_deref(), now, true)?;
            audit(
                tx,
                now,
                Some(&session.account),
                "",
                "summary_pdf",
                serde_json::json!({"contract": query.contract, "period": query.period()}),
                &address,
            )?;
            Ok(session.account.name.clone())
        })?;
        let font = Font::locate().map_err(|e| OfficeError::Unavailable(e.to_string()))?;
        branch_signed_pdf(&*storage, &view, &font, prepared_by, now)
    })
    .await?;
    Ok(attachment(bytes, "application/pdf", &name))
}

fn spreadsheet_error(e: fieldlog_summary_files::spreadsheet::SpreadsheetError) -> OfficeError {
    ServerError::Storage(e.to_string()).into()
}

fn pdf_error(e: impl std::fmt::Display) -> OfficeError {
    ServerError::Authority(format!(
        "月度汇总 PDF 生成或签名失败 (making or signing the PDF failed): {e}"
    ))
    .into()
}

/// The summary rendered and signed by the branch, time-stamped by the server's TSA (B-T).
pub fn branch_signed_pdf(
    storage: &impl Storage,
    view: &SummaryView,
    font: &Font,
    prepared_by: String,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let input = fieldlog_summary_files::summary_pdf_input(view, prepared_by, now);
    let pdf = fieldlog_pdf::monthly_summary(&input, font).map_err(pdf_error)?;
    let identity = branch_identity(storage, now)?;
    let tsa = crate::timestamp::authority(storage, now)?;
    let stamper = |value: &[u8]| -> Option<Vec<u8>> {
        let (request, _nonce) = fieldlog_certs::timestamp::request_over(value).ok()?;
        let reply = tsa.respond(&request, now);
        fieldlog_certs::timestamp::token_from_response(&reply).ok()
    };
    fieldlog_pdf::sign_pdf_stamped(
        &pdf,
        &identity,
        &identity.common_name(),
        "每月维护报告汇总",
        now.with_timezone(&china()),
        Some(&stamper as fieldlog_pdf::TimeStamper<'_>),
    )
    .map_err(pdf_error)
}

/// The branch's certificate is reissued (with a new key) when less than this is left of it.
const RENEW_DAYS: i64 = 30;

/// A branch identity and the end of its certificate's validity.
type HeldIdentity = (SigningIdentity, DateTime<Utc>);

/// One branch identity per server CA (tests run several servers in one process), by the CA's
/// certificate.
static BRANCH_IDENTITIES: Mutex<Option<HashMap<Vec<u8>, HeldIdentity>>> = Mutex::new(None);

/// The branch's signing identity: a P-256 key this process holds and a document-signing
/// certificate for it issued by the server's CA (chain embedded), made on first use and kept.
/// Its subject names the branch by the server's CA ("Fieldlog 分公司 <the root's suffix>").
pub fn branch_identity(storage: &impl Storage, now: DateTime<Utc>) -> Result<SigningIdentity> {
    let ca = storage.transaction(|tx| crate::ca::authority(tx, now))?;
    let mut held = BRANCH_IDENTITIES
        .lock()
        .map_err(|_| ServerError::Storage("branch identity lock poisoned".into()))?;
    let held = held.get_or_insert_with(HashMap::new);
    let key = ca.certificate_der();
    if let Some((identity, not_after)) = held.get(&key)
        && *not_after > now + chrono::Duration::days(RENEW_DAYS)
    {
        return Ok(identity.clone());
    }
    let bad = |e: fieldlog_certs::CertError| ServerError::Authority(e.to_string());
    let root_name =
        fieldlog_certs::common_name(&ca.certificate().tbs_certificate.subject).unwrap_or_default();
    let branch = root_name
        .rsplit(' ')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("server");
    let common_name = format!("Fieldlog 分公司 {branch}");
    let key_pem = fieldlog_certs::new_private_key_pem();
    let public_key = fieldlog_certs::public_key_from_pem(
        &fieldlog_certs::public_key_pem(&key_pem).map_err(bad)?,
    )
    .map_err(bad)?;
    let subject = fieldlog_certs::name(&common_name, Some("Fieldlog"), None).map_err(bad)?;
    let certificate = ca
        .issue(
            &fieldlog_certs::Purpose::DocumentSigning,
            subject,
            public_key,
            now,
            crate::ca::SIGNING_VALID_DAYS,
        )
        .map_err(bad)?;
    let not_after = fieldlog_certs::not_after(&certificate);
    // Kept with every certificate the CA issued, under the office device, so the office can see
    // it and put it on the CRL like a laptop's.
    storage.transaction(|tx| {
        tx.add_issued_certificate(&crate::storage::IssuedCertificateRecord {
            serial: fieldlog_certs::serial_hex(&certificate),
            technician_id: super::write::OFFICE_TECHNICIAN.to_owned(),
            device_id: super::write::OFFICE_DEVICE.to_owned(),
            not_after,
            issued_at: now,
            certificate_pem: fieldlog_certs::certificate_pem(&certificate),
        })
    })?;
    let identity =
        SigningIdentity::from_pem(&key_pem, &fieldlog_certs::certificate_pem(&certificate))
            .and_then(|i| i.with_chain_pem(&ca.certificate_pem()))
            .map_err(|e| ServerError::Authority(e.to_string()))?;
    held.insert(key, (identity.clone(), not_after));
    Ok(identity)
}

/// `每月维护报告汇总-<contract>-<month>.<ext>`: the laptop's name for the file.
fn file_name(query: &MonthQuery, extension: &str) -> (String, String) {
    let unicode = format!(
        "每月维护报告汇总-{}-{}.{extension}",
        query.contract,
        query.period()
    );
    let ascii: String = format!("summary-{}-{}.{extension}", query.contract, query.period())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (ascii, unicode)
}

/// `attachment` with an ASCII `filename` (old clients) and the real name as RFC 5987
/// `filename*` (UTF-8, percent-encoded).
fn content_disposition((ascii, unicode): &(String, String)) -> String {
    let mut encoded = String::new();
    for byte in unicode.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "!#$&+-.^_`|~".contains(c) {
            encoded.push(c);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &(String, String)) -> Response {
    let disposition = HeaderValue::from_str(&content_disposition(name))
        .expect("an ASCII-only header value is valid");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_has_an_ascii_fallback_and_the_chinese_name_percent_encoded() {
        let name = file_name(
            &MonthQuery {
                contract: "HT-2026\"x".into(),
                month: Some("2026-11".into()),
                year: None,
            },
            "xlsx",
        );
        let header = content_disposition(&name);
        assert!(header.starts_with("attachment; filename=\"summary-HT-2026_x-2026-11.xlsx\"; "));
        assert!(header.contains(
            "filename*=UTF-8''%E6%AF%8F%E6%9C%88%E7%BB%B4%E6%8A%A4%E6%8A%A5%E5%91%8A%E6%B1%87%E6%80%BB-HT-2026%22x-2026-11.xlsx"
        ));
        assert!(header.is_ascii());
    }

    #[test]
    fn a_month_is_yyyy_mm_or_refused() {
        assert_eq!(
            month_range("2026-11").unwrap(),
            (
                NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
            )
        );
        for bad in ["2026-13", "2026-1", "november", "2026-11-01", ""] {
            assert!(
                matches!(month_range(bad), Err(OfficeError::Invalid(_))),
                "{bad}"
            );
        }
        assert_eq!(
            year_range("2026").unwrap(),
            (
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
            )
        );
        for bad in ["26", "+202", "2026-11", ""] {
            assert!(
                matches!(year_range(bad), Err(OfficeError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
