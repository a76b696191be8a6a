//! Background sync for the desktop app: *when* to run a round, and the worker thread that runs
//! them.
//!
//! The policy is [`Planner`], pure and driven by the instants it is given, so every rule below is
//! a plain unit test:
//! - when the profile becomes enrolled (or the app starts enrolled), a round runs at once;
//! - a local change (the outbox's change number moved) runs a round after a short quiet spell
//!   (`debounce`), so a burst of saves goes up in one round, but never later than `max_delay`
//!   after the first of them;
//! - after a good round the next runs `period` later (to receive others' changes);
//! - after a failure the next waits an exponential backoff (`first_retry` doubling up to
//!   `max_retry`) with jitter, so a roomful of laptops coming back online does not retry in step;
//!   a refusal (not a network failure) waits the longest;
//! - a revoked laptop (`device_revoked`) is not retried at all, not even by "sync now": the office
//!   cut it off for good, so asking again would only knock on a closed door every few minutes.
//!   The planner waits until the profile is enrolled again (a new device id), then runs at once.
//!   The worker keeps this in memory: after the app restarts, one round asks again and stops;
//! - "sync now" runs a round at once, whatever is planned.
//!
//! [`Worker`] is the only thing in the app that runs rounds, one at a time on its own thread with
//! its own connection to the profile database, so a round never blocks the window and two rounds
//! never overlap. It reports every change of state and progress through a callback (the app
//! forwards it as a Tauri event).

use crate::{SyncError, SyncOptions, sync_round_reporting};
use chrono::{DateTime, Utc};
use fieldlog_store::Store;
use fieldlog_store::sync::SyncStatus;
use fieldlog_wire::sync::v1::CLOCK_TOLERANCE_SECS;
use fieldlog_wire::v1::{SyncActivity, SyncPhase, SyncState};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The timings of background sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Quiet time after a local change before its round starts.
    pub debounce: Duration,
    /// Longest a local change waits while changes keep coming.
    pub max_delay: Duration,
    /// Time between rounds while all is well (to receive others' changes).
    pub period: Duration,
    /// First wait after a failed round; doubled per failure up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// How often the worker looks at the outbox for local changes.
    pub poll: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            debounce: Duration::from_secs(3),
            max_delay: Duration::from_secs(30),
            // A fault the office dispatches reaches its technician within this when online
            // (issue 18); an idle round is one indexed pull that finds nothing, cheap for 200
            // laptops.
            period: Duration::from_secs(15),
            first_retry: Duration::from_secs(5),
            max_retry: Duration::from_secs(300),
            poll: Duration::from_secs(1),
        }
    }
}

impl SyncOptions {
    /// Options for background rounds: fewer, shorter retries inside a round than the CLI's, since
    /// the planner retries the whole round with its own backoff; a dead server shows as offline
    /// within seconds rather than after a minute of "syncing".
    pub fn for_background() -> SyncOptions {
        SyncOptions {
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(2),
            timeout: Duration::from_secs(20),
            ..SyncOptions::default()
        }
    }
}

/// How a round ended, for planning the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Synced,
    /// The network or the server's storage failed: worth retrying soon.
    Unreachable,
    /// The server refused (a contract no longer assigned …): retrying soon will not help; the
    /// technician has to act.
    Refused,
    /// The office revoked this laptop: nothing is retried until it is enrolled again.
    Revoked,
}

/// The wait before retry number `failures` (1 for the first): `first_retry · 2^(failures−1)`,
/// capped at `max_retry`, of which the upper half is scaled by `jitter` (in `[0, 1]`): "equal
/// jitter", so the wait never drops below half its step and laptops spread out.
pub fn backoff(policy: &Policy, failures: u32, jitter: f64) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let step = policy
        .first_retry
        .saturating_mul(1u32 << doublings)
        .min(policy.max_retry);
    step / 2 + (step / 2).mul_f64(jitter.clamp(0.0, 1.0))
}

/// The background-sync policy as a state machine over the instants it is given.
#[derive(Debug, Clone)]
pub struct Planner {
    policy: Policy,
    /// The device id the profile is enrolled as, if it is.
    enrolled: Option<String>,
    /// The server answered `device_revoked` for that device: nothing runs until another.
    revoked: bool,
    /// The outbox's change number when last looked at.
    seen_mark: Option<i64>,
    /// When the oldest local change not yet planned for went unplanned (for `max_delay`).
    first_change: Option<Instant>,
    failures: u32,
    next: Option<Instant>,
}

