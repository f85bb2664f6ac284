package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
)

func TestImportUpload(t *testing.T) {
	env := newAdminEnv(t)
	eddy := env.session("eddy")
	const page = "/admin/associations/amis/import"
	env.do(http.MethodGet, page, eddy, nil).must(t, http.StatusOK, `enctype="multipart/form-data"`, `type="file"`, "256\u00a0Mio")
	env.do(http.MethodGet, "/admin/associations/amis/events", eddy, nil).must(t, http.StatusOK, `href="/admin/associations/amis/import"`)

	// The report: added, refused with the reason.
	loc := env.importJobPath("eddy")
	res := env.waitImport(loc, eddy)
	res.must(t, http.StatusOK, "L\u2019importation est terminée", "1\u00a0événement ajouté", "0\u00a0événement mis à jour",
		"1\u00a0objet refusé", "broken-2026@club.example", "DTEND")
	// The same file again: unchanged, nothing rewritten.
	before := env.snapshot()
	res = env.upload(page, eddy, url.Values{"calendar": {"main"}}, map[string]string{"file": smallICS}).must(t, http.StatusSeeOther)
	res = env.waitImport(res.Header().Get("Location"), eddy)
	res.must(t, http.StatusOK, "1\u00a0événement inchangé", "0\u00a0événement ajouté")
	if env.snapshot() != before {
		t.Error("importing the same file again changed the store")
	}
	// Only the uploader sees the report.
	env.do(http.MethodGet, loc, env.session("olga"), nil).must(t, http.StatusNotFound, "seule la personne")

	// Bad files: the error next to the field, the calendar kept, nothing changed.
	sub := env.subscribe("amis", "club", "https://cal.example.org/club.ics")
	_ = sub
	for _, c := range []struct {
		cal, file string
		code      int
		field     string
		want      string
	}{
		{"main", "<html><body>Connexion</body></html>", http.StatusUnprocessableEntity, "file", "pas un calendrier iCalendar"},
		{"main", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", http.StatusUnprocessableEntity, "file", "aucun événement"},
		{"main", "", http.StatusUnprocessableEntity, "file", "Choisissez un fichier"},
		{"club", smallICS, http.StatusConflict, "calendar", "suit le calendrier https://cal.example.org/club.ics"},
		{"nope", smallICS, http.StatusUnprocessableEntity, "calendar", "Choisissez un des agendas"},
	} {
		before := env.snapshot()
		files := map[string]string{"file": c.file}
		if c.file == "" {
			files = nil
		}
		res := env.upload(page, eddy, url.Values{"calendar": {c.cal}}, files)
		if res.Code != c.code {
			t.Fatalf("%s into %s: %d, want %d\n%s", c.file, c.cal, res.Code, c.code, cutBody(res.Body.String()))
		}
		body := res.Body.String()
		if !strings.Contains(body, `id="`+c.field+`-err"`) || !strings.Contains(body, c.want) {
			t.Errorf("%q into %s: no error next to %s saying %q\n%s", c.file, c.cal, c.field, c.want, cutBody(body))
		}
		if c.cal == "main" && !strings.Contains(body, `value="main" selected`) {
			t.Errorf("%q: the calendar chosen is not kept", c.file)
		}
		if env.snapshot() != before {
			t.Errorf("%q into %s: a refused upload changed the store", c.file, c.cal)
		}
	}
}

// The upload takes at most the import's cap, the body bounded as a whole.
func TestImportTooLarge(t *testing.T) {
	def := newAdminEnv(t)
	def.do(http.MethodGet, "/admin/associations/amis/import", def.session("eddy"), nil).must(t, http.StatusOK, itoa(load.MaxFileSize>>20)+"\u00a0Mio")
	env := newAdminEnv(t, func(o *Options) { o.MaxImportSize = 1 << 20 })
	eddy := env.session("eddy")
	before := env.snapshot()
	big := strings.Repeat("BEGIN:VEVENT\r\n", (1<<20)/14+1)
	env.upload("/admin/associations/amis/import", eddy, url.Values{"calendar": {"main"}}, map[string]string{"file": big}).
		must(t, http.StatusUnprocessableEntity, `id="file-err"`, "dépasse 1\u00a0Mio", `value="main" selected`)
	if env.snapshot() != before {
		t.Error("a refused upload changed the store")
	}
}

// A large import shows its progress, reloading itself, until the report.
func TestImportProgressPage(t *testing.T) {
	env := newAdminEnv(t, func(o *Options) { o.ImportWait = -1 })
	eddy := env.session("eddy")
	var evs strings.Builder
	evs.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Bastide//FR\r\n")
	for i := range 3000 {
		evs.WriteString("BEGIN:VEVENT\r\nUID:ev-" + itoa(i) + "@club.example\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260612T180000Z\r\nDTEND:20260612T210000Z\r\nSUMMARY:Soirée " + itoa(i) + "\r\nEND:VEVENT\r\n")
	}
	evs.WriteString("END:VCALENDAR\r\n")
	res := env.upload("/admin/associations/amis/import", eddy, url.Values{"calendar": {"main"}}, map[string]string{"file": evs.String()})
	res.must(t, http.StatusSeeOther)
	loc := res.Header().Get("Location")
	// Whatever the import has done by now, a page that is not finished
	// reloads itself and says work is under way.
	first := env.do(http.MethodGet, loc, eddy, nil).must(t, http.StatusOK)
	if b := first.Body.String(); strings.Contains(b, `http-equiv="refresh"`) != strings.Contains(b, "L\u2019importation est en cours") {
		t.Fatalf("a running import's page must both reload and say so\n%s", cutBody(b))
	}
	env.waitImport(loc, eddy).must(t, http.StatusOK, "3000\u00a0événements ajoutés")
	cal, _ := env.s.GetAssociationCalendar(context.Background(), env.assocs["amis"].ID, "main")
	evsStored, err := env.s.ListEvents(context.Background(), cal.ID, false)
	if err != nil || len(evsStored) != 3000 {
		t.Fatalf("stored %d events, %v", len(evsStored), err)
	}
}

// The progress page of a running job, as the job registry holds it.
func TestImportJobPageRunning(t *testing.T) {
	a := &app{tmpl: mustTemplates()}
	if err := a.tmpl.addAdmin(); err != nil {
		t.Fatal(err)
	}
	j := &importJob{UserID: 1, File: "export.ics", Calendar: "Agenda"}
	d := importJobData{Assoc: &model.Association{Slug: "amis", Name: "Les amis"}, Job: j, Done: 500, Total: 2000, Percent: 25}
	body, err := a.render("admin/import_job", adminView{base: base{Lang: langFR}, Data: d, Refresh: refreshOf(d)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, `<progress max="2000" value="500"`,
		"500 objets lus sur 2000", "L’importation est en cours"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the running import's page lacks %q", want)
		}
	}
	d.Finished = true
	if d.refreshAfter() != 0 {
		t.Fatal("a finished job's page reloads itself")
	}
	var js importJobs
	block := make(chan struct{})
	started := 0
	for range maxImportJobs + 1 {
		if js.start(&importJob{}, func(ctx context.Context, progress func(int, int)) (*load.Report, error) {
			progress(1, 2)
			<-block
			return &load.Report{}, nil
		}, time.Now()) {
			started++
		}
	}
	close(block)
	if started != maxImportJobs {
		t.Fatalf("%d imports started at once, want at most %d", started, maxImportJobs)
	}
}
