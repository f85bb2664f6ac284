package web

import (
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func putOf(e *model.Event) db.Put { return db.Put{Event: e} }
