//! The dependency invariants of ARCHITECTURE.md ("Dependencies point inwards", invariant 2, and
//! the code map's rules for `fieldlog-pdf` and `fieldlog-wire`), checked on the resolved graph
//! `cargo metadata` prints: normal dependencies only (a test may link anything), on every
//! platform at once, so an invariant holds on Windows too.
//!
//! To add an invariant, add a [`Rule`] to [`rules`] with the sentence of ARCHITECTURE.md it
//! enforces, and a test below that a graph breaking it fails.

use super::json::Json;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The resolved graph: package names and their normal (not dev, not build) dependency edges.
pub struct Graph {
    /// Package id → name.
    names: BTreeMap<String, String>,
    /// Package id → ids of its normal dependencies.
    normal: BTreeMap<String, Vec<String>>,
    /// Workspace member name → id.
    members: BTreeMap<String, String>,
}

impl Graph {
    /// Reads `cargo metadata --format-version 1` (with its `resolve` section).
    pub fn from_metadata(metadata: &Json) -> Result<Graph, String> {
        let mut names = BTreeMap::new();
        for package in metadata
            .get("packages")
            .map(Json::items)
            .unwrap_or_default()
        {
            let (Some(id), Some(name)) = (
                package.get("id").and_then(Json::as_str),
                package.get("name").and_then(Json::as_str),
            ) else {
                return Err("cargo metadata: a package without id or name".into());
            };
            names.insert(id.to_owned(), name.to_owned());
        }
        let resolve = metadata
            .get("resolve")
            .filter(|r| **r != Json::Null)
            .ok_or("cargo metadata: no resolved graph (was --no-deps given?)")?;
        let mut normal = BTreeMap::new();
        for node in resolve.get("nodes").map(Json::items).unwrap_or_default() {
            let id = node
                .get("id")
                .and_then(Json::as_str)
                .ok_or("cargo metadata: a node without id")?;
            let deps = node
                .get("deps")
                .map(Json::items)
                .unwrap_or_default()
                .iter()
                .filter(|dep| {
                    // `kind` is null for a normal dependency, "dev" or "build" otherwise.
                    dep.get("dep_kinds")
                        .map(Json::items)
                        .unwrap_or_default()
                        .iter()
                        .any(|k| k.get("kind").is_none_or(|kind| *kind == Json::Null))
                })
                .filter_map(|dep| dep.get("pkg").and_then(Json::as_str).map(str::to_owned))
                .collect();
            normal.insert(id.to_owned(), deps);
        }
        let mut members = BTreeMap::new();
        for id in metadata
            .get("workspace_members")
            .map(Json::items)
            .unwrap_or_default()
        {
            let id = id
                .as_str()
                .ok_or("cargo metadata: a member id is not text")?;
            let name = names
                .get(id)
                .ok_or_else(|| format!("cargo metadata: member {id} is not a package"))?;
            members.insert(name.clone(), id.to_owned());
        }
        Ok(Graph {
            names,
            normal,
            members,
        })
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// The shortest chain of normal dependencies from the member `from` to a package that
    /// `wanted` accepts (by name), as names, `from` first.
    fn path(&self, from: &str, wanted: impl Fn(&str) -> bool) -> Option<Vec<String>> {
        let start = self.members.get(from)?;
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start.as_str()]);
        let mut seen = BTreeSet::from([start.as_str()]);
        while let Some(id) = queue.pop_front() {
            if id != start && wanted(self.name(id)) {
                let mut chain = vec![self.name(id).to_owned()];
                let mut at = id;
                while let Some(&before) = came_from.get(at) {
                    chain.push(self.name(before).to_owned());
                    at = before;
                }
                chain.reverse();
                return Some(chain);
            }
            for next in self.normal.get(id).into_iter().flatten() {
                if seen.insert(next) {
                    came_from.insert(next, id);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Workspace members that depend directly (normal) on the package named `on`.
    fn direct_dependents(&self, on: &str) -> BTreeSet<&str> {
        self.members
            .iter()
            .filter(|(_, id)| {
                self.normal
                    .get(*id)
                    .into_iter()
                    .flatten()
                    .any(|dep| self.name(dep) == on)
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// One invariant over the graph. `why` is the rule in ARCHITECTURE.md's words, shown on failure.
pub enum Rule {
    /// The member `from` never reaches the package `to`.
    Never {
        from: &'static str,
        to: &'static str,
        why: &'static str,
    },
    /// The only workspace members `from` reaches are `allowed`.
    MembersOnly {
        from: &'static str,
        allowed: &'static [&'static str],
        why: &'static str,
    },
    /// The only workspace members that depend directly on the package `on` are `allowed`.
    DependedOnOnlyBy {
        on: &'static str,
        allowed: &'static [&'static str],
        why: &'static str,
    },
}

/// Our crates that are not the desktop shell: none of them may link Tauri.
const CORE: &[&str] = &[
    "fieldlog-domain",
    "fieldlog-store",
    "fieldlog-wire",
    "fieldlog-sync",
    "fieldlog-export",
    "fieldlog-pdf",
    "fieldlog-certs",
    "fieldlog-cli",
    "fieldlog-server",
    "fieldlog-demo",
    "fieldlog-migrate",
    "fieldlog-sheets",
    "fieldlog-summary-files",
];

/// The workspace crates the sync server may link: the wire types, X.509, and through the wire
/// types the domain. A crate of the server's own storage (say a shared migration runner) is
/// added here.
const SERVER_MAY_USE: &[&str] = &[
    "fieldlog-wire",
    "fieldlog-certs",
    "fieldlog-domain",
    "fieldlog-migrate",
    // The sites file's readers and row check, shared with the laptop's import (issue 17).
    "fieldlog-sheets",
    // The monthly summary's signed PDF, XLSX and CSV (issue 18), named only in
    // `office/month.rs` (checked by `server_pdf`).
    "fieldlog-pdf",
    "fieldlog-summary-files",
];

/// The invariants, from ARCHITECTURE.md.
pub fn rules() -> Vec<Rule> {
    let mut rules: Vec<Rule> = CORE
        .iter()
        .map(|from| Rule::Never {
            from,
            to: "tauri",
            why: "the Tauri shell is glue: the core crates, the CLI and the server never import Tauri (invariants 1 and 2)",
        })
        .collect();
    rules.extend([
        Rule::Never {
            from: "fieldlog-domain",
            to: "rusqlite",
            why: "fieldlog-domain imports neither SQLite nor Tauri (invariant 2)",
        },
        Rule::Never {
            from: "fieldlog-domain",
            to: "libsqlite3-sys",
            why: "fieldlog-domain imports neither SQLite nor Tauri (invariant 2)",
        },
        Rule::MembersOnly {
            from: "fieldlog-domain",
            allowed: &[],
            why: "dependencies point inwards: the domain is the innermost crate (invariant 2)",
        },
        Rule::MembersOnly {
            from: "fieldlog-wire",
            allowed: &["fieldlog-domain"],
            why: "wire types live only in fieldlog-wire, shared by client and server: it links the domain and nothing else of ours",
        },
        Rule::Never {
            from: "fieldlog-server",
            to: "tauri",
            why: "the server imports neither Tauri nor printpdf (invariant 2)",
        },
        Rule::MembersOnly {
            from: "fieldlog-server",
            allowed: SERVER_MAY_USE,
            why: "fieldlog-server depends on fieldlog-wire, fieldlog-certs, fieldlog-migrate, fieldlog-sheets, fieldlog-pdf, fieldlog-summary-files and its own storage only, not even on fieldlog-store (invariant 2)",
        },
        Rule::Never {
            from: "fieldlog-sync",
            to: "printpdf",
            why: "the sync client never links printpdf: the sync path touches no PDF (invariant 2)",
        },
        Rule::Never {
            from: "fieldlog-store",
            to: "printpdf",
            why: "printpdf is reached only through fieldlog-export, so the store does not link it (invariant 2)",
        },
        Rule::Never {
            from: "fieldlog-certs",
            to: "printpdf",
            why: "fieldlog-certs is X.509 shared with the server, no printpdf (code map)",
        },
        Rule::DependedOnOnlyBy {
            on: "printpdf",
            allowed: &["fieldlog-pdf"],
            why: "printpdf is reached only through fieldlog-pdf (invariant 2)",
        },
        Rule::DependedOnOnlyBy {
            on: "fieldlog-pdf",
            allowed: &["fieldlog-export", "fieldlog-summary-files", "fieldlog-server"],
            why: "fieldlog-pdf is used by fieldlog-export (the laptop), fieldlog-summary-files (its input types) and the server's office/month.rs only (code map; invariant 2)",
        },
        Rule::MembersOnly {
            from: "fieldlog-summary-files",
            allowed: &["fieldlog-domain", "fieldlog-wire", "fieldlog-pdf", "fieldlog-certs"],
            why: "fieldlog-summary-files turns a SummaryView into files: the domain, the wire types and fieldlog-pdf's input types, no store (code map)",
        },
        Rule::MembersOnly {
            from: "fieldlog-pdf",
            allowed: &["fieldlog-certs", "fieldlog-domain"],
            why: "of our crates fieldlog-pdf uses only fieldlog-certs and fieldlog-domain (code map)",
        },
        Rule::MembersOnly {
            from: "fieldlog-sheets",
            allowed: &["fieldlog-domain"],
            why: "fieldlog-sheets reads site files for the laptop and the server alike: of our crates it uses only the domain (code map)",
        },
        Rule::Never {
            from: "fieldlog-app",
            to: "fieldlog-demo",
            why: "demo data stays out of production: the app does not link fieldlog-demo",
        },
        Rule::Never {
            from: "fieldlog-server",
            to: "fieldlog-demo",
            why: "demo data stays out of production: the server does not link fieldlog-demo",
        },
    ]);
    rules
}

/// Every broken rule, one sentence each (empty when the graph keeps them all). A rule naming a
/// crate the workspace lacks is broken too: a renamed crate must not pass unchecked.
pub fn check(graph: &Graph, rules: &[Rule]) -> Vec<String> {
    let mut problems = Vec::new();
    let known = |member: &str, problems: &mut Vec<String>| {
        let present = graph.members.contains_key(member);
        if !present {
            problems.push(format!(
                "dependency rule names {member}, which is not a workspace member: update xtask/src/tidy/deps.rs"
            ));
        }
        present
    };
    for rule in rules {
        match rule {
            Rule::Never { from, to, why } => {
                if !known(from, &mut problems) {
                    continue;
                }
                if let Some(chain) = graph.path(from, |name| name == *to) {
                    problems.push(format!(
                        "{from} depends on {to} ({}): {why}",
                        chain.join(" → ")
                    ));
                }
            }
            Rule::MembersOnly { from, allowed, why } => {
                if !known(from, &mut problems) {
                    continue;
                }
                let foreign =
                    |name: &str| graph.members.contains_key(name) && !allowed.contains(&name);
                if let Some(chain) = graph.path(from, foreign) {
                    let reached = chain.last().cloned().unwrap_or_default();
                    problems.push(format!(
                        "{from} depends on {reached} ({}): {why}",
                        chain.join(" → ")
                    ));
                }
            }
            Rule::DependedOnOnlyBy { on, allowed, why } => {
                for dependent in graph.direct_dependents(on) {
                    if !allowed.contains(&dependent) {
                        problems.push(format!(
                            "{dependent} depends directly on {on} (its Cargo.toml [dependencies]): {why}"
                        ));
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::json;
    use super::*;

    /// A made-up `cargo metadata` over `edges` ("a -> b" normal, "a -dev-> b", "a -build-> b"):
    /// names starting with `fieldlog-` (and `fieldlog-app`) are workspace members.
    fn metadata(edges: &[&str]) -> Graph {
        let mut nodes: BTreeMap<String, Vec<(String, &str)>> = BTreeMap::new();
        for edge in edges {
            let words: Vec<&str> = edge.split_whitespace().collect();
            let [from, arrow, to] = words[..] else {
                panic!("bad edge {edge}")
            };
            let kind = match arrow {
                "->" => "null",
                "-dev->" => "\"dev\"",
                "-build->" => "\"build\"",
                _ => panic!("bad arrow {arrow}"),
            };
            nodes
                .entry(from.into())
                .or_default()
                .push((to.into(), kind));
            nodes.entry(to.into()).or_default();
        }
        let id = |name: &str| format!("path+file:///w/{name}#{name}@0.1.0");
        let packages: Vec<String> = nodes
            .keys()
            .map(|n| format!(r#"{{"name": "{n}", "id": "{}"}}"#, id(n)))
            .collect();
        let members: Vec<String> = nodes
            .keys()
            .filter(|n| n.starts_with("fieldlog-"))
            .map(|n| format!("\"{}\"", id(n)))
            .collect();
        let resolved: Vec<String> = nodes
            .iter()
            .map(|(n, deps)| {
                let deps: Vec<String> = deps
                    .iter()
                    .map(|(to, kind)| {
                        format!(
                            r#"{{"name": "{to}", "pkg": "{}", "dep_kinds": [{{"kind": {kind}, "target": null}}]}}"#,
                            id(to)
                        )
                    })
                    .collect();
                format!(r#"{{"id": "{}", "deps": [{}]}}"#, id(n), deps.join(","))
            })
            .collect();
        let text = format!(
            r#"{{"packages": [{}], "workspace_members": [{}], "resolve": {{"nodes": [{}], "root": null}}}}"#,
            packages.join(","),
            members.join(","),
            resolved.join(",")
        );
        Graph::from_metadata(&json::parse(&text).unwrap()).unwrap()
    }

    /// Today's shape of the workspace, which keeps every rule.
    const GOOD: &[&str] = &[
        "fieldlog-wire -> fieldlog-domain",
        "fieldlog-domain -> chrono",
        "fieldlog-store -> fieldlog-domain",
        "fieldlog-store -> fieldlog-wire",
        "fieldlog-store -> rusqlite",
        "rusqlite -> libsqlite3-sys",
        "fieldlog-store -dev-> fieldlog-demo",
        "fieldlog-demo -> fieldlog-store",
        "fieldlog-certs -> rcgen",
        "fieldlog-pdf -> fieldlog-certs",
        "fieldlog-pdf -> fieldlog-domain",
        "fieldlog-pdf -> printpdf",
        "fieldlog-sync -> fieldlog-store",
        "fieldlog-sync -> fieldlog-certs",
        "fieldlog-export -> fieldlog-pdf",
        "fieldlog-export -> fieldlog-sync",
        "fieldlog-server -> fieldlog-wire",
        "fieldlog-server -> fieldlog-certs",
        "fieldlog-server -> rusqlite",
        "fieldlog-server -> fieldlog-migrate",
        "fieldlog-store -> fieldlog-migrate",
        "fieldlog-sheets -> fieldlog-domain",
        "fieldlog-sheets -> calamine",
        "fieldlog-store -> fieldlog-sheets",
        "fieldlog-server -> fieldlog-sheets",
        "fieldlog-summary-files -> fieldlog-pdf",
        "fieldlog-summary-files -> fieldlog-wire",
        "fieldlog-summary-files -> rust_xlsxwriter",
        "fieldlog-export -> fieldlog-summary-files",
        "fieldlog-server -> fieldlog-pdf",
        "fieldlog-server -> fieldlog-summary-files",
        "fieldlog-cli -> fieldlog-export",
        "fieldlog-cli -> fieldlog-demo",
        "fieldlog-cli -dev-> fieldlog-server",
        "fieldlog-cli -dev-> fieldlog-pdf",
        "fieldlog-app -> fieldlog-export",
        "fieldlog-app -> tauri",
        "fieldlog-app -build-> tauri-build",
        "fieldlog-app -dev-> fieldlog-demo",
    ];

    fn problems_with(extra: &[&str]) -> Vec<String> {
        let edges: Vec<&str> = GOOD.iter().chain(extra).copied().collect();
        check(&metadata(&edges), &rules())
    }

    fn fails_with(extra: &str, expected: &[&str]) {
        let problems = problems_with(&[extra]);
        assert!(!problems.is_empty(), "{extra} passed");
        let text = problems.join("\n");
        for part in expected {
            assert!(text.contains(part), "{extra}: no '{part}' in\n{text}");
        }
    }

    #[test]
    fn todays_graph_keeps_every_rule_and_dev_and_build_edges_do_not_count() {
        assert_eq!(problems_with(&[]), Vec::<String>::new());
    }

    #[test]
    fn a_core_crate_reaching_tauri_fails_with_the_chain() {
        // A crate merely named like Tauri is not Tauri.
        assert_eq!(
            problems_with(&["fieldlog-wire -> tauri-thing"]),
            Vec::<String>::new()
        );
        for (edge, chain) in [
            ("fieldlog-domain -> tauri", "fieldlog-domain → tauri"),
            (
                "fieldlog-certs -> tauri",
                "fieldlog-server → fieldlog-certs → tauri",
            ),
            (
                "fieldlog-demo -> tauri",
                "fieldlog-cli → fieldlog-demo → tauri",
            ),
            (
                "chrono -> tauri",
                "fieldlog-store → fieldlog-domain → chrono → tauri",
            ),
        ] {
            fails_with(edge, &[chain, "never import Tauri"]);
        }
    }

    #[test]
    fn the_domain_linking_sqlite_or_another_crate_of_ours_fails() {
        fails_with(
            "fieldlog-domain -> rusqlite",
            &["fieldlog-domain → rusqlite"],
        );
        fails_with(
            "chrono -> libsqlite3-sys",
            &["fieldlog-domain → chrono → libsqlite3-sys"],
        );
        fails_with(
            "fieldlog-domain -> fieldlog-certs",
            &["the domain is the innermost crate"],
        );
    }

    #[test]
    fn the_wire_crate_linking_more_than_the_domain_fails() {
        fails_with(
            "fieldlog-wire -> fieldlog-certs",
            &["fieldlog-wire depends on fieldlog-certs (fieldlog-wire → fieldlog-certs)"],
        );
    }

    #[test]
    fn the_server_linking_the_store_printpdf_directly_or_the_demo_fails() {
        fails_with(
            "fieldlog-certs -> printpdf",
            &["fieldlog-certs depends on printpdf (fieldlog-certs → printpdf)"],
        );
        fails_with(
            "fieldlog-server -> fieldlog-store",
            &["not even on fieldlog-store"],
        );
        fails_with(
            "fieldlog-server -> printpdf",
            &["fieldlog-server depends directly on printpdf"],
        );
        fails_with(
            "fieldlog-server -> fieldlog-demo",
            &["the server does not link fieldlog-demo"],
        );
    }

    #[test]
    fn printpdf_reached_other_than_through_fieldlog_export_fails() {
        fails_with(
            "fieldlog-store -> printpdf",
            &["fieldlog-store depends directly on printpdf"],
        );
        fails_with(
            "fieldlog-cli -> fieldlog-pdf",
            &["fieldlog-cli depends directly on fieldlog-pdf"],
        );
        fails_with(
            "fieldlog-pdf -> fieldlog-store",
            &["fieldlog-pdf depends on fieldlog-store"],
        );
    }

    #[test]
    fn the_sync_client_reaching_printpdf_or_the_summary_files_reaching_the_store_fails() {
        fails_with(
            "fieldlog-sync -> fieldlog-summary-files",
            &["fieldlog-sync → fieldlog-summary-files → fieldlog-pdf → printpdf"],
        );
        fails_with(
            "fieldlog-summary-files -> fieldlog-store",
            &[
                "fieldlog-summary-files depends on fieldlog-store",
                "no store",
            ],
        );
    }

    #[test]
    fn the_app_linking_the_demo_fails() {
        fails_with(
            "fieldlog-app -> fieldlog-demo",
            &[
                "fieldlog-app depends on fieldlog-demo",
                "the app does not link",
            ],
        );
    }

    #[test]
    fn a_rule_naming_a_crate_that_is_gone_fails() {
        let graph = metadata(&["fieldlog-store -> fieldlog-domain"]);
        let problems = check(&graph, &rules());
        assert!(
            problems
                .iter()
                .any(|p| p.contains("fieldlog-server, which is not a workspace member")),
            "{problems:?}"
        );
    }
}
