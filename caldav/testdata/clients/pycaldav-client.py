#!/usr/bin/python3
"""Drive a CalDAV server with python3-caldav (the Debian package, 0.11).

Usage:
  pycaldav-client.py smoke URL USER PASS
  pycaldav-client.py put   URL USER PASS CALENDAR-NAME UID SUMMARY
  pycaldav-client.py sync  URL USER PASS CALENDAR-NAME [TOKEN]
  pycaldav-client.py resync URL USER PASS CALENDAR-NAME TOKEN
  pycaldav-client.py named URL USER PASS CALENDAR-ID UID

Prints one JSON object on standard output: what the library saw, not a
verdict (the Go test that runs this script asserts). A step that raises is
recorded under "errors" and the script goes on with the next one.
"""
import datetime as dt
import json
import sys
import traceback
import uuid
from urllib.parse import unquote

import caldav
from caldav.elements import dav

PARIS_TZ = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def vcal(body):
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Bastide//pycaldav-client//FR\n" + PARIS_TZ + body + "END:VCALENDAR\n"


# A choir rehearsal every Monday of March 2026 at 19:30 in Paris, twelve
# times; the 16th is cancelled (EXDATE) and the 23rd is moved to Wednesday
# the 25th at 20:00. Daylight saving starts on 29 March.
REHEARSAL = vcal("""BEGIN:VEVENT
UID:rehearsal-{tag}@pycaldav
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20260302T193000
DTEND;TZID=Europe/Paris:20260302T213000
RRULE:FREQ=WEEKLY;COUNT=12
EXDATE;TZID=Europe/Paris:20260316T193000
SUMMARY:Répétition de la chorale
LOCATION:Salle des fêtes\\, Nérac
END:VEVENT
BEGIN:VEVENT
UID:rehearsal-{tag}@pycaldav
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260323T193000
DTSTART;TZID=Europe/Paris:20260325T200000
DTEND;TZID=Europe/Paris:20260325T220000
SUMMARY:Répétition de la chorale (déplacée)
END:VEVENT
""")

MEETING = vcal("""BEGIN:VEVENT
UID:ag-{tag}@pycaldav
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20260314T140000
DTEND;TZID=Europe/Paris:20260314T160000
SUMMARY:{summary}
END:VEVENT
""")

TODO = vcal("""BEGIN:VTODO
UID:todo-{tag}@pycaldav
DTSTAMP:20260101T000000Z
SUMMARY:Réserver la salle
END:VTODO
""")

PARIS = dt.timezone(dt.timedelta(hours=1))  # March before the 29th

out = {"errors": {}}


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # recorded, the Go test reports it
        out["errors"][name] = "%s: %s" % (type(e).__name__, str(e)[:500])
        traceback.print_exc(file=sys.stderr)


def base(url):
    return unquote(str(url).rstrip("/").rsplit("/", 1)[-1])


