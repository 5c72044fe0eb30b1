package cli

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
)

func runDemo(ctx context.Context, args []string, env Env) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags("demo", env)
	addr := fs.String("addr", cfg.Addr, "监听地址 / listen address")
	data := fs.String("data", "data", "演示数据目录（再次运行会沿用）/ data folder, reused by later runs")
	fresh := fs.Bool("fresh", false, "丢弃上次的演示数据，重新生成 / discard the previous demo data and seed anew")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	cfg.Addr, cfg.DevInbox = *addr, true
	cfg.Database = filepath.Join(*data, "huitian-demo.db")
	log := newLogger(env.Stderr, "warn", false)

	start := time.Now()
	if *fresh {
		for _, f := range []string{cfg.Database, cfg.Database + "-wal", cfg.Database + "-shm"} {
			if err := os.Remove(f); err != nil && !errors.Is(err, iofs.ErrNotExist) {
				return err
			}
		}
	}
	s, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	res, err := demo.Seed(ctx, s, time.Now())
	if err != nil {
		return err
	}
	// Data seeded by an older version lacks what newer migrations brought
	// (an empty catalog, say): say how to start over.
	stale := !res.Created && len(applied) > 0
	inbox := sms.NewInbox(100)
	h, err := Handler(cfg, s, log, inbox, inbox)
	if err != nil {
		return err
	}
	// The workers are stopped and waited for before the store closes: a
	// connection outliving it would, on closing, delete the -wal file of
	// the database a --fresh run creates under the same name.
	workers, stopWorkers := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopWorkers(); bg.Wait() }()
	if err := startWorkers(workers, &bg, s, inbox, log, nil); err != nil {
		return err
	}
	return listenAndServe(ctx, cfg.Addr, h, log, func(url string) {
		out := env.Stdout
		open := openAddress(url)
		fmt.Fprintf(out, "\n回天社区治理平台 演示 / Huitian demo\n\n")
		fmt.Fprintf(out, "  打开 / open:   %s\n", open)
		what := "已沿用 / reused"
		if res.Created {
			what = "已生成 / created"
		}
		fmt.Fprintf(out, "  数据 / data:   %s（%s，%.1fs）\n", cfg.Database, what, time.Since(start).Seconds())
		if stale {
			fmt.Fprintf(out, "                 演示数据由旧版本生成，新功能可能没有演示数据；加 --fresh 重新生成 / seeded by an older version: add --fresh to seed anew\n")
		}
		fmt.Fprintf(out, "                 %d 个街道镇, %d 个社区, %d 个小区, %d 个社会组织, %d 个治理需求, %d 个同款方案, %d 个商户, %d 个志愿活动\n\n",
			res.Streets, res.Communities, res.Complexes, res.Organizations, res.Needs, res.Solutions, res.Merchants, res.Activities)
		fmt.Fprintf(out, "  演示账号 / demo logins（工作人员密码 / staff password: %s）:\n", demo.Password)
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		for _, l := range res.Logins {
			how := "密码 / password"
			if l.Password == "" {
				how = "短信验证码，见 " + open + "/dev/inbox / SMS code"
			}
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\n", l.Role, l.Phone, l.Name, l.Note, how)
		}
		tw.Flush()
		fmt.Fprintf(out, "\n  按 Ctrl+C 停止 / press Ctrl+C to stop\n\n")
		if env.Ready != nil {
			env.Ready(url)
		}
	})
}

// openAddress is the address to open in a browser for a server listening
// at url: localhost for a loopback or all-interfaces listener, because
// passkeys (WebAuthn) work at localhost and never at an IP address such as
// 127.0.0.1; any other address as it is.
func openAddress(url string) string {
	host, port, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if err != nil {
		return url
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return "http://localhost:" + port
	}
	return url
}
