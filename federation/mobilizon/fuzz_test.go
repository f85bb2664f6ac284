package mobilizon

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// FuzzParseEvent feeds arbitrary JSON to ParseEvent and Validate: they
// must not panic, and what ParseEvent accepts must respect every bound.
// The committed corpus is in testdata/fuzz/FuzzParseEvent; the seeds below
// add Bastide's own samples.
func FuzzParseEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "mobilizon5-*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"type":"Event","id":"https://m.example/e/1","name":"abc","startTime":"2026-01-01T10:00:00Z","location":[{"type":"Place","latitude":"x"},"a",{"address":{"type":"VirtualLocation","url":"https://v.example"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		m, err := Decode(data)
		if err != nil {
			return
		}
		_ = Validate(m)
		_ = Classify(m)
		r, err := ParseEvent(m)
		if err != nil {
			return
		}
		ev := r.Event
		if r.ID == "" || ev.Summary == "" || ev.Start.IsZero() || (!ev.End.IsZero() && ev.End.Before(ev.Start)) {
			t.Fatalf("accepted an event without id, name or start, or ending before it: %+v", ev)
		}
		if utf8.RuneCountInString(ev.Summary) > MaxNameRunes || len(ev.Description) > model.MaxTextLen*5 ||
			len(ev.Location) > MaxLocationBytes || len(r.ContentHTML) > 2*MaxContentBytes || len(ev.Categories) > model.MaxCategories {
			t.Fatalf("bounds broken: %d %d %d %d", len(ev.Summary), len(ev.Description), len(ev.Location), len(ev.Categories))
		}
		if strings.Contains(strings.ToLower(r.ContentHTML), "<script") || SanitizeHTML(r.ContentHTML) != r.ContentHTML {
			t.Fatalf("content not clean: %q", r.ContentHTML)
		}
		for _, s := range []string{ev.Summary, ev.Description, ev.Location} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		if _, err := json.Marshal(EventObject(&ev, &model.Association{Slug: "a", Name: "A"}, r.Place, hub)); err != nil {
			t.Fatalf("EventObject of a parsed event does not marshal: %v", err)
		}
	})
}

// FuzzSanitizeHTML: the result is a fixed point and holds nothing active.
func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range []string{
		`<p onclick=x>a<script>b</script><a href="javascript:c">d</a></p>`,
		`<a href="https://e.example/?a=1&b=<2>">x</a><img src=x onerror=y>`,
		`<<p>>&amp;&lt;<!-- x --><style>p{}</style><math><mi>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		out := SanitizeHTML(s)
		if again := SanitizeHTML(out); again != out {
			t.Fatalf("not a fixed point:\n%q\n%q\n%q", s, out, again)
		}
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "<style", "<img", "<iframe", "javascript:", " on", "style="} {
			if strings.Contains(low, bad) && !strings.Contains(strings.ToLower(HTMLToText(out)), strings.TrimSpace(bad)) {
				t.Fatalf("%q left in %q (from %q)", bad, out, s)
			}
		}
	})
}
