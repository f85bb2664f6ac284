package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
	"github.com/bastide47/bastide/web/picture"
)

// associationUpdate saves an association's profile and, when a file is
// sent, its new logo; on any error the form comes back with the typed
// values and nothing is saved.
func (a *app) associationUpdate(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxLogoBytes+maxForm)
	if err := r.ParseMultipartForm(maxLogoBytes + maxForm); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return a.associationPage(c, http.StatusRequestEntityTooLarge, as, form.FromAssociation(as),
				form.Errors{"logo": {Key: "form.image.too_large", Args: []any{int64(maxLogoBytes >> 20)}}}, false)
		}
		return &adminFault{http.StatusBadRequest, "admin.error.form"}
	} else if err != nil {
		if err := r.ParseForm(); err != nil {
			return &adminFault{http.StatusBadRequest, "admin.error.form"}
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f := form.NewAssociation(r.PostForm)
	errs := f.Validate()
	var logo *model.Image
	if r.MultipartForm == nil {
		// A form without a file field (no logo sent).
	} else if file, _, err := r.FormFile("logo"); err == nil {
		res, perr := picture.Process(file, maxLogoBytes, logoSide)
		file.Close()
		if e, ok := picture.IsRefusal(perr); ok {
			errs["logo"] = form.Msg{Key: e.Key, Args: e.Args}
		} else if perr != nil {
			return perr
		} else {
			logo = &model.Image{SHA256: res.SHA256, MIME: res.MIME, Width: res.Width, Height: res.Height, Bytes: res.Bytes}
		}
	} else if !errors.Is(err, http.ErrMissingFile) {
		return &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	if len(errs) > 0 {
		return a.associationPage(c, http.StatusUnprocessableEntity, as, f, errs, false)
	}
	ctx := r.Context()
	f.Apply(as)
	if err := a.store.UpdateAssociation(ctx, as); err != nil {
		return err
	}
	if logo != nil || f.RemoveLogo {
		if err := a.store.SetAssociationLogo(ctx, as.ID, logo); err != nil {
			return err
		}
	}
	// The public pages show the new profile at once.
	a.associationsChanged()
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/edit?saved=1"))
}
