package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// rawShape is a shape in either model file (botocore-style JSON).
type rawShape struct {
	Type      string               `json:"type"`
	Members   map[string]rawMember `json:"members"`
	Required  []string             `json:"required"`
	Member    *rawMember           `json:"member"`
	Key       *rawMember           `json:"key"`
	Value     *rawMember           `json:"value"`
	Enum      []string             `json:"enum"`
	Sensitive bool                 `json:"sensitive"`
	Exception bool                 `json:"exception"`
	Error     *struct {
		Status      int  `json:"httpStatusCode"`
		SenderFault bool `json:"senderFault"`
	} `json:"error"`
	Min     *json.Number `json:"min"`
	Max     *json.Number `json:"max"`
	Pattern *string      `json:"pattern"`
	order   []string     // member order as written in the file
}

type rawMember struct {
	Shape string `json:"shape"`
}

type rawOp struct {
	Name     string      `json:"name"`
	Input    *rawMember  `json:"input"`
	Output   *rawMember  `json:"output"`
	Errors   []rawMember `json:"errors"`
	AuthType string      `json:"authtype"`
}

type rawModel struct {
	Metadata   map[string]any       `json:"metadata"`
	Operations map[string]rawOp     `json:"operations"`
	Shapes     map[string]*rawShape `json:"shapes"`
}

// loadModel reads a model file, keeping structure member order.
func loadModel(path string) (*rawModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m rawModel
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	// Recover member order: encoding/json maps lose it.
	var ordered struct {
		Shapes map[string]struct {
			Members orderedKeys `json:"members"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(data, &ordered); err != nil {
		return nil, err
	}
	for name, s := range m.Shapes {
		s.order = ordered.Shapes[name].Members
		if len(s.order) != len(s.Members) {
			keys := make([]string, 0, len(s.Members))
			for k := range s.Members {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			s.order = keys
		}
	}
	return &m, nil
}

// orderedKeys decodes the keys of a JSON object in document order.
type orderedKeys []string

func (o *orderedKeys) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		*o = append(*o, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}
