//! Faults (报修 / 故障) and their lifecycle events. A fault's facts at report time never change;
//! everything that happens afterwards is an appended event, and state is derived from the events.

use crate::ids::{ArrivalId, ContractId, DeviceId, FaultEventId, FaultId, PartId, SiteId};
use crate::sla::FaultLevel;
use crate::validate::{self, InvalidInput};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// How far ahead of "now" a stated time may be before it is refused. Laptop clocks drift; a few
/// minutes are tolerated, anything more is a typo or a wrong clock.
pub const FUTURE_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

code_enum! {
    /// How the fault reached us.
    pub enum ReportChannel {
        Phone = "phone", "电话", "Phone";
        Wechat = "wechat", "微信", "WeChat";
        Monitoring = "monitoring", "系统告警", "Monitoring alert";
        Inspection = "inspection", "巡检发现", "Found on inspection";
        OnSite = "on_site", "现场报修", "Reported on site";
    }
}

code_enum! {
    /// Why a fault is (still) not resolved. The monthly summary groups unresolved devices by it.
    pub enum UnresolvedReason {
        Power = "power", "电源", "Power";
        Transmission = "transmission", "传输", "Transmission";
        Device = "device", "设备", "Device";
        ForceMajeure = "force_majeure", "不可抗拒因素", "Force majeure";
        Other = "other", "其他", "Other";
    }
}

code_enum! {
    /// What caused a fault, as far as the contract cares (故障原因认定).
    pub enum FaultCause {
        /// Wear, defects, configuration: the ordinary case.
        Ordinary = "ordinary", "一般原因", "Ordinary";
        /// External force, e.g. a fibre dug up by construction (外力破坏): fibre gets 7 days, the
        /// other clocks run as usual.
        ExternalForce = "external_force", "外力破坏", "External force";
        /// Natural disaster (自然灾害).
        NaturalDisaster = "natural_disaster", "自然灾害", "Natural disaster";
        /// Front-end device stolen (前端设备被盗).
        Stolen = "stolen", "设备被盗", "Stolen";
        /// Damaged by people (人为破坏).
        Vandalised = "vandalised", "人为破坏", "Vandalised";
        /// A pole hit by a vehicle (车辆撞击立杆).
        VehicleHit = "vehicle_hit", "车辆撞杆", "Hit by a vehicle";
        /// Lightning, rain, snow (恶劣天气).
        Weather = "weather", "恶劣天气", "Bad weather (lightning, rain, snow)";
    }
}

impl FaultCause {
    /// Force majeure (不可抗拒因素) per domain.md: stolen, human damage, vehicle hit, bad weather,
    /// natural disaster. Reported to the client and settled by agreement.
    pub fn is_force_majeure(self) -> bool {
        matches!(
            self,
            FaultCause::Stolen
                | FaultCause::Vandalised
                | FaultCause::VehicleHit
                | FaultCause::Weather
                | FaultCause::NaturalDisaster
        )
    }

    /// External force or natural disaster: the longer fibre repair limit applies.
    pub fn is_external(self) -> bool {
        self != FaultCause::Ordinary && self != FaultCause::Stolen
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Fault {
    pub id: FaultId,
    pub contract_id: ContractId,
    pub site_id: SiteId,
    pub device_id: Option<DeviceId>,
    pub level: FaultLevel,
    /// When the client reported it: all three clocks start here (resolution from arrival).
    pub reported_at: DateTime<Utc>,
    pub channel: ReportChannel,
    pub description: String,
    /// The customer manager who first received it (首问负责制): owner until it is closed.
    pub first_receiver: String,
    /// The contract's SLA policy version this fault was opened under.
    pub policy_version: u32,
    /// When this laptop saved it.
    pub recorded_at: DateTime<Utc>,
    /// Who called it in and on which number (the office's call taking fills them; a fault
    /// recorded before issue 18, or on a laptop without them, has none).
    #[serde(default)]
    pub caller: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
}

/// A fault as entered, before it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewFault {
    pub contract_id: ContractId,
    pub site_id: SiteId,
    pub device_id: Option<DeviceId>,
    pub level: FaultLevel,
    pub reported_at: DateTime<Utc>,
    pub channel: ReportChannel,
    pub description: String,
    pub first_receiver: String,
    /// Who called it in and on which number (optional).
    #[serde(default)]
    pub caller: Option<String>,
    #[serde(default)]
    pub caller_phone: Option<String>,
}

/// How the customer was told when nobody says otherwise (Today's one-tap 已告知客户): a phone
/// call, the usual channel, in the words the fault's own form would keep (the evidence is
/// Chinese whatever the window's language).
pub const INFORMED_HOW_DEFAULT: &str = "电话";

impl NewFault {
    /// Checks and normalises the input as of `now`.
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<Self, InvalidInput> {
        self.description =
            validate::required_multiline_text("description", "故障描述", &self.description, 500)?;
        self.first_receiver =
            validate::required_text("first_receiver", "首问负责人", &self.first_receiver, 50)?;
        not_in_future("reported_at", "报修时间", self.reported_at, now)?;
        self.caller =
            validate::optional_text("caller", "报修人", self.caller.as_deref().unwrap_or(""), 50)?;
        self.caller_phone = match self.caller_phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(phone) => Some(check_phone(phone)?),
        };
        Ok(self)
    }
}

