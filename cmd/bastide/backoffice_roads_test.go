//go:build integration

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/fedifytest"
)

// The roads an event made in the back office's browser test takes to the
// programs people and peers use, each checked by that program: a calendar
// app (python3-caldav), a synchronisation tool (vdirsyncer) and another
// fediverse server (Fedify). TestBackofficeInBrowser calls them.

// pyFound is what testdata/find-event.py saw over CalDAV.
type pyFound struct {
	Calendars []string            `json:"calendars"`
	Days      map[string][]string `json:"days"`
	Data      map[string]string   `json:"data"`
}

// findWithPythonCaldav has python3-caldav discover user's calendars from
// the server's address and search each day of days (YYYY-MM-DD) in them.
func findWithPythonCaldav(t *testing.T, base, user, pass string, days ...string) pyFound {
	t.Helper()
	needTool(t, python, "python3")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{filepath.Join("testdata", "find-event.py"), base + "/", user, pass}, days...)
	cmd := exec.CommandContext(ctx, python, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python3-caldav (apt-get install python3-caldav): %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	var got pyFound
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("python3-caldav's answer: %v: %s", err, stdout.String())
	}
	return got
}

// syncWithVdirsyncer writes config (the connect page's vdirsyncer
// configuration) and password (in the file it names) under a temporary
// HOME, runs the real vdirsyncer's discover and sync, and returns the
// texts of the .ics files it wrote into ~/.calendars.
func syncWithVdirsyncer(t *testing.T, config, password string) []string {
	t.Helper()
	if _, err := exec.LookPath("vdirsyncer"); err != nil {
		t.Fatal("vdirsyncer is needed: apt-get install vdirsyncer")
	}
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "vdirsyncer")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bastide-password"), []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, step := range []string{"discover", "sync"} {
		cmd := exec.CommandContext(ctx, "vdirsyncer", step)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
		cmd.Stdin = strings.NewReader(strings.Repeat("y\n", 10)) // discover asks before creating local folders
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("vdirsyncer %s: %v\n%s\nconfig:\n%s", step, err, out, config)
		}
	}
	var texts []string
	filepath.WalkDir(filepath.Join(home, ".calendars"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".ics") {
			if b, err := os.ReadFile(p); err == nil {
				texts = append(texts, string(b))
			}
		}
		return nil
	})
	return texts
}

// fedifyFollows has the Fedify peer follow actor (an association's Group)
// and waits until Bastide has accepted it.
func fedifyFollows(t *testing.T, b *backoffice, peer *fedifytest.Peer, associationID int64, actor string) {
	t.Helper()
	peer.Follow(t, actor)
	eventually(t, 20*time.Second, func() bool {
		f, err := b.store.GetFollower(context.Background(), associationID, peer.Actor())
		return err == nil && f.State == db.FollowAccepted
	})
}

