//! SQLite storage: a small pool of connections, versioned migrations, and the
//! queries grouped by what they store.
//!
//! Every query runs on tokio's blocking pool (`Db::call`) so a slow disk or a
//! busy lock never stalls the async runtime. Write transactions start with
//! `BEGIN IMMEDIATE`, so two writers queue on `busy_timeout` instead of
//! failing on a lock upgrade.

pub mod accounts;
pub mod devices;
pub mod email_codes;
pub mod letterhead;
pub mod migrations;
pub mod outbox;
pub mod repository_proofs;
pub mod requests;
pub mod reset_tokens;
pub mod security_keys;
pub mod sessions;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::Semaphore;

use crate::problem::{ApiError, ApiResult};

const POOL_SIZE: usize = 4;

#[derive(Clone)]
pub struct Db {
    inner: Arc<Pool>,
}

struct Pool {
    conns: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Db {
    /// Open (creating the parent directory) and migrate the database.
    pub fn open(path: &Path) -> Result<Db, String> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let mut first =
            open_conn(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        migrations::migrate(&mut first).map_err(|e| format!("migration failed: {e}"))?;
        let mut conns = vec![first];
        for _ in 1..POOL_SIZE {
            conns.push(open_conn(path).map_err(|e| e.to_string())?);
        }
        Ok(Db::from_conns(conns))
    }

    /// A private in-memory database, for tests (one connection: memory
    /// databases are per-connection).
    #[cfg(test)]
    pub fn memory() -> Db {
        let mut conn = Connection::open_in_memory().expect("memory db");
        configure(&conn).expect("pragmas");
        migrations::migrate(&mut conn).expect("migrate");
        Db::from_conns(vec![conn])
    }

    fn from_conns(conns: Vec<Connection>) -> Db {
        let n = conns.len();
        Db {
            inner: Arc::new(Pool {
                conns: Mutex::new(conns),
                permits: Semaphore::new(n),
            }),
        }
    }

    /// Run `f` with a connection on the blocking pool.
    pub async fn call<F, R>(&self, f: F) -> ApiResult<R>
    where
        F: FnOnce(&mut Connection) -> ApiResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal())?;
        let inner = self.inner.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut conn = inner.conns.lock().map_err(|_| ApiError::internal())?.pop();
            let Some(c) = conn.as_mut() else {
                return Err(ApiError::internal());
            };
            let out = f(c);
            if let Ok(mut pool) = inner.conns.lock() {
                pool.extend(conn);
            }
            out
        })
        .await
        .map_err(|_| ApiError::internal())?;
        drop(permit);
        result
    }

    /// Synchronous access for the operator commands and the demo seed.
    pub fn blocking<R>(&self, f: impl FnOnce(&mut Connection) -> ApiResult<R>) -> ApiResult<R> {
        let mut conn = self
            .inner
            .conns
            .lock()
            .map_err(|_| ApiError::internal())?
            .pop();
        let Some(c) = conn.as_mut() else {
            return Err(ApiError::internal());
        };
        let out = f(c);
        if let Ok(mut pool) = self.inner.conns.lock() {
            pool.extend(conn);
        }
        out
    }
}

fn open_conn(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // WAL: readers never block the writer; NORMAL is durable across app
    // crashes and only loses the last commits on power loss.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}