/// How long after a call the office may still register it (报修登记): a call older than this
/// is a typo in the date, or a fault that should have been taken long ago and is written up
/// with the caller, not back-dated into the clocks silently.
pub const MAX_CALL_AGE: TimeDelta = TimeDelta::days(7);

/// Longest phone number accepted (international with spaces fits).
pub const MAX_PHONE_CHARS: usize = 20;

/// Who called and from which number, as the office takes a call (both required: the first
/// receiver calls back). The number holds digits, `+`, `-` and spaces, at least one digit.
/// Returns both trimmed.
pub fn check_caller(caller: &str, phone: &str) -> Result<(String, String), InvalidInput> {
    let caller = validate::required_text("caller", "报修人", caller, 50)?;
    Ok((caller, check_phone(phone)?))
}

/// A caller's number, on the office's call form and the laptop's alike: digits, `+`, `-` and
/// spaces, at least one digit, at most [`MAX_PHONE_CHARS`]. Returns it trimmed.
pub fn check_phone(phone: &str) -> Result<String, InvalidInput> {
    let phone = validate::required_text("caller_phone", "联系电话", phone, MAX_PHONE_CHARS)?;
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ');
    if !phone.chars().all(allowed) || !phone.chars().any(|c| c.is_ascii_digit()) {
        return Err(InvalidInput::new(
            "caller_phone",
            "“联系电话”只能包含数字、+、- 和空格",
            "caller_phone may hold only digits, +, - and spaces",
        ));
    }
    Ok(phone)
}

/// The time of a call the office registers: not in the future (beyond [`FUTURE_TOLERANCE`]) and
/// at most [`MAX_CALL_AGE`] old.
pub fn check_call_time(reported_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), InvalidInput> {
    not_in_future("reported_at", "报修时间", reported_at, now)?;
    if reported_at < now - MAX_CALL_AGE {
        return Err(InvalidInput::new(
            "reported_at",
            "“报修时间”早于 7 天前，请检查日期",
            "reported_at is more than 7 days ago; check the date",
        ));
    }
    Ok(())
}

/// Refuses an instant later than `now` plus [`FUTURE_TOLERANCE`].
pub fn not_in_future(
    field: &'static str,
    label_zh: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), InvalidInput> {
    if at > now + FUTURE_TOLERANCE {
        return Err(InvalidInput::new(
            field,
            format!("“{label_zh}”晚于当前时间，请检查时间或本机时钟"),
            format!("{field} is in the future; check the time or this computer's clock"),
        ));
    }
    Ok(())
}

/// What happened to a fault after it was reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultEventKind {
    /// The response clock stops (响应).
    Acknowledged { by: String },
    /// A try at fixing it remotely (远程支持).
    RemoteAttempt { fixed: bool, note: String },
    /// Handed up the chain; the first receiver stays the owner (向上升级).
    Escalated { to: String, reason: String },
    /// The arrival clock stops and the resolution clock starts (到达现场).
    OnSite { arrival_id: ArrivalId },
    /// Remote support gave up, or the customer asked for on-site support straight away: the fault
    /// is escalated to on-site support (转现场支持). Under the e-government reading of remote
    /// first, the technician is owed on site within the hour from this moment.
    EscalatedOnSite { by: String, reason: String },
    /// A same-model spare unit was installed to keep the system running (备品备件替代): the new
    /// unit's serial (`serial`) and the failed device's (`old_serial`, absent in events recorded
    /// before issue 15).
    SpareSubstituted {
        part_id: PartId,
        serial: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        old_serial: Option<String>,
    },
    /// Cleared (故障解决).
    Resolved { note: String },
    /// Could not be cleared, with the reason.
    Unresolved {
        reason: UnresolvedReason,
        note: String,
    },
    /// The customer was told the result (反馈); `how` is the channel ([`INFORMED_HOW_DEFAULT`]
    /// when Today's one-tap records it).
    CustomerInformed { how: String },
    /// What caused it, once known: force majeure and external causes change the clocks.
    CauseDetermined { cause: FaultCause, note: String },
    /// The technician claims force majeure (不可抗拒因素): the cause, and that the client was told
    /// (the event's time is when; `told` is whom). Counts apart only once the client accepts.
    ForceMajeureClaimed {
        cause: FaultCause,
        told: String,
        note: String,
    },
    /// The client's answer to the claim (协商结果): accepted or not, by whom, with a note; the
    /// event's time is when.
    ForceMajeureAgreement {
        accepted: bool,
        by: String,
        note: String,
    },
}

