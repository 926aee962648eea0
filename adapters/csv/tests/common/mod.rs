//! What the CSV store's tests share: a dump of every record of a store.

#![allow(dead_code)]

use candidats_core::*;

/// Every record of a store, kind by kind, sorted by identifier.
#[derive(Debug, PartialEq)]
pub struct Dump {
    pub elections: Vec<Election>,
    pub constituencies: Vec<Constituency>,
    pub lists: Vec<CandidateList>,
    pub sections: Vec<Section>,
    pub persons: Vec<Person>,
    pub candidacies: Vec<Candidacy>,
    pub participants: Vec<Participant>,
    pub responsibilities: Vec<Responsibility>,
    pub details: Vec<ContactDetail>,
    pub actions: Vec<ContactAction>,
    pub pledges: Vec<Pledge>,
    pub answers: Vec<PledgeAnswer>,
    pub marathons: Vec<Marathon>,
    pub templates: Vec<Template>,
    pub proposals: Vec<Proposal>,
    pub audit: Vec<AuditRecord>,
    pub reservations: Vec<Reservation>,
}

/// Reads every record of a store.
pub fn dump<S: Store + ?Sized>(store: &S) -> Dump {
    let result = store.read_with(|r| {
        let elections = r.elections()?;
        let mut constituencies = Vec::new();
        let mut lists = Vec::new();
        let mut sections = Vec::new();
        for e in &elections {
            constituencies.extend(r.constituencies(e.id())?);
            for list in r.lists(e.id())? {
                sections.extend(r.sections(list.id)?);
                lists.push(list);
            }
        }
        constituencies.sort_by_key(|c| c.id);
        lists.sort_by_key(|l| l.id);
        sections.sort_by_key(|s| s.id);
        let everything = Scope {
            include_substitutes: true,
            include_withdrawn: true,
            ..Scope::default()
        };
        Ok(Dump {
            elections,
            constituencies,
            lists,
            sections,
            persons: r.persons()?,
            candidacies: r.candidacies(&everything)?,
            participants: r.participants()?,
            responsibilities: r.responsibilities(&ResponsibilityFilter::default())?,
            details: r.contact_details(None)?,
            actions: r.contact_actions(&ActionFilter::default())?,
            pledges: r.pledges()?,
            answers: r.pledge_answers(None)?,
            marathons: r.marathons()?,
            templates: r.templates(None)?,
            proposals: r.proposals(None)?,
            audit: r.audit(&AuditFilter::default())?,
            reservations: r.reservations(&ReservationFilter::default())?,
        })
    });
    match result {
        Ok(dump) => dump,
        Err(error) => panic!("cannot read the store: {error}"),
    }
}

impl Dump {
    /// How many records of all kinds.
    pub fn len(&self) -> usize {
        self.elections.len()
            + self.constituencies.len()
            + self.lists.len()
            + self.sections.len()
            + self.persons.len()
            + self.candidacies.len()
            + self.participants.len()
            + self.responsibilities.len()
            + self.details.len()
            + self.actions.len()
            + self.pledges.len()
            + self.answers.len()
            + self.marathons.len()
            + self.templates.len()
            + self.proposals.len()
            + self.audit.len()
            + self.reservations.len()
    }
}
