package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	droplet "github.com/dropletops/terraform-provider-droplet/internal/provider"
)

// serveEnv makes the test binary serve testProvider over the plugin protocol instead of running
// tests, so that a terraform binary can launch it as a provider plugin (TestCLI).
const serveEnv = "PROVIDER_SCHEMA_SERVE_TEST_PROVIDER"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		err := providerserver.Serve(context.Background(), func() provider.Provider { return testProvider{} },
			providerserver.ServeOpts{Address: registryAddresses[0], ProtocolVersion: 6})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// golden is what Terraform 1.15.9 printed for testProvider (`terraform providers schema -json`
// through dev_overrides, the way TestCLI runs it).
const golden = "testdata/terraform-1.15.9.json"

// newSections are the sections Terraform 1.11 leaves out.
var newSections = []string{"resource_identity_schemas", "list_resource_schemas", "action_schemas"}

func testServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(testProvider{})()
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	return v
}

func loadGolden(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, b)
}

// goldenProvider returns the provider's entry of a schema document.
func goldenProvider(t *testing.T, doc map[string]any, addr string) map[string]any {
	t.Helper()
	return obj(t, doc, "provider_schemas", addr)
}

// obj follows keys from v through nested JSON objects and returns the last one; the test fails
// when one is missing or not an object.
func obj(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not a JSON object: %s", asJSON(v))
	}
	for i, k := range keys {
		if m, ok = m[k].(map[string]any); !ok {
			t.Fatalf("no object at %v in %s", keys[:i+1], asJSON(v))
		}
	}
	return m
}

func runDoc(t *testing.T, server tfprotov6.ProviderServer, doc map[string]any) (map[string]any, error) {
	t.Helper()
	in, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), bytes.NewReader(in), &out, server); err != nil {
		return nil, err
	}
	return decode(t, out.Bytes()), nil
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// The conversion from the plugin protocol is checked against every section Terraform 1.15 printed
// for the test provider, including those Terraform reports itself on every version.
func TestConvertMatchesTerraform(t *testing.T) {
	want := goldenProvider(t, loadGolden(t), registryAddresses[0])
	resp, err := testServer().GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagnosticsError("schema", resp.Diagnostics) != nil {
		t.Fatalf("schema: %v %v", err, resp.Diagnostics)
	}
	check := func(path string, typed any, want any) {
		t.Helper()
		raw, err := json.Marshal(typed)
		if err != nil {
			t.Fatal(err)
		}
		var got any = decode(t, raw)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", path, asJSON(got), asJSON(want))
		}
	}
	p, err := convertSchema(resp.Provider)
	if err != nil {
		t.Fatal(err)
	}
	check("provider", p, want["provider"])
	for name, s := range resp.ResourceSchemas {
		js, err := convertSchema(s)
		if err != nil {
			t.Fatal(err)
		}
		check("resource_schemas."+name, js, obj(t, want, "resource_schemas")[name])
	}
	sections, err := providerSections(t.Context(), testServer())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range newSections {
		if _, ok := sections[key]; !ok {
			t.Errorf("the provider's answer has no %s", key)
		}
		check(key, sections[key], want[key])
	}
	if len(sections) != len(newSections) {
		t.Errorf("sections = %v, want only %v", sortedKeys(sections), newSections)
	}
}

// What an older Terraform (1.11) prints is completed to what Terraform 1.15 prints; what
// Terraform 1.15 prints passes through unchanged, under the name tfplugindocs looks up.
func TestRunGivesTheSameSchemaWhicheverCLI(t *testing.T) {
	want := goldenProvider(t, loadGolden(t), registryAddresses[0])
	for _, tc := range []struct {
		name, addr string
		drop       []string
	}{
		{"terraform 1.15", registryAddresses[0], nil},
		{"terraform 1.11", registryAddresses[0], newSections},
		{"opentofu 1.11", registryAddresses[1], newSections},
		{"only identity reported", registryAddresses[0], newSections[1:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadGolden(t)
			p := goldenProvider(t, doc, registryAddresses[0])
			for _, k := range tc.drop {
				delete(p, k)
			}
			schemas := obj(t, doc, "provider_schemas")
			delete(schemas, registryAddresses[0])
			schemas[tc.addr] = p
			got, err := runDoc(t, testServer(), doc)
			if err != nil {
				t.Fatal(err)
			}
			gotSchemas := obj(t, got, "provider_schemas")
			if len(gotSchemas) != 1 {
				t.Errorf("provider_schemas has %d entries, want only %q", len(gotSchemas), docsName)
			}
			if !reflect.DeepEqual(gotSchemas[docsName], want) {
				t.Errorf("got %s\nwant %s", asJSON(gotSchemas[docsName]), asJSON(want))
			}
			if got["format_version"] != "1.0" {
				t.Errorf("format_version = %v, want it passed through", got["format_version"])
			}
		})
	}
}

