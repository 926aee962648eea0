//! Layouts: how the columns of a candidate file map to an
//! [`ImportRow`](candidats_core::ImportRow).
//!
//! A layout is a small text file. Lines starting with `#` are comments;
//! blank lines are ignored; every other line is a `[section]` heading or a
//! `key = value` pair (the value is trimmed and taken verbatim, so it may
//! hold `#`, `;` or `=`).
//!
//! ```text
//! [layout]
//! name = legislatives-2024          # a short identifier
//! title = Législatives 2024         # optional, for people
//! election = Législatives 2024      # optional: the default election name
//! kind = legislatives               # regionales, municipales, legislatives,
//!                                   # departementales, europeennes, other
//! shape = single                    # lists, lists-with-sections, single, pairs
//! separator = ;                     # ; , | or the word tab
//! quote = none                      # none or "   (default ")
//! encoding = auto                   # auto, utf-8, windows-1252, iso-8859-1
//! skip = 0                          # lines before the header (default 0)
//! header = yes                      # no: columns are given by position
//! date-format = dd/mm/yyyy          # dd, mm and yyyy, any separators
//! yes = OUI                         # flag values meaning yes, comma separated (default OUI)
//! no = NON                          # flag values meaning no (default NON; empty is no too)
//!
//! [area]                            # one per level, from the top down
//! kind = departement                # a constituency kind
//! code = Code département           # the column of the code
//! code-format = departement         # how to normalise the code (below)
//! name = Département                # optional: the column of the name
//!
//! [section]                         # lists-with-sections only: same keys as [area]
//! [list]                            # lists: label, order (required), panel,
//!                                   # short-label, nuance, nuance-label, head,
//!                                   # community-council
//! [seat]                            # single and pairs: panel (required), nuance,
//!                                   # nuance-label, pair-index (pairs: required)
//! [candidate]                       # surname (required), first-name, sex,
//!                                   # birth-date, profession, nationality, outgoing
//! [substitute]                      # single and pairs, optional: same keys
//! ```
//!
//! (Comments after a value are not allowed: the example above shows them
//! only to explain the keys.)
//!
//! A column is named by its header (compared without case and surrounding
//! spaces), or given by its position from 1 as `@3`. Code formats:
//!
//! | format | effect |
//! |---|---|
//! | `as-is` | trimmed and upper-cased |
//! | `departement` | `1` → `01`, `2a` → `2A`, `971`, `ZZ`, `69D` and `67-68` kept |
//! | `zero-padded N` | a number padded to N digits (`4` → `004`); other codes kept |
//! | `parent + zero-padded N` | the enclosing area's code, then the code padded to N digits |
//! | `parent + last N` | the enclosing area's code, then the code's last N characters |
//!
//! Flags (`head`, `outgoing`, `community-council`) are true for a `yes`
//! value and false for an empty or `no` value, compared without case;
//! anything else is an error.

use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use candidats_core::{ConstituencyKind, ElectionKind, Error, Location, Result};

use crate::decode::TextEncoding;

/// The built-in layouts' files, in the order they are tried.
const BUILTIN_FILES: [(&str, &str); 4] = [
    (
        "legislatives-2024.layout",
        include_str!("../layouts/legislatives-2024.layout"),
    ),
    (
        "municipales-2026.layout",
        include_str!("../layouts/municipales-2026.layout"),
    ),
    (
        "municipales-2020.layout",
        include_str!("../layouts/municipales-2020.layout"),
    ),
    (
        "regionales-2021.layout",
        include_str!("../layouts/regionales-2021.layout"),
    ),
];

/// How the candidates of an election stand, which decides the sections a
/// layout needs and the seat each line gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shape {
    /// Ordered lists without sections (municipales, européennes).
    Lists,
    /// Ordered lists in sections (régionales).
    ListsWithSections,
    /// One candidate per seat, with a substitute (législatives).
    Single,
    /// Pairs of candidates, each with a substitute (départementales).
    Pairs,
}

impl Shape {
    /// The shape's name in a layout file.
    pub const fn name(self) -> &'static str {
        match self {
            Shape::Lists => "lists",
            Shape::ListsWithSections => "lists-with-sections",
            Shape::Single => "single",
            Shape::Pairs => "pairs",
        }
    }

    fn from_name(name: &str) -> Option<Shape> {
        [
            Shape::Lists,
            Shape::ListsWithSections,
            Shape::Single,
            Shape::Pairs,
        ]
        .into_iter()
        .find(|shape| shape.name() == name)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a layout finds a value on a line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnRef {
    /// The column with this header.
    Named(String),
    /// The column at this position, from 1.
    Position(usize),
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Named(name) => write!(f, "`{name}`"),
            ColumnRef::Position(position) => write!(f, "at position {position}"),
        }
    }
}

/// How an area's code is normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CodeFormat {
    AsIs,
    Departement,
    ZeroPadded(usize),
    ParentZeroPadded(usize),
    ParentLast(usize),
}

