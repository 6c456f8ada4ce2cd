// Command provider-schema completes the output of `terraform providers schema -json` for
// tfplugindocs (scripts/docs.sh), so that docs/ is the same whichever Terraform or OpenTofu
// exported the schema:
//
//   - it adds what older releases leave out by asking the provider itself, in process, through
//     the plugin protocol calls Terraform makes: resource identity schemas (reported from
//     Terraform 1.12 on), action schemas and list resource schemas (from Terraform 1.14 on);
//   - when the CLI did report one of those sections, it checks that the provider's answer,
//     converted here, is exactly what the CLI printed, and fails otherwise: the pages would then
//     depend on the version that made them;
//   - it files the provider under "droplet", the name tfplugindocs looks up (it only knows
//     "<name>" and "registry.terraform.io/hashicorp/<name>").
//
// Usage: terraform providers schema -json | go run ./scripts/provider-schema > schema.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dropletops/terraform-provider-droplet/internal/provider"
)

// registryAddresses are where the CLIs file the provider: Terraform and OpenTofu each resolve
// "dropletops/droplet" to their own registry.
var registryAddresses = []string{
	"registry.terraform.io/dropletops/droplet",
	"registry.opentofu.org/dropletops/droplet",
}

const docsName = "droplet"

func main() {
	server := providerserver.NewProtocol6(provider.New("docs")())()
	if err := run(context.Background(), os.Stdin, os.Stdout, server); err != nil {
		fmt.Fprintln(os.Stderr, "provider-schema:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in io.Reader, out io.Writer, server tfprotov6.ProviderServer) error {
	dec := json.NewDecoder(in)
	dec.UseNumber() // pass every other value through untouched
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("read terraform providers schema -json: %w", err)
	}
	schemas, _ := doc["provider_schemas"].(map[string]any)
	var ours map[string]any
	for _, addr := range registryAddresses {
		if p, ok := schemas[addr].(map[string]any); ok {
			if ours != nil {
				return fmt.Errorf("the schema lists the provider under more than one address")
			}
			ours = p
			delete(schemas, addr)
		}
	}
	if ours == nil {
		return fmt.Errorf("no %s in the schema: is the provider overridden (dev_overrides) and required as dropletops/droplet?",
			strings.Join(registryAddresses, " or "))
	}
	schemas[docsName] = ours

	sections, err := providerSections(ctx, server)
	if err != nil {
		return err
	}
	resources, _ := ours["resource_schemas"].(map[string]any)
	for _, key := range []string{"resource_identity_schemas", "list_resource_schemas"} {
		entries, _ := sections[key].(map[string]any)
		for name := range entries {
			if _, ok := resources[name]; !ok {
				return fmt.Errorf("%s has an entry %s but there is no such resource in terraform's output", key, name)
			}
		}
	}
	for _, key := range sortedKeys(sections) {
		reported, ok := ours[key]
		if !ok {
			ours[key] = sections[key]
			continue
		}
		if err := sameSection(key, reported, sections[key]); err != nil {
			return err
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err = out.Write(buf.Bytes())
	return err
}

// providerSections asks the provider for the sections older CLIs leave out and returns them in
// the CLI's JSON shape, decoded as generic values; sections the provider has nothing for are left
// out, as Terraform leaves them out.
func providerSections(ctx context.Context, server tfprotov6.ProviderServer) (map[string]any, error) {
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("provider schema", schema.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("identity schemas", ids.Diagnostics); err != nil {
		return nil, err
	}

	typed := map[string]any{}
	if len(ids.IdentitySchemas) > 0 {
		m := map[string]*jsonIdentitySchema{}
		for name, s := range ids.IdentitySchemas {
			if m[name], err = convertIdentity(s); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		typed["resource_identity_schemas"] = m
	}
	if len(schema.ListResourceSchemas) > 0 {
		m := map[string]*jsonSchema{}
		for name, s := range schema.ListResourceSchemas {
			if m[name], err = convertSchema(s); err != nil {
				return nil, fmt.Errorf("list resource %s: %w", name, err)
			}
		}
		typed["list_resource_schemas"] = m
	}
	if len(schema.ActionSchemas) > 0 {
		m := map[string]*jsonActionSchema{}
		for name, s := range schema.ActionSchemas {
			if s == nil {
				continue
			}
			inner, err := convertSchema(s.Schema)
			if err != nil {
				return nil, fmt.Errorf("action %s: %w", name, err)
			}
			m[name] = &jsonActionSchema{Block: inner.Block}
		}
		typed["action_schemas"] = m
	}

	// A round trip through JSON makes the values comparable with, and encoded like, the CLI's.
	raw, err := json.Marshal(typed)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// sameSection fails, naming the first entry that differs, when the CLI reported a section
// differently from the provider's own answer.
func sameSection(key string, reported, ours any) error {
	if reflect.DeepEqual(reported, ours) {
		return nil
	}
	r, _ := reported.(map[string]any)
	o, _ := ours.(map[string]any)
	names := map[string]bool{}
	for n := range r {
		names[n] = true
	}
	for n := range o {
		names[n] = true
	}
	for _, n := range sortedKeys(names) {
		if !reflect.DeepEqual(r[n], o[n]) {
			rj, _ := json.Marshal(r[n])
			oj, _ := json.Marshal(o[n])
			return fmt.Errorf("%s.%s: the CLI reports %s but the provider answers %s; docs would depend on the CLI's version",
				key, n, rj, oj)
		}
	}
	return fmt.Errorf("%s: the CLI's section differs from the provider's answer", key)
}

func diagnosticsError(what string, diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
