package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
)

// maxRefusalsShown bounds the refused objects listed on a report.
const maxRefusalsShown = 200

// importJobData is the progress page of an import, then its report.
type importJobData struct {
	Assoc       *model.Association
	Job         *importJob
	Done, Total int
	Percent     int
	Finished    bool
	Report      *load.Report
	Refused     []refusalRow
	MoreRefused int
	// ErrorKey and ErrorArgs say why the import failed, "" when it ran.
	ErrorKey  string
	ErrorArgs []any
}

// refusalRow is a refused object on the report: why, in the page's
// language, and the technical detail (in English).
type refusalRow struct {
	UID    string
	Why    string
	Detail string
}

// refreshAfter reloads the page every two seconds while the import runs.
func (d importJobData) refreshAfter() int {
	if d.Finished {
		return 0
	}
	return 2
}

// importShow follows an import: its progress while it runs (the page
// reloads itself, no JavaScript needed), then its report. Only the person
// who uploaded the file sees it.
func (a *app) importShow(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	j := a.jobs.get(c.Param("job"))
	if j == nil || j.AssociationID != as.ID || j.UserID != me(c).User.ID {
		return &adminFault{http.StatusNotFound, "admin.import.unknown"}
	}
	done, total, rep, jerr, finished := j.progress()
	d := importJobData{Assoc: as, Job: j, Done: done, Total: total, Finished: finished, Report: rep}
	if total > 0 {
		d.Percent = done * 100 / total
	}
	if rep != nil {
		refused := rep.Refused
		if len(refused) > maxRefusalsShown {
			refused, d.MoreRefused = refused[:maxRefusalsShown], len(refused)-maxRefusalsShown
		}
		lang := langOf(c)
		for _, r := range refused {
			d.Refused = append(d.Refused, refusalRow{UID: r.UID, Why: RefusalText(lang, r), Detail: r.Detail})
		}
	}
	if jerr != nil {
		var nc *load.NotCalendarError
		switch {
		case errors.As(jerr, &nc):
			d.ErrorKey = "form.import.not_calendar"
		case errors.Is(jerr, load.ErrReadOnly):
			d.ErrorKey = "admin.import.failed.read_only"
		case errors.Is(jerr, load.ErrNoEvents):
			d.ErrorKey = "form.import.empty"
		default:
			d.ErrorKey = "admin.import.failed"
		}
	}
	return a.page(c, http.StatusOK, "import_job", "admin.import.report", "import", nil, nil, d)
}
