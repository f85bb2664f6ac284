//go:build integration

package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bastide47/bastide/ical"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the system Chromium (Debian package chromium) over the
// agenda with demo-like data: a commune filter and a text search through
// the form, an event page with its JSON-LD and its .ics link, a hostile
// event that must not run anything, keyboard focus, and screenshots at
// phone and desktop widths (set BASTIDE_SCREENSHOTS=dir to keep them).
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("headless Chromium is needed at %s: apt-get install chromium", chromiumPath)
	}
	f := newFixture(t)
	if err := f.s.SetProposalsOpen(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	defer srv.Close()

	shots := t.TempDir()
	keep := os.Getenv("BASTIDE_SCREENSHOTS")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		// A French visitor: the page must come in French by Accept-Language.
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	var mu sync.Mutex
	var dialogs, problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		// Runs in the tab's read loop: record and return, no command here.
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			dialogs = append(dialogs, e.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
				problems = append(problems, "console: "+e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log domain: %v", err)
	}
	shot := func(name string, width int64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				return err
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				return err
			}
			for _, dir := range []string{shots, keep} {
				if dir != "" {
					if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o600); err != nil {
						return err
					}
				}
			}
			if len(buf) < 5000 {
				t.Errorf("screenshot %s looks empty (%d bytes)", name, len(buf))
			}
			return nil
		})
	}
	noOverflow := func(what string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth + 1`))
			if err != nil {
				return err
			}
			if !ok {
				t.Errorf("%s: the page is wider than a 390 px phone", what)
			}
			return nil
		})
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	value := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}

	run("agenda",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
		// Keyboard: the first Tab lands on the skip link.
		chromedp.KeyEvent("\t"),
	)
	title := value("title", chromedp.Title())
	activeClass := value("focus", chromedp.Evaluate[string](`document.activeElement.className`))
	// The filters fold away on a phone: the first screen (390x844) shows
	// events; on a wide screen they stay open.
	visible := func(what string, width int64, js string) bool {
		t.Helper()
		run(what, chromedp.EmulateViewport(width, 844))
		return value(what, chromedp.Evaluate[string](`String(`+js+`)`)) == "true"
	}
	firstEvent := `document.querySelector('.results a[href^="/events/"]').getBoundingClientRect().bottom <= 844`
	if visible("phone filters", 390, `document.querySelector('#f-q').checkVisibility()`) || !visible("phone first event", 390, firstEvent) {
		t.Errorf("on a phone the filters are not folded away or the first event is below the first screen")
	}
	if !visible("desktop filters", 1280, `document.querySelector('#f-q').checkVisibility()`) {
		t.Errorf("on a wide screen the filters are folded away")
	}
	run("agenda shots",
		shot("agenda-desktop", 1280),
		shot("agenda-phone", 390),
		noOverflow("agenda"),
		chromedp.EmulateViewport(1280, 900),
		// Filter by commune and search, through the form.
		chromedp.SetValue(chromedp.CSS(`#f-commune`), "47157"),
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "fete"),
		chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`#f-commune option[value="47157"][selected]`)),
	)
	location := value("location", chromedp.Location())
	results := value("results", chromedp.Text(chromedp.CSS(`.results`)))
	if !strings.Contains(title, "Agenda des associations") {
		t.Errorf("title %q", title)
	}
	if activeClass != "skip" {
		t.Errorf("first Tab focused %q, want the skip link", activeClass)
	}
	if !strings.Contains(location, "commune=47157") || !strings.Contains(location, "q=fete") {
		t.Errorf("filters are not in the URL: %s", location)
	}
	if !strings.Contains(results, "Fête du printemps") || strings.Contains(results, "Randonnée") || strings.Contains(results, "Festival") {
		t.Errorf("filtered results: %q", results)
	}

	// Open the event, read its JSON-LD, follow its .ics link.
	run("event",
		chromedp.Click(chromedp.CSS(`.results a[href^="/events/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.event-page`)),
	)
	h1 := value("h1", chromedp.Text(chromedp.CSS(`h1`)))
	ldText := value("JSON-LD", chromedp.Evaluate[string](`document.querySelector('script[type="application/ld+json"]').textContent`))
	icsHref := value("ics link", chromedp.Evaluate[string](`document.querySelector('a[download]').href`))
	ics := value("ics", chromedp.Evaluate[string](`fetch(document.querySelector('a[download]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	run("event shots", shot("event-desktop", 1280), shot("event-phone", 390), noOverflow("event"))
	if h1 != "Fête du printemps" {
		t.Errorf("event h1 %q", h1)
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(ldText), &ld); err != nil || ld["@type"] != "Event" || ld["name"] != "Fête du printemps" {
		t.Errorf("JSON-LD in the browser: %v %v", err, ld)
	}
	cal, err := ical.Decode([]byte(ics), ical.Limits{MaxComponents: 100})
	if err != nil {
		t.Fatalf("the .ics link (%s) does not parse: %v\n%s", icsHref, err, ics)
	}
	found := false
	for _, ev := range cal.Events() {
		if uid, _ := ev.Props.Text("UID"); uid == "fete-musique" {
			found = true
		}
	}
	if !found {
		t.Errorf("the .ics link has no event fete-musique:\n%s", ics)
	}

	// The print view: the agenda without its controls.
	run("print", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("print media: %v", err)
	}
	hidden := value("print", chromedp.Evaluate[string](`[".filters", ".views", ".subscribe", "header.site nav"].map(s => getComputedStyle(document.querySelector(s)).display).join(",")`))
	if hidden != "none,none,none,none" {
		t.Errorf("print view shows its controls: %s", hidden)
	}
	run("print shot", shot("agenda-print", 1280))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// Month view on a phone, the cancelled event, the hostile events.
	run("more pages",
		chromedp.Navigate(srv.URL+"/?view=month"),
		chromedp.WaitVisible(chromedp.CSS(`table.month`)),
		shot("month-desktop", 1280),
		shot("month-phone", 390),
		noOverflow("month"),
		chromedp.Navigate(srv.URL+"/events/"+f.uuids["concert-annule"]),
		chromedp.WaitVisible(chromedp.CSS(`.banner-cancel`)),
		shot("cancelled-phone", 390),
		chromedp.Navigate(srv.URL+"/events/"+f.uuids["hostile-local"]),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
		chromedp.Navigate(srv.URL+"/events/"+f.uuids["https://mobilizon.test/events/bal"]),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
		chromedp.Navigate(srv.URL+"/@hostile?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
		shot("association-en-desktop", 1280),
		chromedp.Navigate(srv.URL+"/embed?style=detailed&n=8&color=1a5fb4"),
		chromedp.WaitVisible(chromedp.CSS(`.events`)),
		shot("embed-phone", 390),
		// A recurring event with a moved and a cancelled date, the compact
		// widget (with its towns) at both sizes.
		chromedp.Navigate(srv.URL+"/events/"+f.uuids["rando-mardi"]),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
		shot("recurring-phone", 390),
		noOverflow("recurring event"),
		shot("recurring-desktop", 1280),
		chromedp.Navigate(srv.URL+"/embed"),
		chromedp.WaitVisible(chromedp.CSS(`.events`)),
		chromedp.WaitVisible(chromedp.CSS(`.events .place`)),
		shot("embed-compact-phone", 390),
		noOverflow("compact widget"),
		shot("embed-compact-desktop", 1280),
		// The proposal form, filled in and sent without JavaScript.
		chromedp.Navigate(srv.URL+"/proposer?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/proposer"]`)),
		shot("proposal-phone", 390),
		noOverflow("proposal form"),
		shot("proposal-desktop", 1280),
		chromedp.SetValue(chromedp.CSS(`#association`), "cine-agen"),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Projection en plein air"),
		chromedp.SetValue(chromedp.CSS(`#date`), "2026-05-20"),
		chromedp.SetValue(chromedp.CSS(`#start`), "21:30"),
		chromedp.SendKeys(chromedp.CSS(`#place`), "Jardin Jayan"),
		chromedp.SetValue(chromedp.CSS(`#commune`), "47001"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Paul"),
		chromedp.SendKeys(chromedp.CSS(`#contact`), "paul@example.org"),
		chromedp.Click(chromedp.CSS(`form[action="/proposer"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
		chromedp.Sleep(200*time.Millisecond),
	)
	if loc := value("after proposing", chromedp.Location()); !strings.HasSuffix(loc, "/proposer/merci") {
		t.Errorf("after sending the proposal the browser is at %s", loc)
	}
	var pending int
	if err := f.s.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM events WHERE summary = 'Projection en plein air' AND moderation = 'pending'`).Scan(&pending); err != nil || pending != 1 {
		t.Errorf("the proposal sent from the browser: %d pending events, %v", pending, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("hostile content ran script: dialogs %q", dialogs)
	}
	if len(problems) > 0 {
		t.Errorf("console errors or CSP violations: %q", problems)
	}
	entries, _ := os.ReadDir(shots)
	if len(entries) != 16 {
		t.Errorf("%d screenshots, want 16", len(entries))
	}
}
