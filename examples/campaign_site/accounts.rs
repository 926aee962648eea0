//! The site's accounts: a login, a password hash and the participant they
//! sign in as, in a small SQLite file of the site's own. The library's
//! participants hold no password; the campaign store never sees one.

use std::path::Path;
use std::sync::Mutex;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use candidats::{Campaign, DynStore, Error, Participant, ParticipantId, Result, StoreExt};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted: hashing a longer one is a cost for nothing.
pub const MAX_PASSWORD: usize = 256;

/// How much work a password hash costs.
#[derive(Clone, Copy, Debug)]
pub enum Cost {
    /// Argon2id with the parameters OWASP recommends (19 MiB, 2 passes).
    Standard,
    /// The cheapest Argon2id, for tests only.
    Minimal,
}

/// The accounts of the site.
#[derive(Debug)]
pub struct Accounts {
    db: Mutex<Connection>,
    argon2: Argon2<'static>,
    /// A hash checked when the login is unknown, so that a wrong login and a
    /// wrong password take as long.
    decoy: String,
}

impl Accounts {
    /// Opens the accounts file, created if missing; in memory when `path`
    /// is `None`.
    ///
    /// # Errors
    ///
    /// A file that cannot be opened or is not an accounts file.
    pub fn open(path: Option<&Path>, cost: Cost) -> Result<Accounts> {
        let db = match path {
            Some(path) => Connection::open(path),
            None => Connection::open_in_memory(),
        }
        .map_err(|e| Error::backend("cannot open the accounts file", e))?;
        db.execute_batch(
            "PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS account (
                 login TEXT PRIMARY KEY COLLATE NOCASE,
                 password_hash TEXT NOT NULL,
                 participant INTEGER NOT NULL UNIQUE,
                 created_at TEXT NOT NULL
             );",
        )
        .map_err(|e| Error::backend("cannot create the accounts table", e))?;

        let params = match cost {
            Cost::Standard => Params::DEFAULT,
            Cost::Minimal => Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None)
                .map_err(|e| Error::invalid(format!("bad password hash parameters: {e}")))?,
        };
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let decoy = hash(&argon2, "a password nobody has")?;
        Ok(Accounts {
            db: Mutex::new(db),
            argon2,
            decoy,
        })
    }

    /// Creates an account and its participant. The campaign's first account
    /// becomes its moderator.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad login, name or password;
    /// [`Error::Conflict`] for a login already taken; a store failure.
    pub fn sign_up(
        &self,
        campaign: &Campaign<DynStore>,
        login: &str,
        name: &str,
        password: &str,
    ) -> Result<Participant> {
        let login = check_login(login)?;
        check_password(password)?;
        let password_hash = hash(&self.argon2, password)?;

        let mut db = self.lock()?;
        let tx = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::backend("cannot start an accounts transaction", e))?;
        let taken: Option<i64> = tx
            .query_row(
                "SELECT participant FROM account WHERE login = ?1",
                [&login],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| Error::backend("cannot read the accounts", e))?;
        if taken.is_some() {
            return Err(Error::conflict(format!("the login `{login}` is taken")));
        }

        // Registering a moderator fails once the campaign has one, in the
        // store's own transaction: two first sign-ups cannot both win.
        let participant = match campaign.register_moderator(name, None) {
            Err(Error::PermissionDenied { .. }) => campaign.register(name, None)?,
            other => other?,
        };
        tx.execute(
            "INSERT INTO account (login, password_hash, participant, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                login,
                password_hash,
                participant.id.get(),
                participant.registered_at.to_rfc3339()
            ],
        )
        .map_err(|e| Error::backend("cannot save the account", e))?;
        tx.commit()
            .map_err(|e| Error::backend("cannot save the account", e))?;
        Ok(participant)
    }

    /// The participant of a login and password.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for an unknown login or a wrong password,
    /// with the same message; a store failure.
    pub fn sign_in(
        &self,
        campaign: &Campaign<DynStore>,
        login: &str,
        password: &str,
    ) -> Result<Participant> {
        let found: Option<(String, i64)> = self
            .lock()?
            .query_row(
                "SELECT password_hash, participant FROM account WHERE login = ?1",
                [login.trim()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| Error::backend("cannot read the accounts", e))?;

        let (stored, participant) = match &found {
            Some((stored, participant)) => (stored.as_str(), Some(*participant)),
            None => (self.decoy.as_str(), None),
        };
        let parsed = PasswordHash::new(stored)
            .map_err(|e| Error::backend("an account's password hash is unreadable", e))?;
        let matches = self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        let Some(id) = participant.filter(|_| matches) else {
            return Err(Error::permission("wrong login or password"));
        };
        match campaign
            .store()
            .read_with(|r| r.participant(ParticipantId::new(id)))
        {
            Err(Error::NotFound { .. }) => Err(Error::conflict(format!(
                "the account `{}` signs in as participant {id}, whom the store does not hold: \
                 was the store replaced? Sign up again with another accounts file",
                login.trim()
            ))),
            other => other,
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.db
            .lock()
            .map_err(|_| Error::backend("the accounts file was left in a bad state", Poisoned))
    }
}

fn hash(argon2: &Argon2<'_>, password: &str) -> Result<String> {
    argon2
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::backend("cannot hash the password", HashError(e.to_string())))
}

fn check_login(login: &str) -> Result<String> {
    let login = login.trim().to_lowercase();
    let valid = (3..=40).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(Error::invalid(
            "expected a login of 3 to 40 letters, digits, `.`, `-` or `_`",
        ));
    }
    Ok(login)
}

fn check_password(password: &str) -> Result<()> {
    let length = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&length) {
        return Err(Error::invalid(format!(
            "expected a password of {MIN_PASSWORD} to {MAX_PASSWORD} characters"
        )));
    }
    Ok(())
}

#[derive(Debug)]
struct Poisoned;

impl std::fmt::Display for Poisoned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a thread panicked while holding the accounts file")
    }
}

impl std::error::Error for Poisoned {}

#[derive(Debug)]
struct HashError(String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HashError {}
