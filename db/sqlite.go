package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Every connection option lives here.
//
// synchronous=FULL: in WAL mode mattn's build defaults to NORMAL, which may
// lose the last commits on power loss. Bastide acknowledges writes to
// calendar apps and to remote servers that never retry (Mobilizon), so an
// acknowledged write must survive an OS crash too; BenchmarkEventWrite shows
// what this costs on the machine at hand (a few hundred microseconds per
// commit on an ordinary SSD). Batches (imports) amortise it in one
// transaction.
//
// _stmt_cache_size: the driver keeps the statements of ExecContext and
// QueryContext prepared once they are done, so each SQL text is compiled
// once per connection, not once per write. Statements prepared explicitly
// (PrepareContext) are not cached: txq does not use them.
//
// _txlock=immediate: a write transaction takes the write lock at BEGIN, so
// two writers never deadlock on a lock upgrade; busy_timeout makes a second
// process (backup, CLI while serve runs) wait instead of failing.
const dsnOptions = "_foreign_keys=1" +
	"&_busy_timeout=10000" +
	"&_journal_mode=WAL" +
	"&_synchronous=FULL" +
	"&_txlock=immediate" +
	"&_stmt_cache_size=128" +
	"&_cache_size=" + servingCacheSize

// servingCacheSize is the page cache of the writing connection (2 MB) and
// readCacheSize that of each reading one (1 MB): small, since peak memory
// matters on the machines associations share. The kernel keeps the file
// in its own cache, so a page SQLite does not hold costs a read system
// call, not a disk read; imports enlarge the writer's cache while they run
// (BulkWrites). With 10 000 objects in cmd/caldav-bench, the earlier 8 and
// 2 MB raised the server's peak memory from 47 to 56 MB and made no
// operation measurably faster.
const (
	servingCacheSize = "-2000"
	readCacheSize    = "-1000"
)

// readOptions are the options of the read-only pool.
//
// _stmt_cache_size keeps each reading connection's recent statements
// prepared: preparing a join costs SQLite several times more than running
// it.
//
// Parameters are written +? wherever the planner would look at their value
// (col = +?, LIMIT +?). The driver clears a statement's bindings after
// each use, and SQLite then re-prepares, at the next run, any statement
// whose plan depended on a bound value, which undid the statement cache.
// The unary plus changes neither the value nor the use of indexes;
// params_test.go finds any parameter written the other way.
// BenchmarkPlusParams times the two queries of every CalDAV request on an
// object at 10 000 objects, both ways in one run: with bare parameters the
// calendar's resolution took 74 µs instead of 9 and GET's object read 58
// µs instead of 8 (×8 and ×7; go test -run X -bench PlusParams
// -benchtime 2000x ./db/, 2026-12-08), for a GET answered in about 0.1 ms:
// the idiom stays.
const readOptions = "_foreign_keys=1&_busy_timeout=10000&_query_only=1&_stmt_cache_size=64&_cache_size=" + readCacheSize

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the database. It holds one writing connection, so that writes
// are serialised inside the process, and a pool of reading connections that
// WAL lets run beside it.
type Store struct {
	w     *sql.DB
	r     *sql.DB
	v     *sql.DB // one connection that only reads the data version
	path  string
	epoch string
	// past holds the epochs this copy descends from, each with the last
	// seq it shares with them (see TokenEpoch).
	past map[string]int64

	hookMu   sync.Mutex
	onCommit []func()
}

// OnCommit registers fn, called after each transaction of this Store
// (Tx) commits, so that a worker following the change log can be woken
// at once instead of at its next poll. Writes by other processes on the
// same file are not seen: those still need the poll (or DataVersion). fn
// runs on the writer's goroutine and must not block.
func (s *Store) OnCommit(fn func()) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.onCommit = append(s.onCommit, fn)
}

