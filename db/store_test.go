package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"golang.org/x/crypto/bcrypt"
)

func TestRefuseNewerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Writer().ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = db.Open(ctx, path)
	if !errors.Is(err, db.ErrTooNew) || !strings.Contains(err.Error(), "999") {
		t.Fatalf("want ErrTooNew naming version 999, got %v", err)
	}
	// Nothing was changed: the version is still 999.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != 999 {
		t.Fatalf("version %d %v", v, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	for i := 0; i < 2; i++ {
		s, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var v int
		if err := s.Reader().QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != db.SchemaVersion() {
			t.Fatalf("version %d, want %d", v, db.SchemaVersion())
		}
		var mode, sync string
		s.Writer().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		s.Writer().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		if mode != "wal" || sync != "2" {
			t.Fatalf("journal_mode %s synchronous %s, want wal and 2 (FULL)", mode, sync)
		}
		s.Close()
	}
}

func TestUsersAssociationsMemberships(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	u := dbtest.User(t, s, "marie")
	if err := s.CreateUser(ctx, &model.User{Username: "marie"}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("duplicate user: %v", err)
	}
	var ve *model.ValidationError
	if err := s.CreateUser(ctx, &model.User{Username: "Bad Name"}); !errors.As(err, &ve) {
		t.Fatalf("bad username: %v", err)
	}
	a, cal := dbtest.Association(t, s, "amap-agen")
	b, calB := dbtest.Association(t, s, "foyer-nerac")
	if err := s.CreateAssociation(ctx, &model.Association{Slug: "amap-agen", Name: "x"}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("duplicate association: %v", err)
	}
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	personal := &model.Calendar{Kind: model.CalendarPersonal, OwnerUserID: u.ID, Slug: "perso", Name: "Perso", Components: []string{"VEVENT"}}
	if err := s.CreateCalendar(ctx, personal); err != nil {
		t.Fatal(err)
	}
	ucs, err := s.ListUserCalendars(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]model.Role{}
	for _, uc := range ucs {
		ids[uc.Calendar.ID] = uc.Role
	}
	if len(ucs) != 2 || ids[cal.ID] != model.RoleEditor || ids[personal.ID] != model.RoleOwner {
		t.Fatalf("user calendars: %+v", ucs)
	}
	if _, ok := ids[calB.ID]; ok {
		t.Fatal("a calendar of an association the user is not in is listed")
	}
	if role, err := s.GetRole(ctx, u.ID, b.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("role in other association: %v %v", role, err)
	}
	if err := s.RemoveMembership(ctx, u.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMembership(ctx, u.ID, a.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
}

func TestPutEventsBatchKeepsGoodOnes(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	start := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	good1 := dbtest.Event(cal.ID, "g1", start, "un")
	bad := dbtest.Event(cal.ID, "bad", start, "deux")
	bad.End = start.Add(-time.Hour)
	good2 := dbtest.Event(cal.ID, "g2", start, "trois")
	res, err := s.PutEvents(ctx, []db.Put{{Event: good1, ByUID: true}, {Event: bad, ByUID: true}, {Event: good2, ByUID: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[2].Err != nil || res[1].Err == nil || !res[0].Created {
		t.Fatalf("results: %+v", res)
	}
	// Again, by UID at another href: unchanged, no new change row.
	last, _ := s.LastSeq(ctx)
	again := dbtest.Event(cal.ID, "g1", start, "un")
	again.Href = "elsewhere.ics"
	r, err := s.PutEvent(ctx, db.Put{Event: again, ByUID: true})
	if err != nil || !r.Unchanged || again.Href != "g1.ics" {
		t.Fatalf("re-import: %+v %v href %s", r, err, again.Href)
	}
	if l2, _ := s.LastSeq(ctx); l2 != last {
		t.Fatalf("unchanged write logged a change: %d -> %d", last, l2)
	}
	all, _ := s.ChangesAfter(ctx, 0, 0)
	if len(all) != 2 {
		t.Fatalf("want 2 changes, got %d", len(all))
	}
	// A calendar that does not accept the component refuses it.
	todoOnly := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: 1, Slug: "taches", Name: "Tâches", Components: []string{"VTODO"}}
	if err := s.CreateCalendar(ctx, todoOnly); err != nil {
		t.Fatal(err)
	}
	var ve *model.ValidationError
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(todoOnly.ID, "v", start, "x")}); !errors.As(err, &ve) || ve.Field != "component" {
		t.Fatalf("component refusal: %v", err)
	}
	// An unknown calendar is ErrNotFound and writes nothing.
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(9999, "v", start, "x")}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("unknown calendar: %v", err)
	}
}