impl CodeFormat {
    fn parse(text: &str) -> Option<CodeFormat> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let number = |word: &str| word.parse::<usize>().ok().filter(|n| (1..=12).contains(n));
        match words.as_slice() {
            ["as-is"] => Some(CodeFormat::AsIs),
            ["departement"] => Some(CodeFormat::Departement),
            ["zero-padded", n] => number(n).map(CodeFormat::ZeroPadded),
            ["parent", "+", "zero-padded", n] => number(n).map(CodeFormat::ParentZeroPadded),
            ["parent", "+", "last", n] => number(n).map(CodeFormat::ParentLast),
            _ => None,
        }
    }

    fn needs_parent(self) -> bool {
        matches!(
            self,
            CodeFormat::ParentZeroPadded(_) | CodeFormat::ParentLast(_)
        )
    }

    /// The normalised code, or what was expected.
    pub(crate) fn apply(self, raw: &str, parent: &str) -> std::result::Result<String, String> {
        let code = raw.trim().to_uppercase();
        match self {
            CodeFormat::AsIs => Ok(code),
            CodeFormat::Departement => Ok(departement(&code)),
            CodeFormat::ZeroPadded(width) => Ok(zero_padded(&code, width)),
            CodeFormat::ParentZeroPadded(width) => {
                Ok(format!("{parent}{}", zero_padded(&code, width)))
            }
            CodeFormat::ParentLast(width) => {
                let chars: Vec<char> = code.chars().collect();
                if chars.len() >= width {
                    let last: String = chars[chars.len() - width..].iter().collect();
                    Ok(format!("{parent}{last}"))
                } else if is_number(&code) {
                    Ok(format!("{parent}{}", zero_padded(&code, width)))
                } else {
                    Err(format!(
                        "expected a code ending in {width} characters, found `{}`",
                        raw.trim()
                    ))
                }
            }
        }
    }
}

fn is_number(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
}

/// A number written on `width` digits; leading zeros beyond it are dropped.
fn zero_padded(code: &str, width: usize) -> String {
    if !is_number(code) {
        return code.to_string();
    }
    let digits = code.trim_start_matches('0');
    format!("{digits:0>width$}")
}

/// A département's code: `1` → `01`, `02A` → `2A`; others kept.
fn departement(code: &str) -> String {
    if is_number(code) {
        let digits = code.trim_start_matches('0');
        return if digits.len() <= 2 {
            format!("{digits:0>2}")
        } else {
            digits.to_string()
        };
    }
    match code {
        "02A" => "2A".to_string(),
        "02B" => "2B".to_string(),
        other => other.to_string(),
    }
}

/// The columns of one constituency level, or of a list's section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AreaColumns {
    pub(crate) kind: ConstituencyKind,
    pub(crate) code: ColumnRef,
    pub(crate) name: Option<ColumnRef>,
    pub(crate) format: CodeFormat,
}

/// The columns of a list seat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListColumns {
    pub(crate) label: ColumnRef,
    pub(crate) order: ColumnRef,
    pub(crate) panel: Option<ColumnRef>,
    pub(crate) short_label: Option<ColumnRef>,
    pub(crate) nuance: Option<ColumnRef>,
    pub(crate) nuance_label: Option<ColumnRef>,
    pub(crate) head: Option<ColumnRef>,
    pub(crate) community_council: Option<ColumnRef>,
}

/// The columns of a single seat or a pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SeatColumns {
    pub(crate) panel: ColumnRef,
    pub(crate) nuance: Option<ColumnRef>,
    pub(crate) nuance_label: Option<ColumnRef>,
    pub(crate) pair_index: Option<ColumnRef>,
}

/// The columns of a candidate or a substitute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PersonColumns {
    pub(crate) surname: ColumnRef,
    pub(crate) first_name: Option<ColumnRef>,
    pub(crate) sex: Option<ColumnRef>,
    pub(crate) birth_date: Option<ColumnRef>,
    pub(crate) profession: Option<ColumnRef>,
    pub(crate) nationality: Option<ColumnRef>,
    pub(crate) outgoing: Option<ColumnRef>,
}

/// What the seat columns of a layout are, by shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SeatLayout {
    List {
        list: ListColumns,
        section: Option<AreaColumns>,
    },
    Panel {
        seat: SeatColumns,
        substitute: Option<PersonColumns>,
    },
}

/// A date format such as `dd/mm/yyyy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DateFormat {
    /// As the layout writes it, for messages.
    pub(crate) pattern: String,
    /// As `chrono` reads it.
    pub(crate) chrono: String,
}

