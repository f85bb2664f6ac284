package web

import (
	"testing"
	"time"
)

func TestFormatWhen(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	d := func(y int, m time.Month, day, h, min int) time.Time { return time.Date(y, m, day, h, min, 0, 0, paris) }
	u := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		s      span
		fr, en string
	}{
		{span{Start: d(2026, 4, 11, 14, 30), End: d(2026, 4, 11, 18, 0)},
			"samedi 11 avril 2026 de 14 h 30 à 18 h", "Saturday 11 April 2026, 2:30 pm to 6 pm"},
		{span{Start: d(2026, 3, 1, 9, 0), End: d(2026, 3, 1, 9, 0)},
			"dimanche 1er mars 2026 à 9 h", "Sunday 1 March 2026 at 9 am"},
		{span{Start: d(2026, 4, 11, 20, 0), End: d(2026, 4, 12, 0, 0)},
			"samedi 11 avril 2026 de 20 h à minuit", "Saturday 11 April 2026, 8 pm to midnight"},
		{span{Start: d(2026, 4, 11, 14, 30), End: d(2026, 4, 12, 18, 5)},
			"du samedi 11 avril 2026 à 14 h 30 au dimanche 12 avril 2026 à 18 h 05",
			"from Saturday 11 April 2026 at 2:30 pm to Sunday 12 April 2026 at 6:05 pm"},
		{span{Start: u(2026, 4, 11), End: u(2026, 4, 12), AllDay: true},
			"samedi 11 avril 2026, toute la journée", "Saturday 11 April 2026, all day"},
		{span{Start: u(2026, 4, 11), End: u(2026, 4, 14), AllDay: true},
			"du samedi 11 au lundi 13 avril 2026", "from Saturday 11 to Monday 13 April 2026"},
		{span{Start: u(2026, 3, 28), End: u(2026, 4, 3), AllDay: true},
			"du samedi 28 mars au jeudi 2 avril 2026", "from Saturday 28 March to Thursday 2 April 2026"},
		{span{Start: u(2025, 12, 31), End: u(2026, 1, 2), AllDay: true},
			"du mercredi 31 décembre 2025 au jeudi 1er janvier 2026", "from Wednesday 31 December 2025 to Thursday 1 January 2026"},
		{span{Start: d(2026, 6, 1, 0, 0), End: d(2026, 6, 1, 12, 0)},
			"lundi 1er juin 2026 de 0 h à 12 h", "Monday 1 June 2026, 12 am to 12 pm"},
	}
	for _, c := range cases {
		if got := formatWhen("fr", c.s); got != c.fr {
			t.Errorf("fr: got %q, want %q", got, c.fr)
		}
		if got := formatWhen("en", c.s); got != c.en {
			t.Errorf("en: got %q, want %q", got, c.en)
		}
	}
	if got := formatTimeOfDay("fr", span{Start: d(2026, 4, 11, 14, 30), End: d(2026, 4, 11, 18, 0)}); got != "14 h 30 – 18 h" {
		t.Errorf("time of day: %q", got)
	}
	if got := formatTimeOfDay("fr", span{Start: u(2026, 4, 11), End: u(2026, 4, 14), AllDay: true}); got != "jusqu'au lundi 13 avril" {
		t.Errorf("time of day all-day: %q", got)
	}
}

func TestDescribeRule(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	tue := time.Date(2026, 3, 3, 18, 0, 0, 0, paris) // a Tuesday
	sat := time.Date(2026, 3, 7, 10, 0, 0, 0, paris) // first Saturday of March
	cases := []struct {
		rule   string
		start  time.Time
		fr, en string
	}{
		{"FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z", tue, "tous les mardis jusqu'au 30 juin", "every Tuesday until 30 June"},
		{"FREQ=WEEKLY", tue, "tous les mardis", "every Tuesday"},
		{"FREQ=WEEKLY;BYDAY=TU,TH", tue, "tous les mardis et jeudis", "every Tuesday and Thursday"},
		{"FREQ=WEEKLY;BYDAY=FR,MO,WE", tue, "tous les lundis, mercredis et vendredis", "every Monday, Wednesday and Friday"},
		{"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", tue, "du lundi au vendredi", "every weekday"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", tue, "un mardi sur deux", "every other Tuesday"},
		{"FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA", tue, "toutes les 3 semaines, le mardi et le samedi", "every 3 weeks on Tuesday and Saturday"},
		{"FREQ=MONTHLY;BYDAY=1SA", sat, "le premier samedi de chaque mois", "the first Saturday of every month"},
		{"FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1", sat, "le premier samedi de chaque mois", "the first Saturday of every month"},
		{"FREQ=MONTHLY;BYDAY=-1FR", sat, "le dernier vendredi de chaque mois", "the last Friday of every month"},
		{"FREQ=MONTHLY;BYDAY=1SA,3SA", sat, "le premier samedi et le troisième samedi de chaque mois", "the first Saturday and the third Saturday of every month"},
		{"FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE", sat, "le deuxième mercredi, tous les 2 mois", "the second Wednesday, every 2 months"},
		{"FREQ=MONTHLY", sat, "le 7 de chaque mois", "on the 7th of every month"},
		{"FREQ=MONTHLY;BYMONTHDAY=1,15", sat, "le 1er et le 15 de chaque mois", "on the 1st and the 15th of every month"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", sat, "le dernier jour de chaque mois", "on the last day of every month"},
		{"FREQ=DAILY", sat, "tous les jours", "every day"},
		{"FREQ=DAILY;INTERVAL=3;COUNT=10", sat, "tous les 3 jours, 10 fois", "every 3 days, 10 times"},
		{"FREQ=YEARLY", time.Date(2026, 7, 14, 22, 0, 0, 0, paris), "chaque année, le 14 juillet", "every year on 14 July"},
		{"FREQ=YEARLY;BYMONTH=8;BYDAY=1SA", sat, "chaque année, le premier samedi d'août", "every year on the first Saturday of August"},
		{"FREQ=WEEKLY;BYDAY=SA;UNTIL=20270109", sat, "tous les samedis jusqu'au 9 janvier 2027", "every Saturday until 9 January 2027"},
		{"FREQ=HOURLY", sat, "", ""},
		{"FREQ=WEEKLY;BYHOUR=10", sat, "", ""},
		{"FREQ=DAILY;INTERVAL=0", sat, "", ""},
		{"garbage", sat, "", ""},
		{"", sat, "", ""},
	}
	for _, c := range cases {
		if got := describeRule("fr", c.rule, c.start, paris); got != c.fr {
			t.Errorf("%s fr: got %q, want %q", c.rule, got, c.fr)
		}
		if got := describeRule("en", c.rule, c.start, paris); got != c.en {
			t.Errorf("%s en: got %q, want %q", c.rule, got, c.en)
		}
	}
}
