package main

import (
	"context"
	"testing"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/load"
)

// A small file with bare LF line ends and a zone it does not define grows
// when each object is written back with CRLF and a VTIMEZONE: that must not
// count against the size limit of the file.
func TestImportSmallLFFile(t *testing.T) {
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "petit")
	data := "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//y//FR\nBEGIN:VEVENT\nUID:two@x\nDTSTAMP:20260101T000000Z\n" +
		"DTSTART;TZID=Europe/Paris:20261212T100000\nDTEND;TZID=Europe/Paris:20261212T110000\nSUMMARY:Deux\nEND:VEVENT\nEND:VCALENDAR\n"
	rep, err := load.ICS(context.Background(), store, a, []byte(data), load.Options{CalendarSlug: "agenda"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || len(rep.Refused) != 0 {
		t.Fatalf("added %d, refused %v", rep.Added, rep.Refused)
	}
}
