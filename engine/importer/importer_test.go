package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/engine/config"
	"github.com/authlab/authlab/engine/importer"
)

// imp imports src written to dir/name (with extra files) and returns the
// translation and its warning codes.
func imp(t *testing.T, name, src string, o importer.Options, files map[string]string) (string, []importer.Warning) {
	t.Helper()
	dir := t.TempDir()
	for f, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	res, err := importer.Import(path, []byte(src), o)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	// Every translation loads with zero errors.
	if _, diags, err := config.Load(filepath.Join(dir, "authlab.yaml"), res.YAML, dir); err != nil {
		t.Fatalf("the translation does not load:\n%s\n%s", diags.Format(false), res.YAML)
	}
	return string(res.YAML), res.Warnings
}

func codes(ws []importer.Warning) string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return strings.Join(out, " ")
}

func wantContains(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      importer.Format
	}{
		{"sam.yaml", "Transform: AWS::Serverless-2016-10-31\nResources: {}\n", importer.SAM},
		{"sam2.yaml", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n", importer.SAM},
		{"sam-list.yaml", "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources: {}\n", importer.SAM},
		{"cfn.json", `{"Resources": {"A": {"Type": "AWS::ApiGateway::RestApi"}}}`, importer.CFN},
		{"cfn2.yaml", "Resources:\n  A:\n    Type: AWS::ApiGatewayV2::Api\n", importer.CFN},
		{"serverless.yml", "service: x\nprovider: {name: aws}\n", importer.Serverless},
		{"oci.json", `{"routes": [{"path": "/a", "backend": {"type": "HTTP_BACKEND"}}]}`, importer.OCI},
		{"hw.yaml", "swagger: '2.0'\npaths:\n  /a:\n    get:\n      x-apigateway-backend: {type: MOCK}\n", importer.Huawei},
		{"oas.yaml", "openapi: 3.0.1\npaths: {}\n", importer.OpenAPI},
		{"oas-aws.yaml", "openapi: 3.0.1\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: {type: mock}\n", importer.OpenAPI},
	} {
		t.Run(c.name, func(t *testing.T) {
			if f, what := importer.DetectSource(c.name, []byte(c.src)); f != c.want {
				t.Errorf("format %q (%s), want %s", f, what, c.want)
			}
		})
	}
}

// A file that is no known format is an IMP-FORMAT error that says what was
// found; an authlab file is not imported.
func TestNotAFormat(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a: 1\nb: 2\n", "top-level keys a, b"},
		{"- 1\n- 2\n", "a list"},
		{"version: 1\nroutes: []\n", "an authlab gateway file"},
		{"Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n", "without API Gateway or SAM resources"},
		{"{", "not a YAML or JSON document"},
	} {
		_, err := importer.Import("x.yaml", []byte(c.src), importer.Options{})
		var ie *importer.Error
		if !errors.As(err, &ie) || ie.Code != "IMP-FORMAT" || !strings.Contains(ie.Msg, c.want) {
			t.Errorf("%q: %v, want IMP-FORMAT saying %q", c.src, err, c.want)
		}
	}
	_, err := importer.Import("serverless.ts", []byte("export default {}"), importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "serverless print") {
		t.Errorf("serverless.ts: %v", err)
	}
}

const intrinsics = `AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String, Default: dev}
  Hdr: {Type: String, Default: X-Token}
  Pool: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition NotProd, !Equals [a, a]]
Mappings:
  Ttl: {dev: {Seconds: 30}, prod: {Seconds: 600}}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Sub "${Env}-${AWS::Region}"
      Variables:
        joined: !Join ["-", [a, !Ref Env, !Select [1, !Split [",", "x,y,z"]]]]
        escaped: !Sub "${!Literal}"
        withVars: !Sub ["${A}/${B}", {A: one, B: !Ref Env}]
        missing: !ImportValue other-stack-output
        custom: !Unknown tag
        dropped: !If [IsProd, shown, !Ref AWS::NoValue]
      Auth:
        DefaultAuthorizer: A
        Authorizers:
          A:
            FunctionArn: !GetAtt [Fn, Arn]
            Identity:
              Header: !Ref Hdr
              ReauthorizeEvery: !FindInMap [Ttl, !Ref Env, Seconds]
          B:
            FunctionArn: !If [Both, !GetAtt Fn.Arn, !GetAtt Other.Arn]
            Identity:
              ReauthorizeEvery: !If [IsProd, 1, 0]
          C:
            UserPoolArn: !Sub "arn:aws:cognito-idp:${AWS::Region}:123456789012:userpool/${Pool}"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: auth.handler
      Events:
        E:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /x, Method: get}
        F:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /y, Method: get, Auth: {Authorizer: B}}
        G:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /z, Method: get, Auth: {Authorizer: C}}
`

