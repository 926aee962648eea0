-- Version 2: the profession is declared for each candidacy (a person may
-- give another one at each election, or on each of two lists), so it moves
-- from the person to the candidacy. Each candidacy takes its person's.
ALTER TABLE candidacies ADD COLUMN profession text;
COMMENT ON COLUMN candidacies.profession IS 'The profession declared for this candidacy.';
UPDATE candidacies c SET profession = p.profession FROM persons p WHERE p.id = c.person;
ALTER TABLE persons DROP COLUMN profession;
