package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/load"
)

// TestEveryRefusalTranslated walks every code an import's refusal can
// carry: each has its French and its English, taking the property at
// fault exactly when load says the code names one. A code added without
// its translation fails here.
func TestEveryRefusalTranslated(t *testing.T) {
	for _, c := range load.Codes() {
		key := "admin.import.why." + string(c)
		m, ok := messages[key]
		if !ok {
			t.Errorf("code %s has no message %s", c, key)
			continue
		}
		r := load.Refusal{UID: "x@club", Code: c}
		verbs := 0
		if load.NamesField(c) {
			r.Args, verbs = []string{"DTSTART"}, 1
		}
		for _, l := range []struct {
			lang, text string
		}{{langFR, m.fr}, {langEN, m.en}} {
			if strings.TrimSpace(l.text) == "" || strings.Count(l.text, "%s") != verbs || strings.Count(l.text, "%") != verbs {
				t.Errorf("%s in %s: %q, want %d argument(s)", key, l.lang, l.text, verbs)
			}
			got := RefusalText(l.lang, r)
			if strings.Contains(got, "%!") || strings.HasPrefix(got, "[") || (verbs == 1 && !strings.Contains(got, "DTSTART")) {
				t.Errorf("%s in %s renders %q", key, l.lang, got)
			}
		}
		if m.fr == m.en {
			t.Errorf("%s: the French is the English %q", key, m.fr)
		}
	}
}

// TestImportReportInFrench: the report of an upload says why each object
// was refused in the page's language, with the technical text (English)
// tucked into a disclosure for whoever wants it.
func TestImportReportInFrench(t *testing.T) {
	env := newAdminEnv(t)
	eddy := env.session("eddy")
	loc := env.importJobPath("eddy")
	res := env.waitImport(loc, eddy)
	res.must(t, http.StatusOK, "broken-2026@club.example",
		"L\u2019événement finit avant de commencer\u00a0: sa fin ou sa durée est à corriger.",
		"<summary>Détail technique</summary>", `<code lang="en">DTEND (`, ">Raison<")
	body := res.Body.String()
	if strings.Contains(body, "en anglais") || strings.Contains(body, `<td lang="en">`) {
		t.Errorf("the reason is still given in English only\n%s", cutBody(body))
	}
	env.do(http.MethodGet, loc+"?lang=en", eddy, nil).must(t, http.StatusOK,
		"The event ends before it starts: its end or its duration needs correcting.", "<summary>Technical detail</summary>")
}
