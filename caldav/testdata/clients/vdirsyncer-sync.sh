#!/bin/bash
# A two-way vdirsyncer (Debian 0.19) sync against a CalDAV server, with
# metasync, checking file contents on both sides after every step.
#
# Usage: vdirsyncer-sync.sh BASE_URL USER PASS WORKDIR COLLECTION
#   BASE_URL  server root (vdirsyncer discovers the principal and home)
#   WORKDIR   emptied first; holds the config, the local vdir and the status
#   COLLECTION name of the calendar vdirsyncer creates (extended MKCOL)
#
# Prints "PASS what" or "FAIL what (got X, want Y)" per check and ends with
# "N passed, M failed". Needs vdirsyncer and /usr/bin/python3 (for davtool.py,
# the raw-HTTP side of the checks).
set -u
URL=$1; U=$2; P=$3; W=$4; C=$5
HERE=$(cd "$(dirname "$0")" && pwd)
DAV() { /usr/bin/python3 "$HERE/davtool.py" "$1" "$2" "$U" "$P" "${@:3}"; }
PASSED=0; FAILED=0
check() { # got want what
	if [ "$1" = "$2" ]; then PASSED=$((PASSED+1)); echo "PASS $3"
	else FAILED=$((FAILED+1)); echo "FAIL $3 (got '$1', want '$2')"; fi
}
V() { echo "### vdirsyncer $*"; vdirsyncer -c "$W/config" "$@" 2>&1; }
run() { # what vdirsyncer-args...
	local what=$1; shift
	OUT=$(V "$@"); RC=$?; echo "$OUT"
	check "$RC" 0 "$what exits 0"
}
rm -rf "$W"; mkdir -p "$W/local/$C" "$W/status"
L="$W/local/$C"
cat > "$W/config" <<CFG
[general]
status_path = "$W/status/"

[pair t]
a = "t_local"
b = "t_remote"
collections = ["from a", "from b"]
metadata = ["displayname", "color"]
conflict_resolution = "a wins"

[storage t_local]
type = "filesystem"
path = "$W/local/"
fileext = ".ics"

[storage t_remote]
type = "caldav"
url = "$URL"
username = "$U"
password = "$P"
CFG

TZ_PARIS='BEGIN:VTIMEZONE
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
END:VTIMEZONE'
single() { # uid day summary
	cat <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Bastide//vdirsyncer-sync//FR
$TZ_PARIS
BEGIN:VEVENT
UID:$1
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:202604$(printf %02d "$2")T180000
DTEND;TZID=Europe/Paris:202604$(printf %02d "$2")T200000
SUMMARY:$3
END:VEVENT
END:VCALENDAR
ICS
}
# six one-off events, two weekly series (EXDATE + a moved occurrence), a task
for i in 1 2 3 4 5 6; do single "ev$i@vdirsyncer-sync" "$((i + 2))" "Réunion $i" > "$L/ev$i.ics"; done
for i in 1 2; do cat > "$L/rec$i.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Bastide//vdirsyncer-sync//FR
$TZ_PARIS
BEGIN:VEVENT
UID:rec$i@vdirsyncer-sync
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:2026040${i}T193000
DTEND;TZID=Europe/Paris:2026040${i}T213000
RRULE:FREQ=WEEKLY;COUNT=10
EXDATE;TZID=Europe/Paris:2026041$((i + 4))T193000
SUMMARY:Répétition $i
END:VEVENT
BEGIN:VEVENT
UID:rec$i@vdirsyncer-sync
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:2026042$((i + 1))T193000
DTSTART;TZID=Europe/Paris:2026042$((i + 2))T200000
DTEND;TZID=Europe/Paris:2026042$((i + 2))T220000
SUMMARY:Répétition $i (déplacée)
END:VEVENT
END:VCALENDAR
ICS
done
cat > "$L/todo1.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Bastide//vdirsyncer-sync//FR
BEGIN:VTODO
UID:todo1@vdirsyncer-sync
DTSTAMP:20260101T000000Z
SUMMARY:Imprimer les affiches
END:VTODO
END:VCALENDAR
ICS
printf 'Chorale de Nérac' > "$L/displayname"; printf '#3366CCFF' > "$L/color"

