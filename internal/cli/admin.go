package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// system is the actor of command-line changes: recorded as "system" in the audit log.
func system(ctx context.Context) context.Context { return accounts.WithActor(ctx, accounts.System()) }

func runMigrate(ctx context.Context, args []string, env Env) error {
	fs := flags("migrate", env)
	db := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	done, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintln(env.Stdout, "数据库结构已是最新 / schema is up to date")
	}
	for _, v := range done {
		fmt.Fprintln(env.Stdout, "applied", v)
	}
	return nil
}

func runUserAdd(ctx context.Context, args []string, env Env) error {
	fs := flags("user add", env)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "手机号 / phone")
	name := fs.String("name", "", "姓名 / name")
	role := fs.String("role", "", "角色 / role: "+roleList())
	scope := fs.String("scope", "", "所属街道、社区或组织：编号、来源编号或全称 / scope: id, key or exact name")
	pwStdin := fs.Bool("password-stdin", false, "从标准输入读取密码 / read the password from stdin")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	r := accounts.Role(*role)
	if !accounts.ValidRole(r) {
		return errs.Field("role", "role.invalid")
	}
	scopeID, err := s.ResolveScope(ctx, r, *scope)
	if err != nil {
		return err
	}
	u := &accounts.User{Phone: *phone, Name: *name, Grants: []accounts.Grant{{Role: r, ScopeID: scopeID}}}
	generated := ""
	if accounts.StaffRole(r) {
		if u.PasswordHash, generated, err = newPassword(env, *pwStdin); err != nil {
			return err
		}
	}
	if err := s.CreateUser(system(ctx), u); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已添加用户 / user added: %s %s %s", u.ID, u.Name, r)
	if len(u.Grants) > 0 && u.Grants[0].ScopeName != "" {
		fmt.Fprintf(env.Stdout, " · %s", u.Grants[0].ScopeName)
	}
	fmt.Fprintln(env.Stdout)
	if generated != "" {
		fmt.Fprintf(env.Stdout, "初始密码（只显示这一次）/ initial password (shown once): %s\n", generated)
	}
	return nil
}

// newPassword reads a password from stdin, or makes one up (returned as
// generated, to be shown once), and returns its hash.
func newPassword(env Env, fromStdin bool) (hash, generated string, err error) {
	var pw string
	if fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", "", fmt.Errorf("没有从标准输入读到密码 / no password on stdin")
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw = randomPassword()
		generated = pw
	}
	if err := accounts.ValidatePassword(pw); err != nil {
		return "", "", err
	}
	hash, err = accounts.HashPassword(pw)
	return hash, generated, err
}

func runUserPassword(ctx context.Context, args []string, env Env) error {
	fs := flags("user password", env)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "账号手机号 / the account's phone")
	pwStdin := fs.Bool("password-stdin", false, "从标准输入读取新密码 / read the new password from stdin")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, u, err := userByPhone(ctx, *db, *phone, env)
	if err != nil {
		return err
	}
	defer s.Close()
	hash, generated, err := newPassword(env, *pwStdin)
	if err != nil {
		return err
	}
	if err := s.SetPassword(system(ctx), u.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已重设密码，该用户需重新登录 / password reset for %s; all sessions ended\n", u.Name)
	if generated != "" {
		fmt.Fprintf(env.Stdout, "新密码（只显示这一次）/ new password (shown once): %s\n", generated)
	}
	return nil
}

// runUserDisable closes an account: no more sign-in, and every session and
// API token of it ends now (a lost phone, a departed staff member).
func runUserDisable(ctx context.Context, args []string, env Env) error {
	fs := flags("user disable", env)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "账号手机号 / the account's phone")
	reason := fs.String("reason", "命令行停用", "停用原因，记入审计日志 / why, for the audit log")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, u, err := userByPhone(ctx, *db, *phone, env)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.DisableUser(system(ctx), u.ID, *reason); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已停用账号，所有会话和 API 令牌已失效 / account %s disabled; all sessions and API tokens ended\n", u.Name)
	return nil
}

