//! Who may do what, on every store.
//!
//! Every mutating operation of [`Campaign`], and the rule each follows:
//!
//! | operation | who |
//! |---|---|
//! | `register` | anyone |
//! | `register_moderator` | anyone, while the campaign has no moderator |
//! | `set_moderator` | moderators; the last moderator cannot step down |
//! | `request_responsibility` | anyone; granted at once for moderators or under automatic grants, else waits for a moderator |
//! | `grant`, `refuse`, `revoke` | moderators |
//! | `release` | the holder, or a moderator |
//! | `change`, `add_contact_detail`, `set_detail_status`, `record_answer` | applied for moderators and the holder of an active responsibility over the record; a proposal for anyone else |
//! | `accept`, `reject` | moderators and the holder of an active responsibility over what the proposal changes |
//! | `revert` | moderators and the holder of an active responsibility over the record |
//! | `record_action` | any participant, for their own actions |
//! | `create_pledge`, `create_marathon`, `erase_person` | moderators |
//! | `export_person` (reads personal data) | moderators |
//! | `create_template` | any participant, for themselves |
//! | `update_template` | the template's owner |
//! | `take_next` | any participant |
//! | `release_reservation` | the participant who took it, or a moderator |
//! | `import` | whoever holds the store: it names no actor, like opening the store |
//!
//! An unknown actor is refused by every operation. A revoked, released or
//! expired responsibility stops giving rights at once, whatever covers the
//! record (the candidacy, its list, its constituency). The audit history is
//! only ever appended to: no operation changes an entry, except erasure,
//! which only scrubs the entries about the erased person.

mod stores;

use std::sync::Arc;

use candidats::*;
use candidats_core::testing::fixtures::{day, ok, start, Fixture};
use chrono::Duration;
use stores::Kind;

type F = Fixture<DynStore>;

fn fixture(kind: Kind) -> (F, stores::Made<DynStore>) {
    let made = kind.make();
    (Fixture::new(made.store.clone()), made)
}

fn denied<T: std::fmt::Debug>(result: Result<T>, what: &str) {
    assert!(
        matches!(result, Err(Error::PermissionDenied { .. })),
        "{what}: expected a refusal, got {result:?}"
    );
}

fn proposed<T: std::fmt::Debug>(result: Result<Edit<T>>, what: &str) -> Proposal {
    match result {
        Ok(Edit::Proposed(p)) => p,
        other => panic!("{what}: expected a proposal, got {other:?}"),
    }
}

fn applied<T: std::fmt::Debug>(result: Result<Edit<T>>, what: &str) -> T {
    match result {
        Ok(Edit::Applied(x)) => x,
        other => panic!("{what}: expected the change applied, got {other:?}"),
    }
}

fn email_detail(owner: Owner, value: &str) -> NewContactDetail {
    NewContactDetail {
        owner,
        point: ok(ContactPoint::new(Channel::Email, value)),
        source: "https://example.org/contact".into(),
        visibility: Visibility::Private,
        label: None,
        note: None,
    }
}

fn audit_of(f: &F) -> Vec<AuditRecord> {
    ok(f.campaign
        .store()
        .read_with(|r| r.audit(&AuditFilter::default())))
}

/// The moderator-only operations refuse volunteers and change nothing.
fn moderators_only(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let alice = f.volunteers[0];
    let person = f.candidacies[0].person;
    let request = ok(c.request_responsibility(
        f.volunteers[1],
        Target::Candidacy(f.candidacies[0].id),
        None,
        IfTaken::Refuse,
    ));
    let before = audit_of(&f);

    denied(c.set_moderator(alice, alice, true), "set_moderator");
    denied(c.grant(alice, request.id), "grant");
    denied(c.refuse(alice, request.id), "refuse");
    denied(c.revoke(alice, request.id), "revoke");
    denied(
        c.create_pledge(alice, "Autre pacte", 1, "texte"),
        "create_pledge",
    );
    denied(
        c.create_marathon(
            alice,
            "Contacthon n°9",
            Some(9),
            start(),
            start() + Duration::hours(3),
            Scope::default(),
        ),
        "create_marathon",
    );
    denied(c.erase_person(alice, person, None), "erase_person");
    denied(c.export_person(alice, person), "export_person");
    denied(
        c.register_moderator("Intrus", None),
        "a second moderator registering",
    );
    assert_eq!(audit_of(&f), before, "{kind:?}: a refusal left a trace");
    assert!(!ok(c.store().read_with(|r| r.participant(alice))).moderator);

    let promoted = ok(c.set_moderator(f.moderator, alice, true));
    assert!(promoted.moderator);
    ok(c.grant(alice, request.id));
}

