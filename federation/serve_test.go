package federation

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// serve runs one request through the federation handler.
func serve(f *Federation, method, path, accept string) *httptest.ResponseRecorder {
	return serveBody(f, method, path, accept, nil)
}

func serveBody(f *Federation, method, path, accept string, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "https://bastide.example"+path, body)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	f.Handler().ServeHTTP(rec, req)
	return rec
}

var _ = strings.TrimSpace
var _ = http.MethodGet
