//go:build integration

package caldav_test

// Real CalDAV clients, run as subprocesses against Bastide's handler on a
// 127.0.0.1 listener: litmus, vdirsyncer and python3-caldav (the Debian
// packages), and two members of one association each with their own
// client. The scripts and configurations they run are in
// testdata/clients/.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/caldav"
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// python is the Debian interpreter: the modules installed with apt
// (python3-caldav, vdirsyncer's) are not on every other python3's path.
const python = "/usr/bin/python3"

// needTool fails the test when a client is missing, naming the package.
func needTool(t *testing.T, bin, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package %s (apt-get install %s) or run .ci/deps", bin, pkg, pkg)
	}
	return p
}

func needPythonModule(t *testing.T, module, pkg string) {
	t.Helper()
	needTool(t, python, "python3")
	if out, err := exec.Command(python, "-c", "import "+module).CombinedOutput(); err != nil {
		t.Fatalf("python module %s missing (%v: %s): install the Debian package %s (apt-get install %s) or run .ci/deps",
			module, err, out, pkg, pkg)
	}
}

// realEnv is a Bastide CalDAV server with an association "chorale" (its
// calendar "Agenda", slug main) whose owner alice logs in with her account
// password and whose editor bob uses an app password.
type realEnv struct {
	srv       *httptest.Server
	store     *db.Store
	assoc     *model.Association
	cal       *model.Calendar
	alicePass string
	bobPass   string
	log       *lockedWriter
}

const (
	alicePassword = "alice-chante-faux"
	bobAppPass    = "bob-thunderbird-7q2x"
)

// realHashes are the bcrypt hashes of the two passwords, made once: bcrypt
// is slow on purpose, and slower still under the race detector.
var realHashes = sync.OnceValue(func() (h struct{ alice, bob string }) {
	var err error
	if h.alice, err = db.HashPassword(alicePassword); err != nil {
		panic(err)
	}
	if h.bob, err = db.HashPassword(bobAppPass); err != nil {
		panic(err)
	}
	return h
})

