package importer

import (
	"fmt"
	"strings"
)

// DetectSource names the format of a source file's bytes, or returns ""
// and what was found.
func DetectSource(file string, src []byte) (Format, string) {
	root, err := parse(file, src)
	if err != nil {
		return "", "not a YAML or JSON document (" + err.Error() + ")"
	}
	return detect(root)
}

// detect names the format of a parsed source by its content (first match
// wins), or returns "" and a description of what was found.
func detect(root *node) (Format, string) {
	if root == nil || root.kind != kMap {
		switch {
		case root == nil || root.kind == kNull:
			return "", "an empty document"
		case root.kind == kList:
			return "", "a list"
		}
		return "", "a single value"
	}
	if root.has("version") && (root.has("authorizers") || root.has("routes")) {
		return "", "an authlab gateway file (version, routes): load it as it is"
	}
	if isSAM(root) {
		return SAM, ""
	}
	if res := root.get("Resources"); res != nil && res.kind == kMap {
		for _, v := range res.vals {
			t := v.get("Type").text()
			if strings.HasPrefix(t, "AWS::ApiGateway::") || strings.HasPrefix(t, "AWS::ApiGatewayV2::") {
				return CFN, ""
			}
		}
	}
	if root.has("service") && (root.has("functions") || root.has("provider")) {
		return Serverless, ""
	}
	if r := root.get("routes"); r != nil && r.kind == kList && !root.has("paths") {
		return OCI, ""
	}
	if root.has("swagger") || root.has("openapi") {
		if hasHuaweiExtension(root, 0) {
			return Huawei, ""
		}
		return OpenAPI, ""
	}
	if root.has("Resources") {
		return "", "a CloudFormation template without API Gateway or SAM resources"
	}
	keys := root.keys
	more := ""
	if len(keys) > 8 {
		keys, more = keys[:8], fmt.Sprintf(" and %d more", len(root.keys)-8)
	}
	return "", fmt.Sprintf("a mapping with top-level keys %s%s", strings.Join(keys, ", "), more)
}

// isSAM: Transform is or contains AWS::Serverless-2016-10-31, or a
// resource is AWS::Serverless::*.
func isSAM(root *node) bool {
	for _, t := range root.get("Transform").items() {
		if strings.HasPrefix(t.text(), "AWS::Serverless") {
			return true
		}
	}
	if res := root.get("Resources"); res != nil && res.kind == kMap {
		for _, v := range res.vals {
			if strings.HasPrefix(v.get("Type").text(), "AWS::Serverless::") {
				return true
			}
		}
	}
	return false
}

// hasHuaweiExtension finds a key starting x-apigateway- (Huawei's prefix;
// AWS's is x-amazon-apigateway-) at the top, in paths' operations or in
// security schemes.
func hasHuaweiExtension(n *node, depth int) bool {
	if n == nil || depth > 6 {
		return false
	}
	switch n.kind {
	case kMap:
		for i, k := range n.keys {
			if strings.HasPrefix(k, "x-apigateway-") {
				return true
			}
			if hasHuaweiExtension(n.vals[i], depth+1) {
				return true
			}
		}
	case kList:
		for _, v := range n.list {
			if hasHuaweiExtension(v, depth+1) {
				return true
			}
		}
	}
	return false
}
