package importer

import (
	"errors"
	"fmt"

	"github.com/authlab/authlab/engine/config"
)

// Loading a source directly (-g template.yaml, a scenario's gateway:):
// config.Load asks Translate, which imports the source in memory with the
// defaults of `authlab import` (no --api, --param or --function: a source
// that needs them is imported once to a file).
func init() { config.RegisterTranslator(Translate) }

// Translate is the config.Translator: nil, nil for a document that is not
// a format the importer reads (an authlab file, or anything else: the
// loader then reports what is wrong with it as an authlab file).
func Translate(file string, src []byte) (*config.Translation, error) {
	root, err := parse(file, src)
	if err != nil {
		return nil, nil
	}
	f, _ := detect(root)
	if f == "" {
		return nil, nil
	}
	res, err := importRoot(file, root, Options{Format: f})
	if err != nil {
		diags := &config.Diagnostics{}
		diags.SetSource(file, src)
		var ie *Error
		if errors.As(err, &ie) {
			msg := ie.Msg
			if ie.Code == "IMP-MULTI-API" {
				msg = fmt.Sprintf("%s; loading the %s directly takes one API: write that one with authlab import --api ID -o authlab.yaml %s", ie.Msg, f.Title(), file)
			}
			diags.Errorf(ie.Pos.File, config.Pos{Line: ie.Pos.Line, Col: ie.Pos.Col}, "%s", msg)
			return nil, diags
		}
		diags.Errorf(file, config.Pos{Line: 1, Col: 1}, "importing the %s: %v", f.Title(), err)
		return nil, diags
	}
	tr := &config.Translation{Format: f.Title(), YAML: res.YAML, Lines: make([]config.Pos, len(res.Lines))}
	for i, p := range res.Lines {
		if p.File == file {
			tr.Lines[i] = config.Pos{Line: p.Line, Col: p.Col}
		}
	}
	for _, w := range res.Warnings {
		tr.Warnings = append(tr.Warnings, config.Diagnostic{File: w.File, Line: w.Line, Col: w.Col, Severity: config.SevWarning, Rule: w.Code, Message: w.Message})
	}
	return tr, nil
}
