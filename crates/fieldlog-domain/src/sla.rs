//! SLA policies (时限): the limits a contract promises per fault level, plus the special rules of
//! domain.md. Limits are whole minutes, wall clock, 7×24 (no business hours).
//!
//! The two contracts of domain.md ship as presets with exactly its numbers. Where domain.md says a
//! promise exists in "one contract" without naming it, the preset that carries it is our decision,
//! written on the field; every rule can be switched per contract.

use serde::{Deserialize, Serialize};

code_enum! {
    /// Fault level (故障级别). Both contracts use the same three.
    pub enum FaultLevel {
        /// 特大故障: a server node is down, the business cannot run.
        A = "A", "特大故障";
        /// 重大故障: part of the equipment fails, some business is limited.
        B = "B", "重大故障";
        /// 一般故障: a technical fault, most business still works.
        C = "C", "一般故障";
    }
}

/// The three clocks of one level, in minutes. Response and arrival run from the report; resolution
/// runs from arrival on site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelLimits {
    pub response_min: u32,
    pub arrival_min: u32,
    pub resolution_min: u32,
}

impl LevelLimits {
    pub const fn new(response_min: u32, arrival_min: u32, resolution_min: u32) -> Self {
        Self {
            response_min,
            arrival_min,
            resolution_min,
        }
    }
}

/// One value per fault level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerLevel<T> {
    #[serde(rename = "A")]
    pub a: T,
    #[serde(rename = "B")]
    pub b: T,
    #[serde(rename = "C")]
    pub c: T,
}

impl<T> PerLevel<T> {
    pub fn get(&self, level: FaultLevel) -> &T {
        match level {
            FaultLevel::A => &self.a,
            FaultLevel::B => &self.b,
            FaultLevel::C => &self.c,
        }
    }
}

/// Remote first (远程支持): try remotely; if not fixed within the window, be on site within a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteFirst {
    pub remote_window_min: u32,
    /// Counted from the end of the remote window.
    pub on_site_within_min: u32,
}

/// Major fault (重大故障): cleared with spares within a limit; without spares, the device is
/// replaced by other equipment within a longer one. Counted from the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorFaultSpares {
    pub with_spares_min: u32,
    pub replaced_without_spares_min: u32,
}

/// Fibre line faults (光纤线路障碍). Counted from the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FibreRepair {
    pub repair_min: u32,
    /// When caused by external force or natural disaster.
    pub external_cause_min: u32,
}

/// A contract's SLA policy. Versioned: editing a contract's policy makes a new version, and a fault
/// keeps the version it was opened under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub levels: PerLevel<LevelLimits>,
    pub remote_first: Option<RemoteFirst>,
    pub major_fault_spares: Option<MajorFaultSpares>,
    pub fibre: Option<FibreRepair>,
    /// The customer is told the result within this many minutes after the fault is cleared (反馈).
    pub feedback_min: Option<u32>,
    /// A spare unit of the same model replaces a device not fixed in time (备品备件替代).
    pub spare_substitution: bool,
    /// Force majeure (不可抗拒因素) is exempt from the clocks unless the contract says otherwise.
    pub force_majeure_counts_as_breach: bool,
}

const HOUR: u32 = 60;
const DAY: u32 = 24 * HOUR;

