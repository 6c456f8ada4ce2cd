package backups_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// listFleet is the account the query tests list: two droplets tagged web (one with weekly
// backups, one without), one tagged db with daily backups, an untagged one on a usage-based plan
// and an untagged one without backups.
type listFleet struct {
	web1, web2, db1, api, batch int
}

func newListFleet(t *testing.T, env *acctest.Env) listFleet {
	t.Helper()
	s := env.Emulator.Server
	f := listFleet{
		web1: s.CreateDroplet(emulator.DropletSpec{Name: "web-1", Tags: []string{"web"}, Backups: true, BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "SUN", Hour: hourPtr(4)}}).ID,
		web2: s.CreateDroplet(emulator.DropletSpec{Name: "web-2", Tags: []string{"web"}}).ID,
		db1:  s.CreateDroplet(emulator.DropletSpec{Name: "db-1", Tags: []string{"db"}, Backups: true, BackupPolicy: &emulator.PolicySpec{Plan: "daily", Hour: hourPtr(20)}}).ID,
		api: s.CreateDroplet(emulator.DropletSpec{Name: "api", Backups: true, BackupPolicy: &emulator.PolicySpec{
			Plan: "intra_daily_4h", Hour: hourPtr(0), RetentionPeriodDays: acctest.Ptr(3)}}).ID,
		batch: s.CreateDroplet(emulator.DropletSpec{Name: "batch"}).ID,
	}
	return f
}

// expectResourcesMatchEmulator compares every result of every list block that includes resources
// with what the emulator holds for that droplet when the query has run, and checks that the
// blocks in withoutResource carry no resource.
func expectResourcesMatchEmulator(env *acctest.Env, withoutResource ...string) querycheck.QueryResultCheck {
	return acctest.QueryCheck(func(req querycheck.CheckQueryRequest) error {
		if len(req.Query) == 0 {
			return fmt.Errorf("the query found nothing to compare")
		}
		for _, found := range req.Query {
			addr := strings.TrimPrefix(found.Address, "list.")
			id, err := acctest.ListedDropletID(found.Identity)
			if err != nil {
				return fmt.Errorf("%s: %w", addr, err)
			}
			if slices.Contains(withoutResource, addr) {
				if found.ResourceObject != nil {
					return fmt.Errorf("%s: droplet %d has a resource although include_resource is false", addr, id)
				}
				continue
			}
			rec, ok := env.Emulator.Server.BackupPolicy(id)
			if !ok {
				return fmt.Errorf("%s: droplet %d is unknown to the emulator", addr, id)
			}
			attrs := found.ResourceObject
			if attrs == nil {
				return fmt.Errorf("%s: droplet %d has no resource", addr, id)
			}
			if err := compareStateToRecord(attrs, rec); err != nil {
				return fmt.Errorf("%s: droplet %d against the emulator: %w", addr, id, err)
			}
		}
		return nil
	})
}

func TestAccListBackups_filters(t *testing.T) {
	env := newBackupsEnv(t)
	f := newListFleet(t, env)
	acctest.QueryTest(t, resource.TestStep{
		Config: env.Config(acctest.HCL(
			acctest.List{Type: "droplet_backups", Label: "all", IncludeResource: true},
			acctest.List{Type: "droplet_backups", Label: "web", IncludeResource: true, Config: `tag_name = "web"`},
			acctest.List{Type: "droplet_backups", Label: "on", IncludeResource: true, Config: `enabled = true`},
			acctest.List{Type: "droplet_backups", Label: "off", IncludeResource: true, Config: `enabled = false`},
			acctest.List{Type: "droplet_backups", Label: "web_off", Config: `
tag_name = "web"
enabled = false
`},
			acctest.List{Type: "droplet_backups", Label: "nobody", Config: `tag_name = "nobody"`},
		)),
		QueryResultChecks: concat(
			acctest.ExpectListed("droplet_backups.all", f.web1, f.web2, f.db1, f.api, f.batch),
			acctest.ExpectListed("droplet_backups.web", f.web1, f.web2),
			acctest.ExpectListed("droplet_backups.on", f.web1, f.db1, f.api),
			acctest.ExpectListed("droplet_backups.off", f.web2, f.batch),
			acctest.ExpectListed("droplet_backups.web_off", f.web2),
			acctest.ExpectListed("droplet_backups.nobody"),
			[]querycheck.QueryResultCheck{
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(f.web1), knownvalue.StringExact(fmt.Sprintf("web-1 (%d): weekly SUN 04:00", f.web1))),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(f.web2), knownvalue.StringExact(fmt.Sprintf("web-2 (%d): backups off", f.web2))),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(f.db1), knownvalue.StringExact(fmt.Sprintf("db-1 (%d): daily 20:00", f.db1))),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(f.api), knownvalue.StringExact(fmt.Sprintf("api (%d): every 4 h, kept 3 days", f.api))),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(f.batch), knownvalue.StringExact(fmt.Sprintf("batch (%d): backups off", f.batch))),
				querycheck.ExpectResourceKnownValues("droplet_backups.all", acctest.ByDroplet(f.web1), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(fmt.Sprint(f.web1))},
					{Path: tfjsonpath.New("droplet_id"), KnownValue: knownvalue.Int64Exact(int64(f.web1))},
					{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(true)},
					{Path: tfjsonpath.New("plan"), KnownValue: knownvalue.StringExact("weekly")},
					{Path: tfjsonpath.New("weekday"), KnownValue: knownvalue.StringExact("SUN")},
					{Path: tfjsonpath.New("hour"), KnownValue: knownvalue.Int64Exact(4)},
					{Path: tfjsonpath.New("window_length_hours"), KnownValue: knownvalue.Int64Exact(4)},
					{Path: tfjsonpath.New("retention_period_days"), KnownValue: knownvalue.Int64Exact(28)},
					{Path: tfjsonpath.New("snapshot_backups_on_disable"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectResourceKnownValues("droplet_backups.on", acctest.ByDroplet(f.api), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("plan"), KnownValue: knownvalue.StringExact("intra_daily_4h")},
					{Path: tfjsonpath.New("weekday"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("hour"), KnownValue: knownvalue.Int64Exact(0)},
					{Path: tfjsonpath.New("window_length_hours"), KnownValue: knownvalue.Int64Exact(4)},
					{Path: tfjsonpath.New("retention_period_days"), KnownValue: knownvalue.Int64Exact(3)},
				}),
				querycheck.ExpectResourceKnownValues("droplet_backups.off", acctest.ByDroplet(f.batch), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("droplet_id"), KnownValue: knownvalue.Int64Exact(int64(f.batch))},
					{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("plan"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("hour"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("next_backup_window"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("snapshot_backups_on_disable"), KnownValue: knownvalue.Bool(false)},
				}),
				expectResourcesMatchEmulator(env, "droplet_backups.web_off", "droplet_backups.nobody"),
			},
		),
	})
}

