//! Pooled connections, each with its own cache of prepared statements.

use std::collections::HashMap;

use postgres::{Client, Config, Statement};

/// How the store connects: in plain text, or over TLS when the server offers
/// it and the URL's `sslmode` allows it (feature `tls`).
#[cfg(not(feature = "tls"))]
pub(crate) type Connector = postgres::NoTls;

/// How the store connects: in plain text, or over TLS when the server offers
/// it and the URL's `sslmode` allows it (feature `tls`).
#[cfg(feature = "tls")]
pub(crate) type Connector = postgres_native_tls::MakeTlsConnector;

/// The connector for this build.
///
/// # Errors
///
/// A backend failure when the platform's TLS library cannot be set up.
#[cfg(not(feature = "tls"))]
pub(crate) fn connector() -> candidats_core::Result<Connector> {
    Ok(postgres::NoTls)
}

/// The connector for this build.
///
/// # Errors
///
/// A backend failure when the platform's TLS library cannot be set up.
#[cfg(feature = "tls")]
pub(crate) fn connector() -> candidats_core::Result<Connector> {
    let tls = native_tls::TlsConnector::new()
        .map_err(|e| candidats_core::Error::backend("cannot set up TLS", e))?;
    Ok(postgres_native_tls::MakeTlsConnector::new(tls))
}

/// A connection and the statements prepared on it, by SQL text.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) statements: HashMap<String, Statement>,
}

/// Above this many statements, a connection's cache starts over: scopes
/// make SQL texts vary, and a cache must not grow without end.
pub(crate) const MAX_STATEMENTS: usize = 512;

/// Opens connections for the pool.
pub(crate) struct Manager {
    pub(crate) config: Config,
    pub(crate) connector: Connector,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager").finish_non_exhaustive()
    }
}

impl Manager {
    /// A new connection.
    ///
    /// # Errors
    ///
    /// The server cannot be reached, or refuses the login.
    pub(crate) fn open(&self) -> Result<Conn, postgres::Error> {
        // Written this way because the plain connector is `Copy` and the TLS
        // one is not.
        let client = self.config.connect(Clone::clone(&self.connector))?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Conn, postgres::Error> {
        self.open()
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(drop)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}
