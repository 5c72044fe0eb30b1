// Package cli is the huitian command: it parses flags, wires the packages
// together and runs one command. Nothing else reads flags.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/store"
)

// Env is the outside world of one run, so tests can drive the CLI.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, if set, is called with the server URL once it listens.
	Ready func(url string)
}

const usage = `huitian — 回天社区治理平台 / Huitian community governance platform

用法 / usage:
  huitian demo   [--addr 127.0.0.1:8080] [--data DIR]   演示：内置 SQLite 和演示数据
  huitian serve  [--db DSN] [--addr HOST:PORT]           生产服务
  huitian migrate --db DSN                               升级数据库结构
  huitian import organizations FILE [--skip-invalid]     导入组织（.jsonl .csv .xlsx）
  huitian import projects FILE [--skip-invalid]          导入已完成的历史项目（.jsonl，组织按来源编号对应）
  huitian export organizations FILE [--contacts]         导出组织（.jsonl .csv .xlsx）
  huitian user add --phone P --name N --role R [--scope ID|KEY|名称] [--password-stdin]
  huitian user password --phone P [--password-stdin]      重设工作人员密码（并让其重新登录）
  huitian user disable --phone P                         停用账号：立即结束其所有会话并作废其 API 令牌
  huitian token create --phone P                         创建 API 访问令牌（打印到标准输出）
  huitian audit verify [--heads FILE]                    校验审计日志链（可对照保存的每日链头）
  huitian points verify                                  校验积分余额等于流水之和
  huitian points issue                                   发放公示期满的积分（可每小时定时运行）
  huitian points expire --year Y                         Y 年获得、到次年底仍未用的积分到期
  huitian reindex                                        让所有运行中的节点从数据库重建搜索和匹配索引
  huitian backup --to FILE                               在线备份（SQLite 快照；PostgreSQL 用 pg_dump）并校验
  huitian restore --from FILE                            恢复到空数据库并校验审计链和账本
  huitian copy --from DSN --to postgres://…              把整个库（例如 SQLite）复制到空的 PostgreSQL 并校验
  huitian grants verify                                  校验基金、轮次、资助与资金流水一致
  huitian eval --orgs F --projects F --queries F [-v]   评测推荐质量（nDCG@5、recall@5，对比 FTS5 基线）
  huitian gen --scale street|district|city --db DSN [--seed N]  生成整街道/区/市规模的测试数据（可中断续做）
  huitian dashboard rebuild                              重建数据看板的按日汇总（服务会自动补齐，一般不需要）
  huitian dashboard verify                               校验数据看板的汇总与明细计算一致（大库需数分钟）

DSN: SQLite 文件路径（或 sqlite:PATH）或 postgres:// URL；也可用 HUITIAN_DATABASE。
`

// Run runs the command in args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "import" || cmd == "export" || cmd == "user" || cmd == "token" || cmd == "audit" || cmd == "points" || cmd == "grants" || cmd == "dashboard") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	run, ok := map[string]func(context.Context, []string, Env) error{
		"demo":                 runDemo,
		"serve":                runServe,
		"migrate":              runMigrate,
		"import organizations": runImport,
		"import projects":      runImportProjects,
		"export organizations": runExport,
		"user add":             runUserAdd,
		"user password":        runUserPassword,
		"user disable":         runUserDisable,
		"token create":         runTokenCreate,
		"audit verify":         runAuditVerify,
		"eval":                 runEval,
		"points verify":        runPointsVerify,
		"points issue":         runPointsIssue,
		"points expire":        runPointsExpire,
		"backup":               runBackup,
		"reindex":              runReindex,
		"restore":              runRestore,
		"copy":                 runCopy,
		"grants verify":        runGrantsVerify,
		"gen":                  runGen,
		"dashboard rebuild":    runDashboardRebuild,
		"dashboard verify":     runDashboardVerify,
	}[cmd]
	if !ok {
		fmt.Fprintf(env.Stderr, "未知命令 / unknown command: %s\n\n%s", strings.Join(args, " "), usage)
		return 2
	}
	if err := run(ctx, rest, env); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return int(ee)
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "huitian:", describe(err))
		return 1
	}
	return 0
}

// exitError ends a command with a code after it already said why.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// describe renders an error for the console in Chinese, with the internal
// cause for operators (never personal data: our errors do not carry any).
func describe(err error) string {
	cat, cerr := i18n.Load()
	e := errs.As(err)
	if cerr != nil || e.Key == "" {
		return err.Error()
	}
	msg := cat.Error(i18n.ZH, err)
	if e.Code == errs.Internal && e.Err != nil {
		msg += "（" + e.Err.Error() + "）"
	}
	return msg
}

// flags makes a flag set that prints its errors to stderr.
func flags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("huitian "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// dbFlag adds --db; empty means HUITIAN_DATABASE (see openStore).
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "SQLite 路径或 postgres:// URL（默认 HUITIAN_DATABASE）/ SQLite path or postgres:// URL")
}

// parse parses flags that may come before or after positional arguments
// ("import organizations FILE --skip-invalid" and the other way round).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// loadConfig reads HUITIAN_* variables into a config.
func loadConfig(env Env) (config.Config, error) { return config.Load(env.Getenv) }

// openStore opens the database named by --db or HUITIAN_DATABASE.
func openStore(ctx context.Context, dsn string, env Env) (*store.Store, error) {
	if dsn == "" {
		dsn = env.Getenv("HUITIAN_DATABASE")
	}
	if dsn == "" {
		return nil, errs.Field("db", "db.missing")
	}
	return store.Open(ctx, dsn)
}

// openDBOnly parses the flags of a command whose one flag is --db and opens
// that database, refusing one with pending migrations.
func openDBOnly(ctx context.Context, name string, args []string, env Env) (*store.Store, error) {
	fs := flags(name, env)
	db := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return nil, err
	}
	return openCurrent(ctx, *db, env)
}

// openCurrent opens the database and refuses a schema that is not up to date.
func openCurrent(ctx context.Context, dsn string, env Env) (*store.Store, error) {
	s, err := openStore(ctx, dsn, env)
	if err != nil {
		return nil, err
	}
	pending, err := s.Pending(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(pending) > 0 {
		s.Close()
		shown := dsn
		if shown == "" {
			shown = "$HUITIAN_DATABASE"
		}
		return nil, fmt.Errorf("数据库结构不是最新的（缺少 %s），请先运行：huitian migrate --db %s\n"+
			"the database schema is out of date (missing %s); run: huitian migrate --db %s",
			strings.Join(pending, ", "), redact(shown), strings.Join(pending, ", "), redact(shown))
	}
	return s, nil
}

// redact hides a password in a postgres:// URL before printing it.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return dsn[:i+3] + cred[:c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

func newLogger(w io.Writer, level string, json bool) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: l}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
