//! The conformance suite every store runs, and proptest strategies for the
//! domain types. Enabled by the `testing` feature.
//!
//! A store crate runs the whole suite with one macro call in a test file:
//!
//! ```
//! candidats_core::conformance_tests!(candidats_core::MemoryStore::new());
//! # fn main() {}
//! ```
//!
//! Each behaviour is written once, in [`conformance`], generic over
//! [`Store`](crate::Store); the macro expands to one `#[test]` per
//! behaviour, each on a fresh store made by the expression given.

pub mod conformance;
pub mod fixtures;
pub mod model;
pub mod strategies;

/// Says on the test process's standard error that `what` is skipped, and
/// why. It writes to the stream itself rather than through `eprintln!`,
/// whose output the test harness keeps back for a test that passes, so the
/// line shows in every run.
pub fn say_skipped(what: &str, why: &str) {
    use std::io::Write as _;

    let _ = writeln!(std::io::stderr(), "skipping {what}: {why}");
}

/// Expands to one `#[test]` per behaviour of the conformance suite, each
/// running on a fresh store built by `$make`.
///
/// A store that needs a server can have its tests skipped when the server
/// is missing: with `skip_if: $skip, $make`, each test first evaluates
/// `$skip` and returns at once when it is true (`$skip` says why).
#[macro_export]
macro_rules! conformance_tests {
    (skip_if: $skip:expr, $make:expr) => {
        $crate::conformance_tests!(@tests ($skip) $make;
            records_round_trip,
            lookups_by_key,
            missing_records_are_not_found,
            failed_writes_keep_nothing,
            references_are_checked,
            unique_keys_are_enforced,
            identifiers_are_never_reused,
            audit_is_append_only,
            filters_select_records,
            scopes_select_candidacies,
            queries_match_the_oracle,
            import_is_idempotent,
            corrected_file_updates_in_place,
            national_file_imported_again,
            second_round_links_persons,
            one_person_may_stand_on_two_lists,
            ambiguous_persons_are_reported,
            bad_files_change_nothing,
            skipped_lines_are_reported,
            responsibility_is_exclusive,
            waiting_requests_are_granted_on_release,
            revoked_and_expired_rights_stop_at_once,
            edits_without_responsibility_become_proposals,
            moderation_of_proposals,
            changes_can_be_reverted,
            private_details_are_shown_to_the_responsible_only,
            contact_details_are_validated,
            queues_serve_heads_first,
            reservations_keep_candidacies_apart,
            concurrent_takers_never_share_a_candidacy,
            concurrent_requests_grant_once,
            templates_render_messages,
            erasure_removes_personal_data,
            person_export_holds_everything,
            marathons_report_their_window,
            report_counts_roles_and_periods,
            report_rebuilds_the_2015_campaign,
            model_matches_memory,
            random_records_round_trip,
        );
    };
    ($make:expr) => {
        $crate::conformance_tests!(skip_if: false, $make);
    };
    (@tests ($skip:expr) $make:expr; $($name:ident,)*) => {
        $(
            #[test]
            fn $name() {
                if $skip {
                    return;
                }
                $crate::testing::conformance::$name(|| $make);
            }
        )*
    };
}
