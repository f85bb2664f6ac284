package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/bastide47/bastide/db/load"
)

// Bounds of the uploads' imports.
const (
	// maxImportJobs bounds the imports that run at once: each holds its
	// file in memory and the store has one writer.
	maxImportJobs = 2
	// importTimeout bounds one import's work.
	importTimeout = 15 * time.Minute
	// importKeep is how long a finished import's report stays readable.
	importKeep = time.Hour
	// maxImportReports bounds the reports kept.
	maxImportReports = 200
	// defaultImportWait is how long the upload waits for an import before
	// showing its progress page.
	defaultImportWait = 2 * time.Second
)

// importJob is an upload's import, run apart from the request that
// brought the file so that a page can follow its progress.
type importJob struct {
	ID            string
	UserID        int64
	AssociationID int64
	Calendar      string
	File          string
	doneCh        chan struct{}

	mu       sync.Mutex
	done     int
	total    int
	report   *load.Report
	err      error
	finished time.Time
}

// progress is the state of a job: objects read so far, the total (0 until
// the file is parsed), and once finished its report or error.
func (j *importJob) progress() (done, total int, rep *load.Report, err error, finished bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done, j.total, j.report, j.err, !j.finished.IsZero()
}

// importJobs holds the uploads' imports in memory: a restart forgets the
// reports, not the events (each batch is stored when written, and
// importing the file again finishes the work).
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

// start runs an import of data as job j, unless maxImportJobs already run
// (false). The import ends with the job's own deadline, not with the
// request that brought the file.
func (js *importJobs) start(j *importJob, run func(ctx context.Context, progress func(done, total int)) (*load.Report, error), now time.Time) bool {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.jobs == nil {
		js.jobs = map[string]*importJob{}
	}
	running := 0
	for id, o := range js.jobs {
		o.mu.Lock()
		fin := o.finished
		o.mu.Unlock()
		switch {
		case fin.IsZero():
			running++
		case now.Sub(fin) > importKeep || len(js.jobs) > maxImportReports:
			delete(js.jobs, id)
		}
	}
	if running >= maxImportJobs {
		return false
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	j.ID = hex.EncodeToString(b[:])
	j.doneCh = make(chan struct{})
	js.jobs[j.ID] = j
	go func() {
		defer close(j.doneCh)
		ctx, cancel := context.WithTimeout(context.Background(), importTimeout)
		defer cancel()
		var rep *load.Report
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("web: import %s panicked: %v", j.ID, p)
				}
			}()
			rep, err = run(ctx, func(done, total int) {
				j.mu.Lock()
				j.done, j.total = done, total
				j.mu.Unlock()
			})
			return err
		}()
		j.mu.Lock()
		j.report, j.err, j.finished = rep, err, time.Now()
		j.mu.Unlock()
	}()
	return true
}

// get returns a job by id, nil if unknown.
func (js *importJobs) get(id string) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.jobs[id]
}