def utc_starts(data):
    """DTSTARTs of the VEVENTs of an iCalendar text, in UTC, sorted."""
    import icalendar
    cal = icalendar.Calendar.from_ical(data)
    res = []
    for c in cal.walk("VEVENT"):
        v = c.decoded("DTSTART")
        res.append(v.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    return sorted(res)


def has_rrule(data):
    """Whether a VEVENT of the text still has an RRULE (not expanded)."""
    import icalendar
    return any("RRULE" in c for c in icalendar.Calendar.from_ical(data).walk("VEVENT"))


def find_calendar(principal, name):
    for c in principal.calendars():
        if c.get_property(dav.DisplayName()) == name:
            return c
    raise LookupError("no calendar named %r" % name)


def smoke(client):
    principal = client.principal()
    out["principal"] = str(principal.url)
    tag = uuid.uuid4().hex[:8]
    name = "Chorale – répétitions " + tag
    cal = principal.make_calendar(name=name)
    out["calendar"] = str(cal.url)
    step("listed_after_create", lambda: [c.get_property(dav.DisplayName()) for c in principal.calendars()])
    rehearsal = cal.save_event(REHEARSAL.format(tag=tag))
    meeting = cal.save_event(MEETING.format(tag=tag, summary="Assemblée générale"))
    todo = cal.save_todo(TODO.format(tag=tag))
    out["saved"] = [base(rehearsal.url), base(meeting.url), base(todo.url)]
    step("event_by_uid", lambda: base(cal.event_by_uid("rehearsal-%s@pycaldav" % tag).url))

    def day(d):
        s = dt.datetime(2026, 3, d, tzinfo=PARIS)
        return [base(o.url) for o in cal.date_search(s, s + dt.timedelta(days=1), expand=False)]
    step("search_mar09", lambda: day(9))      # an ordinary occurrence
    step("search_mar16", lambda: day(16))     # the EXDATE
    step("search_mar23", lambda: day(23))     # the slot of the moved occurrence
    step("search_mar25", lambda: day(25))     # where it moved to
    step("search_mar14", lambda: day(14))     # the meeting
    month = (dt.datetime(2026, 3, 1, tzinfo=PARIS), dt.datetime(2026, 4, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))))

    def server_expand():
        # the raw answer of the server to <C:expand>, without the library's
        # client-side fallback
        xml, comp = cal.build_search_xml_query(comp_class=caldav.Event, start=month[0], end=month[1], expand=True)
        _, objs = cal._request_report_build_resultlist(xml, comp)
        res = {}
        for o in objs:
            res[base(o.url)] = {"starts": utc_starts(o.data), "rrule": has_rrule(o.data),
                                "recurrence_ids": o.data.count("RECURRENCE-ID")}
        return res
    step("server_expand_march", server_expand)
    step("library_expand_march", lambda: sorted(
        s for o in cal.date_search(month[0], month[1], expand=True) for s in utc_starts(o.data)))
    step("todos", lambda: [base(t.url) for t in cal.todos()])
    step("events", lambda: sorted(base(e.url) for e in cal.events()))

    sync = cal.objects_by_sync_token(load_objects=False)
    out["sync_initial"] = sorted(base(o.url) for o in sync)
    out["sync_initial_token"] = bool(sync.sync_token)
    # three changes: modify the meeting, delete the todo, add an event
    meeting.data = MEETING.format(tag=tag, summary="Assemblée générale extraordinaire")
    meeting.save()
    todo.delete()
    extra = cal.save_event(MEETING.format(tag=tag + "-2", summary="Bal trad").replace("20260314", "20260321"))

    def delta():
        res = {}
        for o in cal.objects_by_sync_token(sync_token=sync.sync_token, load_objects=True):
            res[base(o.url)] = "loaded" if o.data else "gone"
        return res
    step("sync_delta", delta)
    out["extra"] = base(extra.url)

    def sync_again():
        updated, deleted = sync.sync()
        return {"updated": sorted(base(o.url) for o in updated), "deleted": sorted(base(o.url) for o in deleted)}
    step("sync_collection_sync", sync_again)

    def rename():
        cal.set_properties([dav.DisplayName("Chorale du Pays d'Albret")])
        return cal.get_property(dav.DisplayName())
    step("displayname_after_proppatch", rename)
    step("listed_after_rename", lambda: [c.get_property(dav.DisplayName()) for c in principal.calendars()])

    def freebusy():
        fb = cal.freebusy_request(month[0], month[1])
        lines = [l for l in str(fb.data).replace("\r\n ", "").splitlines() if l.startswith("FREEBUSY")]
        periods = []
        for l in lines:
            periods += l.split(":", 1)[1].split(",")
        return sorted(periods)
    step("freebusy_march", freebusy)

    def delete():
        cal.delete()
        return [base(c.url) for c in principal.calendars()]
    step("calendars_after_delete", delete)


def put(client, name, uid, summary):
    cal = find_calendar(client.principal(), name)
    ev = cal.save_event(MEETING.format(tag="x", summary=summary).replace("ag-x@pycaldav", uid))
    out["href"] = base(ev.url)
    out["calendar"] = str(cal.url)


def sync(client, name, token):
    cal = find_calendar(client.principal(), name)
    res = cal.objects_by_sync_token(sync_token=token or None, load_objects=True)
    objs = {}
    for o in res:
        if not o.data:
            objs[base(o.url)] = None
            continue
        ev = o.icalendar_instance.walk("VEVENT")
        objs[base(o.url)] = str(ev[0].get("SUMMARY")) if ev else ""
    out["token"] = res.sync_token
    out["objects"] = objs


def resync(client, name, token):
    """What a calendar app does: a sync from its token and, when the
    server refuses the token, a full sync from scratch."""
    try:
        sync(client, name, token)
    except Exception as e:
        out["refused"] = "%s: %s" % (type(e).__name__, str(e)[:500])
        sync(client, name, "")


def named(client, cal_id, uid):
    """Create a calendar at the URL segment cal_id (as the client spells
    it), store an event in it, then find both again from the principal."""
    principal = client.principal()
    cal = principal.make_calendar(name=cal_id, cal_id=cal_id)
    out["calendar"] = str(cal.url)
    cal.save_event(MEETING.format(tag="n", summary="Dans " + cal_id).replace("ag-n@pycaldav", uid))
    step("listed", lambda: sorted(base(c.url) for c in principal.calendars()))

    def read_back():
        found = [c for c in principal.calendars() if base(c.url) == cal_id]
        ev = found[0].event_by_uid(uid)
        return str(ev.icalendar_instance.walk("VEVENT")[0].get("SUMMARY"))
    step("summary", read_back)
    step("displayname", lambda: cal.get_property(dav.DisplayName()))


def main():
    cmd, url, user, pw = sys.argv[1:5]
    client = caldav.DAVClient(url=url, username=user, password=pw)
    try:
        if cmd == "smoke":
            smoke(client)
        elif cmd == "put":
            put(client, *sys.argv[5:8])
        elif cmd == "resync":
            resync(client, sys.argv[5], sys.argv[6])
        elif cmd == "named":
            named(client, *sys.argv[5:7])
        elif cmd == "sync":
            sync(client, sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else "")
        else:
            raise SystemExit("unknown command " + cmd)
    except Exception as e:
        out["errors"]["fatal"] = "%s: %s" % (type(e).__name__, str(e)[:500])
        traceback.print_exc(file=sys.stderr)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    print()


main()
