package main

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The types below are the JSON shapes `terraform providers schema -json` prints (Terraform 1.15),
// so that what this program adds cannot be told apart from what a newer Terraform reports.

type jsonSchema struct {
	Version int64      `json:"version"`
	Block   *jsonBlock `json:"block,omitempty"`
}

// jsonActionSchema has no version: actions are not stored in state, so nothing is upgraded.
type jsonActionSchema struct {
	Block *jsonBlock `json:"block,omitempty"`
}

type jsonBlock struct {
	Attributes      map[string]*jsonAttribute `json:"attributes,omitempty"`
	BlockTypes      map[string]*jsonBlockType `json:"block_types,omitempty"`
	Description     string                    `json:"description,omitempty"`
	DescriptionKind string                    `json:"description_kind,omitempty"`
	Deprecated      bool                      `json:"deprecated,omitempty"`
}

type jsonBlockType struct {
	NestingMode string     `json:"nesting_mode,omitempty"`
	Block       *jsonBlock `json:"block,omitempty"`
	MinItems    int64      `json:"min_items,omitempty"`
	MaxItems    int64      `json:"max_items,omitempty"`
}

type jsonAttribute struct {
	Type               json.RawMessage `json:"type,omitempty"`
	NestedType         *jsonNestedType `json:"nested_type,omitempty"`
	Description        string          `json:"description,omitempty"`
	DescriptionKind    string          `json:"description_kind,omitempty"`
	Deprecated         bool            `json:"deprecated,omitempty"`
	DeprecationMessage string          `json:"deprecation_message,omitempty"`
	Required           bool            `json:"required,omitempty"`
	Optional           bool            `json:"optional,omitempty"`
	Computed           bool            `json:"computed,omitempty"`
	Sensitive          bool            `json:"sensitive,omitempty"`
	WriteOnly          bool            `json:"write_only,omitempty"`
}

type jsonNestedType struct {
	Attributes  map[string]*jsonAttribute `json:"attributes,omitempty"`
	NestingMode string                    `json:"nesting_mode,omitempty"`
}

type jsonIdentityAttribute struct {
	Type              json.RawMessage `json:"type,omitempty"`
	Description       string          `json:"description,omitempty"`
	RequiredForImport bool            `json:"required_for_import,omitempty"`
	OptionalForImport bool            `json:"optional_for_import,omitempty"`
}

type jsonIdentitySchema struct {
	Version    int64                             `json:"version"`
	Attributes map[string]*jsonIdentityAttribute `json:"attributes,omitempty"`
}

func convertSchema(s *tfprotov6.Schema) (*jsonSchema, error) {
	if s == nil {
		return &jsonSchema{Block: &jsonBlock{DescriptionKind: "plain"}}, nil
	}
	b, err := convertBlock(s.Block)
	if err != nil {
		return nil, err
	}
	return &jsonSchema{Version: s.Version, Block: b}, nil
}

func convertBlock(b *tfprotov6.SchemaBlock) (*jsonBlock, error) {
	if b == nil {
		return &jsonBlock{DescriptionKind: "plain"}, nil
	}
	out := &jsonBlock{
		Description:     b.Description,
		DescriptionKind: stringKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		attrs, err := convertAttributes(b.Attributes)
		if err != nil {
			return nil, err
		}
		out.Attributes = attrs
	}
	for _, nb := range b.BlockTypes {
		if nb == nil {
			continue
		}
		mode, err := blockNesting(nb.Nesting)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		inner, err := convertBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		if out.BlockTypes == nil {
			out.BlockTypes = map[string]*jsonBlockType{}
		}
		out.BlockTypes[nb.TypeName] = &jsonBlockType{NestingMode: mode, Block: inner, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
	}
	return out, nil
}

func convertAttributes(attrs []*tfprotov6.SchemaAttribute) (map[string]*jsonAttribute, error) {
	out := make(map[string]*jsonAttribute, len(attrs))
	for _, a := range attrs {
		if a == nil {
			continue
		}
		ja := &jsonAttribute{
			Description:        a.Description,
			DescriptionKind:    stringKind(a.DescriptionKind),
			Deprecated:         a.Deprecated,
			DeprecationMessage: a.DeprecationMessage,
			Required:           a.Required,
			Optional:           a.Optional,
			Computed:           a.Computed,
			Sensitive:          a.Sensitive,
			WriteOnly:          a.WriteOnly,
		}
		if a.Type != nil {
			t, err := typeJSON(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			ja.Type = t
		}
		if a.NestedType != nil {
			mode, err := objectNesting(a.NestedType.Nesting)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			nested, err := convertAttributes(a.NestedType.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			ja.NestedType = &jsonNestedType{Attributes: nested, NestingMode: mode}
		}
		out[a.Name] = ja
	}
	return out, nil
}

func convertIdentity(s *tfprotov6.ResourceIdentitySchema) (*jsonIdentitySchema, error) {
	out := &jsonIdentitySchema{Version: s.Version}
	for _, a := range s.IdentityAttributes {
		if a == nil {
			continue
		}
		t, err := typeJSON(a.Type)
		if err != nil {
			return nil, fmt.Errorf("identity attribute %s: %w", a.Name, err)
		}
		if out.Attributes == nil {
			out.Attributes = map[string]*jsonIdentityAttribute{}
		}
		out.Attributes[a.Name] = &jsonIdentityAttribute{
			Type:              t,
			Description:       a.Description,
			RequiredForImport: a.RequiredForImport,
			OptionalForImport: a.OptionalForImport,
		}
	}
	return out, nil
}

// typeJSON prints a type in the notation Terraform uses ("number", ["list","string"]), which is
// what tftypes marshal to.
func typeJSON(t tftypes.Type) (json.RawMessage, error) {
	if t == nil {
		return nil, fmt.Errorf("no type")
	}
	return json.Marshal(t)
}

func stringKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) (string, error) {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single", nil
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group", nil
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list", nil
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set", nil
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map", nil
	}
	return "", fmt.Errorf("unknown block nesting mode %v", m)
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) (string, error) {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single", nil
	case tfprotov6.SchemaObjectNestingModeList:
		return "list", nil
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set", nil
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map", nil
	}
	return "", fmt.Errorf("unknown attribute nesting mode %v", m)
}
