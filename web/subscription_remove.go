package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// subscriptionRemove stops a subscription, once the owner ticked the box
// that says what follows: the calendar and its events stay, and become
// writable again (in calendar apps and in the event form).
func (a *app) subscriptionRemove(c echo.Context) error {
	as, sub, err := a.managedSubscription(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	if v.Get("confirm") != "on" {
		f := &form.Subscription{Calendar: form.NewCalendarChoice, Minutes: 60, Public: true}
		return a.subscriptionPage(c, http.StatusUnprocessableEntity, as, f,
			form.Errors{confirmField(sub.ID): {Key: "form.subscription.confirm"}}, "", "")
	}
	if err := a.store.DeleteSubscription(c.Request().Context(), sub.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/subscriptions?done=removed&calendar="+url.QueryEscape(sub.CalendarSlug)))
}
