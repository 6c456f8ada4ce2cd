package digitalocean

import (
	"testing"
	"time"

	"github.com/digitalocean/godo"
)

func TestDefaultPollSchedule(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	s := DefaultPollSchedule(0)
	for _, tc := range []struct {
		name string
		in   PollState
		want time.Duration
	}{
		{"unknown action: look soon", PollState{StartUnknown: true}, ms(350)},
		{"unknown type, just started: first poll", PollState{}, ms(800)},
		{"unknown type, start answer came late", PollState{Age: ms(300)}, ms(500)},
		{"unknown type, older than the first poll", PollState{Age: 2 * time.Second}, 0},
		{"known type: when it should be done", PollState{Age: ms(100), Expected: 3 * time.Second}, ms(2900)},
		{"known type, already past its duration", PollState{Age: 4 * time.Second, Expected: 3 * time.Second}, 0},
		{"polled early (merged into another poll): at its end", PollState{Age: 2 * time.Second, Polls: 1, Expected: 3 * time.Second}, time.Second},
		{"just late: shortly again", PollState{Age: 3 * time.Second, Polls: 1, Late: 1, Expected: 3 * time.Second}, ms(300)},
		{"just late, long action: at most the floor", PollState{Age: 20 * time.Second, Polls: 1, Late: 1, Expected: 20 * time.Second}, ms(350)},
		{"just late, short action: not below 50 ms", PollState{Age: ms(200), Polls: 1, Late: 1, Expected: ms(200)}, ms(50)},
		{"late again: a third of its age", PollState{Age: 3 * time.Second, Polls: 2, Late: 2, Expected: 3 * time.Second}, time.Second},
		{"young: not below the floor", PollState{Age: ms(600), Polls: 1}, ms(350)},
		{"a third of its age", PollState{Age: 1500 * time.Millisecond, Polls: 2}, ms(500)},
		{"old: at most the cap", PollState{Age: time.Minute, Polls: 30}, 2 * time.Second},
		{"adopted action: no expectation, usual growth", PollState{Age: 3 * time.Second, Polls: 1}, time.Second},
	} {
		if got := s(tc.in); got != tc.want {
			t.Errorf("%s: schedule(%+v) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
	}

	capped := DefaultPollSchedule(100 * time.Millisecond)
	for _, tc := range []struct {
		in   PollState
		want time.Duration
	}{
		{PollState{}, 100 * time.Millisecond},
		{PollState{StartUnknown: true}, 100 * time.Millisecond},
		{PollState{Age: time.Minute, Polls: 9}, 100 * time.Millisecond},
	} {
		if got := capped(tc.in); got != tc.want {
			t.Errorf("cap 100ms: schedule(%+v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// The schedule never adds more than a third of an action's age to its wait, until the cap.
func TestDefaultPollScheduleGrowth(t *testing.T) {
	s := DefaultPollSchedule(0)
	prev := time.Duration(0)
	for age := time.Duration(0); age < time.Minute; age += 100 * time.Millisecond {
		iv := s(PollState{Age: age, Polls: 1})
		if iv < prev || iv > defaultPollCap || iv < minPoll {
			t.Fatalf("interval at age %v = %v after %v", age, iv, prev)
		}
		if age > pollGrowth*minPoll && iv > age/pollGrowth && iv != defaultPollCap {
			t.Errorf("interval at age %v = %v, more than a third of it", age, iv)
		}
		prev = iv
	}
}

func TestDurationSample(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	stamped := func(start, end time.Duration) *godo.Action {
		return &godo.Action{StartedAt: &godo.Timestamp{Time: at(start)}, CompletedAt: &godo.Timestamp{Time: at(end)}}
	}
	for _, tc := range []struct {
		name              string
		a                 *godo.Action
		lastRunning, seen time.Duration
		want              time.Duration
		ok                bool
	}{
		{"polled closely: what was seen", &godo.Action{}, 2800 * time.Millisecond, 3100 * time.Millisecond, 3100 * time.Millisecond, true},
		{"closely, whatever the API says", stamped(0, 9*time.Second), 2800 * time.Millisecond, 3100 * time.Millisecond, 3100 * time.Millisecond, true},
		// The cliff: a poll held back 50 s by the request budget must not teach that the action takes 50 s.
		{"poll held back: the API's timestamps", stamped(0, 3*time.Second), 0, 53 * time.Second, 3 * time.Second, true},
		{"API says less than seen running: the lower end", stamped(0, time.Second), 2 * time.Second, 10 * time.Second, 2 * time.Second, true},
		{"API says more than seen: the upper end", stamped(0, 20*time.Second), 0, 5 * time.Second, 5 * time.Second, true},
		{"held back, no timestamps: nothing learnt", &godo.Action{}, 0, 53 * time.Second, 0, false},
		{"seen before its start: nothing learnt", &godo.Action{}, 0, -time.Second, 0, false},
	} {
		got, ok := durationSample(tc.a, t0, at(tc.lastRunning), at(tc.seen))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: durationSample = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDurationsEstimate(t *testing.T) {
	d := durations{}
	if _, ok := d.estimate("reboot"); ok {
		t.Error("an estimate without samples")
	}
	for _, s := range []time.Duration{3 * time.Second, 50 * time.Second, 3 * time.Second, 4 * time.Second, 3 * time.Second} {
		d.add("reboot", s)
	}
	if got, _ := d.estimate("reboot"); got != 3*time.Second {
		t.Errorf("median of 3, 50, 3, 4, 3 s = %v; one outlier must not move it", got)
	}
	for range durationSamples {
		d.add("reboot", 10*time.Second)
	}
	if got, _ := d.estimate("reboot"); got != 10*time.Second || len(d["reboot"]) != durationSamples {
		t.Errorf("after %d new samples: %v from %d samples", durationSamples, got, len(d["reboot"]))
	}
	if _, ok := d.estimate(""); ok {
		t.Error("an estimate for an action of unknown type")
	}
}
