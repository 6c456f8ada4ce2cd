package backups

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestDropletBackupsDeleteDropletGone(t *testing.T) {
	ctx := context.Background()
	run, err := emulator.Start(emulator.Options{Tokens: []string{"test-token"}, ActionDuration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	client, err := digitalocean.NewClient(ctx, digitalocean.Config{Token: "test-token", APIEndpoint: run.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &dropletBackupsResource{client: client}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)

	deleteFor := func(dropletID int) (resource.DeleteResponse, []emulator.Action) {
		m := *priorModel("daily", "", 4)
		m.ID = types.StringValue("x")
		m.DropletID = types.Int64Value(int64(dropletID))
		m.SnapshotBackupsOnDisable = types.BoolValue(true)
		m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
		st := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
		if d := st.Set(ctx, &m); d.HasError() {
			t.Fatalf("state: %v", d)
		}
		resp := resource.DeleteResponse{State: st}
		r.Delete(ctx, resource.DeleteRequest{State: st}, &resp)
		return resp, run.Server.DropletActions(dropletID)
	}

	gone := run.Server.CreateDroplet(emulator.DropletSpec{Name: "gone", Backups: true}).ID
	run.Server.DeleteDroplet(gone)
	if resp, _ := deleteFor(gone); resp.Diagnostics.HasError() {
		t.Errorf("delete with the droplet gone: %v", resp.Diagnostics)
	}

	// Backups already off: nothing is sent.
	off := run.Server.CreateDroplet(emulator.DropletSpec{Name: "off"}).ID
	resp, actions := deleteFor(off)
	if resp.Diagnostics.HasError() {
		t.Errorf("delete with backups off: %v", resp.Diagnostics)
	}
	for _, a := range actions {
		if a.Type != "create" {
			t.Errorf("delete with backups off sent %s", a.Type)
		}
	}

	// A conversion that fails leaves backups on and says which backup.
	on := run.Server.CreateDroplet(emulator.DropletSpec{Name: "on", Backups: true}).ID
	img, err := run.Server.TakeBackup(on)
	if err != nil {
		t.Fatal(err)
	}
	run.Server.SetFaults(emulator.Faults{ErroredRate: 1})
	resp, _ = deleteFor(on)
	run.Server.SetFaults(emulator.Faults{})
	if !resp.Diagnostics.HasError() {
		t.Fatal("a failed conversion must fail the delete")
	}
	if detail := resp.Diagnostics[0].Detail(); !strings.Contains(detail, "backup ") || !strings.Contains(detail, "convert") {
		t.Errorf("detail does not name the backup and the conversion: %s", detail)
	}
	if rec, _ := run.Server.BackupPolicy(on); !rec.BackupEnabled {
		t.Error("backups were turned off although their conversion failed")
	}
	if got, _ := run.Server.Image(img.ID); got.Type != "backup" {
		t.Errorf("image %d is a %s", img.ID, got.Type)
	}
}
