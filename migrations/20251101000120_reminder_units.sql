-- Reminders counted in weeks or months as well as days (Koteshen's `count` + `interval`).
-- `days` keeps its name and is the count in `unit`; existing rows are in days, so their
-- meaning is unchanged.
ALTER TABLE invoice_reminders
    ADD COLUMN unit TEXT NOT NULL DEFAULT 'days' CHECK (unit IN ('days', 'weeks', 'months'));