impl FaultEventKind {
    /// Checks (and trims) the free text an event carries: printable characters only, notes may
    /// span lines, names and channels are one line.
    pub fn validate(self) -> Result<Self, InvalidInput> {
        fn note(value: &str, label: &str) -> Result<String, InvalidInput> {
            Ok(validate::optional_multiline_text("note", label, value, 1000)?.unwrap_or_default())
        }
        fn line(field: &'static str, value: &str, label: &str) -> Result<String, InvalidInput> {
            Ok(validate::optional_text(field, label, value, 100)?.unwrap_or_default())
        }
        Ok(match self {
            FaultEventKind::Acknowledged { by } => FaultEventKind::Acknowledged {
                by: line("by", &by, "响应人")?,
            },
            FaultEventKind::RemoteAttempt { fixed, note: n } => FaultEventKind::RemoteAttempt {
                fixed,
                note: note(&n, "远程处理说明")?,
            },
            FaultEventKind::Escalated { to, reason } => FaultEventKind::Escalated {
                to: line("to", &to, "升级给")?,
                reason: note(&reason, "升级原因")?,
            },
            FaultEventKind::EscalatedOnSite { by, reason } => FaultEventKind::EscalatedOnSite {
                by: line("by", &by, "转现场支持人")?,
                reason: note(&reason, "转现场原因")?,
            },
            FaultEventKind::SpareSubstituted {
                part_id,
                serial,
                old_serial,
            } => FaultEventKind::SpareSubstituted {
                part_id,
                serial: validate::optional_text(
                    "serial",
                    "备品序列号",
                    serial.as_deref().unwrap_or(""),
                    64,
                )?,
                old_serial: validate::optional_text(
                    "old_serial",
                    "原设备序列号",
                    old_serial.as_deref().unwrap_or(""),
                    64,
                )?,
            },
            FaultEventKind::Resolved { note: n } => FaultEventKind::Resolved {
                note: note(&n, "解决说明")?,
            },
            FaultEventKind::Unresolved { reason, note: n } => FaultEventKind::Unresolved {
                reason,
                note: note(&n, "未解决说明")?,
            },
            FaultEventKind::CustomerInformed { how } => FaultEventKind::CustomerInformed {
                how: line("how", &how, "告知方式")?,
            },
            FaultEventKind::CauseDetermined { cause, note: n } => FaultEventKind::CauseDetermined {
                cause,
                note: note(&n, "原因说明")?,
            },
            FaultEventKind::ForceMajeureClaimed {
                cause,
                told,
                note: n,
            } => FaultEventKind::ForceMajeureClaimed {
                cause,
                told: line("told", &told, "告知对象")?,
                note: note(&n, "不可抗拒因素说明")?,
            },
            FaultEventKind::ForceMajeureAgreement {
                accepted,
                by,
                note: n,
            } => FaultEventKind::ForceMajeureAgreement {
                accepted,
                by: line("by", &by, "用户确认人")?,
                note: note(&n, "协商说明")?,
            },
            other @ FaultEventKind::OnSite { .. } => other,
        })
    }

    /// The stable code stored beside the event.
    pub fn code(&self) -> &'static str {
        match self {
            FaultEventKind::Acknowledged { .. } => "acknowledged",
            FaultEventKind::RemoteAttempt { .. } => "remote_attempt",
            FaultEventKind::Escalated { .. } => "escalated",
            FaultEventKind::OnSite { .. } => "on_site",
            FaultEventKind::SpareSubstituted { .. } => "spare_substituted",
            FaultEventKind::Resolved { .. } => "resolved",
            FaultEventKind::Unresolved { .. } => "unresolved",
            FaultEventKind::CustomerInformed { .. } => "customer_informed",
            FaultEventKind::CauseDetermined { .. } => "cause_determined",
            FaultEventKind::EscalatedOnSite { .. } => "escalated_on_site",
            FaultEventKind::ForceMajeureClaimed { .. } => "force_majeure_claimed",
            FaultEventKind::ForceMajeureAgreement { .. } => "force_majeure_agreement",
        }
    }

    /// What kind of event this is, as a person reads it.
    pub fn label(&self, lang: crate::Lang) -> &'static str {
        crate::Label::of(crate::labels::FAULT_EVENT_KINDS, self.code(), lang)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FaultEvent {
    pub id: FaultEventId,
    pub fault_id: FaultId,
    /// When it happened, as stated by the technician.
    pub at: DateTime<Utc>,
    /// When this laptop saved it.
    pub recorded_at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: FaultEventKind,
}

/// Where a fault stands, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FaultStatus {
    Reported,
    Acknowledged,
    OnSite,
    Resolved,
    Unresolved,
}

