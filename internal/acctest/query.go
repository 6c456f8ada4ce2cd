package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// QueryCheck adapts a function to querycheck.QueryResultCheck.
type QueryCheck func(req querycheck.CheckQueryRequest) error

func (f QueryCheck) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f(req)
}

// ByDroplet selects the query result whose identity is the droplet id.
func ByDroplet(id int) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(id))})
}

// ExpectListed checks that the list block at addr found exactly the droplets ids, in any order.
func ExpectListed(addr string, ids ...int) []querycheck.QueryResultCheck {
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength(addr, len(ids))}
	for _, id := range ids {
		checks = append(checks, querycheck.ExpectIdentity(addr, map[string]knownvalue.Check{"droplet_id": knownvalue.Int64Exact(int64(id))}))
	}
	return checks
}

// ExpectRequests checks what the query cost the emulator since its stats were last reset: exactly
// these requests by route, and no other.
func ExpectRequests(s *emulator.Server, want map[string]int) querycheck.QueryResultCheck {
	return QueryCheck(func(querycheck.CheckQueryRequest) error {
		st := s.Stats()
		if !maps.Equal(st.Requests, want) {
			return fmt.Errorf("the emulator served %v (%d requests), want %v", st.Requests, st.TotalRequests, want)
		}
		return nil
	})
}

// ListedDropletID is the droplet ID in a query result's identity.
func ListedDropletID(identity map[string]any) (int, error) {
	n, ok := identity["droplet_id"].(json.Number)
	if !ok {
		return 0, fmt.Errorf("identity %v has no droplet_id", identity)
	}
	id, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("identity %v: %w", identity, err)
	}
	return int(id), nil
}

// QueryTest runs `terraform query` steps against the provider; every step is marked as a query,
// and the test is skipped on a CLI without list resources.
func QueryTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	for i := range steps {
		steps[i].Query = true
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{SkipWithout(ListResources)},
		ProtoV6ProviderFactories: ProtoV6ProviderFactories(),
		Steps:                    steps,
	})
}

// ExpectListAPIError lists the droplets tagged "web" with a list block of typ while the emulator
// fails every request, and expects the query to end with an error matching want. The provider
// does not retry, so the first failure is the one reported.
func ExpectListAPIError(t *testing.T, env *Env, typ string, want *regexp.Regexp) {
	t.Helper()
	env.SkipIfReal(t)
	QueryTest(t, resource.TestStep{
		PreConfig: func() { env.Emulator.Server.SetFaults(emulator.Faults{FaultRate: 1}) },
		Config: fmt.Sprintf("provider %q {\n  api_endpoint   = %q\n  token          = %q\n  http_retry_max = 0\n}\n",
			ProviderName, env.Endpoint, env.Token) +
			List{Type: typ, Label: "web", Config: `tag_name = "web"`}.HCL(),
		ExpectError: want,
	})
}