// newRealEnv starts the server. wrap, when not nil, sits in front of the
// CalDAV handler (litmus needs one request translated).
func newRealEnv(t *testing.T, wrap func(http.Handler) http.Handler) *realEnv {
	t.Helper()
	ctx := context.Background()
	store := dbtest.New(t)
	assoc, cal := dbtest.Association(t, store, "chorale")
	alice := &model.User{Username: "alice", DisplayName: "Alice Martin", Email: "alice@example.org", PasswordHash: realHashes().alice}
	if err := store.CreateUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	bob := dbtest.User(t, store, "bob")
	if err := store.AddAppPassword(ctx, &model.AppPassword{UserID: bob.ID, Name: "vdirsyncer", Hash: realHashes().bob}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []model.Membership{{UserID: alice.ID, AssociationID: assoc.ID, Role: model.RoleOwner},
		{UserID: bob.ID, AssociationID: assoc.ID, Role: model.RoleEditor}} {
		if err := store.SetMembership(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	var logBuf bytes.Buffer
	logw := &lockedWriter{w: &logBuf}
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var h http.Handler = caldav.NewHandler(store, logger, caldav.Options{})
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/dav/", h)
	mux.Handle("/.well-known/caldav", h)
	// "/" belongs to the web application in cmd/bastide: PROPFIND there is
	// not CalDAV, clients fall back to /.well-known/caldav.
	mux.HandleFunc("/", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	env := &realEnv{srv: srv, store: store, assoc: assoc, cal: cal, alicePass: alicePassword, bobPass: bobAppPass, log: logw}
	t.Cleanup(func() {
		logw.mu.Lock()
		defer logw.mu.Unlock()
		if t.Failed() && logBuf.Len() > 0 {
			t.Logf("server log:\n%s", logBuf.String())
		}
	})
	return env
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// clientsDir is the absolute path of testdata/clients.
func clientsDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs(filepath.Join("testdata", "clients"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// runClient runs a client process with a deadline and returns its output.
func runClient(t *testing.T, timeout time.Duration, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %s", name, timeout)
	}
	return out.String(), err
}

// --- litmus -----------------------------------------------------------------

// litmusNotApplicable lists the litmus 0.13 tests (suite/test, #n for the
// names litmus repeats) that cannot pass against a CalDAV calendar
// collection, with the reason. Every other test of the suites below must
// pass. A test listed here that passes fails TestLitmus, so that the list
// stays as short as it can honestly be. The README's CalDAV section says
// the same in prose.
var litmusNotApplicable = func() map[string]string {
	const (
		plainBody = "PUTs a text/plain body: a calendar collection stores only iCalendar objects " +
			"(RFC 4791 §5.3.2 supported-calendar-data, valid-calendar-data), so the PUT is refused with 403"
		noPlainColl = "creates a collection inside the calendar: calendar collections hold calendar objects only " +
			"(RFC 4791 §4.2) and Bastide has no plain WebDAV collections"
		afterBody = "works on a resource that a refused text/plain PUT did not create (litmus skips it)"
		afterColl = "works on a collection that could not be created inside the calendar (litmus skips it)"
		deadProps = "sets or reads dead properties on a resource that a refused text/plain PUT did not create " +
			"(litmus skips it); calendar objects have no writable properties"
		noLocks = "Bastide is DAV class 1 and 3 without locks (no calendar app uses LOCK): litmus skips every locking test"
	)
	m := map[string]string{}
	add := func(reason string, names ...string) {
		for _, n := range names {
			m[n] = reason
		}
	}
	add(plainBody, "basic/put_get", "basic/put_get_utf8_segment", "copymove/copy_init", "copymove/move",
		"props/propinit#5", "props/propinit#25")
	add(afterBody, "basic/mkcol_over_plain", "basic/delete", "copymove/copy_simple", "copymove/copy_overwrite",
		"copymove/copy_nodestcoll")
	add(noPlainColl, "basic/delete_fragment", "basic/mkcol", "copymove/copy_coll", "copymove/copy_shallow", "copymove/move_coll")
	add(afterColl, "basic/mkcol_again", "basic/delete_coll")
	add(deadProps, "props/propset", "props/propget#7", "props/propmove", "props/propget#10", "props/propdeletes",
		"props/propget#12", "props/propreplace", "props/propget#14", "props/propnullns", "props/propget#16",
		"props/prophighunicode", "props/propget#18", "props/propremoveset", "props/propget#20", "props/propsetremove",
		"props/propget#22", "props/propvalnspace", "props/propmanyns", "props/propget#27")
	add(noLocks, "locks/precond")
	return m
}()

// litmusSuites are the suites that apply to a calendar collection.
const litmusSuites = "basic copymove props locks http"

// litmusResult matches one test of litmus' output: its number and name,
// the warnings it printed, and its result, e.g.
//
//  5. put_no_parent......... WARNING: MKCOL with missing intermediate gave 404, should be 409
//     ...................... pass (with 1 warning)
var litmusResult = regexp.MustCompile(`(?m)(\d+)\. (\w+)\.+ ((?:WARNING: .*\n\s*\.+ )*)(pass|FAIL|SKIPPED)(.*)`)

// litmusRepeated are the test names litmus uses more than once in a suite.
var litmusRepeated = map[string]bool{"propget": true, "propinit": true, "notowner_modify": true,
	"notowner_lock": true, "owner_modify": true, "unlock": true, "refresh": true}

// parseLitmus returns "suite/test" -> "pass", "FAIL" or "SKIPPED", and the
// FAIL messages and warnings by test.
func parseLitmus(out string) (res, msgs map[string]string) {
	res, msgs = map[string]string{}, map[string]string{}
	out = strings.ReplaceAll(out, "\r", "")
	for _, part := range strings.Split(out, "-> running `")[1:] {
		suite, body, _ := strings.Cut(part, "':")
		for _, m := range litmusResult.FindAllStringSubmatch(body, -1) {
			name := suite + "/" + m[2]
			if litmusRepeated[m[2]] {
				name += "#" + m[1]
			}
			res[name] = m[4]
			if m[4] == "FAIL" || m[3] != "" {
				var words []string
				for _, w := range strings.Fields(m[3] + m[4] + m[5]) {
					if strings.Trim(w, ".") != "" {
						words = append(words, w)
					}
				}
				msgs[name] = strings.Join(words, " ")
			}
		}
	}
	return res, msgs
}

// TestLitmus runs litmus against a calendar collection. litmus works in a
// collection it creates with a plain MKCOL at URL/litmus/; Bastide creates
// only calendars (extended MKCOL or MKCALENDAR), so the harness turns that
// one request into MKCALENDAR: every test then runs inside a calendar.
func TestLitmus(t *testing.T) {
	t.Parallel()
	bin := needTool(t, "litmus", "litmus")
	const scratch = "/dav/calendars/alice/litmus/"
	env := newRealEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "MKCOL" && r.URL.Path == scratch && r.ContentLength <= 0 {
				r.Method = "MKCALENDAR"
			}
			h.ServeHTTP(w, r)
		})
	})
	out, err := runClient(t, 60*time.Second, []string{"TESTS=" + litmusSuites}, bin, "-k",
		env.srv.URL+"/dav/calendars/alice/", "alice", env.alicePass)
	res, msgs := parseLitmus(out)
	if len(res) < 60 {
		t.Fatalf("litmus ran %d tests (%v), output:\n%s", len(res), err, out)
	}
	var names []string
	for n := range res {
		names = append(names, n)
	}
	sort.Strings(names)
	passed := 0
	for _, n := range names {
		reason, listed := litmusNotApplicable[n]
		switch {
		case res[n] == "pass" && listed:
			t.Errorf("litmus %s passes: remove it from litmusNotApplicable (%s)", n, reason)
		case res[n] == "pass":
			passed++
			if msgs[n] != "" {
				t.Logf("litmus %s: %s", n, msgs[n])
			}
		case !listed && msgs[n] != "":
			t.Errorf("litmus %s: %s", n, msgs[n])
		case !listed:
			t.Errorf("litmus %s: %s", n, res[n])
		}
	}
	for n := range litmusNotApplicable {
		if _, ok := res[n]; !ok {
			t.Errorf("litmusNotApplicable names %s, which litmus did not run", n)
		}
	}
	t.Logf("litmus: %d passed, %d not applicable, %d tests", passed, len(litmusNotApplicable), len(res))
	if t.Failed() {
		t.Logf("litmus output:\n%s", out)
	}
}

// --- vdirsyncer -------------------------------------------------------------

// vdirsyncerChecks is the number of checks vdirsyncer-sync.sh makes: fewer
// PASS lines means the script stopped early.
const vdirsyncerChecks = 42

func checkScript(t *testing.T, out string, want int) {
	t.Helper()
	passed := 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "PASS "):
			passed++
		case strings.HasPrefix(line, "FAIL "):
			t.Error(line)
		}
	}
	if passed != want || t.Failed() {
		t.Errorf("%d checks passed, want %d; output:\n%s", passed, want, out)
	}
}