impl DateFormat {
    fn parse(pattern: &str) -> Option<DateFormat> {
        let mut chrono = String::new();
        let mut rest = pattern;
        let (mut day, mut month, mut year) = (0, 0, 0);
        while !rest.is_empty() {
            if let Some(tail) = rest.strip_prefix("yyyy") {
                chrono.push_str("%Y");
                year += 1;
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix("dd") {
                chrono.push_str("%d");
                day += 1;
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix("mm") {
                chrono.push_str("%m");
                month += 1;
                rest = tail;
            } else {
                let c = rest.chars().next()?;
                if c.is_alphanumeric() {
                    return None;
                }
                if c == '%' {
                    chrono.push('%');
                }
                chrono.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        (day == 1 && month == 1 && year == 1).then(|| DateFormat {
            pattern: pattern.to_string(),
            chrono,
        })
    }
}

/// How to read one kind of candidate file: its separator, encoding and
/// header, which column gives which value, and the election's shape.
///
/// Layouts are written in a small text format (see the [module
/// docs](crate::layout)); the built-in ones are files of that format, shipped
/// in the crate's `layouts/` folder.
///
/// ```
/// use candidats_import::{Layout, Shape};
///
/// let layout = Layout::parse(
///     "[layout]\n\
///      name = mes-listes\n\
///      kind = municipales\n\
///      shape = lists\n\
///      separator = ;\n\
///      [area]\n\
///      kind = commune\n\
///      code = insee\n\
///      code-format = zero-padded 5\n\
///      name = commune\n\
///      [list]\n\
///      label = liste\n\
///      order = rang\n\
///      [candidate]\n\
///      surname = nom\n\
///      first-name = prénom\n",
///     "mes-listes.layout",
/// )?;
/// assert_eq!(layout.shape(), Shape::Lists);
/// assert_eq!(layout.election(), None);
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) election: Option<String>,
    pub(crate) kind: ElectionKind,
    pub(crate) shape: Shape,
    pub(crate) separator: u8,
    pub(crate) quote: Option<u8>,
    pub(crate) encoding: TextEncoding,
    pub(crate) skip: usize,
    pub(crate) header: bool,
    pub(crate) date_format: Option<DateFormat>,
    pub(crate) yes: Vec<String>,
    pub(crate) no: Vec<String>,
    pub(crate) areas: Vec<AreaColumns>,
    pub(crate) seat: SeatLayout,
    pub(crate) candidate: PersonColumns,
}

impl Layout {
    /// Reads a layout from its text; `source` names it in errors.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming `source` and the line: a line that is
    /// neither a heading nor `key = value`, an unknown section or key, a key
    /// given twice, a missing required key or section, a bad value (an
    /// unknown kind, shape, encoding, code format or date format, a
    /// separator of more than one character), or sections that do not fit
    /// the shape (`[section]` without `lists-with-sections`, `[seat]` with
    /// lists...).
    pub fn parse(text: &str, source: &str) -> Result<Layout> {
        let sections = split_sections(text, source)?;
        LayoutBuilder { source, sections }.build()
    }

    /// Reads a layout file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read; otherwise as
    /// [`Layout::parse`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Layout> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::io("read", path.display(), source))?;
        Layout::parse(&text, &path.display().to_string())
    }

    /// The built-in layouts, in the order they are tried on a file's header:
    /// législatives 2024, municipales 2026, municipales 2020, régionales
    /// 2021.
    pub fn builtin() -> &'static [Layout] {
        static BUILTIN: OnceLock<Vec<Layout>> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            BUILTIN_FILES
                .iter()
                .filter_map(|(file, text)| Layout::parse(text, file).ok())
                .collect()
        })
    }

    /// The built-in layout with this name (`legislatives-2024`,
    /// `municipales-2026`, `municipales-2020`, `regionales-2021`).
    pub fn builtin_named(name: &str) -> Option<&'static Layout> {
        Layout::builtin().iter().find(|layout| layout.name == name)
    }

    /// The layout's short identifier.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The layout's title, for people; its name when it has none.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    /// The default election name of files in this layout.
    pub fn election(&self) -> Option<&str> {
        self.election.as_deref()
    }

    /// The kind of election.
    pub fn kind(&self) -> ElectionKind {
        self.kind
    }

    /// How candidates stand.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The text encoding the layout declares.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The same layout, reading text in another encoding.
    pub fn with_encoding(mut self, encoding: TextEncoding) -> Layout {
        self.encoding = encoding;
        self
    }

    /// The field separator, as a byte.
    pub fn separator(&self) -> u8 {
        self.separator
    }

    /// Every column the layout reads, with the key naming it
    /// (`candidate.surname`, `area 2.code`...), in layout order.
    pub fn columns(&self) -> Vec<(String, &ColumnRef)> {
        let mut columns = Vec::new();
        for (index, area) in self.areas.iter().enumerate() {
            let label = format!("area {}", index + 1);
            area_columns(&mut columns, &label, area);
        }
        match &self.seat {
            SeatLayout::List { list, section } => {
                if let Some(section) = section {
                    area_columns(&mut columns, "section", section);
                }
                columns.push(("list.label".into(), &list.label));
                columns.push(("list.order".into(), &list.order));
                let optional = [
                    ("list.panel", &list.panel),
                    ("list.short-label", &list.short_label),
                    ("list.nuance", &list.nuance),
                    ("list.nuance-label", &list.nuance_label),
                    ("list.head", &list.head),
                    ("list.community-council", &list.community_council),
                ];
                push_optional(&mut columns, &optional);
            }
            SeatLayout::Panel { seat, .. } => {
                columns.push(("seat.panel".into(), &seat.panel));
                let optional = [
                    ("seat.nuance", &seat.nuance),
                    ("seat.nuance-label", &seat.nuance_label),
                    ("seat.pair-index", &seat.pair_index),
                ];
                push_optional(&mut columns, &optional);
            }
        }
        person_columns(&mut columns, "candidate", &self.candidate);
        if let SeatLayout::Panel {
            substitute: Some(substitute),
            ..
        } = &self.seat
        {
            person_columns(&mut columns, "substitute", substitute);
        }
        columns
    }
}

