//! Work that costs much CPU or memory per request (reading an uploaded file, checking a password with
//! argon2) runs off the async workers, a few at a time. Without this, a handful of uploads or sign-ins at
//! once would hold every worker (so even `/healthz` waits) and add their memory together without bound.

use std::sync::Arc;
use std::time::Duration;

use duban_core::Error;
use tokio::sync::Semaphore;

/// At most `permits` jobs at once; a request that waits longer than `wait` for its turn is told the server
/// is busy (HTTP 503) instead of queueing without end.
#[derive(Debug, Clone)]
pub struct Gate {
    slots: Arc<Semaphore>,
    wait: Duration,
    busy: fn() -> Error,
}

impl Gate {
    pub fn new(permits: usize, wait: Duration, busy: fn() -> Error) -> Gate {
        Gate { slots: Arc::new(Semaphore::new(permits.max(1))), wait, busy }
    }

    /// Uploads: two parsed at once (each bounded by the readers' own limits), waiting up to 30 s.
    pub fn uploads() -> Gate {
        Gate::new(2, Duration::from_secs(30), || Error::unavailable("upload.busy"))
    }

    /// A slot, or the busy error once the wait has passed.
    async fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err((self.busy)()),
        }
    }

    /// Runs `job` on a blocking thread once a slot is free.
    pub async fn run<T, F>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = self.admit().await?;
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(Error::internal)
    }
}

type Check = (String, String, tokio::sync::oneshot::Sender<bool>);

/// Password checks (argon2id: about 19 MiB and a few tens of milliseconds each) on a few threads of their
/// own, each keeping its argon2 memory from one check to the next, so that the memory used is the
/// threads' count × 19 MiB however many sign-ins arrive. Admission is a [`Gate`]: a sign-in that waits
/// longer than the wait for a thread is answered 503 `login.busy`.
#[derive(Debug, Clone)]
pub struct PasswordChecks {
    admit: Gate,
    jobs: std::sync::mpsc::Sender<Check>,
}

fn login_busy() -> Error {
    Error::unavailable("login.busy")
}

impl PasswordChecks {
    /// One thread per core, waiting up to 10 s.
    pub fn per_core() -> PasswordChecks {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordChecks::new(cores, Duration::from_secs(10))
    }

    /// `threads` threads; the threads end when the last clone of this is dropped.
    pub fn new(threads: usize, wait: Duration) -> PasswordChecks {
        let (jobs, queue) = std::sync::mpsc::channel::<Check>();
        let queue = Arc::new(std::sync::Mutex::new(queue));
        let mut started = 0;
        for _ in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name("duban-password".into()).spawn(move || {
                let mut memory = Vec::new();
                loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok((password, hash, reply)) = next else { return };
                    let _ = reply.send(duban_store::verify_password_in(&password, &hash, &mut memory));
                }
            });
            if spawned.is_ok() {
                started += 1;
            }
        }
        PasswordChecks { admit: Gate::new(started, wait, login_busy), jobs }
    }

    /// Does `password` match `hash`?
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Error> {
        let permit = self.admit.admit().await?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs.send((password, hash, reply)).map_err(|_| Error::internal("the password threads have stopped"))?;
        let ok = answer.await.map_err(|_| Error::internal("a password thread stopped"))?;
        drop(permit);
        Ok(ok)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_its_wait() {
        let gate = Gate::new(1, Duration::from_millis(50), || Error::unavailable("busy"));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let held = gate.clone();
        let first = tokio::spawn(async move { held.run(move || rx.recv().ok()).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let second = gate.run(|| 2).await;
        assert_eq!(second.unwrap_err().code, "busy");
        tx.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        assert_eq!(gate.run(|| 3).await.unwrap(), 3);
    }
}
