//! Every route, driven through the router on a `memory:` store with the
//! shipped sample: what each one shows, and what it refuses.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Request, StatusCode};
use candidats::{
    CandidacyId, ConstituencyKind, ContactDetail, ElectionId, Owner, ProposalStatus, Scope,
    StoreExt,
};
use tower::ServiceExt;

use crate::accounts::Cost;
use crate::app::{router, Site};
use crate::{open_site, Settings};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/legislatives-2024-sample.csv"
);
const PASSWORD: &str = "correct horse battery";

fn site() -> Arc<Site> {
    let settings = Settings {
        store: "memory:".into(),
        sample: Some(SAMPLE.into()),
        accounts: None,
        cost: Cost::Minimal,
    };
    let (site, imported) = open_site(&settings).unwrap();
    assert_eq!(imported, 133);
    site
}

/// The first candidacy of the sample, and the person standing.
fn first_candidate(site: &Site) -> (CandidacyId, String) {
    site.campaign
        .store()
        .read_with(|r| {
            let c = r.candidacies(&Scope::default())?[0].clone();
            Ok((c.id, r.person(c.person)?.full_name()))
        })
        .unwrap()
}

fn details_of(site: &Site, candidacy: CandidacyId) -> Vec<ContactDetail> {
    site.campaign
        .store()
        .read_with(|r| r.contact_details(Some(Owner::Person(r.candidacy(candidacy)?.person))))
        .unwrap()
}

/// Text as the pages escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Reply {
    fn assert(&self, status: StatusCode, needle: &str) -> &Reply {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.body.contains(needle),
            "`{needle}` is not in:\n{}",
            self.body
        );
        self
    }
}

