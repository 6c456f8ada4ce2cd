package emulator

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"
)

// Faults are the settings that can change while the emulator runs
// (SetFaults, PUT /_emulator/faults). Their JSON names are the flag names.
type Faults struct {
	FaultRate          float64
	LostResponseRate   float64
	ErroredRate        float64
	RateLimitPerMinute int
	RateLimitPerHour   int
	Latency            time.Duration
	// ActionDuration nil leaves the current default duration unchanged.
	ActionDuration *time.Duration
	// ActionDurations nil leaves the per-type overrides unchanged; an empty
	// non-nil map removes them all.
	ActionDurations map[string]time.Duration
	// UsageBasedBackups says whether the account offers the usage-based
	// backup plans (see Options.NoUsageBasedBackups); nil leaves it unchanged.
	UsageBasedBackups *bool
}

func faultsFromOptions(o Options) Faults {
	d := o.ActionDuration
	durations := make(map[string]time.Duration, len(o.ActionDurations))
	for k, v := range o.ActionDurations {
		durations[k] = v
	}
	return Faults{
		FaultRate:          o.FaultRate,
		LostResponseRate:   o.LostResponseRate,
		ErroredRate:        o.ErroredRate,
		RateLimitPerMinute: o.RateLimitPerMinute,
		RateLimitPerHour:   o.RateLimitPerHour,
		Latency:            o.Latency,
		ActionDuration:     &d,
		ActionDurations:    durations,
		UsageBasedBackups:  ptr(!o.NoUsageBasedBackups),
	}
}

// SetFaults changes the run-time settings. See Faults for how nil fields are treated.
func (s *Server) SetFaults(f Faults) {
	cur := s.Faults()
	next := f
	if f.ActionDuration == nil {
		next.ActionDuration = cur.ActionDuration
	} else {
		d := *f.ActionDuration
		next.ActionDuration = &d
	}
	next.UsageBasedBackups = ptr(*cur.UsageBasedBackups)
	if f.UsageBasedBackups != nil {
		next.UsageBasedBackups = ptr(*f.UsageBasedBackups)
	}
	if f.ActionDurations == nil {
		next.ActionDurations = cur.ActionDurations
	} else {
		m := make(map[string]time.Duration, len(f.ActionDurations))
		for k, v := range f.ActionDurations {
			m[k] = v
		}
		next.ActionDurations = m
	}
	s.cfg.Store(&next)
}

// Faults returns a copy of the current run-time settings.
func (s *Server) Faults() Faults {
	cur := s.cfg.Load()
	out := *cur
	d := *cur.ActionDuration
	out.ActionDuration = &d
	out.UsageBasedBackups = ptr(*cur.UsageBasedBackups)
	out.ActionDurations = make(map[string]time.Duration, len(cur.ActionDurations))
	for k, v := range cur.ActionDurations {
		out.ActionDurations[k] = v
	}
	return out
}

func (s *Server) durationFor(actionType string) time.Duration {
	cfg := s.cfg.Load()
	if d, ok := cfg.ActionDurations[actionType]; ok {
		return d
	}
	return *cfg.ActionDuration
}

// faultsJSON is the wire form of Faults; the names are the program's flags.
type faultsJSON struct {
	FaultRate          *float64          `json:"fault-rate,omitempty"`
	LostResponseRate   *float64          `json:"lost-response-rate,omitempty"`
	ErroredRate        *float64          `json:"errored-rate,omitempty"`
	RateLimitPerMinute *int              `json:"rate-limit-per-minute,omitempty"`
	RateLimitPerHour   *int              `json:"rate-limit-per-hour,omitempty"`
	Latency            *string           `json:"latency,omitempty"`
	ActionDuration     *string           `json:"action-duration,omitempty"`
	ActionDurations    map[string]string `json:"action-durations,omitempty"`
	UsageBasedBackups  *bool             `json:"usage-based-backups,omitempty"`
}

// MarshalJSON writes every field, durations as Go duration strings ("2s").
func (f Faults) MarshalJSON() ([]byte, error) {
	lat := f.Latency.String()
	j := faultsJSON{
		FaultRate: &f.FaultRate, LostResponseRate: &f.LostResponseRate, ErroredRate: &f.ErroredRate,
		RateLimitPerMinute: &f.RateLimitPerMinute, RateLimitPerHour: &f.RateLimitPerHour,
		Latency: &lat, ActionDurations: map[string]string{}, UsageBasedBackups: f.UsageBasedBackups,
	}
	if f.ActionDuration != nil {
		d := f.ActionDuration.String()
		j.ActionDuration = &d
	}
	for k, v := range f.ActionDurations {
		j.ActionDurations[k] = v.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON sets only the fields present, so decoding into the current
// settings is a partial update. "action-durations" replaces the whole map.
// Unknown fields and values of the wrong type are errors that name the field.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := decodeStrict(b, &j); err != nil {
		return err
	}
	if j.FaultRate != nil {
		f.FaultRate = *j.FaultRate
	}
	if j.LostResponseRate != nil {
		f.LostResponseRate = *j.LostResponseRate
	}
	if j.ErroredRate != nil {
		f.ErroredRate = *j.ErroredRate
	}
	if j.RateLimitPerMinute != nil {
		f.RateLimitPerMinute = *j.RateLimitPerMinute
	}
	if j.RateLimitPerHour != nil {
		f.RateLimitPerHour = *j.RateLimitPerHour
	}
	if j.UsageBasedBackups != nil {
		f.UsageBasedBackups = ptr(*j.UsageBasedBackups)
	}
	if j.Latency != nil {
		d, err := time.ParseDuration(*j.Latency)
		if err != nil {
			return bodyErrorf("field %q must be a duration such as \"500ms\": %v", "latency", err)
		}
		f.Latency = d
	}
	if j.ActionDuration != nil {
		d, err := time.ParseDuration(*j.ActionDuration)
		if err != nil {
			return bodyErrorf("field %q must be a duration such as \"2s\": %v", "action-duration", err)
		}
		f.ActionDuration = &d
	}
	if j.ActionDurations != nil {
		m := make(map[string]time.Duration, len(j.ActionDurations))
		types := ActionTypes()
		for k, v := range j.ActionDurations {
			if !slices.Contains(types, k) {
				return bodyErrorf("field %q: %q is not an action type; the types are %s", "action-durations", k, quoted(types))
			}
			d, err := time.ParseDuration(v)
			if err != nil {
				return bodyErrorf("field %q must map action types to durations such as \"20s\": %s: %v", "action-durations", k, err)
			}
			m[k] = d
		}
		f.ActionDurations = m
	}
	return nil
}

func (*Faults) wireType() reflect.Type { return reflect.TypeFor[faultsJSON]() }

func (f Faults) validate() error {
	for name, v := range map[string]float64{"fault-rate": f.FaultRate, "lost-response-rate": f.LostResponseRate, "errored-rate": f.ErroredRate} {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s must be between 0 and 1, not %v", name, v)
		}
	}
	if f.RateLimitPerMinute < 0 || f.RateLimitPerHour < 0 {
		return fmt.Errorf("rate limits must not be negative")
	}
	if f.Latency < 0 || (f.ActionDuration != nil && *f.ActionDuration < 0) {
		return fmt.Errorf("durations must not be negative")
	}
	for k, v := range f.ActionDurations {
		if v < 0 {
			return fmt.Errorf("action-durations[%s] must not be negative", k)
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