func (s *Store) committed() {
	s.hookMu.Lock()
	hooks := s.onCommit
	s.hookMu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// Epoch names this copy of the database: a random value made when the
// database is first opened, and made anew in every copy Backup writes. A
// restored backup therefore has another epoch than the database it was
// taken from, and anything that hands out positions in the change log
// (CalDAV sync tokens) embeds the epoch, so that positions of the lost
// future are refused instead of being silently reused.
func (s *Store) Epoch() string { return s.epoch }

// epochKey is the meta key of the epoch.
const epochKey = "epoch"

// pastEpochsKey is the meta key of the epochs a copy descends from: "epoch
// seq" lines, oldest first, at most maxPastEpochs of them.
const (
	pastEpochsKey = "epoch.past"
	maxPastEpochs = 16
)

// TokenEpoch reports up to which seq a position in the change log named
// with epoch e still holds here: any seq for this copy's own epoch, up to
// the last seq a backup copied for an epoch this copy was restored from
// (a restored backup holds the same changes up to there, and only those),
// and none (false) for an unknown epoch.
func (s *Store) TokenEpoch(e string) (maxSeq int64, ok bool) {
	if e == s.epoch {
		return math.MaxInt64, true
	}
	maxSeq, ok = s.past[e]
	return maxSeq, ok
}

// loadPastEpochs reads pastEpochsKey.
func loadPastEpochs(ctx context.Context, w *sql.DB) (map[string]int64, []string, error) {
	var v string
	err := w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, pastEpochsKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string]int64{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("db: past epochs: %w", err)
	}
	past := map[string]int64{}
	var lines []string
	for _, l := range strings.Split(v, "\n") {
		e, seqText, ok := strings.Cut(l, " ")
		seq, err := strconv.ParseInt(seqText, 10, 64)
		if !ok || err != nil {
			continue // not ours: ignore rather than refuse to start
		}
		past[e] = seq
		lines = append(lines, l)
	}
	return past, lines, nil
}

func newEpoch() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// loadEpoch reads the epoch, making it on first use (only then does it
// write).
func loadEpoch(ctx context.Context, w *sql.DB) (string, error) {
	var e string
	for range 2 {
		err := w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, epochKey).Scan(&e)
		if err == nil {
			return e, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("db: epoch: %w", err)
		}
		// ON CONFLICT: another process may make it at the same time.
		if _, err := w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, epochKey, newEpoch()); err != nil {
			return "", fmt.Errorf("db: epoch: %w", err)
		}
	}
	return "", errors.New("db: epoch: not stored")
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

// Open opens (creating it if needed) the database file at path and applies
// pending migrations. A database written by a newer Bastide is refused.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("db: open: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: open: create data directory: %w", err)
		}
	}
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := sql.Open("sqlite3", u+"?"+dsnOptions)
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	// The one writing connection checkpoints the WAL into the database
	// file every 4 000 pages (16 MB) instead of SQLite's 1 000: fewer,
	// larger checkpoints during imports and bursts of writes.
	if _, err := w.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 4000"); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	if err := checkFTS(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := keepFlags(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	epoch, err := loadEpoch(ctx, w)
	if err != nil {
		w.Close()
		return nil, err
	}
	past, _, err := loadPastEpochs(ctx, w)
	if err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", u+"?"+readOptions)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	n := runtime.GOMAXPROCS(0) * 2
	if n < 4 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	v, err := sql.Open("sqlite3", u+"?"+versionOptions)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	v.SetMaxOpenConns(1)
	v.SetMaxIdleConns(1)
	v.SetConnMaxLifetime(0)
	return &Store{w: w, r: r, v: v, path: path, epoch: epoch, past: past}, nil
}

// versionOptions: the data-version connection reads no table, so it keeps
// almost no pages.
const versionOptions = "_busy_timeout=10000&_query_only=1&_stmt_cache_size=4&_cache_size=-64"

// DataVersion returns a number that changes whenever a transaction that
// wrote anything has committed since the last call, by this store or any
// other process on the same file (SQLite's PRAGMA data_version, read on a
// connection that never writes, so that every write counts as another
// connection's). Equal numbers mean nothing changed in between: a cache
// of anything read from the store may be trusted while the number stays.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var n int64
	// Not cancellable: the pragma returns at once, and a cancellable
	// context costs the driver a watcher for each query.
	if err := s.v.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA data_version").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: data version: %w", err)
	}
	return n, nil
}

// WarmReaders opens all the reading connections but one at once and has
// each read the schema, so that the first requests after a start do not
// each pay for a new connection (tens of milliseconds on a large
// database). The one left lets a request in the meantime go on instead of
// waiting for the warming. It gives up when ctx ends.
func (s *Store) WarmReaders(ctx context.Context) error {
	n := max(s.r.Stats().MaxOpenConnections-1, 1)
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := s.r.Conn(ctx)
		if err != nil {
			return fmt.Errorf("db: warm readers: %w", err)
		}
		conns = append(conns, c)
		var k int
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&k); err != nil {
			return fmt.Errorf("db: warm readers: %w", err)
		}
	}
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	return errors.Join(s.v.Close(), s.r.Close(), s.w.Close())
}

