package web

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

func TestTemplatesParseAtBoot(t *testing.T) {
	if _, err := parseTemplates(pages, standalone); err != nil {
		t.Fatalf("templates: %v", err)
	}
	if _, err := parseTemplates(append(append([]string{}, pages...), "no-such-page"), standalone); err == nil {
		t.Fatal("a missing template must fail at boot")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("assetPath of an unknown file must panic (caught at template execution in tests)")
		}
	}()
	assetPath("missing.css")
}

var keyRe = regexp.MustCompile(`\bt \$?\.?Lang "([a-z0-9_.]+)"|\bt \$l "([a-z0-9_.]+)"`)

// Every string of the interface comes from the catalogue, in both languages.
func TestCatalogueCoversTemplates(t *testing.T) {
	for k, m := range messages {
		if strings.TrimSpace(m.fr) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("message %q lacks a language", k)
		}
	}
	actionRe := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tagRe := regexp.MustCompile(`(?s)<[^>]*>`)
	letterRe := regexp.MustCompile(`\p{L}{2,}`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(p)
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if _, ok := messages[k]; !ok {
				t.Errorf("%s: key %q is not in the catalogue", p, k)
			}
		}
		text := tagRe.ReplaceAllString(actionRe.ReplaceAllString(string(b), " "), " ")
		if w := letterRe.FindAllString(text, -1); len(w) > 0 {
			t.Errorf("%s: text outside the catalogue: %q", p, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHealthz(t *testing.T) {
	s := dbtest.New(t)
	h := New(s, nil, Options{BaseURL: testBase})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Fatalf("healthz: %d %q", rec.Code, rec.Body)
	}
	s.Close()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("healthz with a closed database: %d", rec.Code)
	}
}

func mustContain(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("%s: missing %q", what, s)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(body, s) {
			t.Errorf("%s: must not contain %q", what, s)
		}
	}
}

func TestAgendaList(t *testing.T) {
	f := newFixture(t)
	r := f.get("/")
	if r.code != 200 {
		t.Fatalf("/: %d", r.code)
	}
	mustContain(t, "agenda", r.body,
		`<html lang="fr">`, `<a class="skip" href="#main">Aller au contenu</a>`, `role="search"`, `<main id="main"`,
		`<label for="f-q">Rechercher</label>`, `<label for="f-commune">Commune</label>`,
		"mardi 7 avril 2026", "9 h – 12 h", "Randonnée du mardi", "Fête du printemps", "samedi 11 avril 2026",
		"Festival du film court", `href="/@cine-agen"`, "Publié sur mobilizon.test",
		`<del>Concert de jazz</del>`, `badge-cancel">Annulé</strong>`,
		`<option value="47157">Marmande</option>`, `<option value="cine-agen">Ciné-club d&#39;Agen</option>`,
		"webcal://agenda.test/feeds/agenda.ics", `type="application/rss&#43;xml"`)
	mustNotContain(t, "agenda", r.body, "Réunion secrète", "Supprimé")
	if n := strings.Count(r.body, `<option value="47`); n != 319 {
		t.Errorf("commune choices: %d, want the 319 communes", n)
	}
	// Order: Tuesday 7 before Saturday 11.
	if strings.Index(r.body, "mardi 7 avril 2026") > strings.Index(r.body, "samedi 11 avril 2026") {
		t.Error("days out of order")
	}
	// The cancelled occurrence of the series is shown cancelled on its day,
	// the EXDATE is absent, the moved occurrence is on Wednesday 22.
	mustContain(t, "agenda", r.body, `<h3 id="d-2026-04-22"><time datetime="2026-04-22">mercredi 22 avril 2026</time>`)
	// The moved occurrence shows its own title, the others the series' title.
	wed := r.body[strings.Index(r.body, `id="d-2026-04-22"`):]
	wed = wed[:strings.Index(wed, "</section>")]
	mustContain(t, "moved occurrence", wed, "Randonnée du mardi (déplacée au mercredi)")
	mustNotContain(t, "agenda", r.body, `id="d-2026-04-14"`)
}