// TestAccListBackups_limit lists an account of 450 droplets: all of them in 3 + 3 requests, and,
// with a limit, only the pages the limit needs.
func TestAccListBackups_limit(t *testing.T) {
	env := newBackupsEnv(t)
	s := env.Emulator.Server
	ids := make([]int, 450)
	for i := range ids {
		spec := emulator.DropletSpec{Name: fmt.Sprintf("node-%03d", i)}
		if i%3 == 0 {
			spec.Backups, spec.BackupPolicy = true, &emulator.PolicySpec{Plan: "daily", Hour: hourPtr(8)}
		}
		ids[i] = s.CreateDroplet(spec).ID
	}
	acctest.QueryTest(t,
		resource.TestStep{
			PreConfig: s.ResetStats,
			Config:    env.Config(acctest.List{Type: "droplet_backups", Label: "first", Limit: 3}.HCL()),
			QueryResultChecks: concat(
				acctest.ExpectListed("droplet_backups.first", ids[0], ids[1], ids[2]),
				[]querycheck.QueryResultCheck{backupsRequests(s, 1, 1)},
			),
		},
		resource.TestStep{
			PreConfig: s.ResetStats,
			Config:    env.Config(acctest.List{Type: "droplet_backups", Label: "on", Limit: 70, Config: `enabled = true`}.HCL()),
			// Droplets 0, 3, …, 207 have backups: the 70th is on the second page.
			QueryResultChecks: concat(
				[]querycheck.QueryResultCheck{
					querycheck.ExpectLength("droplet_backups.on", 70),
					querycheck.ExpectIdentity("droplet_backups.on", map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(ids[207]))}),
					querycheck.ExpectNoIdentity("droplet_backups.on", map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(ids[210]))}),
					backupsRequests(s, 2, 2),
				},
			),
		},
		resource.TestStep{
			PreConfig: s.ResetStats,
			Config:    env.Config(acctest.List{Type: "droplet_backups", Label: "all", Limit: 1000}.HCL()),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("droplet_backups.all", 450),
				querycheck.ExpectIdentity("droplet_backups.all", map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(ids[449]))}),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(ids[449]), knownvalue.StringExact(fmt.Sprintf("node-449 (%d): backups off", ids[449]))),
				querycheck.ExpectResourceDisplayName("droplet_backups.all", acctest.ByDroplet(ids[447]), knownvalue.StringExact(fmt.Sprintf("node-447 (%d): daily 08:00", ids[447]))),
				backupsRequests(s, 3, 3),
			},
		},
	)
}

// backupsRequests is what listing costs: droplet pages and policy pages, nothing else.
func backupsRequests(s *emulator.Server, dropletPages, policyPages int) querycheck.QueryResultCheck {
	return acctest.ExpectRequests(s, map[string]int{
		"GET /v2/droplets":                  dropletPages,
		"GET /v2/droplets/backups/policies": policyPages,
	})
}

// TestAccListBackups_apiError: a failing API ends the query with a diagnostic that says what was
// being listed.
func TestAccListBackups_apiError(t *testing.T) {
	env := newBackupsEnv(t)
	newListFleet(t, env)
	acctest.ExpectListAPIError(t, env, "droplet_backups",
		regexp.MustCompile(`Cannot list the droplets tagged \\?"web\\?" and their backup policies`))
}

func concat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestAccListBackups_invalidTagName: a tag DigitalOcean cannot hold fails when the query is
// validated, naming the attribute, before any request.
func TestAccListBackups_invalidTagName(t *testing.T) {
	env := newBackupsEnv(t)
	acctest.QueryTest(t, resource.TestStep{
		Config:      env.Config(acctest.List{Type: "droplet_backups", Label: "typo", Config: `tag_name = "web servers"`}.HCL()),
		ExpectError: regexp.MustCompile(`tag_name must contain only letters, digits`),
	})
	if n := env.Emulator.Server.Stats().TotalRequests; n != 0 {
		t.Errorf("an invalid tag_name sent %d requests, want none", n)
	}
}
