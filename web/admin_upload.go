package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
	"github.com/bastide47/bastide/web/picture"
)

// upload is a back-office form that may carry one picture: its values,
// the picture taken through web/picture (nil when no file was sent) and,
// when the picture was refused, the message to show next to its field.
// The other fields are read whatever happened to the picture, so that the
// form comes back as typed.
type upload struct {
	Values  url.Values
	Picture *model.Image
	Refusal *form.Msg
}

// readUpload reads a form (multipart or not) whose file field is field,
// the body bounded by maxBytes plus maxForm; the picture is shrunk into
// side × side (a form that is not multipart is bounded by maxForm, as
// every form is). A multipart body over the bound is a refusal of the picture (413)
// with no values: the caller shows the form as it was.
func readUpload(c echo.Context, field string, maxBytes int64, side int) (*upload, int, error) {
	r := c.Request()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		// No file can come: the bound of every form.
		v, err := readForm(c)
		if err != nil {
			return nil, 0, err
		}
		return &upload{Values: v}, 0, nil
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBytes+maxForm)
	if err := r.ParseMultipartForm(maxBytes + maxForm); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &upload{Refusal: &form.Msg{Key: "form.image.too_large", Args: []any{maxBytes >> 20}}}, http.StatusRequestEntityTooLarge, nil
		}
		return nil, 0, &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	defer r.MultipartForm.RemoveAll()
	u := &upload{Values: r.PostForm}
	file, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return u, 0, nil
	} else if err != nil {
		return nil, 0, &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	defer file.Close()
	res, err := picture.Process(file, maxBytes, side)
	if e, ok := picture.IsRefusal(err); ok {
		u.Refusal = &form.Msg{Key: e.Key, Args: e.Args}
		return u, http.StatusUnprocessableEntity, nil
	} else if err != nil {
		return nil, 0, err
	}
	u.Picture = &model.Image{SHA256: res.SHA256, MIME: res.MIME, Width: res.Width, Height: res.Height, Bytes: res.Bytes}
	return u, 0, nil
}

// mergeErrors adds the errors of more to errs (a field's first error
// stays).
func mergeErrors(errs form.Errors, more form.Errors) form.Errors {
	if errs == nil {
		errs = form.Errors{}
	}
	for k, v := range more {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return errs
}
