//! The library's errors as Python exceptions.
//!
//! Every [`candidats::Error`] becomes an instance of one subclass of
//! `CandidatsError`, chosen by its meaning, with the details a caller may
//! want to branch on set as attributes (`ConflictError.holder`, the
//! position of `InvalidInputError`). A failed file operation becomes
//! Python's own `OSError` subclass for its kind (`FileNotFoundError`,
//! `PermissionError`...), with `errno`, `strerror` and `filename` set.

use std::io;

use candidats::Error;
use pyo3::exceptions::{
    PyBlockingIOError, PyBrokenPipeError, PyConnectionAbortedError, PyConnectionRefusedError,
    PyConnectionResetError, PyException, PyFileExistsError, PyFileNotFoundError,
    PyInterruptedError, PyIsADirectoryError, PyNotADirectoryError, PyOSError, PyPermissionError,
    PyTimeoutError,
};
use pyo3::prelude::*;
use pyo3::{IntoPyObjectExt, PyTypeInfo};

pyo3::create_exception!(
    candidats,
    CandidatsError,
    PyException,
    "Base class of the errors raised by candidats (file operations raise OSError)."
);
pyo3::create_exception!(
    candidats,
    NotFoundError,
    CandidatsError,
    "A record asked for by identifier or key does not exist. `kind` names the kind of record, \
     `key` its identifier or key."
);
pyo3::create_exception!(
    candidats,
    ConflictError,
    CandidatsError,
    "The operation conflicts with the current state: what was asked for is held by another \
     participant (`holder`, their identifier, or None), already exists, or was already decided."
);
pyo3::create_exception!(
    candidats,
    PermissionDeniedError,
    CandidatsError,
    "The actor may not do this."
);
pyo3::create_exception!(
    candidats,
    InvalidInputError,
    CandidatsError,
    "A value is not acceptable. When it came from a file, `file`, `line`, `column` (counting \
     fields from 1) and `field` say where; each is None when unknown."
);
pyo3::create_exception!(
    candidats,
    UnsupportedError,
    CandidatsError,
    "The request needs something this build or store does not offer."
);
pyo3::create_exception!(
    candidats,
    BackendError,
    CandidatsError,
    "The storage backend failed; the backend's own error is the exception's __cause__."
);

/// A failure on the way back to Python: the library's error, or one raised
/// by Python itself while converting values.
#[derive(Debug)]
pub(crate) enum PyCandidatsErr {
    /// An error of the library.
    Core(Error),
    /// An error raised by Python.
    Python(PyErr),
}

impl From<Error> for PyCandidatsErr {
    fn from(error: Error) -> Self {
        PyCandidatsErr::Core(error)
    }
}

impl From<PyErr> for PyCandidatsErr {
    fn from(error: PyErr) -> Self {
        PyCandidatsErr::Python(error)
    }
}

impl From<PyCandidatsErr> for PyErr {
    fn from(error: PyCandidatsErr) -> PyErr {
        match error {
            PyCandidatsErr::Core(error) => Python::attach(|py| to_python(py, error)),
            PyCandidatsErr::Python(error) => error,
        }
    }
}

/// The result of a binding function.
pub(crate) type Result<T, E = PyCandidatsErr> = std::result::Result<T, E>;

fn to_python(py: Python<'_>, error: Error) -> PyErr {
    let exception = exception(py, &error).unwrap_or_else(|failure| failure);
    set_causes(py, &exception, &error);
    exception
}

