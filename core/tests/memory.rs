//! The memory store runs the whole conformance suite.

candidats_core::conformance_tests!(candidats_core::MemoryStore::new());
