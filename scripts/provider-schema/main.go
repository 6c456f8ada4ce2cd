// Command provider-schema completes the output of `terraform providers schema -json` for
// tfplugindocs (scripts/docs.sh):
//
//   - it adds the resource identity schemas, which Terraform reports only from version 1.12 on,
//     by asking the provider itself, in process, through the same protocol call Terraform makes;
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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dropletops/terraform-provider-droplet/internal/provider"
)

const (
	registryAddress = "registry.terraform.io/dropletops/droplet"
	docsName        = "droplet"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "provider-schema:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	dec.UseNumber() // pass every other value through untouched
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("read terraform providers schema -json: %w", err)
	}
	schemas, _ := doc["provider_schemas"].(map[string]any)
	ours, ok := schemas[registryAddress].(map[string]any)
	if !ok {
		return fmt.Errorf("no %s in the schema: is the provider overridden (dev_overrides) and required as dropletops/droplet?", registryAddress)
	}
	delete(schemas, registryAddress)
	schemas[docsName] = ours

	if _, done := ours["resource_identity_schemas"]; !done {
		identities, err := identitySchemas(context.Background())
		if err != nil {
			return err
		}
		resources, _ := ours["resource_schemas"].(map[string]any)
		for name := range identities {
			if _, ok := resources[name]; !ok {
				return fmt.Errorf("resource %s has an identity schema but no schema in terraform's output", name)
			}
		}
		if len(identities) > 0 {
			ours["resource_identity_schemas"] = identities
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := out.Write(buf.Bytes())
	return err
}

// identityAttribute and identitySchema are the JSON shapes of Terraform's
// `providers schema -json` (terraform-json's IdentityAttribute and IdentitySchema).
type identityAttribute struct {
	Type              json.RawMessage `json:"type"`
	Description       string          `json:"description,omitempty"`
	RequiredForImport bool            `json:"required_for_import,omitempty"`
	OptionalForImport bool            `json:"optional_for_import,omitempty"`
}

type identitySchema struct {
	Version    int64                        `json:"version"`
	Attributes map[string]identityAttribute `json:"attributes,omitempty"`
}

func identitySchemas(ctx context.Context) (map[string]identitySchema, error) {
	server := providerserver.NewProtocol6(provider.New("docs")())()
	resp, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("identity schemas: %w", err)
	}
	out := make(map[string]identitySchema, len(resp.IdentitySchemas))
	for name, s := range resp.IdentitySchemas {
		is := identitySchema{Version: s.Version, Attributes: map[string]identityAttribute{}}
		for _, a := range s.IdentityAttributes {
			// tftypes marshal to the same type notation Terraform prints ("number", ["list","string"]).
			t, err := json.Marshal(a.Type)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", name, a.Name, err)
			}
			is.Attributes[a.Name] = identityAttribute{
				Type:              t,
				Description:       a.Description,
				RequiredForImport: a.RequiredForImport,
				OptionalForImport: a.OptionalForImport,
			}
		}
		out[name] = is
	}
	return out, nil
}
