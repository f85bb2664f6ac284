package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
)

func TestHealthzAndAgenda(t *testing.T) {
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "club")
	ev := dbtest.Event(cal.ID, "u1", time.Now().Add(48*time.Hour), "Fête <b>du</b> village")
	if _, err := s.PutEvent(context.Background(), putOf(ev)); err != nil {
		t.Fatal(err)
	}
	h := New(s, nil, Options{BaseURL: "http://example.test"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "ok") {
		t.Fatalf("healthz: %d %q", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Fête &lt;b&gt;du&lt;/b&gt; village") {
		t.Fatalf("agenda: %d %s", rec.Code, rec.Body)
	}
}