// checkFTS checks that this SQLite has what full-text search needs: FTS4
// (compiled with FTS3) and its unicode61 tokenizer. mattn/go-sqlite3's
// default build has both; a build against another SQLite may not.
func checkFTS(ctx context.Context, w *sql.DB) error {
	var fts, noUnicode int
	err := w.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS3'), sqlite_compileoption_used('DISABLE_FTS3_UNICODE')").Scan(&fts, &noUnicode)
	if err != nil {
		return fmt.Errorf("db: check SQLite options: %w", err)
	}
	if fts != 1 || noUnicode != 0 {
		return errors.New("db: this binary's SQLite lacks full-text search (FTS4 with the unicode61 tokenizer); build Bastide with mattn/go-sqlite3's default options (a plain `go build ./cmd/bastide`)")
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("db: migration %q: name must be NNNN_what.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("db: migration %q: %w", name, err)
		}
		text, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(text)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("db: migration %q: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // a bad embedded migration is a programmer error
	}
	return len(ms)
}

// ErrTooNew is returned by Open for a database written by a newer Bastide.
var ErrTooNew = errors.New("db: the database was written by a newer version of Bastide")

func migrate(ctx context.Context, w *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var current int
	if err := w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("db: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("%w (schema version %d, this binary knows up to %d): upgrade Bastide, or restore a backup taken with this version", ErrTooNew, current, len(ms))
	}
	if current == len(ms) {
		return nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	defer tx.Rollback()
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
	}
	// A new database holds no event written by an older Bastide: the
	// backfills that migrations ask for have nothing to read again, and
	// left there they would read every event of the first import at the
	// next start.
	if current == 0 {
		for _, k := range backfillKeys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = +?`, k); err != nil {
				return fmt.Errorf("db: migrate: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(ms))); err != nil {
		return fmt.Errorf("db: migrate: set version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	return nil
}

// backfillKeys are the meta keys by which migrations ask for the events
// already stored to be read again once (see each constant).
var backfillKeys = []string{MetaOccurrenceRefresh, MetaShownFieldsRefresh, MetaPublicRefresh}

// Backfilling reports whether a one-time backfill asked for by a migration
// has not finished yet: until then some stored events lack fields that
// pages show.
func (s *Store) Backfilling(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key IN (?, ?, ?)`,
		backfillKeys[0], backfillKeys[1], backfillKeys[2]).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: backfill: %w", err)
	}
	return n > 0, nil
}

// collect reads every row of a query with scan. op names the operation in
// errors ("list users").
func collect[T any](rows *sql.Rows, err error, op string, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("db: %s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: %s: %w", op, err)
	}
	return out, nil
}

// Tx runs fn in one write transaction: committed if fn returns nil, rolled
// back otherwise. Other packages use it to make several writes atomic.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", mapErr(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", mapErr(err))
	}
	s.committed()
	return nil
}

// Writer gives packages with tables of their own (federation's queue,
// CalDAV's properties) the serialised writing connection. Use Tx for
// anything that writes more than one row.
func (s *Store) Writer() *sql.DB { return s.w }

// Reader gives the read-only connection pool.
func (s *Store) Reader() *sql.DB { return s.r }

// Backup writes a consistent copy of the database to dest while others keep
// reading and writing, readable by its owner only (mode 0600), with an
// epoch of its own. dest must not exist yet.
func (s *Store) Backup(ctx context.Context, dest string) (err error) {
	if dir := filepath.Dir(dest); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("db: backup: %w", err)
		}
	}
	// The copy holds password hashes and private keys: it is made empty
	// and readable by its owner only before SQLite fills it (VACUUM INTO
	// accepts an empty file, and its journal takes the file's mode).
	// O_EXCL: a backup never overwrites.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("db: backup: %s already exists; choose a new file name", dest)
	}
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(dest)
		}
	}()
	// VACUUM INTO reads one snapshot of the database, so the copy is
	// consistent while serve goes on writing. The read pool is query-only,
	// which forbids VACUUM: use a connection of its own.
	c, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("db: backup to %s: %w", dest, err)
	}
	// The copy gets an epoch of its own (see Epoch), and remembers this
	// one up to its last change (see TokenEpoch).
	cp, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: dest}).EscapedPath()+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer cp.Close()
	var last int64
	if err := cp.QueryRowContext(ctx, `SELECT ifnull(max(seq), 0) FROM changes`).Scan(&last); err != nil {
		return fmt.Errorf("db: backup: last seq: %w", err)
	}
	_, lines, err := loadPastEpochs(ctx, cp)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	lines = append(lines, s.epoch+" "+strconv.FormatInt(last, 10))
	if len(lines) > maxPastEpochs {
		lines = lines[len(lines)-maxPastEpochs:]
	}
	if _, err := cp.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?), (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		epochKey, newEpoch(), pastEpochsKey, strings.Join(lines, "\n")); err != nil {
		return fmt.Errorf("db: backup: new epoch: %w", err)
	}
	return cp.Close()
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict
// ("ok" when all is well).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return "", fmt.Errorf("db: integrity check: %w", err)
	}
	return res, nil
}

// driverName is registered by mattn; kept here so the import is used even
// when no sqlite3 symbol is referenced elsewhere.
var _ = sqlite3.SQLiteDriver{}
