package web

import (
	"crypto/rand"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// appPasswordSave makes an app password for a device and shows it once.
func (a *app) appPasswordSave(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewAppPassword(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.appPasswordsPage(c, http.StatusUnprocessableEntity, f, errs, "", "")
	}
	pass, err := a.addAppPassword(c, f.Name)
	if errors.Is(err, db.ErrConflict) {
		return a.appPasswordsPage(c, http.StatusUnprocessableEntity, f, form.Errors{"name": {Key: "admin.apppw.taken"}}, "", "")
	}
	if err != nil {
		return err
	}
	return a.appPasswordsPage(c, http.StatusCreated, &form.AppPassword{}, nil, f.Name, pass)
}

// addAppPassword makes a random app password for the signed-in user,
// stores it through the store's hashing, and returns it in clear.
func (a *app) addAppPassword(c echo.Context, name string) (string, error) {
	pass := newAppPassword()
	hash, err := db.HashPassword(pass)
	if err != nil {
		return "", err
	}
	err = a.store.AddAppPassword(c.Request().Context(), &model.AppPassword{UserID: me(c).User.ID, Name: name, Hash: hash})
	return pass, err
}

// newAppPassword is four groups of four lower-case letters (about 75 bits),
// easy to type on a phone.
func newAppPassword() string {
	const letters = "abcdefghijkmnopqrstuvwxyz" // no l: it looks like 1
	b := make([]byte, 0, 19)
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b = append(b, '-')
		}
		b = append(b, letters[randIntn(len(letters))])
	}
	return string(b)
}

func randIntn(n int) int {
	var x [1]byte
	for {
		if _, err := rand.Read(x[:]); err != nil {
			panic(err)
		}
		if int(x[0]) < 256-256%n {
			return int(x[0]) % n
		}
	}
}
