-- The first schema: one table per kind of record, one sequence per kind of
-- identifier, and the indexes the store's queries use.

CREATE TABLE elections (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    name text NOT NULL,
    round1_date date,
    has_round2 boolean NOT NULL,
    round2_date date,
    CONSTRAINT elections_name_key UNIQUE (name)
);

CREATE TABLE constituencies (
    id bigint PRIMARY KEY,
    election bigint NOT NULL REFERENCES elections (id),
    parent bigint REFERENCES constituencies (id),
    kind text NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    CONSTRAINT constituencies_code_key UNIQUE (election, kind, code)
);
CREATE INDEX constituencies_parent ON constituencies (parent);

CREATE TABLE lists (
    id bigint PRIMARY KEY,
    election bigint NOT NULL REFERENCES elections (id),
    round smallint NOT NULL,
    constituency bigint NOT NULL REFERENCES constituencies (id),
    panel bigint,
    short_label text,
    label text NOT NULL,
    nuance_code text,
    nuance_label text
);
CREATE INDEX lists_key ON lists (election, round, constituency, panel);

CREATE TABLE sections (
    id bigint PRIMARY KEY,
    list bigint NOT NULL REFERENCES lists (id),
    constituency bigint NOT NULL REFERENCES constituencies (id),
    code text NOT NULL,
    implicit boolean NOT NULL,
    CONSTRAINT sections_code_key UNIQUE (list, code)
);

CREATE TABLE persons (
    id bigint PRIMARY KEY,
    surname text NOT NULL,
    first_name text,
    sex text,
    birth_date date,
    nationality text
);
CREATE INDEX persons_name ON persons (surname, first_name);

-- A seat is `list` (list, section, seat_order), `single`, `pair`
-- (pair_index, partner) or `substitute` (substitute_of). The three unique
-- indexes are the seat keys an import finds candidacies by.
CREATE TABLE candidacies (
    id bigint PRIMARY KEY,
    person bigint NOT NULL REFERENCES persons (id),
    election bigint NOT NULL REFERENCES elections (id),
    round smallint NOT NULL,
    constituency bigint NOT NULL REFERENCES constituencies (id),
    seat text NOT NULL,
    list bigint REFERENCES lists (id),
    section bigint REFERENCES sections (id),
    seat_order bigint,
    pair_index smallint,
    partner bigint REFERENCES candidacies (id),
    substitute_of bigint REFERENCES candidacies (id),
    roles smallint NOT NULL,
    nuance_code text,
    nuance_label text,
    panel bigint,
    outgoing boolean NOT NULL,
    community_council boolean NOT NULL,
    withdrawn boolean NOT NULL,
    profession text,
    CONSTRAINT candidacies_seat_parts CHECK (
        (seat = 'list' AND list IS NOT NULL AND section IS NOT NULL AND seat_order IS NOT NULL)
        OR (seat = 'single')
        OR (seat = 'pair' AND pair_index IS NOT NULL)
        OR (seat = 'substitute' AND substitute_of IS NOT NULL)
    )
);
CREATE UNIQUE INDEX candidacies_list_seat ON candidacies (section, seat_order)
    WHERE seat = 'list';
CREATE UNIQUE INDEX candidacies_panel_seat
    ON candidacies (election, round, constituency, panel, coalesce(pair_index, 1))
    WHERE seat IN ('single', 'pair') AND panel IS NOT NULL;
CREATE UNIQUE INDEX candidacies_substitute_seat ON candidacies (substitute_of)
    WHERE seat = 'substitute';
CREATE INDEX candidacies_person ON candidacies (person);
CREATE INDEX candidacies_election ON candidacies (election, round);
CREATE INDEX candidacies_list ON candidacies (list);
CREATE INDEX candidacies_constituency ON candidacies (constituency);
CREATE INDEX candidacies_partner ON candidacies (partner);

CREATE TABLE participants (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    email text,
    moderator boolean NOT NULL,
    registered_at timestamptz NOT NULL
);

