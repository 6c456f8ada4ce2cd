package digitalocean

import (
	"slices"
	"time"

	"github.com/digitalocean/godo"
)

const (
	// defaultPollCap is the longest interval between polls of one action. Longer would save
	// requests on long actions but add up to that much to every wait.
	defaultPollCap = 2 * time.Second
	// firstPoll is how soon after the start the first poll goes out while nothing is known of
	// the action type's duration: many actions (reboot, backup policy changes) take seconds.
	firstPoll = 800 * time.Millisecond
	// minPoll bounds how fast an action is polled while it is young.
	minPoll = 350 * time.Millisecond
	// pollGrowth: the interval is a third of the action's age, so a poll adds at most about a
	// third to the time an action takes, until the cap.
	pollGrowth = 3
	// onTime is how close to its expected end an action counts as due: a poll this early would
	// find it running anyway.
	onTime = 10 * time.Millisecond

	// durationSamples is how many recent completions per action type predict the next one.
	durationSamples = 16
	// tightBracket: when the last poll that found an action running and the poll that found it
	// completed are at most this far apart, the local observation is precise enough; wider (a
	// poll held back by the request budget), the API's own timestamps say more.
	tightBracket = time.Second
)

// PollState is what a PollSchedule knows of one in-flight action when it decides.
type PollState struct {
	// Age is how long ago the action started, as far as the Client knows.
	Age time.Duration
	// Polls is how many polls have found the action still running; 0 before the first.
	Polls int
	// Late is how many of those polls came after the action was expected to be done.
	Late int
	// Expected is how long actions of its type took lately; 0 when none has completed yet or
	// when the action was not started by this Client (its age then says nothing).
	Expected time.Duration
	// StartUnknown is set when the action was neither started nor adopted by this Client (a
	// Wait by ID): nothing, not even its type, is known before the first poll.
	StartUnknown bool
}

// PollSchedule returns how long from now the next poll of an action goes out. It is a pure
// function of what is known of the action, so a schedule is tested with a table and no clock;
// the waiter merges the polls of many actions into few requests, whatever the schedule says.
type PollSchedule func(PollState) time.Duration

// DefaultPollSchedule is the Client's schedule with polls at most pollCap apart (0 = 2 s).
// An action of a type whose duration is known is first polled when it is expected to be done,
// and once more shortly after if it was not; otherwise soon after the start, then at intervals
// of a third of its age, between 350 ms and the cap.
func DefaultPollSchedule(pollCap time.Duration) PollSchedule {
	if pollCap <= 0 {
		pollCap = defaultPollCap
	}
	first, floor := min(firstPoll, pollCap), min(minPoll, pollCap)
	return func(s PollState) time.Duration {
		if s.Polls == 0 {
			if s.StartUnknown {
				return floor
			}
			due := first
			if s.Expected > 0 {
				due = s.Expected
			}
			return max(due-s.Age, 0)
		}
		if s.Expected > 0 {
			if s.Age < s.Expected-onTime {
				return s.Expected - s.Age
			}
			if s.Late == 1 {
				// Just late: look again shortly before falling back to the usual intervals.
				return min(max(s.Expected/10, 50*time.Millisecond), floor)
			}
		}
		return min(max(s.Age/pollGrowth, floor), pollCap)
	}
}

// durations remembers how long recent actions of each type took.
type durations map[string][]time.Duration

// estimate is the median of the recent samples of the type, so one slow or fast action does
// not move it much.
func (d durations) estimate(typ string) (time.Duration, bool) {
	s := d[typ]
	if typ == "" || len(s) == 0 {
		return 0, false
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	return sorted[len(sorted)/2], true
}

func (d durations) add(typ string, sample time.Duration) {
	s := append(d[typ], sample)
	if len(s) > durationSamples {
		s = s[len(s)-durationSamples:]
	}
	d[typ] = s
}

// durationSample says how long a completed action took. The local observation brackets it:
// it ended after the last poll that found it running (lastRunning, or its start) and before
// the poll that found it completed (seen). When a poll was held back, by the request budget
// for instance, that bracket is wide and its upper end would teach the waiter that the action
// takes as long as the wait did; the API's started_at and completed_at then place the end
// within the bracket. Without them a wide bracket teaches nothing.
func durationSample(a *godo.Action, start, lastRunning, seen time.Time) (time.Duration, bool) {
	lo, hi := max(lastRunning.Sub(start), 0), seen.Sub(start)
	if hi < 0 {
		return 0, false
	}
	if hi-lo <= tightBracket {
		return hi, true
	}
	if a.StartedAt == nil || a.CompletedAt == nil {
		return 0, false
	}
	d := a.CompletedAt.Sub(a.StartedAt.Time)
	return min(max(d, lo), hi), true
}
