//! Message templates with placeholders, rendered for one candidacy.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{ParticipantId, TemplateId};
use crate::text::{check_free_text, Name, MAX_TEXT_LEN};

/// The placeholders a template may use, written `{{name}}`.
///
/// | placeholder | replaced by |
/// |---|---|
/// | `{{civility}}` | `Madame` or `Monsieur` (empty when the sex is unknown) |
/// | `{{first_name}}` | the first name |
/// | `{{surname}}` | the surname |
/// | `{{list}}` | the list's label (empty for a single seat) |
/// | `{{constituency}}` | where the candidacy stands |
/// | `{{region}}` | the top constituency above it (the region of a regional list) |
/// | `{{role}}` | the role, in French: "tête de liste", "tête de section"... |
pub const PLACEHOLDERS: &[&str] = &[
    "civility",
    "first_name",
    "surname",
    "list",
    "constituency",
    "region",
    "role",
];

/// A message template a participant writes once and reuses for hundreds of
/// candidates.
///
/// ```
/// use candidats_core::{MessageValues, ParticipantId, Template, TemplateId};
///
/// let template = Template::new(
///     TemplateId::new(1),
///     ParticipantId::new(1),
///     "first contact",
///     "Pacte du Logiciel Libre : {{list}}",
///     "{{civility}} {{surname}},\nvotre liste « {{list}} »...",
/// )?;
/// let values = MessageValues {
///     civility: "Madame".into(),
///     surname: "D'ALMEIDA".into(),
///     list: "Liste & Co".into(),
///     ..MessageValues::default()
/// };
/// let message = template.render(&values, Some("marie@example.org"))?;
/// assert_eq!(message.subject, "Pacte du Logiciel Libre : Liste & Co");
/// assert!(message.body.starts_with("Madame D'ALMEIDA,\n"));
/// assert_eq!(
///     message.mailto.as_deref(),
///     Some("mailto:marie@example.org?subject=Pacte%20du%20Logiciel%20Libre%20%3A%20Liste%20%26%20Co\
///           &body=Madame%20D%27ALMEIDA%2C%0D%0Avotre%20liste%20%C2%AB%20Liste%20%26%20Co%20%C2%BB..."),
/// );
///
/// let error = Template::new(TemplateId::new(2), ParticipantId::new(1), "t", "{{nom}}", "");
/// assert!(error.unwrap_err().to_string().contains("`nom`"));
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// The template's identifier.
    pub id: TemplateId,
    /// Who wrote it.
    pub owner: ParticipantId,
    /// Its name, for its author.
    pub name: Name,
    /// The subject line.
    pub subject: String,
    /// The body.
    pub body: String,
}

/// The values that fill a template's placeholders for one candidacy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageValues {
    /// `Madame`, `Monsieur`, or empty.
    pub civility: String,
    /// The first name.
    pub first_name: String,
    /// The surname.
    pub surname: String,
    /// The list's label.
    pub list: String,
    /// Where the candidacy stands.
    pub constituency: String,
    /// The top constituency above it.
    pub region: String,
    /// The role, in French.
    pub role: String,
}

impl MessageValues {
    fn get(&self, placeholder: &str) -> Option<&str> {
        Some(match placeholder {
            "civility" => &self.civility,
            "first_name" => &self.first_name,
            "surname" => &self.surname,
            "list" => &self.list,
            "constituency" => &self.constituency,
            "region" => &self.region,
            "role" => &self.role,
            _ => return None,
        })
    }
}

/// A template rendered for one candidacy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The subject line.
    pub subject: String,
    /// The body.
    pub body: String,
    /// A `mailto:` URI with the subject and body percent-encoded, when an
    /// e-mail address was given.
    pub mailto: Option<String>,
}

impl Template {
    /// Checks and builds a template.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the name is not a valid [`Name`], when the
    /// subject or body uses a placeholder not in [`PLACEHOLDERS`] (the error
    /// names it) or leaves a `{{` unclosed, or when a text is too long or
    /// holds a NUL character.
    pub fn new(
        id: TemplateId,
        owner: ParticipantId,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<Template> {
        let template = Template {
            id,
            owner,
            name: Name::new(name)?,
            subject: subject.to_string(),
            body: body.to_string(),
        };
        template.check()?;
        Ok(template)
    }

    /// Checks the subject and body, as [`Template::new`] does.
    ///
    /// # Errors
    ///
    /// As [`Template::new`].
    pub fn check(&self) -> Result<()> {
        check_free_text("a subject", &self.subject, 1000)?;
        check_free_text("a template body", &self.body, MAX_TEXT_LEN)?;
        fill(&self.subject, &MessageValues::default(), "subject")?;
        fill(&self.body, &MessageValues::default(), "body")?;
        Ok(())
    }

    /// Renders the template with `values`; with an e-mail address, also
    /// builds the `mailto:` URI.
    ///
    /// # Errors
    ///
    /// As [`Template::new`], for a template that was not checked.
    pub fn render(&self, values: &MessageValues, email: Option<&str>) -> Result<Message> {
        let subject = fill(&self.subject, values, "subject")?;
        let body = fill(&self.body, values, "body")?;
        let mailto = email.map(|address| mailto(address, &subject, &body));
        Ok(Message {
            subject,
            body,
            mailto,
        })
    }
}

fn fill(text: &str, values: &MessageValues, part: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;

    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(Error::invalid(format!(
                "the template's {part} opens a placeholder with `{{{{` and never closes it"
            )));
        };
        let name = after[..end].trim();
        match values.get(name) {
            Some(value) => out.push_str(value),
            None => {
                return Err(Error::invalid(format!(
                "the template's {part} uses the unknown placeholder `{name}`; expected one of {}",
                PLACEHOLDERS.join(", ")
            )))
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Builds a `mailto:` URI (RFC 6068): line breaks become CRLF, and every
/// byte but unreserved characters is percent-encoded.
pub fn mailto(address: &str, subject: &str, body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        percent_encode(address, true),
        percent_encode(subject, false),
        percent_encode(&body, false)
    )
}

fn percent_encode(text: &str, address: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (address && byte == b'@');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_placeholders_are_refused() {
        let error = fill("Bonjour {{surname", &MessageValues::default(), "body");

        assert!(error.is_err());
    }

    #[test]
    fn every_placeholder_is_filled() {
        let values = MessageValues {
            civility: "a".into(),
            first_name: "b".into(),
            surname: "c".into(),
            list: "d".into(),
            constituency: "e".into(),
            region: "f".into(),
            role: "g".into(),
        };
        let text: String = PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{{ {p} }}}}"))
            .collect();

        assert_eq!(
            fill(&text, &values, "body").ok().as_deref(),
            Some("abcdefg")
        );
    }

    #[test]
    fn mailto_encodes_reserved_characters() {
        let uri = mailto("a+b@example.org", "x?y&z=1", "é\n#");

        assert_eq!(
            uri,
            "mailto:a%2Bb@example.org?subject=x%3Fy%26z%3D1&body=%C3%A9%0D%0A%23"
        );
    }
}