CREATE TABLE responsibilities (
    id bigint PRIMARY KEY,
    participant bigint NOT NULL REFERENCES participants (id),
    target_candidacy bigint REFERENCES candidacies (id),
    target_list bigint REFERENCES lists (id),
    target_constituency bigint REFERENCES constituencies (id),
    status text NOT NULL,
    requested_at timestamptz NOT NULL,
    decided_by bigint,
    decided_at timestamptz,
    expires_at timestamptz,
    CONSTRAINT responsibilities_one_target
        CHECK (num_nonnulls(target_candidacy, target_list, target_constituency) = 1)
);
CREATE INDEX responsibilities_participant ON responsibilities (participant);
CREATE INDEX responsibilities_granted ON responsibilities (id) WHERE status = 'granted';
CREATE INDEX responsibilities_candidacy ON responsibilities (target_candidacy);
CREATE INDEX responsibilities_list ON responsibilities (target_list);
CREATE INDEX responsibilities_constituency ON responsibilities (target_constituency);

CREATE TABLE contact_details (
    id bigint PRIMARY KEY,
    owner_person bigint REFERENCES persons (id),
    owner_list bigint REFERENCES lists (id),
    channel text NOT NULL,
    value text NOT NULL,
    label text,
    source text NOT NULL,
    added_by bigint NOT NULL REFERENCES participants (id),
    added_at timestamptz NOT NULL,
    status text NOT NULL,
    visibility text NOT NULL,
    note text,
    CONSTRAINT contact_details_one_owner CHECK (num_nonnulls(owner_person, owner_list) = 1)
);
CREATE INDEX contact_details_person ON contact_details (owner_person);
CREATE INDEX contact_details_usable ON contact_details (owner_person)
    WHERE status IN ('unverified', 'confirmed');
CREATE INDEX contact_details_list ON contact_details (owner_list);

CREATE TABLE pledges (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    version bigint NOT NULL,
    text text NOT NULL
);

-- `goal` is the marathon's scope, as JSON.
CREATE TABLE marathons (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    number bigint,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    goal text NOT NULL,
    created_by bigint NOT NULL REFERENCES participants (id)
);

CREATE TABLE templates (
    id bigint PRIMARY KEY,
    owner bigint NOT NULL REFERENCES participants (id),
    name text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL
);
CREATE INDEX templates_owner ON templates (owner);

CREATE TABLE contact_actions (
    id bigint PRIMARY KEY,
    participant bigint NOT NULL REFERENCES participants (id),
    target_candidacy bigint REFERENCES candidacies (id),
    target_list bigint REFERENCES lists (id),
    channel text NOT NULL,
    at timestamptz NOT NULL,
    outcome text NOT NULL,
    note text,
    template bigint REFERENCES templates (id),
    marathon bigint REFERENCES marathons (id),
    CONSTRAINT contact_actions_one_target CHECK (num_nonnulls(target_candidacy, target_list) = 1)
);
CREATE INDEX contact_actions_candidacy ON contact_actions (target_candidacy, at);
CREATE INDEX contact_actions_list ON contact_actions (target_list);
CREATE INDEX contact_actions_participant ON contact_actions (participant);
CREATE INDEX contact_actions_marathon ON contact_actions (marathon);
CREATE INDEX contact_actions_at ON contact_actions (at);

CREATE TABLE pledge_answers (
    id bigint PRIMARY KEY,
    pledge bigint NOT NULL REFERENCES pledges (id),
    subject_person bigint REFERENCES persons (id),
    subject_list bigint REFERENCES lists (id),
    answer text NOT NULL,
    evidence text,
    day date NOT NULL,
    recorded_by bigint NOT NULL REFERENCES participants (id),
    recorded_at timestamptz NOT NULL,
    CONSTRAINT pledge_answers_one_subject CHECK (num_nonnulls(subject_person, subject_list) = 1)
);
CREATE INDEX pledge_answers_person ON pledge_answers (subject_person, day, id);
CREATE INDEX pledge_answers_list ON pledge_answers (subject_list);

