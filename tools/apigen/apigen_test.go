package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates both services into a temporary directory
// and compares with the committed files, when the models are available.
func TestGeneratedUpToDate(t *testing.T) {
	models := filepath.Join("..", "..", "..", "shared", "models")
	if _, err := os.Stat(filepath.Join(models, targets[0].npmFile)); err != nil {
		t.Skip("official models not present beside the repository")
	}
	tmp := t.TempDir()
	if err := run(models, tmp, false, false); err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		entries, err := os.ReadDir(filepath.Join(tmp, tg.pkg))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 4 {
			t.Fatalf("%s: %d files generated, want 4", tg.pkg, len(entries))
		}
		for _, e := range entries {
			fresh, _ := os.ReadFile(filepath.Join(tmp, tg.pkg, e.Name()))
			committed, err := os.ReadFile(filepath.Join("..", "..", "internal", "api", tg.pkg, e.Name()))
			if err != nil {
				t.Fatalf("committed %s/%s missing: %v", tg.pkg, e.Name(), err)
			}
			if string(fresh) != string(committed) {
				t.Errorf("%s/%s differs from a fresh generation: run go generate ./internal/api", tg.pkg, e.Name())
			}
		}
	}
	// Deterministic: a second run gives the same bytes.
	tmp2 := t.TempDir()
	if err := run(models, tmp2, false, false); err != nil {
		t.Fatal(err)
	}
	if err := run(models, tmp2, true, false); err != nil {
		t.Fatalf("second generation differs: %v", err)
	}
}

func TestPatternTranslationsCompile(t *testing.T) {
	for p := range patternTranslations {
		if _, err := compilePattern(p); err != nil {
			t.Error(err)
		}
	}
}