// userByPhone opens the (current) database and finds the account with this
// phone; the caller closes the store.
func userByPhone(ctx context.Context, db, phone string, env Env) (*store.Store, *accounts.User, error) {
	p, err := accounts.NormalizePhone(phone)
	if err != nil {
		return nil, nil, err
	}
	s, err := openCurrent(ctx, db, env)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.FindUserByPhone(ctx, p)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, u, nil
}

func roleList() string {
	var names []string
	for _, r := range accounts.Roles {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// randomPassword returns 12 characters that are easy to read aloud (no 0/O, 1/l).
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func runTokenCreate(ctx context.Context, args []string, env Env) error {
	fs := flags("token create", env)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "账号手机号 / the account's phone")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, u, err := userByPhone(ctx, *db, *phone, env)
	if err != nil {
		return err
	}
	defer s.Close()
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	token, err := s.CreateAPIToken(system(ctx), u.ID, cfg.APITokenIdle)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	fmt.Fprintf(env.Stderr, "未使用满 %s 即失效（HUITIAN_API_TOKEN_IDLE）/ stops working once unused for %s\n",
		idleText(cfg.APITokenIdle), idleText(cfg.APITokenIdle))
	return nil
}

func runAuditVerify(ctx context.Context, args []string, env Env) error {
	fs := flags("audit verify", env)
	db := dbFlag(fs)
	headsFile := fs.String("heads", "", "对照先前保存的每日链头（/api/v1/audit/heads 的 JSON）/ check against daily heads saved earlier")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var published []audit.DayHead
	if *headsFile != "" {
		var err error
		if published, err = readHeads(*headsFile); err != nil {
			return err
		}
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	b, n, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if b != nil {
		reason := map[string]string{"hash": "记录内容被修改 / entry content changed",
			"link": "前后记录对不上 / previous-hash link broken", "gap": "有记录被删除 / entry missing"}[b.Reason]
		fmt.Fprintf(env.Stdout, "审计日志链断开 / audit chain BROKEN at entry %d (id %s): %s\n", b.Seq, b.ID, reason)
		return exitError(1)
	}
	if *headsFile != "" {
		bad, err := s.VerifyAuditHeads(ctx, published)
		if err != nil {
			return err
		}
		for _, m := range bad {
			reason := map[string]string{"hash": "该日链头的哈希已变（记录被改或整条链被重算）/ head hash changed (entries edited or chain rewritten)",
				"missing": "该日链头的记录已不存在 / head entry gone",
				"count":   "已结束的一天记录条数变了 / a closed day's entries changed"}[m.Reason]
			fmt.Fprintf(env.Stdout, "与公布的每日链头不符 / published head MISMATCH for %s (entry %d): %s\n", m.Day, m.Seq, reason)
		}
		if len(bad) > 0 {
			return exitError(1)
		}
		fmt.Fprintf(env.Stdout, "与公布的 %d 个每日链头一致 / matches %d published daily heads\n", len(published), len(published))
	}
	fmt.Fprintf(env.Stdout, "审计日志链完整 / audit chain intact: %d entries\n", n)
	return nil
}

// readHeads reads daily heads saved from GET /api/v1/audit/heads (the
// whole answer, or just its "days" array).
func readHeads(path string) ([]audit.DayHead, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Days []audit.DayHead `json:"days"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		if err := json.Unmarshal(b, &doc.Days); err != nil {
			return nil, fmt.Errorf("%s: 不是每日链头的 JSON / not a daily heads JSON: %w", path, err)
		}
	}
	if len(doc.Days) == 0 {
		return nil, fmt.Errorf("%s: 没有每日链头 / no daily heads", path)
	}
	return doc.Days, nil
}

// runReindex asks every running node to rebuild its search and matching
// indexes from the database (they follow the change feed and rebuild
// within seconds); a node started later builds them anyway.
func runReindex(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "reindex", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RequestReindex(system(ctx)); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "已请求所有运行中的节点重建索引 / every running node will rebuild its indexes within seconds")
	return nil
}

// idleText says a duration in days when it is whole days.
func idleText(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d 天 / days", d/(24*time.Hour))
	}
	return d.String()
}