/// The last moderator cannot step down, which would let anyone register as
/// moderator; with another moderator, they can.
fn the_last_moderator_stays(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let alice = f.volunteers[0];
    let refused = c.set_moderator(f.moderator, f.moderator, false);
    assert!(
        matches!(refused, Err(Error::Conflict { .. })),
        "{kind:?}: {refused:?}"
    );
    denied(c.register_moderator("Intrus", None), "register_moderator");

    ok(c.set_moderator(f.moderator, alice, true));
    let stepped_down = ok(c.set_moderator(f.moderator, f.moderator, false));
    assert!(!stepped_down.moderator);
    denied(
        c.set_moderator(f.moderator, f.moderator, true),
        "a former moderator",
    );
    denied(c.register_moderator("Intrus", None), "register_moderator");
}

/// Unknown actors are refused everywhere.
fn unknown_actors_are_refused(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let ghost = ParticipantId::new(9_999);
    let cand = &f.candidacies[0];
    let before = audit_of(&f);
    let not_found = |result: Result<()>, what: &str| {
        assert!(
            matches!(result, Err(Error::NotFound { .. })),
            "{kind:?}: {what} by an unknown actor: {result:?}"
        );
    };
    not_found(
        c.request_responsibility(ghost, Target::Candidacy(cand.id), None, IfTaken::Refuse)
            .map(drop),
        "request_responsibility",
    );
    not_found(
        c.add_contact_detail(
            ghost,
            email_detail(Owner::Person(cand.person), "g@example.org"),
        )
        .map(drop),
        "add_contact_detail",
    );
    not_found(
        c.record_action(
            ghost,
            NewContactAction::new(cand.id, Channel::Email, Outcome::Sent),
        )
        .map(drop),
        "record_action",
    );
    not_found(
        c.take_next(
            ghost,
            QueueKind::ToCollect,
            &Scope::default(),
            &TakeOptions::default(),
        )
        .map(drop),
        "take_next",
    );
    not_found(
        c.create_template(ghost, "t", "s", "b").map(drop),
        "create_template",
    );
    not_found(
        c.create_pledge(ghost, "p", 1, "t").map(drop),
        "create_pledge",
    );
    not_found(
        c.erase_person(ghost, cand.person, None).map(drop),
        "erase_person",
    );
    not_found(
        c.set_moderator(ghost, f.volunteers[0], true).map(drop),
        "set_moderator",
    );
    assert_eq!(audit_of(&f), before);
}

/// Each kind of edit is a proposal without the right, applied with it; the
/// proposal is decided by the responsible participant or a moderator only.
fn edits_need_the_right(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let (alice, bob, chloe) = (f.volunteers[0], f.volunteers[1], f.volunteers[2]);
    let target = f.candidacies[2].clone();
    let list = target.list().expect("a list");
    let owner = Owner::Person(target.person);
    let r =
        ok(c.request_responsibility(alice, Target::Candidacy(target.id), None, IfTaken::Refuse));
    assert_eq!(
        r.status,
        ResponsibilityStatus::Requested,
        "no grant without a moderator"
    );
    let waiting = proposed(
        c.add_contact_detail(alice, email_detail(owner, "a@example.org")),
        "an edit before the grant",
    );
    ok(c.grant(f.moderator, r.id));

    let detail = applied(
        c.add_contact_detail(alice, email_detail(owner, "b@example.org")),
        "add_contact_detail by the holder",
    );
    proposed(
        c.add_contact_detail(bob, email_detail(owner, "c@example.org")),
        "add_contact_detail by another",
    );
    proposed(
        c.set_detail_status(bob, detail.id, DetailStatus::Bounced, None),
        "set_detail_status by another",
    );
    applied(
        c.set_detail_status(alice, detail.id, DetailStatus::Confirmed, None),
        "set_detail_status by the holder",
    );
    proposed(
        c.record_answer(
            bob,
            f.pledge,
            Subject::Person(target.person),
            Answer::Declined,
            day(11),
        ),
        "record_answer by another",
    );
    let person = ok(c.store().read_with(|r| r.person(target.person)));
    proposed(
        c.change(
            bob,
            Change::UpdatePerson {
                person: person.clone(),
            },
            None,
        ),
        "UpdatePerson by another",
    );
    proposed(
        c.change(
            bob,
            Change::SetWithdrawn {
                candidacy: target.id,
                withdrawn: true,
            },
            None,
        ),
        "SetWithdrawn by another",
    );

    // A responsibility over one candidacy gives no right over its list.
    let list_edit = proposed(
        c.add_contact_detail(alice, email_detail(Owner::List(list), "liste@example.org")),
        "a list's detail by the holder of one candidacy",
    );
    proposed(
        c.record_answer(
            alice,
            f.pledge,
            Subject::List(list),
            Answer::Declined,
            day(11),
        ),
        "a list's answer by the holder of one candidacy",
    );
    denied(c.accept(alice, list_edit.id), "accepting a list's edit");
    denied(c.accept(chloe, waiting.id), "accept by a third participant");
    denied(c.reject(chloe, waiting.id), "reject by a third participant");
    denied(c.accept(bob, list_edit.id), "accept by the author");
    ok(c.accept(alice, waiting.id));
    ok(c.reject(f.moderator, list_edit.id));

    let history = ok(c.history(RecordKind::ContactDetail, detail.id.get()));
    denied(c.revert(bob, history[1].id, None), "revert by another");
    ok(c.revert(alice, history[1].id, None));
}

