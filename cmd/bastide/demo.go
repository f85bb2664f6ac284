package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Demo data: associations of the Lot-et-Garonne in real communes, with
// about 200 events over the coming months. Everything is deterministic
// (seeded) except the dates, which are relative to the day of seeding.
// Events go through the real write path: iCalendar text, ical.ParseObject,
// (*ical.Object).Event, store.PutEvents.

// demoSeededKey marks a database that has received the demo data;
// demoSeedingKey one where seeding started.
const (
	demoSeededKey  = "demo_seeded"
	demoSeedingKey = "demo_seeding"
)

// Demo user, documented in the README.
const (
	demoUsername = "demo"
	demoPassword = "bastide-demo-47"
)

type demoPlace struct {
	name, street string
}

type demoAssoc struct {
	slug, name, commune, desc, website string
	places                             []demoPlace
	// themes are the kinds of one-off events the association organises.
	themes []string
	// market and meeting add the recurring series.
	market  string // weekday of a weekly market ("SA"), empty for none
	meeting bool   // a monthly members' meeting
	role    model.Role
}

var demoAssocs = []demoAssoc{
	{slug: "comite-fetes-agen", name: "Comité des fêtes d'Agen", commune: "Agen",
		desc:    "Le comité des fêtes anime Agen toute l'année : fêtes de quartier, bals, lotos et le grand pruneau show.",
		website: "https://comite-fetes-agen.example.org",
		places:  []demoPlace{{"Place Armand-Fallières", "Place Armand-Fallières"}, {"Salle des fêtes du Pin", "12 rue Lamennais"}, {"Parc Jayan", "Avenue Jean-Jaurès"}},
		themes:  []string{"loto", "bal", "fete", "concert", "vide-greniers"}, meeting: true, role: model.RoleOwner},
	{slug: "marche-villeneuve", name: "Les Amis du marché de Villeneuve", commune: "Villeneuve-sur-Lot",
		desc:    "Producteurs et habitants qui font vivre le marché de plein vent de la bastide de Villeneuve.",
		website: "https://marche-villeneuve.example.org",
		places:  []demoPlace{{"Place Lafayette", "Place Lafayette"}, {"Halle de Villeneuve", "Boulevard de la Marine"}},
		themes:  []string{"marche-special", "atelier", "conference", "fete"}, market: "SA", role: model.RoleEditor},
	{slug: "marmande-musiques", name: "Marmande Musiques", commune: "Marmande",
		desc:    "École de musique associative et organisatrice de concerts dans le Marmandais.",
		website: "https://marmande-musiques.example.org",
		places:  []demoPlace{{"Théâtre Comoedia", "Place du Marché"}, {"Église Notre-Dame", "Rue de la Libération"}, {"Jardin du Cloître", "Rue Toupinerie"}},
		themes:  []string{"concert", "concert", "atelier", "conference"}, meeting: true, role: model.RoleOwner},
	{slug: "randonneurs-albret", name: "Les Randonneurs de l'Albret", commune: "Nérac",
		desc:    "Randonnées pédestres chaque semaine autour de Nérac, sur les chemins de l'Albret et le long de la Baïse.",
		website: "https://randonneurs-albret.example.org",
		places:  []demoPlace{{"Parking de la Garenne", "Promenade de la Garenne"}, {"Château de Nérac", "Rue Henri-IV"}},
		themes:  []string{"rando", "rando", "rando", "conference"}, role: model.RoleViewer},
	{slug: "foyer-rural-fumel", name: "Foyer rural de Fumel", commune: "Fumel",
		desc:   "Activités pour tous les âges dans la vallée du Lot : ateliers, théâtre, lotos et sorties.",
		places: []demoPlace{{"Salle Jean-Jaurès", "Avenue de l'Usine"}, {"Château de Fumel", "Place Saint-Géraud"}},
		themes: []string{"atelier", "theatre", "loto", "expo"}, meeting: true},
	{slug: "tonneins-solidaire", name: "Tonneins Solidaire", commune: "Tonneins",
		desc:   "Entraide, repair café et épicerie solidaire au bord de la Garonne.",
		places: []demoPlace{{"Manufacture des tabacs", "Cours de l'Yser"}, {"Centre social", "7 rue Gambetta"}},
		themes: []string{"repair", "atelier", "vide-greniers", "conference"}},
	{slug: "casteljaloux-nature", name: "Casteljaloux Nature et Patrimoine", commune: "Casteljaloux",
		desc:   "Découverte de la forêt landaise, du lac de Clarens et du patrimoine de Casteljaloux.",
		places: []demoPlace{{"Lac de Clarens", "Route de Mont-de-Marsan"}, {"Maison du patrimoine", "Grand-Rue"}},
		themes: []string{"rando", "expo", "conference", "atelier"}, market: "TU"},
	{slug: "bastide-monflanquin", name: "Bastide vivante de Monflanquin", commune: "Monflanquin",
		desc:   "Fêtes médiévales, visites et spectacles dans l'une des plus beaux villages de France.",
		places: []demoPlace{{"Place des Arcades", "Place des Arcades"}, {"Salle de la Bastide", "Rue Sainte-Marie"}},
		themes: []string{"fete", "theatre", "concert", "expo", "loto"}},
	{slug: "lire-aiguillon", name: "Lire à Aiguillon", commune: "Aiguillon",
		desc:   "Club de lecture, rencontres d'auteurs et ateliers d'écriture au confluent du Lot et de la Garonne.",
		places: []demoPlace{{"Médiathèque", "Place du 14-Juillet"}, {"Château des ducs", "Place du Château"}},
		themes: []string{"conference", "atelier", "atelier"}, meeting: true},
	{slug: "penne-patrimoine", name: "Penne Patrimoine", commune: "Penne-d'Agenais",
		desc:   "Sauvegarde et animation du patrimoine de Penne-d'Agenais et de Notre-Dame de Peyragude.",
		places: []demoPlace{{"Notre-Dame de Peyragude", "Chemin de Peyragude"}, {"Porte de Ricard", "Rue de Ricard"}},
		themes: []string{"expo", "conference", "concert", "vide-greniers"}},
}