// TestVdirsyncer runs a two-way vdirsyncer sync with metasync: discovery
// from the server root (via /.well-known/caldav), a calendar created by
// vdirsyncer (extended MKCOL), uploads, server-side changes (PUT with
// If-Match, DELETE, PROPPATCH) coming down, local changes going up, and a
// fresh download compared with the local copy.
func TestVdirsyncer(t *testing.T) {
	t.Parallel()
	needTool(t, "vdirsyncer", "vdirsyncer")
	needTool(t, python, "python3")
	env := newRealEnv(t, nil)
	out, err := runClient(t, 90*time.Second, nil, "bash", filepath.Join(clientsDir(t), "vdirsyncer-sync.sh"),
		env.srv.URL+"/", "alice", env.alicePass, filepath.Join(t.TempDir(), "work"), "chorale-vdirsyncer")
	if err != nil {
		t.Errorf("vdirsyncer-sync.sh: %v", err)
	}
	checkScript(t, out, vdirsyncerChecks)
	// the calendar vdirsyncer created is alice's own, never the association's
	cals, err := env.store.ListUserCalendars(context.Background(), mustUser(t, env, "alice").ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cals {
		names = append(names, fmt.Sprintf("%s:%d:%s", c.Calendar.Kind, c.Calendar.AssociationID, c.Calendar.Name))
	}
	if !slices.Contains(names, model.CalendarPersonal+":0:Chorale du Pays d'Albret") {
		t.Errorf("alice's calendars after vdirsyncer: %q, want a personal one named as metasync set it", names)
	}
}

func mustUser(t *testing.T, env *realEnv, name string) *model.User {
	t.Helper()
	u, err := env.store.GetUserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// --- python3-caldav ---------------------------------------------------------

func runPy(t *testing.T, args ...string) map[string]any {
	t.Helper()
	needPythonModule(t, "caldav", "python3-caldav")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, append([]string{filepath.Join(clientsDir(t), "pycaldav-client.py")}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pycaldav-client.py %s: %v\n%s%s", args[0], err, stdout.String(), stderr.String())
	}
	var res map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("pycaldav-client.py %s: %v\n%s%s", args[0], err, stdout.String(), stderr.String())
	}
	if errs, _ := res["errors"].(map[string]any); len(errs) > 0 {
		t.Errorf("python3-caldav %s: steps failed: %v\nstderr:\n%s", args[0], errs, stderr.String())
	}
	return res
}

// jsonEq compares a JSON value with the expected Go value through JSON.
func jsonEq(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s: got %s, want %s", what, g, w)
	}
}

