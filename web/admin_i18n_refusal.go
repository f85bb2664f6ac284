package web

import (
	"github.com/bastide47/bastide/db/load"
)

// refusalMessages say why an object of an imported file was refused, one
// per code of load.Codes (TestEveryRefusalTranslated checks that none is
// missing). A message of a code that names a property or component
// (load.NamesField) takes it as its one argument. They join adminMessages,
// so that the typography test reads them.
var refusalMessages = joinMessages(adminMessages, map[string]message{
	"admin.import.detail": {"Détail technique", "Technical detail"},

	"admin.import.why.syntax":                {"Le texte de cet objet n\u2019est pas de l\u2019iCalendar bien formé.", "The text of this object is not well-formed iCalendar."},
	"admin.import.why.too_large":             {"Cet objet est trop gros pour être enregistré.", "This object is too large to be stored."},
	"admin.import.why.unsupported_component": {"Bastide ne garde pas les composants %s\u00a0: seulement les événements (VEVENT) et les tâches (VTODO).", "Bastide does not keep %s components: only events (VEVENT) and tasks (VTODO)."},
	"admin.import.why.invalid_object":        {"Cet objet ne suit pas les règles d\u2019un objet de calendrier (un seul identifiant, un seul type de composant).", "This object breaks the rules of a calendar object (one identifier, one kind of component)."},
	"admin.import.why.duplicate_uid":         {"Le fichier donne deux fois cet événement sous le même identifiant (UID)\u00a0: gardez-en un.", "The file gives this event twice under the same identifier (UID): keep one."},
	"admin.import.why.duplicate_override":    {"Deux modifications visent la même date de la série (RECURRENCE-ID).", "Two changes aim at the same date of the series (RECURRENCE-ID)."},
	"admin.import.why.no_uid":                {"Cet objet n\u2019a pas d\u2019identifiant (UID)\u00a0: exportez de nouveau le calendrier depuis son application.", "This object has no identifier (UID): export the calendar again from its application."},
	"admin.import.why.bad_uid":               {"L\u2019identifiant (UID) de cet objet est trop long, ou donné plusieurs fois.", "The identifier (UID) of this object is too long, or given several times."},
	"admin.import.why.no_start":              {"L\u2019événement n\u2019a pas de début (DTSTART).", "The event has no start (DTSTART)."},
	"admin.import.why.end_before_start":      {"L\u2019événement finit avant de commencer\u00a0: sa fin ou sa durée est à corriger.", "The event ends before it starts: its end or its duration needs correcting."},
	"admin.import.why.end_and_duration":      {"L\u2019événement donne à la fois une fin et une durée (DURATION)\u00a0: gardez l\u2019une des deux.", "The event gives both an end and a duration (DURATION): keep one of them."},
	"admin.import.why.wrong_end":             {"Cet objet donne sa fin par %s, qui ne convient pas à son type\u00a0: DTEND pour un événement, DUE pour une tâche.", "This object gives its end with %s, which does not fit its kind: DTEND for an event, DUE for a task."},
	"admin.import.why.date_kinds":            {"Le début et la fin doivent être tous deux des dates (journée entière), ou tous deux des dates avec une heure.", "The start and the end must both be dates (all day), or both be dates with a time."},
	"admin.import.why.bad_date":              {"Une date ou une heure (%s) est illisible.", "A date or time (%s) cannot be read."},
	"admin.import.why.bad_duration":          {"La durée (DURATION) est illisible.", "The duration (DURATION) cannot be read."},
	"admin.import.why.bad_timezone":          {"Le fuseau horaire de l\u2019événement est inconnu ou mal décrit.", "The time zone of the event is unknown or badly described."},
	"admin.import.why.bad_recurrence":        {"La règle de répétition (RRULE ou RDATE) est illisible, ou ne tombe jamais.", "The repetition rule (RRULE or RDATE) cannot be read, or never occurs."},
	"admin.import.why.too_many_occurrences":  {"La règle de répétition demande trop de calculs ou donne trop de dates\u00a0: simplifiez-la.", "The repetition rule takes too much work or gives too many dates: simplify it."},
	"admin.import.why.repeated":              {"La propriété %s est donnée plusieurs fois, alors qu\u2019une seule est permise.", "The property %s is given several times, where only one is allowed."},
	"admin.import.why.bad_value":             {"La valeur de %s ne convient pas.", "The value of %s does not fit."},
	"admin.import.why.uid_taken":             {"Un autre événement de cet agenda porte déjà cet identifiant (UID).", "Another event of this calendar already has this identifier (UID)."},
	"admin.import.why.conflict":              {"Un autre événement de l\u2019agenda occupe déjà la place de celui-ci.", "Another event of the calendar already holds this one\u2019s place."},
	"admin.import.why.component_refused":     {"Cet agenda n\u2019accepte pas les objets %s\u00a0: importez-les dans un autre agenda.", "This calendar does not take %s objects: import them into another calendar."},
	"admin.import.why.too_long":              {"Le texte de %s est trop long.", "The text of %s is too long."},
	"admin.import.why.other":                 {"Bastide n\u2019a pas pu enregistrer cet objet (voir le détail technique).", "Bastide could not store this object (see the technical detail)."},
})

// RefusalText says in lang ("fr" or "en") why an object of an import was
// refused: the one wording of each reason, for the report's page and for
// the command line (which prints the English).
func RefusalText(lang string, r load.Refusal) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		args[i] = a
	}
	return tr(lang, "admin.import.why."+string(r.Code), args...)
}