// demoKind describes one kind of one-off event.
type demoKind struct {
	category string
	titles   []string
	desc     string
	hour     int
	minute   int
	duration time.Duration
	allDay   bool
	weekends bool
}

var demoKinds = map[string]demoKind{
	"loto": {category: "Loto", titles: []string{"Grand loto", "Loto des écoles", "Super loto des familles", "Loto du club"},
		desc: "Nombreux lots : bons d'achat, paniers garnis, électroménager. Buvette et pâtisseries maison. Ouverture des portes une heure avant.", hour: 14, minute: 30, duration: 4 * time.Hour, weekends: true},
	"bal": {category: "Bal", titles: []string{"Bal musette", "Bal trad", "Thé dansant"},
		desc: "Avec un orchestre du Sud-Ouest. Entrée 8 €, gratuit pour les moins de 12 ans.", hour: 21, duration: 4 * time.Hour, weekends: true},
	"fete": {category: "Fête", titles: []string{"Fête de village", "Fête médiévale", "Fête du pruneau", "Fête de quartier"},
		desc: "Animations pour les enfants, repas en plein air, marché de producteurs et feu d'artifice en soirée.", allDay: true, weekends: true},
	"concert": {category: "Concert", titles: []string{"Concert de l'orchestre d'harmonie", "Jazz au jardin", "Chorale Les Voix de Garonne", "Concert baroque", "Scène ouverte"},
		desc: "Tarif plein 12 €, réduit 8 €. Réservation conseillée.", hour: 20, minute: 30, duration: 2 * time.Hour},
	"vide-greniers": {category: "Vide-greniers", titles: []string{"Vide-greniers", "Brocante", "Bourse aux jouets"},
		desc: "Emplacement 3 € le mètre, inscription auprès de l'association. Restauration sur place.", hour: 7, duration: 11 * time.Hour, weekends: true},
	"marche-special": {category: "Marché", titles: []string{"Marché gourmand", "Marché des producteurs de pays", "Marché artisanal"},
		desc: "Producteurs locaux, dégustation de pruneaux et de vins du Lot-et-Garonne. Tables et bancs pour manger sur place.", hour: 18, duration: 5 * time.Hour},
	"atelier": {category: "Atelier", titles: []string{"Atelier couture", "Atelier d'écriture", "Initiation à l'informatique", "Atelier vannerie", "Atelier cuisine de saison"},
		desc: "Places limitées à 12 personnes, inscription obligatoire. Matériel fourni.", hour: 14, duration: 3 * time.Hour},
	"conference": {category: "Conférence", titles: []string{"Conférence : l'histoire des bastides", "Conférence : la Garonne et ses crues", "Rencontre avec un auteur", "Conférence : les oiseaux du Lot-et-Garonne"},
		desc: "Entrée libre, suivie d'un échange avec le public et d'un verre de l'amitié.", hour: 18, minute: 30, duration: 90 * time.Minute},
	"rando": {category: "Randonnée", titles: []string{"Randonnée de 12 km", "Balade familiale de 6 km", "Randonnée à la journée", "Sortie nature et pique-nique"},
		desc: "Chaussures de marche et eau indispensables. Départ groupé, covoiturage possible. Ouvert aux non-adhérents.", hour: 9, duration: 3 * time.Hour},
	"theatre": {category: "Théâtre", titles: []string{"Théâtre : la troupe des Trois Coteaux", "Soirée d'improvisation", "Pièce de boulevard"},
		desc: "Spectacle tout public. Entrée 10 €, gratuit pour les moins de 15 ans.", hour: 20, minute: 30, duration: 2 * time.Hour, weekends: true},
	"expo": {category: "Exposition", titles: []string{"Exposition de peinture", "Exposition photo : la vallée du Lot", "Exposition : métiers d'autrefois"},
		desc: "Vernissage le premier jour à 18 h. Entrée libre.", hour: 10, duration: 8 * time.Hour},
	"repair": {category: "Atelier", titles: []string{"Repair café", "Atelier vélo"},
		desc: "Apportez vos objets en panne : des bénévoles vous aident à les réparer. Gratuit.", hour: 9, minute: 30, duration: 3 * time.Hour, weekends: true},
}

