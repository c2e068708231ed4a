-- One pre-emptive case per (unit, fault family) episode.
--
-- `finding_key` marks the open case of a unit and fault family and is
-- cleared when the case ends; `episode_key` keeps the same value for good,
-- so a finding that recurs within the cooldown finds the case its last
-- episode had (cancelled because the signal recovered) and reopens it
-- instead of opening a new number.
ALTER TABLE cases ADD COLUMN episode_key TEXT;
CREATE INDEX cases_episode ON cases(episode_key, updated_at);