/// The SLA presets of the two contracts in domain.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// County public-security bureau, village-policing query service (152 users, 2 years).
    CountyPoliceVillageQuery,
    /// City e-government extranet (3 years, machine rooms and fibre).
    CityEgovExtranet,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::CountyPoliceVillageQuery, Preset::CityEgovExtranet];

    pub fn code(self) -> &'static str {
        match self {
            Preset::CountyPoliceVillageQuery => "county-police-village-query",
            Preset::CityEgovExtranet => "city-egov-extranet",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Preset::CountyPoliceVillageQuery => "县公安局村警查询服务",
            Preset::CityEgovExtranet => "市电子政务外网",
        }
    }

    pub fn from_code(code: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The policy exactly as domain.md's table states it.
    pub fn policy(self) -> SlaPolicy {
        match self {
            Preset::CountyPoliceVillageQuery => SlaPolicy {
                levels: PerLevel {
                    a: LevelLimits::new(15, 60, 4 * HOUR),
                    b: LevelLimits::new(15, 2 * HOUR, 3 * HOUR),
                    c: LevelLimits::new(15, 2 * HOUR, 2 * HOUR),
                },
                // "within 2 h in one contract": the village service, whose B/C on-site limit is 2 h too.
                remote_first: Some(RemoteFirst {
                    remote_window_min: HOUR,
                    on_site_within_min: 2 * HOUR,
                }),
                major_fault_spares: None,
                fibre: None,
                feedback_min: Some(DAY),
                // Village camera poles: a same-model spare keeps the point running.
                spare_substitution: true,
                force_majeure_counts_as_breach: false,
            },
            Preset::CityEgovExtranet => SlaPolicy {
                levels: PerLevel {
                    a: LevelLimits::new(15, 60, 5 * HOUR),
                    b: LevelLimits::new(30, 2 * HOUR, 8 * HOUR),
                    c: LevelLimits::new(45, 4 * HOUR, DAY),
                },
                remote_first: Some(RemoteFirst {
                    remote_window_min: HOUR,
                    on_site_within_min: HOUR,
                }),
                // Machine rooms keep spare resources; fibre is this contract's.
                major_fault_spares: Some(MajorFaultSpares {
                    with_spares_min: 7 * HOUR,
                    replaced_without_spares_min: 11 * HOUR,
                }),
                fibre: Some(FibreRepair {
                    repair_min: DAY,
                    external_cause_min: 7 * DAY,
                }),
                feedback_min: Some(DAY),
                spare_substitution: true,
                force_majeure_counts_as_breach: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// domain.md, "SLA clocks": the table, row by row, in minutes.
    #[test]
    fn presets_reproduce_domain_table_exactly() {
        let rows: [(Preset, FaultLevel, u32, u32, u32); 6] = [
            (Preset::CountyPoliceVillageQuery, FaultLevel::A, 15, 60, 240),
            (
                Preset::CountyPoliceVillageQuery,
                FaultLevel::B,
                15,
                120,
                180,
            ),
            (
                Preset::CountyPoliceVillageQuery,
                FaultLevel::C,
                15,
                120,
                120,
            ),
            (Preset::CityEgovExtranet, FaultLevel::A, 15, 60, 300),
            (Preset::CityEgovExtranet, FaultLevel::B, 30, 120, 480),
            (Preset::CityEgovExtranet, FaultLevel::C, 45, 240, 1440),
        ];
        for (preset, level, response, arrival, resolution) in rows {
            let limits = *preset.policy().levels.get(level);
            assert_eq!(
                limits,
                LevelLimits::new(response, arrival, resolution),
                "{preset:?} level {level}"
            );
        }
    }

    /// domain.md, "Further promises": remote first 1 h, then on site within 2 h / 1 h; major fault
    /// 7 h with spares, 11 h without; fibre 24 h, 7 days for external causes; feedback 24 h.
    #[test]
    fn presets_carry_the_further_promises() {
        let police = Preset::CountyPoliceVillageQuery.policy();
        let egov = Preset::CityEgovExtranet.policy();
        assert_eq!(police.remote_first.unwrap().remote_window_min, 60);
        assert_eq!(police.remote_first.unwrap().on_site_within_min, 120);
        assert_eq!(egov.remote_first.unwrap().on_site_within_min, 60);
        let major = egov.major_fault_spares.unwrap();
        assert_eq!(
            (major.with_spares_min, major.replaced_without_spares_min),
            (420, 660)
        );
        let fibre = egov.fibre.unwrap();
        assert_eq!((fibre.repair_min, fibre.external_cause_min), (1440, 10080));
        assert_eq!(police.feedback_min, Some(1440));
        assert!(!police.force_majeure_counts_as_breach && !egov.force_majeure_counts_as_breach);
    }

    #[test]
    fn policy_round_trips_through_json() {
        for preset in Preset::ALL {
            let json = serde_json::to_string(&preset.policy()).unwrap();
            let back: SlaPolicy = serde_json::from_str(&json).unwrap();
            assert_eq!(back, preset.policy());
            assert_eq!(Preset::from_code(preset.code()), Some(preset));
        }
    }

    #[test]
    fn level_codes_parse() {
        assert_eq!("B".parse::<FaultLevel>().unwrap(), FaultLevel::B);
        let err = "D".parse::<FaultLevel>().unwrap_err();
        assert!(err.to_string().contains("A、B、C"));
    }
}