// seedDemo fills an empty database with the demo data, once.
func seedDemo(ctx context.Context, store *db.Store, log *slog.Logger, now time.Time) error {
	if v, err := store.GetMeta(ctx, demoSeededKey); err == nil {
		log.Info("demo data already present; not seeding again", "seeded_at", v)
		return nil
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	existing, err := store.ListAssociations(ctx)
	if err != nil {
		return err
	}
	// Seeding takes several transactions: a mark at the start lets a
	// restart after a crash finish the job (every step below is
	// idempotent) instead of mistaking the half-filled instance for a
	// real one.
	if _, err := store.GetMeta(ctx, demoSeedingKey); err == nil {
		log.Info("resuming interrupted demo seeding")
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	} else if len(existing) > 0 {
		log.Warn("--demo ignored: the database already holds associations, and demo data only fills an empty instance", "associations", len(existing))
		return nil
	} else if err := store.SetMeta(ctx, demoSeedingKey, now.UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	start := time.Now()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return fmt.Errorf("load Europe/Paris: %w", err)
	}
	rng := rand.New(rand.NewPCG(47, 2026))
	today := now.In(paris)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, paris)

	user, err := store.GetUserByUsername(ctx, demoUsername)
	newUser := errors.Is(err, db.ErrNotFound)
	if newUser {
		hash, err := db.HashPassword(demoPassword)
		if err != nil {
			return err
		}
		user = &model.User{Username: demoUsername, DisplayName: "Compte de démonstration", Email: "demo@example.org", PasswordHash: hash}
		if err := store.CreateUser(ctx, user); err != nil {
			return fmt.Errorf("create demo user: %w", err)
		}
	} else if err != nil {
		return err
	}

	total := 0
	for i, da := range demoAssocs {
		commune, ok := model.CommuneByName(da.commune)
		if !ok {
			return fmt.Errorf("demo: unknown commune %q", da.commune)
		}
		a, err := store.GetAssociationBySlug(ctx, da.slug)
		if errors.Is(err, db.ErrNotFound) {
			a = &model.Association{Slug: da.slug, Name: da.name, Description: da.desc, Website: da.website, CommuneINSEE: commune.INSEE}
			if err := createAssociation(ctx, store, a, "Agenda — "+da.name); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if da.role != "" {
			if err := store.SetMembership(ctx, &model.Membership{UserID: user.ID, AssociationID: a.ID, Role: da.role}); err != nil {
				return err
			}
		}
		cal, err := store.GetAssociationCalendar(ctx, a.ID, defaultCalendarSlug)
		if errors.Is(err, db.ErrNotFound) {
			cal = &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: defaultCalendarSlug,
				Name: "Agenda — " + da.name, Public: true, Components: []string{"VEVENT"}}
			err = store.CreateCalendar(ctx, cal)
		}
		if err != nil {
			return err
		}
		places := make([]*model.Place, len(da.places))
		for j, dp := range da.places {
			p := &model.Place{Name: dp.name, Street: dp.street, PostalCode: commune.Postcodes[0], Locality: commune.Name,
				CommuneINSEE: commune.INSEE, HasGeo: true,
				Lat: commune.Lat + (rng.Float64()-0.5)*0.01, Lon: commune.Lon + (rng.Float64()-0.5)*0.01}
			if err := store.EnsurePlace(ctx, p); err != nil {
				return err
			}
			places[j] = p
		}
		evs := demoEvents(rng, i, da, commune, places, today, paris)
		puts := make([]db.Put, 0, len(evs))
		for _, de := range evs {
			e, err := de.toEvent(now, cal.ID)
			if err != nil {
				return fmt.Errorf("demo event %s: %w", de.uid, err)
			}
			puts = append(puts, db.Put{Event: e, ByUID: true})
		}
		res, err := store.PutEvents(ctx, puts)
		if err != nil {
			return err
		}
		for k, r := range res {
			if r.Err != nil {
				return fmt.Errorf("demo event %s: %w", puts[k].Event.UID, r.Err)
			}
		}
		total += len(puts)
	}
	if err := store.SetMeta(ctx, demoSeededKey, now.UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	log.Info("demo data seeded", "associations", len(demoAssocs), "events", total,
		"duration_ms", time.Since(start).Milliseconds())
	if newUser {
		log.Info("demo user created: sign in with this username and password", "username", demoUsername, "password", demoPassword)
	} else {
		log.Info("demo user already existed; its password was not changed", "username", demoUsername)
	}
	return nil
}

// demoEvent is one calendar object to build.
type demoEvent struct {
	uid, summary, desc, category string
	place                        *model.Place
	start                        time.Time // in Europe/Paris
	duration                     time.Duration
	allDay                       bool
	days                         int
	rrule                        string
	exdates                      []time.Time
	moved                        map[time.Time]time.Time // RECURRENCE-ID -> new start
	status                       string
	url                          string
}

func demoEvents(rng *rand.Rand, idx int, da demoAssoc, commune *model.Commune, places []*model.Place, today time.Time, paris *time.Location) []*demoEvent {
	var out []*demoEvent
	n := 0
	uid := func() string {
		n++
		return fmt.Sprintf("demo-%s-%03d@bastide47.example", da.slug, n)
	}
	if da.market != "" {
		wd := map[string]time.Weekday{"MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday, "SU": time.Sunday}[da.market]
		first := today.AddDate(0, 0, 1)
		for first.Weekday() != wd {
			first = first.AddDate(0, 0, 1)
		}
		first = time.Date(first.Year(), first.Month(), first.Day(), 8, 0, 0, 0, paris)
		until := first.AddDate(0, 0, 7*25)
		out = append(out, &demoEvent{uid: uid(), summary: "Marché hebdomadaire de " + commune.Name,
			desc:     "Fruits, légumes, volailles, fromages et pruneaux : les producteurs du pays chaque semaine. Marché maintenu par tous les temps.",
			category: "Marché", place: places[0], start: first, duration: 5 * time.Hour,
			rrule:   "FREQ=WEEKLY;UNTIL=" + until.UTC().Format("20060102T150405Z"),
			exdates: []time.Time{first.AddDate(0, 0, 7*6)}})
	}
	if da.meeting {
		// The nth weekday of each month (first Tuesday, second Thursday...),
		// eight times; the fifth meeting is skipped (EXDATE) and the third
		// moved two days later (an override with RECURRENCE-ID).
		nth := 1 + idx%3
		wd := []time.Weekday{time.Tuesday, time.Thursday, time.Wednesday, time.Friday}[idx%4]
		byday := fmt.Sprintf("%d%s", nth, strings.ToUpper(wd.String()[:2]))
		m := today.AddDate(0, 1, 0)
		first := nthWeekday(m.Year(), m.Month(), nth, wd, 18, 30, paris)
		third := nthWeekday(m.Year(), m.Month()+2, nth, wd, 18, 30, paris)
		fifth := nthWeekday(m.Year(), m.Month()+4, nth, wd, 18, 30, paris)
		out = append(out, &demoEvent{uid: uid(), summary: "Réunion mensuelle des adhérents",
			desc:     "Ordre du jour : bilan des dernières manifestations, préparation des prochaines, questions diverses. Ouverte à tous les adhérents.",
			category: "Réunion", place: places[len(places)-1], start: first, duration: 2 * time.Hour,
			rrule: "FREQ=MONTHLY;BYDAY=" + byday + ";COUNT=8", exdates: []time.Time{fifth},
			moved: map[time.Time]time.Time{third: third.AddDate(0, 0, 2)}})
	}
	// One-off events spread over the next six months; about 20 objects per
	// association in all.
	for len(out) < 20 {
		kind := demoKinds[da.themes[rng.IntN(len(da.themes))]]
		day := today.AddDate(0, 0, 1+rng.IntN(180))
		if kind.weekends {
			for day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
				day = day.AddDate(0, 0, 1)
			}
		}
		de := &demoEvent{uid: uid(), summary: kind.titles[rng.IntN(len(kind.titles))], desc: kind.desc,
			category: kind.category, place: places[rng.IntN(len(places))]}
		if kind.allDay {
			de.allDay, de.days = true, 1+rng.IntN(2)
			de.start = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		} else {
			de.start = time.Date(day.Year(), day.Month(), day.Day(), kind.hour, kind.minute, 0, 0, paris)
			de.duration = kind.duration
		}
		if da.website != "" && rng.IntN(3) == 0 {
			de.url = da.website + "/agenda/" + strings.Split(de.uid, "@")[0]
		}
		out = append(out, de)
	}
	// One cancelled event in the whole demo, with its reason.
	if idx == 0 {
		c := out[len(out)-1]
		c.status = model.StatusCancelled
		c.summary = "ANNULÉ — " + c.summary
		c.desc = "Annulé en raison de la météo annoncée. " + c.desc
	}
	return out
}

// nthWeekday returns the nth (1 to 4) wd of the month at hh:mm.
func nthWeekday(year int, month time.Month, nth int, wd time.Weekday, hh, mm int, loc *time.Location) time.Time {
	d := time.Date(year, month, 1, hh, mm, 0, 0, loc)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(nth-1))
}

