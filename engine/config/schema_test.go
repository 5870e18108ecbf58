package config_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/fixtures"
)

var schemaURL = config.SchemaURL("gateway")

// compileSchema compiles the schema exactly as `authlab schema gateway`
// prints it (SchemaJSON), not the in-memory map.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(config.SchemaJSON()))
	if err != nil {
		t.Fatalf("SchemaJSON is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // format: uri must hold too
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("the gateway schema does not compile: %v", err)
	}
	return sch
}

// yamlInstance converts a gateway file to the JSON value an editor's YAML
// language server validates.
func yamlInstance(t *testing.T, src []byte) any {
	t.Helper()
	js, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatalf("YAMLToJSON: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("UnmarshalJSON(%s): %v", js, err)
	}
	return v
}

func TestSchemaCompiles(t *testing.T) {
	t.Parallel()
	compileSchema(t)
	s := config.Schema()
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" || s["$id"] != schemaURL {
		t.Errorf("$schema %v $id %v", s["$schema"], s["$id"])
	}
	var round map[string]any
	if err := json.Unmarshal(config.SchemaJSON(), &round); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(config.SchemaJSON(), []byte("}\n")) {
		t.Error("SchemaJSON should end with a newline")
	}
}

func TestSchemaAcceptsValidGateways(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	inputs := map[string][]byte{"demo": fixtures.DemoGateway}
	files, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	for name, src := range inputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			// Only files the loader accepts: the schema must not be stricter.
			if _, diags, err := config.Load(name, src, filepath.Join("testdata", "valid")); err != nil {
				t.Fatalf("the loader rejects it:\n%s", diags.Format(false))
			}
			if err := sch.Validate(yamlInstance(t, src)); err != nil {
				t.Errorf("the schema rejects a file the loader accepts:\n%v", err)
			}
		})
	}
}

func TestSchemaRejectsInvalidGateways(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	const base = `version: 1
authorizers:
  a:
    type: aws-token
    identitySource: header:Authorization
    function: {runtime: mock, responses: [{return: Unauthorized}]}
routes:
  - path: /a
    authorizer: a
    backend: {echo: true}
`
	if err := sch.Validate(yamlInstance(t, []byte(base))); err != nil {
		t.Fatalf("the base file must pass: %v", err)
	}
	cases := []struct{ name, from, to, want string }{
		{"unknown top-level key", "version: 1\n", "version: 1\nnmae: x\n", "nmae"},
		{"unknown authorizer key", "    identitySource:", "    identitySorce:", "identitySorce"},
		{"unknown backend key", "{echo: true}", "{echo: true, colour: blue}", "colour"},
		{"bad authorizer type", "type: aws-token", "type: aws-tokn", "/authorizers/a/type"},
		{"another type's own key", "    identitySource:", "    issuer: https://x\n    identitySource:", "issuer"},
		{"another type's common key", "    identitySource:", "    timeout: 3s\n    identitySource:", "/authorizers/a"},
		{"bad runtime", "runtime: mock", "runtime: lambda", "/authorizers/a/function/runtime"},
		{"bad version", "version: 1", "version: 2", "version"},
		{"version as a string", "version: 1", `version: "1"`, "version"},
		{"bad platform", "version: 1\n", "version: 1\nplatform: azure\n", "/platform"},
		{"bad ifExists", "    backend: {echo: true}", "    requestTransformations: {setHeaders: [{name: X, values: [a], ifExists: REPLACE}]}\n    backend: {echo: true}", "/routes/0/requestTransformations/setHeaders/0/ifExists"},
		{"bad filter type", "    backend: {echo: true}", "    requestTransformations: {filterHeaders: {type: DENY, items: [{name: X}]}}\n    backend: {echo: true}", "/routes/0/requestTransformations/filterHeaders/type"},
		{"route without backend", "    backend: {echo: true}\n", "", "backend"},
		{"bad duration", "    identitySource:", "    ttl: 5 minutes\n    identitySource:", "ttl"},
		{"negative duration", "    identitySource:", "    ttl: -5\n    identitySource:", "ttl"},
		{"account not 12 digits", "version: 1\n", "version: 1\naws: {account: \"1234\"}\n", "account"},
		{"string where mapping", "version: 1\n", "version: 1\naws: eu-west-1\n", "aws"},
		{"list where string", "    authorizer: a", "    authorizer: [a]", "authorizer"},
		{"bool where int", "responses: [{return: Unauthorized}]", "responses: [{return: Unauthorized}], pool: true", "pool"},
		{"status out of range", "{echo: true}", "{stock: {status: 42}}", "status"},
		{"authorizers as a list", "authorizers:\n  a:\n", "authorizers:\n- a:\n", "authorizers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("bad case: %q not in the base file", c.from)
			}
			src := strings.Replace(base, c.from, c.to, 1)
			err := sch.Validate(yamlInstance(t, []byte(src)))
			if err == nil {
				t.Fatalf("the schema accepts:\n%s", src)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not mention %q:\n%v", c.want, err)
			}
		})
	}
}

