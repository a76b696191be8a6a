//! The fault lifecycle (故障处理流程) as a check over append-only events: which event may follow
//! which. The first receiver stays the owner throughout (首问负责制): escalation hands work up the
//! chain, never ownership. State itself is derived (`fault::status`), never stored.

use crate::fault::{FUTURE_TOLERANCE, Fault, FaultEvent, FaultEventKind};
use crate::validate::InvalidInput;
use chrono::{DateTime, Utc};

fn refuse(field: &'static str, zh: &str, en: &str) -> InvalidInput {
    InvalidInput::new(field, zh, en)
}

/// Checks that `new` may join `existing` (this fault's events, any order) as of `now`. Nothing is
/// written when this fails, and the message names the rule.
pub fn check_event(
    fault: &Fault,
    existing: &[FaultEvent],
    new: &FaultEvent,
    now: DateTime<Utc>,
) -> Result<(), InvalidInput> {
    if new.at > now + FUTURE_TOLERANCE {
        return Err(refuse(
            "at",
            "事件时间晚于当前时间，请检查时间或本机时钟",
            "the event is in the future; check the time or this computer's clock",
        ));
    }
    let mut all: Vec<&FaultEvent> = existing.iter().chain(std::iter::once(new)).collect();
    // Same instant: the order they were recorded in (ids are UUIDv7, so by creation).
    all.sort_by_key(|e| (e.at, e.id));
    check_sequence(fault, &all)
}

/// Checks a whole sequence, in the order things happened.
pub fn check_sequence(fault: &Fault, events: &[&FaultEvent]) -> Result<(), InvalidInput> {
    let (mut acknowledged, mut on_site, mut remote_fixed, mut remote_tried) =
        (false, false, false, false);
    let (mut resolved, mut outcome) = (false, false);
    let (mut escalated_on_site, mut claimed, mut answered) = (false, false, false);
    for event in events {
        if event.at < fault.reported_at {
            return Err(refuse(
                "at",
                "事件时间早于报修时间，请检查时间",
                "the event is earlier than the fault report; check the time",
            ));
        }
        let closed = || {
            refuse(
                "kind",
                "故障已解决，只能再登记“告知用户”“原因认定”或不可抗拒因素及用户意见",
                "the fault is resolved; only informing the customer, its cause or force majeure may follow",
            )
        };
        match &event.kind {
            FaultEventKind::Acknowledged { .. } => {
                if acknowledged {
                    return Err(refuse(
                        "kind",
                        "该故障已经响应过",
                        "the fault was already acknowledged",
                    ));
                }
                if resolved {
                    return Err(closed());
                }
                acknowledged = true;
            }
            FaultEventKind::RemoteAttempt { fixed, .. } => {
                if resolved {
                    return Err(closed());
                }
                remote_tried = true;
                remote_fixed |= *fixed;
            }
            FaultEventKind::Escalated { .. } => {
                if resolved {
                    return Err(closed());
                }
            }
            FaultEventKind::OnSite { .. } => {
                if resolved {
                    return Err(closed());
                }
                if on_site {
                    return Err(refuse(
                        "kind",
                        "该故障已登记到场",
                        "arrival on site is already recorded",
                    ));
                }
                on_site = true;
            }
            FaultEventKind::SpareSubstituted { .. } => {
                if resolved {
                    return Err(closed());
                }
                if !on_site {
                    return Err(refuse(
                        "kind",
                        "备件替代须在到场之后登记",
                        "a spare substitution needs an arrival on site first",
                    ));
                }
            }
            FaultEventKind::Resolved { .. } => {
                if resolved {
                    return Err(refuse(
                        "kind",
                        "该故障已经解决",
                        "the fault is already resolved",
                    ));
                }
                if !on_site && !remote_fixed {
                    return Err(refuse(
                        "kind",
                        "故障须在到场（或远程修复）之后才能登记解决",
                        "a fault is resolved only after arrival on site or a successful remote fix",
                    ));
                }
                resolved = true;
                outcome = true;
            }
            FaultEventKind::Unresolved { .. } => {
                if resolved {
                    return Err(closed());
                }
                if !on_site && !remote_tried {
                    return Err(refuse(
                        "kind",
                        "须先到场或远程处理，才能登记未解决及原因",
                        "record an arrival or a remote attempt before marking it unresolved",
                    ));
                }
                outcome = true;
            }
            FaultEventKind::CustomerInformed { .. } => {
                if !outcome {
                    return Err(refuse(
                        "kind",
                        "处理结果确定后才能登记告知用户",
                        "the customer is informed once there is a result",
                    ));
                }
            }
            FaultEventKind::CauseDetermined { .. } => {}
            FaultEventKind::EscalatedOnSite { .. } => {
                if resolved {
                    return Err(closed());
                }
                if on_site {
                    return Err(refuse(
                        "kind",
                        "已到场，无需再转现场支持",
                        "the technician is already on site; no escalation to on-site support is needed",
                    ));
                }
                if escalated_on_site {
                    return Err(refuse(
                        "kind",
                        "该故障已转现场支持",
                        "the fault was already escalated to on-site support",
                    ));
                }
                escalated_on_site = true;
            }
            FaultEventKind::ForceMajeureClaimed { cause, .. } => {
                if !cause.is_force_majeure() {
                    return Err(refuse(
                        "cause",
                        "不可抗拒因素须为设备被盗、人为破坏、车辆撞杆、恶劣天气或自然灾害之一",
                        "force majeure must be theft, vandalism, a vehicle hit, bad weather or a natural disaster",
                    ));
                }
                if claimed {
                    return Err(refuse(
                        "kind",
                        "该故障已登记不可抗拒因素，请登记用户意见",
                        "force majeure is already claimed for this fault; record the client's answer",
                    ));
                }
                claimed = true;
            }
            FaultEventKind::ForceMajeureAgreement { .. } => {
                if !claimed {
                    return Err(refuse(
                        "kind",
                        "须先登记不可抗拒因素并告知用户，才能登记用户意见",
                        "claim force majeure and tell the client before recording their answer",
                    ));
                }
                if answered {
                    return Err(refuse(
                        "kind",
                        "用户意见已登记",
                        "the client's answer is already recorded",
                    ));
                }
                answered = true;
            }
        }
    }
    Ok(())
}