func TestDeleteCalendarLogsDeletions(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	ev := dbtest.Event(cal.ID, "d1", time.Now(), "x")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	ch, _ := s.ChangesAfter(ctx, 0, 0)
	if len(ch) != 2 || ch[1].Kind != model.ChangeDelete || ch[1].UUID != ev.UUID {
		t.Fatalf("changes: %+v", ch)
	}
	if _, err := s.GetCalendar(ctx, cal.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("calendar still there: %v", err)
	}
	if _, err := s.GetTombstone(ctx, ev.UUID); err != nil {
		t.Fatalf("tombstone: %v", err)
	}
}

func TestFTSQuery(t *testing.T) {
	cases := map[string]string{
		"fête":            `fête*`,
		"Fête":            `fête*`,
		`a" OR b`:         `a* or* b*`,
		"  ":              "",
		"marché (bio)*":   `marché* bio*`,
		"NEAR(x y) -NOT:": `near* x* y* not*`,
		"x AND y NEAR/3":  `x* and* y* near* 3*`,
		"summary:fête ^a": `summary* fête* a*`,
		// 64 bytes at most, cut between two characters (あ is 3 bytes).
		strings.Repeat("é", 40): strings.Repeat("é", 32) + "*",
		strings.Repeat("あ", 30): strings.Repeat("あ", 21) + "*",
		// 16 words at most.
		strings.Repeat("w ", 10000): strings.TrimSpace(strings.Repeat("w* ", 16)),
	}
	for in, want := range cases {
		if got := db.FTSQuery(in); got != want {
			t.Errorf("FTSQuery(%.40q) = %.80q, want %.80q", in, got, want)
		}
	}
}

// hostileSearches are texts a person (or a robot) may type into the
// agenda's search box that mean something to SQLite's query syntax.
var hostileSearches = []string{
	`"`, `""`, `"fête`, `fête"*`, `(`, `)`, `((fête)`, `*`, `fête*`, `-fête`, `- -`,
	`NEAR`, `fête NEAR musique`, `fête NEAR/2 musique`, `AND`, `OR`, `NOT`, `fête NOT musique`,
	`fête OR`, `AND fête`, `summary:fête`, `:`, `events_fts:x`, `^fête`, `'; DROP TABLE events; --`,
	"\x00", "f\u00eate", string([]byte{0xff, 0xfe, 'a'}), strings.Repeat("é", 100), strings.Repeat("あ", 30),
	strings.Repeat("fête ", 10000), strings.Repeat("(", 5000), strings.Repeat("a OR ", 2000),
}

// Whatever is typed, the search runs (no syntax error from SQLite) and
// finds what the words name; operators typed in upper case are words.
func TestSearchHostileText(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	start := time.Date(2027, 6, 21, 18, 0, 0, 0, time.UTC)
	for uid, summary := range map[string]string{"f": "Fête de la musique", "n": "Fête NOT NEAR OR AND la rivière"} {
		if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, uid, start, summary)}); err != nil {
			t.Fatal(err)
		}
	}
	search := func(text string) int {
		t.Helper()
		rows, err := s.ListInstances(ctx, db.InstanceQuery{From: start.Add(-time.Hour), To: start.Add(time.Hour), Text: text})
		if err != nil {
			t.Fatalf("search %.40q: %v", text, err)
		}
		return len(rows)
	}
	for _, text := range hostileSearches {
		search(text)
	}
	for text, want := range map[string]int{
		"fete": 2, "FÊTE musiq": 1, "fête NOT musique": 0, "fête OR rivière": 1, "NEAR riv": 1,
		"fête NEAR/2 musique": 0, "summary:fête": 0, "-musique": 1, "(la)": 2, "mus* (fê)": 1, "fe": 2,
	} {
		if got := search(text); got != want {
			t.Errorf("search %q: %d events, want %d", text, got, want)
		}
	}
}

func FuzzFTSQuery(f *testing.F) {
	for _, text := range hostileSearches {
		f.Add(text)
	}
	ctx := context.Background()
	s := dbtest.New(f)
	_, cal := dbtest.Association(f, s, "a")
	start := time.Date(2027, 6, 21, 18, 0, 0, 0, time.UTC)
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "f", start, "Fête de la musique")}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := s.ListInstances(ctx, db.InstanceQuery{From: start.Add(-time.Hour), To: start.Add(time.Hour), Text: text}); err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
	})
}