// TestPythonCaldav drives python3-caldav through discovery, MKCALENDAR,
// save_event/save_todo, date_search on a recurring event (an ordinary
// occurrence, an EXDATE, a moved occurrence), server-side expand across the
// daylight-saving change, sync tokens, set_properties and free-busy.
func TestPythonCaldav(t *testing.T) {
	t.Parallel()
	env := newRealEnv(t, nil)
	r := runPy(t, "smoke", env.srv.URL+"/dav/", "alice", env.alicePass)
	if p, _ := r["principal"].(string); !strings.HasSuffix(p, "/dav/principals/alice/") {
		t.Errorf("principal = %q, want …/dav/principals/alice/", p)
	}
	saved, _ := r["saved"].([]any)
	if len(saved) != 3 {
		t.Fatalf("saved = %v, want three objects", r["saved"])
	}
	rehearsal, meeting, todo := saved[0].(string), saved[1].(string), saved[2].(string)
	extra, _ := r["extra"].(string)
	var listed []string
	for _, n := range r["listed_after_create"].([]any) {
		listed = append(listed, n.(string))
	}
	if !slices.ContainsFunc(listed, func(s string) bool { return strings.HasPrefix(s, "Chorale – répétitions ") }) ||
		!slices.Contains(listed, "Agenda") {
		t.Errorf("calendars listed after make_calendar = %q, want the new one and the association's Agenda", listed)
	}
	jsonEq(t, "event_by_uid", r["event_by_uid"], rehearsal)
	jsonEq(t, "date_search 9 March (an occurrence)", r["search_mar09"], []string{rehearsal})
	jsonEq(t, "date_search 16 March (EXDATE)", r["search_mar16"], []string{})
	jsonEq(t, "date_search 23 March (moved away)", r["search_mar23"], []string{})
	jsonEq(t, "date_search 25 March (moved there)", r["search_mar25"], []string{rehearsal})
	jsonEq(t, "date_search 14 March (single event)", r["search_mar14"], []string{meeting})
	jsonEq(t, "server-side expand of March", r["server_expand_march"], map[string]any{
		rehearsal: map[string]any{"starts": []string{"20260302T183000Z", "20260309T183000Z", "20260325T190000Z", "20260330T173000Z"},
			"rrule": false, "recurrence_ids": 4},
		meeting: map[string]any{"starts": []string{"20260314T130000Z"}, "rrule": false, "recurrence_ids": 0},
	})
	jsonEq(t, "date_search expand=True of March", r["library_expand_march"],
		[]string{"20260302T183000Z", "20260309T183000Z", "20260314T130000Z", "20260325T190000Z", "20260330T173000Z"})
	jsonEq(t, "todos()", r["todos"], []string{todo})
	jsonEq(t, "events()", r["events"], sorted(meeting, rehearsal))
	jsonEq(t, "objects_by_sync_token() initial", r["sync_initial"], sorted(meeting, rehearsal, todo))
	jsonEq(t, "initial sync token", r["sync_initial_token"], true)
	jsonEq(t, "objects_by_sync_token(token) after modify+delete+add", r["sync_delta"],
		map[string]string{meeting: "loaded", extra: "loaded", todo: "gone"})
	jsonEq(t, "SynchronizableCalendarObjectCollection.sync()", r["sync_collection_sync"],
		map[string]any{"updated": sorted(extra, meeting), "deleted": []string{todo}})
	jsonEq(t, "displayname after set_properties", r["displayname_after_proppatch"], "Chorale du Pays d'Albret")
	if l, _ := r["listed_after_rename"].([]any); !slices.ContainsFunc(l, func(v any) bool { return v == "Chorale du Pays d'Albret" }) {
		t.Errorf("calendars listed after set_properties = %v", l)
	}
	jsonEq(t, "free-busy of March (busy periods, UTC)", normalizeFreeBusy(t, r["freebusy_march"]), []string{
		"20260302T183000Z/20260302T203000Z", "20260309T183000Z/20260309T203000Z", "20260314T130000Z/20260314T150000Z",
		"20260321T130000Z/20260321T150000Z", "20260325T190000Z/20260325T210000Z", "20260330T173000Z/20260330T193000Z"})
	cal, _ := r["calendar"].(string)
	seg := strings.TrimSuffix(cal[strings.LastIndex(strings.TrimSuffix(cal, "/"), "/")+1:], "/")
	if l, _ := r["calendars_after_delete"].([]any); len(l) == 0 || slices.ContainsFunc(l, func(v any) bool { return v == seg }) {
		t.Errorf("calendars after delete = %v, want the association's and not %q", l, seg)
	}
}