impl Planner {
    pub fn new(policy: Policy) -> Planner {
        Planner {
            policy,
            enrolled: None,
            revoked: false,
            seen_mark: None,
            first_change: None,
            failures: 0,
            next: None,
        }
    }

    /// What the worker saw when it looked: the device id the profile is enrolled as (`None`: not
    /// enrolled), and the outbox's change number (it grows with every local change).
    pub fn observe(&mut self, device: Option<&str>, outbox_mark: i64, now: Instant) {
        let changed = self.seen_mark.is_some_and(|m| m != outbox_mark);
        self.seen_mark = Some(outbox_mark);
        let Some(device) = device else {
            self.enrolled = None;
            self.revoked = false;
            self.next = None;
            self.first_change = None;
            return;
        };
        if self.enrolled.as_deref() != Some(device) {
            // Enrolled just now, enrolled when the app started, or enrolled again (after a
            // revocation, a new device): a round at once.
            self.enrolled = Some(device.to_owned());
            self.revoked = false;
            self.failures = 0;
            self.first_change = None;
            self.next = Some(now);
            return;
        }
        if self.revoked {
            return;
        }
        if changed && self.failures == 0 {
            // While the server is unreachable the backoff stands: a change made offline does not
            // make the server reachable, and it goes up with the next attempt anyway.
            let first = *self.first_change.get_or_insert(now);
            let at = (now + self.policy.debounce).min(first + self.policy.max_delay);
            self.next = Some(self.next.map_or(at, |n| if n <= now { n } else { at }));
        }
    }

    /// The technician asked for a round now.
    pub fn sync_now(&mut self, now: Instant) {
        if self.enrolled.is_some() && !self.revoked {
            self.next = Some(now);
        }
    }

    /// A round should start.
    pub fn due(&self, now: Instant) -> bool {
        self.next.is_some_and(|next| next <= now)
    }

    /// When the next round is planned, if one is.
    pub fn next(&self) -> Option<Instant> {
        self.next
    }

    /// The office revoked the device the profile is enrolled as: no round is planned.
    pub fn revoked(&self) -> bool {
        self.revoked
    }

    /// Failed rounds since the last good one.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// How long the worker may sleep before it should look again.
    pub fn sleep_for(&self, now: Instant) -> Duration {
        let until_next = self
            .next
            .map_or(self.policy.poll, |n| n.saturating_duration_since(now));
        until_next.min(self.policy.poll)
    }

    /// A round ended at `now`; plans the next one. `jitter` is a random number in `[0, 1]`.
    /// Answers the wait until then, or `None` when none is planned (the laptop was revoked).
    pub fn finished(&mut self, outcome: Outcome, now: Instant, jitter: f64) -> Option<Duration> {
        self.first_change = None;
        let wait = match outcome {
            Outcome::Synced => {
                self.failures = 0;
                self.policy.period
            }
            Outcome::Unreachable => {
                self.failures = self.failures.saturating_add(1);
                backoff(&self.policy, self.failures, jitter)
            }
            Outcome::Refused => {
                self.failures = self.failures.saturating_add(1);
                backoff(&self.policy, u32::MAX, jitter)
            }
            Outcome::Revoked => {
                self.failures = self.failures.saturating_add(1);
                self.revoked = true;
                self.next = None;
                return None;
            }
        };
        self.next = Some(now + wait);
        Some(wait)
    }
}

/// How a round's error counts for planning.
pub fn outcome_of(result: &Result<crate::RoundReport, SyncError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Synced,
        Err(SyncError::Revoked { .. }) => Outcome::Revoked,
        Err(error) if error.transient() => Outcome::Unreachable,
        Err(_) => Outcome::Refused,
    }
}

/// The indicator's view of the profile's sync state (`state` and progress are the caller's).
pub fn activity(status: &SyncStatus, state: SyncState) -> SyncActivity {
    SyncActivity {
        state: if status.enrolled {
            state
        } else {
            SyncState::NotEnrolled
        },
        phase: None,
        pushed: 0,
        pulled: 0,
        pending_changes: status.pending_changes,
        open_conflicts: status.open_conflicts,
        last_good_sync_at: status.last_good_sync_at,
        next_attempt_at: None,
        message: None,
        clock_offset_secs: status.clock_offset_secs,
        clock_off: status
            .clock_offset_secs
            .is_some_and(|o| o.abs() > CLOCK_TOLERANCE_SECS),
        server_url: status.server_url.clone(),
    }
}

