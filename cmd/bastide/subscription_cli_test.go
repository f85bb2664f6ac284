package main

import (
	"strings"
	"testing"
)

// The subscription commands as a user runs them, against a feed on
// 127.0.0.1 (hence --allow-private-addresses for the refresh).
func TestSubscriptionCommands(t *testing.T) {
	data := t.TempDir()
	feed := newFeedServer(t)
	feed.set(200, feedOf(vevent("a@club", "Assemblée", 5), vevent("b@club", "Bal", 6)), `"v1"`)
	url := strings.Replace(feed.srv.URL, "http://", "webcal://", 1) + "/club.ics"
	httpURL := feed.srv.URL + "/club.ics"
	cli(t, data, "", "association", "add", "club", "--name", "Le club").must(t, 0)

	before := state(t, data)
	cli(t, data, "", "subscription", "add", "club", "ftp://x/y.ics").must(t, 2, "https://, http:// or webcal://")
	cli(t, data, "", "subscription", "add", "club", url, "--every", "1m").must(t, 2, "too often")
	cli(t, data, "", "subscription", "add", "nowhere", url).must(t, 1, `no association "nowhere"`)
	if after := state(t, data); after != before {
		t.Fatalf("refused commands changed the database:\nbefore %s\nafter %s", before, after)
	}

	// webcal:// is https://; here the server is plain http, so give it so.
	cli(t, data, "", "subscription", "add", "club", httpURL, "--calendar", "externe", "--every", "2h").
		must(t, 0, `Created the calendar "externe" of club`, "follows "+httpURL, "every 2h0m0s")
	cli(t, data, "", "subscription", "add", "club", httpURL, "--calendar", "externe").must(t, 1, "already follows a feed")
	cli(t, data, "", "subscription", "list").must(t, 0, "club/externe", "never", httpURL)

	cli(t, data, "", "subscription", "refresh", "club", httpURL).must(t, 1, "not a public http or https address")
	cli(t, data, "", "subscription", "list", "club").must(t, 0, "failed 1 time(s)", "not a public http or https address")
	cli(t, data, "", "subscription", "refresh", "club", "1", "--allow-private-addresses").must(t, 0, "2 added, 0 updated, 0 unchanged, 0 refused")
	cli(t, data, "", "subscription", "refresh", "club", "1", "--allow-private-addresses").must(t, 0, "has not changed", "the server said so")

	// The calendar follows the feed: an import into it is refused.
	file := writeFile(t, "x.ics", strings.ReplaceAll(feedOf(vevent("z@club", "Intrus", 9)), "\r\n", "\n"))
	cli(t, data, "", "import", file, "--association", "club", "--calendar", "externe").must(t, 1, "follows "+httpURL, "remove the subscription first")
	// So is a subscription of a calendar that holds events of its own.
	cli(t, data, "", "import", file, "--association", "club", "--calendar", "maison").must(t, 0, "1 added")
	cli(t, data, "", "subscription", "add", "club", httpURL, "--calendar", "maison").must(t, 1, "holds 1 events")

	cli(t, data, "", "subscription", "remove", "club", httpURL).must(t, 0, "keeps its events", "edited again")
	cli(t, data, "", "subscription", "list").must(t, 0, "No subscriptions.")
	cli(t, data, "", "import", file, "--association", "club", "--calendar", "externe").must(t, 0, "1 added")
	cli(t, data, "", "subscription", "remove", "club", "1").must(t, 1, "has no subscription")
}

func TestSlugFromHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://calendar.google.com/calendar/ical/x/basic.ics": "calendar-google",
		"https://www.example.org/agenda.ics":                    "example",
		"http://127.0.0.1:8080/x.ics":                           "127-0-0",
		"https://mobilizon.fr/@club/feed/ics":                   "mobilizon",
	} {
		if got := slugFromHost(in); got != want {
			t.Errorf("slugFromHost(%q) = %q, want %q", in, got, want)
		}
	}
}