// TestPythonCaldavOddCalendarName has python3-caldav create a calendar
// under the name vdirsyncer's own tests use, store an event in it and find
// both again through discovery.
func TestPythonCaldavOddCalendarName(t *testing.T) {
	t.Parallel()
	env := newRealEnv(t, nil)
	const name = "test @ foo ät bar"
	r := runPy(t, "named", env.srv.URL+"/dav/", "alice", env.alicePass, name, "odd-name@pycaldav")
	// The library keeps the URL unencoded; on the wire it is encoded, and
	// the calendar is stored under exactly that name.
	if c, _ := r["calendar"].(string); !strings.HasSuffix(c, "/dav/calendars/alice/"+name+"/") {
		t.Errorf("calendar URL = %q", c)
	}
	cals, err := env.store.ListDAVCalendars(context.Background(), mustUser(t, env, "alice").ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cals, func(c db.DAVCalendar) bool { return c.Segment == name }) {
		t.Errorf("no calendar stored under the segment %q: %+v", name, cals)
	}
	if l, _ := r["listed"].([]any); !slices.ContainsFunc(l, func(v any) bool { return v == name }) {
		t.Errorf("calendars listed = %v, want %q among them", l, name)
	}
	jsonEq(t, "summary read back", r["summary"], "Dans "+name)
	jsonEq(t, "displayname", r["displayname"], name)
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// normalizeFreeBusy turns FREEBUSY periods (start/end or start/duration)
// into sorted start/end strings in UTC.
func normalizeFreeBusy(t *testing.T, v any) []string {
	t.Helper()
	l, _ := v.([]any)
	out := []string{}
	for _, p := range l {
		s, _ := p.(string)
		a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
		start, err := time.Parse("20060102T150405Z", a)
		if !ok || err != nil {
			t.Errorf("free-busy period %q", s)
			continue
		}
		end, err := time.Parse("20060102T150405Z", b)
		if err != nil {
			d, derr := parseISODuration(b)
			if derr != nil {
				t.Errorf("free-busy period %q: %v", s, derr)
				continue
			}
			end = start.Add(d)
		}
		out = append(out, start.Format("20060102T150405Z")+"/"+end.UTC().Format("20060102T150405Z"))
	}
	sort.Strings(out)
	return out
}

// parseISODuration reads the PTnHnMnS and PnD forms FREEBUSY uses.
func parseISODuration(s string) (time.Duration, error) {
	re := regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second} {
		var n int
		if m[i+1] != "" {
			fmt.Sscan(m[i+1], &n)
		}
		d += time.Duration(n) * unit
	}
	return d, nil
}

// --- two members ------------------------------------------------------------

