package config

import (
	"regexp"
	"sync"
)

// A gateway file may also be a definition written for another tool — a SAM
// or CloudFormation template, an OpenAPI file, a serverless.yml, an OCI
// deployment specification, a Huawei APIG export. A registered Translator
// (engine/importer) turns it into authlab YAML, which Load then reads like
// any gateway file; positions are mapped back, so every diagnostic points
// into the user's own file. Everything that loads gateways (fire, run,
// serve and its live reload, validate, the TUI, a scenario's gateway:)
// therefore takes those files directly.

// Translation is a foreign source translated to an authlab gateway.
type Translation struct {
	// Format names the source format in messages ("SAM template").
	Format string
	// YAML is the authlab gateway file.
	YAML []byte
	// Lines[i] is where line i+1 of YAML came from in the source.
	Lines []Pos
	// Warnings are the translator's own, positioned in the source (their
	// Rule is the translator's code, IMP-*).
	Warnings []Diagnostic
}

// Translator returns the translation of src, or nil, nil when src is not a
// format it knows (then it is loaded as an authlab file). An error is a
// source it knows but cannot translate (a *Diagnostics, positioned).
type Translator func(file string, src []byte) (*Translation, error)

var translator struct {
	sync.RWMutex
	t Translator
}

// RegisterTranslator installs the translator Load consults.
func RegisterTranslator(t Translator) {
	translator.Lock()
	defer translator.Unlock()
	translator.t = t
}

func registeredTranslator() Translator {
	translator.RLock()
	defer translator.RUnlock()
	return translator.t
}

// authlabFile: a top-level `version:` key is how every authlab gateway
// file starts; no other format the translator reads has one at the top
// level (OpenAPI's is under info:). Such files skip the translator.
var authlabFile = regexp.MustCompile(`(?m)^version[ \t]*:`)

// translate consults the translator; ok is false for an authlab file.
func translate(file string, src []byte) (tr *Translation, ok bool, err error) {
	t := registeredTranslator()
	if t == nil || authlabFile.Match(src) {
		return nil, false, nil
	}
	tr, err = t(file, src)
	if tr == nil && err == nil {
		return nil, false, nil
	}
	return tr, true, err
}

// loadTranslated loads a translation as the gateway of file: the
// translator's warnings first, then what the loader finds, every position
// mapped back to the source; Source stays the source's bytes (reload
// compares them), File its path (serve and the TUI watch it).
func loadTranslated(file string, src []byte, dir string, tr *Translation, terr error) (*Gateway, *Diagnostics, error) {
	diags := &Diagnostics{}
	diags.setSource(file, src)
	if terr != nil {
		if d, ok := terr.(*Diagnostics); ok {
			diags.Merge(d)
			diags.Sort()
			return nil, diags, diags
		}
		return nil, diags, terr
	}
	diags.List = append(diags.List, tr.Warnings...)
	inner := &Diagnostics{}
	inner.setSource(file, tr.YAML)
	body := Document(file, tr.YAML, inner, "gateway", "the translation is empty")
	var g *Gateway
	if body != nil {
		g, _, _ = loadNode(file, tr.YAML, body, dir, "the imported gateway", inner)
	}
	remap := func(p Pos) Pos {
		if p.Line >= 1 && p.Line <= len(tr.Lines) && tr.Lines[p.Line-1].Line > 0 {
			return tr.Lines[p.Line-1]
		}
		return Pos{1, 1}
	}
	for _, d := range inner.List {
		p := remap(Pos{d.Line, d.Col})
		d.Line, d.Col = p.Line, p.Col
		d.Message += " (in the translation of this " + tr.Format + "; authlab import --print shows it)"
		diags.add(d)
	}
	diags.secrets = append(diags.secrets, inner.secrets...)
	diags.Sort()
	if diags.HasErrors() || g == nil {
		return nil, diags, diags
	}
	for k, p := range g.pos {
		g.pos[k] = remap(p)
	}
	for k, p := range g.keyPos {
		g.keyPos[k] = remap(p)
	}
	g.Source = src
	g.Translated = tr
	return g, diags, nil
}
