//! Contact details and contact actions.
//!
//! The official files give no e-mail or phone: volunteers find them and pool
//! them on the person's record, with the source where they found them. A
//! [`ContactPoint`] is a channel with a value checked and normalised for that
//! channel, so that the same address is never stored twice in two spellings.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{
    CandidacyId, ContactActionId, ContactDetailId, ListId, MarathonId, ParticipantId, PersonId,
    TemplateId,
};
use crate::text::{check_free_text, MAX_TEXT_LEN};

/// A way to reach a candidate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// An e-mail address.
    Email,
    /// A web contact form, a full channel of its own: its value is the
    /// form's URL.
    WebForm,
    /// A phone number, in international form.
    Phone,
    /// An account on a social network: a handle or a profile URL.
    Social {
        /// The network's name, in lower case: `mastodon`, `x`, `facebook`...
        network: String,
    },
    /// A postal address.
    Postal,
    /// A website.
    Website,
    /// Met in person (for contact actions; no detail has this channel).
    InPerson,
}

impl Channel {
    /// The channel as one word: `email`, `web_form`, `phone`,
    /// `social:NETWORK`, `postal`, `website`, `in_person`.
    pub fn code(&self) -> String {
        match self {
            Channel::Email => "email".into(),
            Channel::WebForm => "web_form".into(),
            Channel::Phone => "phone".into(),
            Channel::Social { network } => format!("social:{network}"),
            Channel::Postal => "postal".into(),
            Channel::Website => "website".into(),
            Channel::InPerson => "in_person".into(),
        }
    }

    /// Parses a code written by [`Channel::code`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an unknown channel, or a social network
    /// without a name.
    pub fn parse(code: &str) -> Result<Channel> {
        match code {
            "email" => Ok(Channel::Email),
            "web_form" => Ok(Channel::WebForm),
            "phone" => Ok(Channel::Phone),
            "postal" => Ok(Channel::Postal),
            "website" => Ok(Channel::Website),
            "in_person" => Ok(Channel::InPerson),
            other => match other.strip_prefix("social:") {
                Some(network) => Channel::social(network),
                None => Err(Error::invalid(format!(
                    "expected a channel (email, web_form, phone, social:NETWORK, postal, \
                     website, in_person), found `{other}`"
                ))),
            },
        }
    }

    /// A social network channel; the name is put in lower case.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the name is empty or holds anything but
    /// letters, digits, `.`, `-` and `_`.
    pub fn social(network: &str) -> Result<Channel> {
        let network = network.trim().to_lowercase();
        let valid = !network.is_empty()
            && network.len() <= 50
            && network
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            return Err(Error::invalid(format!(
                "expected a social network's name (letters, digits, `.`, `-`, `_`), found `{network}`"
            )));
        }
        Ok(Channel::Social { network })
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A channel with a value checked and normalised for it.
///
/// | channel | accepted | stored as |
/// |---|---|---|
/// | e-mail | `local@domain.tld` | domain in lower case |
/// | web form, website | absolute `http` or `https` URL with a host | as parsed |
/// | phone | digits with spaces, dots, dashes, parentheses; `+` or `00` then a country code, or a French number of 10 digits starting with 0 | `+33612345678` |
/// | social network | a handle (`@name`, `@name@server`) or an `https` profile URL | as given, trimmed |
/// | postal | any text without NUL | trimmed |
///
/// ```
/// use candidats_core::{Channel, ContactPoint};
///
/// let phone = ContactPoint::new(Channel::Phone, "06 12 34 56 78")?;
/// assert_eq!(phone.value(), "+33612345678");
///
/// let email = ContactPoint::new(Channel::Email, "Marie.Dupont@Example.FR")?;
/// assert_eq!(email.value(), "Marie.Dupont@example.fr");
///
/// assert!(ContactPoint::new(Channel::Website, "javascript:alert(1)").is_err());
/// assert!(ContactPoint::new(Channel::Email, "marie@").is_err());
/// assert!(ContactPoint::new(Channel::Phone, "06 CALL ME").is_err());
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ContactPointParts", into = "ContactPointParts")]
pub struct ContactPoint {
    channel: Channel,
    value: String,
}

#[derive(Serialize, Deserialize)]
struct ContactPointParts {
    channel: Channel,
    value: String,
}

impl TryFrom<ContactPointParts> for ContactPoint {
    type Error = Error;

