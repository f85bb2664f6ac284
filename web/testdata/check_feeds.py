#!/usr/bin/python3
"""Reads Bastide's feeds back with parsers that are not Bastide's.

usage: check_feeds.py FEED.ics FEED.rss FEED.atom
Prints one JSON document describing what icalendar and feedparser saw.
"""
import json
import sys

import feedparser
import icalendar


def ics_summary(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    out = {"timezones": [], "events": [], "calname": str(cal.get("X-WR-CALNAME", ""))}
    for comp in cal.walk():
        if comp.name == "VTIMEZONE":
            out["timezones"].append(str(comp.get("TZID")))
        elif comp.name == "VEVENT":
            start = comp.decoded("DTSTART")
            tzid = comp.get("DTSTART").params.get("TZID", "")
            ev = {
                "uid": str(comp.get("UID")),
                "summary": str(comp.get("SUMMARY", "")),
                "status": str(comp.get("STATUS", "")),
                "start": start.isoformat(),
                "tzid": str(tzid),
                "utcoffset": str(start.utcoffset()) if hasattr(start, "utcoffset") and start.utcoffset() is not None else "",
                "rrule": comp.get("RRULE").to_ical().decode() if comp.get("RRULE") else "",
                "exdates": [],
                "recurrence_id": "",
                "url": str(comp.get("URL", "")),
            }
            ex = comp.get("EXDATE")
            if ex is not None:
                for e in (ex if isinstance(ex, list) else [ex]):
                    ev["exdates"] += [d.dt.isoformat() for d in e.dts]
            if comp.get("RECURRENCE-ID") is not None:
                ev["recurrence_id"] = comp.decoded("RECURRENCE-ID").isoformat()
            out["events"].append(ev)
    return out


def feed_summary(path):
    d = feedparser.parse(path)
    return {
        "bozo": int(bool(d.bozo)),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.version,
        "title": d.feed.get("title", ""),
        "entries": [
            {
                "title": e.get("title", ""),
                "link": e.get("link", ""),
                "id": e.get("id", ""),
                "summary": e.get("summary", ""),
                "title_type": e.get("title_detail", {}).get("type", ""),
                "summary_type": e.get("summary_detail", {}).get("type", ""),
            }
            for e in d.entries
        ],
    }


def main():
    ics, rss, atom = sys.argv[1:4]
    json.dump({"ics": ics_summary(ics), "rss": feed_summary(rss), "atom": feed_summary(atom)}, sys.stdout)


if __name__ == "__main__":
    main()
