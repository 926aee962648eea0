//! Python bindings of `candidats`: the native module `candidats._native`,
//! which the `candidats` Python package re-exports.
//!
//! The bindings wrap the library's types and add nothing to its rules:
//! `open(url)` opens a store as `candidats::open` does and returns a
//! `Campaign`; records come back as frozen classes with typed attributes,
//! lists of them as `Records` that convert to columns and to pandas; the
//! library's errors become exceptions under `CandidatsError`, and file
//! errors Python's own `OSError` subclasses. Every call into the library
//! releases the GIL.
//!
//! The module is built with maturin (`bindings/python/pyproject.toml`) and
//! tested with pytest (`bindings/python/test.sh`):
//!
//! ```python
//! import candidats
//!
//! campaign = candidats.open("memory:")
//! report = campaign.report(roles="head_of_section")
//! assert report.candidacies == 0
//! ```
#![deny(missing_docs)]

mod campaign;
mod error;
mod frame;
mod import;
mod records;
mod scope;

use pyo3::prelude::*;

/// The native part of the `candidats` package.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(campaign::open, module)?)?;
    module.add_function(wrap_pyfunction!(import::layouts, module)?)?;
    module.add_class::<campaign::Campaign>()?;
    module.add_class::<campaign::ManualClock>()?;
    module.add_class::<scope::Scope>()?;
    module.add_class::<records::Records>()?;
    module.add_class::<records::Election>()?;
    module.add_class::<records::Round>()?;
    module.add_class::<records::Constituency>()?;
    module.add_class::<records::CandidateList>()?;
    module.add_class::<records::Section>()?;
    module.add_class::<records::Person>()?;
    module.add_class::<records::Candidacy>()?;
    module.add_class::<records::Participant>()?;
    module.add_class::<records::Responsibility>()?;
    module.add_class::<records::ContactDetail>()?;
    module.add_class::<records::ContactAction>()?;
    module.add_class::<records::Pledge>()?;
    module.add_class::<records::PledgeAnswer>()?;
    module.add_class::<records::Proposal>()?;
    module.add_class::<records::AuditEntry>()?;
    module.add_class::<records::Reservation>()?;
    module.add_class::<records::Marathon>()?;
    module.add_class::<records::Template>()?;
    module.add_class::<records::Message>()?;
    module.add_class::<records::Erasure>()?;
    module.add_class::<records::RoleFigures>()?;
    module.add_class::<records::Breakdown>()?;
    module.add_class::<records::DayTally>()?;
    module.add_class::<records::ParticipantFigures>()?;
    module.add_class::<records::ProgressReport>()?;
    module.add_class::<records::ImportSummary>()?;
    error::register(module)?;
    Ok(())
}
