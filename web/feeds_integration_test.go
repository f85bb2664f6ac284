//go:build integration

package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The feeds are read back by parsers that are not Bastide's: Python's
// icalendar and feedparser (Debian python3-icalendar, python3-feedparser).
func TestFeedsSecondParser(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Fatal("python3 is missing: apt-get install python3 python3-icalendar python3-feedparser")
	}
	if out, err := exec.Command(py, "-c", "import icalendar, feedparser").CombinedOutput(); err != nil {
		t.Fatalf("Python modules missing (apt-get install python3-icalendar python3-feedparser): %s", out)
	}
	f := newFixture(t)
	dir := t.TempDir()
	files := map[string]string{"agenda.ics": "/feeds/agenda.ics", "agenda.rss": "/feeds/agenda.rss?limit=200", "agenda.atom": "/feeds/agenda.atom?limit=200"}
	for name, p := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(f.get(p).body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(py, "testdata/check_feeds.py", filepath.Join(dir, "agenda.ics"), filepath.Join(dir, "agenda.rss"), filepath.Join(dir, "agenda.atom"))
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("check_feeds.py: %v\n%s", err, stderr)
	}
	type ev struct {
		UID, Summary, Status, Start, TZID, UTCOffset, RRule, RecurrenceID, URL string
		Exdates                                                                []string
	}
	var res struct {
		ICS struct {
			Timezones []string
			Events    []struct {
				UID          string   `json:"uid"`
				Summary      string   `json:"summary"`
				Status       string   `json:"status"`
				Start        string   `json:"start"`
				TZID         string   `json:"tzid"`
				UTCOffset    string   `json:"utcoffset"`
				RRule        string   `json:"rrule"`
				Exdates      []string `json:"exdates"`
				RecurrenceID string   `json:"recurrence_id"`
				URL          string   `json:"url"`
			}
			Calname string
		}
		RSS, Atom struct {
			Bozo          int
			BozoException string `json:"bozo_exception"`
			Version       string
			Title         string
			Entries       []feedEntryPy
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.ICS.Timezones) != 1 || res.ICS.Timezones[0] != "Europe/Paris" {
		t.Errorf("VTIMEZONE: %v", res.ICS.Timezones)
	}
	var master, moved, cancelled bool
	for _, e := range res.ICS.Events {
		if e.UID == "reunion-privee" {
			t.Error("private event in the feed")
		}
		if e.URL != "" && !strings.HasPrefix(e.URL, "http") {
			t.Errorf("non-http URL kept: %q", e.URL)
		}
		if e.UID != "rando-mardi" {
			continue
		}
		if e.TZID != "Europe/Paris" || e.UTCOffset != "2:00:00" {
			t.Errorf("time zone of %v", e)
		}
		switch e.RecurrenceID {
		case "":
			master = e.RRule == "FREQ=WEEKLY;UNTIL=20260630T215959Z;BYDAY=TU" && len(e.Exdates) == 1 && strings.HasPrefix(e.Exdates[0], "2026-04-14T09:00:00+02:00")
			if !master {
				t.Errorf("series: %+v", e)
			}
		case "2026-04-21T09:00:00+02:00":
			moved = strings.HasPrefix(e.Start, "2026-04-22T09:00:00")
		case "2026-04-28T09:00:00+02:00":
			cancelled = e.Status == "CANCELLED"
		}
	}
	if !master || !moved || !cancelled {
		t.Errorf("recurrence kept: series %v, moved occurrence %v, cancelled occurrence %v\n%s", master, moved, cancelled, out)
	}
	for name, feed := range map[string]struct {
		Bozo          int
		BozoException string `json:"bozo_exception"`
		Version       string
		Title         string
		Entries       []feedEntryPy
	}{"rss": res.RSS, "atom": res.Atom} {
		if feed.Bozo != 0 || len(feed.Entries) < 10 || feed.Title != "Bastide — l'agenda des associations du Lot-et-Garonne" {
			t.Errorf("%s: bozo %d (%s), %d entries, title %q", name, feed.Bozo, feed.BozoException, len(feed.Entries), feed.Title)
		}
		for _, e := range feed.Entries {
			// Atom says its title is text and its summary HTML (the
			// description rendered by markup); RSS titles are HTML-escaped
			// and its descriptions made safe, so feedparser's HTML holds
			// no live markup.
			if name == "atom" && (e.TitleType != "text/plain" || e.SummaryType != "text/html") {
				t.Errorf("atom: %q is %s / %s, want text/plain / text/html", e.Title, e.TitleType, e.SummaryType)
			}
			html := e.Summary
			if name == "rss" {
				html += e.Title
			}
			if strings.Contains(html, "<script") || strings.Contains(html, "<img") {
				t.Errorf("%s: markup survives feedparser: %q %q", name, e.Title, e.Summary)
			}
			if strings.Contains(e.Title, "alert(2)") && !strings.Contains(e.Title, "&lt;img") && !strings.Contains(e.Title, "<img") {
				t.Errorf("%s: hostile title lost instead of shown as text: %q", name, e.Title)
			}
		}
	}
	if res.RSS.Version != "rss20" || res.Atom.Version != "atom10" {
		t.Errorf("versions: %s %s", res.RSS.Version, res.Atom.Version)
	}
}
