package ical

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden.json")

// goldenNow is the "now" of the golden expansions.
var goldenNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

type goldenInstance struct {
	Start, End   string
	RecurrenceID string `json:",omitempty"`
	Override     bool   `json:",omitempty"`
	Status       string `json:",omitempty"`
	// An override's own texts and class.
	Summary, Location, Class string `json:",omitempty"`
}

type goldenEvent struct {
	UID, Component, Summary, Description, Location string
	Start, End                                     string
	AllDay, Floating                               bool   `json:",omitempty"`
	TZID                                           string `json:",omitempty"`
	Recurring                                      bool   `json:",omitempty"`
	RRule, Status, Class                           string `json:",omitempty"`
	Categories                                     []string
	URL                                            string  `json:",omitempty"`
	Lat, Lon                                       float64 `json:",omitempty"`
	HasGeo                                         bool    `json:",omitempty"`
	CommuneINSEE                                   string  `json:",omitempty"`
	Sequence                                       int     `json:",omitempty"`
	InstancesCapped                                bool    `json:",omitempty"`
	Instances                                      []goldenInstance
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// TestGolden parses every sample of testdata/*.ics into model events and
// compares them with testdata/golden/NAME.golden.json (go test -update
// rewrites those; read the diff before committing it).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ics"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".ics")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			results, err := Split(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var got []goldenEvent
			for _, r := range results {
				if r.Err != nil {
					t.Fatalf("object %q: %v", r.UID, r.Err)
				}
				e, err := r.Obj.Event(goldenNow, Limits{})
				if err != nil {
					t.Fatalf("Event %q: %v", r.UID, err)
				}
				g := goldenEvent{
					UID: e.UID, Component: e.Component, Summary: e.Summary, Description: e.Description, Location: e.Location,
					Start: fmtTime(e.Start), End: fmtTime(e.End), AllDay: e.AllDay, Floating: e.Floating, TZID: e.TZID,
					Recurring: e.Recurring, RRule: e.RRule, Status: e.Status, Class: e.Class, Categories: e.Categories,
					URL: e.URL, Lat: e.Lat, Lon: e.Lon, HasGeo: e.HasGeo, CommuneINSEE: e.CommuneINSEE, Sequence: e.Sequence, InstancesCapped: e.InstancesCapped,
				}
				for _, in := range e.Instances {
					g.Instances = append(g.Instances, goldenInstance{fmtTime(in.Start), fmtTime(in.End), fmtTime(in.RecurrenceID), in.Override, in.Status,
						in.Summary, in.Location, in.Class})
				}
				if err := e.Validate(); err != nil && !strings.HasPrefix(err.Error(), "calendar:") && !strings.HasPrefix(err.Error(), "href:") {
					t.Errorf("model.Validate %q: %v", e.UID, err)
				}
				got = append(got, g)
				checkRoundTrip(t, r.Data)
			}
			b, _ := json.MarshalIndent(got, "", "  ")
			b = append(b, '\n')
			path := filepath.Join("testdata", "golden", name+".golden.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(want) != string(b) {
				t.Errorf("%s differs from the golden file; got:\n%s", path, b)
			}
		})
	}
}

// checkRoundTrip asserts that a stored object comes back property for
// property through Decode, Encode and Decode again.
func checkRoundTrip(t *testing.T, data []byte) {
	t.Helper()
	cal1, err := Decode(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := Encode(cal1)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(enc), "\r\n") {
		if len(line) > 75 {
			t.Errorf("encoded line longer than 75 octets: %q", line)
		}
	}
	cal2, err := Decode(enc, Limits{})
	if err != nil {
		t.Fatalf("re-decoding the encoded object: %v", err)
	}
	if a, b := flatten(cal1.Component), flatten(cal2.Component); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("round trip changed the object:\nbefore:\n%s\nafter:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

// flatten lists every property of a component tree as "PATH NAME;PARAMS:VALUE",
// sorted within each component.
func flatten(c *goical.Component) []string {
	var out []string
	var walk func(path string, c *goical.Component)
	walk = func(path string, c *goical.Component) {
		path += "/" + c.Name
		var props []string
		for name, ps := range c.Props {
			for _, p := range ps {
				var params []string
				for k, v := range p.Params {
					params = append(params, k+"="+strings.Join(v, ","))
				}
				sort.Strings(params)
				props = append(props, path+" "+name+";"+strings.Join(params, ";")+":"+p.Value)
			}
		}
		sort.Strings(props)
		out = append(out, props...)
		for _, ch := range c.Children {
			walk(path, ch)
		}
	}
	walk("", c)
	return out
}
