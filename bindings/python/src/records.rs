//! The records handed to Python: frozen classes with typed attributes, and
//! [`Records`], the collection that lists of them come in.
//!
//! Each record class is built from its library type once, in Rust, with
//! identifiers as integers, named values (roles, statuses, channels) as
//! their stored names, instants as UTC-aware `datetime.datetime` and days
//! as `datetime.date`. A collection turns into columns (a dict of lists)
//! without creating one Python object per record.

use std::collections::BTreeMap;
use std::sync::Arc;

use candidats as core;
use chrono::{DateTime, NaiveDate, Utc};
use pyo3::exceptions::{PyImportError, PyIndexError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice, PyType};
use pyo3::{IntoPyObjectExt, PyClass};

use crate::frame::{Column, Frame};
use crate::scope::Scope;

/// A record class: its attributes, in order, and their values.
pub(crate) trait Record:
    PyClass + Clone + Send + Sync + Into<PyClassInitializer<Self>>
{
    /// The attributes, in the order of [`Record::row`].
    const COLUMNS: &'static [&'static str];

    /// The attributes' values as Python objects.
    fn row<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>>;

    /// The columns of a DataFrame of `records`, in the order of
    /// [`Record::COLUMNS`].
    fn frame_columns<'py>(records: &[Self], frame: &Frame<'py>)
        -> PyResult<Vec<Bound<'py, PyAny>>>;
}

/// Declares a frozen record class with read-only attributes, its
/// [`Record`] implementation, and the methods every record has
/// (`__repr__`, `to_dict`), plus any methods given after `methods`.
macro_rules! record {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            $( $(#[doc = $field_doc:literal])* $field:ident : $ty:ty, )*
        }
        $(methods { $($methods:tt)* })?
    ) => {
        $(#[doc = $doc])*
        #[pyclass(frozen, eq, module = "candidats")]
        #[derive(Clone, Debug, PartialEq)]
        pub(crate) struct $name {
            $( $(#[doc = $field_doc])* #[pyo3(get)] pub(crate) $field: $ty, )*
        }

        impl Record for $name {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn row<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
                Ok(vec![$( self.$field.clone().into_bound_py_any(py)?, )*])
            }

            fn frame_columns<'py>(
                records: &[Self],
                frame: &Frame<'py>,
            ) -> PyResult<Vec<Bound<'py, PyAny>>> {
                Ok(vec![$( Column::column(frame, records.iter().map(|r| &r.$field))?, )*])
            }
        }

        #[pymethods]
        impl $name {
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                record_repr(stringify!($name), Self::COLUMNS, self.row(py)?)
            }

            /// The record's attributes as a dict.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                record_dict(py, Self::COLUMNS, self.row(py)?)
            }

            $($($methods)*)?
        }
    };
}

fn record_repr(name: &str, columns: &[&str], values: Vec<Bound<'_, PyAny>>) -> PyResult<String> {
    let mut parts = Vec::with_capacity(columns.len());
    for (column, value) in columns.iter().zip(values) {
        parts.push(format!("{column}={}", value.repr()?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

fn record_dict<'py>(
    py: Python<'py>,
    columns: &[&str],
    values: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (column, value) in columns.iter().zip(values) {
        dict.set_item(column, value)?;
    }
    Ok(dict)
}

// ----- the collection ------------------------------------------------------

/// A list of records of one class, whatever the class.
trait Rows: Send + Sync {
    fn len(&self) -> usize;
    fn columns(&self) -> &'static [&'static str];
    fn item<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>>;
    fn row<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Vec<Bound<'py, PyAny>>>;
    fn pick(&self, indices: &[usize]) -> Arc<dyn Rows>;
    fn frame_columns<'py>(&self, frame: &Frame<'py>) -> PyResult<Vec<Bound<'py, PyAny>>>;
}

impl<T: Record> Rows for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn columns(&self) -> &'static [&'static str] {
        T::COLUMNS
    }

    fn item<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let record = self
            .get(index)
            .ok_or_else(|| PyIndexError::new_err("record index out of range"))?;
        Ok(Bound::new(py, record.clone())?.into_any())
    }

    fn row<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Vec<Bound<'py, PyAny>>> {
        match self.get(index) {
            Some(record) => record.row(py),
            None => Err(PyIndexError::new_err("record index out of range")),
        }
    }

    fn frame_columns<'py>(&self, frame: &Frame<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        T::frame_columns(self, frame)
    }

    fn pick(&self, indices: &[usize]) -> Arc<dyn Rows> {
        Arc::new(
            indices
                .iter()
                .filter_map(|index| self.get(*index).cloned())
                .collect::<Vec<T>>(),
        )
    }
}

/// A read-only list of records of one class, as every listing returns.
///
/// It behaves as a sequence (`len`, indexing, iteration) and converts to
/// columns: `to_columns()` gives a dict of lists, one per attribute, built
/// without creating the record objects, and `to_pandas()` a
/// `pandas.DataFrame` (pandas is imported only then, and is not a
/// dependency of candidats).
#[pyclass(frozen, sequence, module = "candidats")]
#[derive(Clone)]
pub(crate) struct Records {
    rows: Arc<dyn Rows>,
    class: &'static str,
}

impl Records {
    /// A collection of `records`.
    pub(crate) fn new<T: Record>(records: Vec<T>) -> Records {
        Records {
            rows: Arc::new(records),
            class: T::NAME,
        }
    }

