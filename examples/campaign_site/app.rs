//! The site's state, its routes, and how library errors become pages.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use candidats::{Campaign, DynStore, Error};

use crate::accounts::Accounts;
use crate::sessions::{self, Sessions, User, Visitor};
use crate::{auth, candidates, moderation, public};

/// What every request shares: the campaign, the accounts, the sessions.
#[derive(Debug)]
pub struct Site {
    /// The campaign, on the store given at start.
    pub campaign: Arc<Campaign<DynStore>>,
    /// The site's accounts.
    pub accounts: Accounts,
    /// The live sessions.
    pub sessions: Sessions,
}

impl Site {
    /// A site on a campaign and its accounts, with no session yet.
    pub fn new(campaign: Campaign<DynStore>, accounts: Accounts) -> Arc<Site> {
        Arc::new(Site {
            campaign: Arc::new(campaign),
            accounts,
            sessions: Sessions::default(),
        })
    }
}

/// Runs `f` on a thread where blocking is allowed: every call to the store
/// or the accounts goes through here, never on the async threads.
///
/// # Errors
///
/// `f`'s error as a page; a 500 page when `f` panicked.
pub async fn blocking<T, F>(site: &Arc<Site>, f: F) -> Result<T, PageError>
where
    T: Send + 'static,
    F: FnOnce(&Site) -> candidats::Result<T> + Send + 'static,
{
    let site = Arc::clone(site);
    match tokio::task::spawn_blocking(move || f(&site)).await {
        Ok(result) => result.map_err(PageError::from),
        Err(error) => {
            tracing::error!(%error, "a blocking task failed");
            Err(PageError::internal())
        }
    }
}

/// The site's routes. Every route goes through [`sessions::guard`].
pub fn router(site: Arc<Site>) -> Router {
    Router::new()
        .route("/", get(public::home))
        .route("/progress", get(public::progress))
        .route("/signatories", get(public::signatories))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/elections/{id}", get(candidates::election))
        .route("/candidates/{id}", get(candidates::candidate))
        .route(
            "/candidates/{id}/responsibility",
            post(candidates::request_responsibility),
        )
        .route("/candidates/{id}/details", post(candidates::add_detail))
        .route("/candidates/{id}/actions", post(candidates::record_action))
        .route("/candidates/{id}/answers", post(candidates::record_answer))
        .route("/queues/{queue}/take", post(candidates::take_next))
        .route(
            "/templates",
            get(candidates::templates).post(candidates::create_template),
        )
        .route("/moderation", get(moderation::overview))
        .route(
            "/moderation/responsibilities/{id}/{decision}",
            post(moderation::decide_responsibility),
        )
        .route(
            "/moderation/proposals/{id}/{decision}",
            post(moderation::decide_proposal),
        )
        .route("/moderation/pledges", post(moderation::create_pledge))
        .route("/moderation/marathons", post(moderation::create_marathon))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&site),
            sessions::guard,
        ))
        .with_state(site)
}

async fn not_found() -> PageError {
    PageError::new(StatusCode::NOT_FOUND, "Cette page n'existe pas.")
}

/// A form, refused with a 422 page when a field is missing or malformed.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Form), rejection(PageError))]
pub struct Form<T>(pub T);

/// A query string, refused with a 422 page when malformed.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct Query<T>(pub T);

/// The parameters of a path, answered with a 404 page when malformed.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct Path<T>(pub T);

impl From<FormRejection> for PageError {
    fn from(rejection: FormRejection) -> PageError {
        PageError {
            detail: Some(rejection.body_text()),
            ..PageError::invalid("Ce formulaire est incomplet ou mal rempli.")
        }
    }
}

impl From<QueryRejection> for PageError {
    fn from(rejection: QueryRejection) -> PageError {
        PageError {
            detail: Some(rejection.body_text()),
            ..PageError::invalid("Cette adresse porte des paramètres mal formés.")
        }
    }
}

impl From<PathRejection> for PageError {
    fn from(_: PathRejection) -> PageError {
        PageError::new(StatusCode::NOT_FOUND, "Cette page n'existe pas.")
    }
}

/// What the frame of every page shows: who is signed in, the form token,
/// the message left by the previous request.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// The signed-in participant.
    pub user: Option<User>,
    /// The token every form carries.
    pub csrf: String,
    /// A message to show once.
    pub flash: Option<String>,
}

impl Frame {
    /// The frame of a visitor's page.
    pub fn of(visitor: &Visitor) -> Frame {
        Frame {
            user: visitor.user.clone(),
            csrf: visitor.csrf.clone(),
            flash: visitor.flash.clone(),
        }
    }
}

/// A page rendered with status 200.
pub fn page(template: &impl Template) -> Response {
    render(StatusCode::OK, template)
}

fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A redirection after a form, leaving a message for the next page.
pub fn done(site: &Site, visitor: &Visitor, to: &str, message: impl Into<String>) -> Response {
    site.sessions.flash(&visitor.session, message);
    Redirect::to(to).into_response()
}

/// A page that says what went wrong, with its status.
///
/// As a response it is first a bare page; [`sessions::guard`] renders it
/// again in the visitor's frame.
#[derive(Clone, Debug)]
pub struct PageError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What to tell the visitor.
    pub message: String,
    /// The library's own words, when they help.
    pub detail: Option<String>,
    /// Whether signing in would help.
    pub sign_in: bool,
}

impl PageError {
    /// An error page.
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            detail: None,
            sign_in: false,
        }
    }

    /// A 403 page.
    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, message)
    }

    /// The 403 page of a page for signed-in volunteers.
    pub fn sign_in() -> PageError {
        PageError {
            sign_in: true,
            ..PageError::forbidden("Cette page est réservée aux bénévoles inscrits.")
        }
    }

    /// A 500 page that tells nothing of the cause.
    pub fn internal() -> PageError {
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Le serveur n'a pas pu répondre. Réessayez dans un instant.",
        )
    }

    /// A 422 page for a form field.
    pub fn invalid(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// The page in a visitor's frame.
    pub fn render(&self, frame: Frame) -> Response {
        let page = ErrorPage {
            frame,
            status: self.status.as_u16(),
            error: self,
        };
        render(self.status, &page)
    }
}

impl From<Error> for PageError {
    fn from(error: Error) -> PageError {
        let (status, message) = match &error {
            Error::NotFound { .. } => (StatusCode::NOT_FOUND, "Cette fiche n'existe pas."),
            Error::Conflict { .. } => (
                StatusCode::CONFLICT,
                "Cette action entre en conflit avec le travail d'un autre bénévole.",
            ),
            Error::PermissionDenied { .. } => (
                StatusCode::FORBIDDEN,
                "Vous n'avez pas le droit de faire cela.",
            ),
            Error::InvalidInput { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Une valeur du formulaire n'est pas acceptée.",
            ),
            _ => {
                tracing::error!(error = %error_chain(&error), "a store call failed");
                return PageError::internal();
            }
        };
        PageError {
            detail: Some(error.to_string()),
            ..PageError::new(status, message)
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.render(Frame::default());
        response.extensions_mut().insert(self);
        response
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[derive(Template)]
#[template(path = "error.html", config = "examples/campaign_site/askama.toml")]
struct ErrorPage<'a> {
    frame: Frame,
    status: u16,
    error: &'a PageError,
}
