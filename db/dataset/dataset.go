// Package dataset builds a département-year agenda in a store: many
// associations spread over the communes of the Lot-et-Garonne, events
// over a year with short and long texts, prices, accessibility notes,
// online links, and weekly series with moved and cancelled occurrences.
// Benchmarks (web's, and the agenda-bench command) build it once per run.
//
// Every event goes through the road a calendar client's object takes
// (ical.CalendarEvent, then the store's batch write), so the stored
// fields are those a real write stores. The same Options give the same
// data: texts, dates and places come from a generator seeded by Seed.
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

// Options size the data set. Zero values take the département-year
// defaults: 100 000 events, 1 000 associations, 5% weekly series.
type Options struct {
	Events       int
	Associations int
	Seed         uint64
	// SeriesShare is the share of events that are weekly series (each
	// with a moved and a cancelled occurrence); negative means none.
	SeriesShare float64
	// Start is the first day of the year the events span; zero means
	// 1 January of the current year, UTC.
	Start time.Time
}

// Summary tells a benchmark what it can ask for.
type Summary struct {
	// Associations are the slugs, in creation order.
	Associations []string
	// Communes are the INSEE codes that hold at least one event.
	Communes []string
	// Categories are the categories events carry.
	Categories []string
	// Words are title words, each in many events: search terms.
	Words []string
	// Rare is a word only a few events carry (a narrow search).
	Rare string
	// Events is the number of events stored, Series how many of them
	// recur; Start and End bound the occurrences.
	Events, Series int
	Start, End     time.Time
}

// Categories events draw from (as French associations write them).
var categories = []string{"Concert", "Sport", "Marché", "Théâtre", "Exposition", "Conférence",
	"Loto", "Randonnée", "Atelier", "Fête", "Cinéma", "Jeunesse"}

// Title words: the first of each pair is also a search term.
var titles = []string{"Loto", "Concert", "Marché", "Randonnée", "Vide-greniers", "Théâtre",
	"Exposition", "Conférence", "Bal", "Atelier", "Fête", "Tournoi", "Brocante", "Chorale", "Cinéma", "Repas"}

var qualifiers = []string{"du comité des fêtes", "de printemps", "des familles", "gourmand", "solidaire",
	"d'automne", "des écoles", "au bord du Lot", "de la Garonne", "nocturne", "en plein air", "des aînés"}

var places = []string{"Salle des fêtes", "Place de la mairie", "Foyer rural", "Église", "Halle",
	"Stade municipal", "Médiathèque", "Salle polyvalente", "Bord du lac", "Château"}

const rareWord = "Pruneaux"

const longText = "Une soirée ouverte à toutes et à tous, avec une présentation puis un moment convivial. " +
	"Les bénévoles de l'association accueillent le public dès l'ouverture des portes ; buvette et " +
	"pâtisseries maison sur place. Venez nombreux, en famille ou entre amis, partager ce moment " +
	"qui fait vivre le village depuis plus de vingt ans. Le bénéfice de la soirée finance les " +
	"sorties des enfants de l'école et l'entretien du matériel de l'association."

