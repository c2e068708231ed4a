-- My settings (issue #19): the language a user reads the portal in and the
-- time zone times without a building are shown in (none: the building's
-- zone, else UTC).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN timezone TEXT;
