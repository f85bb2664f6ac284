package web

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// adminPageSize is how many rows a long back-office list (accounts,
// associations, members, followers) shows on one page: a page of 5 000
// rows is neither usable on a phone nor quick to render.
const adminPageSize = 100

// pager cuts a list into pages; ?page=N picks one. A page number that
// is not one, or too small, shows the first page; too big, the last.
type pager struct {
	Page, Pages, Total int
	path               string
}

// pagerMessages are the words of the long lists, joined to the back
// office's.
var pagerMessages = joinMessages(adminMessages, map[string]message{
	"admin.pager.label":        {"Pages de la liste", "Pages of the list"},
	"admin.pager.prev":         {"← Page précédente", "← Previous page"},
	"admin.pager.next":         {"Page suivante →", "Next page →"},
	"admin.pager.page":         {"Page %d sur %d", "Page %d of %d"},
	"admin.account.others.all": {"Toutes les associations de l'instance", "All the instance's associations"},
})

func newPager(c echo.Context, total int) *pager {
	p := &pager{Page: 1, Pages: max(1, (total+adminPageSize-1)/adminPageSize), Total: total, path: c.Request().URL.Path}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 {
		p.Page = min(n, p.Pages)
	}
	return p
}

// Offset is the index of the page's first row.
func (p *pager) Offset() int { return (p.Page - 1) * adminPageSize }

// Prev and Next are the links to the pages around this one ("" for none).
func (p *pager) Prev() string {
	if p.Page <= 1 {
		return ""
	}
	return p.link(p.Page - 1)
}

// Next: see Prev.
func (p *pager) Next() string {
	if p.Page >= p.Pages {
		return ""
	}
	return p.link(p.Page + 1)
}

func (p *pager) link(n int) string {
	if n == 1 {
		return p.path
	}
	return p.path + "?page=" + strconv.Itoa(n)
}

// pageOf returns the rows of all that p's page shows.
func pageOf[T any](p *pager, all []T) []T {
	from := min(p.Offset(), len(all))
	return all[from:min(from+adminPageSize, len(all))]
}