# uid -> local file, summary of a local item
lfile() { grep -l "^UID:$1" "$L"/*.ics 2>/dev/null | head -1; }
lsum() { local f; f=$(lfile "$1"); [ -n "$f" ] && grep -m1 '^SUMMARY:' "$f" | tr -d '\r' | cut -d: -f2-; }
count() { ls "$L" | grep -c '\.ics$'; }

# 1. discover creates the calendar on the server (extended MKCOL), sync uploads
OUT=$(echo "### discover"; yes | vdirsyncer -c "$W/config" discover t 2>&1); RC=$?; echo "$OUT"
check "$RC" 0 "discover exits 0"
run "first sync (upload)" sync t
run "first metasync (upload displayname, color)" metasync t
R=$(DAV collection "$URL" "$C"); check "$?" 0 "the calendar vdirsyncer created is in the home"
echo "remote collection: $R"
check "$(DAV list "$R" | wc -l)" 9 "server holds the 9 uploaded items"
# vdirsyncer names the items it uploads: map UIDs to URLs
MAP=$(DAV uids "$R")
H() { echo "$MAP" | awk -v u="$1@vdirsyncer-sync" '$1 == u { print $2 }'; }
EV1=$(H ev1); EV2=$(H ev2); EV3=$(H ev3); EV4=$(H ev4); REC1=$(H rec1)
check "$(DAV props "$R" | tr '\n' '|')" "Chorale de Nérac|#3366CCFF|" "metasync set displayname and color on the server"
check "$(DAV get "$REC1" | tail -n +3 | tr -d '\r' | grep -c -e '^EXDATE;TZID=Europe/Paris:20260415T193000$' -e '^RECURRENCE-ID;TZID=Europe/Paris:20260422T193000$')" 2 "recurring item keeps its EXDATE and override on the server"

# 2. changes made on the server (PUT with If-Match, PUT, DELETE, PROPPATCH) reach the local side
G=$(DAV get "$EV1"); ET=$(echo "$G" | sed -n 2p)
check "$(echo "$G" | sed -n 1p)" 200 "GET ev1 from the server"
echo "$G" | tail -n +3 | sed 's/^SUMMARY:Réunion 1\r\?$/SUMMARY:Réunion 1 (salle changée)\r/' > "$W/ev1-server.ics"
check "$(DAV put "$EV1" "$W/ev1-server.ics" "$ET")" 204 "server-side update with If-Match answers 204"
check "$(DAV put "$EV1" "$W/ev1-server.ics" "$ET")" 412 "server-side update with the old ETag answers 412"
single "srv1@vdirsyncer-sync" 20 "Concert (ajouté sur le serveur)" > "$W/srv1.ics"
check "$(DAV put "${R}srv1.ics" "$W/srv1.ics")" 201 "server-side create answers 201"
check "$(DAV delete "$EV4" | sed 's/^20[04]$/2xx/')" 2xx "server-side DELETE answers 200 or 204"
check "$(DAV proppatch "$R" "Chorale du Pays d'Albret" "#AA2200FF")" "200" "server-side PROPPATCH of displayname and color"
run "sync down" sync t
run "metasync down" metasync t
check "$(lsum ev1@vdirsyncer-sync)" "Réunion 1 (salle changée)" "server-side update reached the local file"
check "$(lsum srv1@vdirsyncer-sync)" "Concert (ajouté sur le serveur)" "server-side create reached a local file"
check "$(lfile ev4@vdirsyncer-sync)" "" "server-side delete removed the local file"
check "$(count)" 9 "local item count after sync down"
check "$(cat "$L/displayname")" "Chorale du Pays d'Albret" "displayname changed on the server reached the local side"
check "$(cat "$L/color")" "#AA2200FF" "color changed on the server reached the local side"

# 3. local edit, delete and add go up
sed -i 's/^SUMMARY:Réunion 2/SUMMARY:Réunion 2 (ordre du jour)/' "$(lfile ev2@vdirsyncer-sync)"
rm -f "$(lfile ev3@vdirsyncer-sync)"
single "local1@vdirsyncer-sync" 21 "Loto (ajouté en local)" > "$L/local1.ics"
run "sync up" sync t
check "$(DAV get "$EV2" | tail -n +3 | tr -d '\r' | grep -c '^SUMMARY:Réunion 2 (ordre du jour)$')" 1 "local edit reached the server"
check "$(DAV get "$EV3" | sed -n 1p)" 404 "local delete reached the server"
MAP=$(DAV uids "$R")
check "$(DAV get "$(H local1)" | tail -n +3 | tr -d '\r' | grep -c '^SUMMARY:Loto (ajouté en local)$')" 1 "local add reached the server"
check "$(echo "$MAP" | wc -l)" 9 "server item count after sync up"

# 4. idempotence: nothing changed, nothing copied
OUT=$(V sync t); echo "$OUT"
check "$(echo "$OUT" | grep -cE '^(Copying|Deleting|Updating)')" 0 "a second sync with no change is a no-op"

# 5. a fresh download into an empty directory gives back exactly the server's state
mv "$L" "$W/local-old"; rm -rf "$W/status"; mkdir -p "$W/status"
OUT=$(yes | vdirsyncer -c "$W/config" discover t 2>&1); RC=$?; echo "$OUT"
check "$RC" 0 "discover into an empty directory exits 0"
run "fresh sync" sync t
run "fresh metasync" metasync t
check "$(count)" 9 "fresh download has the 9 items"
for u in ev1 ev2 ev5 ev6 rec1 rec2 todo1 srv1 local1; do
	check "$(lsum $u@vdirsyncer-sync)" "$(grep -m1 '^SUMMARY:' "$(grep -l "^UID:$u@vdirsyncer-sync" "$W/local-old"/*.ics)" | tr -d '\r' | cut -d: -f2-)" "fresh download: $u has the same summary"
done
check "$(tr -d '\r' < "$(lfile rec2@vdirsyncer-sync)" | grep -c -e '^EXDATE;TZID=Europe/Paris:20260416T193000$' -e '^RECURRENCE-ID;TZID=Europe/Paris:20260423T193000$' -e '^RRULE:FREQ=WEEKLY;COUNT=10$')" 3 "fresh download: recurring item intact (RRULE, EXDATE, override)"
check "$(cat "$L/displayname")" "Chorale du Pays d'Albret" "fresh metasync: displayname"
echo "$PASSED passed, $FAILED failed"