// TestTwoMembers: alice (owner, python3-caldav, account password) and bob
// (editor, vdirsyncer and raw HTTP, app password) share the association's
// calendar. What one writes, the other's next sync sees; bob's write based
// on a stale ETag gets 412 and alice's version survives.
func TestTwoMembers(t *testing.T) {
	t.Parallel()
	needTool(t, "vdirsyncer", "vdirsyncer")
	env := newRealEnv(t, nil)
	davURL := env.srv.URL + "/dav/"
	calSeg := env.assoc.Slug + "." + env.cal.Slug

	// alice takes a sync token, then writes an event
	first := runPy(t, "sync", davURL, "alice", env.alicePass, env.cal.Name)
	token, _ := first["token"].(string)
	jsonEq(t, "alice's first sync of the empty association calendar", first["objects"], map[string]any{})
	put := runPy(t, "put", davURL, "alice", env.alicePass, env.cal.Name, "concert-juin@chorale", "Concert de juin")
	href, _ := put["href"].(string)
	if !strings.HasSuffix(put["calendar"].(string), "/dav/calendars/alice/"+calSeg+"/") {
		t.Errorf("alice wrote into %v, want her view of the association calendar %s", put["calendar"], calSeg)
	}

	// bob's vdirsyncer sees it
	work := t.TempDir()
	conf := filepath.Join(work, "config")
	local := filepath.Join(work, "local")
	writeVdirsyncerConfig(t, conf, work, env.srv.URL+"/", "bob", env.bobPass, calSeg)
	vd := func(args ...string) string {
		t.Helper()
		out, err := runClient(t, 60*time.Second, nil, "vdirsyncer", append([]string{"-c", conf}, args...)...)
		if err != nil {
			t.Fatalf("vdirsyncer %v: %v\n%s", args, err, out)
		}
		return out
	}
	vd("discover", "t")
	vd("sync", "t")
	bobFile := findLocal(t, filepath.Join(local, calSeg), "concert-juin@chorale")
	if data := readFile(t, bobFile); !strings.Contains(data, "SUMMARY:Concert de juin") {
		t.Fatalf("bob's copy after sync:\n%s", data)
	}

	// bob edits it locally and syncs up: alice's next sync sees his version
	writeFile(t, bobFile, strings.Replace(readFile(t, bobFile), "SUMMARY:Concert de juin", "SUMMARY:Concert de juin (église de Nérac)", 1))
	vd("sync", "t")
	next := runPy(t, "sync", davURL, "alice", env.alicePass, env.cal.Name, token)
	jsonEq(t, "alice's sync after bob's edit", next["objects"], map[string]any{href: "Concert de juin (église de Nérac)"})
	token2, _ := next["token"].(string)

	// bob reads the object (ETag e1); alice changes it; bob's write based on
	// e1 gets 412 and alice's change is still there
	objURL := env.srv.URL + "/dav/calendars/bob/" + calSeg + "/" + href
	st, etag, body := rawDAV(t, "GET", objURL, "bob", env.bobPass, nil, "")
	if st != http.StatusOK || etag == "" {
		t.Fatalf("bob GET %s: %d etag %q", objURL, st, etag)
	}
	runPy(t, "put", davURL, "alice", env.alicePass, env.cal.Name, "concert-juin@chorale", "Concert de juin (annulé)")
	stale := strings.Replace(body, "SUMMARY:Concert de juin (église de Nérac)", "SUMMARY:Concert de juin (20 h 30)", 1)
	if stale == body {
		t.Fatalf("bob's copy has no summary to change:\n%s", body)
	}
	st, _, errBody := rawDAV(t, "PUT", objURL, "bob", env.bobPass, map[string]string{"If-Match": etag,
		"Content-Type": "text/calendar; charset=utf-8"}, stale)
	if st != http.StatusPreconditionFailed {
		t.Errorf("bob's stale PUT (If-Match %s): %d %s, want 412", etag, st, errBody)
	}
	st, etag2, now := rawDAV(t, "GET", objURL, "bob", env.bobPass, nil, "")
	if st != http.StatusOK || !strings.Contains(now, "SUMMARY:Concert de juin (annulé)") || etag2 == etag {
		t.Errorf("after the refused write: %d etag %s → %s:\n%s", st, etag, etag2, now)
	}
	// bob's vdirsyncer, told of a conflict on both sides, keeps alice's
	// server version ("b wins" in his configuration)
	writeFile(t, bobFile, strings.Replace(readFile(t, bobFile), "(église de Nérac)", "(église de Nérac, 20 h 30)", 1))
	vd("sync", "t")
	if data := readFile(t, findLocal(t, filepath.Join(local, calSeg), "concert-juin@chorale")); !strings.Contains(data, "SUMMARY:Concert de juin (annulé)") {
		t.Errorf("bob's copy after a conflicting sync:\n%s", data)
	}
	// a write with the fresh ETag is accepted, and alice's next sync sees it
	fresh := strings.Replace(now, "SUMMARY:Concert de juin (annulé)", "SUMMARY:Concert de juin (reporté au 27)", 1)
	st, _, errBody = rawDAV(t, "PUT", objURL, "bob", env.bobPass, map[string]string{"If-Match": etag2,
		"Content-Type": "text/calendar; charset=utf-8"}, fresh)
	if st != http.StatusNoContent {
		t.Errorf("bob's PUT with the current ETag: %d %s, want 204", st, errBody)
	}
	last := runPy(t, "sync", davURL, "alice", env.alicePass, env.cal.Name, token2)
	jsonEq(t, "alice's sync after bob's second write", last["objects"], map[string]any{href: "Concert de juin (reporté au 27)"})
}

