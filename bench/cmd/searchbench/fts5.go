package main

import (
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver, FTS5 built in

	"github.com/huitian/huitian/bench/internal/corpus"
)

// fts5 is SQLite FTS5 over text pre-tokenized into Han unigrams and bigrams
// and letter/digit words (FTS5 has no Chinese tokenizer), ranked by bm25()
// with our schema's field weights.
type fts5 struct {
	path string
	db   *sql.DB
	stmt *sql.Stmt
	ids  []string
}

func (*fts5) name() string { return "fts5" }

const fts5Chunk = 1000

// index tokenizes on all CPUs while one connection inserts chunks in order,
// in transactions of 20,000 rows with the journal and syncs off, then merges
// the index's b-trees ('optimize') so queries read one.
func (f *fts5) index(docs []corpus.Doc) (time.Duration, error) {
	os.Remove(f.path)
	dsn := "file:" + f.path + "?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-524288)&_pragma=temp_store(MEMORY)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return 0, err
	}
	db.SetMaxOpenConns(1)
	f.db = db
	f.ids = make([]string, len(docs))
	for i, d := range docs {
		f.ids[i] = d.ID
	}
	t0 := time.Now()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(title, description, tags, tokenize = 'unicode61')`); err != nil {
		return 0, err
	}
	nChunks := (len(docs) + fts5Chunk - 1) / fts5Chunk
	type row struct{ title, desc, tags string }
	rows := make([][]row, nChunks)
	done := make([]chan struct{}, nChunks)
	for c := range done {
		done[c] = make(chan struct{})
	}
	workers := runtime.GOMAXPROCS(0)
	ahead := make(chan struct{}, 4*workers) // bounds chunks tokenized but not inserted
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var b strings.Builder
			tok := func(s string) string {
				b.Reset()
				corpus.Grams(&b, s, false)
				return b.String()
			}
			for c := range next {
				lo, hi := c*fts5Chunk, min((c+1)*fts5Chunk, len(docs))
				rs := make([]row, 0, hi-lo)
				for _, d := range docs[lo:hi] {
					rs = append(rs, row{tok(d.Title), tok(d.Description), tok(d.Tags)})
				}
				rows[c] = rs
				close(done[c])
			}
		})
	}
	go func() {
		for c := range nChunks {
			ahead <- struct{}{}
			next <- c
		}
		close(next)
	}()
	defer wg.Wait()

	var tx *sql.Tx
	var ins *sql.Stmt
	for c := range nChunks {
		<-done[c]
		if tx == nil {
			if tx, err = db.Begin(); err != nil {
				return 0, err
			}
			if ins, err = tx.Prepare(`INSERT INTO docs(rowid, title, description, tags) VALUES (?, ?, ?, ?)`); err != nil {
				return 0, err
			}
		}
		for i, r := range rows[c] {
			if _, err := ins.Exec(c*fts5Chunk+i+1, r.title, r.desc, r.tags); err != nil {
				return 0, err
			}
		}
		rows[c] = nil
		<-ahead
		if (c+1)%20 == 0 || c == nChunks-1 {
			ins.Close()
			if err := tx.Commit(); err != nil {
				return 0, err
			}
			tx = nil
		}
	}
	inserted := time.Since(t0)
	if _, err := db.Exec(`INSERT INTO docs(docs) VALUES ('optimize')`); err != nil {
		return 0, err
	}
	took := time.Since(t0)
	var pages, pageSize int64
	db.QueryRow(`PRAGMA page_count`).Scan(&pages)
	db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	fmt.Printf("fts5   inserts %v, optimize %v; database %.1f MB\n", inserted.Round(time.Millisecond), (took - inserted).Round(time.Millisecond), float64(pages*pageSize)/(1<<20))
	f.stmt, err = db.Prepare(`SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0, 2.0) LIMIT ` + fmt.Sprint(k))
	return took, err
}

func (f *fts5) search(q string) ([]string, error) {
	var b strings.Builder
	corpus.Grams(&b, q, true)
	if b.Len() == 0 {
		return nil, nil
	}
	rs, err := f.stmt.Query(b.String())
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var ids []string
	for rs.Next() {
		var rowid int
		if err := rs.Scan(&rowid); err != nil {
			return nil, err
		}
		ids = append(ids, f.ids[rowid-1])
	}
	return ids, rs.Err()
}

func (f *fts5) close() {
	if f.stmt != nil {
		f.stmt.Close()
	}
	if f.db != nil {
		f.db.Close()
	}
	os.Remove(f.path)
}