func TestCalendarVisibilityChangeIsLogged(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	for _, uid := range []string{"v1", "v2"} {
		if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, uid, time.Now(), uid)}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.LastSeq(ctx)
	cal.Name = "Renamed"
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.LastSeq(ctx); after != before {
		t.Fatalf("a rename logged changes: %d -> %d", before, after)
	}
	cal.Public = false
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	ch, err := s.ChangesAfter(ctx, before, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 2 || ch[0].Kind != model.ChangePut || ch[1].Href != "v2.ics" {
		t.Fatalf("going private must log every event: %+v", ch)
	}
	got, _ := s.GetCalendar(ctx, cal.ID)
	if got.Public || got.Seq != ch[1].Seq {
		t.Fatalf("calendar after update: %+v", got)
	}
}

// TestMigrateFromV1 starts from a database of version 1 with data in it
// and checks that Open brings it to the current version with nothing lost.
//
// testdata/v1.db is testdata/v1.sql loaded once by a build that had FTS5
// (VACUUMed, rollback journal): version 1 holds an FTS5 table, which this
// build cannot create, only convert (migration 0010). A binary file is the
// database exactly as an earlier Bastide left it.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	frozen, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, frozen, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	// A commune, which migration 0007 copies to the event's occurrences.
	if _, err := raw.Exec(`UPDATE events SET commune_insee = '47001'`); err != nil {
		t.Fatal(err)
	}
	// An app password of the first schema, a bcrypt hash (0008 indexes
	// the new form; old rows are rewritten at first use).
	oldHash, err := bcrypt.GenerateFromPassword([]byte("ancien-appareil-secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO app_passwords (user_id, name, hash, created_at) VALUES (1, 'vieux-téléphone', ?, '2026-01-02T00:00:00Z')`, string(oldHash)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate from v1: %v", err)
	}
	defer s.Close()
	var v int
	if err := s.Reader().QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil || v != db.SchemaVersion() {
		t.Fatalf("version %d (%v), want %d", v, err, db.SchemaVersion())
	}
	ev, err := s.GetEventByHref(ctx, 1, "fete.ics")
	if err != nil || ev.Summary != "Fête de la musique" || ev.UUID != "6f1c2a9e-8f0b-4c1e-9a53-0d7e2b4c1a10" {
		t.Fatalf("event after migration: %+v %v", ev, err)
	}
	rows, err := s.ListInstances(ctx, db.InstanceQuery{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Public: true, Text: "fete"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("agenda after migration: %d rows, %v", len(rows), err)
	}
	rows, err = s.ListInstances(ctx, db.InstanceQuery{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Public: true, Communes: []string{"47001"}})
	if err != nil || len(rows) != 1 {
		t.Fatalf("town filter after migration: %d rows, %v", len(rows), err)
	}
	if _, err := s.GetMeta(ctx, db.MetaOccurrenceRefresh); err != nil {
		t.Fatalf("no pending refresh of the occurrences after migration: %v", err)
	}
	// The migrated store takes writes, and the change log goes on from v1's.
	res, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(1, "after", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "Après")})
	if err != nil || res.Seq != 2 {
		t.Fatalf("write after migration: %+v %v", res, err)
	}
	rows, err = s.ListInstances(ctx, db.InstanceQuery{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), Text: "apres"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("search for an event written after migration: %d rows, %v", len(rows), err)
	}
	var ftsSQL string
	if err := s.Reader().QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE name = 'events_fts'").Scan(&ftsSQL); err != nil || !strings.Contains(ftsSQL, "fts4") {
		t.Fatalf("events_fts after migration: %q %v", ftsSQL, err)
	}
	for _, shadow := range []string{"events_fts_data", "events_fts_idx", "events_fts_config"} {
		var n int
		if err := s.Reader().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = ?", shadow).Scan(&n); err != nil || n != 0 {
			t.Fatalf("FTS5 table %s left behind: %d %v", shadow, n, err)
		}
	}
	// The old app password still signs in, and is then stored the new way.
	if u, app, err := s.CheckPassword(ctx, "marie", "ancien-appareil-secret"); err != nil || !app || u.Username != "marie" {
		t.Fatalf("v1 app password after migration: %v %v %v", u, app, err)
	}
	aps, err := s.ListAppPasswords(ctx, 1)
	if err != nil || len(aps) != 1 || aps[0].Hash != db.HashAppPassword("ancien-appareil-secret") {
		t.Fatalf("v1 app password not rehashed at first use: %+v %v", aps, err)
	}
	// The v1 occurrence got the event's commune (0007's data step).
	var commune string
	if err := s.Reader().QueryRowContext(ctx, `SELECT commune_insee FROM event_instances WHERE event_id = 1`).Scan(&commune); err != nil || commune != "47001" {
		t.Fatalf("occurrence commune after migration: %q %v", commune, err)
	}
	if res, err := s.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity: %s %v", res, err)
	}
	// FTS4's own check: the index holds exactly the tokens of its rows.
	if _, err := s.Writer().ExecContext(ctx, "INSERT INTO events_fts (events_fts) VALUES ('integrity-check')"); err != nil {
		t.Fatalf("full-text index after migration: %v", err)
	}
}

