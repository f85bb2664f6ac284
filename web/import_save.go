package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// importSave takes an uploaded .ics file and imports it into the chosen
// calendar by the one import road (load.ICS, as `bastide import` does).
// The import runs as a job: a small file's report shows at once, a large
// one's progress page follows it. The body is bounded before it is read;
// the file is streamed, not spooled to disk.
func (a *app) importSave(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	f, data, name, errs, err := readImport(c, a.opts.MaxImportSize)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.importPage(c, http.StatusUnprocessableEntity, as, f, errs)
	}
	ctx := c.Request().Context()
	cal, err := a.store.GetAssociationCalendar(ctx, as.ID, f.Calendar)
	if errors.Is(err, db.ErrNotFound) {
		return a.importPage(c, http.StatusUnprocessableEntity, as, f, form.Errors{"calendar": {Key: "form.import.calendar"}})
	}
	if err != nil {
		return err
	}
	if src := cal.ReadOnlySource(); src != "" {
		return a.importPage(c, http.StatusConflict, as, f, form.Errors{"calendar": {Key: "form.import.read_only", Args: []any{cal.Name, src}}})
	}
	j := &importJob{UserID: me(c).User.ID, AssociationID: as.ID, Calendar: cal.Name, File: name}
	started := a.jobs.start(j, func(ctx context.Context, progress func(done, total int)) (*load.Report, error) {
		rep, err := load.ICS(ctx, a.store, as, data, load.Options{CalendarSlug: cal.Slug, Progress: progress})
		if err != nil && importErrors(err, cal) == nil {
			a.logger.Error("import failed", "association", as.Slug, "calendar_id", cal.ID, "file", name, "err", err)
		} else if err == nil {
			a.logger.Info("import done", "association", as.Slug, "calendar_id", cal.ID, "file", name, "added", rep.Added,
				"updated", rep.Updated, "unchanged", rep.Unchanged, "refused", len(rep.Refused), "duration_ms", rep.Duration.Milliseconds())
		}
		return rep, err
	}, a.opts.Now())
	if !started {
		return a.importPage(c, http.StatusServiceUnavailable, as, f, form.Errors{"file": {Key: "form.import.busy"}})
	}
	wait := a.opts.ImportWait
	if wait == 0 {
		wait = defaultImportWait
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-j.doneCh:
			if _, _, _, err, _ := j.progress(); importErrors(err, cal) != nil {
				// A file the import could not use at all goes back to
				// the form, the error next to the field.
				return a.importPage(c, http.StatusUnprocessableEntity, as, f, importErrors(err, cal))
			}
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/import/"+j.ID))
}

// importErrors is an import's failure as a field's error: nil when the
// import ran (its report tells the rest) or failed for another reason.
func importErrors(err error, cal *model.Calendar) form.Errors {
	var nc *load.NotCalendarError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nc):
		return form.Errors{"file": {Key: "form.import.not_calendar"}}
	case errors.Is(err, load.ErrReadOnly):
		return form.Errors{"calendar": {Key: "form.import.read_only", Args: []any{cal.Name, cal.ReadOnlySource()}}}
	case errors.Is(err, load.ErrNoEvents):
		return form.Errors{"file": {Key: "form.import.empty"}}
	}
	return nil
}

// readImport reads the upload's multipart body, bounded as a whole: the
// calendar field and the file (at most maxSize bytes).
func readImport(c echo.Context, maxSize int) (f *importForm, data []byte, name string, errs form.Errors, err error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, int64(maxSize)+maxForm)
	f = &importForm{}
	errs = form.Errors{}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, "", nil, &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	tooLarge := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || parts > 10 {
			if tooLarge(err) {
				errs["file"] = form.Msg{Key: "form.import.too_large", Args: []any{mib(maxSize)}}
				return f, nil, "", errs, nil
			}
			return nil, nil, "", nil, &adminFault{http.StatusBadRequest, "admin.error.form"}
		}
		switch p.FormName() {
		case "calendar":
			b, _ := io.ReadAll(io.LimitReader(p, model.MaxSlugLen+1))
			f.Calendar = strings.TrimSpace(string(b))
		case "file":
			name = p.FileName()
			data, err = readFilePart(p, maxSize)
			if err != nil {
				if tooLarge(err) || errors.Is(err, errFileTooLarge) {
					errs["file"] = form.Msg{Key: "form.import.too_large", Args: []any{mib(maxSize)}}
					return f, nil, "", errs, nil
				}
				return nil, nil, "", nil, &adminFault{http.StatusBadRequest, "admin.error.form"}
			}
		}
		p.Close()
	}
	if f.Calendar == "" {
		errs["calendar"] = form.Msg{Key: "form.import.calendar"}
	}
	if len(data) == 0 {
		errs["file"] = form.Msg{Key: "form.import.file"}
	}
	return f, data, name, errs, nil
}

var errFileTooLarge = errors.New("web: uploaded file too large")

func readFilePart(p *multipart.Part, maxSize int) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(p, int64(maxSize)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, errFileTooLarge
	}
	return data, nil
}

// mib is a size in mebibytes, rounded up, for the pages.
func mib(n int) int { return (n + 1<<20 - 1) >> 20 }