    fn try_from(parts: ContactPointParts) -> Result<ContactPoint> {
        ContactPoint::new(parts.channel, &parts.value)
    }
}

impl From<ContactPoint> for ContactPointParts {
    fn from(point: ContactPoint) -> ContactPointParts {
        ContactPointParts {
            channel: point.channel,
            value: point.value,
        }
    }
}

impl ContactPoint {
    /// Checks and normalises `raw` for `channel`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`], with the reason, when the value does not suit
    /// the channel: an e-mail without a domain, a URL that is not `http(s)`,
    /// a phone number with letters, a social handle with spaces; and for the
    /// `in_person` channel, which holds no detail.
    pub fn new(channel: Channel, raw: &str) -> Result<ContactPoint> {
        let raw = raw.trim();
        let value = match &channel {
            Channel::Email => normalise_email(raw)?,
            Channel::WebForm | Channel::Website => normalise_url(raw)?,
            Channel::Phone => normalise_phone(raw)?,
            Channel::Social { .. } => normalise_social(raw)?,
            Channel::Postal => {
                if raw.is_empty() {
                    return Err(Error::invalid("expected a postal address, found nothing"));
                }
                check_free_text("a postal address", raw, 2000)?;
                raw.to_string()
            }
            Channel::InPerson => {
                return Err(Error::invalid(
                    "a meeting in person is a contact action, not a contact detail",
                ))
            }
        };
        Ok(ContactPoint { channel, value })
    }

    /// The channel.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

fn normalise_email(raw: &str) -> Result<String> {
    let fail = |reason: &str| {
        Err(Error::invalid(format!(
            "expected an e-mail address like name@example.org, found `{raw}`: {reason}"
        )))
    };
    if raw.len() > 254 {
        return fail("longer than 254 characters");
    }
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return fail("no `@`");
    };
    if local.is_empty() {
        return fail("nothing before the `@`");
    }
    if local.len() > 64 {
        return fail("more than 64 characters before the `@`");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return fail("misplaced dot before the `@`");
    }
    let local_ok = local.chars().all(|c| {
        c.is_alphanumeric() || (c.is_ascii_punctuation() && "!#$%&'*+-/=?^_`{|}~.".contains(c))
    });
    if !local_ok {
        return fail("a character not allowed before the `@`");
    }
    if domain.is_empty() {
        return fail("no domain after the `@`");
    }
    let domain = domain.to_lowercase();
    if let Err(reason) = check_domain(&domain) {
        return fail(&reason);
    }
    // Lower case can be longer than the original (`Ⱥ` is 2 bytes, `ⱥ` 3):
    // what is stored must pass this check again when it is read back.
    let value = format!("{local}@{domain}");
    if value.len() > 254 {
        return fail("longer than 254 characters");
    }
    Ok(value)
}

fn check_domain(domain: &str) -> std::result::Result<(), String> {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("the domain has no dot".into());
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err("an empty or too long part in the domain".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a domain part starts or ends with `-`".into());
        }
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err("a character not allowed in the domain".into());
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err("the domain ends with a number".into());
    }
    Ok(())
}

fn normalise_url(raw: &str) -> Result<String> {
    let fail = |reason: &str| {
        Err(Error::invalid(format!(
            "expected an absolute http or https URL, found `{raw}`: {reason}"
        )))
    };
    if raw.len() > 2000 {
        return fail("longer than 2000 characters");
    }
    let url = match url::Url::parse(raw) {
        Ok(url) => url,
        Err(error) => return fail(&error.to_string()),
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        return fail(&format!("the scheme is `{}`", url.scheme()));
    }
    match url.host_str() {
        Some(host) if !host.is_empty() => {}
        _ => return fail("no host"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail("it holds a user name or password");
    }
    // Percent-encoding makes the URL longer than the text given: what is
    // stored must pass this check again when it is read back.
    let value = url.to_string();
    if value.len() > 2000 {
        return fail("longer than 2000 characters once encoded");
    }
    Ok(value)
}

fn normalise_phone(raw: &str) -> Result<String> {
    let fail = |reason: &str| {
        Err(Error::invalid(format!(
            "expected a phone number like +33 6 12 34 56 78 or 06 12 34 56 78, found `{raw}`: {reason}"
        )))
    };
    let mut digits = String::new();
    let mut plus = false;
    for (index, c) in raw.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if index == 0 => plus = true,
            ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}' => {}
            c if c.is_alphabetic() => return fail("it holds letters"),
            _ => return fail(&format!("the character `{c}`")),
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("33{}", &digits[1..])
    } else {
        return fail("no country code (start with + or 00) and not a French number of 10 digits");
    };
    let international = match international.strip_prefix("330") {
        Some(rest) if rest.len() == 9 => format!("33{rest}"),
        _ => international,
    };
    if international.starts_with('0') {
        return fail("a country code cannot start with 0");
    }
    if !(8..=15).contains(&international.len()) {
        return fail("an international number has 8 to 15 digits");
    }
    Ok(format!("+{international}"))
}

