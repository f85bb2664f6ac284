package web

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

//go:embed templates/admin/*.html
var adminFS embed.FS

// adminPages are the back office's page templates, each parsed with the
// public layout and the back office's partials at boot (New panics if one
// is missing or does not parse).
var adminPages = []string{
	"login", "join", "reset", "account", "password", "app_passwords", "connect",
	"invitation", "invitation_made", "users", "reset_made",
	"proposal", "proposal_done",
	"moderation", "instance", "user_delete", "fediverse", "instance_page", "instance_settings",
	"associations", "association_new", "association_delete",
	// An association's pages, for its owners.
	"association", "members", "calendars", "calendar", "followers", "places", "place",
	"events", "event_form",
	// Bringing calendars in: ICS subscriptions and uploads.
	"subscriptions", "import", "import_job",
}

var adminFuncs = template.FuncMap{
	// ferr is the error of a field, in the page's language ("" if none).
	"ferr": func(lang string, errs form.Errors, field string) string {
		m, ok := errs[field]
		if !ok {
			return ""
		}
		return tr(lang, m.Key, m.Args...)
	},
	// everymin is a refresh interval of m minutes in words.
	"everymin": func(lang string, m int) string { return everyText(lang, time.Duration(m)*time.Minute) },
	"role":     func(lang string, r model.Role) string { return tr(lang, "role."+string(r)) },
	// day is a date of the back office ("12 avril 2026"), "" for none.
	"day": func(lang string, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return dayMonth(lang, t.In(parisLoc()), true)
	},
}

var parisLoc = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("web: load Europe/Paris: " + err.Error())
	}
	return loc
})

// fmtWhen is a moment in Paris time: "mardi 8 décembre 2026 à 14 h 30".
func (a *app) fmtWhen(lang string, t time.Time) string {
	t = t.In(a.paris)
	return tr(lang, "admin.at", longDate(lang, t), clock(lang, t))
}

func (r *renderer) addAdmin() error {
	for _, p := range adminPages {
		t, err := template.New("layout.html").Funcs(funcs).Funcs(adminFuncs).
			ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(adminFS, "templates/admin/partials.html", "templates/admin/"+p+".html"); err != nil {
			return err
		}
		r.pages["admin/"+p] = t
	}
	return nil
}

// adminView is what every back-office page gets: the layout's data, the
// signed-in user, the section of the menu, the form as typed and its
// errors, and the page's own data.
type adminView struct {
	base
	Me      *principal
	Section string
	Form    any
	Errors  form.Errors
	Data    any
	// Pager is set on the pages of a long list.
	Pager *pager
	// What the menu offers, as can answers.
	CanInvite, CanManage bool
	CanModerate          bool
	CanAdminister        bool
	// Refresh, when positive, reloads the page after so many seconds (a
	// job's progress, without JavaScript).
	Refresh int
}

// Manages tells whether the menu offers an association's own pages.
func (v adminView) Manages(associationID int64) bool {
	return can(v.Me, actManageAssociation, associationID)
}

// EditsEvents tells whether the menu offers an association's events.
func (v adminView) EditsEvents(associationID int64) bool {
	return can(v.Me, actEditEvents, associationID)
}

// refreshing is page data that asks the page to reload itself.
type refreshing interface{ refreshAfter() int }

// page renders a back-office page with status code.
func (a *app) page(c echo.Context, code int, name, titleKey, section string, f any, errs form.Errors, data any) error {
	return a.pagedPage(c, code, name, titleKey, section, f, errs, data, nil)
}

// pagedPage is page for one page of a long list.
func (a *app) pagedPage(c echo.Context, code int, name, titleKey, section string, f any, errs form.Errors, data any, p *pager) error {
	b := a.base(c, tr(langOf(c), titleKey))
	b.NoIndex = true
	body, err := a.render("admin/"+name, adminView{base: b, Me: me(c), Section: section, Form: f, Errors: errs, Data: data, Pager: p,
		CanInvite: can(me(c), actInvite, anyAssociation), CanManage: can(me(c), actManageAccounts, noAssociation),
		CanModerate: can(me(c), actModerate, noAssociation), CanAdminister: can(me(c), actAdministerInstance, noAssociation),
		Refresh: refreshOf(data)})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(code, body)
}

func refreshOf(data any) int {
	if r, ok := data.(refreshing); ok {
		return r.refreshAfter()
	}
	return 0
}

// adminError shows the error page with a message that says what happened.
func (a *app) adminError(c echo.Context, code int, key string, args ...any) error {
	lang := langOf(c)
	b := a.base(c, tr(lang, "error.title"))
	b.NoIndex = true
	body, err := a.render("error", errorPage{base: b, Code: code, Message: tr(lang, key, args...)})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(code, body)
}

// adminFault is a refusal of the back office: a status and the message
// key that tells the person what happened. adminFaults shows it.
type adminFault struct {
	Code int
	Key  string
}

// adminFaultArgs is an adminFault whose message takes arguments.
type adminFaultArgs struct {
	Code int
	Key  string
	Args []any
}

func (f *adminFaultArgs) Error() string { return "web: admin: " + f.Key }

func (f *adminFault) Error() string { return "web: admin: " + f.Key }

// errForbidden is the answer when can says no.
var errForbidden = &adminFault{http.StatusForbidden, "admin.error.forbidden"}

// adminFaults renders the refusals of the back office's handlers; other
// errors go on to the application's error handler.
func (a *app) adminFaults(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		var f *adminFault
		if errors.As(err, &f) && !c.Response().Committed {
			return a.adminError(c, f.Code, f.Key)
		}
		var fa *adminFaultArgs
		if errors.As(err, &fa) && !c.Response().Committed {
			return a.adminError(c, fa.Code, fa.Key, fa.Args...)
		}
		return err
	}
}

// readForm reads a form body of at most maxForm bytes.
func readForm(c echo.Context) (url.Values, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, &adminFault{http.StatusRequestEntityTooLarge, "admin.error.too_large"}
		}
		return nil, &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	return r.PostForm, nil
}

// maxForm bounds a back-office form body.
const maxForm = 64 << 10