fn substitute_of(seat: &SeatLayout) -> Option<&PersonColumns> {
    match seat {
        SeatLayout::Panel { substitute, .. } => substitute.as_ref(),
        SeatLayout::List { .. } => None,
    }
}

fn area_columns<'a>(out: &mut Vec<(String, &'a ColumnRef)>, label: &str, area: &'a AreaColumns) {
    out.push((format!("{label}.code"), &area.code));
    if let Some(name) = &area.name {
        out.push((format!("{label}.name"), name));
    }
}

fn push_optional<'a>(
    out: &mut Vec<(String, &'a ColumnRef)>,
    optional: &[(&str, &'a Option<ColumnRef>)],
) {
    for (key, column) in optional {
        if let Some(column) = column {
            out.push((key.to_string(), column));
        }
    }
}

fn person_columns<'a>(out: &mut Vec<(String, &'a ColumnRef)>, label: &str, p: &'a PersonColumns) {
    out.push((format!("{label}.surname"), &p.surname));
    let optional = [
        ("first-name", &p.first_name),
        ("sex", &p.sex),
        ("birth-date", &p.birth_date),
        ("profession", &p.profession),
        ("nationality", &p.nationality),
        ("outgoing", &p.outgoing),
    ];
    for (key, column) in optional {
        if let Some(column) = column {
            out.push((format!("{label}.{key}"), column));
        }
    }
}

/// One `[section]` of a layout file and its `key = value` lines.
struct RawSection {
    name: String,
    line: u64,
    entries: Vec<Entry>,
}

struct Entry {
    key: String,
    value: String,
    line: u64,
    used: bool,
}

fn split_sections(text: &str, source: &str) -> Result<Vec<RawSection>> {
    let mut sections: Vec<RawSection> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index as u64 + 1;
        let at = || Location::file(source).line(line);
        let trimmed = raw.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }

        if let Some(name) = trimmed.strip_prefix('[') {
            let Some(name) = name.strip_suffix(']') else {
                return Err(Error::invalid_at(
                    at(),
                    format!("expected a heading such as `[layout]`, found `{trimmed}`"),
                ));
            };
            sections.push(RawSection {
                name: name.trim().to_string(),
                line,
                entries: Vec::new(),
            });
            continue;
        }

        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(Error::invalid_at(
                at(),
                format!("expected `key = value` or a `[section]` heading, found `{trimmed}`"),
            ));
        };
        let Some(section) = sections.last_mut() else {
            return Err(Error::invalid_at(
                at(),
                format!("expected the `[layout]` heading before `{}`", key.trim()),
            ));
        };
        let key = key.trim().to_string();
        if let Some(first) = section.entries.iter().find(|e| e.key == key) {
            return Err(Error::invalid_at(
                at(),
                format!(
                    "`{key}` is given twice in [{}] (first on line {})",
                    section.name, first.line
                ),
            ));
        }
        section.entries.push(Entry {
            key,
            value: value.trim().to_string(),
            line,
            used: false,
        });
    }
    Ok(sections)
}

struct LayoutBuilder<'s> {
    source: &'s str,
    sections: Vec<RawSection>,
}

/// Reads the keys of one section, then refuses the keys left unread.
struct Keys<'a> {
    source: &'a str,
    section: &'a mut RawSection,
}