func TestRunFailsWhenTheCLIDisagrees(t *testing.T) {
	doc := loadGolden(t)
	p := goldenProvider(t, doc, registryAddresses[0])
	obj(t, p, "action_schemas", "droplet_poke", "block")["description"] = "Something else."
	_, err := runDoc(t, testServer(), doc)
	if err == nil || !strings.Contains(err.Error(), "action_schemas.droplet_poke") {
		t.Fatalf("err = %v, want one naming action_schemas.droplet_poke", err)
	}
}

func TestRunFailsWithoutTheProvider(t *testing.T) {
	doc := loadGolden(t)
	schemas := obj(t, doc, "provider_schemas")
	schemas["registry.terraform.io/hashicorp/droplet"] = schemas[registryAddresses[0]]
	delete(schemas, registryAddresses[0])
	if _, err := runDoc(t, testServer(), doc); err == nil || !strings.Contains(err.Error(), "no registry.terraform.io/dropletops/droplet") {
		t.Fatalf("err = %v, want one saying the provider is missing", err)
	}
}

func TestRunFailsOnAnIdentityWithoutResource(t *testing.T) {
	doc := loadGolden(t)
	p := goldenProvider(t, doc, registryAddresses[0])
	p["resource_schemas"] = map[string]any{}
	delete(p, "resource_identity_schemas")
	if _, err := runDoc(t, testServer(), doc); err == nil || !strings.Contains(err.Error(), "droplet_widget") {
		t.Fatalf("err = %v, want one naming droplet_widget", err)
	}
}

// The droplet provider's own answer: identity schemas for its two importable resources.
func TestRunDropletProvider(t *testing.T) {
	doc := map[string]any{"format_version": "1.0", "provider_schemas": map[string]any{
		registryAddresses[0]: map[string]any{"resource_schemas": map[string]any{
			"droplet_backups": map[string]any{}, "droplet_action": map[string]any{}, "droplet_power": map[string]any{},
		}},
	}}
	got, err := runDoc(t, providerserver.NewProtocol6(droplet.New("test")())(), doc)
	if err != nil {
		t.Fatal(err)
	}
	ids := obj(t, got, "provider_schemas", docsName, "resource_identity_schemas")
	for _, name := range []string{"droplet_backups", "droplet_power"} {
		id := obj(t, ids, name, "attributes", "droplet_id")
		if id["type"] != "number" || id["required_for_import"] != true {
			t.Errorf("%s identity = %s, want droplet_id, a number required for import", name, asJSON(ids[name]))
		}
	}
}

// TestCLI runs a real CLI (TF_ACC_TERRAFORM_PATH, with TF_ACC set) against the test provider:
// whatever it reports must agree with the provider's own answer, and the completed schema must be
// the one Terraform 1.15 prints.
func TestCLI(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run terraform or tofu against the test provider")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	plugins := filepath.Join(root, "plugins")
	work := filepath.Join(root, "work")
	for _, d := range []string{plugins, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(self, filepath.Join(plugins, "terraform-provider-droplet")); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(root, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"dropletops/droplet\" = %q\n  }\n}\n", plugins)
	mainTF := "terraform {\n  required_providers {\n    droplet = { source = \"dropletops/droplet\" }\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(mainTF), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cli, "providers", "schema", "-json")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", serveEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s providers schema -json: %v\n%s", cli, err, stderr.String())
	}
	reported := decode(t, stdout.Bytes())
	var out bytes.Buffer
	if err := run(t.Context(), bytes.NewReader(stdout.Bytes()), &out, testServer()); err != nil {
		t.Fatal(err)
	}
	got := obj(t, decode(t, out.Bytes()), "provider_schemas", docsName)
	want := goldenProvider(t, loadGolden(t), registryAddresses[0])
	for _, key := range newSections {
		if !reflect.DeepEqual(got[key], want[key]) {
			t.Errorf("%s:\n got %s\nwant %s", key, asJSON(got[key]), asJSON(want[key]))
		}
	}
	for addr := range obj(t, reported, "provider_schemas") {
		p := obj(t, reported, "provider_schemas", addr)
		var has []string
		for _, key := range newSections {
			if _, ok := p[key]; ok {
				has = append(has, key)
			}
		}
		t.Logf("%s reported %s with %v of %v", cli, addr, has, newSections)
	}
}