// fedifyCreates waits until the Fedify peer has received, verified (its
// own signature check) and handled a Create of an Event named name for
// each start of starts, and returns what it got: start time → end time.
func fedifyCreates(t *testing.T, peer *fedifytest.Peer, name string, starts ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	collect := func() {
		clear(got)
		for _, e := range peer.Log(t) {
			obj, _ := e.Raw["object"].(map[string]any)
			if e.Type != "Create" || !e.Verified || e.HandledBy != "Create" || obj["type"] != "Event" || obj["name"] != name {
				continue
			}
			s, _ := obj["startTime"].(string)
			got[s], _ = obj["endTime"].(string)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		collect()
		all := true
		for _, s := range starts {
			if _, ok := got[s]; !ok {
				all = false
			}
		}
		if all {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("Fedify verified and handled Creates of %q starting at %v; want %v\nits log: %+v", name, got, starts, peer.Log(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// davDo sends one CalDAV request with an app password and returns the
// status and body.
func davDo(t *testing.T, method, url, user, pass, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	if body != "" {
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// weeklyCheck is what the browser test's later steps share.
type weeklyCheck struct {
	b        *backoffice
	base     string
	bctx     context.Context // the browser's
	peer     *fedifytest.Peer
	user     string
	password string // the app password made on the page
	run      func(what string, steps ...chromedp.Action[chromedp.Void])
}

// weeklyEventElsewhere checks that the weekly "Atelier de vannerie" the
// browser made (Tuesdays from 5 January 2027, four times, 12 January
// skipped) is seen with its dates by python3-caldav, by vdirsyncer set up
// from the connect page, and by the Fedify peer.
func weeklyEventElsewhere(t *testing.T, w weeklyCheck) {
	t.Helper()
	const name = "Atelier de vannerie"
	days := []string{"2027-01-05", "2027-01-12", "2027-01-19", "2027-01-26", "2027-02-02"}
	py := findWithPythonCaldav(t, w.base, w.user, w.password, days...)
	for _, d := range days {
		on := slices.Contains(py.Days[d], name)
		if want := d != "2027-01-12" && d != "2027-02-02"; on != want {
			t.Errorf("python3-caldav finds %q on %s: %v, want %v (all: %v)", name, d, on, want, py.Days)
		}
	}
	if data := py.Data[name]; !strings.Contains(data, "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4") ||
		!strings.Contains(data, "EXDATE;TZID=Europe/Paris:20270112T140000") {
		t.Errorf("python3-caldav read:\n%s", data)
	}

	w.run("connect page", chromedp.Navigate(w.base+"/admin/me/connect"), chromedp.WaitVisible(chromedp.CSS(`#vdirsyncer-config`)))
	config, err := chromedp.Run(w.bctx, chromedp.TextContent(chromedp.CSS(`#vdirsyncer-config`)))
	if err != nil {
		t.Fatal(err)
	}
	synced := ""
	for _, text := range syncWithVdirsyncer(t, config, w.password) {
		if strings.Contains(text, "SUMMARY:"+name) {
			synced = text
		}
	}
	if !strings.Contains(synced, "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4") || !strings.Contains(synced, "EXDATE;TZID=Europe/Paris:20270112T140000") {
		t.Errorf("vdirsyncer, with the app password made on the page, synced:\n%s", synced)
	}

	got := fedifyCreates(t, w.peer, name, "2027-01-05T14:00:00+01:00", "2027-01-19T14:00:00+01:00", "2027-01-26T14:00:00+01:00")
	for start, end := range got {
		if strings.HasPrefix(start, "2027-01-12") {
			t.Errorf("Fedify was sent the skipped date: %v", got)
		}
		if want := start[:11] + "17:00:00+01:00"; end != want {
			t.Errorf("Fedify got %s ending %q, want %q", start, end, want)
		}
	}
}

// alarmKeptThroughTheForm puts over CalDAV an event as Thunderbird writes
// one, with an alarm and X- properties, retitles it in the form in the
// browser, and reads it back over CalDAV: the alarm and the X- lines are
// there byte for byte.
func alarmKeptThroughTheForm(t *testing.T, w weeklyCheck, calendarID int64) {
	t.Helper()
	alarm := "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DURATION:-PT30M\r\nDESCRIPTION:Rappel du bureau\r\n" +
		"X-MOZ-LASTACK:20261201T090000Z\r\nEND:VALARM\r\n"
	xLines := []string{"X-MOZ-GENERATION:3\r\n", "X-MICROSOFT-CDO-BUSYSTATUS;X-NOTE=gardé:une valeur\\, telle quelle\r\n"}
	put := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:bureau-alarme@thunderbird\r\nDTSTAMP:20261201T100000Z\r\n" +
		"DTSTART:20270210T170000Z\r\nDTEND:20270210T190000Z\r\nSUMMARY:Réunion du bureau\r\n" +
		strings.Join(xLines, "") + alarm + "END:VEVENT\r\nEND:VCALENDAR\r\n"
	url := w.base + "/dav/calendars/" + w.user + "/amis.main/bureau.ics"
	if code, body := davDo(t, http.MethodPut, url, w.user, w.password, put); code != http.StatusCreated {
		t.Fatalf("CalDAV PUT: %d %s", code, body)
	}
	ev, err := w.b.store.GetEventByHref(context.Background(), calendarID, "bureau.ics")
	if err != nil {
		t.Fatal(err)
	}
	w.run("retitle in the form",
		chromedp.Navigate(w.base+"/admin/associations/amis/events/"+ev.UUID+"/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#title`)),
		chromedp.SetValue(chromedp.CSS(`#title`), "Réunion du bureau élargi"),
		chromedp.Click(chromedp.CSS(`form.event-form > p > button[type=submit]:not([name])`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	code, got := davDo(t, http.MethodGet, url, w.user, w.password, "")
	if code != http.StatusOK || !strings.Contains(got, "SUMMARY:Réunion du bureau élargi\r\n") {
		t.Fatalf("CalDAV GET after the form: %d\n%s", code, got)
	}
	if i, j := strings.Index(got, "BEGIN:VALARM"), strings.Index(got, "END:VALARM\r\n"); i < 0 || j < i ||
		got[i:j+len("END:VALARM\r\n")] != alarm {
		t.Errorf("the alarm changed through the form:\n%s", got)
	}
	for _, x := range xLines {
		if !strings.Contains(got, "\r\n"+x) {
			t.Errorf("the line %q is lost or changed through the form:\n%s", x, got)
		}
	}
}
