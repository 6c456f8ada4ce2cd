package power_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// expectPowerMatchesEmulator compares the status and state of every result with the droplet's
// status in the emulator when the query has run.
func expectPowerMatchesEmulator(env *acctest.Env) querycheck.QueryResultCheck {
	return acctest.QueryCheck(func(req querycheck.CheckQueryRequest) error {
		if len(req.Query) == 0 {
			return fmt.Errorf("the query found nothing to compare")
		}
		for _, found := range req.Query {
			id, err := acctest.ListedDropletID(found.Identity)
			if err != nil {
				return fmt.Errorf("%s: %w", found.Address, err)
			}
			d, ok := env.Emulator.Server.Droplet(id)
			if !ok {
				return fmt.Errorf("%s: droplet %d is unknown to the emulator", found.Address, id)
			}
			want := map[string]string{"active": "on", "off": "off"}[d.Status]
			attrs := found.ResourceObject
			if attrs["status"] != d.Status || attrs["state"] != want {
				return fmt.Errorf("%s: droplet %d listed with state %v, status %v; the emulator reports status %q",
					found.Address, id, attrs["state"], attrs["status"], d.Status)
			}
		}
		return nil
	})
}

func TestAccListPower_query(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	s := env.Emulator.Server
	web1 := s.CreateDroplet(emulator.DropletSpec{Name: "web-1", Tags: []string{"web"}}).ID
	web2 := s.CreateDroplet(emulator.DropletSpec{Name: "web-2", Tags: []string{"web"}}).ID
	db1 := s.CreateDroplet(emulator.DropletSpec{Name: "db-1"}).ID
	powerOutOfBand(t, env, web2, "power_off")

	acctest.QueryTest(t, resource.TestStep{
		PreConfig: s.ResetStats,
		Config: env.Config(acctest.HCL(
			acctest.List{Type: "droplet_power", Label: "all", IncludeResource: true},
			acctest.List{Type: "droplet_power", Label: "web", IncludeResource: true, Config: `tag_name = "web"`},
			acctest.List{Type: "droplet_power", Label: "nobody", Config: `tag_name = "nobody"`},
		)),
		QueryResultChecks: append(append(append(
			acctest.ExpectListed("droplet_power.all", web1, web2, db1),
			acctest.ExpectListed("droplet_power.web", web1, web2)...),
			acctest.ExpectListed("droplet_power.nobody")...),
			querycheck.ExpectResourceDisplayName("droplet_power.all", acctest.ByDroplet(web1), knownvalue.StringExact(fmt.Sprintf("web-1 (%d): on", web1))),
			querycheck.ExpectResourceDisplayName("droplet_power.all", acctest.ByDroplet(web2), knownvalue.StringExact(fmt.Sprintf("web-2 (%d): off", web2))),
			querycheck.ExpectResourceDisplayName("droplet_power.all", acctest.ByDroplet(db1), knownvalue.StringExact(fmt.Sprintf("db-1 (%d): on", db1))),
			querycheck.ExpectResourceKnownValues("droplet_power.web", acctest.ByDroplet(web2), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(fmt.Sprint(web2))},
				{Path: tfjsonpath.New("droplet_id"), KnownValue: knownvalue.Int64Exact(int64(web2))},
				{Path: tfjsonpath.New("state"), KnownValue: knownvalue.StringExact("off")},
				{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("off")},
				{Path: tfjsonpath.New("shutdown"), KnownValue: knownvalue.StringExact("graceful")},
				{Path: tfjsonpath.New("graceful_timeout"), KnownValue: knownvalue.StringExact("2m")},
				{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
			}),
			expectPowerMatchesEmulator(env),
			// One droplet page per list block, whether it found droplets or none; nothing else.
			acctest.ExpectRequests(s, map[string]int{"GET /v2/droplets": 3}),
		),
	})
}

// TestAccListPower_limit: 250 droplets are two pages; a limit within the first page reads one.
func TestAccListPower_limit(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	s := env.Emulator.Server
	ids := make([]int, 250)
	for i := range ids {
		ids[i] = s.CreateDroplet(emulator.DropletSpec{Name: fmt.Sprintf("node-%03d", i)}).ID
	}
	pages := func(n int) querycheck.QueryResultCheck {
		return acctest.ExpectRequests(s, map[string]int{"GET /v2/droplets": n})
	}
	acctest.QueryTest(t,
		resource.TestStep{
			PreConfig:         s.ResetStats,
			Config:            env.Config(acctest.List{Type: "droplet_power", Label: "few", Limit: 5}.HCL()),
			QueryResultChecks: append(acctest.ExpectListed("droplet_power.few", ids[:5]...), pages(1)),
		},
		resource.TestStep{
			PreConfig: s.ResetStats,
			Config:    env.Config(acctest.List{Type: "droplet_power", Label: "all", Limit: 1000}.HCL()),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("droplet_power.all", 250),
				querycheck.ExpectIdentity("droplet_power.all", map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(ids[249]))}),
				pages(2),
			},
		},
	)
}

// TestAccListPower_apiError: a failing API ends the query with a diagnostic that says what was
// being listed.
func TestAccListPower_apiError(t *testing.T) {
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	env.Emulator.Server.CreateDroplet(emulator.DropletSpec{Name: "web-1", Tags: []string{"web"}})
	acctest.ExpectListAPIError(t, env, "droplet_power", regexp.MustCompile(`Cannot list the droplets tagged \\?"web\\?"`))
}