fn normalise_social(raw: &str) -> Result<String> {
    if raw.starts_with("http://") || raw.starts_with("https://") {
        return normalise_url(raw);
    }
    let handle = raw.strip_prefix('@').unwrap_or(raw);
    let (name, server) = match handle.split_once('@') {
        Some((name, server)) => (name, Some(server)),
        None => (handle, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !name_ok {
        return Err(Error::invalid(format!(
            "expected a handle like @name or @name@server, or a profile URL, found `{raw}`"
        )));
    }
    if let Some(server) = server {
        check_domain(&server.to_lowercase()).map_err(|reason| {
            Error::invalid(format!(
                "expected a handle like @name@server, found `{raw}`: {reason}"
            ))
        })?;
    }
    Ok(raw.to_string())
}

/// Whom a contact detail belongs to: a person, or a list (the list's
/// campaign address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    /// A person.
    Person(PersonId),
    /// A candidate list.
    List(ListId),
}

/// Whether a contact detail still reaches its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetailStatus {
    /// Found, not checked yet.
    Unverified,
    /// Known to work.
    Confirmed,
    /// A message to it came back.
    Bounced,
    /// No longer valid.
    Obsolete,
}

impl DetailStatus {
    /// Whether a detail with this status counts as a way to reach its owner.
    /// Bounced and obsolete details do not.
    pub const fn is_usable(self) -> bool {
        matches!(self, DetailStatus::Unverified | DetailStatus::Confirmed)
    }

    /// The status as stored: `unverified`, `confirmed`, `bounced`, `obsolete`.
    pub const fn name(self) -> &'static str {
        match self {
            DetailStatus::Unverified => "unverified",
            DetailStatus::Confirmed => "confirmed",
            DetailStatus::Bounced => "bounced",
            DetailStatus::Obsolete => "obsolete",
        }
    }

    /// Parses a name written by [`DetailStatus::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<DetailStatus> {
        match name {
            "unverified" => Ok(DetailStatus::Unverified),
            "confirmed" => Ok(DetailStatus::Confirmed),
            "bounced" => Ok(DetailStatus::Bounced),
            "obsolete" => Ok(DetailStatus::Obsolete),
            other => Err(Error::invalid(format!(
                "expected a detail status (unverified, confirmed, bounced, obsolete), found `{other}`"
            ))),
        }
    }
}

/// Who may see a contact detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone, and public exports.
    Public,
    /// Only the participants responsible for the owner, and moderators.
    /// Never in a public export.
    Private,
}

/// A contact detail on a person's or a list's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    /// The detail's identifier.
    pub id: ContactDetailId,
    /// The person or list it reaches.
    pub owner: Owner,
    /// The channel and value.
    pub point: ContactPoint,
    /// A short label: "campaign", "town hall"...
    pub label: Option<String>,
    /// Where it was found (a URL, "the list's leaflet"), so that nobody
    /// searches twice.
    pub source: String,
    /// Who added it.
    pub added_by: ParticipantId,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// Whether it still works.
    pub status: DetailStatus,
    /// Who may see it.
    pub visibility: Visibility,
    /// A free note.
    pub note: Option<String>,
}

impl ContactDetail {
    /// Checks the free-text fields: label, source and note.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the source is empty or a text holds a NUL
    /// character or is too long.
    pub fn check(&self) -> Result<()> {
        if self.source.trim().is_empty() {
            return Err(Error::invalid(
                "expected the source where the contact detail was found, found nothing",
            ));
        }
        check_free_text("a source", &self.source, 2000)?;
        if let Some(label) = &self.label {
            check_free_text("a label", label, 200)?;
        }
        if let Some(note) = &self.note {
            check_free_text("a note", note, MAX_TEXT_LEN)?;
        }
        Ok(())
    }
}

/// Whom a contact action reached: a candidacy, or a whole list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ActionTarget {
    /// One candidacy.
    Candidacy(CandidacyId),
    /// A list, through its own address.
    List(ListId),
}

