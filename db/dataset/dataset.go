// Package dataset fills a store with a département's year of events: many
// associations over the communes of the Lot-et-Garonne, single events and
// weekly series with exceptions (moved, cancelled, changed place), short
// and long texts, categories, prices and online events. Benchmarks build
// it once into a file and reuse it.
//
// This is a minimal stand-in with the agreed API (Build, Options,
// Summary); the web speed work brings the full generator.
package dataset

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Options says what to build.
type Options struct {
	// Events is the number of events (series count once); default 100 000.
	Events int
	// Associations share the events; default 1 000.
	Associations int
	// Seed makes the set reproducible.
	Seed uint64
	// Now is the start of the year covered (default now); events start
	// from 30 days before it.
	Now time.Time
}

// Summary tells what was built.
type Summary struct {
	Events, Series, Associations int
	Duration                     time.Duration
}

const batch = 2000

// Build writes the data set into s, which should be empty.
func Build(ctx context.Context, s *db.Store, o Options) (*Summary, error) {
	start := time.Now()
	if o.Events <= 0 {
		o.Events = 100_000
	}
	if o.Associations <= 0 {
		o.Associations = 1000
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Associations > o.Events {
		return nil, errors.New("dataset: more associations than events")
	}
	rng := rand.New(rand.NewPCG(o.Seed, 47))
	communes := model.Communes()
	sum := &Summary{Associations: o.Associations}
	lim := ical.DefaultLimits()
	var puts []db.Put
	flush := func() error {
		if len(puts) == 0 {
			return nil
		}
		res, err := s.PutEvents(ctx, puts)
		if err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
		for i, r := range res {
			if r.Err != nil {
				return fmt.Errorf("dataset: event %s: %w", puts[i].Event.UID, r.Err)
			}
		}
		puts = puts[:0]
		return nil
	}
	done, err := s.BulkWrites(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	n := 0
	for ai := 0; ai < o.Associations; ai++ {
		home := communes[ai%len(communes)]
		a := &model.Association{Slug: fmt.Sprintf("asso-%04d", ai+1),
			Name:         fmt.Sprintf("%s %s", kinds[ai%len(kinds)], model.De(home.Name)),
			CommuneINSEE: home.INSEE}
		if err := s.CreateAssociation(ctx, a); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "agenda",
			Name: "Agenda", Public: true, Components: []string{"VEVENT"}}
		if err := s.CreateCalendar(ctx, cal); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		count := o.Events / o.Associations
		if ai < o.Events%o.Associations {
			count++
		}
		for k := 0; k < count; k++ {
			series := rng.IntN(20) == 0
			text := object(rng, n, home, communes, o.Now, series)
			objs, err := ical.Split([]byte(text), lim)
			if err != nil || len(objs) != 1 || objs[0].Err != nil {
				return nil, fmt.Errorf("dataset: generated object %d: %v %v", n, err, objs)
			}
			e, err := objs[0].Obj.EventContext(ctx, o.Now, lim)
			if err != nil {
				return nil, fmt.Errorf("dataset: generated object %d: %w", n, err)
			}
			e.CalendarID, e.Href = cal.ID, e.UID+".ics"
			if e.CommuneINSEE == "" {
				e.CommuneINSEE = model.DeriveCommune(e.Location, e.Lat, e.Lon, e.HasGeo)
			}
			puts = append(puts, db.Put{Event: e, ByUID: true})
			if series {
				sum.Series++
			}
			n++
			if len(puts) == batch {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	sum.Events = n
	sum.Duration = time.Since(start)
	return sum, nil
}

var (
	kinds  = []string{"Comité des fêtes", "Foyer rural", "Amicale laïque", "Club de randonnée", "Chorale", "Ciné-club", "Association sportive", "Les Amis du patrimoine"}
	titles = []string{"Loto", "Concert", "Marché de producteurs", "Randonnée", "Vide-greniers", "Conférence", "Atelier couture", "Bal trad", "Théâtre", "Projection", "Repas dansant", "Tournoi de belote", "Exposition", "Fête du village", "Course à pied"}
	cats   = []string{"Concert", "Fête", "Sport", "Marché", "Cinéma", "Théâtre", "Conférence", "Atelier", "Randonnée", "Exposition", "Jeux"}
	places = []string{"Salle des fêtes", "Foyer", "Place de l'église", "Gymnase", "Médiathèque", "Halle"}
)

const vtimezone = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
	"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" +
	"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"

// object is the iCalendar text of event n.
func object(rng *rand.Rand, n int, home model.Commune, communes []model.Commune, now time.Time, series bool) string {
	const layout = "20060102T150405"
	where := home
	if rng.IntN(3) == 0 {
		where = communes[rng.IntN(len(communes))]
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365)-30)
	start := day.Add(time.Duration(9+rng.IntN(12))*time.Hour + time.Duration(rng.IntN(4)*15)*time.Minute)
	end := start.Add(time.Duration(1+rng.IntN(4)) * time.Hour)
	uid := fmt.Sprintf("dataset-%06d@bastide.example", n)
	title := fmt.Sprintf("%s %s", titles[rng.IntN(len(titles))], model.De(where.Name))
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//dataset//FR\r\n" + vtimezone)
	fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n"+
		"SUMMARY:%s\r\nLOCATION:%s\\, %s %s\r\nCATEGORIES:%s\r\n", uid, start.Format(layout), end.Format(layout),
		title, places[rng.IntN(len(places))], where.Postcodes[0], where.Name, cats[rng.IntN(len(cats))])
	desc := "Venez nombreux !"
	if rng.IntN(10) == 0 {
		desc = strings.Repeat("Une longue présentation\\, avec le programme détaillé\\, les horaires et l'accès. ", 20)
	}
	fmt.Fprintf(&b, "DESCRIPTION:%s\r\n", desc)
	if rng.IntN(3) == 0 {
		fmt.Fprintf(&b, "X-BASTIDE-PRICE:%d €\r\n", 2+rng.IntN(20))
	}
	if rng.IntN(30) == 0 {
		fmt.Fprintf(&b, "X-BASTIDE-ONLINE-URL:https://visio.example.org/%d\r\n", n)
	}
	if !series {
		b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
		return b.String()
	}
	count := 8 + rng.IntN(23)
	fmt.Fprintf(&b, "RRULE:FREQ=WEEKLY;COUNT=%d\r\nEXDATE;TZID=Europe/Paris:%s\r\nEND:VEVENT\r\n", count, start.AddDate(0, 0, 7).Format(layout))
	override := func(week int, extra string) {
		rid := start.AddDate(0, 0, 7*week)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:%s\r\n%sEND:VEVENT\r\n",
			uid, rid.Format(layout), extra)
	}
	rid := start.AddDate(0, 0, 14)
	override(2, fmt.Sprintf("DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:%s (déplacé)\r\n",
		rid.Add(2*time.Hour).Format(layout), rid.Add(3*time.Hour).Format(layout), title))
	rid = start.AddDate(0, 0, 21)
	override(3, fmt.Sprintf("DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:%s\r\nSTATUS:CANCELLED\r\n",
		rid.Format(layout), rid.Add(end.Sub(start)).Format(layout), title))
	other := communes[rng.IntN(len(communes))]
	rid = start.AddDate(0, 0, 28)
	override(4, fmt.Sprintf("DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:%s\r\nLOCATION:Salle des fêtes\\, %s %s\r\n",
		rid.Format(layout), rid.Add(end.Sub(start)).Format(layout), title, other.Postcodes[0], other.Name))
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}
