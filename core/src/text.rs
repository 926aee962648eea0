//! Validated text values.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A short piece of text that names something: a person's surname, a list's
/// label, a constituency's name.
///
/// A name is not empty, holds no control character (no NUL, tab or line
/// break) and is at most [`Name::MAX_LEN`] bytes long. Anything else is kept
/// exactly as given: accents, apostrophes, quotes, right-to-left marks.
///
/// ```
/// use candidats_core::Name;
///
/// let name = Name::new("D'ALMEIDA")?;
/// assert_eq!(name.as_str(), "D'ALMEIDA");
/// assert!(Name::new("").is_err());
/// assert!(Name::new("LE\u{0}GALL").is_err());
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// The longest name accepted, in bytes.
    pub const MAX_LEN: usize = 1000;

    /// Checks and wraps a name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is empty or only spaces, holds a
    /// control character, or is longer than [`Name::MAX_LEN`] bytes.
    pub fn new(text: impl Into<String>) -> Result<Name> {
        let text = text.into();
        if text.trim().is_empty() {
            return Err(Error::invalid("expected a name, found an empty value"));
        }
        if text.len() > Name::MAX_LEN {
            return Err(Error::invalid(format!(
                "expected a name of at most {} bytes, found {} bytes",
                Name::MAX_LEN,
                text.len()
            )));
        }
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(Error::invalid(format!(
                "expected a name without control characters, found U+{:04X}",
                c as u32
            )));
        }
        Ok(Name(text))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = Error;

    fn try_from(text: String) -> Result<Name> {
        Name::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Checks free text (a note, an evidence, a template body): anything but NUL,
/// up to `max` bytes.
pub(crate) fn check_free_text(what: &str, text: &str, max: usize) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "expected {what} without NUL characters"
        )));
    }
    if text.len() > max {
        return Err(Error::invalid(format!(
            "expected {what} of at most {max} bytes, found {} bytes",
            text.len()
        )));
    }
    Ok(())
}

/// The longest free text accepted (notes, sources, evidence, template
/// bodies), in bytes.
pub const MAX_TEXT_LEN: usize = 100_000;