/// What came of a contact action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The message was sent; nothing known yet.
    Sent,
    /// No answer came.
    NoAnswer,
    /// The candidate answered.
    Answered,
    /// The message came back undelivered.
    Bounced,
    /// The candidate refused to sign.
    Refused,
    /// The candidate promised to sign.
    PromisedToSign,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: &'static [Outcome] = &[
        Outcome::Sent,
        Outcome::NoAnswer,
        Outcome::Answered,
        Outcome::Bounced,
        Outcome::Refused,
        Outcome::PromisedToSign,
    ];

    /// The outcome as stored: `sent`, `no_answer`...
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::NoAnswer => "no_answer",
            Outcome::Answered => "answered",
            Outcome::Bounced => "bounced",
            Outcome::Refused => "refused",
            Outcome::PromisedToSign => "promised_to_sign",
        }
    }

    /// Parses a name written by [`Outcome::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<Outcome> {
        Outcome::ALL
            .iter()
            .copied()
            .find(|outcome| outcome.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "expected an outcome (sent, no_answer, answered, bounced, refused, \
                     promised_to_sign), found `{name}`"
                ))
            })
    }
}

/// One contact made by a participant: the "trigger click" and what came of
/// it. A candidacy may be contacted many times (the follow-up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAction {
    /// The action's identifier.
    pub id: ContactActionId,
    /// Who made the contact.
    pub participant: ParticipantId,
    /// Whom it reached.
    pub target: ActionTarget,
    /// Through which channel.
    pub channel: Channel,
    /// When.
    pub at: DateTime<Utc>,
    /// What came of it.
    pub outcome: Outcome,
    /// A free note.
    pub note: Option<String>,
    /// The message template used, if any.
    pub template: Option<TemplateId>,
    /// The contact marathon it was part of, if any.
    pub marathon: Option<MarathonId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(channel: Channel, raw: &str) -> Result<String> {
        ContactPoint::new(channel, raw).map(|p| p.value().to_string())
    }

    #[test]
    fn emails_are_checked_with_a_reason() {
        assert_eq!(
            value(Channel::Email, " a.b@Ex-ample.FR ").ok().as_deref(),
            Some("a.b@ex-ample.fr")
        );
        for bad in [
            "",
            "ab",
            "@ex.fr",
            "a@",
            "a@ex",
            "a..b@ex.fr",
            "a b@ex.fr",
            "a@-ex.fr",
            "a@ex.123",
        ] {
            assert!(value(Channel::Email, bad).is_err(), "{bad} accepted");
        }
        let message = value(Channel::Email, "marie@").err().map(|e| e.to_string());
        assert!(message.unwrap_or_default().contains("no domain"));
    }

    #[test]
    fn urls_must_be_http() {
        assert!(value(Channel::WebForm, "https://liste.example.org/contact").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x.org",
            "//x.org",
            "https://",
            "data:text/html,x",
            "https://u:p@x.org",
        ] {
            assert!(value(Channel::WebForm, bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn phones_become_international() {
        assert_eq!(
            value(Channel::Phone, "06.12.34.56.78").ok().as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            value(Channel::Phone, "+33 (0)6 12 34 56 78")
                .ok()
                .as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            value(Channel::Phone, "0032 2 123 45 67").ok().as_deref(),
            Some("+3221234567")
        );
        for bad in [
            "06 CALL ME",
            "12345",
            "+0 123 456 789",
            "0612",
            "+33 6 12 34 56 78 90 12 34 56",
        ] {
            assert!(value(Channel::Phone, bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn social_accounts_are_handles_or_urls() {
        let mastodon = Channel::social("Mastodon").unwrap_or(Channel::Email);
        assert_eq!(
            mastodon,
            Channel::Social {
                network: "mastodon".into()
            }
        );
        assert!(value(mastodon.clone(), "@marie@piaille.fr").is_ok());
        assert!(value(mastodon.clone(), "https://piaille.fr/@marie").is_ok());
        assert!(value(mastodon.clone(), "marie dupont").is_err());
        assert!(value(mastodon, "javascript:x").is_err());
    }

    #[test]
    fn channel_codes_round_trip() {
        for channel in [
            Channel::Email,
            Channel::WebForm,
            Channel::Phone,
            Channel::Postal,
            Channel::Website,
            Channel::InPerson,
            Channel::Social {
                network: "x".into(),
            },
        ] {
            assert_eq!(Channel::parse(&channel.code()).ok(), Some(channel));
        }
        assert!(Channel::parse("social:").is_err());
        assert!(Channel::parse("pigeon").is_err());
    }
}