// A database at schema 3, the first with federation, with a followed
// source: 0005's data step keeps its last successful read.
func TestMigrateFollowsFromV3(t *testing.T) {
	ctx := context.Background()
	frozen, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v3.db")
	if err := os.WriteFile(path, frozen, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"migrations/0002_caldav.sql", "migrations/0003_federation.sql"} {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(text)); err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
	}
	if _, err := raw.Exec(`PRAGMA user_version = 3;
		INSERT INTO follows (object, follow_id, state, calendar_id, created_at, updated_at, refreshed_at)
		VALUES ('https://mobilizon.example/@groupe', 'https://agenda.example/follows/1', 'accepted', 1,
			'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-03-04T05:06:07Z')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatalf("migrate from v3: %v", err)
	}
	defer s.Close()
	f, err := s.GetFollow(ctx, "https://mobilizon.example/@groupe")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if !f.LastSuccess.Equal(want) || !f.RefreshedAt.Equal(want) || f.LastError != "" {
		t.Fatalf("follow after migration: %+v, want last success %s", f, want)
	}
}

// BulkWrites enlarges the writer's page cache only until it is done, and
// the readers keep their small one.
func TestBulkWritesRestoreCache(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	cacheSize := func(d *sql.DB) int {
		t.Helper()
		var size int
		if err := d.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		return size
	}
	if got := cacheSize(s.Writer()); got != -2000 {
		t.Fatalf("writer cache_size %d, want -2000 when serving", got)
	}
	if got := cacheSize(s.Reader()); got != -1000 {
		t.Fatalf("reader cache_size %d, want -1000", got)
	}
	done, err := s.BulkWrites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(s.Writer()); got != -64000 {
		t.Fatalf("writer cache_size %d, want -64000 during bulk writes", got)
	}
	puts := make([]db.Put, 300)
	for i := range puts {
		puts[i] = db.Put{Event: dbtest.Event(cal.ID, fmt.Sprint("bulk", i), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour), "x")}
	}
	if _, err := s.PutEvents(ctx, puts); err != nil {
		t.Fatal(err)
	}
	done()
	if got := cacheSize(s.Writer()); got != -2000 {
		t.Fatalf("writer cache_size %d, want -2000 after the bulk writes", got)
	}
}

// DataVersion moves with every committed write, this store's or another
// process's on the same file, and stays while nothing is written.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	version := func() int64 {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	if _, err := s.ResolveDAVCalendar(ctx, 1, "nobody", "none"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("read: %v", err)
	}
	if v := version(); v != v0 {
		t.Fatalf("a read moved the version from %d to %d", v0, v)
	}
	u := dbtest.User(t, s, "marie")
	v1 := version()
	if v1 == v0 {
		t.Fatal("this store's write left the version unchanged")
	}
	other, err := db.Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a, _ := dbtest.Association(t, other, "amap-agen")
	if v := version(); v == v1 {
		t.Fatal("another store's write left the version unchanged")
	}
	v2 := version()
	if err := other.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v == v2 {
		t.Fatal("a membership written by another store left the version unchanged")
	}
	if v, w := version(), version(); v != w {
		t.Fatalf("the version moved without a write: %d then %d", v, w)
	}
}

// A new database has no event of an older Bastide to read again: the
// backfills its migrations ask for must not stay pending, or the first
// start after a large import reads every event again (issue #15).
func TestNewDatabaseAsksNoBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	for i := 0; i < 2; i++ {
		s, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{db.MetaOccurrenceRefresh, db.MetaShownFieldsRefresh, db.MetaPublicRefresh} {
			if v, err := s.GetMeta(ctx, k); !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("open %d: %s = %q (%v), want no pending backfill", i+1, k, v, err)
			}
		}
		if b, err := s.Backfilling(ctx); err != nil || b {
			t.Fatalf("open %d: backfilling %v %v", i+1, b, err)
		}
		s.Close()
	}

	// A database of the first schema does ask for them, until done.
	frozen, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(old, frozen, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := db.Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, err := s.Backfilling(ctx); err != nil || !b {
		t.Fatalf("upgraded database: backfilling %v %v, want true", b, err)
	}
	if err := s.DeleteMeta(ctx, db.MetaOccurrenceRefresh); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMeta(ctx, db.MetaShownFieldsRefresh); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Backfilling(ctx); err != nil || b {
		t.Fatalf("after the backfills: backfilling %v %v", b, err)
	}
}
