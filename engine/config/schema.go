package config

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Schema returns the JSON Schema of gateway files, derived from the same Go
// types the loader decodes into (their yaml, doc, enum, required tags), so
// the schema and the loader cannot drift apart.
func Schema() map[string]any {
	s := schemaOf(reflect.TypeOf(Gateway{}), "")
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = SchemaURL("gateway")
	s["title"] = "authlab gateway file"
	// The validator, not the decoder, insists on version (with a better
	// message than the decoder's), so its field has no required tag.
	if req, _ := s["required"].([]string); !slices.Contains(req, "version") {
		s["required"] = append([]string{"version"}, req...)
	}
	return s
}

// SchemaBaseURL is where the repository publishes the schemas of both file
// formats (docs/schema/ on its main branch): the $id of each schema and the
// yaml-language-server modeline of the files authlab writes. A test keeps
// docs/schema/*.json equal to `authlab schema`.
const SchemaBaseURL = "https://raw.githubusercontent.com/authlab/authlab/main/docs/schema/"

// SchemaURL is the published schema of a file format: "gateway" or "scenario".
func SchemaURL(kind string) string { return SchemaBaseURL + kind + ".json" }

// Modeline is the first line of a gateway or scenario file written by authlab:
// the YAML language server (VS Code, Neovim, ...) completes and checks the
// file with the schema it names.
func Modeline(kind string) string { return "# yaml-language-server: $schema=" + SchemaURL(kind) }

// SchemaJSON is Schema, indented.
func SchemaJSON() []byte {
	b, _ := json.MarshalIndent(Schema(), "", "  ")
	return append(b, '\n')
}

// SchemaOf derives the JSON Schema of any type tagged like the gateway types
// (scenario files reuse it). A kind:"node" field gets an empty schema: its
// owner describes it.
func SchemaOf(t reflect.Type) map[string]any { return schemaOf(t, "") }

func schemaOf(t reflect.Type, kind string) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "pattern": `^([0-9]+d)?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))*$|^[0-9]+(\.[0-9]+)?$`},
			map[string]any{"type": "number", "minimum": 0},
		}}
	case t == stringListType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string"},
			map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}}
	case kind == "any":
		return map[string]any{}
	case kind == "statusCode":
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "pattern": `^[1-5][0-9][0-9]$`},
			map[string]any{"type": "integer", "minimum": 100, "maximum": 599},
		}}
	case kind == "awsResponseTypes":
		names := make([]any, len(AWSResponseTypes))
		for i, n := range AWSResponseTypes {
			names[i] = n
		}
		return map[string]any{"type": "object", "propertyNames": map[string]any{"enum": names},
			"additionalProperties": schemaOf(t.Elem(), "")}
	case kind == "namedmap":
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), "")}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object"}
		}
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), "")}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), "")}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Tag.Get("yaml")
			if name == "" || name == "-" {
				continue
			}
			ps := schemaOf(f.Type, f.Tag.Get("kind"))
			if doc := f.Tag.Get("doc"); doc != "" {
				ps["description"] = doc
			}
			if f.Tag.Get("kind") == "authorizerType" {
				var vals []any
				for _, t := range AuthorizerTypes() {
					vals = append(vals, t)
				}
				ps["enum"] = vals
			}
			if enum := f.Tag.Get("enum"); enum != "" {
				var vals []any
				for _, v := range strings.Split(enum, ",") {
					if f.Type.Kind() == reflect.Int {
						n, _ := strconv.Atoi(v)
						vals = append(vals, n)
					} else {
						vals = append(vals, v)
					}
				}
				ps["enum"] = vals
			}
			if p := f.Tag.Get("pattern"); p != "" {
				ps["pattern"] = p
			}
			if f.Tag.Get("format") == "uri" {
				ps["format"] = "uri"
			}
			for _, k := range []string{"minimum", "maximum"} {
				if v := f.Tag.Get(k); v != "" {
					n, _ := strconv.Atoi(v)
					ps[k] = n
				}
			}
			props[name] = ps
			if f.Tag.Get("required") == "true" {
				required = append(required, name)
			}
		}
		out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			out["required"] = required
		}
		if hasOptions(t) {
			// Each authorizer type adds its own keys: an editor offers only
			// those of the type written (if/then per type).
			delete(out, "additionalProperties")
			out["unevaluatedProperties"] = false
			var cases []any
			for _, typ := range AuthorizerTypes() {
				spec := TypeSpecOf(typ)
				own := map[string]any{}
				if spec.Options != nil {
					own, _ = schemaOf(reflect.TypeOf(spec.Options()), "")["properties"].(map[string]any)
				}
				allowed := map[string]any{"type": true}
				for _, k := range spec.Common {
					allowed[k] = true
				}
				for k := range own {
					allowed[k] = true
				}
				var others []any
				for k := range props {
					if allowed[k] == nil {
						others = append(others, k)
					}
				}
				then := map[string]any{"properties": own}
				if len(others) > 0 {
					sortAny(others)
					then["not"] = map[string]any{"anyOf": requiredEach(others)}
				}
				cases = append(cases, map[string]any{
					"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"const": typ}}, "required": []string{"type"}},
					"then": then,
				})
			}
			out["allOf"] = cases
		}
		return out
	}
	return map[string]any{}
}

func hasOptions(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("kind") == "options" {
			return true
		}
	}
	return false
}

// requiredEach is [{required: [k]} ...]: "any of these keys is present".
func requiredEach(keys []any) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = map[string]any{"required": []any{k}}
	}
	return out
}

func sortAny(v []any) {
	slices.SortFunc(v, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
}
