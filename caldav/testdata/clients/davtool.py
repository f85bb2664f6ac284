#!/usr/bin/python3
"""Small raw-HTTP CalDAV helper for the client scripts (standard library only).

Usage:
  davtool.py collection BASE USER PASS NAME   URL of the calendar NAME in the user's home
  davtool.py list       URL  USER PASS        member names of a collection, one a line
  davtool.py uids       URL  USER PASS        "UID URL" of every member of a collection, one a line
  davtool.py get        URL  USER PASS        status, then the ETag, then the body
  davtool.py put        URL  USER PASS FILE [ETAG]   status (If-Match: ETAG, else If-None-Match: *)
  davtool.py delete     URL  USER PASS        status
  davtool.py props      URL  USER PASS        displayname, then calendar-color
  davtool.py proppatch  URL  USER PASS DISPLAYNAME COLOR   status of every property
"""
import base64
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav", "a": "http://apple.com/ns/ical/"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(method, url, user, pw, body=None, headers=None):
    h = dict(headers or {})
    h["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
    if body is not None and isinstance(body, str):
        body = body.encode("utf-8")
    req = urllib.request.Request(url, data=body, method=method, headers=h)
    try:
        with OPENER.open(req) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def propfind(url, user, pw, props, depth="0", fallback=False):
    body = ('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
            'xmlns:a="http://apple.com/ns/ical/"><d:prop>' + "".join("<%s/>" % p for p in props) + "</d:prop></d:propfind>")
    st, h, data = request("PROPFIND", url, user, pw, body, {"Depth": depth, "Content-Type": "application/xml"})
    if st != 207 and fallback:
        # RFC 6764: the server root is not CalDAV, the well-known URL redirects
        st, h, _ = request("PROPFIND", urllib.parse.urljoin(url, "/.well-known/caldav"), user, pw, body,
                           {"Depth": depth, "Content-Type": "application/xml"})
        if st in (301, 302, 303, 307, 308):
            return propfind(urllib.parse.urljoin(url, h["Location"]), user, pw, props, depth)
    if st != 207:
        raise SystemExit("PROPFIND %s: %d %s" % (url, st, data[:300]))
    return ET.fromstring(data)


def text(root, path):
    e = root.find(path, NS)
    return (e.text or "").strip() if e is not None else ""


def main():
    cmd, url, user, pw = sys.argv[1:5]
    args = sys.argv[5:]
    if cmd == "collection":
        root = propfind(url, user, pw, ["d:current-user-principal"], fallback=True)
        principal = urllib.parse.urljoin(url, text(root, ".//d:current-user-principal/d:href"))
        root = propfind(principal, user, pw, ["c:calendar-home-set"])
        home = urllib.parse.urljoin(principal, text(root, ".//c:calendar-home-set/d:href"))
        root = propfind(home, user, pw, ["d:resourcetype"], "1")
        for r in root.findall("d:response", NS):
            href = text(r, "d:href")
            if urllib.parse.unquote(href.rstrip("/").rsplit("/", 1)[-1]) == args[0]:
                print(urllib.parse.urljoin(home, href))
                return
        raise SystemExit("no collection %s in %s" % (args[0], home))
    if cmd == "list":
        root = propfind(url, user, pw, ["d:getetag"], "1")
        me = urllib.parse.urlparse(url).path.rstrip("/")
        for r in root.findall("d:response", NS):
            p = urllib.parse.urlparse(urllib.parse.urljoin(url, text(r, "d:href"))).path.rstrip("/")
            if p != me:
                print(urllib.parse.unquote(p.rsplit("/", 1)[-1]))
        return
    if cmd == "uids":
        root = propfind(url, user, pw, ["d:getetag"], "1")
        me = urllib.parse.urlparse(url).path.rstrip("/")
        for r in root.findall("d:response", NS):
            u = urllib.parse.urljoin(url, text(r, "d:href"))
            if urllib.parse.urlparse(u).path.rstrip("/") == me:
                continue
            st, _, data = request("GET", u, user, pw)
            for line in data.decode("utf-8", "replace").splitlines():
                if st == 200 and line.startswith("UID:"):
                    print(line[4:].strip(), u)
                    break
        return
    if cmd == "get":
        st, h, data = request("GET", url, user, pw)
        print(st)
        print(h.get("ETag", ""))
        sys.stdout.write(data.decode("utf-8", "replace"))
        return
    if cmd == "put":
        with open(args[0], "rb") as f:
            body = f.read()
        h = {"Content-Type": "text/calendar; charset=utf-8"}
        if len(args) > 1:
            h["If-Match"] = args[1]
        else:
            h["If-None-Match"] = "*"
        print(request("PUT", url, user, pw, body, h)[0])
        return
    if cmd == "delete":
        print(request("DELETE", url, user, pw)[0])
        return
    if cmd == "props":
        root = propfind(url, user, pw, ["d:displayname", "a:calendar-color"])
        print(text(root, ".//d:displayname"))
        print(text(root, ".//a:calendar-color"))
        return
    if cmd == "proppatch":
        body = ('<?xml version="1.0" encoding="utf-8"?><d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/">'
                "<d:set><d:prop><d:displayname>%s</d:displayname><a:calendar-color>%s</a:calendar-color></d:prop></d:set>"
                "</d:propertyupdate>" % (escape(args[0]), escape(args[1])))
        st, _, data = request("PROPPATCH", url, user, pw, body, {"Content-Type": "application/xml"})
        root = ET.fromstring(data) if st == 207 else None
        print(" ".join(sorted(set(s.text.split()[1] for s in root.findall(".//d:propstat/d:status", NS)))) if root is not None else st)
        return
    raise SystemExit("unknown command " + cmd)


main()