/// Revoked, released and expired responsibilities stop giving rights at
/// once, whether they cover the candidacy, its list or its constituency.
fn lost_rights_stop_at_once(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let alice = f.volunteers[0];
    let target = f.candidacies[1].clone();
    let list = target.list().expect("a list");
    let region = ok(c.store().read_with(|r| r.list(list))).constituency;
    let owner = Owner::Person(target.person);
    let private = ok(c.add_contact_detail(f.moderator, email_detail(owner, "p@example.org")))
        .applied()
        .expect("applied");
    let proposal = proposed(
        c.add_contact_detail(f.volunteers[1], email_detail(owner, "q@example.org")),
        "a proposal to decide",
    );
    let entry = ok(c.history(RecordKind::ContactDetail, private.id.get()))[0].id;

    let check = |how: &str, has: bool| {
        assert_eq!(
            ok(c.may_edit_candidacy(alice, target.id)),
            has,
            "{kind:?}: {how}"
        );
        assert_eq!(
            ok(c.may_edit_person(alice, target.person)),
            has,
            "{kind:?}: {how}"
        );
        let seen = ok(c.contact_details(Some(alice), owner));
        assert_eq!(
            seen.iter().any(|d| d.id == private.id),
            has,
            "{kind:?}: {how}: private detail seen"
        );
        if !has {
            proposed(
                c.change(
                    alice,
                    Change::SetWithdrawn {
                        candidacy: target.id,
                        withdrawn: true,
                    },
                    None,
                ),
                how,
            );
            denied(c.accept(alice, proposal.id), how);
            denied(c.reject(alice, proposal.id), how);
            denied(c.revert(alice, entry, None), how);
        }
    };

    for (n, target_of) in [
        Target::Candidacy(target.id),
        Target::List(list),
        Target::Constituency(region),
    ]
    .into_iter()
    .enumerate()
    {
        // Revoked.
        let r = ok(c.request_responsibility(alice, target_of, None, IfTaken::Refuse));
        ok(c.grant(f.moderator, r.id));
        check(&format!("granted over {target_of:?}"), true);
        ok(c.revoke(f.moderator, r.id));
        check(&format!("revoked over {target_of:?}"), false);

        // Released.
        let r = ok(c.request_responsibility(alice, target_of, None, IfTaken::Refuse));
        ok(c.grant(f.moderator, r.id));
        check(&format!("granted again over {target_of:?}"), true);
        ok(c.release(alice, r.id));
        check(&format!("released over {target_of:?}"), false);

        // Expired.
        let end = f.clock.now() + Duration::minutes(10 + n as i64);
        let r = ok(c.request_responsibility(alice, target_of, Some(end), IfTaken::Refuse));
        ok(c.grant(f.moderator, r.id));
        check(&format!("granted until {end} over {target_of:?}"), true);
        f.clock.advance(Duration::minutes(10 + n as i64));
        check(&format!("expired over {target_of:?}"), false);
        assert!(matches!(
            c.release(alice, r.id),
            Err(Error::Conflict { .. })
        ));
    }
}

