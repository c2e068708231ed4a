"""Parses an iCalendar feed with the standard `icalendar` package and checks
its events against the visits the API lists.

usage: check_ical.py FEED.ics EXPECTED.json
EXPECTED.json is a list of {"uid", "start", "end", "status"} (UTC, RFC 3339).
Prints "N passed, M failed" and exits non-zero on any mismatch.
"""

import json
import sys
from datetime import datetime, timezone

import icalendar


def utc(value):
    return value.astimezone(timezone.utc).replace(microsecond=0)


def main():
    with open(sys.argv[1], "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    with open(sys.argv[2]) as f:
        expected = {e["uid"]: e for e in json.load(f)}
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    failures = []
    if set(events) != set(expected):
        failures.append(f"uids differ: only in feed {set(events) - set(expected)}, "
                        f"only expected {set(expected) - set(events)}")
    for uid, want in expected.items():
        ev = events.get(uid)
        if ev is None:
            continue
        start = utc(ev.decoded("DTSTART"))
        end = utc(ev.decoded("DTEND"))
        if start != utc(datetime.fromisoformat(want["start"].replace("Z", "+00:00"))):
            failures.append(f"{uid}: start {start} != {want['start']}")
        if end != utc(datetime.fromisoformat(want["end"].replace("Z", "+00:00"))):
            failures.append(f"{uid}: end {end} != {want['end']}")
        if str(ev.get("STATUS")) != want["status"]:
            failures.append(f"{uid}: status {ev.get('STATUS')} != {want['status']}")
        if not str(ev.get("SUMMARY", "")):
            failures.append(f"{uid}: no summary")
    for f in failures:
        print(f)
    print(f"{len(expected) - len(failures) if not failures else 0} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