func TestAgendaFilters(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		query      string
		want, not  []string
		wantStatus int
	}{
		{"commune=47157", []string{"Fête du printemps", "Concert de jazz"}, []string{"Randonnée du mardi", "Ciné-débat"}, 200},
		{"commune=villeneuve+sur+lot", []string{"Randonnée du mardi"}, []string{"Fête du printemps"}, 200},
		{"association=cine-agen", []string{"Festival du film court", "Ciné-débat"}, []string{"Randonnée", "Réunion secrète"}, 200},
		{"category=Cin%C3%A9ma", []string{"Festival du film court"}, []string{"Randonnée du mardi"}, 200},
		{"q=fete", []string{"Fête du printemps"}, []string{"Randonnée du mardi", "Festival du film"}, 200},
		{"q=randonnee+mardi", []string{"Randonnée du mardi"}, []string{"Fête du printemps"}, 200},
		{"from=2026-04-18&to=2026-04-19", []string{"Festival du film court"}, []string{"Fête du printemps", "mardi 7 avril"}, 200},
		{"association=nobody", []string{"Aucun événement ne correspond"}, []string{"Fête du printemps"}, 200},
		{"commune=Paris", []string{"Aucun événement ne correspond"}, []string{"Fête du printemps"}, 200},
		{"q=secr%C3%A8te", []string{"Aucun événement ne correspond"}, []string{"Réunion secrète"}, 200},
		{"from=2026-13-45", []string{"n&#39;est pas au format AAAA-MM-JJ", "2026-13-45"}, nil, 400},
		{"from=2026-05-01&to=2026-04-01", []string{"avant la date de début"}, nil, 400},
		{"view=carousel", []string{"carousel"}, nil, 400},
		{"after=%21%21", []string{"n&#39;est plus valable"}, nil, 400},
	}
	for _, c := range cases {
		r := f.get("/?" + c.query)
		if r.code != c.wantStatus {
			t.Errorf("%s: status %d, want %d", c.query, r.code, c.wantStatus)
			continue
		}
		mustContain(t, c.query, r.body, c.want...)
		// The results section only, so that the filter form's options do not count.
		res := r.body
		if i := strings.Index(res, `class="results"`); i >= 0 {
			res = res[i:]
		}
		mustNotContain(t, c.query, res, c.not...)
	}
	// The filters stay in the form and in the feed links (shareable, subscribable).
	r := f.get("/?commune=47157&q=fete")
	mustContain(t, "title", r.body, "<title>Agenda des associations — Marmande, « fete » · Bastide</title>")
	mustContain(t, "form", r.body, `<option value="47157" selected>Marmande</option>`, `value="fete"`,
		"/feeds/agenda.ics?commune=47157&amp;q=fete", "/feeds/agenda.rss?commune=47157&amp;q=fete")
}

func TestAgendaViews(t *testing.T) {
	f := newFixture(t)
	r := f.get("/?view=month")
	mustContain(t, "month", r.body, `<table class="month">`, "<caption>avril 2026</caption>", `<span class="wd">samedi </span><time datetime="2026-04-11">11</time>`, `<abbr title="lundi">lun</abbr>`,
		`datetime="2026-04-11"`, "Fête du printemps", `href="/?month=2026-05&amp;view=month"`, "Mois suivant")
	r = f.get("/?view=month&month=2026-05")
	mustContain(t, "month May", r.body, "<caption>mai 2026</caption>", "Ciné-débat")
	r = f.get("/?view=week&week=2026-04-08")
	mustContain(t, "week", r.body, "Semaine du 6 avril 2026", "lundi 6 avril 2026", "dimanche 12 avril 2026", "Rien de prévu",
		"Randonnée du mardi", "Fête du printemps", "Semaine suivante")
	mustNotContain(t, "week", r.body, "Festival du film court")
	if n := strings.Count(r.body, `<section class="day`); n != 7 {
		t.Errorf("week: %d day sections", n)
	}
	r = f.get("/?view=week&lang=en")
	mustContain(t, "week en", r.body, "Week of 6 April 2026", "Tuesday 7 April 2026", "9 am – 12 pm")
}

func TestAgendaPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cal := f.cals["fetes-marmande"]
	for i := 0; i < 70; i++ {
		e := dbtest.Event(cal.ID, "bulk-"+itoa(i), time.Date(2026, 5, 10, 8, i, 0, 0, time.UTC), "Atelier n°"+itoa(i))
		if _, err := f.s.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	next := "/?from=2026-05-10"
	pages := 0
	for next != "" && pages < 5 {
		r := f.get(next)
		if r.code != 200 {
			t.Fatalf("%s: %d", next, r.code)
		}
		pages++
		for _, m := range regexp.MustCompile(`Atelier n°(\d+)`).FindAllStringSubmatch(r.body, -1) {
			if seen[m[1]] {
				t.Fatalf("event %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		m := regexp.MustCompile(`href="(/\?[^"]*after=[^"]+)" rel="next"`).FindStringSubmatch(r.body)
		next = ""
		if m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(next, "from=2026-05-10") {
				t.Errorf("the next page lost the filter: %s", next)
			}
		}
	}
	if len(seen) != 70 || pages != 2 {
		t.Fatalf("paging: %d events over %d pages, want 70 over 2", len(seen), pages)
	}
}
