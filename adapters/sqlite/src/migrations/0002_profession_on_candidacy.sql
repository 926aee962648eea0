-- Version 2: the profession is declared for each candidacy (a person may
-- give another one at each election, or on each of two lists), so it moves
-- from the person to the candidacy. Each candidacy takes its person's.
ALTER TABLE candidacy ADD COLUMN profession TEXT; -- the profession declared for this candidacy
UPDATE candidacy SET profession = (SELECT p.profession FROM person p WHERE p.id = candidacy.person);
ALTER TABLE person DROP COLUMN profession;
