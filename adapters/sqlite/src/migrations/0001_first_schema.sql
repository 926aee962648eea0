-- Schema version 1 of a candidats campaign file.
--
-- Conventions, for anyone reading this file with the sqlite3 shell:
-- identifiers are integers handed out by the `sequence` table and never
-- reused; instants are UTC texts `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (so that
-- they sort as text); days are `YYYY-MM-DD`; flags are 0 or 1; enumerated
-- values are lower-case English words. The comments inside each CREATE
-- statement (shown by `.schema`) say what each column holds.

CREATE TABLE sequence (
    -- The next identifier of each kind of record.
    kind TEXT PRIMARY KEY NOT NULL, -- the record kind: election, person, candidacy, audit...
    next INTEGER NOT NULL           -- the next identifier to hand out; it never goes back
) WITHOUT ROWID;

CREATE TABLE election (
    -- An election, with its one or two rounds.
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,        -- regionales, municipales, legislatives, departementales, europeennes, other
    name        TEXT NOT NULL UNIQUE, -- its name, unique in the file: "Régionales 2021"
    rounds      INTEGER NOT NULL CHECK (rounds IN (1, 2)), -- how many rounds it has
    round1_date TEXT,                 -- the day of the first round, when known
    round2_date TEXT                  -- the day of the second round, when known
);

CREATE TABLE constituency (
    -- A region, département, circonscription, canton, commune...: a tree per election.
    id       INTEGER PRIMARY KEY,
    election INTEGER NOT NULL REFERENCES election (id),
    parent   INTEGER REFERENCES constituency (id), -- the enclosing constituency, if any
    kind     TEXT NOT NULL, -- country, region, departement, circonscription, canton, commune, sector, other
    code     TEXT NOT NULL, -- the official code, normalised: 01, 2A, 0101; may be empty
    name     TEXT NOT NULL, -- the official name
    UNIQUE (election, kind, code)
);
CREATE INDEX constituency_parent ON constituency (parent);

CREATE TABLE list (
    -- A candidate list in one round of an election.
    id           INTEGER PRIMARY KEY,
    election     INTEGER NOT NULL REFERENCES election (id),
    round        INTEGER NOT NULL,  -- 1 or 2
    constituency INTEGER NOT NULL REFERENCES constituency (id), -- where the list stands
    panel        INTEGER,           -- the poster board number (numéro de panneau), when known
    short_label  TEXT,              -- the short label (libellé abrégé)
    label        TEXT NOT NULL,     -- the full label
    nuance_code  TEXT,              -- the Ministry's nuance code: LUG, RN...
    nuance_label TEXT               -- the nuance's long form, when known
);
CREATE INDEX list_key ON list (election, round, constituency, panel, label);

CREATE TABLE section (
    -- A section of a list: a département's part of a regional list, or the
    -- one implicit section of a list without sections.
    id           INTEGER PRIMARY KEY,
    list         INTEGER NOT NULL REFERENCES list (id),
    constituency INTEGER NOT NULL REFERENCES constituency (id), -- the area it covers
    code         TEXT NOT NULL,    -- the section's code; may be empty
    implicit     INTEGER NOT NULL, -- 1 for the one section of a list without sections
    UNIQUE (list, code)
);

CREATE TABLE person (
    -- A person who stands or stood as a candidate; names as the official file spells them.
    id          INTEGER PRIMARY KEY,
    surname     TEXT NOT NULL,
    first_name  TEXT,
    sex         TEXT, -- F or M
    birth_date  TEXT, -- a day
    nationality TEXT
);
CREATE INDEX person_name ON person (surname, first_name);

CREATE TABLE candidacy (
    -- One person's candidacy in one round of one election.
    id                INTEGER PRIMARY KEY,
    person            INTEGER NOT NULL REFERENCES person (id),
    election          INTEGER NOT NULL REFERENCES election (id),
    round             INTEGER NOT NULL,  -- 1 or 2
    constituency      INTEGER NOT NULL REFERENCES constituency (id), -- the section's area for a list seat, the circonscription or canton otherwise
    seat              TEXT NOT NULL,     -- list, single, pair or substitute
    list              INTEGER REFERENCES list (id),    -- list seats: the list
    section           INTEGER REFERENCES section (id), -- list seats: the section
    seat_order        INTEGER,           -- list seats: the order in the section, from 1
    seat_index        INTEGER,           -- 1 for a single seat; 1 or 2 for a pair member
    partner           INTEGER REFERENCES candidacy (id), -- pair members: the other member
    substitute_of     INTEGER REFERENCES candidacy (id), -- substitutes: the candidacy replaced
    roles             INTEGER NOT NULL,  -- bits: 1 head of list, 2 head of section, 4 member, 8 single seat, 16 pair member, 32 substitute
    nuance_code       TEXT,              -- the list's nuance, or the candidate's own
    nuance_label      TEXT,
    panel             INTEGER,           -- single seats and pairs: the panel number
    outgoing          INTEGER NOT NULL,  -- 1 when the candidate holds the seat now (sortant)
    community_council INTEGER NOT NULL,  -- 1 when also standing for the inter-communal council (CC)
    withdrawn         INTEGER NOT NULL,  -- 1 when withdrawn or no longer in the official file
    profession        TEXT,              -- the profession declared for this candidacy
    CHECK (seat IN ('list', 'single', 'pair', 'substitute'))
);
CREATE UNIQUE INDEX candidacy_list_seat ON candidacy (section, seat_order)
    WHERE section IS NOT NULL;
CREATE UNIQUE INDEX candidacy_panel_seat ON candidacy (election, round, constituency, panel, seat_index)
    WHERE seat_index IS NOT NULL AND panel IS NOT NULL;
CREATE UNIQUE INDEX candidacy_substitute_seat ON candidacy (substitute_of)
    WHERE substitute_of IS NOT NULL;
CREATE INDEX candidacy_person ON candidacy (person);
CREATE INDEX candidacy_constituency ON candidacy (constituency);

CREATE TABLE participant (
    -- A volunteer of the campaign.
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,    -- the name shown to other participants
    email         TEXT,             -- their own address, private
    moderator     INTEGER NOT NULL, -- 1 for a moderator
    registered_at TEXT NOT NULL     -- an instant
);

CREATE TABLE responsibility (
    -- A participant's responsibility over one candidacy, a list or a constituency
    -- (exactly one of the three is set).
    id           INTEGER PRIMARY KEY,
    participant  INTEGER NOT NULL REFERENCES participant (id),
    candidacy    INTEGER REFERENCES candidacy (id),
    list         INTEGER REFERENCES list (id),
    constituency INTEGER REFERENCES constituency (id), -- covers the constituencies below it too
    status       TEXT NOT NULL, -- requested, granted, refused, released, revoked (expiry is read from expires_at)
    requested_at TEXT NOT NULL, -- an instant
    decided_by   INTEGER REFERENCES participant (id),
    decided_at   TEXT,          -- when the status last changed
    expires_at   TEXT,          -- when it ends by itself, if ever
    CHECK ((candidacy IS NOT NULL) + (list IS NOT NULL) + (constituency IS NOT NULL) = 1)
);
CREATE INDEX responsibility_participant ON responsibility (participant);
CREATE INDEX responsibility_candidacy ON responsibility (candidacy) WHERE candidacy IS NOT NULL;
CREATE INDEX responsibility_list ON responsibility (list) WHERE list IS NOT NULL;
CREATE INDEX responsibility_constituency ON responsibility (constituency) WHERE constituency IS NOT NULL;

CREATE TABLE contact_detail (
    -- A way to reach a person or a list (exactly one owner is set). Personal data.
    id         INTEGER PRIMARY KEY,
    person     INTEGER REFERENCES person (id),
    list       INTEGER REFERENCES list (id),
    channel    TEXT NOT NULL,    -- email, web_form, phone, social:NETWORK, postal, website
    value      TEXT NOT NULL,    -- normalised for the channel: +33612345678, name@example.org
    label      TEXT,             -- a short label: campaign, town hall...
    source     TEXT NOT NULL,    -- where it was found
    added_by   INTEGER NOT NULL REFERENCES participant (id),
    added_at   TEXT NOT NULL,    -- an instant
    status     TEXT NOT NULL,    -- unverified, confirmed, bounced, obsolete
    visibility TEXT NOT NULL,    -- public, or private (shown only to those responsible)
    note       TEXT,
    CHECK ((person IS NOT NULL) + (list IS NOT NULL) = 1)
);
CREATE INDEX contact_detail_person ON contact_detail (person) WHERE person IS NOT NULL;
CREATE INDEX contact_detail_list ON contact_detail (list) WHERE list IS NOT NULL;

CREATE TABLE pledge (
    -- A pledge candidates are asked to sign, in one version of its text.
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    version INTEGER NOT NULL,
    text    TEXT NOT NULL
);

CREATE TABLE pledge_answer (
    -- A person's or a list's answer to a pledge (exactly one subject is set).
    -- The latest by date, then by id, is the one that counts.
    id          INTEGER PRIMARY KEY,
    pledge      INTEGER NOT NULL REFERENCES pledge (id),
    person      INTEGER REFERENCES person (id),
    list        INTEGER REFERENCES list (id),
    answer      TEXT NOT NULL, -- signed or declined
    evidence    TEXT,          -- for a signature: how the signed pledge came back
    date        TEXT NOT NULL, -- the day of the answer
    recorded_by INTEGER NOT NULL REFERENCES participant (id),
    recorded_at TEXT NOT NULL, -- an instant
    CHECK ((person IS NOT NULL) + (list IS NOT NULL) = 1),
    CHECK ((answer = 'signed' AND evidence IS NOT NULL) OR (answer = 'declined' AND evidence IS NULL))
);
CREATE INDEX pledge_answer_person ON pledge_answer (person, date, id) WHERE person IS NOT NULL;
CREATE INDEX pledge_answer_list ON pledge_answer (list) WHERE list IS NOT NULL;

CREATE TABLE marathon (
    -- A contact marathon (Contacthon): a goal over a time window.
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    number     INTEGER,       -- its number in the campaign's series
    starts_at  TEXT NOT NULL, -- an instant
    ends_at    TEXT NOT NULL, -- an instant
    goal       TEXT NOT NULL, -- the candidacies it works on: a scope, as JSON
    created_by INTEGER NOT NULL REFERENCES participant (id)
);

CREATE TABLE template (
    -- A message template with {{placeholders}}.
    id      INTEGER PRIMARY KEY,
    owner   INTEGER NOT NULL REFERENCES participant (id),
    name    TEXT NOT NULL,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL
);
CREATE INDEX template_owner ON template (owner);

CREATE TABLE contact_action (
    -- One contact made by a participant, on a candidacy or a whole list
    -- (exactly one target is set).
    id          INTEGER PRIMARY KEY,
    participant INTEGER NOT NULL REFERENCES participant (id),
    candidacy   INTEGER REFERENCES candidacy (id),
    list        INTEGER REFERENCES list (id),
    channel     TEXT NOT NULL, -- email, web_form, phone, social:NETWORK, postal, website, in_person
    at          TEXT NOT NULL, -- an instant
    outcome     TEXT NOT NULL, -- sent, no_answer, answered, bounced, refused, promised_to_sign
    note        TEXT,          -- personal data, erased on request
    template    INTEGER REFERENCES template (id),
    marathon    INTEGER REFERENCES marathon (id),
    CHECK ((candidacy IS NOT NULL) + (list IS NOT NULL) = 1)
);
CREATE INDEX contact_action_candidacy ON contact_action (candidacy, at) WHERE candidacy IS NOT NULL;
CREATE INDEX contact_action_participant ON contact_action (participant);
CREATE INDEX contact_action_marathon ON contact_action (marathon) WHERE marathon IS NOT NULL;

CREATE TABLE proposal (
    -- A change proposed by a participant, waiting for moderation.
    id         INTEGER PRIMARY KEY,
    author     INTEGER NOT NULL REFERENCES participant (id),
    created_at TEXT NOT NULL, -- an instant
    source     TEXT,          -- the source given for the change
    change     TEXT NOT NULL, -- the change, as JSON
    status     TEXT NOT NULL, -- pending, accepted, rejected
    decided_by INTEGER REFERENCES participant (id),
    decided_at TEXT
);
CREATE INDEX proposal_status ON proposal (status);

CREATE TABLE audit (
    -- The history of every change; appended to, never rewritten, except that
    -- erasure on a person's request clears before, after and source.
    -- No foreign keys: the history outlives what it describes.
    id      INTEGER PRIMARY KEY,
    actor   INTEGER,       -- the participant; NULL for an import from an official file
    at      TEXT NOT NULL, -- an instant
    source  TEXT,          -- the source given for the change
    kind    TEXT NOT NULL, -- the kind of record changed: election, person, candidacy...
    record  INTEGER NOT NULL, -- its identifier
    action  TEXT NOT NULL, -- create, update, delete, revert, erase
    before  TEXT,          -- the record before the change, as JSON
    after   TEXT,          -- the record after the change, as JSON
    person  INTEGER,       -- the person whose data the change touched
    reverts INTEGER        -- the entry this change reverted
);
CREATE INDEX audit_record ON audit (kind, record);
CREATE INDEX audit_person ON audit (person) WHERE person IS NOT NULL;

CREATE TABLE reservation (
    -- A candidacy taken from a work queue and kept for a participant for a while.
    id          INTEGER PRIMARY KEY,
    candidacy   INTEGER NOT NULL REFERENCES candidacy (id),
    participant INTEGER NOT NULL REFERENCES participant (id),
    queue       TEXT NOT NULL, -- to_collect, to_contact, to_follow_up
    taken_at    TEXT NOT NULL, -- an instant
    until       TEXT NOT NULL, -- an instant: it holds its candidacy before this
    marathon    INTEGER REFERENCES marathon (id),
    released_at TEXT           -- when it was released before its end
);
CREATE INDEX reservation_candidacy ON reservation (candidacy);
CREATE INDEX reservation_participant ON reservation (participant);
