-- +migrate Up
-- The university relations get an English name, shown to English readers;
-- without one they read the German.
ALTER TABLE tu_status ADD COLUMN name_en text CHECK (name_en <> '');
UPDATE tu_status SET name_en = CASE name
    WHEN 'Studentin/Student' THEN 'Student'
    WHEN 'Doktorandin/Doktorand' THEN 'Doctoral candidate'
    WHEN 'Alumna/Alumnus' THEN 'Alumna/Alumnus'
    WHEN 'Mitarbeiterin/Mitarbeiter, Lehrende' THEN 'Staff, lecturer'
    WHEN 'Sonstiges' THEN 'Other'
  END
WHERE name_en IS NULL;

-- +migrate Down
ALTER TABLE tu_status DROP COLUMN name_en;
