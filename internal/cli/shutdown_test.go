package cli_test

import (
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestShutdownWritesVisitCounts: SIGTERM ends `huitian serve` gracefully
// (exit 0) and the portal's visit counts it held in memory are written,
// not lost with the process.
func TestShutdownWritesVisitCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and stops a real process")
	}
	t.Parallel()
	bin := huitianBinary(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s, dsn := storetest.OpenDSN(t, d)
			var logs syncBuffer
			n := startNode(t, bin, dsn, &logs)
			for range 3 { // the first is written at once, the next two wait for the flush
				res, err := http.Get(n.url + "/portal")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("/portal: %d", res.StatusCode)
				}
			}
			n.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-n.exited:
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop on SIGTERM")
			}
			if code := n.cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit %d after SIGTERM: %s", code, logs.String())
			}
			o, err := s.Overview(storetest.Admin(), store.DashboardFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if o.PortalViews != 3 || o.PortalVisitors != 1 {
				t.Fatalf("after shutdown: views %d visitors %d, want 3 and 1", o.PortalViews, o.PortalVisitors)
			}
		})
	}
}