/// The exception for `error`; `Err` when Python failed while building it.
fn exception(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let message = error.to_string();
    Ok(match error {
        Error::NotFound { kind, key } => with_attributes::<NotFoundError>(
            py,
            message,
            &[
                ("kind", kind.name().into_bound_py_any(py)?),
                ("key", key.as_str().into_bound_py_any(py)?),
            ],
        ),
        Error::Conflict { holder, .. } => {
            let holder = holder.map(|p| p.get());
            with_attributes::<ConflictError>(
                py,
                message,
                &[("holder", holder.into_bound_py_any(py)?)],
            )
        }
        Error::PermissionDenied { .. } => PermissionDeniedError::new_err(message),
        Error::InvalidInput { location, .. } => {
            let location = location.as_deref().cloned().unwrap_or_default();
            with_attributes::<InvalidInputError>(
                py,
                message,
                &[
                    ("file", location.file.into_bound_py_any(py)?),
                    ("line", location.line.into_bound_py_any(py)?),
                    ("column", location.column.into_bound_py_any(py)?),
                    ("field", location.field.into_bound_py_any(py)?),
                ],
            )
        }
        Error::Io {
            action,
            path,
            source,
        } => os_error(py, action, path, source),
        Error::Unsupported { .. } => UnsupportedError::new_err(message),
        Error::Backend { .. } => BackendError::new_err(message),
        _ => CandidatsError::new_err(message),
    })
}

/// An exception of type `E` with attributes set on its instance.
fn with_attributes<'py, E: PyTypeInfo>(
    py: Python<'py>,
    message: String,
    attributes: &[(&str, Bound<'py, PyAny>)],
) -> PyErr {
    let exception = PyErr::new::<E, _>(message);
    let value = exception.value(py);
    for (name, attribute) in attributes {
        if let Err(error) = value.setattr(*name, attribute) {
            return error;
        }
    }
    exception
}

/// Python's `OSError` subclass for an I/O error's kind, built as Python
/// builds its own: `(errno, strerror, filename)`.
fn os_error(py: Python<'_>, action: &str, path: &str, source: &io::Error) -> PyErr {
    let kind = match source.kind() {
        io::ErrorKind::NotFound => PyFileNotFoundError::type_object(py),
        io::ErrorKind::PermissionDenied => PyPermissionError::type_object(py),
        io::ErrorKind::AlreadyExists => PyFileExistsError::type_object(py),
        io::ErrorKind::IsADirectory => PyIsADirectoryError::type_object(py),
        io::ErrorKind::NotADirectory => PyNotADirectoryError::type_object(py),
        io::ErrorKind::Interrupted => PyInterruptedError::type_object(py),
        io::ErrorKind::TimedOut => PyTimeoutError::type_object(py),
        io::ErrorKind::WouldBlock => PyBlockingIOError::type_object(py),
        io::ErrorKind::BrokenPipe => PyBrokenPipeError::type_object(py),
        io::ErrorKind::ConnectionRefused => PyConnectionRefusedError::type_object(py),
        io::ErrorKind::ConnectionReset => PyConnectionResetError::type_object(py),
        io::ErrorKind::ConnectionAborted => PyConnectionAbortedError::type_object(py),
        _ => PyOSError::type_object(py),
    };
    let strerror = format!("cannot {action}: {source}");
    let errno = source.raw_os_error();
    let arguments = (errno, strerror, path).into_pyobject(py);
    match arguments.and_then(|arguments| kind.call1(arguments)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => error,
    }
}

/// Chains the error's sources as the exception's `__cause__`, each as a
/// plain `Exception` with the source's message.
fn set_causes(py: Python<'_>, exception: &PyErr, error: &Error) {
    let mut sources = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        sources.push(cause.to_string());
        source = cause.source();
    }
    if matches!(error, Error::Io { .. }) {
        // The OSError already carries the operating system's message.
        sources.clear();
    }
    let mut cause: Option<PyErr> = None;
    for message in sources.into_iter().rev() {
        let next = PyException::new_err(message);
        next.set_cause(py, cause.take());
        cause = Some(next);
    }
    if cause.is_some() {
        exception.set_cause(py, cause);
    }
}

/// Registers the exception classes in the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("CandidatsError", py.get_type::<CandidatsError>())?;
    module.add("NotFoundError", py.get_type::<NotFoundError>())?;
    module.add("ConflictError", py.get_type::<ConflictError>())?;
    module.add(
        "PermissionDeniedError",
        py.get_type::<PermissionDeniedError>(),
    )?;
    module.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    module.add("UnsupportedError", py.get_type::<UnsupportedError>())?;
    module.add("BackendError", py.get_type::<BackendError>())?;
    Ok(())
}