    /// Converts each library value and collects the records.
    pub(crate) fn collect<'a, T, C>(items: impl IntoIterator<Item = &'a C>) -> Records
    where
        T: Record + From<&'a C>,
        C: 'a,
    {
        Records::new(items.into_iter().map(T::from).collect::<Vec<T>>())
    }
}

#[pymethods]
impl Records {
    fn __len__(&self) -> usize {
        self.rows.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let len = self.rows.len();
        if let Ok(slice) = index.cast::<PySlice>() {
            let bounds = slice.indices(len as isize)?;
            let indices: Vec<usize> = (0..bounds.slicelength)
                .map(|i| (bounds.start + i as isize * bounds.step) as usize)
                .collect();
            let picked = Records {
                rows: self.rows.pick(&indices),
                class: self.class,
            };
            return Ok(Bound::new(py, picked)?.into_any());
        }

        let index: isize = index.extract()?;
        let position = if index < 0 {
            index + len as isize
        } else {
            index
        };
        if position < 0 || position >= len as isize {
            return Err(PyIndexError::new_err(format!(
                "record index {index} out of range for {len} records"
            )));
        }
        self.rows.item(py, position as usize)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_list(py)?.into_any().try_iter().map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!("Records[{}]({} records)", self.class, self.rows.len())
    }

    /// `Records[Candidacy]`, for annotations.
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let alias = cls.py().import("types")?.getattr("GenericAlias")?;
        alias.call1((cls, item))
    }

    fn __eq__<'py>(
        &self,
        py: Python<'py>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let other = if let Ok(records) = other.cast::<Records>() {
            records.get().to_list(py)?.into_any()
        } else if other.is_instance_of::<PyList>() {
            other.clone()
        } else {
            return Ok(py.NotImplemented().into_bound(py));
        };
        self.to_list(py)?.eq(other)?.into_bound_py_any(py)
    }

    /// The name of the records' class.
    #[getter]
    fn record_class(&self) -> &'static str {
        self.class
    }

    /// The records' attribute names: the columns of `to_columns()`.
    #[getter]
    fn columns(&self) -> Vec<&'static str> {
        self.rows.columns().to_vec()
    }

    /// The records as a list.
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = (0..self.rows.len())
            .map(|index| self.rows.item(py, index))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The records as columns: a dict from each attribute name to the list
    /// of its values, in record order.
    fn to_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let columns = self.rows.columns();
        let mut values: Vec<Vec<Bound<'py, PyAny>>> = columns
            .iter()
            .map(|_| Vec::with_capacity(self.rows.len()))
            .collect();
        for index in 0..self.rows.len() {
            for (column, value) in values.iter_mut().zip(self.rows.row(py, index)?) {
                column.push(value);
            }
        }

        let dict = PyDict::new(py);
        for (name, column) in columns.iter().zip(values) {
            dict.set_item(name, PyList::new(py, column)?)?;
        }
        Ok(dict)
    }

    /// The records as a `pandas.DataFrame`, one column per attribute,
    /// built column by column without creating the record objects:
    /// numbers are `int64` (`float64` for shares), flags `bool`, numbers
    /// that may be missing pandas' nullable `Int64`, texts what pandas
    /// makes of Python strings.
    ///
    /// Raises ImportError when pandas is not installed.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|error| {
            let message = "Records.to_pandas() needs pandas, which is not installed: \
                           `pip install pandas`, or use to_columns() for a dict of lists";
            let import = PyImportError::new_err(message);
            import.set_cause(py, Some(error));
            import
        })?;
        let frame = Frame::new(pandas.clone())?;
        let data = PyDict::new(py);
        for (name, column) in self
            .rows
            .columns()
            .iter()
            .zip(self.rows.frame_columns(&frame)?)
        {
            data.set_item(name, column)?;
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", PyList::new(py, self.rows.columns())?)?;
        kwargs.set_item("copy", false)?;
        pandas.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }
}

// ----- elections and lists ------------------------------------------------

record! {
    /// One round of an election.
    Round {
        /// 1 or 2.
        number: u8,
        /// The day of the vote, when known.
        date: Option<NaiveDate>,
    }
}

record! {
    /// An election: its kind, its name and its rounds.
    Election {
        /// The election's identifier.
        id: i64,
        /// `regionales`, `municipales`, `legislatives`, `departementales`,
        /// `europeennes` or `other`.
        kind: String,
        /// The election's name, unique within a store.
        name: String,
        /// The rounds, first then second.
        rounds: Vec<Round>,
    }
}

impl From<&core::Election> for Election {
    fn from(election: &core::Election) -> Self {
        Election {
            id: election.id().get(),
            kind: election.kind().name().into(),
            name: election.name().into(),
            rounds: election
                .rounds()
                .iter()
                .map(|round| Round {
                    number: round.number,
                    date: round.date,
                })
                .collect(),
        }
    }
}

record! {
    /// A constituency: a region, a département, a circonscription, a
    /// commune... Constituencies form a tree per election.
    Constituency {
        /// The constituency's identifier.
        id: i64,
        /// The election it belongs to.
        election: i64,
        /// The enclosing constituency, if any.
        parent: Option<i64>,
        /// `country`, `region`, `departement`, `circonscription`, `canton`,
        /// `commune`, `sector` or `other`.
        kind: String,
        /// The official code, possibly empty.
        code: String,
        /// The official name.
        name: String,
    }
}

