//! Signing up, in and out.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use candidats::Participant;
use serde::Deserialize;

use crate::accounts::MIN_PASSWORD;
use crate::app::{blocking, page, Form, Frame, PageError, Site};
use crate::sessions::{cookie, removed_cookie, User, Visitor};

#[derive(Template)]
#[template(path = "signup.html", config = "examples/campaign_site/askama.toml")]
struct SignupPage {
    frame: Frame,
    login: String,
    name: String,
    error: Option<String>,
    min_password: usize,
}

#[derive(Template)]
#[template(path = "login.html", config = "examples/campaign_site/askama.toml")]
struct LoginPage {
    frame: Frame,
    login: String,
    error: Option<String>,
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub struct SignupForm {
    login: String,
    name: String,
    password: String,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

/// `GET /signup`
pub async fn signup_page(Extension(visitor): Extension<Visitor>) -> Response {
    page(&SignupPage {
        frame: Frame::of(&visitor),
        login: String::new(),
        name: String::new(),
        error: None,
        min_password: MIN_PASSWORD,
    })
}

/// `POST /signup`: creates the account and its participant, and signs in.
pub async fn signup(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<SignupForm>,
) -> Result<Response, PageError> {
    let (login, name, password) = (form.login.clone(), form.name.clone(), form.password);
    let created = blocking(&site, move |site| {
        site.accounts
            .sign_up(&site.campaign, &login, &name, &password)
    })
    .await;

    match created {
        Ok(participant) => {
            let welcome = if participant.moderator {
                "Bienvenue ! Premier compte de la campagne, vous en êtes le modérateur."
            } else {
                "Bienvenue ! Choisissez un candidat, ou prenez le suivant d'une file."
            };
            signed_in(&site, &visitor, &participant, welcome)
        }
        Err(error) if matches!(error.status.as_u16(), 409 | 422) => {
            let page = SignupPage {
                frame: Frame::of(&visitor),
                login: form.login,
                name: form.name,
                error: error.detail.or(Some(error.message)),
                min_password: MIN_PASSWORD,
            };
            Ok((error.status, crate::app::page(&page)).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `GET /login`
pub async fn login_page(Extension(visitor): Extension<Visitor>) -> Response {
    page(&LoginPage {
        frame: Frame::of(&visitor),
        login: String::new(),
        error: None,
    })
}

/// `POST /login`
pub async fn login(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let (login, password) = (form.login.clone(), form.password);
    let found = blocking(&site, move |site| {
        site.accounts.sign_in(&site.campaign, &login, &password)
    })
    .await;

    match found {
        Ok(participant) => signed_in(&site, &visitor, &participant, "Vous êtes connecté."),
        Err(error) if error.status == StatusCode::FORBIDDEN => {
            let page = LoginPage {
                frame: Frame::of(&visitor),
                login: form.login,
                error: Some("Identifiant ou mot de passe incorrect.".into()),
            };
            Ok((StatusCode::FORBIDDEN, crate::app::page(&page)).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /logout`
pub async fn logout(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    site.sessions.end(&visitor.session);
    ([(SET_COOKIE, removed_cookie())], Redirect::to("/")).into_response()
}

/// Replaces the visitor's session by a signed-in one and goes home.
fn signed_in(
    site: &Site,
    visitor: &Visitor,
    participant: &Participant,
    message: &str,
) -> Result<Response, PageError> {
    let user = User {
        participant: participant.id,
        name: participant.name.to_string(),
        moderator: participant.moderator,
    };
    let session = site.sessions.sign_in(&visitor.session, user)?;
    site.sessions.flash(&session.session, message);
    Ok(([(SET_COOKIE, cookie(&session))], Redirect::to("/")).into_response())
}
