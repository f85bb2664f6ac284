//go:build integration

package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// smtpSink runs the real aiosmtpd (Debian python3-aiosmtpd) on a free
// local port; it prints every message it receives.
type smtpSink struct {
	addr string
	mu   sync.Mutex
	out  strings.Builder
}

func startSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	s := &smtpSink{addr: freePort(t)}
	cmd := exec.Command("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", s.addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aiosmtpd (apt-get install python3-aiosmtpd): %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		cmd.Wait()
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.addr); err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not listen on %s:\n%s", s.addr, s.output())
		}
	}
}

func (s *smtpSink) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// An invitation link is mailed through a real SMTP server when one is
// configured, and the mailed link works.
func TestInvitationIsMailed(t *testing.T) {
	sink := startSMTPSink(t)
	store := dbtest.New(t)
	ctx := context.Background()
	h, err := db.HashPassword("password of admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateUser(ctx, &model.User{Username: "admin", PasswordHash: h, Admin: true}); err != nil {
		t.Fatal(err)
	}
	as := &model.Association{Slug: "amis", Name: "Les Amis de Nérac"}
	if err := store.CreateAssociation(ctx, as); err != nil {
		t.Fatal(err)
	}
	ln := newLocalListener(t)
	base := "http://" + ln.Addr().String()
	hs, err := buildHandler(store, slog.New(slog.DiscardHandler), &Config{BaseURL: base, SMTPAddr: sink.addr, SMTPFrom: "agenda@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(hs.root)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	b := &backoffice{store: store, srv: srv}
	resp := b.signIn(t, "admin", "password of admin")
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "bastide_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	post := func(form url.Values) (int, string) {
		req, _ := http.NewRequest("POST", base+"/admin/invitations", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(session)
		r, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return r.StatusCode, string(body)
	}
	code, page := post(url.Values{"association": {strconv.FormatInt(as.ID, 10)}, "role": {"editor"}, "email": {"marie@example.org"}})
	if code != http.StatusCreated || !strings.Contains(page, "Le lien a été envoyé à marie@example.org.") {
		t.Fatalf("invitation: %d\n%s", code, page)
	}
	var mailed string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if out := sink.output(); strings.Contains(out, "END MESSAGE") {
			mailed = out
			break
		}
	}
	if mailed == "" {
		t.Fatalf("no mail reached the SMTP server:\n%s", sink.output())
	}
	for _, want := range []string{"From: agenda@example.org", "To: marie@example.org", "Subject: Invitation sur Bastide", "charset=utf-8"} {
		if !strings.Contains(mailed, want) {
			t.Fatalf("the mail lacks %q:\n%s", want, mailed)
		}
	}
	// The body is quoted-printable: decode it and follow its link.
	_, body, _ := strings.Cut(mailed, "Content-Transfer-Encoding: quoted-printable")
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(strings.TrimSpace(strings.Split(body, "---------- END MESSAGE")[0]))))
	if err != nil {
		t.Fatalf("decode the body: %v\n%s", err, mailed)
	}
	if !strings.Contains(string(decoded), "«\u00a0Les Amis de Nérac\u00a0»") {
		t.Fatalf("the mail does not name the association:\n%s", decoded)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/admin/join/[A-Za-z0-9_-]+`).FindString(string(decoded))
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", decoded)
	}
	r, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the mailed link answers %d", r.StatusCode)
	}

	// A mail server that is down: the link is made and shown, and the page
	// says the mail failed.
	ln2 := newLocalListener(t)
	base2 := "http://" + ln2.Addr().String()
	hs2, err := buildHandler(store, slog.New(slog.DiscardHandler), &Config{BaseURL: base2, SMTPAddr: freePort(t), SMTPFrom: "agenda@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewUnstartedServer(hs2.root)
	srv2.Listener.Close()
	srv2.Listener = ln2
	srv2.Start()
	defer srv2.Close()
	base = base2
	code, page = post(url.Values{"association": {strconv.FormatInt(as.ID, 10)}, "role": {"viewer"}, "email": {"paul@example.org"}})
	if code != http.StatusCreated || !strings.Contains(page, "a échoué") || !strings.Contains(page, base2+"/admin/join/") {
		t.Fatalf("with the mail server down: %d\n%s", code, page)
	}
}