func writeVdirsyncerConfig(t *testing.T, path, work, url, user, pass, collection string) {
	t.Helper()
	tmpl := readFile(t, filepath.Join(clientsDir(t), "vdirsyncer-member.conf"))
	conf := strings.NewReplacer("@STATUS@", filepath.Join(work, "status")+"/", "@LOCAL@", filepath.Join(work, "local")+"/",
		"@URL@", url, "@USER@", user, "@PASS@", pass, "@COLLECTION@", collection).Replace(tmpl)
	// the local collection exists, so that discover asks nothing
	if err := os.MkdirAll(filepath.Join(work, "local", collection), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, conf)
}

func findLocal(t *testing.T, dir, uid string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.ics"))
	for _, f := range files {
		if strings.Contains(readFile(t, f), "UID:"+uid) {
			return f
		}
	}
	t.Fatalf("no local file with UID %s in %s (%v)", uid, dir, files)
	return ""
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawDAV sends one request and returns the status, the ETag and the body.
func rawDAV(t *testing.T, method, url, user, pass string, hdr map[string]string, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), string(b)
}

// TestParseLitmus checks the parser on litmus 0.13's output, warnings and
// repeated names included.
func TestParseLitmus(t *testing.T) {
	out := "-> running `basic':\n 0. init..................  0. init.................. pass\n" +
		" 5. put_no_parent......... WARNING: MKCOL with missing intermediate gave 404, should be 409\n" +
		"    ...................... pass (with 1 warning)\n" +
		"    ......................  6. mkcol_over_plain...... SKIPPED\n" +
		"14. mkcol_with_body....... 14. mkcol_with_body....... FAIL (MKCOL with weird body must fail with 415 (RFC2518:8.3.1))\n" +
		"<- summary for `basic': of 12 tests run: 7 passed, 5 failed. 58.3%\n-> running `props':\n" +
		" 5. propinit..............  5. propinit.............. FAIL (PUT of `/x': 403 Forbidden)\n" +
		" 7. propget...............  7. propget............... SKIPPED\n" +
		" 2. options............... WARNING: server does not claim Class 2 compliance\n" +
		"    ...................... WARNING: second\n    ...................... FAIL (boom)\n"
	res, msgs := parseLitmus(out)
	jsonEq(t, "results", res, map[string]string{"basic/init": "pass", "basic/put_no_parent": "pass",
		"basic/mkcol_over_plain": "SKIPPED", "basic/mkcol_with_body": "FAIL", "props/propinit#5": "FAIL",
		"props/propget#7": "SKIPPED", "props/options": "FAIL"})
	jsonEq(t, "messages", msgs, map[string]string{
		"basic/put_no_parent":   "WARNING: MKCOL with missing intermediate gave 404, should be 409 pass (with 1 warning)",
		"basic/mkcol_with_body": "FAIL (MKCOL with weird body must fail with 415 (RFC2518:8.3.1))",
		"props/propinit#5":      "FAIL (PUT of `/x': 403 Forbidden)",
		"props/options":         "WARNING: server does not claim Class 2 compliance WARNING: second FAIL (boom)"})
}
