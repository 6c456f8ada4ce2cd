package acctest

import "testing"

// Every builder writes the arguments it is given and leaves out the ones it is not, with 0 and
// false written when they are set explicitly.
func TestBlocks(t *testing.T) {
	cases := []struct {
		block Block
		want  string
	}{
		{Backups{DropletID: 7}, "\nresource \"droplet_backups\" \"test\" {\n  droplet_id = 7\n}\n"},
		{
			Backups{Label: "b", DropletID: 7, Enabled: Ptr(false), Plan: "weekly", Weekday: "SUN", Hour: Ptr(0), Args: "  snapshot_backups_on_disable = true\n"},
			"\nresource \"droplet_backups\" \"b\" {\n  droplet_id = 7\n  enabled = false\n  plan = \"weekly\"\n  weekday = \"SUN\"\n  hour = 0\n  snapshot_backups_on_disable = true\n}\n",
		},
		{Action{Type: "reboot", DropletID: 3, Trigger: "1"}, "\nresource \"droplet_action\" \"test\" {\n  type = \"reboot\"\n  droplet_id = 3\n  triggers = { run = \"1\" }\n}\n"},
		{Action{Label: "t", Type: "snapshot", Tag: "web", Name: "snap"}, "\nresource \"droplet_action\" \"t\" {\n  type = \"snapshot\"\n  tag_name = \"web\"\n  name = \"snap\"\n}\n"},
		{Power{DropletID: 5, State: "off", Shutdown: "force"}, "\nresource \"droplet_power\" \"test\" {\n  droplet_id = 5\n  state = \"off\"\n  shutdown = \"force\"\n}\n"},
	}
	for _, c := range cases {
		if got := c.block.HCL(); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.block, got, c.want)
		}
	}
	if got, want := HCL(Power{DropletID: 1, State: "on"}, Backups{DropletID: 1}), (Power{DropletID: 1, State: "on"}).HCL()+(Backups{DropletID: 1}).HCL(); got != want {
		t.Errorf("HCL = %q, want %q", got, want)
	}
}
