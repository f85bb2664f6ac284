package db_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// releasedMigrations pins every migration file by its SHA-256. A released
// migration has already run on someone's database: editing it changes
// nothing there, and the two schemas drift apart for good. A schema change
// is a new file. Adding one means adding its line here; print the lines
// with `sha256sum db/migrations/*.sql` from the repository's root.
var releasedMigrations = map[string]string{
	"0001_init.sql":               "37d7c62936ebdbb3b395f26860b54416f4a91e261166ac5f8cb6ade3b5aafbe2",
	"0002_caldav.sql":             "3ad67f12d1d8208d0480741d873174a898aa5cd79a399497569a0a1811998922",
	"0003_federation.sql":         "ea627db67a6c808eeb38172eed78df0dffdc0bd4126a980dc12b3da6f86d3729",
	"0004_ids.sql":                "655b95e5c36e62967f90c6288d4de2cb6596fbdec1f47999e5872280b865cb17",
	"0005_follow_status.sql":      "ed072f5f6f01c830f6c822695c32657443e1928b90cdd8d5c8d5e0134a28237e",
	"0006_caldav_correct.sql":     "5b482be0e277be158d2f13a7b93e1ca922c4784916cf024bccf79d763b1e8ce6",
	"0007_occurrence_fields.sql":  "e78fbb31b6d3e6fdfa0c9d791a5e9788a279f5e45ac54a056ce6cf5b4e85c97d",
	"0008_app_password_hash.sql":  "8e3025fd12308bca56fe7c6d2c62336738c34d7080e0ba2adb3405a3a52b4e6d",
	"0009_publish_failures.sql":   "9a9c27450f4a23c8c9859f97cc807a54b8a805108c52183f91df13aa208f5d6f",
	"0010_fts4.sql":               "f9852254a643f3fca87817448451a1d4e407b91b31b73f12d06594290f61a68e",
	"0011_backoffice.sql":         "d664d84236f5df99e2177f50e0120b846eb3dc78da03f2ba3473f26072e4b7b5",
	"0012_subscriptions.sql":      "e89d6c76fdad14046ceaf34bd88166bff4ccf5404f39994765826c505c780c1e",
	"0013_proposals.sql":          "55821d3900a7136913c3b9ae84d37d61b9ef28d63d00e5142409e2fb38b61394",
	"0014_instance_admin.sql":     "ef7ff519dcebe75feb6538640dd6f293172dc1c5671d11f4a90512504530bf39",
	"0015_owners.sql":             "3f268e4543c3f626b45b51177eeb96f923198c7d4f1328924a3917c1150b83f6",
	"0016_instance_settings.sql":  "077499406c40a93cdce16fe0849f8fc95fd576cd789afa4975f9e8e6b9a97726",
	"0017_association_life.sql":   "9ffdc5198095ee498ea5e3b42304d18dbdcc8d89c5b26d6dcd6a38052a7143e6",
	"0018_admin_lists.sql":        "5f8d61b50634747b67b1fafe9d7b8a89226e38d5354af266fc21195d878c2cfc",
	"0019_shown_fields.sql":       "0527cb3272e444fc091fd813a1f82b4fef404dd7bd12cfe1ad4d69e9395a847c",
	"0020_public_occurrences.sql": "d1f5002eec991b20e4fca91114a3d3ecdadd468602332c3a1f4424a81383f1fe",
}

func TestMigrationsNeverEdited(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		got := hex.EncodeToString(sum[:])
		want, ok := releasedMigrations[name]
		switch {
		case !ok:
			t.Errorf("migration %s is not pinned: add its line to releasedMigrations (sha256sum db/migrations/*.sql): %q: %q,", name, name, got)
		case got != want:
			t.Errorf("migration %s was edited (sha256 %s, released as %s): migrations are never edited once released; put the change in a new migration", name, got, want)
		}
	}
	for name := range releasedMigrations {
		if !seen[name] {
			t.Errorf("released migration %s is gone: migrations are never deleted or renamed once released (databases have run it)", name)
		}
	}
}
