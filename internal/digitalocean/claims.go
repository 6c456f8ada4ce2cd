package digitalocean

import (
	"sync"
	"time"
)

const (
	// claimsPruneAt is the number of claims above which old ones are forgotten.
	claimsPruneAt = 10000
	// claimTTL is how long a claim is kept once there are many: far longer than any wait.
	claimTTL = time.Hour
)

// claims are the actions this Client has started or adopted. An unsure start never adopts an
// action claimed by another call, and Job.Adopt never follows one: two jobs of one command
// (one Client) never share an action, while the next command, with a new Client, may adopt
// what this one left running. Claims belong to the Client and go with it.
type claims struct {
	clock clock

	mu  sync.Mutex
	ids map[int]time.Time
}

func newClaims(c clock) *claims { return &claims{clock: c, ids: map[int]time.Time{}} }

// add claims the action, whether or not it was claimed before.
func (c *claims) add(id int) { c.claim(id) }

// claim claims the action and reports whether it was unclaimed until now.
func (c *claims) claim(id int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	if _, ok := c.ids[id]; ok {
		return false
	}
	c.ids[id] = now
	if len(c.ids) > claimsPruneAt {
		for k, t := range c.ids {
			if now.Sub(t) > claimTTL {
				delete(c.ids, k)
			}
		}
	}
	return true
}

func (c *claims) has(id int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ids[id]
	return ok
}
