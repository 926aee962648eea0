//! Scopes, and the values read from Python arguments: instants, roles and
//! the other named values.

use candidats as core;
use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyString, PyTzInfo};

use crate::error::Result;

/// An aware `datetime.datetime`, read as an instant in UTC.
///
/// A naive datetime is refused: the library stamps every record in UTC and
/// cannot guess the zone a naive one was meant in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Instant(pub(crate) DateTime<Utc>);

impl<'py> FromPyObject<'_, 'py> for Instant {
    type Error = PyErr;

    fn extract(value: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let py = value.py();
        let datetime = value.cast::<PyDateTime>().map_err(|_| {
            PyTypeError::new_err(format!(
                "expected a datetime.datetime, found {}",
                value
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        if datetime.getattr("tzinfo")?.is_none() {
            return Err(PyValueError::new_err(
                "expected a timezone-aware datetime (such as datetime.now(timezone.utc)), \
                 found a naive one",
            ));
        }
        let utc = datetime.call_method1("astimezone", (PyTzInfo::utc(py)?,))?;
        Ok(Instant(utc.extract()?))
    }
}

/// Converts an optional instant argument.
pub(crate) fn instant(value: Option<Instant>) -> Option<DateTime<Utc>> {
    value.map(|instant| instant.0)
}

/// Reads one role, or several, from a `str` or a sequence of `str`.
fn roles_from(value: &Bound<'_, PyAny>) -> Result<Vec<core::Role>> {
    let names: Vec<String> = if value.is_instance_of::<PyString>() {
        vec![value.extract()?]
    } else {
        value.extract()?
    };
    Ok(names
        .iter()
        .map(|name| core::Role::from_name(name))
        .collect::<core::Result<Vec<_>>>()?)
}

/// Which candidacies, and which period, a report, a listing or a queue
/// covers.
///
/// Every filter left as None matches everything; the filters combine with
/// *and*. By default substitutes and withdrawn candidacies are left out.
/// `roles` takes a role name or a list of them (a candidacy holding any of
/// them matches): `head_of_list`, `head_of_section`, `member`,
/// `single_seat`, `pair_member`, `substitute` (asking for substitutes
/// includes them). The period `[since, until)` limits the contact actions
/// and pledge answers counted, not the candidacies.
#[pyclass(frozen, eq, module = "candidats")]
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Scope {
    pub(crate) inner: core::Scope,
}

impl From<core::Scope> for Scope {
    fn from(inner: core::Scope) -> Self {
        Scope { inner }
    }
}

/// The keyword arguments of `Scope`, in order.
const KEYWORDS: &[&str] = &[
    "election",
    "round",
    "constituency",
    "list",
    "nuance",
    "roles",
    "since",
    "until",
    "pledge",
    "include_substitutes",
    "include_withdrawn",
];

#[pymethods]
impl Scope {
    #[new]
    #[pyo3(signature = (
        *,
        election = None,
        round = None,
        constituency = None,
        list = None,
        nuance = None,
        roles = None,
        since = None,
        until = None,
        pledge = None,
        include_substitutes = false,
        include_withdrawn = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        election: Option<i64>,
        round: Option<u8>,
        constituency: Option<i64>,
        list: Option<i64>,
        nuance: Option<String>,
        roles: Option<&Bound<'_, PyAny>>,
        since: Option<Instant>,
        until: Option<Instant>,
        pledge: Option<i64>,
        include_substitutes: bool,
        include_withdrawn: bool,
    ) -> Result<Self> {
        let mut scope = core::Scope {
            election: election.map(core::ElectionId::new),
            round,
            constituency: constituency.map(core::ConstituencyId::new),
            list: list.map(core::ListId::new),
            nuance,
            roles: None,
            from: instant(since),
            until: instant(until),
            pledge: pledge.map(core::PledgeId::new),
            include_substitutes,
            include_withdrawn,
        };
        if let Some(roles) = roles {
            for role in roles_from(roles)? {
                scope = scope.with_role(role);
            }
        }
        Ok(Scope { inner: scope })
    }

    /// The same scope with some keywords changed, as `Scope` takes them.
    #[pyo3(signature = (**changes))]
    fn replace(&self, changes: Option<&Bound<'_, PyDict>>) -> Result<Scope> {
        let py = changes.map(|c| c.py());
        let Some((py, changes)) = py.zip(changes) else {
            return Ok(self.clone());
        };
        let merged = self.keywords(py)?;
        merged.update(changes.as_mapping())?;
        let class = py.get_type::<Scope>();
        let scope = class.call((), Some(&merged))?;
        Ok(scope
            .cast_into::<Scope>()
            .map_err(PyErr::from)?
            .get()
            .clone())
    }

    /// Only candidacies of this election.
    #[getter]
    fn election(&self) -> Option<i64> {
        self.inner.election.map(|e| e.get())
    }

    /// Only candidacies of this round.
    #[getter]
    fn round(&self) -> Option<u8> {
        self.inner.round
    }

    /// Only candidacies standing in this constituency or below it.
    #[getter]
    fn constituency(&self) -> Option<i64> {
        self.inner.constituency.map(|c| c.get())
    }

    /// Only candidacies of this list.
    #[getter]
    fn list(&self) -> Option<i64> {
        self.inner.list.map(|l| l.get())
    }

    /// Only candidacies of this nuance code.
    #[getter]
    fn nuance(&self) -> Option<String> {
        self.inner.nuance.clone()
    }

    /// Only candidacies holding at least one of these roles.
    #[getter]
    fn roles(&self) -> Option<Vec<&'static str>> {
        self.inner
            .roles
            .map(|roles| roles.iter().map(|role| role.name()).collect())
    }

    /// Count contact actions and answers from this instant on.
    #[getter]
    fn since(&self) -> Option<DateTime<Utc>> {
        self.inner.from
    }

    /// Count contact actions and answers before this instant.
    #[getter]
    fn until(&self) -> Option<DateTime<Utc>> {
        self.inner.until
    }

    /// Count answers to this pledge only.
    #[getter]
    fn pledge(&self) -> Option<i64> {
        self.inner.pledge.map(|p| p.get())
    }

    /// Also cover substitutes.
    #[getter]
    fn include_substitutes(&self) -> bool {
        self.inner.include_substitutes
    }

    /// Also cover withdrawn candidacies.
    #[getter]
    fn include_withdrawn(&self) -> bool {
        self.inner.include_withdrawn
    }

    /// The scope's keywords and values, as `Scope` takes them.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.keywords(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keywords = self.keywords(py)?;
        let mut parts = Vec::new();
        for name in KEYWORDS {
            if let Some(value) = keywords.get_item(name)? {
                let default = matches!(*name, "include_substitutes" | "include_withdrawn");
                let is_default = if default {
                    !value.extract::<bool>()?
                } else {
                    value.is_none()
                };
                if !is_default {
                    parts.push(format!("{name}={}", value.repr()?));
                }
            }
        }
        Ok(format!("Scope({})", parts.join(", ")))
    }
}

impl Scope {
    fn keywords<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("election", self.election())?;
        dict.set_item("round", self.round())?;
        dict.set_item("constituency", self.constituency())?;
        dict.set_item("list", self.list())?;
        dict.set_item("nuance", self.nuance())?;
        dict.set_item("roles", self.roles())?;
        dict.set_item("since", self.since())?;
        dict.set_item("until", self.until())?;
        dict.set_item("pledge", self.pledge())?;
        dict.set_item("include_substitutes", self.include_substitutes())?;
        dict.set_item("include_withdrawn", self.include_withdrawn())?;
        Ok(dict)
    }
}

/// The scope of a call that takes `scope=None, **filters`: the scope given
/// (or the whole store), with the filters, as `Scope` takes them, applied
/// on top.
pub(crate) fn scope_of(
    scope: Option<&Scope>,
    filters: Option<&Bound<'_, PyDict>>,
) -> Result<core::Scope> {
    let base = scope.cloned().unwrap_or_default();
    match filters {
        Some(filters) if !filters.is_empty() => Ok(base.replace(Some(filters))?.inner),
        _ => Ok(base.inner),
    }
}