// Build stores the data set in s, which should hold no other
// associations with the slugs it uses ("asso-0001"…).
func Build(ctx context.Context, s *db.Store, o Options) (*Summary, error) {
	if o.Events == 0 {
		o.Events = 100000
	}
	if o.Associations == 0 {
		o.Associations = 1000
	}
	if o.SeriesShare == 0 {
		o.SeriesShare = 0.05
	}
	if o.Events < 0 || o.Associations < 0 {
		return nil, errors.New("dataset: negative size")
	}
	if o.Start.IsZero() {
		o.Start = time.Date(time.Now().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	communes := model.Communes()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	sum := &Summary{Categories: categories, Words: []string{"loto", "concert", "marché", "randonnée"},
		Rare: strings.ToLower(rareWord), Start: o.Start, End: o.Start.AddDate(1, 0, 0)}
	cals := make([]*model.Calendar, 0, o.Associations)
	homes := make([]model.Commune, 0, o.Associations)
	for i := 0; i < o.Associations; i++ {
		home := communes[(i*37)%len(communes)]
		a := &model.Association{Slug: fmt.Sprintf("asso-%04d", i+1),
			Name:         fmt.Sprintf("%s %s de %s", []string{"Comité des fêtes", "Amicale laïque", "Foyer rural", "Club", "Association"}[i%5], qualifiers[i%len(qualifiers)], home.Name),
			CommuneINSEE: home.INSEE}
		if len(a.Name) > model.MaxNameLen {
			a.Name = a.Name[:model.MaxNameLen]
		}
		if err := s.CreateAssociationWithAgenda(ctx, a, "Agenda"); err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		c, err := s.GetAssociationCalendar(ctx, a.ID, db.DefaultCalendarSlug)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		cals = append(cals, c)
		homes = append(homes, home)
		sum.Associations = append(sum.Associations, a.Slug)
	}
	if len(cals) == 0 {
		return sum, nil
	}
	used := map[string]bool{}
	// "now" for expansion: the start of the year, so that a series keeps
	// every occurrence of the year.
	now := o.Start
	lim := ical.DefaultLimits()
	const batch = 2000
	puts := make([]db.Put, 0, batch)
	flush := func() error {
		res, err := s.PutEvents(ctx, puts)
		if err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
		for _, r := range res {
			if r.Err != nil {
				return fmt.Errorf("dataset: %w", r.Err)
			}
		}
		puts = puts[:0]
		return nil
	}
	seriesEvery := 0
	if o.SeriesShare > 0 {
		seriesEvery = int(1/o.SeriesShare + 0.5)
	}
	for i := 0; i < o.Events; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ai := rng.IntN(len(cals))
		com := homes[ai]
		if rng.IntN(3) == 0 { // a third of events happen away from home
			com = communes[rng.IntN(len(communes))]
		}
		used[com.INSEE] = true
		day := rng.IntN(365)
		hour := []int{9, 10, 14, 15, 18, 20, 21}[rng.IntN(7)]
		start := time.Date(o.Start.Year(), o.Start.Month(), o.Start.Day()+day, hour, 0, 0, 0, paris)
		end := start.Add(time.Duration(1+rng.IntN(4)) * time.Hour)
		series := seriesEvery > 0 && i%seriesEvery == 0
		if series {
			sum.Series++
		}
		data := object(rng, i, start, end, com, series)
		e, err := ical.CalendarEvent(ctx, data, cals[ai], fmt.Sprintf("ds-%d.ics", i), now, lim)
		if err != nil {
			return nil, fmt.Errorf("dataset: event %d: %w", i, err)
		}
		puts = append(puts, db.Put{Event: e})
		if len(puts) == batch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if len(puts) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	sum.Events = o.Events
	for _, c := range communes {
		if used[c.INSEE] {
			sum.Communes = append(sum.Communes, c.INSEE)
		}
	}
	return sum, nil
}

// object writes the iCalendar text of event i, as a calendar client
// would: a zoned start, a LOCATION naming the commune, one or two
// categories, a short or long description, and for some events a price,
// accessibility notes and an online link. A series is weekly over ten
// weeks, with its third occurrence moved and its fifth cancelled.
func object(rng *rand.Rand, i int, start, end time.Time, com model.Commune, series bool) []byte {
	var b strings.Builder
	const layout = "20060102T150405"
	uid := fmt.Sprintf("ds-%d@dataset.bastide", i)
	title := titles[rng.IntN(len(titles))] + " " + qualifiers[rng.IntN(len(qualifiers))]
	if i%997 == 0 {
		title += " aux " + rareWord
	}
	cats := categories[rng.IntN(len(categories))]
	if rng.IntN(4) == 0 {
		cats += "," + categories[rng.IntN(len(categories))]
	}
	desc := "Ouvert à tous."
	if rng.IntN(3) == 0 {
		desc = longText
	}
	loc := places[rng.IntN(len(places))] + `\, ` + com.Name
	fmt.Fprintf(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//dataset//FR\r\n")
	vevent := func(extra string) {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n%s", uid, extra)
	}
	vevent(fmt.Sprintf("DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n", start.Format(layout), end.Format(layout)))
	fmt.Fprintf(&b, "SUMMARY:%s\r\nLOCATION:%s\r\nCATEGORIES:%s\r\nDESCRIPTION:%s\r\n",
		escape(title), loc, escape(cats), escape(desc))
	switch rng.IntN(4) {
	case 0:
		fmt.Fprintf(&b, "X-BASTIDE-PRICE:%d €\\, gratuit pour les enfants\r\n", 2+rng.IntN(15))
	case 1:
		b.WriteString("X-BASTIDE-PRICE:Gratuit\r\n")
	}
	if rng.IntN(5) == 0 {
		b.WriteString("X-BASTIDE-ACCESSIBILITY:Accessible en fauteuil roulant\r\n")
	}
	if rng.IntN(20) == 0 {
		fmt.Fprintf(&b, "X-BASTIDE-ONLINE-URL:https://visio.example.org/ds-%d\r\n", i)
	}
	if series {
		b.WriteString("RRULE:FREQ=WEEKLY;COUNT=10\r\n")
	}
	b.WriteString("END:VEVENT\r\n")
	if series {
		third := start.AddDate(0, 0, 14)
		moved := third.Add(24 * time.Hour)
		vevent(fmt.Sprintf("RECURRENCE-ID;TZID=Europe/Paris:%s\r\nDTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n",
			third.Format(layout), moved.Format(layout), moved.Add(end.Sub(start)).Format(layout)))
		fmt.Fprintf(&b, "SUMMARY:%s (reporté)\r\nLOCATION:%s\r\nEND:VEVENT\r\n", escape(title), loc)
		fifth := start.AddDate(0, 0, 28)
		vevent(fmt.Sprintf("RECURRENCE-ID;TZID=Europe/Paris:%s\r\nDTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n",
			fifth.Format(layout), fifth.Format(layout), fifth.Add(end.Sub(start)).Format(layout)))
		fmt.Fprintf(&b, "SUMMARY:%s\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n", escape(title))
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)

func escape(s string) string { return textEscaper.Replace(s) }
