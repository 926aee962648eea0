//! The site in a real browser: headless Chromium driven through
//! `chromedriver` (WebDriver). A moderator and a volunteer sign up; the
//! volunteer asks for a candidate, the moderator grants it, the volunteer
//! adds an e-mail, writes from a template, records the contact, and the
//! progress page counts it.
//!
//! Skipped, saying so, where `chromium` or `chromedriver` is not installed.
//! With `CAMPAIGN_SITE_SHOTS=DIR`, the pages are saved there as PNG.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::net::TcpListener;

use crate::accounts::Cost;
use crate::{open_site, serve, Settings};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/legislatives-2024-sample.csv"
);
const PASSWORD: &str = "correct horse battery";

/// An executable on the `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

/// `chromedriver`, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn wait_for(port: u16) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The browser, on a page of the site.
struct Browser {
    client: Client,
    base: String,
    shots: Option<PathBuf>,
}

impl Browser {
    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// The text of the element matching `css`, once the page shows it.
    async fn text(&self, css: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element.text().await.unwrap(),
            Err(error) => {
                let page = self.client.source().await.unwrap_or_default();
                panic!("no `{css}` ({error}) in:\n{page}");
            }
        }
    }

    /// Fills the form matching `css` and sends it with its button.
    async fn submit(&self, css: &str, fields: &[(&str, &str)]) {
        let form = self.client.form(Locator::Css(css)).await.unwrap();
        for (name, value) in fields {
            form.set_by_name(name, value).await.unwrap();
        }
        let before = self.client.find(Locator::Css("body")).await.unwrap();
        form.submit_with(Locator::Css("button")).await.unwrap();

        // The old page's elements go stale once the next page replaces it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while before.text().await.is_ok() {
            assert!(Instant::now() < deadline, "`{css}` led nowhere");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn sign_up(&self, login: &str, name: &str) {
        self.open("/signup").await;
        self.submit(
            "form[action='/signup']",
            &[("login", login), ("name", name), ("password", PASSWORD)],
        )
        .await;
        assert!(self.text(".flash").await.starts_with("Bienvenue"));
    }

    async fn sign_in(&self, login: &str) {
        self.open("/login").await;
        self.submit(
            "form[action='/login']",
            &[("login", login), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(self.text(".flash").await, "Vous êtes connecté.");
    }

    async fn sign_out(&self) {
        self.submit("form[action='/logout']", &[]).await;
    }

    async fn shot(&self, name: &str) {
        if let Some(dir) = &self.shots {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(name), png).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_a_volunteer_contacts_a_candidate_in_a_browser() {
    let (Some(chromium), Some(chromedriver)) = (which("chromium"), which("chromedriver")) else {
        candidats_core::testing::say_skipped(
            "the browser test",
            "chromium/chromedriver not installed",
        );
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();

    // The site, on a SQLite store in a temporary folder.
    let settings = Settings {
        store: format!("sqlite:{}", dir.path().join("campaign.db").display()),
        sample: Some(SAMPLE.into()),
        accounts: Some(dir.path().join("campaign.accounts.db")),
        cost: Cost::Minimal,
    };
    let (site, _) = tokio::task::spawn_blocking(move || open_site(&settings))
        .await
        .unwrap()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, site, async {
        let _ = stopped.await;
    }));

    // The browser.
    let port = free_port();
    let driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port);
    let profile = dir.path().join("chromium-profile");
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1200,1600",
            ],
        }
    });
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    let shots = std::env::var_os("CAMPAIGN_SITE_SHOTS").map(PathBuf::from);
    if let Some(shots) = &shots {
        std::fs::create_dir_all(shots).unwrap();
    }
    let browser = Browser {
        client,
        base,
        shots,
    };

    // The first account moderates; the second volunteers and asks for the
    // first candidate of the list.
    browser.sign_up("moderatrice", "Modératrice").await;
    browser.sign_out().await;
    browser.sign_up("benevole", "Bénévole").await;
    browser.open("/elections/1").await;
    browser.shot("election.png").await;
    let first = browser.client.find(Locator::Css("table a")).await.unwrap();
    let record = first.attr("href").await.unwrap().unwrap();
    first.click().await.unwrap();
    browser.submit("form[action$='/responsibility']", &[]).await;
    assert_eq!(
        browser.text(".flash").await,
        "Votre demande attend la décision d'un modérateur."
    );

    // The moderator grants it.
    browser.sign_out().await;
    browser.sign_in("moderatrice").await;
    browser.open("/moderation").await;
    browser.shot("moderation.png").await;
    browser.submit("form[action$='/grant']", &[]).await;
    assert_eq!(browser.text(".flash").await, "Responsabilité accordée.");

    // The volunteer adds an e-mail, writes from a template, records it.
    browser.sign_out().await;
    browser.sign_in("benevole").await;
    browser.open(&record).await;
    assert!(browser
        .text("#responsibility")
        .await
        .contains("Vous êtes responsable de ce candidat"));
    browser
        .submit(
            "form[action$='/details']",
            &[
                ("value", "candidate@example.org"),
                ("source", "https://example.org/equipe"),
            ],
        )
        .await;
    assert_eq!(
        browser.text(".flash").await,
        "Coordonnée ajoutée à la fiche."
    );
    browser.open("/templates").await;
    browser.submit("form[action='/templates']", &[]).await;
    browser.shot("templates.png").await;
    browser.open(&record).await;
    browser
        .submit("form[method='get'][action^='/candidates/']", &[])
        .await;
    let mailto = browser
        .client
        .find(Locator::Css("#mailto"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        mailto.starts_with("mailto:candidate@example.org?subject="),
        "{mailto}"
    );
    browser.submit("form[action$='/actions']", &[]).await;
    assert_eq!(browser.text(".flash").await, "Contact enregistré.");
    browser.shot("candidate.png").await;

    // The progress page counts the contact.
    browser.open("/progress").await;
    browser.shot("progress.png").await;
    let contacted = browser
        .client
        .find(Locator::Css("[data-figure='contacted']"))
        .await
        .unwrap()
        .attr("data-value")
        .await
        .unwrap();
    assert_eq!(contacted.as_deref(), Some("1"));

    browser.client.close().await.unwrap();
    drop(driver);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    eprintln!("browser test: {:.1} s", started.elapsed().as_secs_f64());
}