/// A random number in `[0, 1]` for jitter: the standard library's randomly keyed hasher over the
/// time, which is all the randomness spreading retries needs.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos() ^ u128::from(std::process::id()));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[derive(Default)]
struct Flags {
    nudge: bool,
    stop: bool,
}

struct Shared {
    flags: Mutex<Flags>,
    wake: Condvar,
    latest: Mutex<SyncActivity>,
}

/// The app's background sync: a thread running rounds as [`Planner`] says. Dropping it stops the
/// thread (after the round in progress, if any).
pub struct Worker {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker on the profile database at `db`. `report` gets every new activity
    /// (state, progress), from the worker's thread.
    pub fn start(
        db: PathBuf,
        options: SyncOptions,
        policy: Policy,
        report: impl Fn(&SyncActivity) + Send + 'static,
    ) -> Worker {
        let shared = Arc::new(Shared {
            flags: Mutex::new(Flags::default()),
            wake: Condvar::new(),
            latest: Mutex::new(SyncActivity {
                state: SyncState::NotEnrolled,
                phase: None,
                pushed: 0,
                pulled: 0,
                pending_changes: 0,
                open_conflicts: 0,
                last_good_sync_at: None,
                next_attempt_at: None,
                message: None,
                clock_offset_secs: None,
                clock_off: false,
                server_url: None,
            }),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("fieldlog-sync".into())
                .spawn(move || run(&db, &options, policy, &shared, &report))
                .expect("the OS can start a thread")
        };
        Worker {
            shared,
            thread: Some(thread),
        }
    }

    /// Asks for a round now (the worker runs it as soon as it is free: never two at once), and
    /// answers the current activity.
    pub fn sync_now(&self) -> SyncActivity {
        if let Ok(mut flags) = self.shared.flags.lock() {
            flags.nudge = true;
        }
        self.shared.wake.notify_all();
        self.activity()
    }

    /// The latest activity reported.
    pub fn activity(&self) -> SyncActivity {
        self.shared
            .latest
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Ok(mut flags) = self.shared.flags.lock() {
            flags.stop = true;
        }
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn publish(shared: &Shared, report: &dyn Fn(&SyncActivity), activity: SyncActivity) {
    let mut latest = shared.latest.lock().unwrap_or_else(|p| p.into_inner());
    if *latest != activity {
        *latest = activity.clone();
        drop(latest);
        report(&activity);
    }
}

fn wall_clock_after(wait: Option<Duration>) -> Option<DateTime<Utc>> {
    wait.map(|wait| Utc::now() + chrono::TimeDelta::from_std(wait).unwrap_or_default())
}

fn run(
    db: &std::path::Path,
    options: &SyncOptions,
    policy: Policy,
    shared: &Shared,
    report: &dyn Fn(&SyncActivity),
) {
    let mut store = match Store::open(db) {
        Ok(store) => store,
        Err(error) => {
            let mut failed = shared
                .latest
                .lock()
                .map(|a| a.clone())
                .unwrap_or_else(|p| p.into_inner().clone());
            failed.state = SyncState::Failed;
            failed.message = Some(error.to_string());
            publish(shared, report, failed);
            return;
        }
    };
    let mut planner = Planner::new(policy);
    // The state between rounds: idle, or offline/failed with its message and next attempt.
    let mut resting = (SyncState::Idle, None::<String>, None::<DateTime<Utc>>);
    loop {
        let now = Instant::now();
        let looked = store
            .sync_status()
            .and_then(|status| Ok((store.outbox_mark()?, status)));
        let status = match looked {
            Ok((mark, status)) => {
                let device = status
                    .enrolled
                    .then(|| status.device_id.as_deref().unwrap_or_default());
                planner.observe(device, mark, now);
                Some(status)
            }
            Err(_) => None, // the database is busy or failing: look again on the next tick
        };
        {
            let mut flags = shared.flags.lock().unwrap_or_else(|p| p.into_inner());
            if flags.stop {
                return;
            }
            if std::mem::take(&mut flags.nudge) {
                planner.sync_now(now);
            }
        }
        if let Some(status) = status {
            if planner.due(now) {
                let mut progress = |phase: SyncPhase, round: &crate::RoundReport| {
                    let mut running = activity(&status, SyncState::Syncing);
                    running.phase = Some(phase);
                    running.pushed = round.pushed;
                    running.pulled = round.pulled;
                    publish(shared, report, running);
                };
                let result = sync_round_reporting(&mut store, options, &mut progress);
                let outcome = outcome_of(&result);
                let wait = planner.finished(outcome, Instant::now(), jitter());
                resting = match (&result, outcome) {
                    (_, Outcome::Synced) => (SyncState::Idle, None, None),
                    (Err(error), Outcome::Unreachable) => (
                        SyncState::Offline,
                        Some(error.message(store.language())),
                        wall_clock_after(wait),
                    ),
                    (Err(error), Outcome::Revoked) => (
                        SyncState::Revoked,
                        Some(error.message(store.language())),
                        None,
                    ),
                    (Err(error), _) => (
                        SyncState::Failed,
                        Some(error.message(store.language())),
                        wall_clock_after(wait),
                    ),
                    (Ok(_), _) => (SyncState::Idle, None, None),
                };
                let last = result.unwrap_or_default();
                if let Ok(status) = store.sync_status() {
                    let mut done = activity(&status, resting.0);
                    done.pushed = last.pushed;
                    done.pulled = last.pulled;
                    done.message = resting.1.clone();
                    done.next_attempt_at = resting.2;
                    publish(shared, report, done);
                }
                continue; // look again at once: changes may have arrived during the round
            }
            let mut idle = activity(&status, resting.0);
            idle.message = resting.1.clone();
            idle.next_attempt_at = resting.2;
            let latest = shared.latest.lock().map(|a| a.clone()).ok();
            if let Some(latest) = latest {
                // Keep the last round's counts on display until the next round.
                idle.pushed = latest.pushed;
                idle.pulled = latest.pulled;
            }
            publish(shared, report, idle);
        }
        let flags = shared.flags.lock().unwrap_or_else(|p| p.into_inner());
        if !flags.nudge && !flags.stop {
            let _ = shared
                .wake
                .wait_timeout(flags, planner.sleep_for(Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::default()
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Enrolled, as this device.
    const ON: Option<&str> = Some("0190f0f0-0000-7000-8000-00000000000a");

    #[test]
    fn nothing_runs_until_the_profile_is_enrolled_then_a_round_runs_at_once() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(None, 5, t0);
        plan.observe(None, 6, t0 + secs(1)); // local changes, not enrolled
        assert!(!plan.due(t0 + secs(600)));
        plan.sync_now(t0 + secs(2));
        assert!(!plan.due(t0 + secs(600)), "sync now needs an enrollment");
        plan.observe(ON, 6, t0 + secs(3));
        assert!(plan.due(t0 + secs(3)));
    }

    #[test]
    fn a_local_change_runs_a_round_after_a_quiet_spell_and_a_burst_is_one_round() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(ON, 1, t0);
        plan.finished(Outcome::Synced, t0, 0.5);
        plan.observe(ON, 2, t0 + secs(10));
        assert!(!plan.due(t0 + secs(12)));
        // Another change within the quiet spell pushes the round back.
        plan.observe(ON, 3, t0 + secs(12));
        assert!(!plan.due(t0 + secs(14)));
        assert!(plan.due(t0 + secs(15)));
        // No change: the next round is the periodic one.
        plan.finished(Outcome::Synced, t0 + secs(15), 0.5);
        plan.observe(ON, 3, t0 + secs(20));
        assert!(!plan.due(t0 + secs(29)));
        assert!(plan.due(t0 + secs(30)));
    }

    #[test]
    fn changes_that_keep_coming_wait_at_most_the_max_delay() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(ON, 0, t0);
        plan.finished(Outcome::Synced, t0, 0.5);
        let mut mark = 0;
        let mut ran_at = None;
        for s in 1..60 {
            let now = t0 + secs(s);
            if plan.due(now) {
                ran_at = Some(s);
                break;
            }
            mark += 1; // a change every second, never quiet for the debounce
            plan.observe(ON, mark, now);
        }
        assert_eq!(ran_at, Some(31), "30 s after the first change, not never");
    }

    #[test]
    fn failures_back_off_exponentially_with_jitter_up_to_the_cap() {
        let p = policy();
        assert_eq!(backoff(&p, 1, 0.0), secs(5) / 2);
        assert_eq!(backoff(&p, 1, 1.0), secs(5));
        assert_eq!(backoff(&p, 2, 1.0), secs(10));
        assert_eq!(backoff(&p, 4, 1.0), secs(40));
        assert_eq!(backoff(&p, 7, 1.0), secs(300), "capped");
        assert_eq!(
            backoff(&p, 1000, 0.0),
            secs(150),
            "never below half the cap"
        );
        // Jitter spreads the waits between half and the whole step.
        let spread: Vec<Duration> = [0.0, 0.25, 0.5, 1.0]
            .iter()
            .map(|j| backoff(&p, 3, *j))
            .collect();
        assert_eq!(
            spread,
            [secs(10), secs(12) + secs(1) / 2, secs(15), secs(20)]
        );
    }

    #[test]
    fn an_unreachable_server_is_retried_with_growing_waits_and_a_good_round_resets_them() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(ON, 0, t0);
        let mut now = t0;
        let mut waits = Vec::new();
        for _ in 0..4 {
            assert!(plan.due(now));
            let wait = plan.finished(Outcome::Unreachable, now, 1.0).unwrap();
            waits.push(wait);
            // A change made offline does not bring the retry forward.
            plan.observe(ON, waits.len() as i64, now + secs(1));
            assert!(!plan.due(now + wait - secs(1) / 2));
            now += wait;
        }
        assert_eq!(waits, [secs(5), secs(10), secs(20), secs(40)]);
        assert_eq!(plan.failures(), 4);
        // "Sync now" does not wait for the backoff.
        plan.sync_now(now - secs(30));
        assert!(plan.due(now - secs(30)));
        plan.finished(Outcome::Synced, now, 1.0);
        assert_eq!(plan.failures(), 0);
        plan.observe(ON, 99, now + secs(1));
        assert!(plan.due(now + secs(4)), "back to the quick debounce");
    }

    #[test]
    fn a_refusal_waits_the_longest() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(ON, 0, t0);
        assert_eq!(plan.finished(Outcome::Refused, t0, 1.0), Some(secs(300)));
    }

    #[test]
    fn a_revoked_laptop_is_never_retried_until_it_is_enrolled_again_as_another_device() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        plan.observe(ON, 0, t0);
        assert!(plan.due(t0));
        assert_eq!(plan.finished(Outcome::Revoked, t0, 1.0), None);
        assert!(plan.revoked());
        assert_eq!(plan.next(), None);
        // Neither time, nor local changes, nor "sync now" plan a round.
        for s in 1..=3600 {
            plan.observe(ON, i64::from(s as u32 / 60), t0 + secs(s));
            if s % 600 == 0 {
                plan.sync_now(t0 + secs(s));
            }
            assert!(
                !plan.due(t0 + secs(s)),
                "a round planned {s} s after revocation"
            );
        }
        assert_eq!(plan.sleep_for(t0 + secs(3600)), secs(1), "it only looks");
        // Enrolled again with a new code: a new device, a round at once, the slate clean.
        let again = Some("0190f0f0-0000-7000-8000-00000000000b");
        plan.observe(again, 60, t0 + secs(3601));
        assert!(!plan.revoked());
        assert_eq!(plan.failures(), 0);
        assert!(plan.due(t0 + secs(3601)));
        assert_eq!(
            plan.finished(Outcome::Synced, t0 + secs(3601), 0.5),
            Some(secs(15))
        );
        // Unenrolled meanwhile and enrolled as the revoked device again: it asks once more.
        let mut plan = Planner::new(policy());
        plan.observe(ON, 0, t0);
        plan.finished(Outcome::Revoked, t0, 0.5);
        plan.observe(None, 0, t0 + secs(1));
        plan.observe(ON, 0, t0 + secs(2));
        assert!(plan.due(t0 + secs(2)));
    }

    #[test]
    fn the_worker_sleeps_until_the_next_round_but_looks_at_least_every_poll() {
        let t0 = Instant::now();
        let mut plan = Planner::new(policy());
        assert_eq!(plan.sleep_for(t0), secs(1));
        plan.observe(ON, 0, t0);
        assert_eq!(plan.sleep_for(t0), Duration::ZERO);
        plan.finished(Outcome::Synced, t0, 0.0);
        assert_eq!(plan.sleep_for(t0), secs(1));
    }

    #[test]
    fn jitter_is_between_zero_and_one() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..=1.0).contains(&j));
        }
    }
}
