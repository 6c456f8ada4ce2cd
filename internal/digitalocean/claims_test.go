package digitalocean

import (
	"testing"
)

// Claims are timed on the Client's clock: many old claims are forgotten after an hour of
// virtual time, recent ones are kept, and a claim is taken once.
func TestClaimsUseTheClientsClock(t *testing.T) {
	clk := newFakeClock()
	c := newClaims(clk)
	for id := 1; id <= claimsPruneAt; id++ {
		c.add(id)
	}
	<-clk.After(2 * claimTTL)
	if !c.claim(claimsPruneAt + 1) {
		t.Fatal("a new action was already claimed")
	}
	if c.has(1) || c.has(claimsPruneAt) {
		t.Error("claims two hours old were kept")
	}
	if !c.has(claimsPruneAt+1) || c.claim(claimsPruneAt+1) {
		t.Error("a fresh claim was lost or taken twice")
	}
}
