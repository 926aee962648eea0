//! A national-size import through the bulk path: the 2015 régionales,
//! 21,456 candidacies, in one transaction.

mod support;

use std::time::Instant;

use candidats_core::testing::model::plan_2015;
use candidats_core::*;

#[test]
fn the_2015_regionales_import_in_bulk() {
    if support::skip() {
        return;
    }
    let campaign = Campaign::new(support::store());
    let options = ImportOptions::new("Régionales 2015", ElectionKind::Regionales);

    let started = Instant::now();
    let first = campaign
        .import(
            &mut plan_2015().rows().into_iter().map(Ok),
            &options,
            &mut |_, _| Ok(()),
        )
        .expect("import");
    let elapsed = started.elapsed();

    assert_eq!(
        (first.candidacies, first.created, first.persons_created),
        (21_456, 21_456, 21_456)
    );
    let stored = campaign
        .store()
        .read_with(|r| Ok((r.persons()?.len(), r.candidacies(&Scope::default())?.len())))
        .expect("read");
    assert_eq!(stored, (21_456, 21_456));
    println!(
        "imported 21,456 candidacies in {:.2} s",
        elapsed.as_secs_f64()
    );
}
