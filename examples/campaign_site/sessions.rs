//! Sessions and the protection of forms.
//!
//! Every visitor gets a session on their first page: a random identifier
//! in a cookie (`HttpOnly`, `SameSite=Lax`), and a random token that every
//! form of the site carries in a hidden `csrf` field. A `POST` whose token
//! is missing or differs from its session's is refused before any handler
//! runs. Signing in and out changes the session's identifier.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use candidats::ParticipantId;

use crate::app::{Frame, PageError, Site};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "candidats_session";
/// How long a session lasts without a visit.
const IDLE: Duration = Duration::from_secs(12 * 3600);
/// The largest form the site accepts.
const MAX_FORM: usize = 64 * 1024;

/// A signed-in participant, as the session remembers them.
#[derive(Clone, Debug)]
pub struct User {
    /// Who they are in the campaign.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// Whether they were a moderator when they signed in.
    pub moderator: bool,
}

/// Who is asking: their session, and who they are when signed in. Every
/// handler finds it in the request's extensions.
#[derive(Clone, Debug)]
pub struct Visitor {
    /// The session's identifier.
    pub session: String,
    /// The token the session's forms carry.
    pub csrf: String,
    /// The signed-in participant.
    pub user: Option<User>,
    /// A message left by the previous request, shown once.
    pub flash: Option<String>,
}

impl Visitor {
    /// The signed-in participant.
    ///
    /// # Errors
    ///
    /// A 403 page inviting to sign in.
    pub fn signed_in(&self) -> Result<&User, PageError> {
        self.user.as_ref().ok_or_else(PageError::sign_in)
    }
}

#[derive(Debug)]
struct Session {
    csrf: String,
    user: Option<User>,
    flash: Option<String>,
    last_seen: Instant,
}

/// The sessions of the site, in memory.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the map leaves no half-written session.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The visitor of a live session, taking its flash message.
    fn resume(&self, id: &str) -> Option<Visitor> {
        let mut map = self.lock();
        let session = map.get_mut(id)?;
        if session.last_seen.elapsed() > IDLE {
            map.remove(id);
            return None;
        }
        session.last_seen = Instant::now();
        Some(Visitor {
            session: id.to_string(),
            csrf: session.csrf.clone(),
            user: session.user.clone(),
            flash: session.flash.take(),
        })
    }

    /// Starts a session, forgetting those idle for too long.
    ///
    /// # Errors
    ///
    /// A 500 page when the operating system gives no random bytes.
    pub fn start(&self, user: Option<User>) -> Result<Visitor, PageError> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut map = self.lock();
        map.retain(|_, s| s.last_seen.elapsed() <= IDLE);
        map.insert(
            id.clone(),
            Session {
                csrf: csrf.clone(),
                user: user.clone(),
                flash: None,
                last_seen: Instant::now(),
            },
        );
        Ok(Visitor {
            session: id,
            csrf,
            user,
            flash: None,
        })
    }

    /// Ends a session.
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Replaces a session by a new one for `user`: a new identifier at each
    /// sign-in, so that an identifier known before cannot be used after.
    ///
    /// # Errors
    ///
    /// As [`Sessions::start`].
    pub fn sign_in(&self, old: &str, user: User) -> Result<Visitor, PageError> {
        self.end(old);
        self.start(Some(user))
    }

    /// Leaves a message for the session's next page.
    pub fn flash(&self, id: &str, message: impl Into<String>) {
        if let Some(session) = self.lock().get_mut(id) {
            session.flash = Some(message.into());
        }
    }
}

/// The `Set-Cookie` value that gives a visitor their session.
pub fn cookie(visitor: &Visitor) -> HeaderValue {
    let value = format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Lax",
        visitor.session
    );
    // Hex digits and ASCII punctuation only.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn removed_cookie() -> HeaderValue {
    HeaderValue::from_static("candidats_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Finds or starts the visitor's session, refuses a `POST` without the
/// session's token, and hands the visitor to the handler.
pub async fn guard(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    let resumed = session_id(request.headers()).and_then(|id| site.sessions.resume(&id));
    let (parts, body) = request.into_parts();

    let (visitor, started) = match resumed {
        Some(visitor) => (visitor, false),
        None if parts.method == Method::POST => {
            return PageError::forbidden(
                "Cette action demande une session : rechargez la page et recommencez.",
            )
            .into_response();
        }
        None => match site.sessions.start(None) {
            Ok(visitor) => (visitor, true),
            Err(error) => return error.into_response(),
        },
    };

    let body = if parts.method == Method::POST {
        let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
            return PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Ce formulaire est trop long.",
            )
            .into_response();
        };
        let token = form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == "csrf")
            .map(|(_, value)| value.into_owned());
        if !token.is_some_and(|token| same(&token, &visitor.csrf)) {
            return PageError::forbidden(
                "Ce formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.",
            )
            .into_response();
        }
        Body::from(bytes)
    } else {
        body
    };

    let mut request = Request::from_parts(parts, body);
    let cookie = started.then(|| cookie(&visitor));
    let frame = Frame::of(&visitor);
    request.extensions_mut().insert(visitor);
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<PageError>() {
        response = error.render(frame);
    }
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// Compares two tokens in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// 32 random bytes from the operating system, in hexadecimal.
fn random_token() -> Result<String, PageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        tracing::error!(%error, "no random bytes for a session");
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Le serveur ne peut pas ouvrir de session pour l'instant.",
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());

        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..63]));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("theme=dark; candidats_session=abc; lang=fr"),
        );

        assert_eq!(session_id(&headers).as_deref(), Some("abc"));
    }
}
