package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type linkMade struct {
	URL         string
	Expires     string
	Association *model.Association
	Role        model.Role
	User        *model.User
	// MailedTo is the address the link was mailed to; MailFailed says
	// that mailing it failed (the link is shown all the same).
	MailedTo   string
	MailFailed bool
}

// invitationSave makes a single-use, expiring invitation link and shows it
// (to pass on by any means: no mail server is needed).
func (a *app) invitationSave(c echo.Context) error {
	if err := allow(c, actInvite, anyAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewInvitation(v)
	errs := f.Validate()
	ctx := c.Request().Context()
	var as *model.Association
	if _, bad := errs["association"]; !bad && f.AssociationID != 0 {
		as, err = a.store.GetAssociation(ctx, f.AssociationID)
		if errors.Is(err, db.ErrNotFound) {
			errs["association"] = form.Msg{Key: "form.association.unknown"}
		} else if err != nil {
			return err
		}
	}
	if _, bad := errs["association"]; !bad {
		if err := allow(c, actInvite, f.AssociationID); err != nil {
			return err
		}
	}
	if _, bad := errs["email"]; !bad && f.Email != "" && a.opts.Mailer == nil {
		errs["email"] = form.Msg{Key: "admin.invite.no_mailer"}
	}
	if len(errs) > 0 {
		return a.invitationPage(c, http.StatusUnprocessableEntity, f, errs)
	}
	if f.Username != "" {
		if _, err := a.store.GetUserByUsername(ctx, f.Username); err == nil {
			return a.invitationPage(c, http.StatusUnprocessableEntity, f, form.Errors{"username": {Key: "form.username.taken"}})
		}
	}
	l := &model.AccountLink{Kind: model.LinkInvite, AssociationID: f.AssociationID, Username: f.Username,
		CreatedBy: me(c).User.ID, ExpiresAt: a.opts.Now().UTC().Add(time.Duration(f.ValidDays) * 24 * time.Hour)}
	if as != nil {
		l.Role = model.Role(f.Role)
	}
	token, err := a.store.CreateAccountLink(ctx, l)
	if err != nil {
		return err
	}
	made := linkMade{URL: a.opts.BaseURL + "/admin/join/" + token, Expires: a.fmtWhen(langOf(c), l.ExpiresAt), Association: as, Role: l.Role}
	if f.Email != "" {
		made.MailedTo = f.Email
		if err := a.mailInvitation(c, f.Email, made); err != nil {
			// A remote failure: the link is on the page to pass on by hand.
			a.logger.WarnContext(ctx, "web: mail invitation", "err", err)
			made.MailFailed = true
		}
	}
	return a.page(c, http.StatusCreated, "invitation_made", "admin.invite.made", "invite", nil, nil, made)
}

// mailInvitation mails the link in the inviter's language. The link stays
// on the page whatever happens, so nothing is lost if the mail is.
func (a *app) mailInvitation(c echo.Context, to string, m linkMade) error {
	lang := langOf(c)
	body := tr(lang, "admin.mail.invite.body", me(c).User.Username, m.URL, m.Expires)
	if m.Association != nil {
		body = tr(lang, "admin.mail.invite.body.assoc", me(c).User.Username, m.Association.Name, tr(lang, "role."+string(m.Role)), m.URL, m.Expires)
	}
	return a.opts.Mailer.Send(c.Request().Context(), to, tr(lang, "admin.mail.invite.subject"), body)
}
