package web

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// Anonymous proposals (issue #10, section 7). Shared by proposal_create,
// proposal_save and proposal_done.
const (
	// proposalsPerAddress proposals at most per client address (an IPv6
	// /64 counts as one) in proposalWindow.
	proposalsPerAddress = 3
	proposalWindow      = 24 * time.Hour
)

// proposalTarget is an association a visitor may propose an event to,
// with the public calendar the proposal goes into.
type proposalTarget struct {
	Slug, Name string
	CalendarID int64
}

// proposalView is the data of the proposal form.
type proposalView struct {
	Targets  []proposalTarget
	Communes []*model.Commune
}

// proposalsOpen answers 404 with a page that says proposals are closed,
// unless the instance setting opens them.
func (a *app) proposalsOpen(ctx context.Context) error {
	open, err := a.store.ProposalsOpen(ctx)
	if err != nil {
		return err
	}
	if !open {
		return &adminFault{http.StatusNotFound, "proposal.closed"}
	}
	return nil
}

// proposalTargets lists the associations with a public calendar, by
// name; each proposal goes to the association's calendar "agenda" when
// public, else to its first public one.
func (a *app) proposalTargets(ctx context.Context) ([]proposalTarget, error) {
	assocs, err := a.store.ListAssociations(ctx)
	if err != nil {
		return nil, err
	}
	cals, err := a.store.ListCalendars(ctx, db.CalendarFilter{Kind: model.CalendarAssociation, PublicOnly: true})
	if err != nil {
		return nil, err
	}
	calOf := map[int64]*model.Calendar{}
	for _, c := range cals {
		if cur, ok := calOf[c.AssociationID]; !ok || (c.Slug == "agenda" && cur.Slug != "agenda") {
			calOf[c.AssociationID] = c
		}
	}
	var out []proposalTarget
	for _, as := range assocs {
		if c, ok := calOf[as.ID]; ok {
			out = append(out, proposalTarget{Slug: as.Slug, Name: as.Name, CalendarID: c.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return model.FoldKey(out[i].Name) < model.FoldKey(out[j].Name) })
	return out, nil
}

// proposalCommunes is the list of communes of the form, by name.
var proposalCommunes = sync.OnceValue(func() []*model.Commune {
	all := model.Communes()
	out := make([]*model.Commune, len(all))
	for i := range all {
		out[i] = &all[i]
	}
	sort.Slice(out, func(i, j int) bool { return model.FoldKey(out[i].Name) < model.FoldKey(out[j].Name) })
	return out
})

// proposalForm shows the form, as typed, with its errors.
func (a *app) proposalForm(c echo.Context, code int, f *form.Proposal, errs form.Errors) error {
	targets, err := a.proposalTargets(c.Request().Context())
	if err != nil {
		return err
	}
	return a.page(c, code, "proposal", "proposal.title", "", f, errs, proposalView{Targets: targets, Communes: proposalCommunes()})
}
