package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// The goals of issue #15.
const (
	goalMedian = 10 * time.Millisecond
	goalP99    = 30 * time.Millisecond
	goalRate   = 2000.0
	goalFirst  = 10.0
	goalImport = 5000.0
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func ratio(a, b time.Duration) string {
	if b <= 0 || a <= 0 {
		return "-"
	}
	return fmt.Sprintf("×%.1f", float64(a)/float64(b))
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// row is one line of the figures table.
func (pr *pageResult) row(hello time.Duration) []string {
	u, c := pr.uncached, pr.cached
	cells := []string{pr.pt.name}
	if u.err != nil || len(u.times) == 0 {
		cells = append(cells, "error", "", "", "")
	} else {
		cells = append(cells, ms(u.median()), ms(u.p99()), ratio(u.median(), hello), fmt.Sprint(len(u.times)))
	}
	if c.err != nil || len(c.times) == 0 {
		cells = append(cells, "error", "")
	} else {
		cells = append(cells, ms(c.median()), ms(c.p99()))
	}
	if pr.first > 0 {
		cells = append(cells, ms(pr.first), ratio(pr.first, pr.next))
	} else {
		cells = append(cells, "-", "-")
	}
	ok := "ok"
	if u.wrong != "" || c.wrong != "" || u.err != nil || c.err != nil || pr.firstErr != "" {
		ok = "WRONG"
	}
	return append(cells, fmt.Sprintf("%.0f", float64(u.bytes)/1024), ok)
}

var header = []string{"page type", "uncached median", "p99", "÷ hello", "n", "cached median", "p99", "first after start", "÷ next", "KiB", "answers"}

func (rep *report) print(out io.Writer, cfg config) {
	hello := rep.hello.median()
	if s := rep.dataset.Summary; s != nil {
		fmt.Fprintf(out, "\ndata set: %d events (%d weekly series) in %d associations, built %s\n",
			s.Events, s.Series, len(s.Associations), rep.dataset.Built.Format(time.DateOnly))
	}
	fmt.Fprintf(out, "hello-world of the same server (/healthz): median %s ms, p99 %s ms (n=%d)\n",
		ms(hello), ms(rep.hello.p99()), len(rep.hello.times))
	fmt.Fprintln(out, "times in ms, client-observed (request sent to last byte read), one client, requests one after the other")
	rows := [][]string{header}
	for _, pr := range rep.pages {
		rows = append(rows, pr.row(hello))
	}
	widths := make([]int, len(header))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			fmt.Fprintf(out, "%-*s  ", widths[i], c)
		}
		fmt.Fprintln(out)
	}
	if cfg.markdown {
		fmt.Fprintln(out)
		for i, r := range rows {
			fmt.Fprintln(out, "| "+strings.Join(r, " | ")+" |")
			if i == 0 {
				fmt.Fprintln(out, strings.Repeat("| --- ", len(r))+"|")
			}
		}
	}

	// Goals.
	var slowMed, slowP99, slowFirst []string
	worstMed, worstP99, worstFirst := time.Duration(0), time.Duration(0), 0.0
	for _, pr := range rep.pages {
		u := pr.uncached
		if len(u.times) == 0 {
			continue
		}
		if m := u.median(); m >= goalMedian {
			slowMed = append(slowMed, pr.pt.name)
		}
		if p := u.p99(); p >= goalP99 {
			slowP99 = append(slowP99, pr.pt.name)
		}
		worstMed, worstP99 = max(worstMed, u.median()), max(worstP99, u.p99())
		if pr.next > 0 {
			r := float64(pr.first) / float64(pr.next)
			worstFirst = max(worstFirst, r)
			if r >= goalFirst {
				slowFirst = append(slowFirst, pr.pt.name)
			}
		}
	}
	fmt.Fprintln(out, "\ngoals (issue #15):")
	fmt.Fprintf(out, "  uncached median < 10 ms: %s (slowest %s ms)%s\n", mark(len(slowMed) == 0), ms(worstMed), list(slowMed))
	fmt.Fprintf(out, "  uncached p99 < 30 ms: %s (slowest %s ms)%s\n", mark(len(slowP99) == 0), ms(worstP99), list(slowP99))
	fmt.Fprintf(out, "  distinct uncached answers ≥ 2000/s with %d clients: %.0f/s (%d answers in %s): %s\n",
		rep.clients, rep.rate, rep.rateN, cfg.rateTime, mark(rep.rate >= goalRate))
	fmt.Fprintf(out, "  first request after a start < 10× the next ones: %s (worst ×%.1f)%s\n", mark(len(slowFirst) == 0), worstFirst, list(slowFirst))
	if rep.imported > 0 {
		fmt.Fprintf(out, "  import ≥ 5000 events/s: %.0f events/s (%d events of the set through load.ICS): %s\n",
			rep.importPS, rep.imported, mark(rep.importPS >= goalImport))
	}
	fmt.Fprintf(out, "server: peak memory (VmHWM) %.1f MB during the single-client requests; slowest start to /healthz %s\n",
		float64(rep.peak)/(1<<20), rep.start.Round(time.Millisecond))
	fmt.Fprintln(out, "÷ hello: uncached median over the hello-world median of the same server;"+
		" ÷ next: first request after a start over the median of the next 5 (distinct URLs)")
	if w := rep.wrong(); len(w) > 0 {
		fmt.Fprintln(out, "\nincorrect answers:")
		for _, m := range w {
			fmt.Fprintln(out, "  "+m)
		}
	}
}

func list(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return ": " + strings.Join(names, ", ")
}
