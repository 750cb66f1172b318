// Package plan classifies what applying a change does to each composed
// resource of a platform, from decoded objects: the before side's desired
// and observed resources and the after side's desired ones. It renders
// nothing and runs nothing; hack/plan drives the renders.
package plan

import "fmt"

// Class is what applying the change does to one composed resource.
type Class string

// The classes, in the order a plan lists them (most dangerous first).
const (
	Refused Class = "refused"
	Replace Class = "replace"
	Delete  Class = "delete"
	Kept    Class = "kept"
	Update  Class = "update"
	Create  Class = "create"
)

// Classes is every class in listing order.
var Classes = []Class{Refused, Replace, Delete, Kept, Update, Create}

// Resource is one composed resource the change touches.
type Resource struct {
	Class Class `json:"class"`
	// Key is the composition resource name (the after side's for a
	// replacement by key, the before side's for a delete).
	Key string `json:"key"`
	// OldKey is the before side's key of a replacement by key.
	OldKey          string `json:"oldKey,omitempty"`
	APIVersion      string `json:"apiVersion"`
	Kind            string `json:"kind"`
	ExternalName    string `json:"externalName,omitempty"`
	OldExternalName string `json:"oldExternalName,omitempty"`
	// Stateful kinds hold data or what data lives in (internal/stateful).
	Stateful bool `json:"stateful"`
	// Flagged is a stateful resource deleted, replaced or refused.
	Flagged bool `json:"flagged"`
	// Fields is the diff of the spec and the metadata the function owns.
	Fields []Field `json:"fields,omitempty"`
	// ReplaceOnly names the replace-only fields a refused update changes.
	ReplaceOnly []ReplaceOnly `json:"replaceOnly,omitempty"`
	// Why says what applying the change does, Action what the operator
	// must do about it.
	Why    string `json:"why,omitempty"`
	Action string `json:"action,omitempty"`
}

// Field is one changed field; nil Old or New is a field only one side sets.
type Field struct {
	Path string `json:"path"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

// ReplaceOnly is one replace-only field (internal/forcenew) the desired
// object sets to another value than the existing one holds.
type ReplaceOnly struct {
	Path        string `json:"path"`
	Old         any    `json:"old"`
	New         any    `json:"new"`
	Conditional bool   `json:"conditional,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// Plan is the whole preview.
type Plan struct {
	// Title says what was planned (the files, the function versions).
	Title     string     `json:"title"`
	Resources []Resource `json:"resources"`
	Unchanged int        `json:"unchanged"`
	// Rejected are the API server's refusals of a claim edit: nothing
	// would change.
	Rejected []string `json:"rejected,omitempty"`
	// FunctionRefusal is the Fatal result the function returns for the
	// after side: nothing would change.
	FunctionRefusal string `json:"functionRefusal,omitempty"`
	// Warnings are the function's warnings on the after side.
	Warnings []string `json:"warnings,omitempty"`
}

// Summary counts the resources per class.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Refused int `json:"refused"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
	Kept    int `json:"kept"`
}

// Summary counts p's resources per class.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, r := range p.Resources {
		switch r.Class {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Refused:
			s.Refused++
		case Replace:
			s.Replace++
		case Delete:
			s.Delete++
		case Kept:
			s.Kept++
		}
	}
	return s
}

func (s Summary) String() string {
	return fmt.Sprintf("Plan: %d to create, %d to update in place, %d refused, %d to replace, %d to delete, %d kept in AWS.",
		s.Create, s.Update, s.Refused, s.Replace, s.Delete, s.Kept)
}

// Flagged lists the stateful resources deleted, replaced or refused.
func (p *Plan) Flagged() []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Flagged {
			out = append(out, r)
		}
	}
	return out
}

// Exit codes of make plan.
const (
	ExitNoChange = 0
	ExitError    = 1
	ExitChanges  = 2
	ExitStateful = 3
)

// ExitCode is 1 when nothing would change because the API server or the
// function refuses the change, 3 when a stateful resource would be deleted,
// replaced or refused, 2 for any other change and 0 for none.
func (p *Plan) ExitCode() int {
	switch {
	case len(p.Rejected) > 0 || p.FunctionRefusal != "":
		return ExitError
	case len(p.Flagged()) > 0:
		return ExitStateful
	case len(p.Resources) > 0:
		return ExitChanges
	}
	return ExitNoChange
}

// Of returns p's resources of class c, in p's order.
func (p *Plan) Of(c Class) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Class == c {
			out = append(out, r)
		}
	}
	return out
}