impl From<&core::Constituency> for Constituency {
    fn from(c: &core::Constituency) -> Self {
        Constituency {
            id: c.id.get(),
            election: c.election.get(),
            parent: c.parent.map(|p| p.get()),
            kind: c.kind.name().into(),
            code: c.code.clone(),
            name: c.name.to_string(),
        }
    }
}

record! {
    /// A candidate list in one round of an election.
    CandidateList {
        /// The list's identifier.
        id: i64,
        /// The election.
        election: i64,
        /// The round: 1 or 2.
        round: u8,
        /// Where the list stands: a region, a commune, the country.
        constituency: i64,
        /// The panel number (*numéro de panneau*), when the file gives one.
        panel: Option<u32>,
        /// The short label (*libellé abrégé*).
        short_label: Option<String>,
        /// The full label.
        label: String,
        /// The nuance code, such as `LUG`.
        nuance: Option<String>,
        /// The nuance's long form, when known.
        nuance_label: Option<String>,
    }
}

impl From<&core::CandidateList> for CandidateList {
    fn from(list: &core::CandidateList) -> Self {
        CandidateList {
            id: list.id.get(),
            election: list.election.get(),
            round: list.round,
            constituency: list.constituency.get(),
            panel: list.panel,
            short_label: list.short_label.clone(),
            label: list.label.to_string(),
            nuance: list.nuance.as_ref().map(|n| n.code.clone()),
            nuance_label: list.nuance.as_ref().and_then(|n| n.label.clone()),
        }
    }
}

record! {
    /// A section of a candidate list: a département's part of a regional
    /// list, or the one implicit section of a list without sections.
    Section {
        /// The section's identifier.
        id: i64,
        /// The list it belongs to.
        list: i64,
        /// The constituency it covers.
        constituency: i64,
        /// The section's code, possibly empty.
        code: String,
        /// Whether this is the one section of a list without sections.
        implicit: bool,
    }
}

impl From<&core::Section> for Section {
    fn from(s: &core::Section) -> Self {
        Section {
            id: s.id.get(),
            list: s.list.get(),
            constituency: s.constituency.get(),
            code: s.code.clone(),
            implicit: s.implicit,
        }
    }
}

// ----- persons and candidacies ---------------------------------------------

record! {
    /// A person who stands, or stood, as a candidate. Contact details and
    /// pledge answers follow the person from one election to the next.
    Person {
        /// The person's identifier.
        id: i64,
        /// The surname as printed on the ballot.
        surname: String,
        /// The first name as printed on the ballot.
        first_name: Option<String>,
        /// `F` or `M`, when the file gives it.
        sex: Option<String>,
        /// The date of birth, when the file gives it.
        birth_date: Option<NaiveDate>,
        /// The nationality, when the file gives it.
        nationality: Option<String>,
        /// "First name SURNAME".
        full_name: String,
    }
}

impl From<&core::Person> for Person {
    fn from(p: &core::Person) -> Self {
        Person {
            id: p.id.get(),
            surname: p.surname.to_string(),
            first_name: p.first_name.as_ref().map(|n| n.to_string()),
            sex: p.sex.map(|s| s.code().into()),
            birth_date: p.birth_date,
            nationality: p.nationality.clone(),
            full_name: p.full_name(),
        }
    }
}

record! {
    /// One person's candidacy in one round of one election.
    Candidacy {
        /// The candidacy's identifier.
        id: i64,
        /// The person standing.
        person: i64,
        /// The election.
        election: i64,
        /// The round: 1 or 2.
        round: u8,
        /// Where the candidacy stands: its section's constituency for a
        /// list, the circonscription or canton otherwise.
        constituency: i64,
        /// `list`, `single`, `pair` or `substitute`.
        seat: String,
        /// The list, for a list seat.
        list: Option<i64>,
        /// The section, for a list seat.
        section: Option<i64>,
        /// The order within the section, from 1, for a list seat.
        order: Option<u32>,
        /// 1 or 2, for a pair member.
        pair_index: Option<u8>,
        /// The other member of the pair, once known.
        partner: Option<i64>,
        /// The candidacy replaced, for a substitute.
        substitute_of: Option<i64>,
        /// Every role held: `head_of_list`, `head_of_section`, `member`,
        /// `single_seat`, `pair_member`, `substitute`.
        roles: Vec<String>,
        /// The nuance code.
        nuance: Option<String>,
        /// The nuance's long form, when known.
        nuance_label: Option<String>,
        /// The panel number of a single-seat or pair candidacy.
        panel: Option<u32>,
        /// Whether the candidate holds the seat now (*sortant*).
        outgoing: bool,
        /// Whether the candidate also stands for the inter-communal council.
        community_council: bool,
        /// Whether the candidacy is withdrawn or no longer in the file.
        withdrawn: bool,
        /// The profession declared for this candidacy, when the file gives
        /// it.
        profession: Option<String>,
    }
    methods {
        /// Whether the candidacy holds `role`.
        fn has_role(&self, role: &str) -> bool {
            self.roles.iter().any(|held| held == role)
        }
    }
}

