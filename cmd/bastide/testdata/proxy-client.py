#!/usr/bin/python3
"""A calendar app through a reverse proxy, with python3-caldav.

Usage: proxy-client.py URL USER PASS CAFILE UID

Finds the user's principal from URL, lists the calendars, saves an event
of uid UID in the first one and reads it back by its uid. Prints one JSON
object of what it saw; the Go test asserts.
"""
import json
import sys

import caldav

url, user, password, cafile, uid = sys.argv[1:6]
client = caldav.DAVClient(url, username=user, password=password, ssl_verify_cert=cafile)
principal = client.principal()
calendars = principal.calendars()
out = {
    "principal": str(principal.url),
    "calendars": sorted(c.get_display_name() for c in calendars),
}
ics = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Bastide//proxy-client//FR
BEGIN:VEVENT
UID:%s
DTSTAMP:20260101T000000Z
DTSTART:20270704T180000Z
DTEND:20270704T200000Z
SUMMARY:Bal du 14 juillet (par le proxy)
END:VEVENT
END:VCALENDAR
""" % uid
saved = calendars[0].save_event(ics)
out["saved"] = str(saved.url)
found = calendars[0].event_by_uid(uid)
out["read_back"] = str(found.vobject_instance.vevent.summary.value)
print(json.dumps(out))
