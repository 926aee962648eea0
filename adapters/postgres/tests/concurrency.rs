//! Many connections taking from one queue and recording what they did:
//! nothing lost, nothing handed out twice.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;

use candidats_core::*;

/// One region, `lists` lists of 40 candidacies without contact details.
fn rows(lists: u32) -> Vec<ImportRow> {
    let mut rows = Vec::new();
    for panel in 1..=lists {
        for order in 1..=40 {
            rows.push(ImportRow {
                location: Location::file("queue.csv").line(u64::from(panel * 100 + order)),
                area: vec![AreaSpec {
                    kind: ConstituencyKind::Region,
                    code: "53".into(),
                    name: "Bretagne".into(),
                }],
                candidate: testing::fixtures::candidate(
                    &format!("NOM{panel}-{order}"),
                    "Prénom",
                    None,
                ),
                seat: SeatSpec::List {
                    panel: Some(panel),
                    short_label: None,
                    label: format!("Liste {panel}"),
                    nuance: None,
                    section: None,
                    order,
                    head_of_list: Some(order == 1),
                    community_council: false,
                },
                raw: Vec::new(),
            });
        }
    }
    rows
}

#[test]
fn sixteen_takers_share_one_queue_exactly_once() {
    if support::skip() {
        return;
    }
    let campaign = Arc::new(Campaign::new(support::store()));
    let options = ImportOptions::new("Régionales 2021", ElectionKind::Regionales);
    let summary = campaign
        .import(&mut rows(10).into_iter().map(Ok), &options, &mut |_, _| {
            Ok(())
        })
        .expect("import");
    assert_eq!(summary.candidacies, 400);
    let volunteers: Vec<ParticipantId> = (0..16)
        .map(|i| {
            campaign
                .register(&format!("V{i}"), None)
                .expect("register")
                .id
        })
        .collect();

    let handles: Vec<_> = volunteers
        .into_iter()
        .map(|who| {
            let campaign = Arc::clone(&campaign);
            thread::spawn(move || {
                let mut taken = Vec::new();
                while let Some((_, c)) = campaign
                    .take_next(
                        who,
                        QueueKind::ToCollect,
                        &Scope::default(),
                        &TakeOptions::default(),
                    )
                    .expect("take")
                {
                    campaign
                        .record_action(
                            who,
                            NewContactAction::new(c.id, Channel::Phone, Outcome::NoAnswer),
                        )
                        .expect("record");
                    taken.push(c.id);
                }
                taken
            })
        })
        .collect();
    let mut handed_out: BTreeMap<CandidacyId, u32> = BTreeMap::new();
    for handle in handles {
        for id in handle.join().expect("a taker panicked") {
            *handed_out.entry(id).or_default() += 1;
        }
    }

    assert_eq!(handed_out.len(), 400, "every candidacy was handed out");
    assert!(
        handed_out.values().all(|n| *n == 1),
        "a candidacy was handed out twice"
    );
    let (actions, reservations) = campaign
        .store()
        .read_with(|r| {
            Ok((
                r.contact_actions(&ActionFilter::default())?,
                r.reservations(&ReservationFilter::default())?,
            ))
        })
        .expect("read");
    assert_eq!((actions.len(), reservations.len()), (400, 400));
    let mut acted: BTreeMap<ActionTarget, u32> = BTreeMap::new();
    for action in &actions {
        *acted.entry(action.target).or_default() += 1;
    }
    assert!(
        acted.values().all(|n| *n == 1) && acted.len() == 400,
        "an action was lost"
    );
}