impl From<&core::Candidacy> for Candidacy {
    fn from(c: &core::Candidacy) -> Self {
        let (seat, pair_index, partner, substitute_of) = match c.seat {
            core::Seat::List { .. } => ("list", None, None, None),
            core::Seat::Single => ("single", None, None, None),
            core::Seat::Pair { index, partner } => ("pair", Some(index), partner, None),
            core::Seat::Substitute { of } => ("substitute", None, None, Some(of)),
            _ => ("other", None, None, None),
        };
        Candidacy {
            id: c.id.get(),
            person: c.person.get(),
            election: c.election.get(),
            round: c.round,
            constituency: c.constituency.get(),
            seat: seat.into(),
            list: c.seat.list().map(|l| l.get()),
            section: c.seat.section().map(|s| s.get()),
            order: c.seat.order(),
            pair_index,
            partner: partner.map(|p| p.get()),
            substitute_of: substitute_of.map(|s| s.get()),
            roles: c.roles.iter().map(|r| r.name().to_string()).collect(),
            nuance: c.nuance.as_ref().map(|n| n.code.clone()),
            nuance_label: c.nuance.as_ref().and_then(|n| n.label.clone()),
            panel: c.panel,
            outgoing: c.outgoing,
            community_council: c.community_council,
            withdrawn: c.withdrawn,
            profession: c.profession.clone(),
        }
    }
}

// ----- participants ---------------------------------------------------------

record! {
    /// A participant: a volunteer of the campaign.
    Participant {
        /// The participant's identifier.
        id: i64,
        /// The name shown to other participants.
        name: String,
        /// The participant's own e-mail address, private.
        email: Option<String>,
        /// Whether the participant moderates the campaign.
        moderator: bool,
        /// When the participant registered.
        registered_at: DateTime<Utc>,
    }
}

impl From<&core::Participant> for Participant {
    fn from(p: &core::Participant) -> Self {
        Participant {
            id: p.id.get(),
            name: p.name.to_string(),
            email: p.email.clone(),
            moderator: p.moderator,
            registered_at: p.registered_at,
        }
    }
}

record! {
    /// A participant's responsibility over a candidacy, a list or a
    /// constituency.
    Responsibility {
        /// The responsibility's identifier.
        id: i64,
        /// Who holds or asks for it.
        participant: i64,
        /// What it covers: `candidacy`, `list` or `constituency`.
        target_kind: String,
        /// The identifier of the candidacy, list or constituency covered.
        target: i64,
        /// `requested`, `granted`, `refused`, `released`, `revoked`, or
        /// `expired` once past its end date (on the campaign's clock when
        /// it was read).
        status: String,
        /// When it was asked for.
        requested_at: DateTime<Utc>,
        /// Who granted, refused or revoked it.
        decided_by: Option<i64>,
        /// When its status last changed.
        decided_at: Option<DateTime<Utc>>,
        /// When it ends by itself, if ever.
        expires_at: Option<DateTime<Utc>>,
    }
}

impl Responsibility {
    /// The record of `r` as it stands at `now`.
    pub(crate) fn at(r: &core::Responsibility, now: DateTime<Utc>) -> Self {
        let (target_kind, target) = target_parts(r.target);
        Responsibility {
            id: r.id.get(),
            participant: r.participant.get(),
            target_kind: target_kind.into(),
            target,
            status: r.status_at(now).name().into(),
            requested_at: r.requested_at,
            decided_by: r.decided_by.map(|p| p.get()),
            decided_at: r.decided_at,
            expires_at: r.expires_at,
        }
    }
}

fn target_parts(target: core::Target) -> (&'static str, i64) {
    match target {
        core::Target::Candidacy(c) => ("candidacy", c.get()),
        core::Target::List(l) => ("list", l.get()),
        core::Target::Constituency(k) => ("constituency", k.get()),
    }
}

// ----- contacts --------------------------------------------------------------

record! {
    /// A contact detail on a person's or a list's record.
    ContactDetail {
        /// The detail's identifier.
        id: i64,
        /// The person it reaches, for a person's detail.
        person: Option<i64>,
        /// The list it reaches, for a list's detail.
        list: Option<i64>,
        /// `email`, `web_form`, `phone`, `social:NETWORK`, `postal` or
        /// `website`.
        channel: String,
        /// The value, normalised for the channel.
        value: String,
        /// A short label.
        label: Option<String>,
        /// Where it was found.
        source: String,
        /// Who added it.
        added_by: i64,
        /// When it was added.
        added_at: DateTime<Utc>,
        /// `unverified`, `confirmed`, `bounced` or `obsolete`.
        status: String,
        /// Whether it still counts as a way to reach its owner (not bounced
        /// nor obsolete).
        usable: bool,
        /// `public` or `private`.
        visibility: String,
        /// A free note.
        note: Option<String>,
    }
}

impl From<&core::ContactDetail> for ContactDetail {
    fn from(d: &core::ContactDetail) -> Self {
        let (person, list) = match d.owner {
            core::Owner::Person(p) => (Some(p.get()), None),
            core::Owner::List(l) => (None, Some(l.get())),
        };
        ContactDetail {
            id: d.id.get(),
            person,
            list,
            channel: d.point.channel().code(),
            value: d.point.value().into(),
            label: d.label.clone(),
            source: d.source.clone(),
            added_by: d.added_by.get(),
            added_at: d.added_at,
            status: d.status.name().into(),
            usable: d.status.is_usable(),
            visibility: visibility_name(d.visibility).into(),
            note: d.note.clone(),
        }
    }
}

