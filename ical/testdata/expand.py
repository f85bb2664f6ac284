#!/usr/bin/python3
"""Print the occurrences of iCalendar files between two instants, as JSON.

Used by the differential test of the Go package (recur_diff_test.go): an
independent implementation (icalendar + recurring_ical_events, which rely on
python-dateutil and pytz) expands the same files.

Input on stdin: {"from": "2020-01-01T00:00:00Z", "to": "...", "files": [paths]}
Output: {path: [[start, end], ...] | {"error": text}}, times in UTC
ISO 8601 with Z; all-day and floating times are their wall clock read as UTC.
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events

UTC = datetime.timezone.utc


def iso(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
    else:
        value = datetime.datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def main():
    req = json.load(sys.stdin)
    start, stop = parse(req["from"]), parse(req["to"])
    out = {}
    for path in req["files"]:
        try:
            with open(path, "rb") as f:
                cal = icalendar.Calendar.from_ical(f.read())
            # UnfoldableCalendar directly: X-WR-TIMEZONE is not applied,
            # as in Bastide (RFC 5545 semantics).
            events = recurring_ical_events.UnfoldableCalendar(cal).between(start, stop)
            occ = []
            for ev in events:
                s = ev["DTSTART"].dt
                e = ev["DTEND"].dt if "DTEND" in ev else s
                occ.append([iso(s), iso(e)])
            occ.sort()
            out[path] = occ
        except Exception as exc:  # report, the Go side decides
            out[path] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
