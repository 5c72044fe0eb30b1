package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"
)

func newJar() http.CookieJar {
	j, _ := cookiejar.New(nil)
	return j
}

// ceilingPage is a need-board-like page: a header, a search form and a
// list of needs, rendered by html/template per request from data in
// memory (no database, no sessions, no middleware).
var ceilingPage = template.Must(template.New("board").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>治理需求 · 回天</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a href="/" class="brand">回天社区治理平台</a><nav><a href="/needs">治理需求</a> <a href="/organizations">社会组织</a> <a href="/solutions">同款方案</a> <a href="/activities">志愿活动</a></nav></header>
<main><h1>治理需求</h1><form method="get" action="/needs" class="filters"><input name="q" value="{{.Q}}" placeholder="搜索需求"><button>搜索</button></form>
<p class="muted">共 {{len .Needs}} 个需求</p><ul class="needs">
{{range .Needs}}<li class="card"><h2><a href="/needs/{{.ID}}">{{.Title}}</a></h2><p class="meta"><span class="status status-{{.Status}}">{{.StatusName}}</span> {{.Street}} · {{.Community}} · 预算 {{.Budget}} 元 · 截止 {{.Deadline}}</p><p>{{.Description}}</p></li>
{{end}}</ul>{{if .Pad}}<p class="pad">{{.Pad}}</p>{{end}}</main></body></html>`))

type ceilingNeed struct {
	ID, Title, Status, StatusName, Street, Community, Budget, Deadline, Description string
}

type ceilingData struct {
	Q     string
	Needs []ceilingNeed
	Pad   string
}

// ceilingData makes rows of varied Chinese text until the page is size
// bytes (the last few bytes a padding paragraph).
func makeCeilingData(size int) ceilingData {
	streets := []string{"回龙观街道", "霍营街道", "天通苑北街道", "东小口镇", "史各庄街道", "龙泽园街道", "天通苑南街道", "回龙观镇"}
	topics := []string{"老年人助餐服务", "楼道环境整治", "垃圾分类督导", "青少年课后托管", "独居老人探访", "社区心理服务", "电动车充电桩管理",
		"老旧小区加装电梯协商", "残疾人康复支持", "社区文化活动", "停车秩序治理", "便民维修服务"}
	says := []string{"楼里好多老人不会用手机挂号，希望有人定期上门帮忙。", "晚上小区里电动车乱停，消防通道经常被堵住。",
		"孩子放学后没人照看，双职工家庭很需要托管服务。", "希望有专业社工组织居民议事，把大家的意见汇总起来。",
		"垃圾桶周边经常有异味，需要志愿者在投放时段值守。"}
	render := func(d ceilingData) int {
		var b bytes.Buffer
		ceilingPage.Execute(&b, d)
		return b.Len()
	}
	d := ceilingData{}
	for i := 0; ; i++ {
		n := ceilingNeed{ID: fmt.Sprintf("0194d2c1-7a3b-7c00-8000-%012d", i), Title: streets[i%8][:9] + topics[i%len(topics)],
			Status: "published", StatusName: "征集中", Street: streets[i%8], Community: fmt.Sprintf("第%d社区", i%23+1),
			Budget: fmt.Sprintf("%d", 20000+i*1370%180000), Deadline: fmt.Sprintf("2026-12-%02d", i%28+1),
			Description: says[i%len(says)] + says[(i+2)%len(says)]}
		d.Needs = append(d.Needs, n)
		if render(d) > size {
			d.Needs = d.Needs[:len(d.Needs)-1]
			break
		}
	}
	if gap := size - render(d) - len(`<p class="pad"></p>`); gap > 0 {
		d.Pad = strings.Repeat("·", gap/len("·")) + strings.Repeat(" ", gap%len("·"))
	}
	return d
}

// runCeiling serves the page from this process and drives it as the
// targets are driven.
func runCeiling(ctx context.Context, cl *http.Client, size int, gz bool, o options) (*report, error) {
	data := makeCeilingData(size)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		if err := ceilingPage.Execute(&b, data); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if gz && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			// As the application does for pages made per request.
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
			zw.Write(b.Bytes())
			zw.Close()
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Write(z.Bytes())
			return
		}
		w.Write(b.Bytes())
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	u := "http://" + ln.Addr().String()
	got, okk := (&worker{cl: cl, urls: []string{u}, stats: map[string]*routeStats{}, errs: map[string]int{}}).fetchLen(u)
	if !okk || got != size {
		fmt.Printf("   ceiling page is %d bytes (board %d)\n", got, size)
	}
	return drive(ctx, cl, []string{u}, nil, &discovery{}, o, map[string]int{"ceiling": 1}, o.warm, o.dur), nil
}

func (w *worker) fetchLen(u string) (int, bool) {
	resp, err := w.cl.Get(u)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.Len(), resp.StatusCode == 200
}
