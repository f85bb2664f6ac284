#!/usr/bin/python3
"""A calendar app looks for an event, with python3-caldav.

Usage: find-event.py URL USER PASS DAY...

Finds the user's principal from URL (the server's CalDAV address) and
their calendars, then asks each calendar, with a time-range search of one
day (Europe/Paris), which events happen on each DAY (YYYY-MM-DD). Prints
one JSON object of what it saw; the Go test asserts:
  {"calendars": [display names],
   "days": {DAY: [summaries]},
   "data": {summary: the iCalendar text of the event found}}
"""
import datetime as dt
import json
import sys
import zoneinfo

import caldav

url, user, password = sys.argv[1:4]
days = sys.argv[4:]
paris = zoneinfo.ZoneInfo("Europe/Paris")
client = caldav.DAVClient(url, username=user, password=password)
calendars = client.principal().calendars()
out = {"calendars": sorted(c.get_display_name() for c in calendars), "days": {}, "data": {}}
for day in days:
    start = dt.datetime.fromisoformat(day).replace(tzinfo=paris)
    found = []
    for cal in calendars:
        for obj in cal.date_search(start, start + dt.timedelta(days=1), expand=False):
            summary = str(obj.vobject_instance.vevent.summary.value)
            found.append(summary)
            out["data"][summary] = obj.data
    out["days"][day] = sorted(found)
print(json.dumps(out))