// TestIntrinsics: !Ref, !Sub (with variables and ${!x}), !Join, !Select,
// !Split, !FindInMap, !If with conditions, AWS::NoValue, unresolvable
// !ImportValue and unknown tags, --param overriding a default.
func TestIntrinsics(t *testing.T) {
	src := strings.ReplaceAll(intrinsics, "{RestApiId: !Ref Api, Path: /x, Method: get}", "\n            RestApiId: !Ref Api\n            Path: /x\n            Method: get")
	src = strings.ReplaceAll(src, "{RestApiId: !Ref Api, Path: /y, Method: get, Auth: {Authorizer: B}}", "\n            RestApiId: !Ref Api\n            Path: /y\n            Method: get\n            Auth: {Authorizer: B}")
	src = strings.ReplaceAll(src, "{RestApiId: !Ref Api, Path: /z, Method: get, Auth: {Authorizer: C}}", "\n            RestApiId: !Ref Api\n            Path: /z\n            Method: get\n            Auth: {Authorizer: C}")
	files := map[string]string{"auth.py": "def handler(e, c):\n    raise Exception('Unauthorized')\n"}
	out, ws := imp(t, "template.yaml", src, importer.Options{Region: "eu-west-1"}, files)
	wantContains(t, out,
		"stage: dev-eu-west-1",
		"joined: a-dev-y",
		"escaped: ${Literal}",
		"withVars: one/dev",
		"missing: UNRESOLVED(!ImportValue other-stack-output)",
		"custom: UNRESOLVED(!Unknown tag)",
		"identitySource: header:X-Token",
		"ttl: 30s",
		"handler: auth.py:handler",
		"userPoolId: eu-west-1_UNRESOLVED",
	)
	if strings.Contains(out, "dropped") {
		t.Errorf("AWS::NoValue kept the key:\n%s", out)
	}
	wantContains(t, codes(ws), "IMP-UNRESOLVED")
	// B: Both holds with Env=dev, so the function is Fn; TTL 0.
	if !strings.Contains(out, "B:\n    type: aws-token\n    identitySource: header:Authorization\n    ttl: 0\n") {
		t.Errorf("B:\n%s", out)
	}
	out, _ = imp(t, "template.yaml", src, importer.Options{Params: map[string]string{"Env": "prod", "Pool": "eu-west-1_Pool1"}, Region: "eu-west-1"}, files)
	wantContains(t, out, "stage: prod-eu-west-1", "ttl: 600s", "dropped: shown",
		"userPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Pool1")
}

// TestHandlerResolution follows the Lambda runtimes' rules: Node's first
// dot and extension order, Python's last dot and package folders.
func TestHandlerResolution(t *testing.T) {
	tpl := func(runtime, codeURI, handler string) string {
		return `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: ` + runtime + `
      CodeUri: ` + codeURI + `
      Handler: ` + handler + `
      Events:
        E:
          Type: Api
          Properties:
            Path: /x
            Method: get
            Auth: {Authorizer: A}
Globals:
  Api:
    Auth:
      Authorizers:
        A:
          FunctionArn: !GetAtt Fn.Arn
`
	}
	for _, c := range []struct {
		name            string
		runtime, uri, h string
		files           []string
		want            string
		code            string
	}{
		{"node js", "nodejs20.x", "src/", "index.handler", []string{"src/index.js"}, "handler: src/index.js:handler", ""},
		{"node mjs after js", "nodejs20.x", "src/", "index.handler", []string{"src/index.mjs", "src/index.cjs"}, "handler: src/index.mjs:handler", ""},
		{"node nested function", "nodejs20.x", "src/", "lib/auth/token.handlers.verify", []string{"src/lib/auth/token.mjs"}, "handler: src/lib/auth/token.mjs:handlers.verify", ""},
		{"node typescript", "nodejs20.x", "src/", "app.handler", []string{"src/app.ts"}, "runtime: mock", "IMP-FN-TS"},
		{"node missing", "nodejs20.x", "src/", "gone.handler", nil, "runtime: mock", "IMP-FN-NOT-LOCAL"},
		{"python module", "python3.12", "fn/", "auth.main", []string{"fn/auth.py"}, "handler: fn/auth.py:main", ""},
		{"python package", "python3.12", "fn/", "pkg.mod.main", []string{"fn/pkg/mod.py"}, "handler: fn/pkg/mod.py:main\n      workdir: fn", ""},
		{"python slash", "python3.11", "fn/", "pkg/mod.main", []string{"fn/pkg/mod.py"}, "PYTHONPATH: .", ""},
		{"java", "java21", "fn/", "com.x.Auth::handle", nil, "runtime: mock", "IMP-FN-RUNTIME"},
		{"s3", "python3.12", "s3://bucket/key.zip", "auth.handler", nil, "runtime: mock", "IMP-FN-NOT-LOCAL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{}
			for _, f := range c.files {
				files[f] = "exports.handler = async () => { throw new Error('Unauthorized') }\n"
				if strings.HasSuffix(f, ".py") {
					files[f] = "def main(e, c):\n    raise Exception('Unauthorized')\n"
				}
			}
			out, ws := imp(t, "template.yaml", tpl(c.runtime, c.uri, c.h), importer.Options{}, files)
			wantContains(t, out, c.want)
			if c.code != "" {
				wantContains(t, codes(ws), c.code)
			}
		})
	}
}

