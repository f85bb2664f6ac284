package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// A month cell with one event too many says "+ 1 autre", in the singular.
func TestMonthMoreAgrees(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < monthCellItems+1; i++ {
		f.putICS(f.cals["fetes-marmande"], fmt.Sprintf(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:stand-%d
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260516T%02d0000
SUMMARY:Stand %d
END:VEVENT
END:VCALENDAR`, i, 9+i, i), nil)
	}
	r := f.get("/?view=month&month=2026-05")
	mustContain(t, "one more", r.body, ">&#43;\u00a01 autre</a>")
	mustNotContain(t, "one more", r.body, "1 autres")
	r = f.get("/?view=month&month=2026-05&lang=en")
	mustContain(t, "one more en", r.body, ">&#43; 1 more</a>")
}

// An instance with nothing announced says so, instead of blaming filters
// nobody chose; with filters the page still says none matches.
func TestEmptyInstanceSaysSo(t *testing.T) {
	h := New(dbtest.New(t), nil, Options{BaseURL: testBase, Now: func() time.Time { return testNow }})
	f := &fixture{t: t, h: h}
	r := f.get("/")
	mustContain(t, "empty instance", r.body, "Aucun événement à venir pour l&#39;instant\u00a0: les associations n&#39;ont encore rien annoncé.")
	mustNotContain(t, "empty instance", r.body, "ne correspond à ces critères")
	r = f.get("/?lang=en")
	mustContain(t, "empty instance en", r.body, "No upcoming event yet")
	r = f.get("/?q=concert")
	mustContain(t, "empty filtered", r.body, "Aucun événement ne correspond à ces critères.")
	mustNotContain(t, "empty filtered", r.body, "rien annoncé")
}

// The filters fold into a <details>, closed unless a filter is set, so
// that on a phone the first screen shows events; no JavaScript involved.
func TestFiltersFold(t *testing.T) {
	f := newFixture(t)
	r := f.get("/")
	mustContain(t, "fold", r.body, `<details class="fold">`, `<summary>Filtrer les événements</summary>`)
	if i, j := strings.Index(r.body, `<details class="fold">`), strings.Index(r.body, `id="f-q"`); i < 0 || j < i || strings.Index(r.body, "</details>") < j {
		t.Errorf("the filter fields are not inside the fold")
	}
	r = f.get("/?commune=47157")
	mustContain(t, "fold open", r.body, `<details class="fold" open>`)
}

// The compact widget names the town of each event; the detailed one adds
// the town to a place that does not say it.
func TestEmbedShowsTown(t *testing.T) {
	f := newFixture(t)
	f.putICS(f.cals["rando-villeneuve"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:salle-sans-ville
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260409T140000
SUMMARY:Atelier carte
LOCATION:Salle Jean Moulin
END:VEVENT
END:VCALENDAR`, func(e *model.Event) { e.CommuneINSEE = "47323" })
	r := f.get("/embed?association=rando-villeneuve")
	mustContain(t, "compact", r.body, `<span class="place">Villeneuve-sur-Lot</span>`)
	mustNotContain(t, "compact", r.body, `<span class="place">Salle Jean Moulin`)
	r = f.get("/embed?association=rando-villeneuve&style=detailed")
	mustContain(t, "detailed", r.body, `<span class="place">Salle Jean Moulin, Villeneuve-sur-Lot</span>`,
		`<span class="place">Place Lafayette, Villeneuve-sur-Lot</span>`)
}
