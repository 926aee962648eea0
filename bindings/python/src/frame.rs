//! Records into a pandas DataFrame, one column at a time: numbers and
//! flags as numpy arrays built from their bytes, numbers that may be
//! missing as pandas' nullable integer arrays, texts as lists where each
//! distinct text is one Python string; only the other values (instants,
//! days, lists) become one Python object each.

use std::collections::BTreeMap;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyString};
use pyo3::IntoPyObjectExt;

use crate::records::{RoleFigures, Round};
use crate::scope::Scope;

/// The modules a frame is built with.
pub(crate) struct Frame<'py> {
    numpy: Bound<'py, PyModule>,
    pandas: Bound<'py, PyModule>,
}

impl<'py> Frame<'py> {
    /// The modules, imported; pandas brings numpy.
    pub(crate) fn new(pandas: Bound<'py, PyModule>) -> PyResult<Frame<'py>> {
        let numpy = pandas.py().import("numpy")?;
        Ok(Frame { numpy, pandas })
    }

    fn py(&self) -> Python<'py> {
        self.numpy.py()
    }

    /// A writable numpy array of `dtype` over native-endian `bytes`.
    fn array(&self, bytes: &[u8], dtype: &str) -> PyResult<Bound<'py, PyAny>> {
        let buffer = PyByteArray::new(self.py(), bytes);
        self.numpy.getattr("frombuffer")?.call1((buffer, dtype))
    }

    fn int64(&self, values: impl Iterator<Item = i64>) -> PyResult<Bound<'py, PyAny>> {
        let bytes: Vec<u8> = values.flat_map(i64::to_ne_bytes).collect();
        self.array(&bytes, "int64")
    }

    fn nullable_int64(
        &self,
        values: impl Iterator<Item = Option<i64>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (mut bytes, mut mask) = (Vec::new(), Vec::new());
        for value in values {
            bytes.extend_from_slice(&value.unwrap_or(0).to_ne_bytes());
            mask.push(u8::from(value.is_none()));
        }
        let values = self.array(&bytes, "int64")?;
        let mask = self.array(&mask, "bool")?;
        self.pandas
            .getattr("arrays")?
            .getattr("IntegerArray")?
            .call1((values, mask))
    }

    fn float64(&self, values: impl Iterator<Item = f64>) -> PyResult<Bound<'py, PyAny>> {
        let bytes: Vec<u8> = values.flat_map(f64::to_ne_bytes).collect();
        self.array(&bytes, "float64")
    }

    /// Texts as a list, each distinct text one Python string.
    fn texts<'a>(
        &self,
        values: impl Iterator<Item = Option<&'a str>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py();
        let mut seen: HashMap<&'a str, Bound<'py, PyString>> = HashMap::new();
        let mut items: Vec<Bound<'py, PyAny>> = Vec::new();
        for value in values {
            let item = match value {
                Some(text) => seen
                    .entry(text)
                    .or_insert_with(|| PyString::new(py, text))
                    .clone()
                    .into_any(),
                None => py.None().into_bound(py),
            };
            items.push(item);
        }
        Ok(PyList::new(py, items)?.into_any())
    }

    /// Any values, one Python object each.
    fn objects<'a, T>(&self, values: impl Iterator<Item = &'a T>) -> PyResult<Bound<'py, PyAny>>
    where
        T: Clone + IntoPyObjectExt<'py> + 'a,
    {
        let py = self.py();
        let items = values
            .map(|value| value.clone().into_bound_py_any(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

/// How the values of one attribute become one column of a DataFrame.
pub(crate) trait Column {
    /// The column of `values`, one per record.
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        Self: 'a;
}

macro_rules! integer_columns {
    ($($ty:ty),*) => {$(
        impl Column for $ty {
            fn column<'a, 'py>(
                frame: &Frame<'py>,
                values: impl Iterator<Item = &'a Self>,
            ) -> PyResult<Bound<'py, PyAny>> {
                frame.int64(values.map(|v| *v as i64))
            }
        }

        impl Column for Option<$ty> {
            fn column<'a, 'py>(
                frame: &Frame<'py>,
                values: impl Iterator<Item = &'a Self>,
            ) -> PyResult<Bound<'py, PyAny>> {
                frame.nullable_int64(values.map(|v| v.map(|v| v as i64)))
            }
        }
    )*};
}

integer_columns!(i64, u64, u32, u8);

impl Column for bool {
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes: Vec<u8> = values.map(|v| u8::from(*v)).collect();
        frame.array(&bytes, "bool")
    }
}

impl Column for f64 {
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frame.float64(values.copied())
    }
}

impl Column for Option<f64> {
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frame.float64(values.map(|v| v.unwrap_or(f64::NAN)))
    }
}

impl Column for String {
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frame.texts(values.map(|v| Some(v.as_str())))
    }
}

impl Column for Option<String> {
    fn column<'a, 'py>(
        frame: &Frame<'py>,
        values: impl Iterator<Item = &'a Self>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frame.texts(values.map(|v| v.as_deref()))
    }
}

macro_rules! object_columns {
    ($($ty:ty),*) => {$(
        impl Column for $ty {
            fn column<'a, 'py>(
                frame: &Frame<'py>,
                values: impl Iterator<Item = &'a Self>,
            ) -> PyResult<Bound<'py, PyAny>> {
                frame.objects(values)
            }
        }
    )*};
}

object_columns!(
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    NaiveDate,
    Option<NaiveDate>,
    Vec<String>,
    Vec<Round>,
    Scope,
    BTreeMap<String, RoleFigures>
);