/// A visitor: keeps the session cookie and the last form token seen, as a
/// browser would.
struct Client {
    site: Arc<Site>,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Client {
    fn new(site: &Arc<Site>) -> Client {
        Client {
            site: Arc::clone(site),
            cookie: None,
            csrf: None,
        }
    }

    async fn send(&mut self, mut request: Request<Body>) -> Reply {
        if let Some(cookie) = &self.cookie {
            request.headers_mut().insert(
                COOKIE,
                format!("candidats_session={cookie}").parse().unwrap(),
            );
        }
        let response = router(Arc::clone(&self.site))
            .oneshot(request)
            .await
            .unwrap();

        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
        };
        let location = header(LOCATION);
        if let Some(set) = header(SET_COOKIE) {
            assert!(
                set.contains("HttpOnly") && set.contains("SameSite=Lax"),
                "{set}"
            );
            let value = set
                .trim_start_matches("candidats_session=")
                .split(';')
                .next()
                .unwrap()
                .to_string();
            self.cookie = (!value.is_empty()).then_some(value);
        }
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        if let Some(start) = body.find("name=\"csrf\" value=\"") {
            let token = &body[start + 19..];
            self.csrf = token.split('"').next().map(str::to_string);
        }
        Reply {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Posts a form with the session's token.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut form = form_urlencoded::Serializer::new(String::new());
        if let Some(csrf) = &self.csrf {
            form.append_pair("csrf", csrf);
        }
        form.extend_pairs(fields);
        self.post_raw(path, form.finish()).await
    }

    /// Posts a form as given, without adding the token.
    async fn post_raw(&mut self, path: &str, body: String) -> Reply {
        let request = Request::post(path)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Posts a form and follows the redirection to the next page.
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let reply = self.post(path, fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let next = reply.location.unwrap();
        self.get(&next).await
    }

    async fn sign_up(site: &Arc<Site>, login: &str, name: &str) -> Client {
        let mut client = Client::new(site);
        client.get("/signup").await;
        client
            .submit(
                "/signup",
                &[("login", login), ("name", name), ("password", PASSWORD)],
            )
            .await
            .assert(StatusCode::OK, "Bienvenue");
        client
    }
}

#[tokio::test]
async fn public_pages_answer_everyone() {
    let site = site();
    let mut visitor = Client::new(&site);

    visitor
        .get("/")
        .await
        .assert(StatusCode::OK, "Législatives 2024");
    assert!(visitor.cookie.is_some(), "a first visit opens a session");
    visitor
        .get("/progress")
        .await
        .assert(StatusCode::OK, r#"data-figure="signatories""#)
        .assert(StatusCode::OK, "← Candidats");
    visitor
        .get("/progress?election=1")
        .await
        .assert(StatusCode::OK, "Législatives 2024");
    visitor
        .get("/signatories")
        .await
        .assert(StatusCode::OK, "Aucun candidat n'a encore signé");
    visitor
        .get("/login")
        .await
        .assert(StatusCode::OK, "Se connecter");
    visitor
        .get("/signup")
        .await
        .assert(StatusCode::OK, "Devenir bénévole");
    visitor
        .get("/progress?marathon=9")
        .await
        .assert(StatusCode::NOT_FOUND, "existe pas");
}

#[tokio::test]
async fn volunteer_pages_refuse_visitors_with_a_page() {
    let site = site();
    let mut visitor = Client::new(&site);

    for path in ["/elections/1", "/candidates/1", "/templates", "/moderation"] {
        let reply = visitor.get(path).await;
        reply
            .assert(StatusCode::FORBIDDEN, "<!DOCTYPE html>")
            .assert(StatusCode::FORBIDDEN, "réservée aux bénévoles inscrits")
            .assert(StatusCode::FORBIDDEN, r#"href="/login""#);
    }
}

/// Every form of the site, with fields that would be accepted.
fn every_form(candidacy: CandidacyId) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    let record = format!("/candidates/{candidacy}");
    vec![
        (
            "/signup".into(),
            vec![("login", "zoe"), ("name", "Zoé"), ("password", PASSWORD)],
        ),
        (
            "/login".into(),
            vec![("login", "alice"), ("password", PASSWORD)],
        ),
        ("/logout".into(), vec![]),
        (format!("{record}/responsibility"), vec![]),
        (
            format!("{record}/details"),
            vec![
                ("channel", "email"),
                ("value", "x@example.org"),
                ("source", "site"),
            ],
        ),
        (
            format!("{record}/actions"),
            vec![("channel", "email"), ("outcome", "sent")],
        ),
        (
            format!("{record}/answers"),
            vec![
                ("pledge", "1"),
                ("answer", "declined"),
                ("date", "2024-06-20"),
            ],
        ),
        ("/queues/to_collect/take".into(), vec![("election", "1")]),
        (
            "/templates".into(),
            vec![("name", "T"), ("subject", "S"), ("body", "B")],
        ),
        ("/moderation/responsibilities/1/grant".into(), vec![]),
        ("/moderation/responsibilities/1/refuse".into(), vec![]),
        ("/moderation/proposals/1/accept".into(), vec![]),
        ("/moderation/proposals/1/reject".into(), vec![]),
        (
            "/moderation/pledges".into(),
            vec![("name", "Pacte"), ("text", "…")],
        ),
        (
            "/moderation/marathons".into(),
            vec![
                ("name", "Contacthon"),
                ("election", "1"),
                ("starts_at", "2024-06-20T18:00"),
                ("ends_at", "2024-06-20T22:00"),
            ],
        ),
    ]
}

#[tokio::test]
async fn every_form_needs_a_session_and_its_token() {
    let site = site();
    let (candidacy, _) = first_candidate(&site);
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;
    let mut stranger = Client::new(&site);
    let audit_before = site
        .campaign
        .store()
        .read_with(|r| r.audit(&Default::default()))
        .unwrap()
        .len();

    for (path, fields) in every_form(candidacy) {
        let form: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();

        stranger
            .post_raw(&path, form.clone())
            .await
            .assert(StatusCode::FORBIDDEN, "demande une session");
        alice
            .post_raw(&path, form.clone())
            .await
            .assert(StatusCode::FORBIDDEN, "a expiré ou ne vient pas de ce site");
        alice
            .post_raw(&path, format!("csrf=0123456789abcdef&{form}"))
            .await
            .assert(StatusCode::FORBIDDEN, "a expiré ou ne vient pas de ce site");
    }

    let audit_after = site
        .campaign
        .store()
        .read_with(|r| r.audit(&Default::default()))
        .unwrap()
        .len();
    assert_eq!(
        audit_before, audit_after,
        "a refused form changed the store"
    );
    alice
        .get("/moderation")
        .await
        .assert(StatusCode::OK, "Modération");
}

#[tokio::test]
async fn the_first_account_moderates_and_accounts_are_checked() {
    let site = site();
    let mut visitor = Client::new(&site);
    visitor.get("/signup").await;
    let anonymous = visitor.cookie.clone();

    visitor
        .submit(
            "/signup",
            &[
                ("login", "Alice"),
                ("name", "Alice"),
                ("password", PASSWORD),
            ],
        )
        .await
        .assert(StatusCode::OK, "vous en êtes le modérateur")
        .assert(StatusCode::OK, r#"href="/moderation""#);
    assert_ne!(visitor.cookie, anonymous, "signing up opens a new session");
    visitor
        .get("/moderation")
        .await
        .assert(StatusCode::OK, "Demandes de responsabilité");

    let mut bob = Client::sign_up(&site, "bob", "Bob").await;
    bob.get("/moderation")
        .await
        .assert(StatusCode::FORBIDDEN, "réservée aux modérateurs");

    let mut other = Client::new(&site);
    other.get("/signup").await;
    other
        .post(
            "/signup",
            &[("login", "ALICE"), ("name", "A"), ("password", PASSWORD)],
        )
        .await
        .assert(StatusCode::CONFLICT, "is taken")
        .assert(StatusCode::CONFLICT, r#"value="ALICE""#);
    other
        .post(
            "/signup",
            &[("login", "carol"), ("name", "C"), ("password", "short")],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "10 to 256 characters");
    other
        .post(
            "/signup",
            &[("login", "c d"), ("name", "C"), ("password", PASSWORD)],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "expected a login");
    other
        .post("/signup", &[("login", "carol")])
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "incomplet");

    other.get("/login").await;
    other
        .post(
            "/login",
            &[("login", "alice"), ("password", "not the password")],
        )
        .await
        .assert(
            StatusCode::FORBIDDEN,
            "Identifiant ou mot de passe incorrect",
        );
    other
        .post("/login", &[("login", "nobody"), ("password", PASSWORD)])
        .await
        .assert(
            StatusCode::FORBIDDEN,
            "Identifiant ou mot de passe incorrect",
        );
    other
        .submit("/login", &[("login", "alice"), ("password", PASSWORD)])
        .await
        .assert(StatusCode::OK, "Vous êtes connecté");
    other
        .get("/templates")
        .await
        .assert(StatusCode::OK, "Mes modèles");

    other
        .submit("/logout", &[])
        .await
        .assert(StatusCode::OK, "Se connecter");
    other
        .get("/templates")
        .await
        .assert(StatusCode::FORBIDDEN, "réservée aux bénévoles");
}

#[tokio::test]
async fn the_election_page_filters_and_shows_the_queues() {
    let site = site();
    let corse = site
        .campaign
        .store()
        .read_with(|r| {
            r.constituency_by_code(ElectionId::new(1), ConstituencyKind::Departement, "2A")
        })
        .unwrap()
        .unwrap();
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;

    alice
        .get("/elections/1")
        .await
        .assert(StatusCode::OK, "133 candidats · page 1 sur 3")
        .assert(StatusCode::OK, "Coordonnées à trouver")
        .assert(StatusCode::OK, r#"action="/queues/to_collect/take""#)
        .assert(StatusCode::OK, "page suivante");
    alice
        .get(&format!("/elections/1?constituency={}", corse.id))
        .await
        .assert(StatusCode::OK, "16 candidats");
    alice
        .get("/elections/1?role=substitute&status=to_collect")
        .await
        .assert(StatusCode::OK, "133 candidats")
        .assert(StatusCode::OK, "remplaçant");
    alice
        .get("/elections/1?status=signed")
        .await
        .assert(StatusCode::OK, "0 candidat");
    alice
        .get("/elections/1?status=lost")
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "Statut inconnu");
    alice
        .get("/elections/1?constituency=x")
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "Nombre attendu");
    alice
        .get("/elections/1?role=king")
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "expected a role");
    alice
        .get("/elections/99")
        .await
        .assert(StatusCode::NOT_FOUND, "existe pas");
}

#[tokio::test]
async fn a_volunteer_is_granted_a_candidate_adds_a_detail_and_records_a_contact() {
    let site = site();
    let (candidacy, name) = first_candidate(&site);
    let record = format!("/candidates/{candidacy}");
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;
    let mut bob = Client::sign_up(&site, "bob", "Bob").await;
    let mut carol = Client::sign_up(&site, "carol", "Carol").await;

    // Bob asks; Alice, the moderator, grants.
    bob.get(&record)
        .await
        .assert(StatusCode::OK, &escaped(&name))
        .assert(StatusCode::OK, "Personne n'est responsable")
        .assert(StatusCode::OK, "deviendront des propositions");
    bob.submit(&format!("{record}/responsibility"), &[])
        .await
        .assert(StatusCode::OK, "attend la décision d'un modérateur");
    let request = site
        .campaign
        .store()
        .read_with(|r| r.responsibilities(&Default::default()))
        .unwrap()[0]
        .id;
    alice.get("/moderation").await.assert(
        StatusCode::OK,
        &format!("/moderation/responsibilities/{request}/grant"),
    );
    alice
        .submit(
            &format!("/moderation/responsibilities/{request}/grant"),
            &[],
        )
        .await
        .assert(StatusCode::OK, "Responsabilité accordée");
    alice
        .post(
            &format!("/moderation/responsibilities/{request}/grant"),
            &[],
        )
        .await
        .assert(StatusCode::CONFLICT, "not waiting for a decision");
    bob.get(&record)
        .await
        .assert(StatusCode::OK, "Vous êtes responsable de ce candidat");
    bob.get("/").await.assert(StatusCode::OK, "accordée");

    // Carol cannot take what Bob holds.
    carol
        .post(&format!("{record}/responsibility"), &[])
        .await
        .assert(StatusCode::CONFLICT, "(Bob) already holds");

    // Bob's private e-mail is his and the moderators' to see.
    bob.submit(
        &format!("{record}/details"),
        &[
            ("channel", "email"),
            ("value", "marie@example.org"),
            ("source", "https://example.org/equipe"),
            ("private", "1"),
        ],
    )
    .await
    .assert(StatusCode::OK, "Coordonnée ajoutée")
    .assert(StatusCode::OK, "mailto:marie@example.org");
    alice
        .get(&record)
        .await
        .assert(StatusCode::OK, "marie@example.org");
    let page = carol.get(&record).await;
    assert!(!page.body.contains("marie@example.org"), "{}", page.body);

    // Carol's detail is a proposal until Alice accepts it.
    carol
        .submit(
            &format!("{record}/details"),
            &[
                ("channel", "phone"),
                ("value", "06 12 34 56 78"),
                ("source", "annuaire"),
            ],
        )
        .await
        .assert(StatusCode::OK, "votre ajout est une proposition");
    assert_eq!(details_of(&site, candidacy).len(), 1);
    let proposal = site
        .campaign
        .store()
        .read_with(|r| r.proposals(Some(ProposalStatus::Pending)))
        .unwrap()[0]
        .id;
    alice
        .get("/moderation")
        .await
        .assert(StatusCode::OK, "+33612345678")
        .assert(StatusCode::OK, "annuaire");
    alice
        .submit(&format!("/moderation/proposals/{proposal}/accept"), &[])
        .await
        .assert(StatusCode::OK, "Proposition acceptée");
    carol
        .get(&record)
        .await
        .assert(StatusCode::OK, "tel:+33612345678");
    carol
        .post(
            &format!("{record}/details"),
            &[("channel", "email"), ("value", "marie@"), ("source", "x")],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "no domain");
    carol
        .post(
            &format!("{record}/details"),
            &[
                ("channel", "phone"),
                ("value", "+33612345678"),
                ("source", "x"),
            ],
        )
        .await
        .assert(StatusCode::CONFLICT, "already on the record");

    // Bob writes from a template and records the contact.
    bob.submit(
        "/templates",
        &[
            ("name", "Premier contact"),
            ("subject", "Le Pacte — {{ constituency }}"),
            ("body", "{{ civility }} {{ surname }}, bonjour."),
        ],
    )
    .await
    .assert(StatusCode::OK, "Modèle « Premier contact » enregistré");
    bob.post(
        "/templates",
        &[("name", "X"), ("subject", "S"), ("body", "{{ nope }}")],
    )
    .await
    .assert(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown placeholder `nope`",
    );
    let template = site
        .campaign
        .store()
        .read_with(|r| r.templates(None))
        .unwrap()[0]
        .id;
    bob.get(&format!("{record}?template={template}"))
        .await
        .assert(
            StatusCode::OK,
            r#"id="mailto" href="mailto:marie@example.org?subject="#,
        );
    bob.submit(
        &format!("{record}/actions"),
        &[
            ("channel", "email"),
            ("outcome", "sent"),
            ("note", "premier envoi"),
            ("template", &template.to_string()),
        ],
    )
    .await
    .assert(StatusCode::OK, "Contact enregistré")
    .assert(StatusCode::OK, "premier envoi")
    .assert(StatusCode::OK, "contacté, sans réponse");
    bob.post(
        &format!("{record}/actions"),
        &[("channel", "pigeon"), ("outcome", "sent")],
    )
    .await
    .assert(StatusCode::UNPROCESSABLE_ENTITY, "expected a channel");

    Client::new(&site)
        .get("/progress")
        .await
        .assert(StatusCode::OK, r#"data-figure="contacted" data-value="1""#);
}

#[tokio::test]
async fn answers_fill_the_signatories_page() {
    let site = site();
    let (candidacy, name) = first_candidate(&site);
    let record = format!("/candidates/{candidacy}");
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;
    let mut bob = Client::sign_up(&site, "bob", "Bob").await;

    bob.post(
        "/moderation/pledges",
        &[("name", "Pacte"), ("text", "Le texte")],
    )
    .await
    .assert(StatusCode::FORBIDDEN, "only moderators may create pledges");
    alice
        .submit(
            "/moderation/pledges",
            &[("name", "Pacte du Logiciel Libre"), ("text", "Le texte")],
        )
        .await
        .assert(StatusCode::OK, "Pacte du Logiciel Libre (version 1)");

    bob.submit(
        &format!("{record}/answers"),
        &[
            ("pledge", "1"),
            ("answer", "signed"),
            ("evidence", "e-mail"),
            ("date", "2024-06-20"),
        ],
    )
    .await
    .assert(StatusCode::OK, "la réponse est proposée à la modération");
    let proposal = site
        .campaign
        .store()
        .read_with(|r| r.proposals(None))
        .unwrap()[0]
        .id;
    alice
        .submit(&format!("/moderation/proposals/{proposal}/reject"), &[])
        .await
        .assert(StatusCode::OK, "Proposition rejetée");
    alice
        .post(&format!("/moderation/proposals/{proposal}/accept"), &[])
        .await
        .assert(StatusCode::CONFLICT, "already rejected");
    alice
        .post(&format!("/moderation/proposals/{proposal}/maybe"), &[])
        .await
        .assert(StatusCode::NOT_FOUND, "Décision inconnue");
    alice
        .post("/moderation/proposals/99/accept", &[])
        .await
        .assert(StatusCode::NOT_FOUND, "not found");

    alice
        .post(
            &format!("{record}/answers"),
            &[
                ("pledge", "1"),
                ("answer", "signed"),
                ("date", "2024-06-20"),
            ],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "evidence");
    alice
        .post(
            &format!("{record}/answers"),
            &[("pledge", "1"), ("answer", "maybe"), ("date", "2024-06-20")],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "Réponse inconnue");
    alice
        .submit(
            &format!("{record}/answers"),
            &[
                ("pledge", "1"),
                ("answer", "signed"),
                ("evidence", "courriel du 20/06"),
                ("date", "2024-06-20"),
            ],
        )
        .await
        .assert(StatusCode::OK, "Réponse enregistrée")
        .assert(StatusCode::OK, "signataire");

    Client::new(&site)
        .get("/signatories")
        .await
        .assert(StatusCode::OK, "1 candidat a signé")
        .assert(StatusCode::OK, &escaped(&name));
}

#[tokio::test]
async fn a_contact_marathon_hands_out_the_next_candidate() {
    let site = site();
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;
    let mut bob = Client::sign_up(&site, "bob", "Bob").await;
    let now = site.campaign.now();
    let start = (now - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let end = (now + chrono::Duration::hours(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();

    let marathon_form = [
        ("name", "Contacthon n°7"),
        ("number", "7"),
        ("election", "1"),
        ("starts_at", start.as_str()),
        ("ends_at", end.as_str()),
    ];
    bob.post("/moderation/marathons", &marathon_form)
        .await
        .assert(StatusCode::FORBIDDEN, "only moderators");
    alice
        .post(
            "/moderation/marathons",
            &[
                ("name", "À l'envers"),
                ("election", "1"),
                ("starts_at", end.as_str()),
                ("ends_at", start.as_str()),
            ],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "ending after it starts");
    alice
        .post(
            "/moderation/marathons",
            &[
                ("name", "Sans date"),
                ("election", "1"),
                ("starts_at", "demain"),
                ("ends_at", end.as_str()),
            ],
        )
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "Date et heure attendues");
    alice
        .submit("/moderation/marathons", &marathon_form)
        .await
        .assert(StatusCode::OK, "Contacthon créé");

    bob.get("/elections/1")
        .await
        .assert(StatusCode::OK, "Contacthon n°7")
        .assert(StatusCode::OK, "en cours");
    let taken = bob
        .post(
            "/queues/to_collect/take",
            &[("election", "1"), ("marathon", "1")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let record = taken.location.unwrap();
    assert!(record.ends_with("?marathon=1"), "{record}");
    bob.get(&record)
        .await
        .assert(StatusCode::OK, "Contacthon n°7")
        .assert(StatusCode::OK, "vous est réservé");
    let id = record
        .trim_start_matches("/candidates/")
        .split('?')
        .next()
        .unwrap();
    bob.submit(
        &format!("/candidates/{id}/actions"),
        &[
            ("channel", "web_form"),
            ("outcome", "sent"),
            ("marathon", "1"),
        ],
    )
    .await
    .assert(StatusCode::OK, "Contact enregistré");

    // The next one is another candidate: the first is reserved.
    let next = bob
        .post(
            "/queues/to_collect/take",
            &[("election", "1"), ("marathon", "1")],
        )
        .await;
    assert_ne!(next.location.as_deref(), Some(record.as_str()));
    Client::new(&site)
        .get("/progress?marathon=1")
        .await
        .assert(StatusCode::OK, "Contacthon n°7")
        .assert(StatusCode::OK, r#"data-figure="contacted" data-value="1""#);

    bob.submit("/queues/to_follow_up/take", &[("election", "1")])
        .await
        .assert(StatusCode::OK, "Cette file est vide");
    bob.post("/queues/everyone/take", &[("election", "1")])
        .await
        .assert(StatusCode::UNPROCESSABLE_ENTITY, "expected a queue");
    bob.post(
        "/queues/to_contact/take",
        &[("election", "1"), ("marathon", "8")],
    )
    .await
    .assert(StatusCode::NOT_FOUND, "not found");
}

#[tokio::test]
async fn moderation_decisions_belong_to_moderators() {
    let site = site();
    let (candidacy, _) = first_candidate(&site);
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;
    let mut bob = Client::sign_up(&site, "bob", "Bob").await;

    bob.submit(&format!("/candidates/{candidacy}/responsibility"), &[])
        .await;
    bob.post("/moderation/responsibilities/1/grant", &[])
        .await
        .assert(StatusCode::FORBIDDEN, "only moderators may grant");
    alice
        .post("/moderation/responsibilities/1/promote", &[])
        .await
        .assert(StatusCode::NOT_FOUND, "Décision inconnue");
    alice
        .submit("/moderation/responsibilities/1/refuse", &[])
        .await
        .assert(StatusCode::OK, "Demande refusée")
        .assert(StatusCode::OK, "Aucune demande en attente");
    alice
        .post("/moderation/responsibilities/1/refuse", &[])
        .await
        .assert(StatusCode::CONFLICT, "not waiting for a decision");
    alice
        .post("/moderation/responsibilities/42/grant", &[])
        .await
        .assert(StatusCode::NOT_FOUND, "not found");
    bob.get(&format!("/candidates/{candidacy}"))
        .await
        .assert(StatusCode::OK, "Demander la responsabilité");
}

#[tokio::test]
async fn unknown_pages_and_records_answer_404_pages() {
    let site = site();
    let mut alice = Client::sign_up(&site, "alice", "Alice").await;

    for path in [
        "/nowhere",
        "/candidates/99999",
        "/candidates/abc",
        "/elections/1/x",
    ] {
        alice
            .get(path)
            .await
            .assert(StatusCode::NOT_FOUND, "<!DOCTYPE html>")
            .assert(StatusCode::NOT_FOUND, "Code 404");
    }
    alice
        .get("/candidates/1?template=77")
        .await
        .assert(StatusCode::NOT_FOUND, "template 77 not found");
}

#[tokio::test]
async fn text_from_volunteers_is_escaped() {
    let site = site();
    let (candidacy, _) = first_candidate(&site);
    let mut mallory = Client::sign_up(&site, "mallory", "<script>alert(1)</script>").await;

    mallory
        .submit(
            &format!("/candidates/{candidacy}/actions"),
            &[
                ("channel", "phone"),
                ("outcome", "no_answer"),
                ("note", "<b>\"x\"</b>"),
            ],
        )
        .await
        .assert(StatusCode::OK, "&#60;script&#62;alert(1)&#60;/script&#62;")
        .assert(StatusCode::OK, "&#60;b&#62;&#34;x&#34;&#60;/b&#62;");
    let page = mallory.get("/").await;
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
}