impl Keys<'_> {
    fn at(&self, line: u64) -> Location {
        Location::file(self.source).line(line)
    }

    fn optional(&mut self, key: &str) -> Option<(String, u64)> {
        let entry = self.section.entries.iter_mut().find(|e| e.key == key)?;
        entry.used = true;
        Some((entry.value.clone(), entry.line))
    }

    fn required(&mut self, key: &str) -> Result<(String, u64)> {
        match self.optional(key) {
            Some((value, line)) if !value.is_empty() => Ok((value, line)),
            Some((_, line)) => Err(Error::invalid_at(
                self.at(line),
                format!("expected a value for `{key}`, found none"),
            )),
            None => Err(Error::invalid_at(
                self.at(self.section.line),
                format!("expected `{key} = ...` in [{}]", self.section.name),
            )),
        }
    }

    fn column(&mut self, key: &str) -> Result<ColumnRef> {
        let (value, line) = self.required(key)?;
        self.column_ref(&value, line)
    }

    fn optional_column(&mut self, key: &str) -> Result<Option<ColumnRef>> {
        match self.optional(key) {
            None => Ok(None),
            Some((value, line)) if value.is_empty() => Err(Error::invalid_at(
                self.at(line),
                format!("expected a column for `{key}`, found none"),
            )),
            Some((value, line)) => self.column_ref(&value, line).map(Some),
        }
    }

    fn column_ref(&self, value: &str, line: u64) -> Result<ColumnRef> {
        match value.strip_prefix('@') {
            Some(position) => match position.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Ok(ColumnRef::Position(n)),
                _ => Err(Error::invalid_at(
                    self.at(line),
                    format!("expected a column position from 1 such as `@3`, found `{value}`"),
                )),
            },
            None => Ok(ColumnRef::Named(value.to_string())),
        }
    }

    fn finish(self) -> Result<()> {
        match self.section.entries.iter().find(|e| !e.used) {
            Some(entry) => Err(Error::invalid_at(
                self.at(entry.line),
                format!("unknown key `{}` in [{}]", entry.key, self.section.name),
            )),
            None => Ok(()),
        }
    }
}

