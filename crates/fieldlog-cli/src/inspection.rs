//! `fieldlog inspection …` (issue 19 item 5): the plans, the list with overdue ones marked, one
//! inspection's checklist, ticking, findings and a finding turned into a fault, the same `desk`
//! actions the app's inspection screens call.

use crate::CliError;
use crate::render::Output;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use fieldlog_domain::inspection::{InspectionKind, TickOutcome};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_store::{Store, desk};
use fieldlog_wire::v1::{
    FindingToFault, InspectionDetail, InspectionList, NewFinding, NewInspectionPlan, NewTick,
};

#[derive(Subcommand, Debug)]
pub enum InspectionCommand {
    /// 列出待巡检（逾期在前）、近期完成的巡检和巡检计划 (list inspections to do, overdue first, the ones done lately and the plans)
    List,
    /// 显示一次巡检的检查表和发现 (one inspection's checklist and findings)
    Show { inspection: String },
    /// 新建巡检计划：每月日常巡检或每季度安全巡检 (a new plan: monthly routine or quarterly security inspections)
    Plan {
        #[arg(long)]
        contract: String,
        /// routine | security_quarterly
        #[arg(long, value_parser = parse_code::<InspectionKind>)]
        kind: InspectionKind,
        /// 开始日期，如 2026-12-01 (first day)
        #[arg(long)]
        starts_on: NaiveDate,
        /// 检查项，可多次给出；不给则用该类型的默认检查项 (a checklist item, repeatable; none: the kind's defaults)
        #[arg(long = "item")]
        items: Vec<String>,
        /// 点位编号，可多次给出；不给则为全部点位 (a site code, repeatable; none: every site)
        #[arg(long = "site")]
        sites: Vec<String>,
    },
    /// 勾选一项检查（序号从 1 起）(tick one checklist item, numbered from 1)
    Tick {
        inspection: String,
        item: u32,
        /// ok | not_ok | skipped
        #[arg(value_parser = parse_code::<TickOutcome>)]
        outcome: TickOutcome,
        /// 异常情况或未检查原因 (what is wrong, or why not checked)
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 记录巡检发现 (note a finding)
    Finding {
        inspection: String,
        #[arg(long)]
        description: String,
        /// 点位编号，默认为巡检点位 (site code; defaults to the inspection's site)
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        device: Option<String>,
    },
    /// 把巡检发现转为故障 (turn a finding into a fault)
    ToFault {
        finding: String,
        #[arg(long, value_parser = parse_code::<FaultLevel>)]
        level: FaultLevel,
    },
}

fn parse_code<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| e.to_string())
}

pub fn run(
    store: &mut Store,
    command: InspectionCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    match command {
        InspectionCommand::List => list(out, &desk::inspection_list(store, now)?),
        InspectionCommand::Show { inspection } => {
            let id = store.resolve_inspection(&inspection)?;
            detail(out, &desk::inspection_detail(store, id, now)?);
        }
        InspectionCommand::Plan {
            contract,
            kind,
            starts_on,
            items,
            sites,
        } => {
            let contract = store.resolve_contract(&contract)?;
            let site_ids = if sites.is_empty() {
                None
            } else {
                Some(
                    sites
                        .iter()
                        .map(|s| store.resolve_site(s).map(|s| s.id))
                        .collect::<Result<_, _>>()?,
                )
            };
            let plan = desk::add_inspection_plan(
                store,
                NewInspectionPlan {
                    contract_id: contract.id,
                    kind,
                    checklist: items,
                    site_ids,
                    starts_on,
                },
                now,
            )?;
            out.json_or(&plan, || {
                say!(
                    "{}  {}  {}  {}",
                    crate::render::short(plan.id),
                    plan.contract_name,
                    plan.kind.label(out.lang),
                    plan.starts_on
                );
                for (i, item) in plan.checklist.iter().enumerate() {
                    say!("  {}. {}", i + 1, item);
                }
            });
        }
        InspectionCommand::Tick {
            inspection,
            item,
            outcome,
            note,
        } => {
            let id = store.resolve_inspection(&inspection)?;
            let position = item.checked_sub(1).ok_or_else(|| {
                CliError::usage("检查项序号从 1 起", "checklist items are numbered from 1")
            })?;
            let tick = NewTick {
                position,
                outcome,
                note,
            };
            detail(out, &desk::tick_inspection(store, id, tick, now)?);
        }
        InspectionCommand::Finding {
            inspection,
            description,
            site,
            device,
        } => {
            let id = store.resolve_inspection(&inspection)?;
            let site_id = match site {
                Some(code) => store.resolve_site(&code)?.id,
                None => desk::inspection_detail(store, id, now)?.inspection.site_id,
            };
            let device_id = device
                .map(|d| store.resolve_device(&d).map(|d| d.id))
                .transpose()?;
            let finding = NewFinding {
                site_id,
                device_id,
                description,
            };
            detail(out, &desk::note_finding(store, id, finding, now)?);
        }
        InspectionCommand::ToFault { finding, level } => {
            let id = store.resolve_finding(&finding)?;
            let fault = FindingToFault {
                level,
                reported_at: None,
            };
            detail(out, &desk::finding_to_fault(store, id, fault, now)?);
        }
    }
    Ok(())
}

fn list(out: &Output, list: &InspectionList) {
    out.json_or(list, || {
        if list.open.is_empty() {
            say_in!(out.lang, "没有待巡检的点位", "No inspections to do");
        }
        for i in &list.open {
            let overdue = if i.overdue {
                out.lang.pick("  已逾期", "  OVERDUE")
            } else {
                ""
            };
            say!(
                "{}  {}  {} {}  {} {}  {}/{}{}",
                crate::render::short(i.id),
                i.kind.label(out.lang),
                i.site_code,
                i.site_name,
                out.lang.pick("截止", "due by"),
                i.due_by.map(|d| d.to_string()).unwrap_or_default(),
                i.items_ticked,
                i.checklist.len(),
                overdue
            );
        }
    });
}

fn detail(out: &Output, detail: &InspectionDetail) {
    out.json_or(detail, || {
        let i = &detail.inspection;
        say!(
            "{}  {}  {} {}  {} {}",
            crate::render::short(i.id),
            i.kind.label(out.lang),
            i.site_code,
            i.site_name,
            out.lang.pick("截止", "due by"),
            i.due_by.map(|d| d.to_string()).unwrap_or_default()
        );
        if let Some(done) = i.done_at {
            say!(
                "{} {}",
                out.lang.pick("已完成", "done"),
                fieldlog_domain::time::format_local(done)
            );
        }
        for item in &detail.items {
            let tick = item.tick.as_ref().map_or_else(
                || out.lang.pick("（未勾选）", "(not ticked)").to_owned(),
                |t| format!("{} {}", t.outcome.label(out.lang), t.note),
            );
            say!(
                "  {}. {}  {}",
                item.position + 1,
                item.item,
                tick.trim_end()
            );
        }
        for f in &detail.findings {
            let fault = f
                .fault_id
                .map(|id| format!("  → {}", crate::render::short(id)))
                .unwrap_or_default();
            say!(
                "  * {}  {}{}",
                crate::render::short(f.id),
                f.description,
                fault
            );
        }
    });
}
