package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
	"github.com/bastide47/bastide/web/form"
)

// proposalSave takes a visitor's proposal. A valid one becomes an event
// of the chosen association's public calendar, pending moderation, built
// the way a calendar app's PUT is (iCalendar text, ParseObject, Event,
// the store), with its proposer kept apart. Bad input gets the form again
// with the error next to the field and saves nothing; a client address
// that proposed too much in a day waits (429); a filled honeypot is
// thanked and forgotten.
func (a *app) proposalSave(c echo.Context) error {
	ctx := c.Request().Context()
	if err := a.proposalsOpen(ctx); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	now := a.opts.Now()
	f := form.NewProposal(v)
	errs := f.Validate(now, a.paris)
	if f.Spam {
		a.logger.InfoContext(ctx, "proposal: honeypot filled, dropped", "address", model.AddressKey(c.Request().RemoteAddr))
		return c.Redirect(http.StatusSeeOther, "/proposer/merci")
	}
	targets, err := a.proposalTargets(ctx)
	if err != nil {
		return err
	}
	var target *proposalTarget
	for i := range targets {
		if targets[i].Slug == f.Association {
			target = &targets[i]
		}
	}
	if target == nil && f.Association != "" {
		errs["association"] = form.Msg{Key: "form.proposal.association"}
	}
	if len(errs) > 0 {
		return a.proposalForm(c, http.StatusUnprocessableEntity, f, errs)
	}
	key := model.AddressKey(c.Request().RemoteAddr)
	n, err := a.store.CountProposalsSince(ctx, key, now.Add(-proposalWindow))
	if err != nil {
		return err
	}
	if n >= proposalsPerAddress {
		c.Response().Header().Set("Retry-After", "3600")
		return a.proposalForm(c, http.StatusTooManyRequests, f, form.Errors{"_": {Key: "proposal.throttled"}})
	}

	com, _ := model.CommuneByINSEE(f.Commune)
	loc := f.Place
	if !strings.Contains(model.FoldKey(loc), model.FoldKey(com.Name)) {
		loc += ", " + com.Name
	}
	uid := db.NewUUID() + "@proposition"
	draft := &model.Event{Component: "VEVENT", UID: uid, Summary: f.Title, Description: f.Description, Location: loc,
		Start: f.StartTime.UTC(), End: f.EndTime.UTC(), TZID: a.paris.String(), Status: model.StatusConfirmed,
		Created: now, Updated: now}
	data, err := ical.FromEvent(draft)
	if err != nil {
		return err
	}
	obj, err := ical.ParseObject(data, ical.DefaultLimits())
	if err != nil {
		return err
	}
	e, err := obj.EventContext(ctx, now, ical.DefaultLimits())
	if err != nil {
		return err
	}
	e.CalendarID, e.Href, e.CommuneINSEE = target.CalendarID, uid+".ics", com.INSEE
	p := &model.Proposal{Name: f.Name, Contact: f.Contact, AddressKey: key, CreatedAt: now}
	if err := a.store.ProposeEvent(ctx, e, p); err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			return a.proposalForm(c, http.StatusUnprocessableEntity, f, form.Errors{"_": {Key: "proposal.invalid"}})
		}
		return err
	}
	a.logger.InfoContext(ctx, "proposal: saved, pending", "event_id", e.ID, "calendar_id", e.CalendarID)
	return c.Redirect(http.StatusSeeOther, "/proposer/merci")
}
