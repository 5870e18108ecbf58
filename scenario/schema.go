package scenario

import (
	"encoding/json"
	"reflect"

	"github.com/authlab/authlab/engine/config"
)

// Schema returns the JSON Schema of scenario files, derived from the Go
// types the loader decodes into (like the gateway schema), with the two
// values that take more than one shape filled in by hand: gateway (a path
// or an inline gateway) and upstream (none or a mapping).
func Schema() map[string]any {
	s := config.SchemaOf(reflect.TypeOf(File{}))
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = config.SchemaURL("scenario")
	s["title"] = "authlab scenario file"
	props := obj(s, "properties")

	gw := config.Schema()
	for _, k := range []string{"$schema", "$id", "title"} {
		delete(gw, k)
	}
	setShape(props, "gateway", map[string]any{"anyOf": []any{map[string]any{"type": "string"}, gw}})

	expect := obj(props, "steps", "items", "properties", "expect", "properties")
	up := config.SchemaOf(reflect.TypeOf(Upstream{}))
	setShape(expect, "upstream", map[string]any{"anyOf": []any{map[string]any{"const": "none"}, up}})
	// null means "must be absent" in every expected set of names.
	for _, set := range []map[string]any{obj(expect, "headers"), obj(up, "properties", "headers"), obj(up, "properties", "query")} {
		if set != nil {
			set["additionalProperties"] = map[string]any{"type": []any{"string", "null"}}
		}
	}
	return s
}

// obj walks nested schema objects; nil when one is missing.
func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// setShape replaces a property's schema, keeping its description.
func setShape(props map[string]any, name string, shape map[string]any) {
	if props == nil {
		return
	}
	if old, ok := props[name].(map[string]any); ok {
		if d, ok := old["description"]; ok {
			shape["description"] = d
		}
	}
	props[name] = shape
}

// SchemaJSON is Schema, indented.
func SchemaJSON() []byte {
	b, _ := json.MarshalIndent(Schema(), "", "  ")
	return append(b, '\n')
}
