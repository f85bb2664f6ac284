//go:build integration

package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserSteps are the back-office browser test's helpers: run steps,
// read a text, shoot the page at phone and desktop sizes.
type browserSteps struct {
	run   func(what string, steps ...chromedp.Action[chromedp.Void])
	text  func(what, css string) string
	shoot func(name, h1 string)
}

// subscriptionsInBrowserTest, signed in as someone who may manage the
// association "amis" (the admin): upload a small .ics file through the
// page and read its report; follow a feed on 127.0.0.1, change the feed,
// press "refresh now" and find the new event on the agenda within
// seconds (the worker's tick is 30 s: only the wake-up makes it).
func subscriptionsInBrowserTest(t *testing.T, b *backoffice, base string, s browserSteps) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range b.hs.workers {
		if w.name == "subscriptions" {
			wg.Add(1)
			go func() { defer wg.Done(); w.run(ctx) }()
		}
	}
	t.Cleanup(func() { cancel(); wg.Wait() })

	// The upload: one event added, one refused with its reason.
	file := filepath.Join(t.TempDir(), "export.ics")
	export := feedOf(vevent("loto-amis@nerac.example", "Grand loto des Amis", 9),
		"UID:broken@nerac.example\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20270110T180000Z\r\nDTEND:20270109T180000Z\r\nSUMMARY:Impossible\r\n")
	if err := os.WriteFile(file, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	s.run("events page links the upload", chromedp.Navigate(base+"/admin/associations/amis/events"),
		chromedp.Click(chromedp.CSS(`a[href="/admin/associations/amis/import"]`)), chromedp.WaitVisible(chromedp.CSS(`#file`)))
	s.shoot("import", "Importer un fichier")
	s.run("upload an .ics file",
		chromedp.SetValue(chromedp.CSS(`#calendar`), "main"),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/associations/amis/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.admin-counts`)),
	)
	report := s.text("import report", "main")
	for _, want := range []string{"1\u00a0événement ajouté", "1\u00a0objet refusé", "broken@nerac.example", "finit avant de commencer"} {
		if !strings.Contains(report, want) {
			t.Fatalf("the import report lacks %q:\n%s", want, report)
		}
	}
	s.shoot("import-report", "Importation")

	// The feed, on 127.0.0.1, changed between fetches.
	var mu sync.Mutex
	body := feedOf(vevent("assemblee@club.example", "Assemblée du club de rugby", 12))
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		io.WriteString(w, body)
	}))
	defer feed.Close()
	s.run("subscriptions page", chromedp.Navigate(base+"/admin/associations/amis/subscriptions"), chromedp.WaitVisible(chromedp.CSS(`#url`)))
	s.run("a wrong address", chromedp.SendKeys(chromedp.CSS(`#url`), "ftp://club.example/agenda.ics"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Agenda du club"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/associations/amis/subscriptions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#url-err`)))
	s.shoot("subscriptions-error", "Calendriers suivis")
	s.run("follow the feed", chromedp.Clear(chromedp.CSS(`#url`)),
		chromedp.SendKeys(chromedp.CSS(`#url`), feed.URL+"/club.ics"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/associations/amis/subscriptions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.subscription`)))
	agendaHas := func(what string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get(base + "/?q=" + url.QueryEscape(strings.Fields(what)[0]))
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(page), what) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%q is not on the agenda", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	agendaHas("Assemblée du club de rugby")
	mu.Lock()
	body = feedOf(vevent("assemblee@club.example", "Assemblée du club de rugby", 12), vevent("tournoi@club.example", "Tournoi des écoles de rugby", 16))
	mu.Unlock()
	s.run("refresh now", chromedp.Click(chromedp.CSS(`form[action$="/refresh"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	agendaHas("Tournoi des écoles de rugby")
	s.run("subscriptions page after the refresh", chromedp.Navigate(base+"/admin/associations/amis/subscriptions"),
		chromedp.WaitVisible(chromedp.CSS(`article.subscription`)))
	if got := s.text("last success", "article.subscription"); strings.Contains(got, "jamais") {
		t.Fatalf("the subscription was never read:\n%s", got)
	}
	s.shoot("subscriptions", "Calendriers suivis")
}
