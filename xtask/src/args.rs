//! The command line: which task `cargo xtask …` asked for, or the usage line. Parsing only, so it
//! is tested without running anything.

use crate::install::Purpose;
use crate::shell::Result;
use crate::test_postgres::Durability;

pub const USAGE: &str = "usage: cargo xtask run | test | test-packages | tidy | dist | bench-startup | bench-pdf | with-postgres [--durable] COMMAND… | setup [run|test]";

/// One task of `cargo xtask`.
#[derive(Debug, PartialEq)]
pub enum Task {
    /// Install, build, seed the demo month on first run, start the app.
    Run,
    /// Every check CI runs.
    Test,
    /// Only the tidy step (dependency invariants, generated files, forbidden macros).
    Tidy,
    /// Only the installs.
    Setup(Purpose),
    /// The release packages (issue 20).
    Dist,
    /// Only the install/upgrade/remove step of `test` (issue 20).
    TestPackages,
    BenchStartup,
    BenchPdf,
    /// One command with a throwaway PostgreSQL cluster.
    WithPostgres {
        durability: Durability,
        program: String,
        args: Vec<String>,
    },
}

/// The task named by the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Task> {
    let rest = args.get(1..).unwrap_or_default();
    Ok(match args.first().map(String::as_str) {
        Some("run") => Task::Run,
        Some("test") => Task::Test,
        Some("tidy") => Task::Tidy,
        Some("dist") => Task::Dist,
        Some("test-packages") => Task::TestPackages,
        Some("bench-startup") => Task::BenchStartup,
        Some("bench-pdf") => Task::BenchPdf,
        Some("with-postgres") => {
            let (durability, command) = match rest.split_first() {
                Some((flag, rest)) if flag == "--durable" => (Durability::Full, rest),
                _ => (Durability::Off, rest),
            };
            let Some((program, args)) = command.split_first() else {
                return Err(
                    "usage: cargo xtask with-postgres [--durable] COMMAND… (e.g. cargo test -p fieldlog-sync)"
                        .into(),
                );
            };
            Task::WithPostgres {
                durability,
                program: program.clone(),
                args: args.to_vec(),
            }
        }
        Some("setup") => match rest.first().map(String::as_str) {
            Some("run") => Task::Setup(Purpose::Run),
            None | Some("test") => Task::Setup(Purpose::Test),
            Some(other) => return Err(format!("unknown setup target '{other}' (run or test)")),
        },
        _ => return Err(USAGE.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Task> {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse(&words)
    }

    #[test]
    fn each_task_is_named_by_its_word() {
        assert_eq!(parse_words("run"), Ok(Task::Run));
        assert_eq!(parse_words("test"), Ok(Task::Test));
        assert_eq!(parse_words("tidy"), Ok(Task::Tidy));
        assert_eq!(parse_words("dist"), Ok(Task::Dist));
        assert_eq!(parse_words("test-packages"), Ok(Task::TestPackages));
        assert_eq!(parse_words("bench-startup"), Ok(Task::BenchStartup));
        assert_eq!(parse_words("bench-pdf"), Ok(Task::BenchPdf));
        assert_eq!(parse_words("setup"), Ok(Task::Setup(Purpose::Test)));
        assert_eq!(parse_words("setup run"), Ok(Task::Setup(Purpose::Run)));
        assert_eq!(parse_words("setup test"), Ok(Task::Setup(Purpose::Test)));
    }

    #[test]
    fn with_postgres_keeps_the_command_whole_and_reads_durable_first_only() {
        assert_eq!(
            parse_words("with-postgres cargo test -p fieldlog-sync --durable"),
            Ok(Task::WithPostgres {
                durability: Durability::Off,
                program: "cargo".into(),
                args: ["test", "-p", "fieldlog-sync", "--durable"]
                    .map(String::from)
                    .to_vec(),
            })
        );
        assert_eq!(
            parse_words("with-postgres --durable cargo bench"),
            Ok(Task::WithPostgres {
                durability: Durability::Full,
                program: "cargo".into(),
                args: vec!["bench".into()],
            })
        );
    }

    #[test]
    fn a_wrong_word_gets_the_usage() {
        assert_eq!(parse_words(""), Err(USAGE.into()));
        assert_eq!(parse_words("tset"), Err(USAGE.into()));
        assert!(
            parse_words("with-postgres")
                .unwrap_err()
                .contains("COMMAND")
        );
        assert!(parse_words("with-postgres --durable").is_err());
        assert!(
            parse_words("setup everything")
                .unwrap_err()
                .contains("run or test")
        );
    }
}