/// The name of a visibility: `public` or `private`.
pub(crate) fn visibility_name(visibility: core::Visibility) -> &'static str {
    match visibility {
        core::Visibility::Public => "public",
        core::Visibility::Private => "private",
    }
}

record! {
    /// One contact made by a participant, and what came of it.
    ContactAction {
        /// The action's identifier.
        id: i64,
        /// Who made the contact.
        participant: i64,
        /// The candidacy reached, for an action on a candidacy.
        candidacy: Option<i64>,
        /// The list reached, for an action on a whole list.
        list: Option<i64>,
        /// The channel: `email`, `web_form`, `phone`, `social:NETWORK`,
        /// `postal`, `website` or `in_person`.
        channel: String,
        /// When.
        at: DateTime<Utc>,
        /// `sent`, `no_answer`, `answered`, `bounced`, `refused` or
        /// `promised_to_sign`.
        outcome: String,
        /// A free note.
        note: Option<String>,
        /// The message template used, if any.
        template: Option<i64>,
        /// The contact marathon it was part of, if any.
        marathon: Option<i64>,
    }
}

impl From<&core::ContactAction> for ContactAction {
    fn from(a: &core::ContactAction) -> Self {
        let (candidacy, list) = match a.target {
            core::ActionTarget::Candidacy(c) => (Some(c.get()), None),
            core::ActionTarget::List(l) => (None, Some(l.get())),
        };
        ContactAction {
            id: a.id.get(),
            participant: a.participant.get(),
            candidacy,
            list,
            channel: a.channel.code(),
            at: a.at,
            outcome: a.outcome.name().into(),
            note: a.note.clone(),
            template: a.template.map(|t| t.get()),
            marathon: a.marathon.map(|m| m.get()),
        }
    }
}

// ----- pledges ----------------------------------------------------------------

record! {
    /// A pledge candidates are asked to sign, in one version of its text.
    Pledge {
        /// The pledge's identifier.
        id: i64,
        /// Its name.
        name: String,
        /// The version of the text, from 1.
        version: u32,
        /// The text.
        text: String,
    }
}

impl From<&core::Pledge> for Pledge {
    fn from(p: &core::Pledge) -> Self {
        Pledge {
            id: p.id.get(),
            name: p.name.to_string(),
            version: p.version,
            text: p.text.clone(),
        }
    }
}

record! {
    /// An answer to a pledge: signed or declined. The latest answer of a
    /// person (by date, then identifier) is the one that counts.
    PledgeAnswer {
        /// The answer's identifier.
        id: i64,
        /// The pledge answered.
        pledge: i64,
        /// The person who answered, for a person's answer.
        person: Option<i64>,
        /// The list that answered, for a list's answer.
        list: Option<i64>,
        /// `signed` or `declined`.
        answer: String,
        /// The evidence of a signature.
        evidence: Option<String>,
        /// The day of the answer.
        date: NaiveDate,
        /// Who recorded it.
        recorded_by: i64,
        /// When it was recorded.
        recorded_at: DateTime<Utc>,
    }
}

impl From<&core::PledgeAnswer> for PledgeAnswer {
    fn from(a: &core::PledgeAnswer) -> Self {
        let (person, list) = match a.subject {
            core::Subject::Person(p) => (Some(p.get()), None),
            core::Subject::List(l) => (None, Some(l.get())),
        };
        let (answer, evidence) = match &a.answer {
            core::Answer::Signed { evidence } => ("signed", Some(evidence.clone())),
            core::Answer::Declined => ("declined", None),
        };
        PledgeAnswer {
            id: a.id.get(),
            pledge: a.pledge.get(),
            person,
            list,
            answer: answer.into(),
            evidence,
            date: a.date,
            recorded_by: a.recorded_by.get(),
            recorded_at: a.recorded_at,
        }
    }
}

// ----- moderation and history ---------------------------------------------------

record! {
    /// A change proposed by a participant without the responsibility to
    /// make it, waiting for moderation.
    Proposal {
        /// The proposal's identifier.
        id: i64,
        /// Who proposed it.
        author: i64,
        /// When.
        created_at: DateTime<Utc>,
        /// The source given for the change.
        source: Option<String>,
        /// What it changes: `add_contact_detail`, `set_detail_status`,
        /// `update_person`, `set_withdrawn`, `record_answer`, or `erased`.
        change: String,
        /// The change in full, as JSON.
        change_json: String,
        /// `pending`, `accepted` or `rejected`.
        status: String,
        /// Who accepted or rejected it.
        decided_by: Option<i64>,
        /// When.
        decided_at: Option<DateTime<Utc>>,
    }
}

impl From<&core::Proposal> for Proposal {
    fn from(p: &core::Proposal) -> Self {
        let json = serde_json::to_value(&p.change).unwrap_or_default();
        let change = json
            .get("change")
            .and_then(|kind| kind.as_str())
            .unwrap_or("unknown")
            .to_string();
        Proposal {
            id: p.id.get(),
            author: p.author.get(),
            created_at: p.created_at,
            source: p.source.clone(),
            change,
            change_json: json.to_string(),
            status: p.status.name().into(),
            decided_by: p.decided_by.map(|d| d.get()),
            decided_at: p.decided_at,
        }
    }
}

