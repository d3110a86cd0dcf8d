//! Password and recovery-code hashing: argon2 work off the async runtime,
//! bounded so a burst cannot start unbounded blocking threads.
//!
//! At most `workers` hashes run at once (one per core: argon2 is CPU-bound,
//! more would only slow each one down) and at most `queue` calls wait for a
//! turn. A call beyond that is answered `503 unavailable` with `Retry-After`
//! at once, instead of queueing work that would answer after the client gave
//! up. Limits are reserved *before* this, so a refused attempt costs no hash.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::crypto::Hasher;
use crate::problem::{ApiError, ApiResult};

/// Seconds a client is told to wait when the hashing queue is full.
pub const BUSY_RETRY_SECS: u64 = 2;

#[derive(Clone)]
pub struct PasswordWork {
    hasher: Hasher,
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl PasswordWork {
    /// `workers` hashes at once, and up to `queue` more callers waiting.
    pub fn new(hasher: Hasher, workers: usize, queue: usize) -> PasswordWork {
        let workers = workers.max(1);
        PasswordWork {
            hasher,
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
        }
    }

    /// Unless told otherwise, one worker per core and 16 waiting per
    /// worker: at the OWASP cost (~20-50 ms a hash) the last in the queue
    /// waits well under a second.
    pub fn for_this_machine(
        hasher: Hasher,
        workers: Option<usize>,
        queue: Option<usize>,
    ) -> PasswordWork {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = workers.unwrap_or(cores).max(1);
        PasswordWork::new(hasher, workers, queue.unwrap_or(workers * 16))
    }

    /// The hasher itself, for work outside requests (the demo seed).
    pub fn hasher(&self) -> &Hasher {
        &self.hasher
    }

    /// Run `f` with the hasher on the blocking pool, when a worker is free;
    /// `503` at once when too many calls are already waiting.
    pub async fn run<R, F>(&self, f: F) -> ApiResult<R>
    where
        F: FnOnce(&Hasher) -> R + Send + 'static,
        R: Send + 'static,
    {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| busy())?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal())?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || {
            let out = f(&hasher);
            drop(running);
            drop(admitted);
            out
        })
        .await
        .map_err(|_| ApiError::internal())
    }
}

fn busy() -> ApiError {
    ApiError::unavailable(BUSY_RETRY_SECS)
        .detail("Too many sign-ins are being checked at this moment. Try again in a few seconds.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_queue_is_503_with_retry_after() {
        let work = PasswordWork::new(Hasher::fast_for_tests(), 1, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(std::sync::Mutex::new(wait));
        // One running (blocked until released), one waiting: the queue is full.
        let w = wait.clone();
        let first = tokio::spawn({
            let work = work.clone();
            async move { work.run(move |_| w.lock().unwrap().recv().ok()).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let second = tokio::spawn({
            let work = work.clone();
            async move { work.run(|h| h.verify_dummy("x")).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let refused = work.run(|_| ()).await.unwrap_err();
        assert_eq!(refused.status().as_u16(), 503);
        assert_eq!(refused.retry_after, Some(BUSY_RETRY_SECS));
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        assert!(!second.await.unwrap().unwrap());
        // Free again once the work is done.
        assert!(work.run(|_| ()).await.is_ok());
    }
}
