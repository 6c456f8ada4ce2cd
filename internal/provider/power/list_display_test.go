package power

import "testing"

func TestListDisplayName(t *testing.T) {
	for _, tc := range []struct {
		name, status, want string
	}{
		{"web-1", dropletStatusActive, "web-1 (100001): on"},
		{"web-1", dropletStatusOff, "web-1 (100001): off"},
		{"web-1", dropletStatusArchive, "web-1 (100001): off (archive)"},
		{"web-1", dropletStatusNew, "web-1 (100001): on (new)"},
		{"", dropletStatusActive, "droplet 100001: on"},
	} {
		state := stateFromStatus(tc.status, "")
		if got := listDisplayName(tc.name, 100001, tc.status, state); got != tc.want {
			t.Errorf("listDisplayName(%q, status %q) = %q, want %q", tc.name, tc.status, got, tc.want)
		}
	}
}