// TestSchemaCoversEveryField walks the config types and the schema side by
// side: every yaml-tagged field is a property (with its required, enum and
// kind), no property lacks a field, and every object refuses unknown keys
// as the loader does. This is the derived-from-types guarantee.
func TestSchemaCoversEveryField(t *testing.T) {
	t.Parallel()
	var round map[string]any
	if err := json.Unmarshal(config.SchemaJSON(), &round); err != nil {
		t.Fatal(err)
	}
	fields := 0
	walkSchema(t, reflect.TypeOf(config.Gateway{}), "", round, "", &fields, map[reflect.Type]bool{})
	if fields < 40 {
		t.Errorf("only %d fields checked: the walk is broken", fields)
	}
}

var (
	durationType   = reflect.TypeOf(config.Duration{})
	stringListType = reflect.TypeOf(config.StringList{})
)

func walkSchema(t *testing.T, typ reflect.Type, kind string, s map[string]any, path string, fields *int, seen map[reflect.Type]bool) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	at := path
	if at == "" {
		at = "(root)"
	}
	switch {
	case typ == durationType || typ == stringListType:
		if _, ok := s["anyOf"]; !ok {
			t.Errorf("%s: %s must accept several shapes (anyOf), got %v", at, typ.Name(), s)
		}
		return
	case kind == "statusCode":
		// a status code is written as "404" or 404 (AWS-G5)
		if _, ok := s["anyOf"]; !ok {
			t.Errorf("%s: a status code must accept a string and a number (anyOf), got %v", at, s)
		}
		return
	case kind == "any" || kind == "node":
		return
	case kind == "namedmap":
		if s["type"] != "object" {
			t.Errorf("%s: a named map must be an object, got %v", at, s["type"])
		}
		ap, _ := s["additionalProperties"].(map[string]any)
		if ap == nil {
			t.Errorf("%s: no additionalProperties schema for the entries", at)
			return
		}
		walkSchema(t, typ.Elem(), "", ap, path+".NAME", fields, seen)
		return
	}
	switch typ.Kind() {
	case reflect.String:
		wantType(t, at, s, "string")
	case reflect.Int:
		wantType(t, at, s, "integer")
	case reflect.Bool:
		wantType(t, at, s, "boolean")
	case reflect.Slice:
		wantType(t, at, s, "array")
		items, _ := s["items"].(map[string]any)
		if items == nil {
			t.Errorf("%s: array without items", at)
			return
		}
		walkSchema(t, typ.Elem(), "", items, path+"[]", fields, seen)
	case reflect.Map:
		wantType(t, at, s, "object")
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			walkSchema(t, typ.Elem(), "", ap, path+".KEY", fields, seen)
		}
	case reflect.Struct:
		wantType(t, at, s, "object")
		if options := optionsField(typ); options {
			// An authorizer: the common keys here, each type's own keys in
			// its if/then case; nothing else is evaluated.
			if s["unevaluatedProperties"] != false {
				t.Errorf("%s: unevaluatedProperties must be false (the loader rejects unknown keys)", at)
			}
			cases, _ := s["allOf"].([]any)
			if len(cases) != len(config.AuthorizerTypes()) {
				t.Errorf("%s: %d type cases, want one per type %v", at, len(cases), config.AuthorizerTypes())
			}
			for _, c := range cases {
				cm := c.(map[string]any)
				typ := cm["if"].(map[string]any)["properties"].(map[string]any)["type"].(map[string]any)["const"].(string)
				spec := config.TypeSpecOf(typ)
				if spec == nil || spec.Options == nil {
					continue
				}
				own := cm["then"].(map[string]any)["properties"].(map[string]any)
				walkSchema(t, reflect.TypeOf(spec.Options()), "", map[string]any{"type": "object", "properties": own, "additionalProperties": false},
					path+"("+typ+")", fields, seen)
			}
		} else if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false (the loader rejects unknown keys)", at)
		}
		props, _ := s["properties"].(map[string]any)
		var required []string
		if r, ok := s["required"].([]any); ok {
			for _, x := range r {
				required = append(required, x.(string))
			}
		}
		var names, wantRequired []string
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name := f.Tag.Get("yaml")
			if name == "" || name == "-" {
				continue
			}
			names = append(names, name)
			*fields++
			fp := strings.TrimPrefix(path+"."+name, ".")
			ps, ok := props[name].(map[string]any)
			if !ok {
				t.Errorf("%s: field %s.%s (yaml %q) is not in the schema", fp, typ.Name(), f.Name, name)
				continue
			}
			if f.Tag.Get("required") == "true" {
				wantRequired = append(wantRequired, name)
			}
			if enum := f.Tag.Get("enum"); enum != "" {
				var got []string
				for _, v := range asList(ps["enum"]) {
					b, _ := json.Marshal(v)
					got = append(got, strings.Trim(string(b), `"`))
				}
				if want := strings.Split(enum, ","); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: schema enum %v, want %v", fp, got, want)
				}
			}
			if doc := f.Tag.Get("doc"); doc != "" && ps["description"] != doc {
				t.Errorf("%s: description %q, want the doc tag %q", fp, ps["description"], doc)
			}
			if seen[f.Type] && f.Type.Kind() == reflect.Pointer {
				continue // already walked this struct type
			}
			walkSchema(t, f.Type, f.Tag.Get("kind"), ps, fp, fields, withSeen(seen, f.Type))
		}
		for name := range props {
			if !slices.Contains(names, name) {
				t.Errorf("%s: schema property %q has no field in %s", at, name, typ.Name())
			}
		}
		if typ == reflect.TypeOf(config.Gateway{}) {
			// The validator requires version (the decoder's required tag
			// would report a missing one twice); editors must know too.
			wantRequired = append(wantRequired, "version")
		}
		sort.Strings(required)
		sort.Strings(wantRequired)
		if !reflect.DeepEqual(required, wantRequired) {
			t.Errorf("%s: required %v, want %v", at, required, wantRequired)
		}
	}
}

