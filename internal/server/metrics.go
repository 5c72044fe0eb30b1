package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/huitian/huitian/internal/store"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	queries  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "huitian_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "huitian_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "huitian_http_request_queries", Help: "SQL statements run for one request, by route pattern.",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 100},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, m.queries)
	return m
}

// middleware counts requests by mux pattern (bounded cardinality: never the raw path).
func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		pattern := new(string)
		sw := &statusWriter{ResponseWriter: w}
		ctx, queries := store.CountQueries(context.WithValue(r.Context(), patternKey{}, pattern))
		next.ServeHTTP(sw, r.WithContext(ctx))
		route := *pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		m.queries.WithLabelValues(route).Observe(float64(queries.Load()))
	})
}