impl LayoutBuilder<'_> {
    fn build(mut self) -> Result<Layout> {
        let known = [
            "layout",
            "area",
            "section",
            "list",
            "seat",
            "candidate",
            "substitute",
        ];
        for section in &self.sections {
            if !known.contains(&section.name.as_str()) {
                return Err(self.error(
                    section.line,
                    format!(
                        "unknown section [{}]: expected [layout], [area], [section], [list], \
                         [seat], [candidate] or [substitute]",
                        section.name
                    ),
                ));
            }
            let repeats = section.name != "area"
                && self
                    .sections
                    .iter()
                    .filter(|s| s.name == section.name)
                    .count()
                    > 1;
            if repeats {
                let first = self
                    .sections
                    .iter()
                    .find(|s| s.name == section.name)
                    .map_or(section.line, |s| s.line);
                if first != section.line {
                    return Err(self.error(
                        section.line,
                        format!("[{}] is given twice (first on line {first})", section.name),
                    ));
                }
            }
        }

        let mut layout = self.layout_section()?;
        let shape = layout.shape;
        let areas = self.areas()?;
        let candidate = self
            .person("candidate")?
            .ok_or_else(|| self.error(1, "expected a [candidate] section"))?;
        let seat = match shape {
            Shape::Lists | Shape::ListsWithSections => {
                self.refuse("seat", shape)?;
                self.refuse("substitute", shape)?;
                let list = self.list()?;
                let section = self.area_section("section")?;
                match (shape, &section) {
                    (Shape::ListsWithSections, None) => {
                        return Err(
                            self.error(1, "expected a [section] for the shape lists-with-sections")
                        )
                    }
                    (Shape::Lists, Some(_)) => self.refuse("section", shape)?,
                    _ => {}
                }
                SeatLayout::List { list, section }
            }
            Shape::Single | Shape::Pairs => {
                self.refuse("list", shape)?;
                self.refuse("section", shape)?;
                let seat = self.seat(shape)?;
                let substitute = self.person("substitute")?;
                SeatLayout::Panel { seat, substitute }
            }
        };

        let dated = [Some(&candidate), substitute_of(&seat)]
            .into_iter()
            .flatten()
            .any(|p| p.birth_date.is_some());
        if dated && layout.date_format.is_none() {
            let line = self
                .section_index("layout")
                .map_or(1, |i| self.sections[i].line);
            return Err(self.error(
                line,
                "expected `date-format = ...` (such as dd/mm/yyyy) for the birth-date columns",
            ));
        }

        let positional = !layout.header;
        layout.areas = areas;
        layout.seat = seat;
        layout.candidate = candidate;
        if positional {
            if let Some((key, column)) = layout
                .columns()
                .into_iter()
                .find(|(_, column)| matches!(column, ColumnRef::Named(_)))
            {
                let name = column.to_string();
                return Err(self.error(
                    1,
                    format!(
                        "`{key}` names the column {name}, but the layout has `header = no`: \
                         give its position such as `@3`"
                    ),
                ));
            }
        }
        Ok(layout)
    }

    fn error(&self, line: u64, message: impl Into<String>) -> Error {
        Error::invalid_at(Location::file(self.source).line(line), message)
    }

    fn section_index(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.name == name)
    }

    fn keys(&mut self, index: usize) -> Keys<'_> {
        Keys {
            source: self.source,
            section: &mut self.sections[index],
        }
    }

    fn refuse(&self, name: &str, shape: Shape) -> Result<()> {
        match self.sections.iter().find(|s| s.name == name) {
            Some(section) => Err(self.error(
                section.line,
                format!("[{name}] does not fit the shape {shape}"),
            )),
            None => Ok(()),
        }
    }

    fn layout_section(&mut self) -> Result<Layout> {
        let Some(index) = self.section_index("layout") else {
            return Err(self.error(1, "expected a [layout] section"));
        };
        let mut keys = self.keys(index);

        let (name, _) = keys.required("name")?;
        let title = keys
            .optional("title")
            .map(|(v, _)| v)
            .filter(|v| !v.is_empty());
        let election = keys
            .optional("election")
            .map(|(v, _)| v)
            .filter(|v| !v.is_empty());
        let (kind, line) = keys.required("kind")?;
        let kind = ElectionKind::from_name(&kind).map_err(|e| e.at(&keys.at(line)))?;
        let (shape_name, line) = keys.required("shape")?;
        let shape = Shape::from_name(&shape_name).ok_or_else(|| {
            Error::invalid_at(
                keys.at(line),
                format!(
                    "expected a shape (lists, lists-with-sections, single, pairs), \
                     found `{shape_name}`"
                ),
            )
        })?;

        let (separator, line) = keys.required("separator")?;
        let separator = match separator.as_str() {
            "tab" | "\\t" => b'\t',
            s if s.len() == 1 && s != "\"" => s.as_bytes()[0],
            other => {
                return Err(Error::invalid_at(
                    keys.at(line),
                    format!("expected a separator of one character, or `tab`, found `{other}`"),
                ))
            }
        };
        let quote = match keys.optional("quote") {
            None => Some(b'"'),
            Some((value, line)) => match value.as_str() {
                "none" => None,
                s if s.len() == 1 && s.as_bytes()[0] != separator => Some(s.as_bytes()[0]),
                other => {
                    return Err(Error::invalid_at(
                        keys.at(line),
                        format!("expected a quote character or `none`, found `{other}`"),
                    ))
                }
            },
        };
        let encoding = match keys.optional("encoding") {
            None => TextEncoding::Auto,
            Some((value, line)) => TextEncoding::from_label(&value).ok_or_else(|| {
                Error::invalid_at(
                    keys.at(line),
                    format!(
                        "expected an encoding (auto, utf-8, windows-1252, iso-8859-1), \
                         found `{value}`"
                    ),
                )
            })?,
        };
        let skip = match keys.optional("skip") {
            None => 0,
            Some((value, line)) => value
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 16)
                .ok_or_else(|| {
                    Error::invalid_at(
                        keys.at(line),
                        format!("expected a number of lines from 0 to 16, found `{value}`"),
                    )
                })?,
        };
        let header = match keys.optional("header") {
            None => true,
            Some((value, line)) => match value.as_str() {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(Error::invalid_at(
                        keys.at(line),
                        format!("expected `yes` or `no`, found `{other}`"),
                    ))
                }
            },
        };
        let date_format = match keys.optional("date-format") {
            None => None,
            Some((value, line)) => Some(DateFormat::parse(&value).ok_or_else(|| {
                Error::invalid_at(
                    keys.at(line),
                    format!(
                        "expected a date format made of dd, mm and yyyy such as `dd/mm/yyyy`, \
                         found `{value}`"
                    ),
                )
            })?),
        };
        let values = |v: Option<(String, u64)>| -> Vec<String> {
            v.map(|(value, _)| {
                value
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
        };
        let mut yes = values(keys.optional("yes"));
        if yes.is_empty() {
            yes.push("OUI".to_string());
        }
        let mut no = values(keys.optional("no"));
        if no.is_empty() {
            no.push("NON".to_string());
        }
        if let Some(both) = yes
            .iter()
            .find(|v| no.iter().any(|n| n.to_lowercase() == v.to_lowercase()))
        {
            let line = keys.section.line;
            return Err(Error::invalid_at(
                keys.at(line),
                format!("`{both}` is given both in `yes` and in `no`"),
            ));
        }
        keys.finish()?;

        Ok(Layout {
            name,
            title,
            election,
            kind,
            shape,
            separator,
            quote,
            encoding,
            skip,
            header,
            date_format,
            yes,
            no,
            areas: Vec::new(),
            seat: SeatLayout::List {
                list: ListColumns {
                    label: ColumnRef::Position(1),
                    order: ColumnRef::Position(1),
                    panel: None,
                    short_label: None,
                    nuance: None,
                    nuance_label: None,
                    head: None,
                    community_council: None,
                },
                section: None,
            },
            candidate: PersonColumns {
                surname: ColumnRef::Position(1),
                first_name: None,
                sex: None,
                birth_date: None,
                profession: None,
                nationality: None,
                outgoing: None,
            },
        })
    }

    fn areas(&mut self) -> Result<Vec<AreaColumns>> {
        let indexes: Vec<usize> = (0..self.sections.len())
            .filter(|i| self.sections[*i].name == "area")
            .collect();
        if indexes.is_empty() {
            return Err(self.error(1, "expected at least one [area] section"));
        }
        let mut areas = Vec::new();
        for (position, index) in indexes.into_iter().enumerate() {
            let area = self.area_at(index)?;
            if position == 0 && area.format.needs_parent() {
                let line = self.sections[index].line;
                return Err(self.error(
                    line,
                    "the first [area] has no enclosing area: its code-format cannot use `parent`",
                ));
            }
            areas.push(area);
        }
        Ok(areas)
    }

    fn area_section(&mut self, name: &str) -> Result<Option<AreaColumns>> {
        match self.section_index(name) {
            Some(index) => self.area_at(index).map(Some),
            None => Ok(None),
        }
    }

    fn area_at(&mut self, index: usize) -> Result<AreaColumns> {
        let mut keys = self.keys(index);
        let (kind, line) = keys.required("kind")?;
        let kind = ConstituencyKind::from_name(&kind).map_err(|e| e.at(&keys.at(line)))?;
        let code = keys.column("code")?;
        let name = keys.optional_column("name")?;
        let format = match keys.optional("code-format") {
            None => CodeFormat::AsIs,
            Some((value, line)) => CodeFormat::parse(&value).ok_or_else(|| {
                Error::invalid_at(
                    keys.at(line),
                    format!(
                        "expected a code format (as-is, departement, zero-padded N, \
                         parent + zero-padded N, parent + last N), found `{value}`"
                    ),
                )
            })?,
        };
        keys.finish()?;
        Ok(AreaColumns {
            kind,
            code,
            name,
            format,
        })
    }

    fn list(&mut self) -> Result<ListColumns> {
        let Some(index) = self.section_index("list") else {
            return Err(self.error(1, "expected a [list] section for a shape with lists"));
        };
        let mut keys = self.keys(index);
        let list = ListColumns {
            label: keys.column("label")?,
            order: keys.column("order")?,
            panel: keys.optional_column("panel")?,
            short_label: keys.optional_column("short-label")?,
            nuance: keys.optional_column("nuance")?,
            nuance_label: keys.optional_column("nuance-label")?,
            head: keys.optional_column("head")?,
            community_council: keys.optional_column("community-council")?,
        };
        keys.finish()?;
        Ok(list)
    }

    fn seat(&mut self, shape: Shape) -> Result<SeatColumns> {
        let Some(index) = self.section_index("seat") else {
            return Err(self.error(
                1,
                format!("expected a [seat] section for the shape {shape}"),
            ));
        };
        let mut keys = self.keys(index);
        let seat = SeatColumns {
            panel: keys.column("panel")?,
            nuance: keys.optional_column("nuance")?,
            nuance_label: keys.optional_column("nuance-label")?,
            pair_index: match shape {
                Shape::Pairs => Some(keys.column("pair-index")?),
                _ => None,
            },
        };
        keys.finish()?;
        Ok(seat)
    }

    fn person(&mut self, name: &str) -> Result<Option<PersonColumns>> {
        let Some(index) = self.section_index(name) else {
            return Ok(None);
        };
        let mut keys = self.keys(index);
        let person = PersonColumns {
            surname: keys.column("surname")?,
            first_name: keys.optional_column("first-name")?,
            sex: keys.optional_column("sex")?,
            birth_date: keys.optional_column("birth-date")?,
            profession: keys.optional_column("profession")?,
            nationality: keys.optional_column("nationality")?,
            outgoing: keys.optional_column("outgoing")?,
        };
        keys.finish()?;
        Ok(Some(person))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[layout]\nname = t\nkind = municipales\nshape = lists\n\
                           separator = ;\nyes = OUI\n[area]\nkind = commune\ncode = c\n\
                           [list]\nlabel = l\norder = o\n[candidate]\nsurname = s\n";

    fn error_line(text: &str) -> (Option<u64>, String) {
        match Layout::parse(text, "t.layout") {
            Ok(_) => (None, "parsed".to_string()),
            Err(e) => (e.location().and_then(|l| l.line), e.to_string()),
        }
    }

    #[test]
    fn the_builtin_layouts_parse() {
        for (file, text) in BUILTIN_FILES {
            let layout = Layout::parse(text, file);
            assert!(layout.is_ok(), "{file}: {:?}", layout.err());
        }
        assert_eq!(Layout::builtin().len(), BUILTIN_FILES.len());
        let names: Vec<&str> = Layout::builtin().iter().map(Layout::name).collect();
        assert_eq!(
            names,
            [
                "legislatives-2024",
                "municipales-2026",
                "municipales-2020",
                "regionales-2021"
            ]
        );
    }

    #[test]
    fn a_minimal_layout_parses() {
        let layout = Layout::parse(MINIMAL, "t.layout").map_err(|e| e.to_string());
        let layout = layout.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(layout.separator(), b';');
        assert_eq!(layout.quote, Some(b'"'));
        assert_eq!(layout.encoding(), TextEncoding::Auto);
        assert_eq!(layout.columns().len(), 4);
    }

    #[test]
    fn errors_name_the_line() {
        let unknown_key = MINIMAL.replace("order = o\n", "order = o\nrank = r\n");
        assert_eq!(error_line(&unknown_key).0, Some(13));
        assert!(error_line(&unknown_key)
            .1
            .contains("unknown key `rank` in [list]"));

        let twice = MINIMAL.replace("name = t\n", "name = t\nname = u\n");
        let (line, message) = error_line(&twice);
        assert_eq!(line, Some(3));
        assert!(message.contains("first on line 2"), "{message}");

        let bad_kind = MINIMAL.replace("kind = municipales", "kind = cantonales");
        let (line, message) = error_line(&bad_kind);
        assert_eq!(line, Some(3));
        assert!(
            message.starts_with("t.layout, line 3: expected an election kind"),
            "{message}"
        );

        let garbage = MINIMAL.replace("[area]\n", "[area]\nkind commune\n");
        assert_eq!(error_line(&garbage).0, Some(8));

        let missing = MINIMAL.replace("label = l\n", "");
        let (line, message) = error_line(&missing);
        assert_eq!(line, Some(10));
        assert!(
            message.contains("expected `label = ...` in [list]"),
            "{message}"
        );

        let bad_format = MINIMAL.replace("code = c\n", "code = c\ncode-format = padded 5\n");
        assert_eq!(error_line(&bad_format).0, Some(10));

        let parent_first =
            MINIMAL.replace("code = c\n", "code = c\ncode-format = parent + last 2\n");
        let (line, message) = error_line(&parent_first);
        assert_eq!(line, Some(7));
        assert!(message.contains("cannot use `parent`"), "{message}");

        let seat_with_lists = format!("{MINIMAL}[seat]\npanel = p\n");
        let (line, message) = error_line(&seat_with_lists);
        assert_eq!(line, Some(15));
        assert!(
            message.contains("[seat] does not fit the shape lists"),
            "{message}"
        );

        let bad_date = MINIMAL.replace("yes = OUI", "date-format = dd/mm/yy");
        assert_eq!(error_line(&bad_date).0, Some(6));

        let no_heading = "name = t\n";
        assert_eq!(error_line(no_heading).0, Some(1));
    }

    #[test]
    fn positions_and_headerless_layouts() {
        let positional = MINIMAL
            .replace("yes = OUI", "yes = OUI\nheader = no")
            .replace("code = c", "code = @1")
            .replace("label = l", "label = @2")
            .replace("order = o", "order = @3");
        let (line, message) = error_line(&positional);
        assert_eq!(line, Some(1));
        assert!(
            message.contains("`candidate.surname` names the column `s`"),
            "{message}"
        );

        let positional = positional.replace("surname = s", "surname = @4");
        assert!(Layout::parse(&positional, "t.layout").is_ok());
        assert_eq!(
            error_line(&MINIMAL.replace("code = c", "code = @0")).0,
            Some(9)
        );
    }

    #[test]
    fn code_formats() {
        let cases = [
            (CodeFormat::Departement, "1", "", "01"),
            (CodeFormat::Departement, "01", "", "01"),
            (CodeFormat::Departement, "2a", "", "2A"),
            (CodeFormat::Departement, "971", "", "971"),
            (CodeFormat::Departement, "ZZ", "", "ZZ"),
            (CodeFormat::Departement, "67-68", "", "67-68"),
            (CodeFormat::Departement, "69D", "", "69D"),
            (CodeFormat::ZeroPadded(2), "4", "", "04"),
            (CodeFormat::ZeroPadded(5), "1001", "", "01001"),
            (CodeFormat::ZeroPadded(5), "2A004", "", "2A004"),
            (CodeFormat::ZeroPadded(2), "004", "", "04"),
            (CodeFormat::ParentZeroPadded(3), "4", "01", "01004"),
            (
                CodeFormat::ParentZeroPadded(3),
                "055SR01",
                "13",
                "13055SR01",
            ),
            (CodeFormat::ParentLast(2), "101", "01", "0101"),
            (CodeFormat::ParentLast(2), "ZZ11", "ZZ", "ZZ11"),
            (CodeFormat::ParentLast(2), "97101", "971", "97101"),
            (CodeFormat::ParentLast(2), "3", "2A", "2A03"),
            (CodeFormat::AsIs, " zb1 ", "", "ZB1"),
        ];
        for (format, raw, parent, expected) in cases {
            assert_eq!(
                format.apply(raw, parent).as_deref(),
                Ok(expected),
                "{format:?} {raw}"
            );
        }
        assert!(CodeFormat::ParentLast(2).apply("Z", "ZZ").is_err());
    }

    #[test]
    fn date_formats() {
        let format = DateFormat::parse("dd/mm/yyyy").map(|f| f.chrono);
        assert_eq!(format.as_deref(), Some("%d/%m/%Y"));
        let format = DateFormat::parse("yyyy-mm-dd").map(|f| f.chrono);
        assert_eq!(format.as_deref(), Some("%Y-%m-%d"));
        assert!(DateFormat::parse("dd/mm").is_none());
        assert!(DateFormat::parse("dd/mm/yyyy hh").is_none());
    }
}