record! {
    /// One entry of the audit history: who changed what, when.
    AuditEntry {
        /// The entry's identifier, to revert it.
        id: i64,
        /// Who made the change; None for an import from an official file.
        actor: Option<i64>,
        /// When.
        at: DateTime<Utc>,
        /// The source given for the change.
        source: Option<String>,
        /// The kind of record changed: `candidacy`, `person`,
        /// `contact_detail`...
        kind: String,
        /// The identifier of the record changed.
        record: i64,
        /// `create`, `update`, `delete`, `revert` or `erase`.
        action: String,
        /// The record before the change, as JSON.
        before_json: Option<String>,
        /// The record after the change, as JSON.
        after_json: Option<String>,
        /// The person whose data the change touched.
        person: Option<i64>,
        /// The entry this change reverted.
        reverts: Option<i64>,
    }
}

impl From<&core::AuditRecord> for AuditEntry {
    fn from(a: &core::AuditRecord) -> Self {
        AuditEntry {
            id: a.id.get(),
            actor: a.actor.map(|p| p.get()),
            at: a.at,
            source: a.source.clone(),
            kind: a.kind.name().into(),
            record: a.record,
            action: a.action.name().into(),
            before_json: a.before.as_ref().map(|v| v.to_string()),
            after_json: a.after.as_ref().map(|v| v.to_string()),
            person: a.person.map(|p| p.get()),
            reverts: a.reverts.map(|r| r.get()),
        }
    }
}

// ----- queues, marathons, templates --------------------------------------------------

record! {
    /// A candidacy taken from a work queue, kept for its participant for a
    /// while so that nobody else works on it.
    Reservation {
        /// The reservation's identifier.
        id: i64,
        /// The candidacy reserved.
        candidacy: i64,
        /// Who took it.
        participant: i64,
        /// `to_collect`, `to_contact` or `to_follow_up`.
        queue: String,
        /// When.
        taken_at: DateTime<Utc>,
        /// Until when it is kept.
        until: DateTime<Utc>,
        /// The contact marathon it was taken in, if any.
        marathon: Option<i64>,
        /// When it was released before its end, if it was.
        released_at: Option<DateTime<Utc>>,
    }
}

impl From<&core::Reservation> for Reservation {
    fn from(r: &core::Reservation) -> Self {
        Reservation {
            id: r.id.get(),
            candidacy: r.candidacy.get(),
            participant: r.participant.get(),
            queue: r.queue.name().into(),
            taken_at: r.taken_at,
            until: r.until,
            marathon: r.marathon.map(|m| m.get()),
            released_at: r.released_at,
        }
    }
}

record! {
    /// A contact marathon (*Contacthon*): volunteers gathered for a few
    /// hours to work through a goal.
    Marathon {
        /// The marathon's identifier.
        id: i64,
        /// Its name: "Contacthon n°7".
        name: String,
        /// Its number in the campaign's series.
        number: Option<u32>,
        /// When it starts.
        starts_at: DateTime<Utc>,
        /// When it ends.
        ends_at: DateTime<Utc>,
        /// The candidacies it works on.
        goal: Scope,
        /// Who organised it.
        created_by: i64,
    }
}

impl From<&core::Marathon> for Marathon {
    fn from(m: &core::Marathon) -> Self {
        Marathon {
            id: m.id.get(),
            name: m.name.to_string(),
            number: m.number,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            goal: Scope::from(m.goal.clone()),
            created_by: m.created_by.get(),
        }
    }
}

record! {
    /// A message template with `{{placeholder}}` fields.
    Template {
        /// The template's identifier.
        id: i64,
        /// Who wrote it.
        owner: i64,
        /// Its name, for its author.
        name: String,
        /// The subject line.
        subject: String,
        /// The body.
        body: String,
    }
}

impl From<&core::Template> for Template {
    fn from(t: &core::Template) -> Self {
        Template {
            id: t.id.get(),
            owner: t.owner.get(),
            name: t.name.to_string(),
            subject: t.subject.clone(),
            body: t.body.clone(),
        }
    }
}

record! {
    /// A template rendered for one candidacy.
    Message {
        /// The subject line.
        subject: String,
        /// The body.
        body: String,
        /// A `mailto:` URI with the subject and body, when the candidate has
        /// an e-mail address the viewer may see.
        mailto: Option<String>,
    }
}

impl From<&core::Message> for Message {
    fn from(m: &core::Message) -> Self {
        Message {
            subject: m.subject.clone(),
            body: m.body.clone(),
            mailto: m.mailto.clone(),
        }
    }
}

record! {
    /// What erasing a person's data removed.
    Erasure {
        /// Contact details deleted.
        contact_details: u64,
        /// Contact actions whose note was cleared.
        action_notes: u64,
        /// Pledge answers whose evidence was cleared.
        answer_evidence: u64,
        /// Proposals whose content was erased.
        proposals: u64,
        /// Audit entries scrubbed.
        audit_entries: u64,
    }
}

impl From<&core::Erasure> for Erasure {
    fn from(e: &core::Erasure) -> Self {
        Erasure {
            contact_details: e.contact_details,
            action_notes: e.action_notes,
            answer_evidence: e.answer_evidence,
            proposals: e.proposals,
            audit_entries: e.audit_entries,
        }
    }
}

// ----- the progress report -----------------------------------------------------------

record! {
    /// The figures of one role, with their shares.
    RoleFigures {
        /// Candidacies holding the role.
        total: u64,
        /// Of those, contacted.
        contacted: u64,
        /// Of those, signatories.
        signatories: u64,
        /// `contacted` in percent of `total`.
        contacted_percent: f64,
        /// `signatories` in percent of `contacted`.
        signatories_percent_of_contacted: f64,
    }
}

