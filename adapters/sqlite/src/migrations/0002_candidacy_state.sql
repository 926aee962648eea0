-- Version 2: each candidacy carries where its campaign stands (its contact
-- actions, its person's usable contact details and latest pledge answer),
-- kept up to date by triggers, so that reports read one row per candidacy
-- and the work queues are read in order from their own indexes. The seat
-- check is written so that SQLite does not build a temporary table at
-- every insert.
--
-- The table is rebuilt, as SQLite's ALTER TABLE cannot change a CHECK:
-- the library runs this script with foreign keys off, then checks them.

CREATE TABLE candidacy_rebuilt (
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
    -- Kept by the triggers below (and by the library when it inserts a candidacy):
    actions           INTEGER NOT NULL DEFAULT 0, -- how many contact actions it has
    last_contact      TEXT,              -- the instant of its latest contact action
    usable_detail     INTEGER NOT NULL DEFAULT 0, -- 1 when its person has a contact detail neither bounced nor obsolete
    answer            TEXT,              -- its person's latest pledge answer to any pledge: signed or declined
    CHECK (seat = 'list' OR seat = 'single' OR seat = 'pair' OR seat = 'substitute')
);
INSERT INTO candidacy_rebuilt
SELECT c.id, c.person, c.election, c.round, c.constituency, c.seat, c.list, c.section,
       c.seat_order, c.seat_index, c.partner, c.substitute_of, c.roles, c.nuance_code,
       c.nuance_label, c.panel, c.outgoing, c.community_council, c.withdrawn, c.profession,
       (SELECT count(*) FROM contact_action a WHERE a.candidacy = c.id),
       (SELECT max(a.at) FROM contact_action a WHERE a.candidacy = c.id),
       EXISTS (SELECT 1 FROM contact_detail d WHERE d.person = c.person
               AND d.status IN ('unverified', 'confirmed')),
       (SELECT a.answer FROM pledge_answer a WHERE a.person = c.person
        ORDER BY a.date DESC, a.id DESC LIMIT 1)
FROM candidacy c;
DROP TABLE candidacy;
ALTER TABLE candidacy_rebuilt RENAME TO candidacy;

CREATE UNIQUE INDEX candidacy_list_seat ON candidacy (section, seat_order)
    WHERE section IS NOT NULL;
CREATE UNIQUE INDEX candidacy_panel_seat ON candidacy (election, round, constituency, panel, seat_index)
    WHERE seat_index IS NOT NULL AND panel IS NOT NULL;
CREATE UNIQUE INDEX candidacy_substitute_seat ON candidacy (substitute_of)
    WHERE substitute_of IS NOT NULL;
CREATE INDEX candidacy_person ON candidacy (person);
CREATE INDEX candidacy_constituency ON candidacy (constituency);

-- The work queues, each in its order: heads of list, heads of section,
-- then by order in the section, then by identifier.
CREATE INDEX candidacy_to_collect ON candidacy (
    (CASE WHEN roles & 1 THEN 0 WHEN roles & 2 THEN 1 ELSE 2 END), coalesce(seat_order, 0), id)
    WHERE usable_detail = 0 AND answer IS NULL;
CREATE INDEX candidacy_to_contact ON candidacy (
    (CASE WHEN roles & 1 THEN 0 WHEN roles & 2 THEN 1 ELSE 2 END), coalesce(seat_order, 0), id)
    WHERE usable_detail = 1 AND actions = 0 AND answer IS NULL;
CREATE INDEX candidacy_to_follow_up ON candidacy (
    (CASE WHEN roles & 1 THEN 0 WHEN roles & 2 THEN 1 ELSE 2 END), coalesce(seat_order, 0), id)
    WHERE actions > 0 AND answer IS NULL;

CREATE TRIGGER contact_action_added AFTER INSERT ON contact_action
WHEN NEW.candidacy IS NOT NULL BEGIN
    UPDATE candidacy SET actions = actions + 1,
        last_contact = CASE WHEN last_contact IS NULL OR last_contact < NEW.at
                       THEN NEW.at ELSE last_contact END
    WHERE id = NEW.candidacy;
END;
CREATE TRIGGER contact_action_changed AFTER UPDATE OF candidacy, at ON contact_action BEGIN
    UPDATE candidacy SET
        actions = (SELECT count(*) FROM contact_action a WHERE a.candidacy = candidacy.id),
        last_contact = (SELECT max(a.at) FROM contact_action a WHERE a.candidacy = candidacy.id)
    WHERE id IN (OLD.candidacy, NEW.candidacy);
END;
CREATE TRIGGER contact_action_removed AFTER DELETE ON contact_action
WHEN OLD.candidacy IS NOT NULL BEGIN
    UPDATE candidacy SET
        actions = (SELECT count(*) FROM contact_action a WHERE a.candidacy = candidacy.id),
        last_contact = (SELECT max(a.at) FROM contact_action a WHERE a.candidacy = candidacy.id)
    WHERE id = OLD.candidacy;
END;

CREATE TRIGGER contact_detail_added AFTER INSERT ON contact_detail
WHEN NEW.person IS NOT NULL AND NEW.status IN ('unverified', 'confirmed') BEGIN
    UPDATE candidacy SET usable_detail = 1 WHERE person = NEW.person AND usable_detail = 0;
END;
CREATE TRIGGER contact_detail_changed AFTER UPDATE OF person, status ON contact_detail BEGIN
    UPDATE candidacy SET usable_detail = EXISTS (SELECT 1 FROM contact_detail d
        WHERE d.person = candidacy.person AND d.status IN ('unverified', 'confirmed'))
    WHERE person IN (OLD.person, NEW.person);
END;
CREATE TRIGGER contact_detail_removed AFTER DELETE ON contact_detail
WHEN OLD.person IS NOT NULL BEGIN
    UPDATE candidacy SET usable_detail = EXISTS (SELECT 1 FROM contact_detail d
        WHERE d.person = candidacy.person AND d.status IN ('unverified', 'confirmed'))
    WHERE person = OLD.person;
END;

CREATE TRIGGER pledge_answer_added AFTER INSERT ON pledge_answer
WHEN NEW.person IS NOT NULL BEGIN
    UPDATE candidacy SET answer = (SELECT a.answer FROM pledge_answer a
        WHERE a.person = NEW.person ORDER BY a.date DESC, a.id DESC LIMIT 1)
    WHERE person = NEW.person;
END;
CREATE TRIGGER pledge_answer_changed AFTER UPDATE OF person, answer, date ON pledge_answer BEGIN
    UPDATE candidacy SET answer = (SELECT a.answer FROM pledge_answer a
        WHERE a.person = candidacy.person ORDER BY a.date DESC, a.id DESC LIMIT 1)
    WHERE person IN (OLD.person, NEW.person);
END;
CREATE TRIGGER pledge_answer_removed AFTER DELETE ON pledge_answer
WHEN OLD.person IS NOT NULL BEGIN
    UPDATE candidacy SET answer = (SELECT a.answer FROM pledge_answer a
        WHERE a.person = candidacy.person ORDER BY a.date DESC, a.id DESC LIMIT 1)
    WHERE person = OLD.person;
END;
