package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// typeRef is a resolved member type: its Go form and modeled constraints.
type typeRef struct {
	kind      string // string int32 int64 float64 bool time blob document struct list map
	name      string // struct or enum type name
	enum      []string
	elem      *typeRef // list element or map value
	min, max  *int64   // string/list/map length or numeric range
	pattern   string   // Java pattern as modeled ("" = none)
	sensitive bool
}

// generic npm-derived shapes that carry no information of their own.
var genericShapes = map[string]bool{"String": true, "Double": true, "Boolean": true, "Timestamp": true, "Blob": true, "Document": true}

// patternTranslations maps model patterns RE2 cannot compile to
// equivalents it can (RE2 has no look-behind).
var patternTranslations = map[string]string{
	`^[0-9A-Za-z\.\-_]*(?<!\.)$`: `^(?:[0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?$`,
}

type resolver struct {
	npm, boto *rawModel
	warnings  []string
}

// resolve types a member whose npm-derived shape is npmName and whose
// botocore shape is botoName ("" when botocore does not have the member).
func (r *resolver) resolve(npmName, botoName, where string) (*typeRef, error) {
	ns := r.npm.Shapes[npmName]
	if ns == nil {
		return nil, fmt.Errorf("%s: unknown shape %s", where, npmName)
	}
	if botoName == "" && !genericShapes[npmName] && r.boto.Shapes[npmName] != nil {
		botoName = npmName
	}
	bs := r.boto.Shapes[botoName]
	t := &typeRef{sensitive: ns.Sensitive || (bs != nil && bs.Sensitive)}
	if bs != nil {
		t.min, t.max = num(bs.Min), num(bs.Max)
		if bs.Pattern != nil {
			t.pattern = *bs.Pattern
		}
	}
	switch ns.Type {
	case "string":
		t.kind = "string"
		switch {
		case len(ns.Enum) > 0:
			t.name, t.enum = npmName, ns.Enum
		case bs != nil && len(bs.Enum) > 0:
			t.name, t.enum = botoName, bs.Enum
		}
	case "boolean":
		t.kind = "bool"
	case "double":
		t.kind = "int64"
		switch {
		case bs == nil:
			r.warnings = append(r.warnings, where+": number without botocore type, using int64")
		case bs.Type == "integer":
			t.kind = "int32"
		case bs.Type == "long":
			t.kind = "int64"
		case bs.Type == "double" || bs.Type == "float":
			t.kind = "float64"
		}
	case "timestamp":
		t.kind = "time"
	case "blob":
		t.kind = "blob"
	case "document":
		t.kind = "document"
	case "structure":
		t.kind, t.name = "struct", npmName
	case "list":
		t.kind = "list"
		eb := ""
		if bs != nil && bs.Member != nil {
			eb = bs.Member.Shape
		}
		e, err := r.resolve(ns.Member.Shape, eb, where+"[]")
		if err != nil {
			return nil, err
		}
		t.elem = e
	case "map":
		t.kind = "map"
		vb := ""
		if bs != nil && bs.Value != nil {
			vb = bs.Value.Shape
		}
		v, err := r.resolve(ns.Value.Shape, vb, where+"{}")
		if err != nil {
			return nil, err
		}
		t.elem = v
	default:
		return nil, fmt.Errorf("%s: unsupported type %s", where, ns.Type)
	}
	if t.pattern != "" {
		if _, err := compilePattern(t.pattern); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	return t, nil
}

// compilePattern returns the RE2 source used for a model pattern.
func compilePattern(p string) (string, error) {
	src := p
	if tr, ok := patternTranslations[p]; ok {
		src = tr
	}
	if _, err := regexp.Compile(`^(?:` + src + `)$`); err != nil {
		return "", fmt.Errorf("pattern %q does not compile in RE2 and has no translation: %v", p, err)
	}
	return src, nil
}

func num(n *json.Number) *int64 {
	if n == nil {
		return nil
	}
	s := n.String()
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	i := int64(v)
	return &i
}

// member is one resolved structure member.
type member struct {
	name     string // model member name
	goName   string
	required bool
	t        *typeRef
}

// structure is one resolved structure shape.
type structure struct {
	name      string
	members   []member
	exception bool
	status    int  // modeled HTTP status
	server    bool // server fault (sent as 500)
}

func goFieldName(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// structures resolves every structure reachable from the operations, plus
// every exception.
func (r *resolver) structures() (map[string]*structure, error) {
	out := map[string]*structure{}
	var visit func(name string) error
	visit = func(name string) error {
		if _, done := out[name]; done {
			return nil
		}
		ns := r.npm.Shapes[name]
		if ns == nil || ns.Type != "structure" {
			return fmt.Errorf("structure %s not found", name)
		}
		st := &structure{name: name, exception: ns.Exception}
		if ns.Error != nil {
			st.status = ns.Error.Status
			st.server = !ns.Error.SenderFault
		}
		out[name] = st
		bs := r.boto.Shapes[name]
		req := map[string]bool{}
		for _, q := range ns.Required {
			req[q] = true
		}
		for _, mn := range ns.order {
			mm := ns.Members[mn]
			botoMember := ""
			if bs != nil && bs.Type == "structure" {
				if bm, ok := bs.Members[mn]; ok {
					botoMember = bm.Shape
				}
			}
			t, err := r.resolve(mm.Shape, botoMember, name+"."+mn)
			if err != nil {
				return err
			}
			st.members = append(st.members, member{name: mn, goName: goFieldName(mn), required: req[mn], t: t})
			for e := t; e != nil; e = e.elem {
				if e.kind == "struct" {
					if err := visit(e.name); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	for _, name := range sortedKeys(r.npm.Operations) {
		op := r.npm.Operations[name]
		if op.Input != nil {
			if err := visit(op.Input.Shape); err != nil {
				return nil, err
			}
		}
		if op.Output != nil {
			if err := visit(op.Output.Shape); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sortedKeys(r.npm.Shapes) {
		if r.npm.Shapes[name].Exception {
			if err := visit(name); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
