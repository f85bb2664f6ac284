package federation

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-fed/activity/streams"
)

// TestGoldenReadByGoFed: go-fed/activity's typed vocabulary, an
// implementation independent of ours, reads every golden document as the
// ActivityStreams type it claims, with the same id.
func TestGoldenReadByGoFed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil || len(files) < 9 {
		t.Fatalf("golden files: %v %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		v, err := streams.ToType(context.Background(), m)
		if err != nil {
			t.Fatalf("%s: go-fed cannot read it: %v", name, err)
		}
		if v.GetTypeName() != m["type"] {
			t.Fatalf("%s: go-fed reads a %s, the document says %v", name, v.GetTypeName(), m["type"])
		}
		if id := v.GetJSONLDId(); id == nil || id.Get() == nil || id.Get().String() != m["id"] {
			t.Fatalf("%s: go-fed reads the id %v, the document says %v", name, id, m["id"])
		}
	}
}
