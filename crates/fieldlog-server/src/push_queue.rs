//! Pushes wait here for one thread that applies them, in arrival order, many to a commit.
//!
//! Every push writes, and a database has one writer. When each request took the writer's lock
//! from its own blocking thread, 200 laptops at once meant 200 threads handing one lock on, each
//! hand-over a thread to wake and schedule on a busy machine: the waiting, not the work, was
//! most of a push's time. Here one thread takes whatever pushes are queued (up to
//! [`MAX_PUSHES_PER_GROUP`]), runs each under its own savepoint ([`Storage::transactions`]: one
//! failing rolls back alone), commits once, and answers them all. Nothing answers before its
//! push is durable.

use crate::error::{Result, ServerError};
use crate::laptop_report::SentReport;
use crate::rules;
use crate::storage::{Storage, Work};
use chrono::Utc;
use fieldlog_wire::sync::v1::{PushRequest, PushResponse};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// A group is at most this many pushes, so the first in a long queue is not kept waiting.
pub const MAX_PUSHES_PER_GROUP: usize = 128;

/// A push waiting for the writer: the bearer token, the parsed body (or why it could not be
/// parsed: reported only after authentication), and where its answer goes.
struct Job {
    token: Option<String>,
    request: Result<PushRequest>,
    /// What the laptop said of itself (crate::laptop_report), recorded with the push.
    sent: SentReport,
    reply: oneshot::Sender<Result<PushResponse>>,
}

/// The queue's sending end; cloned into every request. Dropping the last clone stops the
/// writer thread and waits for it, so the storage is released with the server.
#[derive(Clone)]
pub struct PushQueue {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl PushQueue {
    /// Starts the writer thread over `storage`.
    pub fn start<S: Storage>(storage: Arc<S>) -> PushQueue {
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("fieldlog-pushes".into())
            .spawn(move || apply_pushes(&*storage, &queue))
            .expect("the OS starts a thread");
        PushQueue {
            inner: Arc::new(Inner {
                jobs: Mutex::new(Some(jobs)),
                thread: Mutex::new(Some(thread)),
            }),
        }
    }

    /// Queues a push and waits (asynchronously) for its answer.
    pub async fn push(
        &self,
        token: Option<String>,
        request: Result<PushRequest>,
        sent: SentReport,
    ) -> Result<PushResponse> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            token,
            request,
            sent,
            reply,
        };
        let gone = || ServerError::Storage("the push writer has stopped".into());
        self.inner
            .jobs
            .lock()
            .map_err(|_| gone())?
            .as_ref()
            .ok_or_else(gone)?
            .send(job)
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop once the queue is empty.
        drop(self.jobs.get_mut().ok().and_then(Option::take));
        if let Some(thread) = self.thread.get_mut().ok().and_then(Option::take) {
            let _ = thread.join();
        }
    }
}

/// The writer thread: waits for a push, takes every other one already queued, applies them as
/// one group, answers, and again, until the queue closes.
fn apply_pushes<S: Storage>(storage: &S, queue: &mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_PUSHES_PER_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let (replies, works): (Vec<_>, Vec<Work<'_, PushResponse>>) = group
            .into_iter()
            .map(|job| {
                let Job {
                    token,
                    request,
                    sent,
                    reply,
                } = job;
                let work: Work<'_, PushResponse> = Box::new(move |tx| {
                    // Authentication first: an anonymous caller learns nothing about the body.
                    let auth = rules::authenticate(tx, token.as_deref())?;
                    let now = Utc::now();
                    let response = rules::push(tx, &auth, &request?, now)?;
                    if crate::laptop_report::due(&auth.report, &sent, now) {
                        crate::laptop_report::record(tx, &auth.device_id, &sent, now)?;
                    }
                    Ok(response)
                });
                (reply, work)
            })
            .unzip();
        let count = replies.len();
        // A backend that does not catch a panicking push itself must not take the thread (and
        // every later push) with it.
        let outcomes =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| storage.transactions(works)))
                .unwrap_or_else(|_| {
                    (0..count)
                        .map(|_| Err(ServerError::Storage("push panicked".into())))
                        .collect()
                });
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // The caller may have gone (its connection closed): its push stands all the same.
            let _ = reply.send(outcome);
        }
    }
}
