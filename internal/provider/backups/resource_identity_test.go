package backups_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
	"github.com/dropletops/terraform-provider-droplet/internal/provider"
)

// TestDropletBackupsImportByIdentity speaks the plugin protocol the way Terraform 1.12+ does for an
// import block with `identity`, so the path is covered while the test Terraform is older.
func TestDropletBackupsImportByIdentity(t *testing.T) {
	ctx := context.Background()
	run, err := emulator.Start(emulator.Options{Tokens: []string{"test-token"}, ActionDuration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	hour := 4
	id := run.Server.CreateDroplet(emulator.DropletSpec{Name: "identity", Backups: true,
		BackupPolicy: &emulator.PolicySpec{Plan: "weekly", Weekday: "THU", Hour: &hour}}).ID

	srv := providerserver.NewProtocol6(provider.New("test")())()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasProtoErrors(schemas.Diagnostics) {
		t.Fatalf("provider schema: %v %v", err, schemas.Diagnostics)
	}
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasProtoErrors(ids.Diagnostics) {
		t.Fatalf("identity schemas: %v %v", err, ids.Diagnostics)
	}
	identitySchema := ids.IdentitySchemas["droplet_backups"]
	if identitySchema == nil {
		t.Fatal("droplet_backups has no identity schema")
	}
	if len(identitySchema.IdentityAttributes) != 1 || identitySchema.IdentityAttributes[0].Name != "droplet_id" ||
		!identitySchema.IdentityAttributes[0].RequiredForImport {
		t.Fatalf("identity schema = %+v, want droplet_id required for import", identitySchema.IdentityAttributes)
	}

	providerType, ok := schemas.Provider.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type = %T, want an object", schemas.Provider.ValueType())
	}
	cfgVals := map[string]tftypes.Value{}
	for name, typ := range providerType.AttributeTypes {
		cfgVals[name] = tftypes.NewValue(typ, nil)
	}
	cfgVals["token"] = tftypes.NewValue(tftypes.String, "test-token")
	cfgVals["api_endpoint"] = tftypes.NewValue(tftypes.String, run.URL)
	cfg, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, cfgVals))
	if err != nil {
		t.Fatal(err)
	}
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.12.0", Config: &cfg})
	if err != nil || hasProtoErrors(conf.Diagnostics) {
		t.Fatalf("configure: %v %v", err, conf.Diagnostics)
	}

	identityType := identitySchema.ValueType()
	identityValue := tftypes.NewValue(identityType, map[string]tftypes.Value{
		"droplet_id": tftypes.NewValue(tftypes.Number, big.NewFloat(float64(id))),
	})
	identity, err := tfprotov6.NewDynamicValue(identityType, identityValue)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: "droplet_backups",
		Identity: &tfprotov6.ResourceIdentityData{IdentityData: &identity},
	})
	if err != nil || hasProtoErrors(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
		t.Fatalf("import: %v %v", err, imp.Diagnostics)
	}
	imported := imp.ImportedResources[0]

	resourceType := schemas.ResourceSchemas["droplet_backups"].ValueType()
	read, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName:        "droplet_backups",
		CurrentState:    imported.State,
		CurrentIdentity: imported.Identity,
		Private:         imported.Private,
	})
	if err != nil || hasProtoErrors(read.Diagnostics) {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	state, err := read.NewState.Unmarshal(resourceType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	// Read fills every attribute from the droplet ID alone.
	for _, name := range []string{"id", "enabled", "plan", "weekday", "hour", "window_length_hours",
		"retention_period_days", "next_backup_window", "snapshot_backups_on_disable"} {
		if !attrs[name].IsKnown() || attrs[name].IsNull() {
			t.Errorf("%s is %s after import by identity", name, attrs[name])
		}
	}
	var dropletID big.Float
	if err := attrs["droplet_id"].As(&dropletID); err != nil {
		t.Fatal(err)
	}
	if v, _ := dropletID.Int64(); v != int64(id) {
		t.Errorf("droplet_id = %v, want %d", v, id)
	}
	var plan string
	_ = attrs["plan"].As(&plan)
	if plan != "weekly" {
		t.Errorf("plan = %q, want weekly", plan)
	}

	gotIdentity, err := read.NewIdentity.IdentityData.Unmarshal(identityType)
	if err != nil {
		t.Fatal(err)
	}
	if !gotIdentity.Equal(identityValue) {
		t.Errorf("identity after read = %s, want %s", gotIdentity, identityValue)
	}
}

func hasProtoErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
