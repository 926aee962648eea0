//! A campaign site on top of the library: volunteers sign up, find how to
//! reach candidates, write to them and record it, and everyone follows the
//! campaign's progress.
//!
//! ```sh
//! cargo run --release --example campaign_site
//! cargo run --release --example campaign_site -- --store sqlite:campagne.db --port 8080 \
//!     --sample examples/data/legislatives-2024-sample.csv
//! ```
//!
//! The site listens on `http://127.0.0.1:PORT` (8080 by default). On an
//! empty store it first imports the sample official file (`--sample`, the
//! shipped législatives 2024 sample by default), so that there is something
//! to work on. `--store` takes any store URL of [`candidats::open`];
//! `RUST_LOG=debug` logs what the site and the library do.
//!
//! # Accounts
//!
//! The first account created becomes the campaign's moderator; every later
//! one is a volunteer. Accounts (login, Argon2id password hash, participant)
//! live in a small SQLite file of the site's own, next to the store:
//! `candidats.accounts.db` beside `candidats.db`, or `--accounts FILE`; in
//! memory with a `memory:` store. The library's participants hold no
//! password.
//!
//! Sessions are kept in memory under a random identifier, in a cookie that
//! is `HttpOnly` and `SameSite=Lax`; every form carries the session's random
//! token, and a `POST` without it is refused with 403 before anything runs.
//!
//! # Pages
//!
//! | page | who | what |
//! |---|---|---|
//! | `/` | everyone | the elections, and a volunteer's responsibilities |
//! | `/elections/{id}` | volunteers | the candidates, filtered by constituency, list, role and status; the three work queues; the running contact marathons |
//! | `/candidates/{id}` | volunteers | a record: contact details with their source, contacts made, pledge answers, who is responsible; request responsibility, add a detail, render a message and send it, record the contact, record an answer |
//! | `/templates` | volunteers | their message templates |
//! | `/moderation` | moderators | requests for responsibility, proposals, pledges, contact marathons |
//! | `/progress` | everyone | the progress report (`?election=ID`, `?marathon=ID`) |
//! | `/signatories` | everyone | the signatories, by region and list |
//! | `/signup`, `/login` | everyone | accounts |
//!
//! The rights are the library's: an edit by a volunteer who is not
//! responsible for the candidate becomes a proposal (the page says so), a
//! private contact detail shows only to the responsible volunteer and to
//! moderators. Library errors become pages: not found 404, conflict 409,
//! permission denied 403, invalid input 422.
//!
//! # Screenshots
//!
//! With the site running on the port 8080, headless Chromium takes a
//! picture of a public page:
//!
//! ```text
//! shot() { chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
//!   --disable-background-networking --disable-component-update --disable-sync \
//!   --user-data-dir=$(mktemp -d) --window-size=1200,1600 --screenshot="$1" "$2"; }
//! shot home.png http://127.0.0.1:8080/
//! shot progress.png http://127.0.0.1:8080/progress
//! shot signatories.png http://127.0.0.1:8080/signatories
//! shot signup.png http://127.0.0.1:8080/signup
//! shot login.png http://127.0.0.1:8080/login
//! ```
//!
//! The volunteers' pages need a session, which `--screenshot` cannot open:
//! the end-to-end test signs up, works through them and saves each one when
//! `CAMPAIGN_SITE_SHOTS` names a folder:
//!
//! ```text
//! CAMPAIGN_SITE_SHOTS=/tmp/shots cargo test --example campaign_site -- e2e --nocapture
//! ```
//!
//! It writes `election.png`, `candidate.png`, `templates.png`,
//! `moderation.png` and `progress.png`.
//!
//! # Tests
//!
//! `cargo test --example campaign_site` drives every route through the
//! router (`tower::ServiceExt::oneshot`) on a `memory:` store, and runs one
//! end-to-end test in headless Chromium through `chromedriver`, skipped
//! with a message where they are not installed.
//!
//! # Limitations
//!
//! - Sessions live in memory: a restart signs everyone out.
//! - The cookie has no `Secure` flag, as the site serves plain HTTP on the
//!   loopback; behind an HTTPS proxy, add it.
//! - The candidates' page loads every contact detail, contact and answer of
//!   the store to tell each candidate's status: fine for a département or
//!   an election of législatives, slow for every municipal candidate of the
//!   country.
//! - Marathon times are entered and shown in UTC.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod app;
mod auth;
mod candidates;
mod moderation;
mod public;
mod sessions;