func withSeen(seen map[reflect.Type]bool, t reflect.Type) map[reflect.Type]bool {
	out := make(map[reflect.Type]bool, len(seen)+1)
	for k := range seen {
		out[k] = true
	}
	out[t] = true
	return out
}

func wantType(t *testing.T, at string, s map[string]any, want string) {
	t.Helper()
	if s["type"] != want {
		t.Errorf("%s: schema type %v, want %s", at, s["type"], want)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestSchemaEnumsMatchTheLoader: the schema's enums are the loader's lists,
// so an editor offers exactly what validate accepts.
func TestSchemaEnumsMatchTheLoader(t *testing.T) {
	t.Parallel()
	s := config.Schema()
	az := s["properties"].(map[string]any)["authorizers"].(map[string]any)["additionalProperties"].(map[string]any)
	azProps := az["properties"].(map[string]any)
	if got := toStrings(azProps["type"].(map[string]any)["enum"]); !reflect.DeepEqual(got, config.AuthorizerTypes()) {
		t.Errorf("schema authorizer types %v, loader %v", got, config.AuthorizerTypes())
	}
	fn := azProps["function"].(map[string]any)["properties"].(map[string]any)
	if got := toStrings(fn["runtime"].(map[string]any)["enum"]); !reflect.DeepEqual(got, config.Runtimes) {
		t.Errorf("schema runtimes %v, loader %v", got, config.Runtimes)
	}
}

func toStrings(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			out = append(out, x.(string))
		}
	case []string:
		out = l
	}
	return out
}

func optionsField(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("kind") == "options" {
			return true
		}
	}
	return false
}
