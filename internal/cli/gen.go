package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/huitian/huitian/internal/gen"
	"github.com/huitian/huitian/internal/store"
)

// runGen fills a database with generated Huitian data at one scale
// (huitian gen --scale street|district|city --db DSN [--seed N]). Rows go
// in batches, one transaction each with its progress, so a run stopped by
// Ctrl-C or a kill resumes where it stopped when started again with the
// same flags.
func runGen(ctx context.Context, args []string, env Env) error {
	fs := flags("gen", env)
	db := dbFlag(fs)
	scaleName := fs.String("scale", "", "规模 / scale: street | district | city")
	seed := fs.Int64("seed", 1, "随机种子：同样的种子生成同样的数据 / seed: the same seed makes the same data")
	// For tests and tuning (not in the command list): rows per batch, and
	// stopping as if interrupted after this many batches.
	batch := fs.Int("batch", 0, "每批行数（调试用，默认按表而定）/ rows per batch (tuning; default per table)")
	stopAfter := fs.Int("stop-after", 0, "提交这么多批后停下，如同被中断（测试用）/ stop as if interrupted after N batches (tests)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *scaleName == "" {
		return fmt.Errorf("请用 --scale 指定规模（street、district 或 city）/ --scale is required")
	}
	sc, err := gen.ScaleByName(*scaleName)
	if err != nil {
		return err
	}
	if *seed < 0 {
		return fmt.Errorf("--seed 不能为负数 / --seed must not be negative")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	s, err := openStore(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	run, err := s.StartGen(ctx, sc.Name, *seed)
	if err != nil {
		return err
	}
	pl, rule, err := s.GenSetup(ctx, gen.Geography)
	if err != nil {
		return err
	}
	g := gen.New(uint64(*seed), sc, run.Anchor, pl, rule)
	l := &loader{s: s, g: g, sc: sc, seed: *seed, run: run, batch: *batch, stopAfter: int64(*stopAfter),
		cancel: cancel, bar: newProgress(env.Stderr)}
	for _, phase := range gen.Phases {
		errc := make(chan error, len(phase))
		for _, lane := range phase {
			go func() {
				for _, u := range lane {
					if err := l.load(ctx, u); err != nil {
						errc <- err
						return
					}
				}
				errc <- nil
			}()
		}
		var failed, stopped error
		for range phase {
			switch err := <-errc; {
			case err == nil:
			case errors.Is(err, context.Canceled):
				stopped = err
			case failed == nil:
				failed = err
			}
		}
		if failed != nil {
			return failed
		}
		if stopped != nil {
			return interrupted(env)
		}
	}
	written, tableRows := l.written.Load(), l.tableRows.Load()
	el := time.Since(start)
	// The bulk load bypassed nothing (the triggers marked every need's day
	// dirty), but recomputing cell by cell would be slow: roll every day
	// again in bulk, so the dashboard answers at once.
	rollStart := time.Now()
	r, err := s.RebuildDashboard(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "数据看板汇总 / dashboard rollups: %d days in %s\n", r.Days, time.Since(rollStart).Round(time.Millisecond))
	fmt.Fprintf(env.Stdout, "生成完成 / generated: scale %s, seed %d, %d rows this run (%d table rows) in %s (%.0f table rows/s)\n",
		sc.Name, *seed, written, tableRows, el.Round(time.Second), float64(tableRows)/max(el.Seconds(), 0.001))
	for _, u := range gen.Units {
		fmt.Fprintf(env.Stdout, "  %-28s %d\n", u.Label(), sc.Total(u))
	}
	fmt.Fprintln(env.Stdout, "审计日志、积分账本可用 huitian audit verify / points verify 校验；运行中的服务会重建索引。")
	return nil
}

// loader writes the units of one run; its lanes share it.
type loader struct {
	s         *store.Store
	g         *gen.Gen
	sc        gen.Scale
	seed      int64
	run       *store.GenRun
	batch     int   // rows per batch; 0: gen.BatchSize
	stopAfter int64 // cancel after this many batches (tests); 0: never
	cancel    context.CancelFunc
	bar       *progress

	committed, written, tableRows atomic.Int64
}

// load writes the batches of u not yet committed. A failure cancels ctx,
// so the other lane stops too; once ctx is cancelled (Ctrl-C, --stop-after
// or the other lane's failure) it returns context.Canceled.
func (l *loader) load(ctx context.Context, u gen.Unit) error {
	total, done := int64(l.sc.Total(u)), l.run.Rows[u]
	size := int64(gen.BatchSize(u))
	if l.batch > 0 {
		size = int64(l.batch)
	}
	l.bar.start(u, done, total)
	batches := produce(ctx, l.g, u, done, total, size, l.sc.Name, l.seed)
	for b := range batches {
		n, err := l.s.WriteGenBatch(ctx, b)
		if err != nil {
			cerr := ctx.Err()
			l.cancel()
			for range batches { // let the producer finish
			}
			if cerr != nil {
				return cerr
			}
			return err
		}
		done += b.Rows
		l.written.Add(b.Rows)
		l.tableRows.Add(int64(n))
		l.bar.update(u, done)
		if c := l.committed.Add(1); l.stopAfter > 0 && c == l.stopAfter {
			l.cancel() // as if interrupted: the next batch is not written
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l.bar.finish(u, done)
	return nil
}

// interrupted says how to resume and ends with exit code 130.
func interrupted(env Env) error {
	fmt.Fprintln(env.Stderr, "\n已中断；已提交的批次保留，用同样的命令再次运行即可续做。\n"+
		"interrupted; committed batches are kept, run the same command again to resume.")
	return exitError(130)
}

// produce generates the batches of u from row done on in a goroutine, so
// making the next batch overlaps writing this one; it stops when ctx ends.
func produce(ctx context.Context, g *gen.Gen, u gen.Unit, done, total, size int64, scale string, seed int64) <-chan *store.GenBatch {
	out := make(chan *store.GenBatch, 1)
	go func() {
		defer close(out)
		for from := done; from < total; from += size {
			to := min(from+size, total)
			b := &store.GenBatch{Unit: u, Start: from, Rows: to - from, Total: total, Final: to == total, Scale: scale, Seed: seed}
			for i := int(from); i < int(to); i++ {
				b.Add(g, i)
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// progress draws the units being loaded on stderr: rows done of the
// total, the rate and the time left. On a terminal one line is redrawn in
// place (\r), the units loading side by side on it; in a log each unit
// gets a line every ten seconds and one at its end.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	bars     map[gen.Unit]*unitBar
	lastDraw time.Time
}

type unitBar struct {
	total, from, done int64 // from: rows done before this run
	started, printed  time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, bars: map[gen.Unit]*unitBar{}}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) start(u gen.Unit, done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.bars[u] = &unitBar{total: total, from: done, done: done, started: now, printed: now}
	if done > 0 && done < total {
		p.println(fmt.Sprintf("%s: 从第 %d 行续做 / resuming at row %d", u.Label(), done, done))
	}
}

// println prints a line of its own, above the redrawn one on a terminal.
func (p *progress) println(line string) {
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", line)
		return
	}
	fmt.Fprintln(p.w, strings.TrimRight(line, " "))
}

func (b *unitBar) rate() (rate float64, eta string) {
	rate = float64(b.done-b.from) / max(time.Since(b.started).Seconds(), 0.001)
	eta = "-"
	if rate > 0 && b.done < b.total {
		eta = (time.Duration(float64(b.total-b.done)/rate) * time.Second).Round(time.Second).String()
	}
	return rate, eta
}

func (b *unitBar) pct() float64 {
	if b.total == 0 {
		return 100
	}
	return float64(b.done) * 100 / float64(b.total)
}

func (p *progress) line(u gen.Unit) string {
	b := p.bars[u]
	rate, eta := b.rate()
	return fmt.Sprintf("%-28s %10d/%-10d %5.1f%% %9.0f rows/s  ETA %s", u.Label(), b.done, b.total, b.pct(), rate, eta)
}

func (p *progress) update(u gen.Unit, done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.bars[u]
	b.done = done
	now := time.Now()
	if !p.tty {
		if now.Sub(b.printed) >= 10*time.Second {
			p.println(p.line(u))
			b.printed = now
		}
		return
	}
	if now.Sub(p.lastDraw) < 200*time.Millisecond {
		return
	}
	p.lastDraw = now
	if len(p.bars) == 1 {
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(u))
		return
	}
	var parts []string // side by side: short, so the line fits
	for _, x := range gen.Units {
		if b := p.bars[x]; b != nil {
			rate, eta := b.rate()
			parts = append(parts, fmt.Sprintf("%s %.1f%% %.0f/s ETA %s", x, b.pct(), rate, eta))
		}
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", strings.Join(parts, " | "))
}

func (p *progress) finish(u gen.Unit, done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bars[u].done = done
	p.println(p.line(u))
	delete(p.bars, u)
}