impl From<&core::RoleFigures> for RoleFigures {
    fn from(f: &core::RoleFigures) -> Self {
        RoleFigures {
            total: f.total,
            contacted: f.contacted,
            signatories: f.signatories,
            contacted_percent: f.contacted_percent,
            signatories_percent_of_contacted: f.signatories_percent_of_contacted,
        }
    }
}

/// Role figures by role name.
pub(crate) fn role_map<'a, T>(
    roles: impl IntoIterator<Item = (&'a core::Role, T)>,
) -> BTreeMap<String, RoleFigures>
where
    core::RoleFigures: From<T>,
{
    roles
        .into_iter()
        .map(|(role, figures)| {
            let figures = core::RoleFigures::from(figures);
            (role.name().to_string(), RoleFigures::from(&figures))
        })
        .collect()
}

record! {
    /// One line of a breakdown of the progress report: a constituency, a
    /// list or a nuance, with its counts.
    Breakdown {
        /// `constituency`, `list`, `nuance` or `total`.
        kind: String,
        /// The constituency's or list's identifier (None for a nuance).
        id: Option<i64>,
        /// The constituency's or list's name, or the nuance's label (its
        /// code when the label is unknown).
        name: String,
        /// The constituency's, list's or nuance's code, when it has one.
        code: Option<String>,
        /// Candidacies in the group.
        candidacies: u64,
        /// Candidacies contacted in the period.
        contacted: u64,
        /// `contacted` in percent of `candidacies`.
        contacted_percent: f64,
        /// Contact actions on the group's candidacies in the period.
        contact_actions: u64,
        /// Signatories.
        signatories: u64,
        /// Candidacies whose latest answer is a refusal.
        declined: u64,
        /// Contacted candidacies without an answer.
        to_follow_up: u64,
        /// Candidacies with no usable contact detail.
        without_contact_detail: u64,
        /// Heads of section never contacted.
        heads_of_section_to_contact: u64,
        /// The figures of each role present, by role name.
        roles: BTreeMap<String, RoleFigures>,
    }
}

impl From<&core::Breakdown> for Breakdown {
    fn from(b: &core::Breakdown) -> Self {
        let (kind, id) = match &b.key {
            core::GroupKey::Total => ("total", None),
            core::GroupKey::Constituency(k) => ("constituency", Some(k.get())),
            core::GroupKey::List(l) => ("list", Some(l.get())),
            core::GroupKey::Nuance(_) => ("nuance", None),
        };
        let t = &b.tally;
        Breakdown {
            kind: kind.into(),
            id,
            name: b.name.clone(),
            code: b.code.clone(),
            candidacies: t.candidacies,
            contacted: t.contacted,
            contacted_percent: b.contacted_percent,
            contact_actions: t.contact_actions,
            signatories: t.signatories,
            declined: t.declined,
            to_follow_up: t.to_follow_up,
            without_contact_detail: t.without_contact_detail,
            heads_of_section_to_contact: t.heads_of_section_to_contact,
            roles: role_map(t.roles.iter().map(|(role, tally)| (role, *tally))),
        }
    }
}

record! {
    /// One day of activity.
    DayTally {
        /// The day (UTC).
        day: NaiveDate,
        /// Contact actions on the scope's candidacies that day.
        contact_actions: u64,
        /// Distinct candidacies contacted that day.
        contacted: u64,
        /// Signatures dated that day.
        signatures: u64,
    }
}

impl From<&core::DayTally> for DayTally {
    fn from(d: &core::DayTally) -> Self {
        DayTally {
            day: d.day,
            contact_actions: d.contact_actions,
            contacted: d.contacted,
            signatures: d.signatures,
        }
    }
}

record! {
    /// One participant's activity over the report's scope.
    ParticipantFigures {
        /// The participant.
        participant: i64,
        /// Their name.
        name: String,
        /// Contact actions.
        contact_actions: u64,
        /// Distinct candidacies contacted.
        candidacies: u64,
        /// Contact actions per hour of the scope's period, when it has one.
        contacts_per_hour: Option<f64>,
    }
}

impl From<&core::ParticipantFigures> for ParticipantFigures {
    fn from(p: &core::ParticipantFigures) -> Self {
        ParticipantFigures {
            participant: p.participant.get(),
            name: p.name.clone(),
            contact_actions: p.contact_actions,
            candidacies: p.candidacies,
            contacts_per_hour: p.contacts_per_hour,
        }
    }
}

/// The progress report (*bilan d'étape*) of a scope.
///
/// Every figure is an exact count; shares are in percent. The breakdowns,
/// the daily series and the participants' activity are collections
/// (`Records`) that convert to columns or to a pandas DataFrame.
#[pyclass(frozen, module = "candidats")]
pub(crate) struct ProgressReport {
    report: core::ProgressReport,
    /// What the report covers.
    #[pyo3(get)]
    scope: Scope,
    /// Headline figures by role name, for every role present.
    #[pyo3(get)]
    roles: BTreeMap<String, RoleFigures>,
    /// By constituency, one level below the scope's constituency.
    #[pyo3(get)]
    by_constituency: Records,
    /// By list.
    #[pyo3(get)]
    by_list: Records,
    /// By nuance.
    #[pyo3(get)]
    by_nuance: Records,
    /// Contacts and signatures per day.
    #[pyo3(get)]
    daily: Records,
    /// Activity per participant.
    #[pyo3(get)]
    participants: Records,
}

