package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// target describes one service to generate.
type target struct {
	pkg, npmFile, botoFile string
}

var targets = []target{
	{pkg: "cognitoidp", npmFile: "cognito-idp.npm-v3-derived.json", botoFile: "cognito-idp.botocore.service-2.json"},
	{pkg: "cognitoidentity", npmFile: "cognito-identity.npm-v3-derived.json", botoFile: "cognito-identity.botocore.service-2.json"},
}

func main() {
	models := flag.String("models", "../shared/models", "directory holding the official model JSON files")
	out := flag.String("out", "internal/api", "directory receiving one package per service")
	check := flag.Bool("check", false, "compare with the files in -out instead of writing them; exit 1 on a difference")
	verbose := flag.Bool("v", false, "print resolution warnings")
	flag.Parse()
	if err := run(*models, *out, *check, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}

func run(models, out string, check, verbose bool) error {
	var stale []string
	for _, t := range targets {
		files, warnings, err := generate(models, t)
		if err != nil {
			return err
		}
		if verbose {
			for _, w := range warnings {
				fmt.Fprintln(os.Stderr, "warning:", w)
			}
		}
		dir := filepath.Join(out, t.pkg)
		for _, name := range sortedKeys(files) {
			path := filepath.Join(dir, name)
			if check {
				old, err := os.ReadFile(path)
				if err != nil || !bytes.Equal(old, files[name]) {
					stale = append(stale, path)
				}
				continue
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				return err
			}
		}
	}
	if len(stale) > 0 {
		return fmt.Errorf("generated files are out of date (run go generate ./...): %v", stale)
	}
	return nil
}

// generate returns the files of one service package, keyed by file name.
func generate(models string, t target) (map[string][]byte, []string, error) {
	npm, err := loadModel(filepath.Join(models, t.npmFile))
	if err != nil {
		return nil, nil, err
	}
	boto, err := loadModel(filepath.Join(models, t.botoFile))
	if err != nil {
		return nil, nil, err
	}
	r := &resolver{npm: npm, boto: boto}
	structs, err := r.structures()
	if err != nil {
		return nil, nil, err
	}
	svc := &service{
		pkg:          t.pkg,
		targetPrefix: metaString(boto, "targetPrefix"),
		signingName:  metaString(boto, "endpointPrefix"),
		apiVersion:   metaString(boto, "apiVersion"),
		structs:      structs,
		enums:        map[string][]string{},
	}
	if svc.targetPrefix == "" || svc.signingName == "" {
		return nil, nil, errors.New(t.botoFile + ": metadata lacks targetPrefix or endpointPrefix")
	}
	if err := collectEnums(svc); err != nil {
		return nil, nil, err
	}
	for _, name := range sortedKeys(npm.Operations) {
		o := npm.Operations[name]
		op := operation{name: name, input: o.Input.Shape, unauthenticated: o.AuthType == "none"}
		if o.Output != nil {
			op.output = o.Output.Shape
		} else {
			op.output, op.syntheticOutput = name+"Output", true
			if _, clash := npm.Shapes[op.output]; clash {
				return nil, nil, fmt.Errorf("synthetic output %s clashes with a model shape", op.output)
			}
		}
		for _, e := range o.Errors {
			op.errors = append(op.errors, e.Shape)
		}
		sort.Strings(op.errors)
		svc.ops = append(svc.ops, op)
	}
	g := newGen(svc)
	files := map[string][]byte{}
	for name, emit := range map[string]func() ([]byte, error){
		"zz_types.go":    g.emitTypes,
		"zz_errors.go":   g.emitErrors,
		"zz_validate.go": g.emitValidate,
		"zz_service.go":  g.emitService,
	} {
		src, err := emit()
		if err != nil {
			return nil, nil, fmt.Errorf("%s/%s: %w", t.pkg, name, err)
		}
		files[name] = src
	}
	return files, r.warnings, nil
}

func metaString(m *rawModel, key string) string {
	s, _ := m.Metadata[key].(string)
	return s
}

// collectEnums gathers every enum type used by the service's structures.
func collectEnums(svc *service) error {
	var add func(t *typeRef) error
	add = func(t *typeRef) error {
		for ; t != nil; t = t.elem {
			if t.kind != "string" || t.name == "" {
				continue
			}
			if old, ok := svc.enums[t.name]; ok && fmt.Sprint(old) != fmt.Sprint(t.enum) {
				return fmt.Errorf("enum %s has two value sets", t.name)
			}
			if _, isStruct := svc.structs[t.name]; isStruct {
				return fmt.Errorf("enum %s clashes with a structure", t.name)
			}
			svc.enums[t.name] = t.enum
		}
		return nil
	}
	for _, st := range svc.structs {
		for _, m := range st.members {
			if err := add(m.t); err != nil {
				return err
			}
		}
	}
	return nil
}
