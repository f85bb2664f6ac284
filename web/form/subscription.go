package form

import (
	"net/url"
	"strconv"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// NewCalendarChoice is the calendar choice of the subscription form that
// asks for a new calendar, named by the field "name".
const NewCalendarChoice = "-"

// SubscriptionIntervals are the refresh intervals the form offers, in
// minutes: from the shortest the store accepts to a day.
var SubscriptionIntervals = []int{15, 60, 360, 1440}

// Subscription is the form that makes a calendar follow an ICS feed.
type Subscription struct {
	URL string
	// Calendar is the slug of an existing calendar, or NewCalendarChoice.
	Calendar string
	// Name is the name of the new calendar.
	Name string
	// Minutes is the refresh interval.
	Minutes int
	Public  bool
	// FeedURL is URL as it will be fetched, set by Validate.
	FeedURL string
}

// NewSubscription reads the form.
func NewSubscription(v url.Values) *Subscription {
	m, _ := strconv.Atoi(value(v, "every", true))
	return &Subscription{URL: value(v, "url", true), Calendar: value(v, "calendar", true), Name: value(v, "name", true),
		Minutes: m, Public: v.Get("public") == "on"}
}

// Interval is the refresh interval chosen.
func (f *Subscription) Interval() time.Duration { return time.Duration(f.Minutes) * time.Minute }

// Validate checks each field; the calendar's existence and the address's
// reach are the handler's to check.
func (f *Subscription) Validate() Errors {
	e := Errors{}
	switch u, err := model.NormalizeFeedURL(f.URL); {
	case f.URL == "":
		e.add("url", "form.subscription.url.required")
	case err != nil:
		e.add("url", "form.subscription.url.invalid")
	default:
		f.FeedURL = u
	}
	if f.Calendar == NewCalendarChoice {
		checkName(e, "name", f.Name, true)
	} else if !model.ValidSlug(f.Calendar) {
		e.add("calendar", "form.subscription.calendar")
	}
	ok := false
	for _, m := range SubscriptionIntervals {
		ok = ok || m == f.Minutes
	}
	if !ok || f.Interval() < model.MinSubscriptionInterval {
		e.add("every", "form.subscription.every")
	}
	return e
}