func prop(c *goical.Component, name, value string, params ...string) {
	p := goical.NewProp(name)
	p.Value = value
	for i := 0; i+1 < len(params); i += 2 {
		p.Params.Set(params[i], params[i+1])
	}
	c.Props.Add(p)
}

var icalEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`)

// text builds the iCalendar object of the event.
func (de *demoEvent) text(now time.Time) ([]byte, error) {
	const zone = "Europe/Paris"
	cal := goical.NewCalendar()
	prop(cal.Component, goical.PropVersion, "2.0")
	prop(cal.Component, goical.PropProductID, "-//Bastide//Bastide demo//FR")
	prop(cal.Component, goical.PropCalendarScale, "GREGORIAN")
	if !de.allDay {
		vtz, err := ical.VTimezone(zone, de.start.Year())
		if err != nil {
			return nil, err
		}
		cal.Children = append(cal.Children, vtz)
	}
	stamp := now.UTC().Format("20060102T150405Z")
	local := func(t time.Time) string { return t.Format("20060102T150405") }
	base := func(c *goical.Component) {
		prop(c, goical.PropUID, de.uid)
		prop(c, goical.PropDateTimeStamp, stamp)
		prop(c, goical.PropSummary, icalEscaper.Replace(de.summary))
		prop(c, goical.PropDescription, icalEscaper.Replace(de.desc))
		p := de.place
		loc := fmt.Sprintf("%s, %s, %s %s", p.Name, p.Street, p.PostalCode, p.Locality)
		if p.Street == p.Name {
			loc = fmt.Sprintf("%s, %s %s", p.Name, p.PostalCode, p.Locality)
		}
		prop(c, goical.PropLocation, icalEscaper.Replace(loc))
		prop(c, goical.PropGeo, fmt.Sprintf("%.5f;%.5f", p.Lat, p.Lon))
		prop(c, goical.PropCategories, icalEscaper.Replace(de.category))
		if de.url != "" {
			prop(c, goical.PropURL, de.url)
		}
	}
	ev := goical.NewComponent(goical.CompEvent)
	base(ev)
	if de.allDay {
		prop(ev, goical.PropDateTimeStart, de.start.Format("20060102"), goical.ParamValue, "DATE")
		prop(ev, goical.PropDateTimeEnd, de.start.AddDate(0, 0, de.days).Format("20060102"), goical.ParamValue, "DATE")
	} else {
		prop(ev, goical.PropDateTimeStart, local(de.start), goical.PropTimezoneID, zone)
		prop(ev, goical.PropDateTimeEnd, local(de.start.Add(de.duration)), goical.PropTimezoneID, zone)
	}
	status := de.status
	if status == "" {
		status = model.StatusConfirmed
	}
	prop(ev, goical.PropStatus, status)
	if de.rrule != "" {
		prop(ev, goical.PropRecurrenceRule, de.rrule)
	}
	if len(de.exdates) > 0 {
		var ex []string
		for _, t := range de.exdates {
			ex = append(ex, local(t))
		}
		prop(ev, goical.PropExceptionDates, strings.Join(ex, ","), goical.PropTimezoneID, zone)
	}
	cal.Children = append(cal.Children, ev)
	for rid, start := range de.moved {
		ov := goical.NewComponent(goical.CompEvent)
		base(ov)
		prop(ov, goical.PropRecurrenceID, local(rid), goical.PropTimezoneID, zone)
		prop(ov, goical.PropDateTimeStart, local(start), goical.PropTimezoneID, zone)
		prop(ov, goical.PropDateTimeEnd, local(start.Add(de.duration)), goical.PropTimezoneID, zone)
		prop(ov, goical.PropStatus, model.StatusConfirmed)
		prop(ov, goical.PropSequence, "1")
		ov.Props.Del(goical.PropSummary)
		prop(ov, goical.PropSummary, icalEscaper.Replace(de.summary+" (reportée de deux jours)"))
		cal.Children = append(cal.Children, ov)
	}
	return ical.Encode(cal)
}

// toEvent builds the event through the same path as every other write.
func (de *demoEvent) toEvent(now time.Time, calendarID int64) (*model.Event, error) {
	data, err := de.text(now)
	if err != nil {
		return nil, err
	}
	lim := ical.DefaultLimits()
	obj, err := ical.ParseObject(data, lim)
	if err != nil {
		return nil, err
	}
	e, err := obj.Event(now, lim)
	if err != nil {
		return nil, err
	}
	e.CalendarID = calendarID
	e.Href = load.Href(e.UID)
	e.PlaceID = de.place.ID
	e.CommuneINSEE = de.place.CommuneINSEE
	return e, nil
}
