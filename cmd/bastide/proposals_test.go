package main

import "testing"

func TestProposalsCommand(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "proposals", "open").must(t, 0, "Proposals are open")
	cli(t, data, "", "proposals", "status").must(t, 0, "Proposals are open")
	before := state(t, data)
	cli(t, data, "", "proposals", "maybe").must(t, 2, `not "maybe"`)
	if after := state(t, data); after != before {
		t.Fatalf("a refused command changed the database")
	}
	cli(t, data, "", "proposals", "close").must(t, 0, "Proposals are closed")
	cli(t, data, "", "proposals", "status").must(t, 0, "Proposals are closed")
}