#[cfg(test)]
mod e2e;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use candidats::import::{import_files, ImportRequest};
use candidats::{Campaign, Error, Result, StoreExt};
use clap::Parser;
use tokio::net::TcpListener;

use crate::accounts::{Accounts, Cost};
use crate::app::Site;

/// Run a campaign site on a store.
#[derive(Debug, Parser)]
#[command(name = "campaign_site")]
struct Args {
    /// The store: sqlite:PATH, csv:DIR, postgres://…, memory:
    #[arg(long, default_value = "sqlite:candidats.db")]
    store: String,
    /// The port to listen on, at 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The official file imported when the store holds no election.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "examples/data/legislatives-2024-sample.csv"
    )]
    sample: PathBuf,
    /// The site's accounts file; next to a SQLite store by default.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,
}

/// What a site is opened on.
#[derive(Debug)]
pub struct Settings {
    /// The store's URL.
    pub store: String,
    /// The official file imported into an empty store.
    pub sample: Option<PathBuf>,
    /// The accounts file; in memory when `None`.
    pub accounts: Option<PathBuf>,
    /// How much a password hash costs.
    pub cost: Cost,
}

/// Opens the store, imports the sample into it when it holds no election,
/// and opens the accounts. Blocks: call it off the async threads.
///
/// # Errors
///
/// A store or accounts file that cannot be opened; a sample that cannot be
/// imported.
pub fn open_site(settings: &Settings) -> Result<(Arc<Site>, u64)> {
    let campaign = Campaign::new(candidats::open(&settings.store)?);

    let mut imported = 0;
    let empty = campaign
        .store()
        .read_with(|r| Ok(r.elections()?.is_empty()))?;
    if let (true, Some(sample)) = (empty, &settings.sample) {
        let summaries = import_files(
            &campaign,
            std::slice::from_ref(sample),
            &ImportRequest::round(1),
            &mut |_, _| Ok(()),
            &mut |_| {},
        )?;
        imported = summaries.iter().map(|s| s.candidacies).sum();
    }

    let accounts = Accounts::open(settings.accounts.as_deref(), settings.cost)?;
    Ok((Site::new(campaign, accounts), imported))
}

/// Serves the site on a bound listener until `shutdown` completes.
///
/// # Errors
///
/// The listener failing.
pub async fn serve(
    listener: TcpListener,
    site: Arc<Site>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app::router(site))
        .with_graceful_shutdown(shutdown)
        .await
}

/// The accounts file beside a SQLite store; none for a store in memory.
fn accounts_beside(store: &str) -> Option<PathBuf> {
    let store = store.trim();
    if store == "memory:" || store == "sqlite::memory:" {
        return None;
    }
    let file = store.strip_prefix("sqlite:").unwrap_or(store);
    if file.ends_with(".db") || file.ends_with(".sqlite") || file.ends_with(".sqlite3") {
        return Some(Path::new(file).with_extension("accounts.db"));
    }
    Some(PathBuf::from("campaign_site.accounts.db"))
}

async fn run(args: Args) -> Result<()> {
    let settings = Settings {
        accounts: args
            .accounts
            .clone()
            .or_else(|| accounts_beside(&args.store)),
        sample: Some(args.sample.clone()),
        store: args.store.clone(),
        cost: Cost::Standard,
    };
    let (site, imported) = tokio::task::spawn_blocking(move || open_site(&settings))
        .await
        .map_err(|e| Error::backend("the store could not be opened", e))??;
    if imported > 0 {
        println!(
            "{} : {imported} candidatures importées de {}",
            args.store,
            args.sample.display()
        );
    }

    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = TcpListener::bind(address)
        .await
        .map_err(|e| Error::io("listen on", address, e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("listen on", address, e))?;
    println!("Site de campagne : http://{bound}/ (Ctrl-C pour l'arrêter)");

    let shutdown = async {
        // Without a signal handler, the site runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    serve(listener, site, shutdown)
        .await
        .map_err(|e| Error::io("serve on", bound, e))
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_tracing();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            common::print_error_chain(&error);
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            common::print_error_chain(&error);
            ExitCode::FAILURE
        }
    }
}