/// Releases of responsibilities and reservations, and template changes,
/// are their owner's (or a moderator's).
fn owners_only(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let r = ok(c.request_responsibility(
        alice,
        Target::Candidacy(f.candidacies[0].id),
        None,
        IfTaken::Refuse,
    ));
    ok(c.grant(f.moderator, r.id));
    denied(c.release(bob, r.id), "release by another");
    assert!(ok(c.may_edit_candidacy(alice, f.candidacies[0].id)));

    let (reservation, _) = ok(c.take_next(
        alice,
        QueueKind::ToCollect,
        &Scope::default(),
        &TakeOptions::default(),
    ))
    .expect("a candidacy");
    denied(
        c.release_reservation(bob, reservation.id),
        "release_reservation by another",
    );
    assert_eq!(ok(c.reservations_of(alice)).len(), 1);
    ok(c.release_reservation(f.moderator, reservation.id));
    assert!(ok(c.reservations_of(alice)).is_empty());

    let template = ok(c.create_template(alice, "modèle", "Pacte", "Bonjour {{surname}}"));
    denied(
        c.update_template(bob, template.id, "x", "y", "z"),
        "update_template by another",
    );
    denied(
        c.update_template(f.moderator, template.id, "x", "y", "z"),
        "update_template by a moderator",
    );
    assert_eq!(
        ok(c.store().read_with(|r| r.template(template.id))),
        template
    );

    let action = ok(c.record_action(
        bob,
        NewContactAction::new(f.candidacies[0].id, Channel::Email, Outcome::Sent),
    ));
    assert_eq!(action.participant, bob, "an action is its recorder's own");
}

/// No operation changes an audit entry; erasure only scrubs the entries
/// about the erased person; the store refuses to write an entry twice.
fn history_is_never_rewritten(kind: Kind) {
    let (f, _made) = fixture(kind);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let target = f.candidacies[3].clone();
    let other = f.candidacies[4].clone();
    let mut seen = audit_of(&f);
    let mut step = |what: &str| {
        let now = audit_of(&f);
        assert!(
            now.len() >= seen.len() && now[..seen.len()] == seen[..],
            "{kind:?}: `{what}` changed the history"
        );
        assert!(now.windows(2).all(|w| w[0].id < w[1].id));
        seen = now;
    };

    let r =
        ok(c.request_responsibility(alice, Target::Candidacy(target.id), None, IfTaken::Refuse));
    step("request");
    ok(c.grant(f.moderator, r.id));
    step("grant");
    let d = ok(c.add_contact_detail(
        alice,
        email_detail(Owner::Person(target.person), "t@example.org"),
    ))
    .applied()
    .expect("applied");
    step("add");
    ok(c.set_detail_status(alice, d.id, DetailStatus::Bounced, Some("retour")));
    step("status");
    let entry = ok(c.history(RecordKind::ContactDetail, d.id.get()))[1].id;
    ok(c.revert(alice, entry, Some("erreur")));
    step("revert");
    let p = proposed(
        c.add_contact_detail(
            bob,
            email_detail(Owner::Person(target.person), "u@example.org"),
        ),
        "proposal",
    );
    step("propose");
    ok(c.accept(alice, p.id));
    step("accept");
    ok(c.add_contact_detail(
        f.moderator,
        email_detail(Owner::Person(other.person), "o@example.org"),
    ));
    step("add another");
    ok(c.record_action(
        bob,
        NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
    ));
    step("action");
    ok(c.revoke(f.moderator, r.id));
    step("revoke");

    // Writing an existing entry again is refused, and the whole write with
    // it.
    let first = audit_of(&f)[0].clone();
    let forged = c.store().write(&mut |w| {
        let id = ParticipantId::new(w.allocate(RecordKind::Participant)?);
        w.put_participant(&Participant {
            id,
            name: Name::new("Faussaire")?,
            email: None,
            moderator: true,
            registered_at: start(),
        })?;
        w.append_audit(&AuditRecord {
            source: Some("forged".into()),
            after: None,
            ..first.clone()
        })
    });
    assert!(
        matches!(forged, Err(Error::Conflict { .. })),
        "{kind:?}: {forged:?}"
    );
    step("a refused rewrite");
    assert!(ok(c.store().read_with(|r| r.participants()))
        .iter()
        .all(|p| p.name.as_str() != "Faussaire"));

    // Erasure scrubs the target's entries and touches nothing else.
    let before = audit_of(&f);
    ok(c.erase_person(f.moderator, target.person, None));
    let after = audit_of(&f);
    assert_eq!(
        after.len(),
        before.len() + 1,
        "{kind:?}: one entry for the erasure"
    );
    for (old, new) in before.iter().zip(&after) {
        if old.person == Some(target.person) {
            let scrubbed = AuditRecord {
                before: None,
                after: None,
                source: None,
                ..old.clone()
            };
            assert_eq!(new, &scrubbed, "{kind:?}: erasure did more than scrub");
        } else {
            assert_eq!(new, old, "{kind:?}: erasure changed another entry");
        }
    }
    let erased = after.last().expect("the erasure's entry");
    assert_eq!(
        (erased.action, erased.record, erased.actor),
        (AuditAction::Erase, target.person.get(), Some(f.moderator))
    );
    let scrubbed = after
        .iter()
        .find(|e| e.person == Some(target.person))
        .expect("a scrubbed entry");
    let undo = c.revert(f.moderator, scrubbed.id, None);
    assert!(matches!(undo, Err(Error::InvalidInput { .. })), "{undo:?}");
    let undo = c.revert(f.moderator, erased.id, None);
    assert!(matches!(undo, Err(Error::InvalidInput { .. })), "{undo:?}");
}

