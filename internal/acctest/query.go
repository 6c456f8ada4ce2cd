package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

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