impl FaultStatus {
    /// The stable code (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            FaultStatus::Reported => "reported",
            FaultStatus::Acknowledged => "acknowledged",
            FaultStatus::OnSite => "on_site",
            FaultStatus::Resolved => "resolved",
            FaultStatus::Unresolved => "unresolved",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        crate::Label::of(crate::labels::FAULT_STATUSES, self.code(), lang)
    }

    pub fn label_zh(self) -> &'static str {
        self.label(crate::Lang::ZhCn)
    }

    /// Open faults are the ones a technician still has to act on.
    pub fn is_open(self) -> bool {
        !matches!(self, FaultStatus::Resolved)
    }
}

/// The status of a fault after `events` (in the order they happened).
pub fn status(events: &[FaultEvent]) -> FaultStatus {
    events
        .iter()
        .fold(FaultStatus::Reported, |state, event| match &event.kind {
            FaultEventKind::Acknowledged { .. } if state == FaultStatus::Reported => {
                FaultStatus::Acknowledged
            }
            FaultEventKind::OnSite { .. } => FaultStatus::OnSite,
            FaultEventKind::Resolved { .. } => FaultStatus::Resolved,
            FaultEventKind::Unresolved { .. } => FaultStatus::Unresolved,
            _ => state,
        })
}

code_enum! {
    /// Where a force-majeure claim stands (不可抗拒因素认定).
    pub enum ForceMajeureState {
        /// Claimed, the client has not answered yet (待协商).
        Pending = "pending", "待确认", "Pending";
        /// The client accepted: the fault counts apart, not as a breach.
        Accepted = "accepted", "已认可", "Accepted";
        /// The client refused: the fault counts like any other.
        Refused = "refused", "未认可", "Refused";
    }
}

/// A force-majeure claim and the client's answer, as they stood at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ForceMajeureClaim {
    pub cause: FaultCause,
    /// When the client was told, and whom.
    pub told_at: DateTime<Utc>,
    pub told: String,
    pub note: String,
    pub state: ForceMajeureState,
    /// The agreement, once recorded: when, by whom, with what note.
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub answer_note: Option<String>,
}

/// The latest force-majeure claim among the events that had happened by `at`, with its answer.
pub fn force_majeure_claim(events: &[FaultEvent], at: DateTime<Utc>) -> Option<ForceMajeureClaim> {
    let mut happened: Vec<&FaultEvent> = events.iter().filter(|e| e.at <= at).collect();
    happened.sort_by_key(|e| (e.at, e.id));
    let mut claim: Option<ForceMajeureClaim> = None;
    for event in happened {
        match &event.kind {
            FaultEventKind::ForceMajeureClaimed { cause, told, note } => {
                claim = Some(ForceMajeureClaim {
                    cause: *cause,
                    told_at: event.at,
                    told: told.clone(),
                    note: note.clone(),
                    state: ForceMajeureState::Pending,
                    answered_at: None,
                    answered_by: None,
                    answer_note: None,
                });
            }
            FaultEventKind::ForceMajeureAgreement { accepted, by, note } => {
                if let Some(claim) = claim
                    .as_mut()
                    .filter(|c| c.state == ForceMajeureState::Pending)
                {
                    claim.state = if *accepted {
                        ForceMajeureState::Accepted
                    } else {
                        ForceMajeureState::Refused
                    };
                    claim.answered_at = Some(event.at);
                    claim.answered_by = Some(by.clone());
                    claim.answer_note = Some(note.clone());
                }
            }
            _ => {}
        }
    }
    claim
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, accepted)
    #[test]
    fn a_caller_number_is_digits_plus_dashes_and_spaces() {
        let cases = [
            ("13800001234", true),
            ("+86 138-0000-1234", true),
            ("  010 1234 5678 ", true),
            ("", false),
            ("- -", false),
            ("138O0001234", false),
            ("138000012345678901234", false),
            ("12345678901234567890", true),
        ];
        for (number, accepted) in cases {
            assert_eq!(
                check_caller("报修人甲", number).is_ok(),
                accepted,
                "{number:?}"
            );
        }
        assert!(check_caller(" ", "13800001234").is_err());
    }

    #[test]
    fn a_call_is_at_most_seven_days_old_and_not_ahead() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let cases = [
            (TimeDelta::zero(), true),
            (-TimeDelta::minutes(20), true),
            (-MAX_CALL_AGE, true),
            (-MAX_CALL_AGE - TimeDelta::seconds(1), false),
            (FUTURE_TOLERANCE, true),
            (FUTURE_TOLERANCE + TimeDelta::seconds(1), false),
        ];
        for (offset, accepted) in cases {
            assert_eq!(
                check_call_time(now + offset, now).is_ok(),
                accepted,
                "{offset}"
            );
        }
    }
}
