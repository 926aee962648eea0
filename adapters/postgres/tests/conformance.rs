//! The conformance suite of `candidats-core`, on PostgreSQL: every test on a
//! fresh database of the shared throwaway server.

mod support;

candidats_core::conformance_tests!(skip_if: support::skip(), support::store());
