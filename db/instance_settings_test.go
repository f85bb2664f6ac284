package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestInstanceSettings(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	got, err := s.InstanceSettings(ctx)
	if err != nil || *got != *model.DefaultInstanceSettings() {
		t.Fatalf("a new instance's settings: %+v (%v), want the defaults", got, err)
	}
	im := &model.Image{SHA256: "cd34", MIME: "image/png", Width: 4, Height: 4, Bytes: []byte("\x89PNG...")}
	want := model.InstanceSettings{Name: "Agenda 47", Description: "Les associations du 47", Contact: "contact@agenda47.fr", Footer: "Hébergé par *nous*"}
	st := want
	if err := s.PutInstanceSettings(ctx, &st, im); err != nil {
		t.Fatal(err)
	}
	want.LogoSHA256 = "cd34"
	if got, err := s.InstanceSettings(ctx); err != nil || *got != want {
		t.Fatalf("settings %+v (%v), want %+v", got, err, want)
	}
	if stored, err := s.GetImage(ctx, "cd34"); err != nil || stored.MIME != "image/png" {
		t.Fatalf("the logo is not stored: %v", err)
	}
	// Without a new logo, LogoSHA256 says what to keep; "" removes it.
	st = want
	st.Name = "Agenda 47 bis"
	if err := s.PutInstanceSettings(ctx, &st, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InstanceSettings(ctx); got.Name != "Agenda 47 bis" || got.LogoSHA256 != "cd34" {
		t.Fatalf("kept logo: %+v", got)
	}
	st.LogoSHA256 = ""
	if err := s.PutInstanceSettings(ctx, &st, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InstanceSettings(ctx); got.LogoSHA256 != "" {
		t.Fatalf("removed logo still there: %+v", got)
	}

	// Refused settings change nothing.
	for _, bad := range []model.InstanceSettings{
		{Name: ""},
		{Name: "Deux\nlignes"},
		{Name: strings.Repeat("n", model.MaxInstanceNameLen+1)},
		{Name: "A", Description: strings.Repeat("d", model.MaxInstanceDescriptionLen+1)},
		{Name: "A", Contact: "javascript:alert(1)"},
		{Name: "A", Contact: "Jean <jean@example.org>"},
		{Name: "A", Footer: strings.Repeat("f", model.MaxInstanceFooterLen+1)},
	} {
		err := s.PutInstanceSettings(ctx, &bad, im)
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%+v: error %v, want a validation error", bad, err)
		}
	}
	if got, _ := s.InstanceSettings(ctx); got.Name != "Agenda 47 bis" {
		t.Fatalf("a refused update changed the settings: %+v", got)
	}
}