/// Under automatic grants, a volunteer gets what nobody holds, never what
/// another holds; a moderator's request is granted at once under
/// moderation too.
fn grants_follow_the_policy(kind: Kind) {
    let made = kind.make();
    let clock = Arc::new(ManualClock::new(start()));
    let c = Campaign::new(made.store.clone())
        .with_policy(GrantPolicy::Automatic)
        .with_clock(clock.clone());
    candidats_core::testing::fixtures::import(
        &c,
        candidats_core::testing::fixtures::regional_rows(),
        &candidats_core::testing::fixtures::regional_options(),
    );
    let alice = ok(c.register("Alice", None)).id;
    let bob = ok(c.register("Bob", None)).id;
    let first = ok(c.store().read_with(|r| r.candidacies(&Scope::default())))[0].clone();
    let list = first.list().expect("a list");
    let held =
        ok(c.request_responsibility(alice, Target::Candidacy(first.id), None, IfTaken::Refuse));
    assert_eq!(held.status, ResponsibilityStatus::Granted);
    let taken = c.request_responsibility(bob, Target::List(list), None, IfTaken::Refuse);
    assert!(
        matches!(taken, Err(Error::Conflict { holder: Some(h), .. }) if h == alice),
        "{kind:?}: {taken:?}"
    );
    let waiting = ok(c.request_responsibility(bob, Target::List(list), None, IfTaken::Wait));
    assert_eq!(waiting.status, ResponsibilityStatus::Requested);
    assert!(!ok(c.may_edit_candidacy(bob, first.id)));

    let moderated = Campaign::new(made.store.clone()).with_clock(clock);
    let boss = ok(moderated.register_moderator("Modératrice", None)).id;
    let other = ok(c.store().read_with(|r| r.candidacies(&Scope::default())))
        .into_iter()
        .find(|x| x.list() != Some(list))
        .expect("another list");
    let mine = ok(moderated.request_responsibility(
        boss,
        Target::Candidacy(other.id),
        None,
        IfTaken::Refuse,
    ));
    assert_eq!(mine.status, ResponsibilityStatus::Granted);
    let volunteer = ok(moderated.request_responsibility(
        alice,
        Target::Candidacy(f_other(&moderated, &other)),
        None,
        IfTaken::Refuse,
    ));
    assert_eq!(volunteer.status, ResponsibilityStatus::Requested);
}

/// A candidacy of the same list as `c` that nobody holds.
fn f_other<S: Store>(campaign: &Campaign<S>, c: &Candidacy) -> CandidacyId {
    ok(campaign
        .store()
        .read_with(|r| r.candidacies(&Scope::default())))
    .into_iter()
    .find(|x| x.list() == c.list() && x.id != c.id)
    .expect("another candidacy of the list")
    .id
}

macro_rules! on_every_store {
    ($($check:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $check() { super::$check(super::Kind::Memory) })*
        }
        mod sqlite {
            $(#[test] fn $check() { super::$check(super::Kind::Sqlite) })*
        }
        #[cfg(feature = "csv")]
        mod csv {
            $(#[test] fn $check() { super::$check(super::Kind::Csv) })*
        }
    };
}

on_every_store!(
    moderators_only,
    the_last_moderator_stays,
    unknown_actors_are_refused,
    edits_need_the_right,
    lost_rights_stop_at_once,
    owners_only,
    history_is_never_rewritten,
    grants_follow_the_policy,
);
