package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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
	bar := newProgress(env.Stderr)
	committed, written, tableRows := 0, int64(0), int64(0)
	for _, u := range gen.Units {
		total := int64(sc.Total(u))
		done := run.Rows[u]
		size := int64(gen.BatchSize(u))
		if *batch > 0 {
			size = int64(*batch)
		}
		bar.start(u, done, total)
		batches := produce(ctx, g, u, done, total, size, sc.Name, *seed)
		for b := range batches {
			n, err := s.WriteGenBatch(ctx, b)
			if err != nil {
				stopped := ctx.Err() != nil
				cancel()
				for range batches { // let the producer finish
				}
				if stopped {
					return interrupted(env, err)
				}
				return err
			}
			done += b.Rows
			written += b.Rows
			tableRows += int64(n)
			bar.update(done)
			committed++
			if *stopAfter > 0 && committed == *stopAfter {
				cancel() // as if interrupted: the next batch is not written
			}
		}
		if ctx.Err() != nil {
			return interrupted(env, ctx.Err())
		}
		bar.finish(done)
	}
	el := time.Since(start)
	fmt.Fprintf(env.Stdout, "生成完成 / generated: scale %s, seed %d, %d rows this run (%d table rows) in %s (%.0f table rows/s)\n",
		sc.Name, *seed, written, tableRows, el.Round(time.Second), float64(tableRows)/max(el.Seconds(), 0.001))
	for _, u := range gen.Units {
		fmt.Fprintf(env.Stdout, "  %-28s %d\n", u.Label(), sc.Total(u))
	}
	fmt.Fprintln(env.Stdout, "审计日志、积分账本可用 huitian audit verify / points verify 校验；运行中的服务会重建索引。")
	return nil
}

// interrupted says how to resume and ends with exit code 130.
func interrupted(env Env, err error) error {
	if !errors.Is(err, context.Canceled) {
		fmt.Fprintln(env.Stderr, "huitian gen:", err)
	}
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
				switch u {
				case gen.Orgs:
					b.Orgs = append(b.Orgs, g.Org(i))
				case gen.Residents:
					b.Residents = append(b.Residents, g.Resident(i))
				case gen.Merchants:
					b.Merchants = append(b.Merchants, g.Merchant(i))
				case gen.Projects:
					b.Projects = append(b.Projects, g.Project(i))
				case gen.Needs:
					b.Needs = append(b.Needs, g.Need(i))
				case gen.Activities:
					b.Activities = append(b.Activities, g.Activity(i))
				case gen.Postings:
					b.Postings = append(b.Postings, g.Posting(i))
				}
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

// progress draws one line per unit on stderr: rows done of the total,
// the rate and the time left. On a terminal the line is redrawn in place
// (\r); in a log it is printed every ten seconds and at the end.
type progress struct {
	w        io.Writer
	tty      bool
	unit     gen.Unit
	total    int64
	from     int64 // rows done before this run
	started  time.Time
	lastDraw time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) start(u gen.Unit, done, total int64) {
	p.unit, p.total, p.from, p.started, p.lastDraw = u, total, done, time.Now(), time.Now()
	if done > 0 && done < total {
		fmt.Fprintf(p.w, "%s: 从第 %d 行续做 / resuming at row %d\n", u.Label(), done, done)
	}
}

func (p *progress) line(done int64) string {
	el := time.Since(p.started).Seconds()
	rate := float64(done-p.from) / max(el, 0.001)
	eta := "-"
	if rate > 0 && done < p.total {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	pct := 100.0
	if p.total > 0 {
		pct = float64(done) * 100 / float64(p.total)
	}
	return fmt.Sprintf("%-28s %10d/%-10d %5.1f%% %9.0f rows/s  ETA %s", p.unit.Label(), done, p.total, pct, rate, eta)
}

func (p *progress) update(done int64) {
	now := time.Now()
	switch {
	case p.tty && now.Sub(p.lastDraw) >= 200*time.Millisecond:
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(done))
	case !p.tty && now.Sub(p.lastDraw) >= 10*time.Second:
		fmt.Fprintln(p.w, strings.TrimRight(p.line(done), " "))
	default:
		return
	}
	p.lastDraw = now
}

func (p *progress) finish(done int64) {
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", p.line(done))
		return
	}
	fmt.Fprintln(p.w, strings.TrimRight(p.line(done), " "))
}