-- `change` is the proposed change, as JSON.
CREATE TABLE proposals (
    id bigint PRIMARY KEY,
    author bigint NOT NULL REFERENCES participants (id),
    created_at timestamptz NOT NULL,
    source text,
    change text NOT NULL,
    status text NOT NULL,
    decided_by bigint,
    decided_at timestamptz
);
CREATE INDEX proposals_status ON proposals (status);

CREATE TABLE reservations (
    id bigint PRIMARY KEY,
    candidacy bigint NOT NULL REFERENCES candidacies (id),
    participant bigint NOT NULL REFERENCES participants (id),
    queue text NOT NULL,
    taken_at timestamptz NOT NULL,
    until timestamptz NOT NULL,
    marathon bigint REFERENCES marathons (id),
    released_at timestamptz
);
CREATE INDEX reservations_held ON reservations (candidacy, until) WHERE released_at IS NULL;
CREATE INDEX reservations_participant ON reservations (participant);

-- The history names records by kind and identifier, without foreign keys:
-- it outlives what it describes. `before` and `after` are JSON.
CREATE TABLE audit (
    id bigint PRIMARY KEY,
    actor bigint,
    at timestamptz NOT NULL,
    source text,
    kind text NOT NULL,
    record bigint NOT NULL,
    action text NOT NULL,
    before text,
    after text,
    person bigint,
    reverts bigint
);
CREATE INDEX audit_person ON audit (person);
CREATE INDEX audit_record ON audit (kind, record);
CREATE INDEX audit_actor ON audit (actor);

CREATE SEQUENCE election_ids;
CREATE SEQUENCE constituency_ids;
CREATE SEQUENCE list_ids;
CREATE SEQUENCE section_ids;
CREATE SEQUENCE person_ids;
CREATE SEQUENCE candidacy_ids;
CREATE SEQUENCE participant_ids;
CREATE SEQUENCE responsibility_ids;
CREATE SEQUENCE contact_detail_ids;
CREATE SEQUENCE contact_action_ids;
CREATE SEQUENCE pledge_ids;
CREATE SEQUENCE pledge_answer_ids;
CREATE SEQUENCE marathon_ids;
CREATE SEQUENCE template_ids;
CREATE SEQUENCE proposal_ids;
CREATE SEQUENCE audit_ids;
CREATE SEQUENCE reservation_ids;

-- Moves a sequence past an identifier written without it (a copy keeps the
-- source's identifiers), so that it never hands that identifier out. Returns
-- whether the identifier was beyond everything handed out, that is, new.
CREATE FUNCTION candidats_claim(seq regclass, claimed bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF claimed <= coalesce(pg_sequence_last_value(seq), 0) THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1130458724, 102);
    PERFORM pg_advisory_xact_lock(1130458724, 101);
    IF claimed <= coalesce(pg_sequence_last_value(seq), 0) THEN
        RETURN false;
    END IF;
    PERFORM setval(seq, claimed);
    RETURN true;
END;
$$;

-- Hands out `n` identifiers from a sequence. Every transaction that takes
-- identifiers holds the shared lock 102 until it ends, so that
-- `candidats_give_back` knows when no other transaction may hold any.
CREATE FUNCTION candidats_allocate(seq regclass, n bigint) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1130458724, 102);
    RETURN QUERY SELECT nextval(seq) FROM generate_series(1, n);
END;
$$;

-- Gives back the identifiers after `back_to` when the last one handed out
-- is still `expected` and no transaction that took identifiers is running:
-- then nobody can hold them. A write that failed, or fetched more than it
-- used, leaves no gap when it runs alone. Returns whether it gave back.
CREATE FUNCTION candidats_give_back(seq regclass, expected bigint, back_to bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(1130458724, 102) THEN
        RETURN false;
    END IF;
    IF pg_sequence_last_value(seq) IS DISTINCT FROM expected THEN
        RETURN false;
    END IF;
    IF back_to < 1 THEN
        PERFORM setval(seq, 1, false);
    ELSE
        PERFORM setval(seq, back_to);
    END IF;
    RETURN true;
END;
$$;