// TestFunctionOverride: --function plugs a local handler in for a function
// the source only names by ARN.
func TestFunctionOverride(t *testing.T) {
	src := `openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    get:
      security: [{auth: []}]
      x-amazon-apigateway-integration: {type: mock}
components:
  securitySchemes:
    auth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:tok/invocations
`
	files := map[string]string{"h/tok.js": "exports.handler = async () => { throw new Error('Unauthorized') }\n"}
	dir := t.TempDir()
	_ = dir
	out, ws := imp(t, "api.yaml", src, importer.Options{}, files)
	wantContains(t, out, "runtime: mock")
	wantContains(t, codes(ws), "IMP-FN-NOT-LOCAL")
	// paths in --function are the user's (relative to where they run):
	// here absolute, written relative to the output.
	res, err := importer.Import(filepath.Join(dir, "api.yaml"), []byte(src), importer.Options{Functions: map[string]string{"tok": filepath.Join(dir, "h", "tok.js")}})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, string(res.YAML), "function: {runtime: node, handler: h/tok.js:handler}")
}

func TestSeveralAPIs(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  A:
    Type: AWS::Serverless::Api
    Properties: {StageName: a}
  B:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: x.handler
      Events:
        One:
          Type: Api
          Properties:
            RestApiId: !Ref A
            Path: /a
            Method: get
        Two:
          Type: HttpApi
          Properties:
            ApiId: !Ref B
            Path: /b
            Method: get
`
	_, err := importer.Import("t.yaml", []byte(src), importer.Options{})
	var ie *importer.Error
	if !errors.As(err, &ie) || ie.Code != "IMP-MULTI-API" || strings.Join(ie.Candidates, ",") != "A,B" {
		t.Fatalf("%v", err)
	}
	out, _ := imp(t, "t.yaml", src, importer.Options{API: "B"}, nil)
	wantContains(t, out, "platform: aws-http", "path: /b")
	_, err = importer.Import("t.yaml", []byte(src), importer.Options{API: "C"})
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, `no API "C"`) {
		t.Errorf("%v", err)
	}
}

// TestDeterministic: the same input gives byte-identical output.
func TestDeterministic(t *testing.T) {
	path := filepath.Join(fixtures, "sam", "large.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := importer.Import(path, src, importer.Options{Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, _ := importer.Import(path, src, importer.Options{Inline: true})
		if string(again.YAML) != string(first.YAML) || len(again.Warnings) != len(first.Warnings) {
			t.Fatal("two imports of the same file differ")
		}
	}
}

// TestLinesPointIntoTheSource: each authorizer's and route's lines map to
// the source element they came from.
func TestLinesPointIntoTheSource(t *testing.T) {
	path := filepath.Join(fixtures, "sam", "template.yaml")
	src, _ := os.ReadFile(path)
	res, err := importer.Import(path, src, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(res.YAML), "\n")
	found := map[string]int{}
	for i, l := range lines {
		switch k := strings.TrimSpace(l); k {
		case "TokenAuth:", "TenantAuth:", "- path: /reports/{key+}":
			if _, seen := found[k]; !seen { // the route, not its preflight
				found[k] = res.Lines[i].Line
			}
		}
	}
	srcLines := strings.Split(string(src), "\n")
	for what, line := range found {
		if line < 1 || line > len(srcLines) {
			t.Errorf("%s maps to line %d", what, line)
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(what, "- path: "), ":")
		if key == "/reports/{key+}" {
			key = "Reports:"
		}
		if !strings.Contains(srcLines[line-1], strings.TrimSuffix(key, ":")) {
			t.Errorf("%s maps to line %d: %q", what, line, srcLines[line-1])
		}
	}
	if len(found) != 3 {
		t.Errorf("found %v", found)
	}
}

// TestHostile: sources built to hurt stay cheap: nesting, aliases, cycles
// through resources, conditions and serverless variables.
func TestHostile(t *testing.T) {
	cases := map[string]string{
		"nesting.yaml":     "openapi: 3.0.0\npaths: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n",
		"laughs.yaml":      "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
		"cycle.yaml":       "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi}\n  A: {Type: AWS::ApiGateway::Resource, Properties: {RestApiId: !Ref Api, ParentId: !Ref B, PathPart: a}}\n  B: {Type: AWS::ApiGateway::Resource, Properties: {RestApiId: !Ref Api, ParentId: !Ref A, PathPart: b}}\n  M: {Type: AWS::ApiGateway::Method, Properties: {RestApiId: !Ref Api, ResourceId: !Ref A, HttpMethod: GET, AuthorizationType: NONE}}\n",
		"conds.yaml":       "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  Api: {Type: AWS::ApiGateway::RestApi, Condition: A}\n",
		"variables.yml":    "service: s\nprovider: {name: aws, stage: '${self:provider.stage}'}\ncustom: {a: '${self:custom.b}', b: '${self:custom.a}'}\nfunctions:\n  f:\n    handler: '${self:custom.a}'\n    events:\n      - http: GET x\n",
		"selfdeep.yml":     "service: s\nprovider: {name: aws}\ncustom: {a: '${self:custom.a}${self:custom.a}${self:custom.a}'}\nfunctions:\n  f:\n    handler: '${self:custom.a}'\n    events:\n      - http: {path: x, method: get, authorizer: '${self:custom.a}'}\n",
		"bigtemplate.yaml": "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi}\n" + strings.Repeat("  R: {Type: AWS::ApiGateway::Resource}\n", 10),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			// A blow-up (exponential aliases, a reference cycle) runs for
			// hours: the watchdog catches it without timing a busy machine.
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, _ = importer.Import(filepath.Join(t.TempDir(), name), []byte(src), importer.Options{})
			}()
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatalf("%s: still importing after a minute", name)
			}
		})
	}
}

// TestTranslateHook: config.Load takes a source directly and maps the
// loader's own diagnostics back into it.
func TestTranslateHook(t *testing.T) {
	dir := t.TempDir()
	src := `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      DefaultAuthorizer: tok
      Authorizers:
        tok:
          FunctionArn: !GetAtt Fn.Arn
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: auth.handler
      Events:
        A:
          Type: Api
          Properties: {Path: /a, Method: get}
        B:
          Type: Api
          Properties: {Path: /b, Method: get}
`
	if err := os.WriteFile(filepath.Join(dir, "auth.py"), []byte("def handler(e, c):\n    raise Exception('Unauthorized')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "template.yaml")
	g, diags, err := config.Load(path, []byte(src), dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Format(true))
	}
	if g.Translated == nil || g.Translated.Format != "SAM template" || string(g.Source) != src {
		t.Errorf("Translated %+v", g.Translated)
	}
	// validate's AWS-C3 (a cached policy serving two routes) is about the
	// authorizer: line 7 of the source, where the scheme is.
	found := false
	for _, d := range diags.List {
		if d.Rule == "AWS-C3" {
			found = true
			if d.File != path || d.Line != 7 {
				t.Errorf("AWS-C3 at %s:%d, want %s:7", d.File, d.Line, path)
			}
		}
	}
	if !found {
		t.Errorf("no AWS-C3 warning:\n%s", diags.Format(true))
	}
	if p, ok := g.PosOf("authorizers.tok"); !ok || p.Line != 7 {
		t.Errorf("PosOf(authorizers.tok) = %v, %v", p, ok)
	}
	// An authlab file is loaded as it is.
	if g, _, err := config.Load(path, []byte("version: 1\nroutes:\n  - path: /a\n    backend: {echo: true}\n"), dir); err != nil || g.Translated != nil {
		t.Errorf("authlab file: %v %v", err, g)
	}
	// Several APIs: an error at the source that says how to pick one.
	multi := "Transform: AWS::Serverless-2016-10-31\nResources:\n  A: {Type: AWS::Serverless::Api, Properties: {StageName: a}}\n  B: {Type: AWS::Serverless::Api, Properties: {StageName: b}}\n"
	_, diags, err = config.Load(path, []byte(multi), dir)
	if err == nil || !strings.Contains(diags.Format(false), "authlab import --api ID") {
		t.Errorf("%v\n%s", err, diags.Format(false))
	}
}

// TestServerlessARNNames: authorizers given by ARN are named as the
// Serverless Framework names them (the last ":" segment's last "-" part).
func TestServerlessARNNames(t *testing.T) {
	src := `service: s
provider: {name: aws, runtime: python3.12}
functions:
  f:
    handler: h.handler
    events:
      - http:
          path: a
          method: get
          authorizer: arn:aws:lambda:us-east-1:123456789012:function:team-token-auth:live
      - http:
          path: b
          method: get
          authorizer: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pool1
`
	out, _ := imp(t, "serverless.yml", src, importer.Options{}, nil)
	wantContains(t, out, "\n  live:\n    type: aws-token", "\n  1_Pool1:\n    type: cognito", "userPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pool1")
}