impl From<core::ProgressReport> for ProgressReport {
    fn from(report: core::ProgressReport) -> Self {
        ProgressReport {
            scope: Scope::from(report.scope.clone()),
            roles: role_map(report.roles.iter().map(|(role, figures)| (role, *figures))),
            by_constituency: Records::collect::<Breakdown, _>(&report.by_constituency),
            by_list: Records::collect::<Breakdown, _>(&report.by_list),
            by_nuance: Records::collect::<Breakdown, _>(&report.by_nuance),
            daily: Records::collect::<DayTally, _>(&report.daily),
            participants: Records::collect::<ParticipantFigures, _>(&report.participants),
            report,
        }
    }
}

#[pymethods]
impl ProgressReport {
    /// When the report was computed.
    #[getter]
    fn generated_at(&self) -> DateTime<Utc> {
        self.report.generated_at
    }

    /// Candidacies in the scope.
    #[getter]
    fn candidacies(&self) -> u64 {
        self.report.candidacies
    }

    /// Signatories of the pledge.
    #[getter]
    fn signatories(&self) -> u64 {
        self.report.signatories
    }

    /// Candidacies contacted.
    #[getter]
    fn contacted(&self) -> u64 {
        self.report.contacted
    }

    /// `contacted` in percent of `candidacies`.
    #[getter]
    fn contacted_percent(&self) -> f64 {
        self.report.contacted_percent
    }

    /// Contact actions (a candidacy may be contacted several times).
    #[getter]
    fn contact_actions(&self) -> u64 {
        self.report.contact_actions
    }

    /// Candidacies that declined.
    #[getter]
    fn declined(&self) -> u64 {
        self.report.declined
    }

    /// Heads of list.
    #[getter]
    fn heads_of_list(&self) -> RoleFigures {
        RoleFigures::from(&self.report.heads_of_list)
    }

    /// Heads of section.
    #[getter]
    fn heads_of_section(&self) -> RoleFigures {
        RoleFigures::from(&self.report.heads_of_section)
    }

    /// Members: list candidacies heading neither list nor section.
    #[getter]
    fn members(&self) -> RoleFigures {
        RoleFigures::from(&self.report.members)
    }

    /// Heads of section never contacted.
    #[getter]
    fn heads_of_section_to_contact(&self) -> u64 {
        self.report.heads_of_section_to_contact
    }

    /// Contacted candidacies without an answer, to follow up.
    #[getter]
    fn to_follow_up(&self) -> u64 {
        self.report.to_follow_up
    }

    /// Candidacies with no usable contact detail: the collectors' queue.
    #[getter]
    fn without_contact_detail(&self) -> u64 {
        self.report.without_contact_detail
    }

    /// The report as the library serialises it, in JSON: the form other
    /// tools of the project read and write.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.report)
            .map_err(|error| pyo3::exceptions::PyValueError::new_err(error.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "ProgressReport(candidacies={}, contacted={}, contact_actions={}, signatories={})",
            self.report.candidacies,
            self.report.contacted,
            self.report.contact_actions,
            self.report.signatories
        )
    }
}

// ----- imports -----------------------------------------------------------------------------

record! {
    /// What importing one file did.
    ImportSummary {
        /// The election imported into.
        election: Option<i64>,
        /// The round.
        round: u8,
        /// Lines read.
        rows: u64,
        /// Candidacies in the file, substitutes not counted.
        candidacies: u64,
        /// Distinct persons in the file, substitutes included.
        persons: u64,
        /// Distinct lists in the file.
        lists: u64,
        /// Distinct list sections in the file, implicit ones not counted.
        sections: u64,
        /// Distinct constituencies where lists or seats stand.
        constituencies: u64,
        /// Heads of list in the file.
        heads_of_list: u64,
        /// Heads of section in the file.
        heads_of_section: u64,
        /// Substitutes in the file.
        substitutes: u64,
        /// Lines rejected (with `skip_invalid`).
        rejected: u64,
        /// Candidacies created, substitutes included.
        created: u64,
        /// Candidacies changed in place.
        updated: u64,
        /// Candidacies already as the file gives them.
        unchanged: u64,
        /// Candidacies no longer in the file, marked withdrawn.
        withdrawn: u64,
        /// Persons created.
        persons_created: u64,
        /// Persons found already in the store.
        persons_reused: u64,
        /// Candidates matching several known persons (a new person was
        /// created for each).
        ambiguous: u64,
    }
}

impl From<&core::ImportSummary> for ImportSummary {
    fn from(s: &core::ImportSummary) -> Self {
        ImportSummary {
            election: s.election.map(|e| e.get()),
            round: s.round,
            rows: s.rows,
            candidacies: s.candidacies,
            persons: s.persons,
            lists: s.lists,
            sections: s.sections,
            constituencies: s.constituencies,
            heads_of_list: s.heads_of_list,
            heads_of_section: s.heads_of_section,
            substitutes: s.substitutes,
            rejected: s.rejected,
            created: s.created,
            updated: s.updated,
            unchanged: s.unchanged,
            withdrawn: s.withdrawn,
            persons_created: s.persons_created,
            persons_reused: s.persons_reused,
            ambiguous: s.ambiguous.len() as u64,
        }
    }
}
