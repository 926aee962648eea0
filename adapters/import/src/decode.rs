//! Text encodings of candidate files.

use std::fmt;

use encoding_rs::WINDOWS_1252;

/// The text encoding of a candidate file.
///
/// Official files come in UTF-8 (with or without a byte order mark),
/// Windows-1252 or ISO-8859-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 when the text is valid UTF-8, Windows-1252 otherwise. The
    /// first line with a byte above 127 decides for the whole file: a
    /// later line that does not fit is an error. A byte order mark means
    /// UTF-8.
    Auto,
    /// UTF-8; a byte sequence that is not UTF-8 is an error.
    Utf8,
    /// Windows-1252 (every byte is a character).
    Windows1252,
    /// ISO-8859-1 (every byte is the character of the same number).
    Latin1,
}

impl TextEncoding {
    /// The encoding's name in a layout file: `auto`, `utf-8`,
    /// `windows-1252`, `iso-8859-1`.
    pub const fn name(self) -> &'static str {
        match self {
            TextEncoding::Auto => "auto",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Latin1 => "iso-8859-1",
        }
    }

    /// Reads an encoding's name, without case: the names of
    /// [`TextEncoding::name`], and `utf8`, `cp1252`, `latin1`,
    /// `iso-8859-15`... through the WHATWG labels, when they name one of
    /// the three encodings.
    pub fn from_label(label: &str) -> Option<TextEncoding> {
        let label = label.trim().to_ascii_lowercase();
        match label.as_str() {
            "auto" => return Some(TextEncoding::Auto),
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" => {
                return Some(TextEncoding::Latin1)
            }
            _ => {}
        }
        match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) if encoding == encoding_rs::UTF_8 => Some(TextEncoding::Utf8),
            Some(encoding) if encoding == WINDOWS_1252 => Some(TextEncoding::Windows1252),
            _ => None,
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decodes fields, deciding the encoding of an `Auto` file on the way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decoder {
    /// What the layout or the caller asked for.
    pub(crate) asked: TextEncoding,
    /// What the file turned out to be: `Auto` until a byte above 127.
    pub(crate) found: TextEncoding,
}

impl Decoder {
    pub(crate) fn new(asked: TextEncoding) -> Decoder {
        Decoder {
            asked,
            found: asked,
        }
    }

    /// A byte order mark was found: the file is UTF-8.
    pub(crate) fn saw_bom(&mut self) {
        if self.found == TextEncoding::Auto {
            self.found = TextEncoding::Utf8;
        }
    }

    /// Decodes one field, or says what was expected.
    pub(crate) fn decode(&mut self, bytes: &[u8]) -> Result<String, String> {
        if bytes.is_ascii() {
            return Ok(ascii(bytes));
        }
        if self.found == TextEncoding::Auto {
            self.found = if std::str::from_utf8(bytes).is_ok() {
                TextEncoding::Utf8
            } else {
                TextEncoding::Windows1252
            };
        }
        match self.found {
            TextEncoding::Auto | TextEncoding::Utf8 => match std::str::from_utf8(bytes) {
                Ok(text) => Ok(text.to_string()),
                Err(error) => {
                    let byte = bytes[error.valid_up_to()];
                    let why = if self.asked == TextEncoding::Auto {
                        "like the lines before"
                    } else {
                        "as the layout says"
                    };
                    Err(format!(
                        "expected UTF-8 text {why}, found the byte 0x{byte:02X} after `{}` \
                         (give the file's encoding, such as windows-1252)",
                        String::from_utf8_lossy(&bytes[..error.valid_up_to()])
                    ))
                }
            },
            TextEncoding::Windows1252 => {
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
                Ok(text.into_owned())
            }
            TextEncoding::Latin1 => Ok(encoding_rs::mem::decode_latin1(bytes).into_owned()),
        }
    }

    /// Decodes a field whatever it holds, for a rejects file: a field that
    /// is not UTF-8 in a UTF-8 file is most likely Windows-1252.
    pub(crate) fn lossy(&self, bytes: &[u8]) -> String {
        match (self.found, std::str::from_utf8(bytes)) {
            (TextEncoding::Latin1, _) => encoding_rs::mem::decode_latin1(bytes).into_owned(),
            (TextEncoding::Auto | TextEncoding::Utf8, Ok(text)) => text.to_string(),
            _ => WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    }
}

fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(TextEncoding::from_label("UTF8"), Some(TextEncoding::Utf8));
        assert_eq!(
            TextEncoding::from_label("cp1252"),
            Some(TextEncoding::Windows1252)
        );
        assert_eq!(
            TextEncoding::from_label("ISO-8859-1"),
            Some(TextEncoding::Latin1)
        );
        assert_eq!(TextEncoding::from_label("auto"), Some(TextEncoding::Auto));
        assert_eq!(TextEncoding::from_label("shift_jis"), None);
    }

    #[test]
    fn auto_decides_on_the_first_byte_above_127() {
        let mut decoder = Decoder::new(TextEncoding::Auto);
        assert_eq!(decoder.decode(b"ABC").as_deref(), Ok("ABC"));
        assert_eq!(decoder.found, TextEncoding::Auto);
        assert_eq!(decoder.decode(b"MA\xC3\x8ETRE").as_deref(), Ok("MAÎTRE"));
        assert_eq!(decoder.found, TextEncoding::Utf8);
        let error = decoder.decode(b"MA\xCETRE").err().unwrap_or_default();
        assert!(error.contains("found the byte 0xCE after `MA`"), "{error}");

        let mut decoder = Decoder::new(TextEncoding::Auto);
        assert_eq!(decoder.decode(b"MA\xCETRE").as_deref(), Ok("MAÎTRE"));
        assert_eq!(decoder.decode(b"\x80").as_deref(), Ok("€"));
        assert_eq!(decoder.found, TextEncoding::Windows1252);
    }

    #[test]
    fn latin1_is_not_windows_1252() {
        let mut decoder = Decoder::new(TextEncoding::Latin1);
        assert_eq!(decoder.decode(b"\xE9\x80").as_deref(), Ok("é\u{80}"));
    }
}
