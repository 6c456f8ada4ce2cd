package digitalocean

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// BenchmarkApplyBackups replays what `terraform apply` does for N droplet_backups resources at
// -parallelism P (read the policy, enable backups, read it again) against an emulator with
// DigitalOcean's limits, and reports requests and wall time per apply, without Terraform:
//
//	go test -run '^$' -bench ApplyBackups -benchtime 1x ./internal/digitalocean/
//
// `make bench` measures the same through the terraform binary, beside the official provider.
func BenchmarkApplyBackups(b *testing.B) {
	for _, size := range []struct{ n, parallel int }{{50, 10}, {600, 50}} {
		b.Run(fmt.Sprintf("%d-p%d", size.n, size.parallel), func(b *testing.B) {
			for range b.N {
				applyBackups(b, size.n, size.parallel, 3*time.Second)
			}
		})
	}
}

func applyBackups(b *testing.B, n, parallel int, action time.Duration) {
	opts := emulator.DefaultOptions()
	opts.ActionDuration = action
	opts.Latency = 30 * time.Millisecond
	r, err := emulator.Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	ids := make([]int, n)
	for i := range ids {
		ids[i] = r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	}
	c, err := NewClient(context.Background(), Config{Token: emulator.DefaultToken, APIEndpoint: r.URL, HTTPRetryMax: 4})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				ctx := context.Background()
				if _, err := c.BackupPolicy(ctx, id); err != nil {
					b.Error(err)
				}
				if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "enable_backups", BackupPolicy: &Policy{Plan: "daily", Hour: intPtr(4)}}}); err != nil {
					b.Error(err)
				}
				if _, err := c.BackupPolicy(ctx, id); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	st := r.Server.Stats()
	waves := (n + parallel - 1) / parallel
	b.ReportMetric(float64(st.TotalRequests), "requests/apply")
	b.ReportMetric(wall.Seconds(), "s/apply")
	b.ReportMetric(wall.Seconds()/(float64(waves)*action.Seconds()), "wall/ideal")
	b.ReportMetric(float64(st.PeakPerMinute), "peak/min")
	b.Logf("%d requests in %v: %v", st.TotalRequests, wall.Round(10*time.Millisecond), st.Requests)
}
